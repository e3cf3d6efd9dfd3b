package dev.nexussecurity.testing;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.nexussecurity.testing.support.CallerWorkflow;
import dev.nexussecurity.testing.support.GreetingService;
import dev.nexussecurity.testing.support.GreetingServiceImpl;
import dev.nexussecurity.testing.support.GreetingWorkflow;
import dev.nexussecurity.testing.support.HandlerInvocations;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.temporal.api.nexus.v1.Endpoint;
import io.temporal.api.operatorservice.v1.ListNexusEndpointsRequest;
import io.temporal.client.WorkflowClient;
import io.temporal.client.WorkflowClientOptions;
import io.temporal.client.WorkflowOptions;
import io.temporal.common.converter.DataConverter;
import io.temporal.common.converter.DefaultDataConverter;
import io.temporal.serviceclient.WorkflowServiceStubs;
import io.temporal.serviceclient.WorkflowServiceStubsOptions;
import io.temporal.worker.Worker;
import io.temporal.worker.WorkerFactory;
import io.temporal.workflow.NexusOperationOptions;
import io.temporal.workflow.NexusServiceOptions;
import io.temporal.workflow.Workflow;
import io.temporal.workflow.WorkflowInterface;
import io.temporal.workflow.WorkflowMethod;
import java.time.Duration;
import java.util.List;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class EmbeddedTemporalTest {
  private EmbeddedTemporal temporal;

  @BeforeAll
  void start() {
    temporal = EmbeddedTemporal.newBuilder().start();
  }

  @AfterAll
  void close() {
    temporal.close();
  }

  // --- builder -----------------------------------------------------------------------------------

  @Test
  void builder_defaults_areWallClockTimeAndTenMillisecondSlice() {
    assertThat(temporal.isTimeSkipping()).isFalse();
    assertThat(temporal.getPollSlice()).isEqualTo(Duration.ofMillis(10));
    assertThat(temporal.getPollSlice()).isEqualTo(EmbeddedTemporal.DEFAULT_POLL_SLICE);
    assertThat(temporal.isClosed()).isFalse();
  }

  @Test
  void setPollSlice_withNullZeroNegativeOrTooLong_isRejectedNamingTheValue() {
    EmbeddedTemporal.Builder builder = EmbeddedTemporal.newBuilder();
    assertThatThrownBy(() -> builder.setPollSlice(null))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("pollSlice")
        .hasMessageContaining("null");
    assertThatThrownBy(() -> builder.setPollSlice(Duration.ZERO))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("pollSlice")
        .hasMessageContaining("PT0S");
    assertThatThrownBy(() -> builder.setPollSlice(Duration.ofMillis(-1)))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("PT-0.001S");
    assertThatThrownBy(() -> builder.setPollSlice(Duration.ofSeconds(11)))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("PT11S");
  }

  @Test
  void setPollSlice_withRejectedValue_keepsThePreviousValue() {
    EmbeddedTemporal.Builder builder =
        EmbeddedTemporal.newBuilder().setPollSlice(Duration.ofMillis(7));
    assertThatThrownBy(() -> builder.setPollSlice(Duration.ZERO))
        .isInstanceOf(IllegalArgumentException.class);
    try (EmbeddedTemporal started = builder.start()) {
      assertThat(started.getPollSlice()).isEqualTo(Duration.ofMillis(7));
    }
  }

  // --- clients, factories, endpoints -------------------------------------------------------------

  @Test
  void newWorkflowClient_withNamespace_usesThatNamespaceOnThisServer() {
    WorkflowClient client = temporal.newWorkflowClient("ns-one");
    assertThat(client.getOptions().getNamespace()).isEqualTo("ns-one");
    assertThat(client.getWorkflowServiceStubs().getRawChannel())
        .isSameAs(temporal.getWorkflowServiceStubs().getRawChannel());
  }

  @Test
  void newWorkflowClient_withConverter_usesThatConverter() {
    DataConverter converter = DefaultDataConverter.newDefaultInstance();
    WorkflowClient client = temporal.newWorkflowClient("ns-two", converter);
    assertThat(client.getOptions().getDataConverter()).isSameAs(converter);
    assertThat(client.getOptions().getNamespace()).isEqualTo("ns-two");
  }

  @Test
  void newWorkflowClient_withOptions_keepsThem() {
    WorkflowClient client =
        temporal.newWorkflowClient(
            WorkflowClientOptions.newBuilder().setNamespace("ns-three").setIdentity("me").build());
    assertThat(client.getOptions().getNamespace()).isEqualTo("ns-three");
    assertThat(client.getOptions().getIdentity()).isEqualTo("me");
  }

  @Test
  void newWorkflowClient_withBlankNamespaceOrNullConverter_isRejected() {
    assertThatThrownBy(() -> temporal.newWorkflowClient(" "))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("namespace must be non-blank, got ' '");
    assertThatThrownBy(() -> temporal.newWorkflowClient((String) null))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("got null");
    assertThatThrownBy(() -> temporal.newWorkflowClient("ns", null))
        .isInstanceOf(NullPointerException.class)
        .hasMessageContaining("dataConverter");
  }

  @Test
  void newWorkerFactory_withClientOfAnotherServer_isRejected() {
    WorkflowServiceStubs otherStubs =
        WorkflowServiceStubs.newServiceStubs(
            WorkflowServiceStubsOptions.newBuilder().setTarget("localhost:1").build());
    try {
      WorkflowClient foreign = WorkflowClient.newInstance(otherStubs);
      assertThatThrownBy(() -> temporal.newWorkerFactory(foreign))
          .isInstanceOf(IllegalArgumentException.class)
          .hasMessageContaining("not connected to this EmbeddedTemporal");
    } finally {
      otherStubs.shutdownNow();
    }
  }

  @Test
  void createNexusEndpoint_storesWorkerTargetThroughOperatorService() {
    Endpoint endpoint = temporal.createNexusEndpoint("convenience", "target-ns", "target-tq");

    assertThat(endpoint.getVersion()).isEqualTo(1);
    assertThat(endpoint.getSpec().getTarget().getWorker().getNamespace()).isEqualTo("target-ns");
    assertThat(endpoint.getSpec().getTarget().getWorker().getTaskQueue()).isEqualTo("target-tq");
    assertThat(
            temporal
                .getOperatorServiceStubs()
                .blockingStub()
                .listNexusEndpoints(
                    ListNexusEndpointsRequest.newBuilder().setName("convenience").build())
                .getEndpointsList())
        .containsExactly(endpoint);
  }

  @Test
  void createNexusEndpoint_withBadInput_isRejectedAndNothingIsStored() {
    assertThatThrownBy(() -> temporal.createNexusEndpoint("bad_name", "ns", "tq"))
        .isInstanceOfSatisfying(
            StatusRuntimeException.class,
            e -> {
              assertThat(e.getStatus().getCode()).isEqualTo(Status.Code.INVALID_ARGUMENT);
              assertThat(e.getStatus().getDescription()).contains("bad_name");
            });
    assertThatThrownBy(() -> temporal.createNexusEndpoint("no-ns", " ", "tq"))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("namespace");
    assertThatThrownBy(() -> temporal.createNexusEndpoint("no-tq", "ns", ""))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("taskQueue must be non-empty, got ''");
    assertThat(endpointNames()).doesNotContain("bad_name", "no-ns", "no-tq");
  }

  @Test
  void createNexusEndpoint_withTakenName_isAlreadyExistsAndKeepsTheFirst() {
    Endpoint first = temporal.createNexusEndpoint("taken", "first-ns", "tq");
    assertThatThrownBy(() -> temporal.createNexusEndpoint("taken", "second-ns", "tq"))
        .isInstanceOfSatisfying(
            StatusRuntimeException.class,
            e -> assertThat(e.getStatus().getCode()).isEqualTo(Status.Code.ALREADY_EXISTS));
    assertThat(
            temporal
                .getOperatorServiceStubs()
                .blockingStub()
                .listNexusEndpoints(ListNexusEndpointsRequest.newBuilder().setName("taken").build())
                .getEndpointsList())
        .containsExactly(first);
  }

  // --- time skipping -----------------------------------------------------------------------------

  @Test
  void timeSkipping_on_skipsATwoHourSleepBeforeARoutedOperation() throws Exception {
    try (EmbeddedTemporal skipping = EmbeddedTemporal.newBuilder().setTimeSkipping(true).start()) {
      assertThat(skipping.isTimeSkipping()).isTrue();
      skipping.createNexusEndpoint("skip", "skip-handler", "skip-tq");
      WorkflowClient handler = skipping.newWorkflowClient("skip-handler");
      WorkerFactory handlerFactory = skipping.newWorkerFactory(handler);
      Worker handlerWorker = handlerFactory.newWorker("skip-tq");
      handlerWorker.registerNexusServiceImplementation(
          new GreetingServiceImpl(new HandlerInvocations()));
      handlerWorker.registerWorkflowImplementationTypes(GreetingWorkflow.Impl.class);
      WorkflowClient caller = skipping.newWorkflowClient("skip-caller");
      WorkerFactory callerFactory = skipping.newWorkerFactory(caller);
      callerFactory
          .newWorker("caller-tq")
          .registerWorkflowImplementationTypes(SleepThenCallWorkflow.Impl.class);
      handlerFactory.start();
      callerFactory.start();

      SleepThenCallWorkflow workflow =
          caller.newWorkflowStub(
              SleepThenCallWorkflow.class,
              WorkflowOptions.newBuilder()
                  .setTaskQueue("caller-tq")
                  .setWorkflowId("sleeper-" + UUID.randomUUID())
                  .build());
      // Without time skipping this would take two hours; the bound only stops a broken build early.
      String result =
          WorkflowClient.execute(workflow::sleepThenCall, "skip", "sleeper")
              .get(30, TimeUnit.SECONDS);

      assertThat(result).isEqualTo("slept 120 min; hello sleeper from skip-handler");
    }
  }

  // --- close -------------------------------------------------------------------------------------

  @Test
  void close_isIdempotentAndLaterUseIsRejected() {
    EmbeddedTemporal closing = EmbeddedTemporal.newBuilder().start();
    WorkflowClient client = closing.newWorkflowClient("ns");
    closing.close();
    closing.close();

    assertThat(closing.isClosed()).isTrue();
    assertThat(closing.getWorkflowServiceStubs().isShutdown()).isTrue();
    assertThat(closing.getOperatorServiceStubs().isShutdown()).isTrue();
    assertThatThrownBy(() -> closing.newWorkflowClient("ns"))
        .isInstanceOf(IllegalStateException.class)
        .hasMessageContaining("closed");
    assertThatThrownBy(() -> closing.newWorkerFactory(client))
        .isInstanceOf(IllegalStateException.class)
        .hasMessageContaining("closed");
    assertThatThrownBy(() -> closing.createNexusEndpoint("late", "ns", "tq"))
        .isInstanceOf(IllegalStateException.class);
  }

  @Test
  void close_afterRoutedTraffic_shutsDownWorkersAndLeavesNoServerThreads() throws Exception {
    Set<Thread> before = liveNonDaemonThreads();
    EmbeddedTemporal busy = EmbeddedTemporal.newBuilder().start();
    WorkerFactory handlerFactory;
    WorkerFactory callerFactory;
    try {
      busy.createNexusEndpoint("threads", "threads-handler", "threads-tq");
      handlerFactory = busy.newWorkerFactory(busy.newWorkflowClient("threads-handler"));
      Worker handlerWorker = handlerFactory.newWorker("threads-tq");
      handlerWorker.registerNexusServiceImplementation(
          new GreetingServiceImpl(new HandlerInvocations()));
      handlerWorker.registerWorkflowImplementationTypes(GreetingWorkflow.Impl.class);
      WorkflowClient caller = busy.newWorkflowClient("threads-caller");
      callerFactory = busy.newWorkerFactory(caller);
      callerFactory
          .newWorker("caller-tq")
          .registerWorkflowImplementationTypes(CallerWorkflow.Impl.class);
      handlerFactory.start();
      callerFactory.start();
      String result =
          caller
              .newWorkflowStub(
                  CallerWorkflow.class,
                  WorkflowOptions.newBuilder()
                      .setTaskQueue("caller-tq")
                      .setWorkflowId("threads-" + UUID.randomUUID())
                      .build())
              .call("threads", "helloWorkflow", "t");
      assertThat(result).isEqualTo("workflow hello t in threads-handler");
      // The check below is meaningful only if the server did start threads of its own.
      assertThat(newThreads(before)).isNotEmpty();
    } finally {
      busy.close();
    }

    assertThat(handlerFactory.isTerminated()).isTrue();
    assertThat(callerFactory.isTerminated()).isTrue();
    // Threads end asynchronously after their executors are shut down; wait for them, then report
    // any.
    long giveUp = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
    while (!newThreads(before).isEmpty() && System.nanoTime() < giveUp) {
      Thread.sleep(20);
    }
    assertThat(newThreads(before).stream().map(Thread::getName).collect(Collectors.toList()))
        .isEmpty();
  }

  private List<String> endpointNames() {
    return temporal
        .getOperatorServiceStubs()
        .blockingStub()
        .listNexusEndpoints(ListNexusEndpointsRequest.newBuilder().setPageSize(1000).build())
        .getEndpointsList()
        .stream()
        .map(e -> e.getSpec().getName())
        .toList();
  }

  private static Set<Thread> liveNonDaemonThreads() {
    return Thread.getAllStackTraces().keySet().stream()
        .filter(t -> t.isAlive() && !t.isDaemon())
        .collect(Collectors.toSet());
  }

  private static Set<Thread> newThreads(Set<Thread> before) {
    Set<Thread> now = liveNonDaemonThreads();
    now.removeAll(before);
    return now;
  }

  /** Sleeps two hours of workflow time, then calls {@link GreetingService#hello}. */
  @WorkflowInterface
  public interface SleepThenCallWorkflow {
    @WorkflowMethod
    String sleepThenCall(String endpoint, String name);

    /** Implementation. */
    final class Impl implements SleepThenCallWorkflow {
      @Override
      public String sleepThenCall(String endpoint, String name) {
        long start = Workflow.currentTimeMillis();
        Workflow.sleep(Duration.ofHours(2));
        long sleptMinutes = (Workflow.currentTimeMillis() - start) / 60_000;
        GreetingService service =
            Workflow.newNexusServiceStub(
                GreetingService.class,
                NexusServiceOptions.newBuilder()
                    .setEndpoint(endpoint)
                    .setOperationOptions(
                        NexusOperationOptions.newBuilder()
                            .setScheduleToCloseTimeout(Duration.ofSeconds(30))
                            .build())
                    .build());
        return "slept " + sleptMinutes + " min; " + service.hello(name);
      }
    }
  }
}
