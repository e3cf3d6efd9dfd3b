package dev.nexussecurity.it;

import static dev.nexussecurity.it.support.RogueSetting.CALLER_A;
import static dev.nexussecurity.it.support.RogueSetting.CALLER_B;
import static dev.nexussecurity.it.support.RogueSetting.ENDPOINT;
import static dev.nexussecurity.it.support.RogueSetting.HANDLER_NS;
import static dev.nexussecurity.it.support.RogueSetting.OUTSIDER;
import static dev.nexussecurity.it.support.RogueSetting.uniqueId;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;

import dev.nexussecurity.it.support.CallerWorkflows;
import dev.nexussecurity.it.support.HandlerWorkflows;
import dev.nexussecurity.it.support.RogueSetting;
import dev.nexussecurity.it.support.SecurityTestBed;
import dev.nexussecurity.testing.NexusSecurityExtension;
import dev.nexussecurity.testing.NexusSecurityTestEnvironment;
import dev.nexussecurity.testing.RogueDispatcher;
import dev.nexussecurity.testing.RogueDispatcher.CopiedCall;
import io.temporal.api.enums.v1.EventType;
import io.temporal.client.WorkflowClient;
import io.temporal.client.WorkflowFailedException;
import io.temporal.worker.WorkerFactory;
import io.temporal.workflow.NexusOperationCancellationType;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.parallel.Execution;
import org.junit.jupiter.api.parallel.ExecutionMode;

/**
 * A rogue party cancels an operation that caller-b started, with an identity token copied from a
 * history: another allowed namespace's (caller-a), a non-allowed namespace's (caller-c), or
 * caller-b's own from another run. Cancels carry no server-built link, so only a binding between
 * the operation and its starter can refuse them. Each is denied with a reason, and the handler
 * workflow receives no cancel request; caller-b's own cancel still works.
 */
@Execution(ExecutionMode.SAME_THREAD)
@Timeout(120)
class CancelAttacksTest {
  @RegisterExtension static final NexusSecurityExtension NEXUS = RogueSetting.extension(false);

  private static RogueSetting setting;
  private static RogueDispatcher rogue;
  private static WorkerFactory handler;

  @BeforeAll
  static void start(NexusSecurityTestEnvironment env) {
    setting = RogueSetting.start(env);
    rogue = setting.rogue();
    handler = setting.startHandlerProcess();
  }

  @AfterAll
  static void stop() {
    RogueSetting.stop(handler);
  }

  /**
   * Starts a {@link CallerWorkflows.CancellingCaller} of {@code namespace} on waitWorkflow and
   * returns its copied call once the operation has started (has an operation token).
   */
  private static CopiedCall startedWaitingOperation(String namespace, String input) {
    String workflowId = uniqueId("starter");
    WorkflowClient.start(
        setting.newCaller(namespace, CallerWorkflows.CancellingCaller.class, workflowId)
            ::startThenCancel,
        ENDPOINT,
        input,
        NexusOperationCancellationType.WAIT_COMPLETED);
    CopiedCall[] found = new CopiedCall[1];
    SecurityTestBed.awaitCondition(
        "operation of " + workflowId + " started",
        () -> {
          List<CopiedCall> calls = rogue.readNexusCalls(namespace, workflowId);
          if (!calls.isEmpty() && calls.get(0).getOperationToken().isPresent()) {
            found[0] = calls.get(0);
            return true;
          }
          return false;
        });
    return found[0];
  }

  /** The headers (token) of a waitWorkflow call by caller-c, which the handler denied. */
  private static CopiedCall outsidersDeniedCall() {
    String workflowId = uniqueId("outsider");
    Throwable failure =
        catchThrowable(
            () ->
                setting
                    .newCaller(OUTSIDER, CallerWorkflows.CancellingCaller.class, workflowId)
                    .startThenCancel(
                        ENDPOINT,
                        uniqueId("outsider-input"),
                        NexusOperationCancellationType.ABANDON));
    assertThat(failure).isInstanceOf(WorkflowFailedException.class);
    return setting.copy(OUTSIDER, workflowId);
  }

  private static long cancelRequests(String input) {
    return setting
        .client(HANDLER_NS)
        .fetchHistory(HandlerWorkflows.waitingId(input))
        .getEvents()
        .stream()
        .filter(e -> e.getEventType() == EventType.EVENT_TYPE_WORKFLOW_EXECUTION_CANCEL_REQUESTED)
        .count();
  }

  private static void assertCancelDenied(
      RogueDispatcher.Outcome outcome, String victimInput, String... reasons) {
    assertThat(outcome.isAdmitted()).as("admitted: %s", outcome).isFalse();
    assertThat(outcome.getDenialReasonName())
        .as("denial reason of %s", outcome)
        .hasValueSatisfying(r -> assertThat(r).isIn((Object[]) reasons));
    assertThat(cancelRequests(victimInput))
        .as("cancel requests that reached caller-b's handler workflow")
        .isZero();
  }

  @Test
  void cancel_ofCallerBsOperation_withATokenCopiedFromAnotherAllowedNamespace_isDenied() {
    String victimInput = uniqueId("victim-b");
    CopiedCall victim = startedWaitingOperation(CALLER_B, victimInput);
    CopiedCall donor = startedWaitingOperation(CALLER_A, uniqueId("donor-a"));

    RogueDispatcher.Outcome outcome =
        rogue.dispatch(victim.newCancel().setHeaders(donor.getHeaders()).build());

    assertCancelDenied(outcome, victimInput, "OPERATION_BINDING_MISMATCH");
  }

  @Test
  void cancel_ofCallerBsOperation_withATokenCopiedFromANonAllowedNamespace_isDenied() {
    String victimInput = uniqueId("victim-b");
    CopiedCall victim = startedWaitingOperation(CALLER_B, victimInput);
    CopiedCall donor = outsidersDeniedCall();

    RogueDispatcher.Outcome outcome =
        rogue.dispatch(victim.newCancel().setHeaders(donor.getHeaders()).build());

    assertCancelDenied(outcome, victimInput, "CALLER_NOT_ALLOWED");
  }

  @Test
  void cancel_ofCallerBsOperation_withATokenOfAnotherRunOfCallerB_isDenied() {
    String victimInput = uniqueId("victim-b");
    CopiedCall victim = startedWaitingOperation(CALLER_B, victimInput);
    CopiedCall donor = startedWaitingOperation(CALLER_B, uniqueId("donor-b"));

    RogueDispatcher.Outcome outcome =
        rogue.dispatch(victim.newCancel().setHeaders(donor.getHeaders()).build());

    assertCancelDenied(outcome, victimInput, "OPERATION_BINDING_MISMATCH");
  }

  @Test
  void cancel_withoutToken_isDeniedAsMissingToken() {
    String victimInput = uniqueId("victim-b");
    CopiedCall victim = startedWaitingOperation(CALLER_B, victimInput);

    RogueDispatcher.Outcome outcome =
        rogue.dispatch(victim.newCancel().setHeaders(java.util.Map.of()).build());

    assertCancelDenied(outcome, victimInput, "MISSING_TOKEN");
  }

  @Test
  void allowed_theStartersOwnCancel_reachesItsHandlerWorkflow() {
    String input = uniqueId("own-cancel");
    CopiedCall own = startedWaitingOperation(CALLER_B, input);

    setting
        .client(CALLER_B)
        .newWorkflowStub(CallerWorkflows.CancellingCaller.class, own.getWorkflowId())
        .cancelNow();

    SecurityTestBed.awaitCondition(
        "caller-b's cancel reached its handler workflow", () -> cancelRequests(input) == 1);
  }
}
