package dev.nexussecurity.core.internal.interceptor;

import dev.nexussecurity.api.AccessDecision;
import dev.nexussecurity.api.AccessDecisionEvent;
import dev.nexussecurity.api.NexusEndpoint;
import dev.nexussecurity.api.PayloadBinding;
import dev.nexussecurity.api.PayloadBindings;
import dev.nexussecurity.api.ReasonCode;
import dev.nexussecurity.core.ConverterFingerprint;
import dev.nexussecurity.core.internal.identity.IdentityTokens;
import dev.nexussecurity.core.internal.identity.TokenClaims;
import dev.nexussecurity.core.internal.identity.TokenIssuer;
import dev.nexussecurity.core.keys.PayloadAcceptanceCheck;
import io.temporal.common.interceptors.WorkflowOutboundCallsInterceptor;
import io.temporal.common.interceptors.WorkflowOutboundCallsInterceptorBase;
import io.temporal.failure.NexusOperationFailure;
import io.temporal.workflow.Workflow;
import io.temporal.workflow.unsafe.WorkflowUnsafe;
import java.time.Duration;
import java.time.Instant;

/**
 * Caller side: before a ScheduleNexusOperation command is issued, checks the registry and attaches
 * a signed identity token, or fails the call at once without issuing a command.
 *
 * <p><b>Replay safety.</b> Only denials are recorded in the history: a denied call records a
 * version marker {@code dev.nexussecurity.denied.<n>} (n = the call's sequence number in the run)
 * whose version is the reason's stable code. On replay the registry is not consulted; the marker
 * decides: present means denied for the recorded reason, absent (the SDK's documented {@code
 * DEFAULT_VERSION} for a version call that was not in the original execution) means allowed. So a
 * registry change after an operation was scheduled, or after it was denied, never changes a replay,
 * and allowed calls add nothing to the history. A version marker {@code
 * dev.nexussecurity.caller-check}, recorded once per run, guards all of this: histories recorded
 * before nexus-security was installed replay exactly as they were.
 *
 * <p>The token's issue time is {@code Workflow.currentTimeMillis()}; its id is 128 bits from {@code
 * SecureRandom} (not {@code Workflow.randomUUID()}, which is predictable from the run id): the SDK
 * does not compare Nexus headers on replay, so a replay may carry another token id. The input is
 * bound to the token id through {@link PayloadBindings} while the SDK encodes it.
 */
final class CallerOutboundInterceptor extends WorkflowOutboundCallsInterceptorBase {
  private final SecurityContext ctx;

  /** Sequence number of Nexus calls in this workflow run; replays see the same sequence. */
  private int callSequence;

  /**
   * The installation guard's version, read once per run: a version call returns the same value for
   * the whole run, so later calls would only add work for the SDK.
   */
  private Integer guardVersion;

  CallerOutboundInterceptor(WorkflowOutboundCallsInterceptor next, SecurityContext ctx) {
    super(next);
    this.ctx = ctx;
  }

  @Override
  public <R> ExecuteNexusOperationOutput<R> executeNexusOperation(
      ExecuteNexusOperationInput<R> input) {
    if (guardVersion == null) {
      guardVersion = super.getVersion(SecurityContext.CHANGE_ID, Workflow.DEFAULT_VERSION, 1);
    }
    if (guardVersion == Workflow.DEFAULT_VERSION) {
      // This workflow's history predates nexus-security: replay it exactly as it was recorded.
      return super.executeNexusOperation(input);
    }
    int sequence = ++callSequence;
    long issuedAt = Workflow.currentTimeMillis();
    boolean replaying = WorkflowUnsafe.isReplaying();
    ReasonCode reason;
    String token = null;
    String tokenId = IdentityTokens.newTokenId();
    String problem = "";
    NexusEndpoint target = ctx.registry.findEndpoint(input.getEndpoint()).orElse(null);
    if (replaying) {
      int recorded =
          super.getVersion(
              CallerDecision.DENIAL_MARKER_PREFIX + sequence,
              Workflow.DEFAULT_VERSION,
              CallerDecision.MAX_CODE);
      reason =
          recorded == Workflow.DEFAULT_VERSION
              ? ReasonCode.ALLOWED
              : CallerDecision.reasonOf(recorded);
      if (reason.isAllowed() && target != null && ctx.issuer != null) {
        // Headers are not compared on replay; issue a token only to keep the encoded input's
        // binding well-formed. A failure here changes nothing recorded.
        try {
          token = ctx.issuer.issue(claims(input, target, tokenId, issuedAt));
        } catch (TokenIssuer.TokenIssueException e) {
          token = null;
        }
      }
    } else {
      reason = decide(input, target);
      if (reason.isAllowed()) {
        PayloadAcceptanceCheck.Denial refused = protectionRefused(input, target);
        if (refused != null) {
          reason = refused.getReason();
          problem = refused.getDetail();
        }
      }
      if (reason.isAllowed()) {
        try {
          token = ctx.issuer.issue(claims(input, target, tokenId, issuedAt));
        } catch (TokenIssuer.TokenIssueException e) {
          reason = e.isTooLarge() ? ReasonCode.TOKEN_TOO_LARGE : ReasonCode.MISSING_TOKEN;
          problem = e.getMessage();
        }
      }
      if (!reason.isAllowed()) {
        super.getVersion(
            CallerDecision.DENIAL_MARKER_PREFIX + sequence,
            Workflow.DEFAULT_VERSION,
            CallerDecision.codeOf(reason));
      }
    }
    if (!reason.isAllowed()) {
      return deny(input, reason, replaying, problem);
    }
    if (token != null) {
      input.getHeaders().put(SecurityContext.IDENTITY_HEADER, token);
    }
    if (ctx.callerFingerprintHeader != null) {
      input.getHeaders().put(ConverterFingerprint.HEADER, ctx.callerFingerprintHeader);
    }
    if (!replaying) {
      record(input, ReasonCode.ALLOWED, tokenId, "");
    }
    PayloadBinding previous =
        target == null
            ? PayloadBindings.current().orElse(null)
            : PayloadBindings.set(
                PayloadBinding.newBuilder()
                    .setDirection(PayloadBinding.Direction.INPUT)
                    .setBindingId(tokenId)
                    .setCallerNamespace(ctx.namespace)
                    .setHandlerNamespace(target.getTargetNamespace())
                    .setEndpoint(input.getEndpoint())
                    .setService(input.getService())
                    .setOperation(input.getOperation())
                    .setCallerWorkflowId(Workflow.getInfo().getWorkflowId())
                    .build());
    try {
      return super.executeNexusOperation(input);
    } finally {
      PayloadBindings.restore(previous);
    }
  }

  private TokenClaims claims(
      ExecuteNexusOperationInput<?> input, NexusEndpoint target, String tokenId, long issuedAt) {
    return new TokenClaims(
        ctx.callerPolicy.getIdentityMode(),
        ctx.namespace,
        target.getTargetNamespace(),
        target.getTargetTaskQueue(),
        input.getEndpoint(),
        input.getService(),
        input.getOperation(),
        Workflow.getInfo().getWorkflowId(),
        Workflow.getInfo().getRunId(),
        issuedAt,
        issuedAt + lifetime(input).toMillis(),
        tokenId,
        0,
        0);
  }

  /** The live decision of an original execution; reads only in-memory state. */
  private ReasonCode decide(ExecuteNexusOperationInput<?> input, NexusEndpoint target) {
    if (ctx.enforceOnCaller) {
      AccessDecision d = ctx.registry.checkAccess(input.getEndpoint(), ctx.namespace);
      if (!d.isAllowed()) {
        return d.getReason();
      }
    }
    if (target == null) {
      // Without the endpoint's target the token cannot name its audience. The registry says why
      // it has none (stale, a policy that failed verification, or no such endpoint), also when
      // the caller-side allowlist check is off.
      ReasonCode why = ctx.registry.checkAccess(input.getEndpoint(), ctx.namespace).getReason();
      return why == ReasonCode.REGISTRY_STALE || why == ReasonCode.ENDPOINT_POLICY_INVALID
          ? why
          : ReasonCode.UNKNOWN_ENDPOINT;
    }
    return ctx.issuer == null ? ReasonCode.MISSING_TOKEN : ReasonCode.ALLOWED;
  }

  /**
   * The denial when the endpoint states a payload protection for the service that the handler
   * namespace does not accept (as its key directory entry states), else null; live decisions only.
   */
  private PayloadAcceptanceCheck.Denial protectionRefused(
      ExecuteNexusOperationInput<?> input, NexusEndpoint target) {
    return target
        .getPayloadProtection(input.getService())
        .flatMap(
            p -> PayloadAcceptanceCheck.check(ctx.keyDirectory, target.getTargetNamespace(), p))
        .orElse(null);
  }

  private <R> ExecuteNexusOperationOutput<R> deny(
      ExecuteNexusOperationInput<R> input, ReasonCode reason, boolean replaying, String problem) {
    String detail = problem.isEmpty() ? detail(reason, input.getEndpoint()) : problem;
    String message =
        Denials.message(
            AccessDecisionEvent.Side.CALLER,
            AccessDecisionEvent.Action.START,
            reason,
            input.getEndpoint(),
            input.getService(),
            input.getOperation(),
            detail);
    if (!replaying) {
      record(input, reason, null, detail);
    }
    NexusOperationFailure failure =
        new NexusOperationFailure(
            message,
            0,
            input.getEndpoint(),
            input.getService(),
            input.getOperation(),
            "",
            Denials.failure(reason, message));
    return new ExecuteNexusOperationOutput<>(
        Workflow.newFailedPromise(failure), Workflow.newFailedPromise(failure));
  }

  private String detail(ReasonCode reason, String endpoint) {
    return switch (reason) {
      case UNKNOWN_ENDPOINT -> "endpoint '" + endpoint + "' is not in the caller's registry";
      case ENDPOINT_POLICY_INVALID ->
          "the policy of endpoint '"
              + endpoint
              + "' in the caller's registry failed verification, so it admits nobody";
      case CALLER_NOT_ALLOWED ->
          "caller namespace '"
              + ctx.namespace
              + "' is not on the allowlist of endpoint '"
              + endpoint
              + "'";
      case REGISTRY_STALE ->
          "the caller's registry is stale (not refreshed within its maximum staleness), so it"
              + " cannot name endpoint '"
              + endpoint
              + "'s target; the call can be retried once the registry refreshes";
      case MISSING_TOKEN ->
          ctx.issuerProblem != null
              ? ctx.issuerProblem
              : "this worker could not issue an identity token for endpoint '" + endpoint + "'";
      default -> "";
    };
  }

  /**
   * The token lifetime: the operation's schedule-to-close (how long the server may deliver the
   * start), capped by the caller policy's maximum token lifetime (also used when none is set).
   */
  private Duration lifetime(ExecuteNexusOperationInput<?> input) {
    Duration lifetime = ctx.callerPolicy.getMaxTokenLifetime();
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
