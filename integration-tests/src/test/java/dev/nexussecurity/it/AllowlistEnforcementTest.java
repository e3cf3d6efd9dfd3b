package dev.nexussecurity.it;

import static dev.nexussecurity.it.support.DenialAssertions.assertDenied;
import static dev.nexussecurity.it.support.SecurityTestBed.CALLER_A;
import static dev.nexussecurity.it.support.SecurityTestBed.CALLER_B;
import static dev.nexussecurity.it.support.SecurityTestBed.ENDPOINT;
import static dev.nexussecurity.it.support.SecurityTestBed.HANDLER_NS;
import static dev.nexussecurity.it.support.SecurityTestBed.uniqueId;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;
import static org.assertj.core.groups.Tuple.tuple;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.nexussecurity.api.AccessDecisionEvent;
import dev.nexussecurity.api.AccessDecisionEvent.Action;
import dev.nexussecurity.api.AccessDecisionEvent.Side;
import dev.nexussecurity.api.ReasonCode;
import dev.nexussecurity.it.support.AuditLog;
import dev.nexussecurity.it.support.CallerProfile;
import dev.nexussecurity.it.support.HandlerInvocations;
import dev.nexussecurity.it.support.HandlerWorkflows;
import dev.nexussecurity.it.support.SecurityTestBed;
import dev.nexussecurity.it.support.Tokens;
import dev.nexussecurity.testing.NexusSecurityExtension;
import dev.nexussecurity.testing.NexusSecurityTestEnvironment;
import io.temporal.api.enums.v1.EventType;
import io.temporal.api.enums.v1.WorkflowExecutionStatus;
import java.util.List;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.parallel.Execution;
import org.junit.jupiter.api.parallel.ExecutionMode;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The allowlist, end to end under true cross-namespace routing: caller-a (allowed) succeeds on both
 * kinds of operation; caller-b (trusted, not allowed) is stopped by its own worker before anything
 * is scheduled; a rogue caller-b worker with the caller-side check off is stopped by the handler
 * before any handler code runs.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@Execution(ExecutionMode.SAME_THREAD)
@Timeout(60)
class AllowlistEnforcementTest {
  @RegisterExtension static final NexusSecurityExtension NEXUS = SecurityTestBed.extension();

  private SecurityTestBed bed;
  private AuditLog audit;

  @BeforeAll
  void start(NexusSecurityTestEnvironment env) {
    bed = SecurityTestBed.start(env);
    audit = bed.audit();
  }

  @Test
  void allowedCaller_syncOperation_succeedsInHandlerNamespace_withSignedTokenVerifiedByHandler() {
    int mark = audit.mark();
    String input = uniqueId("allowed-sync");
    String workflowId = uniqueId("wf");

    String result = bed.call(CallerProfile.A, workflowId, ENDPOINT, "echo", input);

    assertThat(result).isEqualTo("echo " + input + " from " + HANDLER_NS);
    assertThat(HandlerInvocations.of(input)).containsExactly("echo");
    // The tamper, registered after NexusSecurity, saw the token NexusSecurity set (ordering check).
    List<String> tokens = bed.tamper().seenBy(workflowId);
    assertThat(tokens).hasSize(1);
    ObjectNode claims = Tokens.claims(tokens.get(0));
    assertThat(claims.get("ns").asText()).isEqualTo(CALLER_A);
    assertThat(claims.get("ep").asText()).isEqualTo(ENDPOINT);
    assertThat(claims.get("svc").asText()).isEqualTo("ProbeService");
    assertThat(claims.get("op").asText()).isEqualTo("echo");
    String tokenId = claims.get("jti").asText();
    assertThat(audit.since(mark))
        .extracting(
            AccessDecisionEvent::getSide,
            AccessDecisionEvent::getAction,
            AccessDecisionEvent::getReason,
            AccessDecisionEvent::getCallerNamespace,
            AccessDecisionEvent::getEndpoint,
            AccessDecisionEvent::getOperation,
            AccessDecisionEvent::getTokenId)
        .containsExactly(
            tuple(
                Side.CALLER, Action.START, ReasonCode.ALLOWED, CALLER_A, ENDPOINT, "echo", tokenId),
            tuple(
                Side.HANDLER,
                Action.START,
                ReasonCode.ALLOWED,
                CALLER_A,
                ENDPOINT,
                "echo",
                tokenId));
  }

  @Test
  void allowedCaller_workflowRunOperation_runsHandlerWorkflowInHandlerNamespace() {
    int mark = audit.mark();
    String input = uniqueId("allowed-run");

    String result = bed.call(CallerProfile.A, uniqueId("wf"), ENDPOINT, "runWorkflow", input);

    assertThat(result).isEqualTo("workflow " + input + " in " + HANDLER_NS);
    assertThat(HandlerInvocations.of(input)).containsExactly("runWorkflow", "Quick");
    assertThat(bed.handlerWorkflowStatus(HandlerWorkflows.quickId(input)))
        .isEqualTo(WorkflowExecutionStatus.WORKFLOW_EXECUTION_STATUS_COMPLETED);
    bed.assertNoWorkflow(CALLER_A, HandlerWorkflows.quickId(input));
    assertThat(audit.since(mark, Side.HANDLER))
        .singleElement()
        .satisfies(
            e -> {
              assertThat(e.getAction()).isEqualTo(Action.START);
              assertThat(e.getReason()).isEqualTo(ReasonCode.ALLOWED);
              assertThat(e.getCallerNamespace()).isEqualTo(CALLER_A);
              assertThat(e.getOperation()).isEqualTo("runWorkflow");
            });
  }

  @ParameterizedTest
  @ValueSource(strings = {"echo", "runWorkflow"})
  void callerNotOnAllowlist_isDeniedOnCallerSide_beforeAnythingIsScheduled(String operation) {
    int mark = audit.mark();
    String input = uniqueId("b-denied-" + operation);
    String workflowId = uniqueId("wf");

    Throwable failure =
        catchThrowable(() -> bed.call(CallerProfile.B, workflowId, ENDPOINT, operation, input));

    assertDenied(failure, ReasonCode.CALLER_NOT_ALLOWED, Side.CALLER);
    assertThat(
            bed.countEvents(CALLER_B, workflowId, EventType.EVENT_TYPE_NEXUS_OPERATION_SCHEDULED))
        .isZero();
    assertThat(bed.tamper().seenBy(workflowId))
        .as("nothing left the caller's interceptor")
        .isEmpty();
    assertThat(HandlerInvocations.count(input)).isZero();
    assertThat(audit.since(mark))
        .singleElement()
        .satisfies(
            e -> {
              assertThat(e.getSide()).isEqualTo(Side.CALLER);
              assertThat(e.getAction()).isEqualTo(Action.START);
              assertThat(e.getReason()).isEqualTo(ReasonCode.CALLER_NOT_ALLOWED);
              assertThat(e.getCallerNamespace()).isEqualTo(CALLER_B);
              assertThat(e.getEndpoint()).isEqualTo(ENDPOINT);
              assertThat(e.getOperation()).isEqualTo(operation);
              assertThat(e.getTokenId()).isNull();
            });
  }

  @ParameterizedTest
  @ValueSource(strings = {"echo", "runWorkflow"})
  void rogueCallerSkippingItsOwnCheck_isDeniedByHandler_beforeHandlerCodeRuns(String operation) {
    int mark = audit.mark();
    String input = uniqueId("b-rogue-" + operation);
    String workflowId = uniqueId("wf");

    Throwable failure =
        catchThrowable(
            () -> bed.call(CallerProfile.B_ROGUE, workflowId, ENDPOINT, operation, input));

    assertDenied(failure, ReasonCode.CALLER_NOT_ALLOWED, Side.HANDLER);
    assertThat(HandlerInvocations.count(input)).as("handler code never ran").isZero();
    bed.assertNoWorkflow(HANDLER_NS, HandlerWorkflows.quickId(input));
    assertThat(
            bed.countEvents(CALLER_B, workflowId, EventType.EVENT_TYPE_NEXUS_OPERATION_SCHEDULED))
        .as("the rogue worker did send it")
        .isEqualTo(1);
    String tokenId = Tokens.tokenId(bed.tamper().seenBy(workflowId).get(0));
    assertThat(audit.since(mark, Side.HANDLER))
        .singleElement()
        .satisfies(
            e -> {
              assertThat(e.getAction()).isEqualTo(Action.START_OR_CANCEL);
              assertThat(e.getReason()).isEqualTo(ReasonCode.CALLER_NOT_ALLOWED);
              assertThat(e.getCallerNamespace()).isEqualTo(CALLER_B);
              assertThat(e.getEndpoint()).isEqualTo(ENDPOINT);
              assertThat(e.getOperation()).isEqualTo(operation);
              assertThat(e.getTokenId()).isEqualTo(tokenId);
              assertThat(e.getDetail()).contains("'" + CALLER_B + "' is not on the allowlist");
            });
  }
}
