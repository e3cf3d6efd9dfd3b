package dev.nexussecurity.it;

import static dev.nexussecurity.it.support.DenialAssertions.assertDenied;
import static dev.nexussecurity.it.support.SecurityTestBed.CALLER_A;
import static dev.nexussecurity.it.support.SecurityTestBed.HANDLER_NS;
import static dev.nexussecurity.it.support.SecurityTestBed.HANDLER_TQ;
import static dev.nexussecurity.it.support.SecurityTestBed.uniqueId;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;

import dev.nexussecurity.api.AccessDecisionEvent.Side;
import dev.nexussecurity.api.ReasonCode;
import dev.nexussecurity.it.support.AuditLog;
import dev.nexussecurity.it.support.CallerProfile;
import dev.nexussecurity.it.support.HandlerInvocations;
import dev.nexussecurity.it.support.HandlerWorkflows;
import dev.nexussecurity.it.support.SecurityTestBed;
import dev.nexussecurity.testing.NexusSecurityExtension;
import dev.nexussecurity.testing.NexusSecurityTestEnvironment;
import io.temporal.api.enums.v1.EventType;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.parallel.Execution;
import org.junit.jupiter.api.parallel.ExecutionMode;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * Registry-level denials that do not depend on the caller: an endpoint the server has but the
 * registry does not (UNKNOWN_ENDPOINT, on both sides), and a request the server delivers to a
 * handler worker that is not the endpoint's target according to the registry (TARGET_MISMATCH).
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@Execution(ExecutionMode.SAME_THREAD)
@Timeout(60)
class EndpointRoutingDenialsTest {
  @RegisterExtension static final NexusSecurityExtension NEXUS = SecurityTestBed.extension();

  /** On the server (routed to handler-ns/probe-tq), not in the registry. */
  private static final String GHOST = "probe-ghost";

  /** On the server routed to handler-ns/probe-tq; the registry says handler-ns/elsewhere-tq. */
  private static final String MISROUTED_QUEUE = "probe-misrouted-queue";

  /** On the server routed to handler-ns/probe-tq; the registry says elsewhere-ns/probe-tq. */
  private static final String MISROUTED_NAMESPACE = "probe-misrouted-namespace";

  private SecurityTestBed bed;
  private AuditLog audit;

  @BeforeAll
  void start(NexusSecurityTestEnvironment env) {
    bed = SecurityTestBed.start(env);
    audit = bed.audit();
    bed.addServerOnlyEndpoint(GHOST);
    bed.addServerOnlyEndpoint(MISROUTED_QUEUE);
    bed.registry()
        .put(SecurityTestBed.endpoint(MISROUTED_QUEUE, HANDLER_NS, "elsewhere-tq", CALLER_A));
    bed.addServerOnlyEndpoint(MISROUTED_NAMESPACE);
    bed.registry()
        .put(SecurityTestBed.endpoint(MISROUTED_NAMESPACE, "elsewhere-ns", HANDLER_TQ, CALLER_A));
  }

  @Test
  void endpointMissingFromRegistry_isDeniedOnCallerSide_beforeScheduling() {
    int mark = audit.mark();
    String input = uniqueId("ghost");
    String workflowId = uniqueId("wf");

    Throwable failure =
        catchThrowable(() -> bed.call(CallerProfile.A, workflowId, GHOST, "echo", input));

    assertDenied(failure, ReasonCode.UNKNOWN_ENDPOINT, Side.CALLER);
    assertThat(
            bed.countEvents(CALLER_A, workflowId, EventType.EVENT_TYPE_NEXUS_OPERATION_SCHEDULED))
        .isZero();
    assertThat(HandlerInvocations.count(input)).isZero();
    assertThat(audit.since(mark))
        .singleElement()
        .satisfies(
            e -> {
              assertThat(e.getSide()).isEqualTo(Side.CALLER);
              assertThat(e.getReason()).isEqualTo(ReasonCode.UNKNOWN_ENDPOINT);
              assertThat(e.getEndpoint()).isEqualTo(GHOST);
              assertThat(e.getDetail()).contains("not in the caller's registry");
            });
  }

  @Test
  void endpointMissingFromRegistry_withCallerCheckOff_isStillDeniedOnCallerSide_noTokenIsIssued() {
    // A token names its audience, the endpoint's target from the caller's registry: without the
    // endpoint there is no audience, so even a caller that skips its own check issues no token and
    // schedules nothing (fail closed).
    int mark = audit.mark();
    String input = uniqueId("ghost-rogue");
    String workflowId = uniqueId("wf");

    Throwable failure =
        catchThrowable(() -> bed.call(CallerProfile.A_ROGUE, workflowId, GHOST, "echo", input));

    assertDenied(failure, ReasonCode.UNKNOWN_ENDPOINT, Side.CALLER);
    assertThat(
            bed.countEvents(CALLER_A, workflowId, EventType.EVENT_TYPE_NEXUS_OPERATION_SCHEDULED))
        .isZero();
    assertThat(HandlerInvocations.count(input)).isZero();
    assertThat(audit.since(mark, Side.HANDLER)).isEmpty();
  }

  @ParameterizedTest(name = "{0} {1}")
  @CsvSource({
    MISROUTED_QUEUE + ", echo, handler-ns/elsewhere-tq",
    MISROUTED_QUEUE + ", runWorkflow, handler-ns/elsewhere-tq",
    MISROUTED_NAMESPACE + ", echo, elsewhere-ns/probe-tq"
  })
  void handlerWorkerThatIsNotTheEndpointsTarget_deniesTheRequest(
      String endpoint, String operation, String registryTarget) {
    int mark = audit.mark();
    String input = uniqueId("misrouted");

    Throwable failure =
        catchThrowable(() -> bed.call(CallerProfile.A, uniqueId("wf"), endpoint, operation, input));

    // The caller's token names the registry's target as its audience; this worker is another.
    assertDenied(failure, ReasonCode.TOKEN_AUDIENCE_MISMATCH, Side.HANDLER);
    assertThat(HandlerInvocations.count(input)).isZero();
    bed.assertNoWorkflow(HANDLER_NS, HandlerWorkflows.quickId(input));
    assertThat(audit.since(mark, Side.CALLER))
        .as("the caller's registry allows caller-a")
        .singleElement()
        .satisfies(e -> assertThat(e.getReason()).isEqualTo(ReasonCode.ALLOWED));
    assertThat(audit.since(mark, Side.HANDLER))
        .singleElement()
        .satisfies(
            e -> {
              assertThat(e.getReason()).isEqualTo(ReasonCode.TOKEN_AUDIENCE_MISMATCH);
              assertThat(e.getEndpoint()).isEqualTo(endpoint);
              String[] target = registryTarget.split("/");
              assertThat(e.getDetail())
                  .contains(
                      "issued for handler namespace '"
                          + target[0]
                          + "' task queue '"
                          + target[1]
                          + "'");
            });
  }
}
