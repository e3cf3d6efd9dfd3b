package dev.nexussecurity.it;

import static dev.nexussecurity.it.support.SecurityTestBed.CALLER_A;
import static dev.nexussecurity.it.support.SecurityTestBed.HANDLER_NS;
import static dev.nexussecurity.it.support.SecurityTestBed.awaitCondition;
import static dev.nexussecurity.it.support.SecurityTestBed.uniqueId;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.groups.Tuple.tuple;

import dev.nexussecurity.api.AccessDecisionEvent;
import dev.nexussecurity.api.AccessDecisionEvent.Side;
import dev.nexussecurity.api.ReasonCode;
import dev.nexussecurity.it.support.AuditLog;
import dev.nexussecurity.it.support.CallerProfile;
import dev.nexussecurity.it.support.CallerWorkflows.Stepwise;
import dev.nexussecurity.it.support.HandlerInvocations;
import dev.nexussecurity.it.support.HandlerWorkflows;
import dev.nexussecurity.it.support.SecurityTestBed;
import dev.nexussecurity.testing.NexusSecurityExtension;
import dev.nexussecurity.testing.NexusSecurityTestEnvironment;
import io.temporal.api.enums.v1.EventType;
import io.temporal.client.WorkflowClient;
import io.temporal.client.WorkflowStub;
import java.util.List;
import java.util.function.Consumer;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.parallel.Execution;
import org.junit.jupiter.api.parallel.ExecutionMode;

/**
 * The allowlist as it is now, end to end: a running caller workflow calls, is removed from the
 * allowlist, calls again (denied), is re-added and calls a third time (allowed). With the caller's
 * own check the second call never leaves the worker; without it the handler denies it.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@Execution(ExecutionMode.SAME_THREAD)
@Timeout(60)
class AllowlistChangeTest {
  @RegisterExtension static final NexusSecurityExtension NEXUS = SecurityTestBed.extension();

  private SecurityTestBed bed;
  private AuditLog audit;

  @BeforeAll
  void start(NexusSecurityTestEnvironment env) {
    bed = SecurityTestBed.start(env);
    audit = bed.audit();
  }

  /** What the test saw of one run of the three calls. */
  private record Run(
      List<String> outcomes,
      List<String> inputs,
      String workflowId,
      List<AccessDecisionEvent> events) {}

  /**
   * Runs three calls of {@code operation} on a fresh endpoint open to caller-a from one {@link
   * Stepwise} workflow of {@code profile}: removes caller-a from the allowlist after the first call
   * and re-adds it after the second.
   */
  private Run removeThenReAdd(CallerProfile profile, String operation) {
    String endpoint = uniqueId("churn");
    bed.addEndpoint(endpoint, CALLER_A);
    List<String> inputs =
        List.of(uniqueId("first"), uniqueId("while-removed"), uniqueId("after-re-adding"));
    String workflowId = uniqueId("wf");
    Stepwise stub = bed.newCaller(profile, Stepwise.class, workflowId);
    int mark = audit.mark();

    WorkflowClient.start(stub::run, endpoint, operation, inputs);
    Consumer<Integer> awaitOutcomes =
        n -> awaitCondition(n + " outcomes", () -> stub.outcomes().size() == n);
    awaitOutcomes.accept(1);
    bed.registry().disallow(endpoint, CALLER_A);
    stub.proceed();
    awaitOutcomes.accept(2);
    bed.registry().allow(endpoint, CALLER_A);
    stub.proceed();
    @SuppressWarnings("unchecked")
    List<String> outcomes = WorkflowStub.fromTyped(stub).getResult(List.class);
    return new Run(outcomes, inputs, workflowId, audit.since(mark));
  }

  @Test
  void removedCaller_isDeniedOnItsNextCall_byItsOwnWorker_andAllowedAgainOnceReAdded() {
    Run run = removeThenReAdd(CallerProfile.A, "echo");

    assertThat(run.outcomes()).hasSize(3);
    assertThat(run.outcomes().get(0))
        .isEqualTo("ok: echo " + run.inputs().get(0) + " from " + HANDLER_NS);
    assertThat(run.outcomes().get(1))
        .startsWith(
            "denied CALLER_NOT_ALLOWED: nexus-security DENIED [CALLER_NOT_ALLOWED] start of ProbeService/echo")
        .contains("(caller side)")
        .contains("Fix: " + ReasonCode.CALLER_NOT_ALLOWED.getHint());
    assertThat(run.outcomes().get(2))
        .isEqualTo("ok: echo " + run.inputs().get(2) + " from " + HANDLER_NS);
    assertThat(HandlerInvocations.count(run.inputs().get(1))).isZero();
    assertThat(
            bed.countEvents(
                CALLER_A, run.workflowId(), EventType.EVENT_TYPE_NEXUS_OPERATION_SCHEDULED))
        .as("the denied call was never scheduled")
        .isEqualTo(2);
    assertThat(run.events())
        .extracting(AccessDecisionEvent::getSide, AccessDecisionEvent::getReason)
        .containsExactly(
            tuple(Side.CALLER, ReasonCode.ALLOWED),
            tuple(Side.HANDLER, ReasonCode.ALLOWED),
            tuple(Side.CALLER, ReasonCode.CALLER_NOT_ALLOWED),
            tuple(Side.CALLER, ReasonCode.ALLOWED),
            tuple(Side.HANDLER, ReasonCode.ALLOWED));
  }

  @Test
  void removedCaller_withItsOwnCheckOff_isDeniedByTheHandler_andAllowedAgainOnceReAdded() {
    Run run = removeThenReAdd(CallerProfile.A_ROGUE, "echo");

    assertThat(run.outcomes()).hasSize(3);
    assertThat(run.outcomes().get(0)).startsWith("ok: ");
    assertThat(run.outcomes().get(1))
        .startsWith("denied CALLER_NOT_ALLOWED: nexus-security DENIED [CALLER_NOT_ALLOWED]")
        .contains("(handler side)")
        .contains("Fix: " + ReasonCode.CALLER_NOT_ALLOWED.getHint());
    assertThat(run.outcomes().get(2)).startsWith("ok: ");
    assertThat(HandlerInvocations.count(run.inputs().get(1))).as("handler code never ran").isZero();
    assertThat(HandlerInvocations.count(run.inputs().get(2))).isEqualTo(1);
    assertThat(
            bed.countEvents(
                CALLER_A, run.workflowId(), EventType.EVENT_TYPE_NEXUS_OPERATION_SCHEDULED))
        .isEqualTo(3);
    assertThat(run.events())
        .extracting(AccessDecisionEvent::getSide, AccessDecisionEvent::getReason)
        .containsExactly(
            tuple(Side.CALLER, ReasonCode.ALLOWED),
            tuple(Side.HANDLER, ReasonCode.ALLOWED),
            tuple(Side.CALLER, ReasonCode.ALLOWED),
            tuple(Side.HANDLER, ReasonCode.CALLER_NOT_ALLOWED),
            tuple(Side.CALLER, ReasonCode.ALLOWED),
            tuple(Side.HANDLER, ReasonCode.ALLOWED));
  }

  @Test
  void removedCaller_workflowRunOperation_isDeniedByTheHandler_noHandlerWorkflowStarts() {
    Run run = removeThenReAdd(CallerProfile.A_ROGUE, "runWorkflow");

    assertThat(run.outcomes().get(0))
        .isEqualTo("ok: workflow " + run.inputs().get(0) + " in " + HANDLER_NS);
    assertThat(run.outcomes().get(1))
        .startsWith("denied CALLER_NOT_ALLOWED: ")
        .contains("(handler side)");
    assertThat(run.outcomes().get(2))
        .isEqualTo("ok: workflow " + run.inputs().get(2) + " in " + HANDLER_NS);
    assertThat(HandlerInvocations.count(run.inputs().get(1))).isZero();
    bed.assertNoWorkflow(HANDLER_NS, HandlerWorkflows.quickId(run.inputs().get(1)));
  }
}
