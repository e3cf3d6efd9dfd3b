package dev.nexussecurity.core.internal.interceptor;

import dev.nexussecurity.api.AccessDecisionEvent;
import dev.nexussecurity.api.ReasonCode;
import dev.nexussecurity.core.ConverterFingerprint;
import dev.nexussecurity.core.internal.compat.FingerprintComparison;
import dev.nexussecurity.core.internal.identity.IdentityClaims;
import dev.nexussecurity.core.internal.identity.Verdict;
import io.nexusrpc.OperationException;
import io.nexusrpc.handler.OperationContext;
import io.temporal.common.interceptors.NexusOperationInboundCallsInterceptor;
import io.temporal.common.interceptors.NexusOperationInboundCallsInterceptorBase;
import io.temporal.common.interceptors.NexusOperationOutboundCallsInterceptor;
import io.temporal.nexus.NexusOperationInfo;
import java.time.Instant;
import java.util.List;

/**
 * Handler side: one instance per Nexus request. {@link #init} runs inside the SDK's operation
 * middleware, before the start input is decoded and for cancels too; it verifies the caller
 * identity token and the registry and throws a non-retryable handler error on denial, so the input
 * is never decoded and handler code never runs. {@link #startOperation} adds the checks that need
 * the parsed start details (strict expiry, server-built caller link, single use per request id)
 * before handing over to handler code.
 */
final class HandlerInboundInterceptor extends NexusOperationInboundCallsInterceptorBase {
  private final SecurityContext ctx;
  private final OperationContext operationContext;
  private NexusOperationOutboundCallsInterceptor outbound;
  private IdentityClaims claims;

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
    NexusOperationInfo info = outboundCalls.getInfo();
    Verdict verdict =
        ctx.verifier.checkBeforeDecode(
            operationContext.getHeaders().get(SecurityContext.IDENTITY_HEADER),
            operationContext.getService(),
            operationContext.getOperation(),
            info.getEndpoint(),
            info.getNamespace(),
            info.getTaskQueue(),
            ctx.clock.millis());
    if (!verdict.isAllowed()) {
      // Start or cancel: the request kind is not known yet, and the denial applies to both.
      throw deny(verdict, AccessDecisionEvent.Action.START_OR_CANCEL);
    }
    this.claims = verdict.getClaims();
    if (ctx.checkConverters) {
      String header = operationContext.getHeaders().get(ConverterFingerprint.HEADER);
      if (header != null) {
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
          throw deny(
              Verdict.denied(first.getReason(), claims, detail.toString()),
              AccessDecisionEvent.Action.START_OR_CANCEL);
        }
      }
    }
    super.init(outboundCalls);
  }

  @Override
  public StartOperationOutput startOperation(StartOperationInput input) throws OperationException {
    Verdict verdict =
        ctx.verifier.checkStart(
            claims,
            input.getStartDetails().getRequestId(),
            input.getStartDetails().getLinks(),
            ctx.clock.millis());
    if (!verdict.isAllowed()) {
      throw deny(verdict, AccessDecisionEvent.Action.START);
    }
    record(AccessDecisionEvent.Action.START, ReasonCode.ALLOWED, claims, "");
    return super.startOperation(input);
  }

  @Override
  public CancelOperationOutput cancelOperation(CancelOperationInput input) {
    record(AccessDecisionEvent.Action.CANCEL, ReasonCode.ALLOWED, claims, "");
    return super.cancelOperation(input);
  }

  private RuntimeException deny(Verdict verdict, AccessDecisionEvent.Action action) {
    IdentityClaims c = verdict.getClaims();
    String message =
        Denials.message(
            AccessDecisionEvent.Side.HANDLER,
            action,
            verdict.getReason(),
            endpointOf(c),
            operationContext.getService(),
            operationContext.getOperation(),
            verdict.getDetail());
    record(action, verdict.getReason(), c, verdict.getDetail());
    return Denials.handlerException(verdict.getReason(), message);
  }

  private void record(
      AccessDecisionEvent.Action action, ReasonCode reason, IdentityClaims c, String detail) {
    ctx.recorder.record(
        AccessDecisionEvent.newBuilder()
            .setTime(Instant.ofEpochMilli(ctx.clock.millis()))
            .setSide(AccessDecisionEvent.Side.HANDLER)
            .setAction(action)
            .setReason(reason)
            .setCallerNamespace(c == null ? null : c.getCallerNamespace())
            .setEndpoint(endpointOf(c))
            .setService(operationContext.getService())
            .setOperation(operationContext.getOperation())
            .setTokenId(c == null ? null : c.getTokenId())
            .setDetail(detail)
            .build(),
        outbound.getMetricsScope());
  }

  /**
   * The endpoint the server reported for this request; the token's endpoint only when the server
   * reported none. A denied token's claims are unverified, so they must not name the endpoint in
   * the audit trail (for verified tokens both agree: the scope check compares them).
   */
  private String endpointOf(IdentityClaims c) {
    String reported = emptyToNull(outbound.getInfo().getEndpoint());
    return reported != null || c == null ? reported : c.getEndpoint();
  }

  private static String emptyToNull(String s) {
    return s == null || s.isEmpty() ? null : s;
  }
}
