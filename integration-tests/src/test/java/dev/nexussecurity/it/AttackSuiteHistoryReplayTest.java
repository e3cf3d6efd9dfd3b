package dev.nexussecurity.it;

import static dev.nexussecurity.it.support.RogueSetting.CALLER_A;
import static dev.nexussecurity.it.support.RogueSetting.OUTSIDER;
import static dev.nexussecurity.it.support.RogueSetting.uniqueId;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatCode;
import static org.assertj.core.api.Assertions.catchThrowable;

import dev.nexussecurity.it.support.CallerWorkflows;
import dev.nexussecurity.it.support.RogueSetting;
import dev.nexussecurity.testing.NexusSecurityExtension;
import dev.nexussecurity.testing.NexusSecurityTestEnvironment;
import dev.nexussecurity.testing.TestNamespace;
import io.temporal.client.WorkflowFailedException;
import io.temporal.common.WorkflowExecutionHistory;
import io.temporal.testing.WorkflowReplayer;
import io.temporal.worker.Worker;
import io.temporal.worker.WorkerFactory;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.parallel.Execution;
import org.junit.jupiter.api.parallel.ExecutionMode;

/**
 * The caller histories the attack suite produces replay with {@link WorkflowReplayer} on a worker
 * with the namespace's NexusSecurity: allowed sync and workflow-run calls, a call denied by the
 * handler (and, in {@link TimeSkippingTokenTest}, a call after a long workflow sleep). Issuing
 * tokens must not break determinism.
 */
@Execution(ExecutionMode.SAME_THREAD)
@Timeout(120)
class AttackSuiteHistoryReplayTest {
  @RegisterExtension static final NexusSecurityExtension NEXUS = RogueSetting.extension(false);

  private static RogueSetting setting;
  private static WorkerFactory handler;

  @BeforeAll
  static void start(NexusSecurityTestEnvironment env) {
    setting = RogueSetting.start(env);
    handler = setting.startHandlerProcess();
  }

  @AfterAll
  static void stop() {
    RogueSetting.stop(handler);
  }

  /** Replays {@code workflowId}'s history on a fresh, unstarted worker of {@code namespace}. */
  static void assertReplays(RogueSetting setting, String namespace, String workflowId) {
    WorkflowExecutionHistory history = setting.client(namespace).fetchHistory(workflowId);
    TestNamespace ns = setting.env().getNamespace(namespace);
    WorkerFactory factory =
        ns.newWorkerFactory(
            ns.newOptionsBuilder().setEnforceOnCaller(!namespace.equals(OUTSIDER)).build());
    Worker worker = factory.newWorker(uniqueId("replay-tq"));
    worker.registerWorkflowImplementationTypes(
        CallerWorkflows.OneCallImpl.class,
        CallerWorkflows.TimedCallImpl.class,
        CallerWorkflows.SleepThenCallImpl.class);
    assertThatCode(() -> WorkflowReplayer.replayWorkflowExecution(history, worker))
        .doesNotThrowAnyException();
  }

  @Test
  void allowedSyncCall_replays() {
    String workflowId = uniqueId("sync");
    setting.call(CALLER_A, workflowId, "echo", uniqueId("in"));

    assertReplays(setting, CALLER_A, workflowId);
  }

  @Test
  void allowedWorkflowRunCall_replays() {
    String workflowId = uniqueId("async");
    setting.call(CALLER_A, workflowId, "runWorkflow", uniqueId("in"));

    assertReplays(setting, CALLER_A, workflowId);
  }

  @Test
  void callDeniedByTheHandler_replays() {
    String workflowId = uniqueId("denied");
    Throwable failure =
        catchThrowable(() -> setting.call(OUTSIDER, workflowId, "echo", uniqueId("in")));
    assertThat(failure).isInstanceOf(WorkflowFailedException.class);

    assertReplays(setting, OUTSIDER, workflowId);
  }
}
