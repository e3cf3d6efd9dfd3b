package dev.nexussecurity.core.internal.interceptor;

import dev.nexussecurity.api.AccessDecision;
import dev.nexussecurity.api.AccessDecisionEvent;
import dev.nexussecurity.api.ReasonCode;
import dev.nexussecurity.core.ConverterFingerprint;
import dev.nexussecurity.core.internal.identity.IdentityClaims;
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
 * <p>The token uses only deterministic inputs: its issue time is {@code
 * Workflow.currentTimeMillis()} and its id {@code Workflow.randomUUID()}; Ed25519 signatures are
 * deterministic. (The SDK does not compare Nexus headers on replay either.)
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
    String tokenId = Workflow.randomUUID().toString();
    String markerId = CallerDecision.DENIAL_MARKER_PREFIX + sequence;
    boolean replaying = WorkflowUnsafe.isReplaying();
    ReasonCode reason;
    if (replaying) {
      int recorded = super.getVersion(markerId, Workflow.DEFAULT_VERSION, CallerDecision.MAX_CODE);
      reason =
          recorded == Workflow.DEFAULT_VERSION
              ? ReasonCode.ALLOWED
              : CallerDecision.reasonOf(recorded);
    } else {
      reason = decide(input);
      if (!reason.isAllowed()) {
        super.getVersion(markerId, Workflow.DEFAULT_VERSION, CallerDecision.codeOf(reason));
      }
    }
    if (!reason.isAllowed()) {
      return deny(input, reason, replaying);
    }
    IdentityClaims claims =
        new IdentityClaims(
            ctx.namespace,
            input.getEndpoint(),
            input.getService(),
            input.getOperation(),
            tokenId,
            issuedAt,
            issuedAt + lifetime(input).toMillis());
    input.getHeaders().put(SecurityContext.IDENTITY_HEADER, ctx.issuer.issue(claims));
    if (ctx.callerFingerprintHeader != null) {
      input.getHeaders().put(ConverterFingerprint.HEADER, ctx.callerFingerprintHeader);
    }
    if (!replaying) {
      record(input, ReasonCode.ALLOWED, tokenId, "");
    }
    return super.executeNexusOperation(input);
  }

  /** The live decision of an original execution; reads only in-memory state. */
  private ReasonCode decide(ExecuteNexusOperationInput<?> input) {
    if (ctx.enforceOnCaller) {
      AccessDecision d = ctx.registry.checkAccess(input.getEndpoint(), ctx.namespace);
      if (!d.isAllowed()) {
        return d.getReason();
      }
    }
    return ctx.issuer == null ? ReasonCode.MISSING_TOKEN : ReasonCode.ALLOWED;
  }

  private <R> ExecuteNexusOperationOutput<R> deny(
      ExecuteNexusOperationInput<R> input, ReasonCode reason, boolean replaying) {
    String detail = detail(reason, input.getEndpoint());
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
      case MISSING_TOKEN:
        return "this worker has no signing keyset, so it cannot prove its namespace '"
            + ctx.namespace
            + "'; set NexusSecurityOptions.Builder.setSigningKeyset (or setIdentityMacKeyset)";
      default:
        return "";
    }
  }

  /**
   * The token lifetime: the configured lifetime, shortened to the operation's schedule-to-close.
   */
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
