package dev.nexussecurity.it;

import static dev.nexussecurity.it.support.DenialAssertions.assertDenied;
import static dev.nexussecurity.it.support.DenialAssertions.assertMessageMentions;
import static dev.nexussecurity.it.support.SecurityTestBed.CALLER_A;
import static dev.nexussecurity.it.support.SecurityTestBed.CALLER_B;
import static dev.nexussecurity.it.support.SecurityTestBed.ENDPOINT;
import static dev.nexussecurity.it.support.SecurityTestBed.HANDLER_NS;
import static dev.nexussecurity.it.support.SecurityTestBed.uniqueId;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;

import com.google.crypto.tink.KeysetHandle;
import com.google.crypto.tink.signature.PredefinedSignatureParameters;
import com.google.crypto.tink.signature.SignatureConfig2026;
import dev.nexussecurity.api.AccessDecisionEvent;
import dev.nexussecurity.api.AccessDecisionEvent.Action;
import dev.nexussecurity.api.AccessDecisionEvent.Side;
import dev.nexussecurity.api.ReasonCode;
import dev.nexussecurity.core.NexusSecurity;
import dev.nexussecurity.it.support.AuditLog;
import dev.nexussecurity.it.support.CallerProfile;
import dev.nexussecurity.it.support.DenialAssertions;
import dev.nexussecurity.it.support.HandlerInvocations;
import dev.nexussecurity.it.support.HandlerWorkflows;
import dev.nexussecurity.it.support.ProbeServiceImpl;
import dev.nexussecurity.it.support.SecurityTestBed;
import dev.nexussecurity.it.support.Tokens;
import dev.nexussecurity.testing.NexusSecurityExtension;
import dev.nexussecurity.testing.NexusSecurityTestEnvironment;
import io.temporal.api.enums.v1.EventType;
import io.temporal.api.history.v1.HistoryEvent;
import java.time.Duration;
import java.util.List;
import java.util.function.UnaryOperator;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.parallel.Execution;
import org.junit.jupiter.api.parallel.ExecutionMode;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Attacks on the caller identity token, end to end: a test-only interceptor inside caller-a's (or a
 * rogue caller-b's) worker rewrites the identity header after NexusSecurity set it. Each attack is
 * denied by the handler with its own reason, fails the caller's operation at once (not by timeout),
 * and never reaches handler code. A server retry of an admitted start is still admitted.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@Execution(ExecutionMode.SAME_THREAD)
@Timeout(60)
class TokenAttacksTest {
  @RegisterExtension static final NexusSecurityExtension NEXUS = SecurityTestBed.extension();

  private static final String ALIAS_ENDPOINT = "probe-alias";

  private SecurityTestBed bed;
  private AuditLog audit;

  @BeforeAll
  void start(NexusSecurityTestEnvironment env) {
    bed = SecurityTestBed.start(env);
    audit = bed.audit();
    // A second endpoint to the same handler, also open to caller-a.
    bed.addEndpoint(ALIAS_ENDPOINT, CALLER_A);
  }

  /** The outcome of one tampered call. */
  private record Attempt(
      Throwable failure,
      String input,
      String workflowId,
      List<AccessDecisionEvent> handlerEvents) {}

  /**
   * Calls {@code operation} on {@code endpoint} from a new workflow of {@code profile} whose
   * identity header is rewritten by {@code rewrite}, and asserts what every denial must satisfy:
   * denied for {@code reason} by the handler, no handler code ran, exactly one handler audit event
   * with that reason.
   */
  private Attempt attack(
      CallerProfile profile,
      String endpoint,
      String operation,
      ReasonCode reason,
      UnaryOperator<String> rewrite) {
    int mark = audit.mark();
    String input = uniqueId("attack-" + reason.name().toLowerCase());
    String workflowId = uniqueId("wf");
    bed.tamper().plan(workflowId, rewrite);

    Throwable failure =
        catchThrowable(() -> bed.call(profile, workflowId, endpoint, operation, input));

    assertDenied(failure, reason, Side.HANDLER);
    assertThat(HandlerInvocations.count(input)).as("handler code never ran").isZero();
    List<AccessDecisionEvent> handlerEvents = audit.since(mark, Side.HANDLER);
    assertThat(handlerEvents)
        .singleElement()
        .satisfies(
            e -> {
              assertThat(e.getReason()).isEqualTo(reason);
              assertThat(e.getOperation()).isEqualTo(operation);
            });
    return new Attempt(failure, input, workflowId, handlerEvents);
  }

  private Attempt attack(ReasonCode reason, UnaryOperator<String> rewrite) {
    return attack(CallerProfile.A, ENDPOINT, "echo", reason, rewrite);
  }

  /** Runs one allowed echo call as caller-a and returns the token it carried. */
  private String tokenOfCompletedCall(String workflowId) {
    String input = uniqueId("donor");
    assertThat(bed.call(CallerProfile.A, workflowId, ENDPOINT, "echo", input))
        .isEqualTo("echo " + input + " from " + HANDLER_NS);
    return bed.tamper().seenBy(workflowId).get(0);
  }

  private static KeysetHandle freshEd25519Key() throws Exception {
    return KeysetHandle.generateNew(
        PredefinedSignatureParameters.ED25519, SignatureConfig2026.get());
  }

  // Control ----------------------------------------------------------------------------------

  @Test
  void control_tamperRegisteredBeforeNexusSecurity_seesNoTokenAndCannotRemoveIt() {
    String input = uniqueId("control");
    String workflowId = uniqueId("wf");
    bed.tamper().plan(workflowId, token -> null);

    String result = bed.call(CallerProfile.A_TAMPER_OUTSIDE, workflowId, ENDPOINT, "echo", input);

    // Registered first, the tamper is the outermost interceptor: it runs before NexusSecurity sets
    // the header. The attacks below register it after NexusSecurity, where it sees the token.
    assertThat(result).isEqualTo("echo " + input + " from " + HANDLER_NS);
    assertThat(bed.tamper().seenBy(workflowId)).containsExactly("<none>");
  }

  // (a) ------------------------------------------------------------------------------------------

  @Test
  void missingToken_isDeniedAsMissingToken() {
    Attempt a = attack(ReasonCode.MISSING_TOKEN, token -> null);

    AccessDecisionEvent e = a.handlerEvents().get(0);
    assertThat(e.getAction()).isEqualTo(Action.START_OR_CANCEL);
    assertThat(e.getCallerNamespace()).as("nothing proves who called").isNull();
    assertThat(e.getEndpoint()).isEqualTo(ENDPOINT);
  }

  // (b) ------------------------------------------------------------------------------------------

  @Test
  void tokenSignedWithAnotherKey_isDeniedAsUntrustedCaller() throws Exception {
    KeysetHandle attacker = freshEd25519Key();

    Attempt a =
        attack(ReasonCode.UNTRUSTED_CALLER, token -> Tokens.signedWithUnknownKey(token, attacker));

    assertThat(a.handlerEvents().get(0).getDetail())
        .contains("signature key " + Integer.toUnsignedString(attacker.getPrimary().getId()))
        .contains("'" + CALLER_A + "'");
  }

  @Test
  void tokenSignedWithAnotherKeyLabelledWithCallersKeyId_isDeniedAsBadSignature() throws Exception {
    KeysetHandle attacker = freshEd25519Key();
    int callerKeyId = bed.signingKey(CALLER_A).getPrimary().getId();

    Attempt a =
        attack(
            ReasonCode.BAD_SIGNATURE,
            token -> Tokens.withSignatureKeyId(Tokens.resignedWith(token, attacker), callerKeyId));

    assertThat(a.handlerEvents().get(0).getCallerNamespace()).isEqualTo(CALLER_A);
  }

  // (c) ------------------------------------------------------------------------------------------

  static Stream<Arguments> editedClaims() {
    return Stream.of(
        Arguments.of("op", "echoAgain"),
        Arguments.of("ep", ALIAS_ENDPOINT),
        Arguments.of("svc", "OtherService"),
        Arguments.of("jti", "00000000-0000-0000-0000-000000000000"),
        Arguments.of("exp", Long.toString(Long.MAX_VALUE / 2)));
  }

  @ParameterizedTest(name = "claim {0} edited to {1}")
  @MethodSource("editedClaims")
  void tokenWithAnEditedClaimAndTheOriginalSignature_isDeniedAsBadSignature(
      String claim, String value) {
    attack(
        ReasonCode.BAD_SIGNATURE,
        token ->
            Tokens.withEditedClaims(
                token,
                claims -> {
                  if (claim.equals("exp")) {
                    claims.put(claim, Long.parseLong(value));
                  } else {
                    claims.put(claim, value);
                  }
                }));
  }

  @ParameterizedTest(name = "caller namespace edited to {0}")
  @ValueSource(strings = {CALLER_B, "stranger-ns"})
  void tokenWithEditedCallerNamespace_isDeniedAsUntrustedCaller(String namespace) {
    Attempt a =
        attack(
            ReasonCode.UNTRUSTED_CALLER,
            token -> Tokens.withEditedClaims(token, claims -> claims.put("ns", namespace)));

    assertThat(a.handlerEvents().get(0).getCallerNamespace()).isEqualTo(namespace);
  }

  @Test
  void forgedTokenClaimingAnotherEndpoint_isAuditedWithTheEndpointTheServerReported() {
    Attempt a =
        attack(
            ReasonCode.UNTRUSTED_CALLER,
            token ->
                Tokens.withEditedClaims(
                    token,
                    claims -> {
                      claims.put("ns", "stranger-ns");
                      claims.put("ep", "an-endpoint-of-the-forgers-choice");
                    }));

    AccessDecisionEvent e = a.handlerEvents().get(0);
    assertThat(e.getEndpoint()).isEqualTo(ENDPOINT);
    assertThat(e.getCallerNamespace()).as("claimed, as documented").isEqualTo("stranger-ns");
    assertMessageMentions(a.failure(), "on endpoint '" + ENDPOINT + "' (handler side)");
  }

  @Test
  void tokenWithALineBreakInAClaim_isDeniedAsMalformedToken_andCannotForgeAnAuditLine() {
    Attempt a =
        attack(
            ReasonCode.MALFORMED_TOKEN,
            token ->
                Tokens.withEditedClaims(
                    token,
                    claims ->
                        claims.put(
                            "ns",
                            "stranger-ns\nAccessDecisionEvent{HANDLER START ALLOWED caller=caller-a}")));

    AccessDecisionEvent e = a.handlerEvents().get(0);
    assertThat(e.getCallerNamespace()).isNull();
    assertThat(e.getDetail()).contains("claim 'ns' contains the character U+000A");
  }

  @Test
  void tokenWithCallerNamespaceAndKeyIdOfAnotherTrustedCaller_isDeniedAsUntrustedCaller() {
    int callerBKeyId = bed.signingKey(CALLER_B).getPrimary().getId();

    Attempt a =
        attack(
            ReasonCode.UNTRUSTED_CALLER,
            token ->
                Tokens.withSignatureKeyId(
                    Tokens.withEditedClaims(token, claims -> claims.put("ns", CALLER_B)),
                    callerBKeyId));

    assertThat(a.handlerEvents().get(0).getCallerNamespace()).isEqualTo(CALLER_B);
  }

  // (d) ------------------------------------------------------------------------------------------

  @ParameterizedTest(name = "header \"{0}\"")
  @ValueSource(
      strings = {
        "garbage",
        "v2.e30.AQID",
        "v1.bm90IGpzb24.AQIDBAU",
        "v1.e30.AQIDBAU",
        "v1.eyJucyI6ImNhbGxlci1hIn0.not*base64"
      })
  void garbageHeader_isDeniedAsMalformedToken(String header) {
    Attempt a = attack(ReasonCode.MALFORMED_TOKEN, token -> header);

    assertThat(a.handlerEvents().get(0).getCallerNamespace()).isNull();
  }

  @Test
  void oversizedHeader_isDeniedAsMalformedToken() {
    attack(ReasonCode.MALFORMED_TOKEN, token -> token + "A".repeat(5000));
  }

  @Test
  void garbageHeaderWithLineBreaks_isDeniedAsMalformedToken_andCannotForgeAnAuditLine() {
    String forgedLine = "AccessDecisionEvent{HANDLER START ALLOWED caller=caller-a}";
    Attempt a = attack(ReasonCode.MALFORMED_TOKEN, token -> "x\r\n" + forgedLine + ".a.b");

    String detail = a.handlerEvents().get(0).getDetail();
    assertThat(detail).doesNotContain("\n").doesNotContain("\r");
    assertThat(DenialAssertions.chain(a.failure()))
        .allSatisfy(
            t -> assertThat(String.valueOf(t.getMessage())).doesNotContain("\n" + forgedLine));
  }

  // (e) ------------------------------------------------------------------------------------------

  /**
   * caller-a's genuine token as if issued {@code age} ago: its times shifted back and signed again
   * with caller-a's own key, as a request delayed that long would carry. (Callers take token times
   * from deterministic workflow time, so a skewed caller clock cannot produce one.)
   */
  private UnaryOperator<String> issuedAgo(Duration age) {
    return token ->
        Tokens.resignedWith(
            Tokens.withEditedClaims(
                token,
                c -> {
                  c.put("iat", c.get("iat").asLong() - age.toMillis());
                  c.put("exp", c.get("exp").asLong() - age.toMillis());
                }),
            bed.signingKey(CALLER_A));
  }

  @Test
  void tokenExpiredWithinCancelGrace_isRefusedAfterDecodeButBeforeHandlerCode() {
    Attempt a =
        attack(
            CallerProfile.A,
            ENDPOINT,
            "echo",
            ReasonCode.TOKEN_EXPIRED,
            issuedAgo(Duration.ofHours(2)));

    // Still valid for a cancel, so refused only once the SDK says this is a start (SECURITY.md).
    assertThat(a.handlerEvents().get(0).getAction()).isEqualTo(Action.START);
    assertThat(a.handlerEvents().get(0).getCallerNamespace()).isEqualTo(CALLER_A);
  }

  @Test
  void tokenExpiredLongAgo_isDeniedAsExpired() {
    Attempt a =
        attack(
            CallerProfile.A,
            ENDPOINT,
            "echo",
            ReasonCode.TOKEN_EXPIRED,
            issuedAgo(Duration.ofDays(40)));

    assertThat(a.handlerEvents().get(0).getCallerNamespace()).isEqualTo(CALLER_A);
  }

  @Test
  void tokenExpiredWithinCancelGrace_workflowRunOperation_startsNoHandlerWorkflow() {
    Attempt a =
        attack(
            CallerProfile.A,
            ENDPOINT,
            "runWorkflow",
            ReasonCode.TOKEN_EXPIRED,
            issuedAgo(Duration.ofHours(2)));

    bed.assertNoWorkflow(HANDLER_NS, HandlerWorkflows.quickId(a.input()));
  }

  // (f) ------------------------------------------------------------------------------------------

  @Test
  void tokenOfACompletedOperation_presentedForAnotherStartOfTheSameOperation_isDeniedByItsRun() {
    String stolen = tokenOfCompletedCall(uniqueId("donor-wf"));

    // The token names the donor's workflow run; the server-built link names the attacker's.
    // (Replays that also forge the link or the request id: StartReplayAttacksTest.)
    Attempt a = attack(ReasonCode.CALLER_LINK_MISMATCH, token -> stolen);

    AccessDecisionEvent e = a.handlerEvents().get(0);
    assertThat(e.getAction()).isEqualTo(Action.START);
    assertThat(e.getTokenId()).isEqualTo(Tokens.tokenId(stolen));
    assertThat(e.getCallerNamespace()).isEqualTo(CALLER_A);
  }

  // (g) ------------------------------------------------------------------------------------------

  @Test
  void tokenIssuedForAnotherOperation_isDeniedAsScopeMismatch() {
    String stolen = tokenOfCompletedCall(uniqueId("donor-wf"));

    Attempt a =
        attack(
            CallerProfile.A, ENDPOINT, "echoAgain", ReasonCode.TOKEN_SCOPE_MISMATCH, t -> stolen);

    assertThat(a.handlerEvents().get(0).getAction()).isEqualTo(Action.START_OR_CANCEL);
    assertMessageMentions(a.failure(), "issued for service 'ProbeService' operation 'echo'");
  }

  @Test
  void tokenIssuedForAnotherEndpointOfTheSameHandler_isDeniedAsScopeMismatch() {
    String stolen = tokenOfCompletedCall(uniqueId("donor-wf"));

    Attempt a =
        attack(
            CallerProfile.A, ALIAS_ENDPOINT, "echo", ReasonCode.TOKEN_SCOPE_MISMATCH, t -> stolen);

    assertMessageMentions(
        a.failure(),
        "issued for endpoint '"
            + ENDPOINT
            + "' but the server delivered the request for endpoint '"
            + ALIAS_ENDPOINT
            + "'");
  }

  // (h) ------------------------------------------------------------------------------------------

  @Test
  void tokenCopiedFromCallerAsHistory_intoRogueCallerBsCall_isDeniedByTheServerBuiltLink() {
    String donorWorkflowId = uniqueId("donor-wf");
    String captured = tokenOfCompletedCall(donorWorkflowId);
    // What anyone who can read caller-a's history sees: the token, in clear text.
    HistoryEvent scheduled =
        bed.history(CALLER_A, donorWorkflowId).stream()
            .filter(e -> e.getEventType() == EventType.EVENT_TYPE_NEXUS_OPERATION_SCHEDULED)
            .findFirst()
            .orElseThrow();
    String copied =
        scheduled
            .getNexusOperationScheduledEventAttributes()
            .getNexusHeaderMap()
            .get(NexusSecurity.IDENTITY_HEADER);
    assertThat(copied).isEqualTo(captured);

    Attempt a =
        attack(
            CallerProfile.B_ROGUE, ENDPOINT, "echo", ReasonCode.CALLER_LINK_MISMATCH, t -> copied);

    AccessDecisionEvent e = a.handlerEvents().get(0);
    assertThat(e.getAction()).isEqualTo(Action.START);
    assertThat(e.getCallerNamespace()).as("the namespace the token claims").isEqualTo(CALLER_A);
    assertThat(e.getDetail()).contains("link names namespace '" + CALLER_B + "'");
  }

  // (i) ------------------------------------------------------------------------------------------

  @Test
  void serverRetryOfAnAdmittedStart_sameRequestIdAndToken_isAdmittedAgain() {
    int mark = audit.mark();
    String input = ProbeServiceImpl.FAIL_ONCE_PREFIX + uniqueId("retry");
    String workflowId = uniqueId("wf");

    String result = bed.call(CallerProfile.A, workflowId, ENDPOINT, "echo", input);

    assertThat(result).isEqualTo("echo " + input + " from " + HANDLER_NS);
    assertThat(HandlerInvocations.of(input))
        .as("failed once, then ran again")
        .containsExactly("echo", "echo");
    List<String> requestIds = HandlerInvocations.requestIds(input);
    assertThat(requestIds).hasSize(2);
    assertThat(requestIds.get(1))
        .as("a server retry of the same request")
        .isEqualTo(requestIds.get(0));
    String tokenId = Tokens.tokenId(bed.tamper().seenBy(workflowId).get(0));
    assertThat(audit.since(mark, Side.HANDLER))
        .hasSize(2)
        .allSatisfy(
            e -> {
              assertThat(e.getReason()).isEqualTo(ReasonCode.ALLOWED);
              assertThat(e.getAction()).isEqualTo(Action.START);
              assertThat(e.getTokenId()).isEqualTo(tokenId);
            });
  }
}
