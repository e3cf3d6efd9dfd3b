package dev.nexussecurity.core.internal.interceptor;

import dev.nexussecurity.api.AccessDecisionEvent;
import dev.nexussecurity.api.PayloadBinding;
import dev.nexussecurity.api.PayloadBindings;
import dev.nexussecurity.api.ReasonCode;
import dev.nexussecurity.core.ConverterFingerprint;
import dev.nexussecurity.core.internal.compat.FingerprintComparison;
import dev.nexussecurity.core.internal.compat.PayloadSchemes;
import dev.nexussecurity.core.internal.identity.HandlerRequest;
import dev.nexussecurity.core.internal.identity.OperationTokenBinder;
import dev.nexussecurity.core.internal.identity.TokenClaims;
import dev.nexussecurity.core.internal.identity.Verdict;
import io.nexusrpc.OperationException;
import io.nexusrpc.handler.OperationCancelDetails;
import io.nexusrpc.handler.OperationContext;
import io.nexusrpc.handler.OperationStartResult;
import io.temporal.common.interceptors.NexusOperationInboundCallsInterceptor;
import io.temporal.common.interceptors.NexusOperationInboundCallsInterceptorBase;
import io.temporal.common.interceptors.NexusOperationOutboundCallsInterceptor;
import io.temporal.nexus.NexusOperationInfo;
import java.security.GeneralSecurityException;
import java.time.Instant;
import java.util.List;

/**
 * Handler side: one instance per Nexus request.
 *
 * <p>{@link #init} runs inside the SDK's operation middleware, before the start input is decoded
 * and for cancels too: it checks that this interceptor is the outermost, runs the token stages that
 * need no start details, and publishes the call's INPUT binding for the payload codec. {@link
 * #startOperation} runs the caller-link, expiry and replay stages, then requires that a
 * binding-aware codec verified the input as the one sent with the token, before any handler code;
 * the sync result (or failure) is then encoded under the RESULT (FAILURE) binding, and the
 * operation token of an asynchronous operation is bound to the starting caller. {@link
 * #cancelOperation} requires that binding.
 */
final class HandlerInboundInterceptor extends NexusOperationInboundCallsInterceptorBase {
  private final SecurityContext ctx;
  private final OperationContext operationContext;
  private NexusOperationOutboundCallsInterceptor outbound;
  private TokenClaims claims;
  private PayloadBinding binding;
  private boolean rolloutAdmitted;

  HandlerInboundInterceptor(
      NexusOperationInboundCallsInterceptor next,
      SecurityContext ctx,
      OperationContext operationContext) {
    super(next);
    this.ctx = ctx;
    this.operationContext = operationContext;
  }

  @Override
  public void init(NexusOperationOutboundCallsInterceptor outboundCalls) {
    this.outbound = outboundCalls;
    // getCallerClass() must be called here: it names the caller of this method.
    if (!InstallationGuard.isSdk(InstallationGuard.WALKER.getCallerClass())) {
      throw deny(
          Verdict.denied(
              ReasonCode.SECURITY_NOT_OUTERMOST,
              null,
              "another Nexus interceptor runs before nexus-security's on this worker, so it would"
                  + " see requests before they are checked"),
          AccessDecisionEvent.Action.START_OR_CANCEL);
    }
    NexusOperationInfo info = outboundCalls.getInfo();
    String token = operationContext.getHeaders().get(SecurityContext.IDENTITY_HEADER);
    if (token == null && ctx.handlerPolicy.isRolloutAdmitCallsWithoutToken()) {
      // Rollout switch: no token at all (a present token is always verified below). No claims and
      // no binding: the call is admitted as before nexus-security, counted and logged.
      PayloadBindings.clear();
      rolloutAdmitted = true;
      if (ctx.checkConverters) {
        checkConverters(outboundCalls);
      }
      super.init(outboundCalls);
      return;
    }
    Verdict verdict =
        ctx.verifier.checkBeforeDecode(
            new HandlerRequest(
                token,
                operationContext.getService(),
                operationContext.getOperation(),
                info.getEndpoint(),
                info.getNamespace(),
                info.getTaskQueue(),
                ctx.timeSource.getAsLong()));
    if (!verdict.isAllowed()) {
      // Start or cancel: the request kind is not known yet, and the denial applies to both.
      PayloadBindings.clear();
      throw deny(verdict, AccessDecisionEvent.Action.START_OR_CANCEL);
    }
    this.claims = verdict.claims();
    this.binding =
        PayloadBinding.newBuilder()
            .setDirection(PayloadBinding.Direction.INPUT)
            .setBindingId(claims.tokenId())
            .setCallerNamespace(claims.callerNamespace())
            .setHandlerNamespace(info.getNamespace())
            .setEndpoint(claims.endpoint())
            .setService(claims.service())
            .setOperation(claims.operation())
            .setCallerWorkflowId(claims.workflowId())
            .build();
    // Never cleared here: the codec decodes the input after this method returns, on this thread;
    // the next task on this thread overwrites it first (its init runs before its decode).
    PayloadBindings.set(binding);
    if (ctx.checkConverters) {
      checkConverters(outboundCalls);
    }
    super.init(outboundCalls);
  }

  private void checkConverters(NexusOperationOutboundCallsInterceptor outboundCalls) {
    String header = operationContext.getHeaders().get(ConverterFingerprint.HEADER);
    if (header == null) {
      return;
    }
    List<FingerprintComparison.Finding> findings =
        FingerprintComparison.compare(
            ConverterFingerprint.fromHeaderValue(header),
            ctx.handlerFingerprint(
                outboundCalls.getWorkflowClient() == null
                    ? null
                    : outboundCalls.getWorkflowClient().getOptions().getDataConverter()));
    if (!findings.isEmpty()) {
      FingerprintComparison.Finding first = findings.get(0);
      StringBuilder detail = new StringBuilder(first.getMessage());
      for (int i = 1; i < findings.size(); i++) {
        detail.append("; also ").append(findings.get(i).getMessage());
      }
      PayloadBindings.clear();
      throw deny(
          Verdict.denied(first.getReason(), claims, detail.toString()),
          AccessDecisionEvent.Action.START_OR_CANCEL);
    }
  }

  @Override
  public StartOperationOutput startOperation(StartOperationInput input) throws OperationException {
    if (rolloutAdmitted) {
      recordAdmittedWithoutToken(AccessDecisionEvent.Action.START);
      PayloadBindings.clear();
      return super.startOperation(input);
    }
    Verdict verdict =
        ctx.verifier.checkStart(
            claims,
            input.getStartDetails().getRequestId(),
            input.getStartDetails().getLinks(),
            ctx.timeSource.getAsLong());
    boolean inputVerified = PayloadBindings.takeVerifiedInput(claims.tokenId());
    java.util.Optional<PayloadBindings.RejectedInput> rejected =
        PayloadBindings.takeRejectedInput(claims.tokenId());
    if (verdict.isAllowed() && rejected.isPresent()) {
      // The codec refused the input (it let it decode to null instead of failing the request
      // retryably): denied whatever the policy says about unbound inputs.
      verdict =
          Verdict.denied(
              PayloadSchemes.reasonForRefusedInput(rejected.get().getReasonName()),
              claims,
              "the handler's payload codec refused the input ("
                  + rejected.get().getReasonName()
                  + "): "
                  + rejected.get().getDetail());
    } else if (verdict.isAllowed() && !inputVerified && !ctx.handlerPolicy.isAllowUnboundInput()) {
      verdict =
          Verdict.denied(
              ReasonCode.INPUT_NOT_BOUND,
              claims,
              "no binding-aware payload codec verified that the input was sent with this token");
    }
    if (!verdict.isAllowed()) {
      PayloadBindings.clear();
      throw deny(verdict, AccessDecisionEvent.Action.START);
    }
    record(AccessDecisionEvent.Action.START, ReasonCode.ALLOWED, claims, "");
    // Handler code runs without a binding: what it encodes (e.g. a handler workflow's start
    // arguments) is not a payload of this Nexus call.
    PayloadBindings.clear();
    StartOperationOutput output;
    ctx.startsInFlight.incrementAndGet();
    try {
      try {
        output = super.startOperation(input);
      } catch (OperationException | RuntimeException | Error e) {
        PayloadBindings.set(binding.withDirection(PayloadBinding.Direction.FAILURE));
        throw e;
      }
      if (!output.getResult().isSync()) {
        // Recorded before the in-flight count drops: a handler workflow that completes before
        // its start returned waits for this record (SecurityWorkerInterceptor).
        rememberWorkflowResultBinding(output.getResult().getAsyncOperationToken());
      }
    } finally {
      ctx.startsInFlight.decrementAndGet();
    }
    OperationStartResult<Object> result = output.getResult();
    if (result.isSync()) {
      // Encoded on this thread after this method returns.
      PayloadBindings.set(binding.withDirection(PayloadBinding.Direction.RESULT));
      return output;
    }
    String inner = result.getAsyncOperationToken();
    if (ctx.operationTokens == null) {
      return output;
    }
    return new StartOperationOutput(
        OperationStartResult.newAsyncBuilder(
                ctx.operationTokens.bind(inner, claims.callerNamespace(), claims.tokenId()))
            .build());
  }

  private void rememberWorkflowResultBinding(String operationToken) {
    String workflowId = workflowIdOf(operationToken);
    if (workflowId != null && !workflowId.isEmpty()) {
      ctx.rememberResultBinding(workflowId, binding.withDirection(PayloadBinding.Direction.RESULT));
    }
  }

  /**
   * The workflow id in the SDK's workflow-run operation token (unpadded base64url JSON with a
   * {@code wid} field), or null for any other token.
   */
  static String workflowIdOf(String operationToken) {
    try {
      byte[] json = java.util.Base64.getUrlDecoder().decode(operationToken);
      java.util.Optional<dev.nexussecurity.core.internal.json.JsonValue> wid =
          dev.nexussecurity.core.internal.json.StrictJson.parse(json, 8192, "operation token")
              .optionalField("wid");
      return wid.isPresent() ? wid.get().asText() : null;
    } catch (IllegalArgumentException
        | dev.nexussecurity.core.internal.json.StrictJsonException e) {
      return null;
    }
  }

  @Override
  public CancelOperationOutput cancelOperation(CancelOperationInput input) {
    PayloadBindings.clear();
    if (rolloutAdmitted) {
      return cancelWithoutToken(input, input.getCancelDetails().getOperationToken());
    }
    CancelCheck check =
        checkCancel(ctx.operationTokens, claims, input.getCancelDetails().getOperationToken());
    if (!check.verdict().isAllowed()) {
      throw deny(check.verdict(), AccessDecisionEvent.Action.CANCEL);
    }
    record(AccessDecisionEvent.Action.CANCEL, ReasonCode.ALLOWED, claims, "");
    return super.cancelOperation(
        new CancelOperationInput(
            input.getOperationContext(),
            OperationCancelDetails.newBuilder(input.getCancelDetails())
                .setOperationToken(check.innerToken())
                .build()));
  }

  /** The outcome of the cancel stage: a verdict and, when allowed, the SDK's operation token. */
  record CancelCheck(Verdict verdict, String innerToken) {}

  /**
   * The cancel stage: the operation token must be bound, by this handler namespace, to the
   * namespace and call ({@code jti}) of the token that passed the pre-decode stages.
   */
  static CancelCheck checkCancel(
      OperationTokenBinder binder, TokenClaims claims, String operationToken) {
    if (binder == null) {
      return new CancelCheck(
          Verdict.denied(
              ReasonCode.OPERATION_BINDING_MISMATCH,
              claims,
              "this handler has no namespace keys, so it cannot check who started the operation;"
                  + " set NexusSecurityOptions.Builder.setNamespaceKeys"),
          null);
    }
    OperationTokenBinder.Bound bound;
    try {
      bound = binder.open(operationToken);
    } catch (GeneralSecurityException e) {
      return new CancelCheck(
          Verdict.denied(ReasonCode.OPERATION_BINDING_MISMATCH, claims, e.getMessage()), null);
    }
    if (!bound.callerNamespace().equals(claims.callerNamespace())
        || !bound.tokenId().equals(claims.tokenId())) {
      return new CancelCheck(
          Verdict.denied(
              ReasonCode.OPERATION_BINDING_MISMATCH,
              claims,
              "the operation was started by another caller"
                  + (bound.callerNamespace().equals(claims.callerNamespace())
                      ? " call of namespace '" + claims.callerNamespace() + "'"
                      : " namespace")
                  + ", not by the call this token was issued for"),
          null);
    }
    return new CancelCheck(Verdict.allowed(claims), bound.inner());
  }

  /**
   * A cancel without a token under the rollout switch: admitted only for an operation that was
   * itself started without a token (its operation token is not bound to a caller); an operation
   * started by a verified call can be cancelled only by that call.
   */
  private CancelOperationOutput cancelWithoutToken(CancelOperationInput input, String token) {
    if (startedByAVerifiedCall(ctx.operationTokens, token)) {
      throw deny(
          Verdict.denied(
              ReasonCode.MISSING_TOKEN,
              null,
              "the operation was started by a call with a verified token; only that call can"
                  + " cancel it"),
          AccessDecisionEvent.Action.CANCEL);
    }
    recordAdmittedWithoutToken(AccessDecisionEvent.Action.CANCEL);
    return super.cancelOperation(input);
  }

  /**
   * Whether {@code operationToken} was bound by this handler namespace to a verified call (so a
   * cancel without a token must be denied even under the rollout switch).
   */
  static boolean startedByAVerifiedCall(OperationTokenBinder binder, String operationToken) {
    if (binder == null) {
      return false;
    }
    try {
      binder.open(operationToken);
      return true;
    } catch (GeneralSecurityException e) {
      return false;
    }
  }

  private void recordAdmittedWithoutToken(AccessDecisionEvent.Action action) {
    ctx.recorder.recordAdmittedWithoutToken(
        AccessDecisionEvent.newBuilder()
            .setTime(Instant.ofEpochMilli(ctx.timeSource.getAsLong()))
            .setSide(AccessDecisionEvent.Side.HANDLER)
            .setAction(action)
            .setReason(ReasonCode.MISSING_TOKEN)
            .setEndpoint(endpointOf(null))
            .setService(operationContext.getService())
            .setOperation(operationContext.getOperation())
            .setDetail(
                "ADMITTED WITHOUT TOKEN by the rollout switch"
                    + " HandlerPolicy.rolloutAdmitCallsWithoutToken; denied once it is off")
            .build(),
        outbound.getMetricsScope());
  }

  private RuntimeException deny(Verdict verdict, AccessDecisionEvent.Action action) {
    TokenClaims c = verdict.claims();
    String message =
        Denials.message(
            AccessDecisionEvent.Side.HANDLER,
            action,
            verdict.reason(),
            endpointOf(c),
            operationContext.getService(),
            operationContext.getOperation(),
            verdict.detail());
    record(action, verdict.reason(), c, verdict.detail());
    return Denials.handlerException(verdict.reason(), message);
  }

  private void record(
      AccessDecisionEvent.Action action, ReasonCode reason, TokenClaims c, String detail) {
    ctx.recorder.record(
        AccessDecisionEvent.newBuilder()
            .setTime(Instant.ofEpochMilli(ctx.timeSource.getAsLong()))
            .setSide(AccessDecisionEvent.Side.HANDLER)
            .setAction(action)
            .setReason(reason)
            .setCallerNamespace(c == null ? null : c.callerNamespace())
            .setEndpoint(endpointOf(c))
            .setService(operationContext.getService())
            .setOperation(operationContext.getOperation())
            .setTokenId(c == null ? null : c.tokenId())
            .setDetail(detail)
            .build(),
        outbound.getMetricsScope());
  }

  /**
   * The endpoint the server reported for this request; the token's endpoint only when the server
   * reported none. A denied token's claims are unverified, so they must not name the endpoint in
   * the audit trail (for verified tokens both agree: the scope check compares them).
   */
  private String endpointOf(TokenClaims c) {
    String reported = emptyToNull(outbound.getInfo().getEndpoint());
    return reported != null || c == null ? reported : c.endpoint();
  }

  private static String emptyToNull(String s) {
    return s == null || s.isEmpty() ? null : s;
  }
}
