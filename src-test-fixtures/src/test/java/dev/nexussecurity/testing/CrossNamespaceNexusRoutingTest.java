package dev.nexussecurity.testing;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.nexussecurity.testing.support.BlockingWorkflow;
import dev.nexussecurity.testing.support.CallerWorkflow;
import dev.nexussecurity.testing.support.GreetingServiceImpl;
import dev.nexussecurity.testing.support.GreetingWorkflow;
import dev.nexussecurity.testing.support.HandlerInvocations;
import dev.nexussecurity.testing.support.HandlerInvocations.Invocation;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.temporal.activity.ActivityInterface;
import io.temporal.activity.ActivityOptions;
import io.temporal.api.common.v1.WorkflowExecution;
import io.temporal.api.enums.v1.EventType;
import io.temporal.api.enums.v1.WorkflowExecutionStatus;
import io.temporal.api.history.v1.HistoryEvent;
import io.temporal.api.nexus.v1.Endpoint;
import io.temporal.api.nexus.v1.EndpointSpec;
import io.temporal.api.nexus.v1.EndpointTarget;
import io.temporal.api.operatorservice.v1.DeleteNexusEndpointRequest;
import io.temporal.api.operatorservice.v1.UpdateNexusEndpointRequest;
import io.temporal.api.workflowservice.v1.DescribeWorkflowExecutionRequest;
import io.temporal.api.workflowservice.v1.GetWorkflowExecutionHistoryRequest;
import io.temporal.client.WorkflowClient;
import io.temporal.client.WorkflowOptions;
import io.temporal.client.WorkflowStub;
import io.temporal.worker.Worker;
import io.temporal.worker.WorkerFactory;
import io.temporal.workflow.Workflow;
import io.temporal.workflow.WorkflowInterface;
import io.temporal.workflow.WorkflowMethod;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

/**
 * End to end on one {@link EmbeddedTemporal}: callers in {@code caller-a} and {@code caller-b} call
 * a Nexus service whose endpoint targets {@code handler-ns}; the handler worker polls {@code
 * handler-ns} only.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class CrossNamespaceNexusRoutingTest {
  private static final String CALLER_A = "caller-a";
  private static final String CALLER_B = "caller-b";
  private static final String HANDLER_NS = "handler-ns";
  private static final String HANDLER_2_NS = "handler-two-ns";
  private static final String PLAIN_NS = "plain-ns";
  private static final String CALLER_TQ = "caller-tq";
  private static final String GREETING_TQ = "greeting-tq";
  private static final String LATE_TQ = "late-tq";
  private static final String SHARED_TQ = "shared-tq";
  private static final String OWN_TQ = "own-tq";
  private static final String GREETING_ENDPOINT = "greeting";

  private EmbeddedTemporal temporal;
  private WorkflowClient callerA;
  private WorkflowClient callerB;
  private WorkflowClient handler;
  private WorkflowClient handler2;
  private WorkflowClient plain;
  private final HandlerInvocations handlerLog = new HandlerInvocations();
  private final HandlerInvocations handler2Log = new HandlerInvocations();
  private final HandlerInvocations callerAOwnLog = new HandlerInvocations();

  @BeforeAll
  void startServerAndWorkers() {
    temporal = EmbeddedTemporal.newBuilder().start();
    temporal.createNexusEndpoint(GREETING_ENDPOINT, HANDLER_NS, GREETING_TQ);
    temporal.createNexusEndpoint("shared-one", HANDLER_NS, SHARED_TQ);
    temporal.createNexusEndpoint("shared-two", HANDLER_2_NS, SHARED_TQ);
    temporal.createNexusEndpoint("own", HANDLER_NS, OWN_TQ);

    handler = temporal.newWorkflowClient(HANDLER_NS);
    handler2 = temporal.newWorkflowClient(HANDLER_2_NS);
    callerA = temporal.newWorkflowClient(CALLER_A);
    callerB = temporal.newWorkflowClient(CALLER_B);
    plain = temporal.newWorkflowClient(PLAIN_NS);

    WorkerFactory handlerFactory = temporal.newWorkerFactory(handler);
    for (String taskQueue : List.of(GREETING_TQ, LATE_TQ, SHARED_TQ, OWN_TQ)) {
      handlerWorker(handlerFactory, taskQueue, handlerLog);
    }
    WorkerFactory handler2Factory = temporal.newWorkerFactory(handler2);
    for (String taskQueue : List.of(LATE_TQ, SHARED_TQ)) {
      handlerWorker(handler2Factory, taskQueue, handler2Log);
    }

    WorkerFactory callerAFactory = temporal.newWorkerFactory(callerA);
    callerAFactory
        .newWorker(CALLER_TQ)
        .registerWorkflowImplementationTypes(CallerWorkflow.Impl.class);
    // caller-a also runs its own worker on the task-queue name of an endpoint it calls ("own").
    handlerWorker(callerAFactory, OWN_TQ, callerAOwnLog);
    WorkerFactory callerBFactory = temporal.newWorkerFactory(callerB);
    callerBFactory
        .newWorker(CALLER_TQ)
        .registerWorkflowImplementationTypes(CallerWorkflow.Impl.class);

    WorkerFactory plainFactory = temporal.newWorkerFactory(plain);
    Worker plainWorker = plainFactory.newWorker("plain-tq");
    plainWorker.registerWorkflowImplementationTypes(PlainWorkflow.Impl.class);
    plainWorker.registerActivitiesImplementations(new ShoutActivity.Impl());

    for (WorkerFactory factory :
        List.of(handlerFactory, handler2Factory, callerAFactory, callerBFactory, plainFactory)) {
      factory.start();
    }
  }

  @AfterAll
  void closeServer() {
    temporal.close();
  }

  @Test
  void syncOperation_fromTwoCallerNamespaces_isHandledInHandlerNamespace() {
    String fromA = call(callerA, GREETING_ENDPOINT, "hello", "sync-a");
    String fromB = call(callerB, GREETING_ENDPOINT, "hello", "sync-b");

    assertThat(fromA).isEqualTo("hello sync-a from handler-ns");
    assertThat(fromB).isEqualTo("hello sync-b from handler-ns");
    assertThat(handlerLog.forArgument("sync-a"))
        .containsExactly(new Invocation("hello", "sync-a", HANDLER_NS, GREETING_ENDPOINT));
    assertThat(handlerLog.forArgument("sync-b"))
        .containsExactly(new Invocation("hello", "sync-b", HANDLER_NS, GREETING_ENDPOINT));
  }

  @Test
  void workflowRunOperation_startsWorkflowInHandlerNamespaceOnly() {
    String result = call(callerA, GREETING_ENDPOINT, "helloWorkflow", "async-a");
    String resultB = call(callerB, GREETING_ENDPOINT, "helloWorkflow", "async-b");

    assertThat(result).isEqualTo("workflow hello async-a in handler-ns");
    assertThat(resultB).isEqualTo("workflow hello async-b in handler-ns");
    assertThat(handlerLog.forArgument("async-a"))
        .containsExactly(new Invocation("helloWorkflow", "async-a", HANDLER_NS, GREETING_ENDPOINT));
    assertThat(describeStatus(handler, "greeting-async-a"))
        .isEqualTo(WorkflowExecutionStatus.WORKFLOW_EXECUTION_STATUS_COMPLETED);
    assertNotFound(CALLER_A, "greeting-async-a");
    assertNotFound(CALLER_B, "greeting-async-a");
  }

  @Test
  void histories_stayInTheirOwnNamespace() {
    String callerWorkflowId = "caller-history-" + UUID.randomUUID();
    callerA
        .newWorkflowStub(CallerWorkflow.class, options(callerWorkflowId))
        .call(GREETING_ENDPOINT, "helloWorkflow", "history");

    List<EventType> callerEvents = eventTypes(CALLER_A, callerWorkflowId);
    assertThat(callerEvents)
        .contains(
            EventType.EVENT_TYPE_NEXUS_OPERATION_SCHEDULED,
            EventType.EVENT_TYPE_NEXUS_OPERATION_STARTED,
            EventType.EVENT_TYPE_NEXUS_OPERATION_COMPLETED);
    assertThat(eventTypes(HANDLER_NS, "greeting-history"))
        .contains(EventType.EVENT_TYPE_WORKFLOW_EXECUTION_COMPLETED)
        .doesNotContain(EventType.EVENT_TYPE_NEXUS_OPERATION_SCHEDULED);
    assertNotFound(HANDLER_NS, callerWorkflowId);
  }

  @Test
  void cancelFromCaller_reachesHandlerWorkflow() {
    String result = call(callerB, GREETING_ENDPOINT, "waitForCancel", "cancel-b");

    assertThat(result).isEqualTo("cancelled: CanceledFailure");
    assertThat(describeStatus(handler, "blocking-cancel-b"))
        .isEqualTo(WorkflowExecutionStatus.WORKFLOW_EXECUTION_STATUS_CANCELED);
    assertNotFound(CALLER_B, "blocking-cancel-b");
  }

  @Test
  void concurrentOperations_fromTwoCallers_eachStartExactlyOnce() throws Exception {
    List<CompletableFuture<String>> results = new ArrayList<>();
    List<String> expected = new ArrayList<>();
    for (int i = 0; i < 20; i++) {
      WorkflowClient client = i % 2 == 0 ? callerA : callerB;
      boolean sync = i % 4 < 2;
      String argument = "concurrent-" + i;
      CallerWorkflow stub =
          client.newWorkflowStub(CallerWorkflow.class, options("c-" + UUID.randomUUID()));
      results.add(
          WorkflowClient.execute(
              stub::call, GREETING_ENDPOINT, sync ? "hello" : "helloWorkflow", argument));
      expected.add(
          sync
              ? "hello " + argument + " from handler-ns"
              : "workflow hello " + argument + " in handler-ns");
    }

    List<String> actual = new ArrayList<>();
    for (CompletableFuture<String> result : results) {
      actual.add(result.get(30, TimeUnit.SECONDS));
    }

    assertThat(actual).containsExactlyElementsOf(expected);
    Map<String, Long> counts = handlerLog.countsByArgument("concurrent-");
    assertThat(counts).hasSize(20);
    assertThat(counts.values()).allMatch(count -> count == 1L);
    assertThat(handlerLog.all())
        .filteredOn(i -> i.argument().startsWith("concurrent-"))
        .allMatch(i -> i.infoNamespace().equals(HANDLER_NS));
  }

  @Test
  void plainWorkflowWithoutNexus_stillWorks() {
    String result =
        plain
            .newWorkflowStub(
                PlainWorkflow.class,
                WorkflowOptions.newBuilder()
                    .setTaskQueue("plain-tq")
                    .setWorkflowId("plain-" + UUID.randomUUID())
                    .build())
            .run("quiet");

    assertThat(result).isEqualTo("QUIET in plain-ns");
  }

  @Test
  void endpointsChangedAfterStart_changeRouting() {
    // Handler workers in both namespaces have been polling late-tq since start, before any
    // endpoint.
    Endpoint created = temporal.createNexusEndpoint("late", HANDLER_NS, LATE_TQ);
    assertThat(call(callerA, "late", "hello", "late-1")).isEqualTo("hello late-1 from handler-ns");

    Endpoint updated =
        temporal
            .getOperatorServiceStubs()
            .blockingStub()
            .updateNexusEndpoint(
                UpdateNexusEndpointRequest.newBuilder()
                    .setId(created.getId())
                    .setVersion(created.getVersion())
                    .setSpec(spec("late", HANDLER_2_NS, LATE_TQ))
                    .build())
            .getEndpoint();
    assertThat(updated.getId()).isEqualTo(created.getId());
    assertThat(updated.getVersion()).isEqualTo(created.getVersion() + 1);
    assertThat(call(callerA, "late", "hello", "late-2"))
        .isEqualTo("hello late-2 from handler-two-ns");

    temporal
        .getOperatorServiceStubs()
        .blockingStub()
        .deleteNexusEndpoint(
            DeleteNexusEndpointRequest.newBuilder()
                .setId(updated.getId())
                .setVersion(updated.getVersion())
                .build());
    temporal.createNexusEndpoint("late", HANDLER_NS, LATE_TQ);
    assertThat(call(callerB, "late", "hello", "late-3")).isEqualTo("hello late-3 from handler-ns");

    assertThat(handlerLog.forArgument("late-1")).hasSize(1);
    assertThat(handler2Log.forArgument("late-1")).isEmpty();
    assertThat(handler2Log.forArgument("late-2")).hasSize(1);
    assertThat(handlerLog.forArgument("late-2")).isEmpty();
    assertThat(handlerLog.forArgument("late-3")).hasSize(1);
    assertThat(handler2Log.forArgument("late-3")).isEmpty();
  }

  @Test
  void twoTargetNamespacesWithSameTaskQueueName_eachGetOnlyTheirEndpointsTasks() throws Exception {
    List<CompletableFuture<String>> one = new ArrayList<>();
    List<CompletableFuture<String>> two = new ArrayList<>();
    for (int i = 0; i < 6; i++) {
      WorkflowClient client = i % 2 == 0 ? callerA : callerB;
      one.add(start(client, "shared-one", "hello", "shared-one-" + i));
      two.add(start(client, "shared-two", "hello", "shared-two-" + i));
    }
    for (int i = 0; i < 6; i++) {
      assertThat(one.get(i).get(30, TimeUnit.SECONDS))
          .isEqualTo("hello shared-one-" + i + " from handler-ns");
      assertThat(two.get(i).get(30, TimeUnit.SECONDS))
          .isEqualTo("hello shared-two-" + i + " from handler-two-ns");
    }
    assertThat(handlerLog.countsByArgument("shared-one-")).hasSize(6);
    assertThat(handlerLog.countsByArgument("shared-two-")).isEmpty();
    assertThat(handler2Log.countsByArgument("shared-two-")).hasSize(6);
    assertThat(handler2Log.countsByArgument("shared-one-")).isEmpty();
  }

  @Test
  void callerNamespaceWithOwnWorkerOnRoutedTaskQueue_neverReceivesTheEndpointsTasks()
      throws Exception {
    List<CompletableFuture<String>> results = new ArrayList<>();
    for (int i = 0; i < 8; i++) {
      results.add(start(callerA, "own", "hello", "own-" + i));
    }
    for (int i = 0; i < 8; i++) {
      assertThat(results.get(i).get(30, TimeUnit.SECONDS))
          .isEqualTo("hello own-" + i + " from handler-ns");
    }
    assertThat(handlerLog.countsByArgument("own-")).hasSize(8);
    assertThat(callerAOwnLog.all()).isEmpty();
  }

  @Test
  void seenNamespaces_includeEveryNamespaceThatMadeARequest() {
    assertThat(temporal.getSeenNamespaces())
        .contains(CALLER_A, CALLER_B, HANDLER_NS, HANDLER_2_NS, PLAIN_NS);
  }

  // ---------------------------------------------------------------------------------------------

  private static void handlerWorker(
      WorkerFactory factory, String taskQueue, HandlerInvocations invocations) {
    Worker worker = factory.newWorker(taskQueue);
    worker.registerNexusServiceImplementation(new GreetingServiceImpl(invocations));
    worker.registerWorkflowImplementationTypes(
        GreetingWorkflow.Impl.class, BlockingWorkflow.Impl.class);
  }

  private static WorkflowOptions options(String workflowId) {
    return WorkflowOptions.newBuilder()
        .setTaskQueue(CALLER_TQ)
        .setWorkflowId(workflowId)
        .setWorkflowExecutionTimeout(Duration.ofSeconds(60))
        .build();
  }

  private static String call(
      WorkflowClient client, String endpoint, String operation, String argument) {
    return client
        .newWorkflowStub(CallerWorkflow.class, options("caller-" + UUID.randomUUID()))
        .call(endpoint, operation, argument);
  }

  private static CompletableFuture<String> start(
      WorkflowClient client, String endpoint, String operation, String argument) {
    CallerWorkflow stub =
        client.newWorkflowStub(CallerWorkflow.class, options("caller-" + UUID.randomUUID()));
    return WorkflowClient.execute(stub::call, endpoint, operation, argument);
  }

  private static WorkflowExecutionStatus describeStatus(WorkflowClient client, String workflowId) {
    WorkflowStub stub = client.newUntypedWorkflowStub(workflowId);
    return stub.describe().getStatus();
  }

  private void assertNotFound(String namespace, String workflowId) {
    assertThatThrownBy(
            () ->
                temporal
                    .getWorkflowServiceStubs()
                    .blockingStub()
                    .describeWorkflowExecution(
                        DescribeWorkflowExecutionRequest.newBuilder()
                            .setNamespace(namespace)
                            .setExecution(WorkflowExecution.newBuilder().setWorkflowId(workflowId))
                            .build()))
        .isInstanceOfSatisfying(
            StatusRuntimeException.class,
            e -> assertThat(e.getStatus().getCode()).isEqualTo(Status.Code.NOT_FOUND));
  }

  private List<EventType> eventTypes(String namespace, String workflowId) {
    return temporal
        .getWorkflowServiceStubs()
        .blockingStub()
        .getWorkflowExecutionHistory(
            GetWorkflowExecutionHistoryRequest.newBuilder()
                .setNamespace(namespace)
                .setExecution(WorkflowExecution.newBuilder().setWorkflowId(workflowId))
                .build())
        .getHistory()
        .getEventsList()
        .stream()
        .map(HistoryEvent::getEventType)
        .toList();
  }

  private static EndpointSpec spec(String name, String namespace, String taskQueue) {
    return EndpointSpec.newBuilder()
        .setName(name)
        .setTarget(
            EndpointTarget.newBuilder()
                .setWorker(
                    EndpointTarget.Worker.newBuilder()
                        .setNamespace(namespace)
                        .setTaskQueue(taskQueue)))
        .build();
  }

  /** A workflow with one activity and no Nexus call. */
  @WorkflowInterface
  public interface PlainWorkflow {
    @WorkflowMethod
    String run(String word);

    /** Implementation. */
    final class Impl implements PlainWorkflow {
      private final ShoutActivity activity =
          Workflow.newActivityStub(
              ShoutActivity.class,
              ActivityOptions.newBuilder().setStartToCloseTimeout(Duration.ofSeconds(10)).build());

      @Override
      public String run(String word) {
        return activity.shout(word) + " in " + Workflow.getInfo().getNamespace();
      }
    }
  }

  /** Upper-cases a word. */
  @ActivityInterface
  public interface ShoutActivity {
    String shout(String word);

    /** Implementation. */
    final class Impl implements ShoutActivity {
      @Override
      public String shout(String word) {
        return word.toUpperCase(java.util.Locale.ROOT);
      }
    }
  }
}
