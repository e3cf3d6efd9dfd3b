package dev.nexussecurity.testing;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.fail;

import dev.nexussecurity.testing.support.FanOutCallerWorkflow;
import dev.nexussecurity.testing.support.RaceServiceImpl;
import dev.nexussecurity.testing.support.RaceWorkflow;
import io.grpc.CallOptions;
import io.grpc.Channel;
import io.grpc.ClientCall;
import io.grpc.ClientInterceptor;
import io.grpc.ForwardingClientCall;
import io.grpc.MethodDescriptor;
import io.temporal.api.common.v1.WorkflowExecution;
import io.temporal.api.enums.v1.CommandType;
import io.temporal.api.enums.v1.EventType;
import io.temporal.api.enums.v1.WorkflowExecutionStatus;
import io.temporal.api.enums.v1.WorkflowTaskFailedCause;
import io.temporal.api.history.v1.HistoryEvent;
import io.temporal.api.workflowservice.v1.DescribeWorkflowExecutionRequest;
import io.temporal.api.workflowservice.v1.DescribeWorkflowExecutionResponse;
import io.temporal.api.workflowservice.v1.GetWorkflowExecutionHistoryRequest;
import io.temporal.api.workflowservice.v1.RespondWorkflowTaskCompletedRequest;
import io.temporal.api.workflowservice.v1.WorkflowServiceGrpc;
import io.temporal.client.WorkflowClient;
import io.temporal.client.WorkflowClientOptions;
import io.temporal.client.WorkflowOptions;
import io.temporal.serviceclient.WorkflowServiceStubs;
import io.temporal.serviceclient.WorkflowServiceStubsOptions;
import io.temporal.worker.Worker;
import io.temporal.worker.WorkerFactory;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.BooleanSupplier;
import java.util.stream.Collectors;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * The pattern of Temporal's Nexus cancellation sample on {@link EmbeddedTemporal}: a caller starts
 * several workflow-run operations in one cancellation scope, takes the first result and cancels the
 * others. When two operations complete close together, the caller asks to cancel one that has
 * already completed; the stock embedded server then lost the workflow task and the caller hung.
 */
@Timeout(120)
class NexusCancellationFanOutTest {
  private static final int RUNS = 50;
  private static final Duration RUN_TIMEOUT = Duration.ofSeconds(10);
  private static final String CALLER_TQ = "fan-out-tq";
  private static final String RACE_TQ = "race-tq";
  private static final String PLAIN_CALLER = "plain-caller-ns";
  private static final String PLAIN_HANDLER = "plain-handler-ns";

  /** Three operations that finish at once (they race), two that only a cancel ends. */
  private static final List<String> MODES =
      List.of(
          RaceWorkflow.NOW,
          RaceWorkflow.NOW,
          RaceWorkflow.NOW,
          RaceWorkflow.UNTIL_CANCELLED,
          RaceWorkflow.UNTIL_CANCELLED);

  @RegisterExtension
  static final NexusSecurityExtension NEXUS =
      NexusSecurityExtension.newBuilder()
          .addNamespace("caller-ns")
          .addNamespace("handler-ns")
          .addEndpoint("race", "handler-ns", RACE_TQ, "caller-ns")
          .build();

  @BeforeAll
  static void startWorkers(
      @Namespace("handler-ns") WorkerFactory handler,
      @Namespace("caller-ns") WorkerFactory caller,
      NexusSecurityTestEnvironment env) {
    // with nexus-security on every worker
    registerHandler(handler.newWorker(RACE_TQ));
    caller
        .newWorker(CALLER_TQ)
        .registerWorkflowImplementationTypes(FanOutCallerWorkflow.Impl.class);
    handler.start();
    caller.start();

    // without: plain workers and an endpoint of their own on the same server
    EmbeddedTemporal temporal = env.getTemporal();
    temporal.createNexusEndpoint("race-plain", PLAIN_HANDLER, RACE_TQ);
    WorkerFactory plainHandler =
        temporal.newWorkerFactory(temporal.newWorkflowClient(PLAIN_HANDLER));
    registerHandler(plainHandler.newWorker(RACE_TQ));
    WorkerFactory plainCaller = temporal.newWorkerFactory(temporal.newWorkflowClient(PLAIN_CALLER));
    plainCaller
        .newWorker(CALLER_TQ)
        .registerWorkflowImplementationTypes(FanOutCallerWorkflow.Impl.class);
    plainHandler.start();
    plainCaller.start();
  }

  @Test
  void firstResultThenCancelTheRest_50Runs_withoutNexusSecurity_everyRunCompletes(
      NexusSecurityTestEnvironment env) throws Exception {
    EmbeddedTemporal temporal = env.getTemporal();
    runPattern(temporal, temporal.newWorkflowClient(PLAIN_CALLER), "race-plain", PLAIN_HANDLER);
  }

  @Test
  void firstResultThenCancelTheRest_50Runs_withNexusSecurity_everyRunCompletes(
      @Namespace("caller-ns") WorkflowClient caller, NexusSecurityTestEnvironment env)
      throws Exception {
    runPattern(env.getTemporal(), caller, "race", "handler-ns");
  }

  /**
   * Deterministic: the caller's cancel is held back until the operation it names has completed, so
   * the cancel always names an operation that is no longer pending.
   */
  @Test
  void cancelOfAnOperationThatCompletedMeanwhile_failsOneWorkflowTask_andTheCallerCompletes(
      NexusSecurityTestEnvironment env) throws Exception {
    EmbeddedTemporal temporal = env.getTemporal();
    String callerNamespace = "stale-caller-ns";
    String workflowId = "stale-cancel";
    WorkflowClient handler = temporal.newWorkflowClient(PLAIN_HANDLER);
    AtomicBoolean held = new AtomicBoolean();
    ClientInterceptor finishBeforeCancel =
        new CancelInterceptor(
            () -> {
              // the cancel names "late"'s operation: let it complete first, then send the cancel
              held.set(true);
              handler.newUntypedWorkflowStub("race-stale-late").signal("finish");
              awaitTrue(
                  () -> pendingNexusOperations(temporal, callerNamespace, workflowId) == 0,
                  "the operation of race-stale-late to complete");
            });
    WorkflowServiceStubs stubs =
        WorkflowServiceStubs.newServiceStubs(
            WorkflowServiceStubsOptions.newBuilder()
                .setChannel(temporal.getWorkflowServiceStubs().getRawChannel())
                .setGrpcClientInterceptors(List.of(finishBeforeCancel))
                .validateAndBuildWithDefaults());
    WorkerFactory factory =
        WorkerFactory.newInstance(
            WorkflowClient.newInstance(
                stubs, WorkflowClientOptions.newBuilder().setNamespace(callerNamespace).build()));
    try {
      factory
          .newWorker(CALLER_TQ)
          .registerWorkflowImplementationTypes(FanOutCallerWorkflow.Impl.class);
      factory.start();
      FanOutCallerWorkflow caller =
          temporal
              .newWorkflowClient(callerNamespace)
              .newWorkflowStub(FanOutCallerWorkflow.class, options(workflowId));
      CompletableFuture<String> result =
          WorkflowClient.execute(
              caller::run,
              "race-plain",
              List.of(
                  "stale-first:" + RaceWorkflow.UNTIL_FINISHED,
                  "stale-late:" + RaceWorkflow.UNTIL_FINISHED));
      awaitTrue(
          () ->
              exists(temporal, PLAIN_HANDLER, "race-stale-first")
                  && exists(temporal, PLAIN_HANDLER, "race-stale-late"),
          "both operations to start");
      handler.newUntypedWorkflowStub("race-stale-first").signal("finish");

      String answer = awaitResult(temporal, callerNamespace, workflowId, result);

      assertThat(held).isTrue();
      assertThat(answer).isEqualTo("done stale-first | cancelled 0");
      List<HistoryEvent> history = history(temporal, callerNamespace, workflowId);
      assertThat(history)
          .filteredOn(e -> e.getEventType() == EventType.EVENT_TYPE_WORKFLOW_TASK_FAILED)
          .singleElement()
          .satisfies(
              e ->
                  assertThat(e.getWorkflowTaskFailedEventAttributes().getCause())
                      .isEqualTo(
                          WorkflowTaskFailedCause
                              .WORKFLOW_TASK_FAILED_CAUSE_BAD_REQUEST_CANCEL_NEXUS_OPERATION_ATTRIBUTES));
      assertThat(history)
          .extracting(HistoryEvent::getEventType)
          .doesNotContain(EventType.EVENT_TYPE_NEXUS_OPERATION_CANCEL_REQUESTED)
          .endsWith(EventType.EVENT_TYPE_WORKFLOW_EXECUTION_COMPLETED);
    } finally {
      factory.shutdownNow();
      factory.awaitTermination(10, TimeUnit.SECONDS);
      stubs.shutdownNow();
      stubs.awaitTermination(5, TimeUnit.SECONDS);
    }
  }

  // ---------------------------------------------------------------------------------------------

  private static void registerHandler(Worker worker) {
    worker.registerNexusServiceImplementation(new RaceServiceImpl());
    worker.registerWorkflowImplementationTypes(RaceWorkflow.Impl.class);
  }

  private static void runPattern(
      EmbeddedTemporal temporal, WorkflowClient caller, String endpoint, String handlerNamespace)
      throws Exception {
    String namespace = caller.getOptions().getNamespace();
    for (int run = 0; run < RUNS; run++) {
      String prefix = endpoint + "-" + run + "-";
      List<String> inputs = new java.util.ArrayList<>();
      for (int i = 0; i < MODES.size(); i++) {
        inputs.add(prefix + i + ":" + MODES.get(i));
      }
      String workflowId = "fan-out-" + prefix;
      FanOutCallerWorkflow stub =
          caller.newWorkflowStub(FanOutCallerWorkflow.class, options(workflowId));

      String answer =
          awaitResult(
              temporal, namespace, workflowId, WorkflowClient.execute(stub::run, endpoint, inputs));

      assertThat(answer).as("run %d", run).matches("done " + prefix + "[012] \\| cancelled [234]");
      assertCancelsReachedTheStartedHandlerWorkflows(
          temporal, namespace, workflowId, handlerNamespace, prefix);
    }
  }

  /**
   * Every operation that only a cancel ends and that had started got its cancel: its handler
   * workflow ended CANCELED. (The embedded server resolves an operation cancelled before it has
   * started at once, without a cancel to the handler; see the module README.)
   */
  private static void assertCancelsReachedTheStartedHandlerWorkflows(
      EmbeddedTemporal temporal,
      String namespace,
      String workflowId,
      String handlerNamespace,
      String prefix) {
    List<HistoryEvent> history = history(temporal, namespace, workflowId);
    List<Long> scheduled =
        history.stream()
            .filter(e -> e.getEventType() == EventType.EVENT_TYPE_NEXUS_OPERATION_SCHEDULED)
            .map(HistoryEvent::getEventId)
            .toList();
    assertThat(scheduled).hasSize(MODES.size());
    for (int i = 0; i < MODES.size(); i++) {
      if (!MODES.get(i).equals(RaceWorkflow.UNTIL_CANCELLED)) {
        continue;
      }
      long scheduledEventId = scheduled.get(i);
      boolean started =
          history.stream()
              .anyMatch(
                  e ->
                      e.getEventType() == EventType.EVENT_TYPE_NEXUS_OPERATION_STARTED
                          && e.getNexusOperationStartedEventAttributes().getScheduledEventId()
                              == scheduledEventId);
      if (started) {
        assertThat(status(temporal, handlerNamespace, "race-" + prefix + i))
            .as("%s: the handler workflow of started operation %d got the cancel", workflowId, i)
            .isEqualTo(WorkflowExecutionStatus.WORKFLOW_EXECUTION_STATUS_CANCELED);
      }
    }
  }

  private static WorkflowOptions options(String workflowId) {
    return WorkflowOptions.newBuilder()
        .setTaskQueue(CALLER_TQ)
        .setWorkflowId(workflowId)
        .setWorkflowExecutionTimeout(Duration.ofSeconds(60))
        .build();
  }

  /** The workflow's result, or a failure that shows its history when it does not end in time. */
  private static String awaitResult(
      EmbeddedTemporal temporal,
      String namespace,
      String workflowId,
      CompletableFuture<String> result)
      throws InterruptedException, ExecutionException {
    try {
      return result.get(RUN_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
    } catch (TimeoutException e) {
      return fail(
          "caller workflow %s did not complete in %s; history: %s",
          workflowId,
          RUN_TIMEOUT,
          history(temporal, namespace, workflowId).stream()
              .map(event -> event.getEventId() + " " + event.getEventType())
              .collect(Collectors.joining(", ")));
    }
  }

  private static List<HistoryEvent> history(
      EmbeddedTemporal temporal, String namespace, String workflowId) {
    return temporal
        .getWorkflowServiceStubs()
        .blockingStub()
        .getWorkflowExecutionHistory(
            GetWorkflowExecutionHistoryRequest.newBuilder()
                .setNamespace(namespace)
                .setExecution(WorkflowExecution.newBuilder().setWorkflowId(workflowId))
                .build())
        .getHistory()
        .getEventsList();
  }

  private static DescribeWorkflowExecutionResponse describe(
      EmbeddedTemporal temporal, String namespace, String workflowId) {
    return temporal
        .getWorkflowServiceStubs()
        .blockingStub()
        .describeWorkflowExecution(
            DescribeWorkflowExecutionRequest.newBuilder()
                .setNamespace(namespace)
                .setExecution(WorkflowExecution.newBuilder().setWorkflowId(workflowId))
                .build());
  }

  private static WorkflowExecutionStatus status(
      EmbeddedTemporal temporal, String namespace, String workflowId) {
    return describe(temporal, namespace, workflowId).getWorkflowExecutionInfo().getStatus();
  }

  private static int pendingNexusOperations(
      EmbeddedTemporal temporal, String namespace, String workflowId) {
    return describe(temporal, namespace, workflowId).getPendingNexusOperationsCount();
  }

  private static boolean exists(EmbeddedTemporal temporal, String namespace, String workflowId) {
    try {
      describe(temporal, namespace, workflowId);
      return true;
    } catch (io.grpc.StatusRuntimeException e) {
      if (e.getStatus().getCode() == io.grpc.Status.Code.NOT_FOUND) {
        return false;
      }
      throw e;
    }
  }

  /**
   * Waits until {@code condition} holds, checking every 10 ms, for at most {@link #RUN_TIMEOUT}.
   */
  private static void awaitTrue(BooleanSupplier condition, String what) {
    long giveUp = System.nanoTime() + RUN_TIMEOUT.toNanos();
    while (!condition.getAsBoolean()) {
      if (System.nanoTime() > giveUp) {
        fail("waited " + RUN_TIMEOUT + " for " + what);
      }
      try {
        Thread.sleep(10);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        fail("interrupted while waiting for " + what);
      }
    }
  }

  /**
   * Runs an action on the worker's thread just before the first workflow task completion that
   * requests a Nexus cancel is sent.
   */
  private static final class CancelInterceptor implements ClientInterceptor {
    private final Runnable beforeFirstCancel;
    private final AtomicBoolean done = new AtomicBoolean();

    CancelInterceptor(Runnable beforeFirstCancel) {
      this.beforeFirstCancel = beforeFirstCancel;
    }

    @Override
    public <Q, R> ClientCall<Q, R> interceptCall(
        MethodDescriptor<Q, R> method, CallOptions callOptions, Channel next) {
      ClientCall<Q, R> call = next.newCall(method, callOptions);
      if (!method
          .getFullMethodName()
          .equals(
              WorkflowServiceGrpc.getRespondWorkflowTaskCompletedMethod().getFullMethodName())) {
        return call;
      }
      return new ForwardingClientCall.SimpleForwardingClientCall<>(call) {
        @Override
        public void sendMessage(Q message) {
          if (message instanceof RespondWorkflowTaskCompletedRequest request
              && request.getCommandsList().stream()
                  .anyMatch(
                      c ->
                          c.getCommandType()
                              == CommandType.COMMAND_TYPE_REQUEST_CANCEL_NEXUS_OPERATION)
              && done.compareAndSet(false, true)) {
            beforeFirstCancel.run();
          }
          super.sendMessage(message);
        }
      };
    }
  }
}
