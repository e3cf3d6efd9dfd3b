package dev.nexussecurity.core.internal.interceptor;

import dev.nexussecurity.api.AccessDecision;
import dev.nexussecurity.api.AccessDecisionEvent;
import dev.nexussecurity.api.ReasonCode;
import dev.nexussecurity.core.ConverterFingerprint;
import dev.nexussecurity.core.internal.identity.IdentityClaims;
import io.temporal.common.interceptors.WorkflowOutboundCallsInterceptor;
import io.temporal.common.interceptors.WorkflowOutboundCallsInterceptorBase;
import io.temporal.failure.NexusOperationFailure;
import io.temporal.workflow.Promise;
import io.temporal.workflow.Workflow;
import io.temporal.workflow.unsafe.WorkflowUnsafe;
import java.time.Duration;
import java.time.Instant;
import java.util.UUID;

/**
 * Caller side: before a ScheduleNexusOperation command is issued, checks the registry and attaches a
 * signed identity token, or fails the call at once.
 *
 * <p>Replay safety: the decision and the token's id and validity window are recorded in one side-effect
 * marker, so replay reproduces the original outcome even if the registry or clock changed since. The
 * marker is guarded by a version marker ({@link SecurityContext#CHANGE_ID}): histories recorded before
 * nexus-security was installed replay unchanged. The token is signed from the recorded values; Ed25519
 * signatures are deterministic, and the SDK does not compare headers on replay anyway.
 */
final class CallerOutboundInterceptor extends WorkflowOutboundCallsInterceptorBase {
  private final SecurityContext ctx;

  CallerOutboundInterceptor(WorkflowOutboundCallsInterceptor next, SecurityContext ctx) {
    super(next);
    this.ctx = ctx;
  }

  @Override
  public <R> ExecuteNexusOperationOutput<R> executeNexusOperation(
      ExecuteNexusOperationInput<R> input) {
    int version = super.getVersion(SecurityContext.CHANGE_ID, Workflow.DEFAULT_VERSION, 1);
    if (version == Workflow.DEFAULT_VERSION) {
      // This workflow's history predates nexus-security: replay it exactly as it was recorded.
      return super.executeNexusOperation(input);
    }
    Duration lifetime = lifetime(input);
    String recorded = super.sideEffect(String.class, String.class, () -> decide(input, lifetime));
    CallerDecision decision = CallerDecision.parse(recorded);
    boolean replaying = WorkflowUnsafe.isReplaying();
    if (!decision.isAllowed()) {
      String message =
          Denials.message(
              AccessDecisionEvent.Side.CALLER,
              AccessDecisionEvent.Action.START,
              decision.reason,
              input.getEndpoint(),
              input.getService(),
              input.getOperation(),
              decision.detail);
      if (!replaying) {
        record(input, decision.reason, null, decision.detail);
      }
      NexusOperationFailure failure =
          new NexusOperationFailure(
              message,
              0,
              input.getEndpoint(),
              input.getService(),
              input.getOperation(),
              "",
              Denials.failure(decision.reason, message));
      Promise<R> result = Workflow.newFailedPromise(failure);
      return new ExecuteNexusOperationOutput<>(result, Workflow.newFailedPromise(failure));
    }
    IdentityClaims claims =
        new IdentityClaims(
            ctx.namespace,
            input.getEndpoint(),
            input.getService(),
            input.getOperation(),
            decision.tokenId,
            decision.issuedAtMillis,
            decision.expiresAtMillis);
    input.getHeaders().put(SecurityContext.IDENTITY_HEADER, ctx.issuer.issue(claims));
    if (ctx.callerFingerprintHeader != null) {
      input.getHeaders().put(ConverterFingerprint.HEADER, ctx.callerFingerprintHeader);
    }
    if (!replaying) {
      record(input, ReasonCode.ALLOWED, decision.tokenId, "");
    }
    return super.executeNexusOperation(input);
  }

  /** Runs inside the side effect: free to read the registry and the clock. */
  private String decide(ExecuteNexusOperationInput<?> input, Duration lifetime) {
    if (ctx.enforceOnCaller) {
      AccessDecision d = ctx.registry.checkAccess(input.getEndpoint(), ctx.namespace);
      if (!d.isAllowed()) {
        return CallerDecision.denied(d.getReason(), detail(d.getReason(), input.getEndpoint()));
      }
    }
    if (ctx.issuer == null) {
      return CallerDecision.denied(
          ReasonCode.MISSING_TOKEN,
          "this worker has no signing keyset, so it cannot prove its namespace '"
              + ctx.namespace
              + "'; set NexusSecurityOptions.Builder.setSigningKeyset");
    }
    long now = ctx.clock.millis();
    return CallerDecision.allowed(UUID.randomUUID().toString(), now, now + lifetime.toMillis());
  }

  private String detail(ReasonCode reason, String endpoint) {
    switch (reason) {
      case UNKNOWN_ENDPOINT:
        return "endpoint '" + endpoint + "' is not in the caller's registry";
      case ENDPOINT_POLICY_INVALID:
        return "the policy of endpoint '"
            + endpoint
            + "' in the caller's registry failed verification, so it admits nobody";
      case CALLER_NOT_ALLOWED:
        return "caller namespace '"
            + ctx.namespace
            + "' is not on the allowlist of endpoint '"
            + endpoint
            + "'";
      default:
        return "";
    }
  }

  /** The token lifetime: the configured lifetime, shortened to the operation's schedule-to-close. */
  private Duration lifetime(ExecuteNexusOperationInput<?> input) {
    Duration lifetime = ctx.tokenLifetime;
    Duration scheduleToClose =
        input.getOptions() == null ? null : input.getOptions().getScheduleToCloseTimeout();
    if (scheduleToClose != null
        && !scheduleToClose.isZero()
        && !scheduleToClose.isNegative()
        && scheduleToClose.compareTo(lifetime) < 0) {
      lifetime = scheduleToClose;
    }
    return lifetime;
  }

  private void record(
      ExecuteNexusOperationInput<?> input, ReasonCode reason, String tokenId, String detail) {
    ctx.recorder.record(
        AccessDecisionEvent.newBuilder()
            .setTime(Instant.ofEpochMilli(Workflow.currentTimeMillis()))
            .setSide(AccessDecisionEvent.Side.CALLER)
            .setAction(AccessDecisionEvent.Action.START)
            .setReason(reason)
            .setCallerNamespace(ctx.namespace)
            .setEndpoint(input.getEndpoint())
            .setService(input.getService())
            .setOperation(input.getOperation())
            .setTokenId(tokenId)
            .setDetail(detail)
            .build(),
        Workflow.getMetricsScope());
  }
}
