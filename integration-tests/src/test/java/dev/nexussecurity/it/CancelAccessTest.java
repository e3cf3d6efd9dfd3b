package dev.nexussecurity.it;

import static dev.nexussecurity.it.support.DenialAssertions.assertDenied;
import static dev.nexussecurity.it.support.DenialAssertions.chain;
import static dev.nexussecurity.it.support.SecurityTestBed.CALLER_A;
import static dev.nexussecurity.it.support.SecurityTestBed.ENDPOINT;
import static dev.nexussecurity.it.support.SecurityTestBed.awaitCondition;
import static dev.nexussecurity.it.support.SecurityTestBed.uniqueId;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;
import static org.assertj.core.groups.Tuple.tuple;

import dev.nexussecurity.api.AccessDecisionEvent;
import dev.nexussecurity.api.AccessDecisionEvent.Action;
import dev.nexussecurity.api.AccessDecisionEvent.Side;
import dev.nexussecurity.api.ReasonCode;
import dev.nexussecurity.core.AccessDenials;
import dev.nexussecurity.it.support.AuditLog;
import dev.nexussecurity.it.support.CallerProfile;
import dev.nexussecurity.it.support.CallerWorkflows.CancellingCaller;
import dev.nexussecurity.it.support.HandlerWorkflows;
import dev.nexussecurity.it.support.SecurityTestBed;
import dev.nexussecurity.testing.NexusSecurityExtension;
import dev.nexussecurity.testing.NexusSecurityTestEnvironment;
import io.temporal.api.enums.v1.EventType;
import io.temporal.api.enums.v1.NexusHandlerErrorRetryBehavior;
import io.temporal.api.enums.v1.WorkflowExecutionStatus;
import io.temporal.api.failure.v1.Failure;
import io.temporal.api.history.v1.HistoryEvent;
import io.temporal.client.WorkflowClient;
import io.temporal.client.WorkflowFailedException;
import io.temporal.client.WorkflowStub;
import io.temporal.failure.CanceledFailure;
import io.temporal.workflow.NexusOperationCancellationType;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.parallel.Execution;
import org.junit.jupiter.api.parallel.ExecutionMode;

/**
 * Cancels of workflow-run operations, end to end: the handler checks a cancel like a start (the
 * cancel carries the start's token) against the allowlist as it is now. An allowed cancel cancels
 * the handler workflow; a caller removed from the allowlist after starting can no longer cancel.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@Execution(ExecutionMode.SAME_THREAD)
@Timeout(60)
class CancelAccessTest {
  @RegisterExtension static final NexusSecurityExtension NEXUS = SecurityTestBed.extension();

  private SecurityTestBed bed;
  private AuditLog audit;

  @BeforeAll
  void start(NexusSecurityTestEnvironment env) {
    bed = SecurityTestBed.start(env);
    audit = bed.audit();
  }

  /** A caller workflow that has started the waiting operation and waits for its cancel signal. */
  private record Started(
      CancellingCaller stub, String workflowId, String input, String handlerWorkflowId) {
    WorkflowStub untyped() {
      return WorkflowStub.fromTyped(stub);
    }
  }

  private Started startWaitingOperation(String endpoint, NexusOperationCancellationType type) {
    String input = uniqueId("cancel");
    String workflowId = uniqueId("wf");
    CancellingCaller stub = bed.newCaller(CallerProfile.A, CancellingCaller.class, workflowId);
    WorkflowClient.start(stub::startThenCancel, endpoint, input, type);
    String handlerWorkflowId = HandlerWorkflows.waitingId(input);
    awaitCondition(
        "the handler workflow runs and the caller saw the operation start",
        () ->
            handlerWorkflowRunning(handlerWorkflowId)
                && bed.countEvents(
                        CALLER_A, workflowId, EventType.EVENT_TYPE_NEXUS_OPERATION_STARTED)
                    == 1);
    return new Started(stub, workflowId, input, handlerWorkflowId);
  }

  private boolean handlerWorkflowRunning(String workflowId) {
    try {
      return bed.handlerWorkflowStatus(workflowId)
          == WorkflowExecutionStatus.WORKFLOW_EXECUTION_STATUS_RUNNING;
    } catch (RuntimeException notYet) {
      return false;
    }
  }

  private Optional<HistoryEvent> cancelRequestFailed(String workflowId) {
    return bed.history(CALLER_A, workflowId).stream()
        .filter(e -> e.getEventType() == EventType.EVENT_TYPE_NEXUS_OPERATION_CANCEL_REQUEST_FAILED)
        .findFirst();
  }

  @Test
  void allowedCallerCancels_handlerWorkflowIsCancelled() {
    int mark = audit.mark();
    Started op = startWaitingOperation(ENDPOINT, NexusOperationCancellationType.WAIT_COMPLETED);

    op.stub().cancelNow();
    Throwable failure = catchThrowable(() -> op.untyped().getResult(String.class));

    assertThat(failure).isInstanceOf(WorkflowFailedException.class);
    assertThat(chain(failure)).anyMatch(CanceledFailure.class::isInstance);
    assertThat(AccessDenials.reasonOf(failure)).isEmpty();
    assertThat(bed.handlerWorkflowStatus(op.handlerWorkflowId()))
        .isEqualTo(WorkflowExecutionStatus.WORKFLOW_EXECUTION_STATUS_CANCELED);
    assertThat(
            bed.countEvents(
                CALLER_A,
                op.workflowId(),
                EventType.EVENT_TYPE_NEXUS_OPERATION_CANCEL_REQUEST_COMPLETED))
        .isEqualTo(1);
    List<AccessDecisionEvent> handler = audit.since(mark, Side.HANDLER);
    assertThat(handler)
        .extracting(AccessDecisionEvent::getAction, AccessDecisionEvent::getReason)
        .containsExactly(
            tuple(Action.START, ReasonCode.ALLOWED), tuple(Action.CANCEL, ReasonCode.ALLOWED));
    assertThat(handler.get(1).getTokenId())
        .as("the cancel carried the start's token")
        .isEqualTo(handler.get(0).getTokenId());
    assertThat(handler.get(1).getCallerNamespace()).isEqualTo(CALLER_A);
  }

  /**
   * Default cancellation type (WAIT_COMPLETED): the denied cancel is recorded in the caller's
   * history as NexusOperationCancelRequestFailed carrying the denial, but the caller workflow is
   * not told; it keeps waiting for the operation to complete, and the handler workflow keeps
   * running.
   */
  @Test
  void removedCallerCancels_waitCompleted_cancelDenied_handlerWorkflowKeepsRunning() {
    String endpoint = "probe-cancel-wait";
    bed.addEndpoint(endpoint, CALLER_A);
    Started op = startWaitingOperation(endpoint, NexusOperationCancellationType.WAIT_COMPLETED);
    int mark = audit.mark();

    bed.registry().disallow(endpoint, CALLER_A);
    op.stub().cancelNow();
    awaitCondition(
        "the caller's history records the failed cancel request",
        () -> cancelRequestFailed(op.workflowId()).isPresent());

    Failure recorded =
        cancelRequestFailed(op.workflowId())
            .orElseThrow()
            .getNexusOperationCancelRequestFailedEventAttributes()
            .getFailure();
    assertThat(recorded.getMessage())
        .contains("nexus-security DENIED [" + ReasonCode.CALLER_NOT_ALLOWED + "]")
        .contains("(handler side)")
        .contains("Fix: " + ReasonCode.CALLER_NOT_ALLOWED.getHint());
    assertThat(recorded.getNexusHandlerFailureInfo().getType()).isEqualTo("UNAUTHORIZED");
    assertThat(recorded.getNexusHandlerFailureInfo().getRetryBehavior())
        .isEqualTo(NexusHandlerErrorRetryBehavior.NEXUS_HANDLER_ERROR_RETRY_BEHAVIOR_NON_RETRYABLE);
    assertThat(recorded.getCause().getApplicationFailureInfo().getType())
        .isEqualTo("NexusSecurityDenied." + ReasonCode.CALLER_NOT_ALLOWED);
    assertHandlerDeniedTheCancel(mark, endpoint);
    assertThat(bed.handlerWorkflowStatus(op.handlerWorkflowId()))
        .isEqualTo(WorkflowExecutionStatus.WORKFLOW_EXECUTION_STATUS_RUNNING);
    // Read from the history: on this embedded server, DescribeWorkflowExecution of a workflow with
    // a
    // pending cancel request fails inside the server (temporal-testing 1.38.0) and never answers.
    assertThat(bed.history(CALLER_A, op.workflowId()))
        .as("the caller still waits for the operation")
        .extracting(HistoryEvent::getEventType)
        .doesNotContain(
            EventType.EVENT_TYPE_WORKFLOW_EXECUTION_COMPLETED,
            EventType.EVENT_TYPE_WORKFLOW_EXECUTION_FAILED,
            EventType.EVENT_TYPE_NEXUS_OPERATION_CANCELED,
            EventType.EVENT_TYPE_NEXUS_OPERATION_FAILED);

    // The operation goes on: once the handler workflow finishes, the caller gets its result.
    bed.handlerClient()
        .newWorkflowStub(HandlerWorkflows.Waiting.class, op.handlerWorkflowId())
        .release();
    assertThat(op.untyped().getResult(String.class)).isEqualTo("released " + op.input());
  }

  /**
   * WAIT_REQUESTED: the denied cancel request fails the caller's operation at once with the
   * handler's denial as the cause; the handler workflow is untouched.
   */
  @Test
  void removedCallerCancels_waitRequested_callerSeesTheDenial_handlerWorkflowKeepsRunning() {
    String endpoint = "probe-cancel-requested";
    bed.addEndpoint(endpoint, CALLER_A);
    Started op = startWaitingOperation(endpoint, NexusOperationCancellationType.WAIT_REQUESTED);
    int mark = audit.mark();

    bed.registry().disallow(endpoint, CALLER_A);
    op.stub().cancelNow();
    Throwable failure = catchThrowable(() -> op.untyped().getResult(String.class));

    assertDenied(failure, ReasonCode.CALLER_NOT_ALLOWED, Side.HANDLER);
    assertHandlerDeniedTheCancel(mark, endpoint);
    assertThat(bed.handlerWorkflowStatus(op.handlerWorkflowId()))
        .isEqualTo(WorkflowExecutionStatus.WORKFLOW_EXECUTION_STATUS_RUNNING);

    bed.handlerClient()
        .newWorkflowStub(HandlerWorkflows.Waiting.class, op.handlerWorkflowId())
        .release();
    assertThat(
            bed.handlerClient()
                .newUntypedWorkflowStub(op.handlerWorkflowId())
                .getResult(String.class))
        .isEqualTo("released " + op.input());
  }

  private void assertHandlerDeniedTheCancel(int mark, String endpoint) {
    assertThat(audit.since(mark))
        .as("only the handler decides on cancels")
        .singleElement()
        .satisfies(
            e -> {
              assertThat(e.getSide()).isEqualTo(Side.HANDLER);
              // Denied before the SDK says whether it is a start or a cancel (SECURITY.md).
              assertThat(e.getAction()).isEqualTo(Action.START_OR_CANCEL);
              assertThat(e.getReason()).isEqualTo(ReasonCode.CALLER_NOT_ALLOWED);
              assertThat(e.getCallerNamespace()).isEqualTo(CALLER_A);
              assertThat(e.getEndpoint()).isEqualTo(endpoint);
              assertThat(e.getOperation()).isEqualTo("waitWorkflow");
            });
  }
}
