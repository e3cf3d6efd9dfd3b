package dev.nexussecurity.core.internal.interceptor;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import com.uber.m3.tally.NoopScope;
import dev.nexussecurity.api.AccessDecisionEvent;
import dev.nexussecurity.api.NexusEndpoint;
import dev.nexussecurity.api.PayloadBinding;
import dev.nexussecurity.api.PayloadBindings;
import dev.nexussecurity.api.ReasonCode;
import dev.nexussecurity.core.ConverterFingerprint;
import dev.nexussecurity.core.HandlerPolicy;
import dev.nexussecurity.core.IdentityMode;
import dev.nexussecurity.core.MapRegistry;
import dev.nexussecurity.core.NexusSecurityOptions;
import dev.nexussecurity.core.TestCodecs;
import dev.nexussecurity.core.internal.identity.IdentityTokens;
import dev.nexussecurity.core.internal.identity.OperationTokenBinder;
import dev.nexussecurity.core.internal.identity.TokenClaims;
import dev.nexussecurity.core.internal.identity.TokenIssuer;
import dev.nexussecurity.core.keys.NamespaceKeyDirectory;
import dev.nexussecurity.core.keys.NamespaceKeys;
import dev.nexussecurity.core.keys.PairwiseKeys;
import io.nexusrpc.Link;
import io.nexusrpc.handler.HandlerException;
import io.nexusrpc.handler.OperationCancelDetails;
import io.nexusrpc.handler.OperationContext;
import io.nexusrpc.handler.OperationHandler;
import io.nexusrpc.handler.OperationStartDetails;
import io.nexusrpc.handler.OperationStartResult;
import io.temporal.common.converter.CodecDataConverter;
import io.temporal.common.converter.DefaultDataConverter;
import io.temporal.common.interceptors.NexusOperationInboundCallsInterceptor;
import io.temporal.common.interceptors.NexusOperationOutboundCallsInterceptor;
import io.temporal.common.interceptors.WorkerInterceptor;
import io.temporal.internal.nexus.CurrentNexusOperationContext;
import io.temporal.internal.nexus.InternalNexusOperationContext;
import io.temporal.internal.nexus.TemporalInterceptorMiddleware;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * The handler side of {@link SecurityWorkerInterceptor} driven through the Temporal SDK's own Nexus
 * middleware ({@code TemporalInterceptorMiddleware}, which calls {@code init} as a worker does),
 * without a server: each stage's allow and deny, the handler's invocation count, the payload
 * bindings the codec sees, operation-token binding and the audit events. End to end across workers
 * these paths are covered by the integration tests; here they run in milliseconds (and under PIT).
 */
class SecurityWorkerInterceptorTest {
  static final long NOW = 1_700_000_000_000L;
  static final String HANDLER_NS = "payments";
  static final String TQ = "payments-tq";
  static final NamespaceKeys ORDERS = NamespaceKeys.generate("orders", true);
  static final NamespaceKeys PAYMENTS = NamespaceKeys.generate(HANDLER_NS, true);
  static final NamespaceKeyDirectory DIRECTORY =
      NamespaceKeyDirectory.newBuilder()
          .put(ORDERS.toPublicKeys())
          .put(PAYMENTS.toPublicKeys())
          .build();
  static final NexusEndpoint ENDPOINT =
      NexusEndpoint.newBuilder()
          .setName("pay")
          .setTargetNamespace(HANDLER_NS)
          .setTargetTaskQueue(TQ)
          .addAllowedCallerNamespace("orders")
          .build();
  static final String SDK_TOKEN =
      Base64.getUrlEncoder()
          .withoutPadding()
          .encodeToString(
              "{\"t\":1,\"ns\":\"payments\",\"wid\":\"hwf-1\"}".getBytes(StandardCharsets.UTF_8));

  final List<AccessDecisionEvent> events = new ArrayList<>();
  final dev.nexussecurity.api.SecurityAuditListener listener =
      new dev.nexussecurity.api.SecurityAuditListener() {
        @Override
        public void onAccessDecision(AccessDecisionEvent event) {
          events.add(event);
        }
      };

  @AfterEach
  void cleanUp() {
    if (CurrentNexusOperationContext.isNexusContext()) {
      CurrentNexusOperationContext.unset();
    }
    PayloadBindings.clear();
  }

  SecurityContext context(HandlerPolicy policy) {
    return context(policy, NexusSecurityOptions.newBuilder());
  }

  SecurityContext context(HandlerPolicy policy, NexusSecurityOptions.Builder options) {
    return new SecurityContext(
        options
            .setNamespace(HANDLER_NS)
            .setRegistry(new MapRegistry().put(ENDPOINT))
            .setNamespaceKeys(PAYMENTS)
            .setKeyDirectory(DIRECTORY)
            .setHandlerPolicy(policy)
            .setTimeSource(() -> NOW)
            .addAuditListener(listener)
            .build());
  }

  static TokenClaims claims(String tokenId) {
    return new TokenClaims(
        IdentityMode.PAIRWISE,
        "orders",
        HANDLER_NS,
        TQ,
        "pay",
        "Payments",
        "charge",
        "order-wf",
        "run-1",
        NOW,
        NOW + 3_600_000L,
        tokenId,
        0,
        0);
  }

  static String token(String tokenId) throws Exception {
    return TokenIssuer.create(ORDERS, PairwiseKeys.create(ORDERS, DIRECTORY), IdentityMode.PAIRWISE)
        .issue(claims(tokenId));
  }

  static OperationContext request(String token) {
    OperationContext.Builder b =
        OperationContext.newBuilder().setService("Payments").setOperation("charge");
    if (token != null) {
      b.putHeader(SecurityContext.IDENTITY_HEADER, token);
    }
    return b.build();
  }

  static OperationStartDetails start(String requestId) {
    return OperationStartDetails.newBuilder()
        .setRequestId(requestId)
        .addLink(
            Link.newBuilder()
                .setUri(
                    URI.create(
                        "temporal:///namespaces/orders/workflows/order-wf/run-1/history?eventID=5"))
                .setType("temporal.api.common.v1.Link.WorkflowEvent")
                .build())
        .build();
  }

  /** The user's operation: counts what reaches it and answers as told. */
  static final class Operation implements OperationHandler<Object, Object> {
    int starts;
    int cancels;
    String cancelledToken;
    PayloadBinding bindingSeenByHandler;
    String namespaceSeenByHandler;
    OperationStartResult<Object> answer = OperationStartResult.sync("done");
    RuntimeException failure;

    @Override
    public OperationStartResult<Object> start(
        OperationContext context, OperationStartDetails details, Object param) {
      starts++;
      bindingSeenByHandler = PayloadBindings.current().orElse(null);
      // the SDK's own context reaches handler code (the chain's init was passed on)
      namespaceSeenByHandler =
          io.temporal.nexus.Nexus.getOperationContext().getInfo().getNamespace();
      if (failure != null) {
        throw failure;
      }
      return answer;
    }

    @Override
    public void cancel(OperationContext context, OperationCancelDetails details) {
      cancels++;
      cancelledToken = details.getOperationToken();
    }
  }

  /** One request through the SDK's middleware: runs {@code init} (the pre-decode stages). */
  static OperationHandler<Object, Object> intercept(
      SecurityContext ctx, OperationContext request, Operation operation, String reportedEndpoint) {
    if (CurrentNexusOperationContext.isNexusContext()) {
      CurrentNexusOperationContext.unset();
    }
    CurrentNexusOperationContext.set(
        new InternalNexusOperationContext(HANDLER_NS, TQ, reportedEndpoint, new NoopScope(), null));
    return new TemporalInterceptorMiddleware(
            new WorkerInterceptor[] {new SecurityWorkerInterceptor(ctx)})
        .intercept(request, operation);
  }

  static OperationHandler<Object, Object> intercept(
      SecurityContext ctx, OperationContext request, Operation operation) {
    return intercept(ctx, request, operation, "pay");
  }

  /** What a binding-aware codec does while it decodes the input. */
  static void codecVerifiesTheInput() {
    PayloadBinding b = PayloadBindings.current().orElseThrow();
    assertThat(b.getDirection()).isEqualTo(PayloadBinding.Direction.INPUT);
    PayloadBindings.recordVerifiedInput(b.getBindingId());
  }

  static HandlerException denial(Throwable t, ReasonCode reason) {
    assertThat(t).isInstanceOf(HandlerException.class);
    HandlerException e = (HandlerException) t;
    assertThat(e.getMessage()).contains("[" + reason.name() + "]").contains("Fix: ");
    assertThat(e.getRetryBehavior())
        .isEqualTo(
            reason.isRetryable()
                ? HandlerException.RetryBehavior.RETRYABLE
                : HandlerException.RetryBehavior.NON_RETRYABLE);
    return e;
  }

  // ------------------------------------------------------------------ start

  @Test
  void
      start_withValidTokenAndVerifiedInput_runsTheOperationOnce_withoutABinding_thenBindsTheResult()
          throws Exception {
    String jti = IdentityTokens.newTokenId();
    Operation op = new Operation();
    OperationHandler<Object, Object> h =
        intercept(context(HandlerPolicy.defaults()), request(token(jti)), op);
    PayloadBinding input = PayloadBindings.current().orElseThrow();
    assertThat(input.getBindingId()).isEqualTo(jti);
    assertThat(input.getCallerNamespace()).isEqualTo("orders");
    assertThat(input.getHandlerNamespace()).isEqualTo(HANDLER_NS);
    assertThat(input.getEndpoint()).isEqualTo("pay");
    assertThat(input.getCallerWorkflowId()).contains("order-wf");
    codecVerifiesTheInput();

    OperationStartResult<Object> result = h.start(request(token(jti)), start("req-1"), "input");

    assertThat(op.starts).isEqualTo(1);
    assertThat(op.bindingSeenByHandler).isNull();
    assertThat(op.namespaceSeenByHandler).isEqualTo(HANDLER_NS);
    assertThat(result.getSyncResult()).isEqualTo("done");
    PayloadBinding output = PayloadBindings.current().orElseThrow();
    assertThat(output.getDirection()).isEqualTo(PayloadBinding.Direction.RESULT);
    assertThat(output.getBindingId()).isEqualTo(jti);
    assertThat(events).hasSize(1);
    AccessDecisionEvent e = events.get(0);
    assertThat(e.getReason()).isEqualTo(ReasonCode.ALLOWED);
    assertThat(e.getAction()).isEqualTo(AccessDecisionEvent.Action.START);
    assertThat(e.getSide()).isEqualTo(AccessDecisionEvent.Side.HANDLER);
    assertThat(e.getCallerNamespace()).isEqualTo("orders");
    assertThat(e.getTokenId()).isEqualTo(jti);
    assertThat(e.getEndpoint()).isEqualTo("pay");
  }

  @Test
  void start_withoutToken_isDeniedBeforeDecoding_missingToken_andNothingIsBound() {
    Operation op = new Operation();
    PayloadBindings.set(
        PayloadBinding.newBuilder()
            .setDirection(PayloadBinding.Direction.INPUT)
            .setBindingId("left-over")
            .setCallerNamespace("x")
            .setHandlerNamespace("y")
            .setEndpoint("e")
            .setService("s")
            .setOperation("o")
            .setCallerWorkflowId("w")
            .build());
    Throwable t =
        catchThrowableOfType(
            () -> intercept(context(HandlerPolicy.defaults()), request(null), op), Throwable.class);
    HandlerException e = denial(t, ReasonCode.MISSING_TOKEN);
    assertThat(e.getErrorType()).isEqualTo(HandlerException.ErrorType.UNAUTHENTICATED);
    assertThat(e.getMessage())
        .startsWith(
            "nexus-security DENIED [MISSING_TOKEN] start or cancel of Payments/charge on endpoint"
                + " 'pay' (handler side): the request has no identity header");
    assertThat(op.starts).isZero();
    assertThat(PayloadBindings.current()).isEmpty();
    assertThat(events)
        .singleElement()
        .satisfies(
            ev -> {
              assertThat(ev.getReason()).isEqualTo(ReasonCode.MISSING_TOKEN);
              assertThat(ev.getAction()).isEqualTo(AccessDecisionEvent.Action.START_OR_CANCEL);
              assertThat(ev.getCallerNamespace()).isNull();
              assertThat(ev.getTokenId()).isNull();
              assertThat(ev.getEndpoint()).isEqualTo("pay");
            });
  }

  @Test
  void start_ofACallerNotOnTheAllowlist_isDenied_unauthorized_withTheTokensIdInTheAudit()
      throws Exception {
    SecurityContext ctx =
        new SecurityContext(
            NexusSecurityOptions.newBuilder()
                .setNamespace(HANDLER_NS)
                .setRegistry(
                    new MapRegistry()
                        .put(ENDPOINT.toBuilder().setAllowedCallerNamespaces(List.of()).build()))
                .setNamespaceKeys(PAYMENTS)
                .setKeyDirectory(DIRECTORY)
                .setTimeSource(() -> NOW)
                .addAuditListener(listener)
                .build());
    String jti = IdentityTokens.newTokenId();
    Throwable t =
        catchThrowableOfType(
            () -> intercept(ctx, request(token(jti)), new Operation()), Throwable.class);
    assertThat(denial(t, ReasonCode.CALLER_NOT_ALLOWED).getErrorType())
        .isEqualTo(HandlerException.ErrorType.UNAUTHORIZED);
    assertThat(events.get(0).getCallerNamespace()).isEqualTo("orders");
    assertThat(events.get(0).getTokenId()).isEqualTo(jti);
  }

  @Test
  void start_whenTheServerReportsNoEndpoint_auditsTheTokensEndpoint_butNoneForAMissingToken()
      throws Exception {
    String jti = IdentityTokens.newTokenId();
    OperationHandler<Object, Object> h =
        intercept(context(HandlerPolicy.defaults()), request(token(jti)), new Operation(), "");
    codecVerifiesTheInput();
    h.start(request(token(jti)), start("req-1"), "input");
    assertThat(events.get(0).getEndpoint()).isEqualTo("pay");

    events.clear();
    catchThrowableOfType(
        () -> intercept(context(HandlerPolicy.defaults()), request(null), new Operation(), ""),
        HandlerException.class);
    assertThat(events.get(0).getEndpoint()).isNull();
    catchThrowableOfType(
        () -> intercept(context(HandlerPolicy.defaults()), request(null), new Operation(), null),
        HandlerException.class);
    assertThat(events.get(1).getEndpoint()).isNull();
  }

  @Test
  void start_withAnInputNoCodecVerified_isDenied_inputNotBound_andTheOperationNeverRuns()
      throws Exception {
    String jti = IdentityTokens.newTokenId();
    Operation op = new Operation();
    OperationHandler<Object, Object> h =
        intercept(context(HandlerPolicy.defaults()), request(token(jti)), op);
    Throwable t =
        catchThrowableOfType(
            () -> h.start(request(token(jti)), start("req-1"), "input"), Throwable.class);
    HandlerException e = denial(t, ReasonCode.INPUT_NOT_BOUND);
    assertThat(e.getMessage())
        .contains(
            "no binding-aware payload codec verified that the input was sent with this token");
    assertThat(op.starts).isZero();
    assertThat(PayloadBindings.current()).isEmpty();
    assertThat(events)
        .extracting(AccessDecisionEvent::getReason)
        .containsExactly(ReasonCode.INPUT_NOT_BOUND);
    assertThat(events.get(0).getAction()).isEqualTo(AccessDecisionEvent.Action.START);
  }

  @Test
  void start_withAnUnverifiedInput_isAllowed_whenTheHandlerAllowsUnboundInput() throws Exception {
    String jti = IdentityTokens.newTokenId();
    Operation op = new Operation();
    OperationHandler<Object, Object> h =
        intercept(
            context(HandlerPolicy.newBuilder().setAllowUnboundInput(true).build()),
            request(token(jti)),
            op);
    h.start(request(token(jti)), start("req-1"), "input");
    assertThat(op.starts).isEqualTo(1);
  }

  @Test
  void start_withAnInputTheCodecRefused_isDenied_withTheCodecsReason_evenWhenUnboundIsAllowed()
      throws Exception {
    String jti = IdentityTokens.newTokenId();
    Operation op = new Operation();
    OperationHandler<Object, Object> h =
        intercept(
            context(HandlerPolicy.newBuilder().setAllowUnboundInput(true).build()),
            request(token(jti)),
            op);
    PayloadBindings.recordRejectedInput(jti, "BINDING_MISMATCH", "made for another call");
    Throwable t =
        catchThrowableOfType(
            () -> h.start(request(token(jti)), start("req-1"), "input"), Throwable.class);
    assertThat(t).isInstanceOf(HandlerException.class);
    assertThat(t.getMessage())
        .contains(
            "the handler's payload codec refused the input (BINDING_MISMATCH): made for"
                + " another call");
    assertThat(op.starts).isZero();
  }

  @Test
  void start_replayedWithAnotherRequestId_isDenied_tokenReplayed() throws Exception {
    String jti = IdentityTokens.newTokenId();
    SecurityContext ctx = context(HandlerPolicy.defaults());
    Operation op = new Operation();
    OperationHandler<Object, Object> h = intercept(ctx, request(token(jti)), op);
    codecVerifiesTheInput();
    h.start(request(token(jti)), start("req-1"), "input");

    OperationHandler<Object, Object> again = intercept(ctx, request(token(jti)), op);
    codecVerifiesTheInput();
    Throwable t =
        catchThrowableOfType(
            () -> again.start(request(token(jti)), start("req-2"), "input"), Throwable.class);
    denial(t, ReasonCode.TOKEN_REPLAYED);
    assertThat(op.starts).isEqualTo(1);
  }

  @Test
  void start_whoseOperationFails_encodesTheFailureUnderTheFailureBinding() throws Exception {
    String jti = IdentityTokens.newTokenId();
    Operation op = new Operation();
    op.failure = new IllegalStateException("boom");
    SecurityContext ctx = context(HandlerPolicy.defaults());
    OperationHandler<Object, Object> h = intercept(ctx, request(token(jti)), op);
    codecVerifiesTheInput();
    assertThatThrownBy(() -> h.start(request(token(jti)), start("req-1"), "input"))
        .hasMessage("boom");
    PayloadBinding b = PayloadBindings.current().orElseThrow();
    assertThat(b.getDirection()).isEqualTo(PayloadBinding.Direction.FAILURE);
    assertThat(b.getBindingId()).isEqualTo(jti);
    assertThat(ctx.startsInFlight.get()).isZero();
  }

  @Test
  void start_ofAnAsyncOperation_returnsATokenBoundToTheCall_andRemembersTheResultBinding()
      throws Exception {
    String jti = IdentityTokens.newTokenId();
    Operation op = new Operation();
    op.answer = OperationStartResult.async(SDK_TOKEN);
    SecurityContext ctx = context(HandlerPolicy.defaults());
    OperationHandler<Object, Object> h = intercept(ctx, request(token(jti)), op);
    codecVerifiesTheInput();

    OperationStartResult<Object> result = h.start(request(token(jti)), start("req-1"), "input");

    String bound = result.getAsyncOperationToken();
    assertThat(bound).startsWith("nso1.");
    assertThat(OperationTokenBinder.create(PAYMENTS).open(bound))
        .isEqualTo(new OperationTokenBinder.Bound(SDK_TOKEN, "orders", jti));
    PayloadBinding remembered = ctx.resultBinding("hwf-1");
    assertThat(remembered.getDirection()).isEqualTo(PayloadBinding.Direction.RESULT);
    assertThat(remembered.getBindingId()).isEqualTo(jti);
    assertThat(ctx.startsInFlight.get()).isZero();
    // handler code ran without a binding, and none is left for the next task on this thread
    assertThat(op.bindingSeenByHandler).isNull();
    assertThat(PayloadBindings.current()).isEmpty();
  }

  @Test
  void workflowIdOf_readsTheSdksWorkflowRunToken_andNothingElse() {
    assertThat(HandlerInboundInterceptor.workflowIdOf(SDK_TOKEN)).isEqualTo("hwf-1");
    assertThat(HandlerInboundInterceptor.workflowIdOf("not base64!")).isNull();
    assertThat(
            HandlerInboundInterceptor.workflowIdOf(
                Base64.getUrlEncoder()
                    .withoutPadding()
                    .encodeToString("{\"t\":1}".getBytes(StandardCharsets.UTF_8))))
        .isNull();
    assertThat(
            HandlerInboundInterceptor.workflowIdOf(
                Base64.getUrlEncoder()
                    .withoutPadding()
                    .encodeToString("[1".getBytes(StandardCharsets.UTF_8))))
        .isNull();
  }

  // ------------------------------------------------------------------ cancel

  String startAsync(SecurityContext ctx, String jti) throws Exception {
    Operation op = new Operation();
    op.answer = OperationStartResult.async(SDK_TOKEN);
    OperationHandler<Object, Object> h = intercept(ctx, request(token(jti)), op);
    codecVerifiesTheInput();
    return h.start(request(token(jti)), start("req-" + jti), "input").getAsyncOperationToken();
  }

  @Test
  void cancel_byTheStartingCall_reachesTheOperationWithTheSdksToken() throws Exception {
    SecurityContext ctx = context(HandlerPolicy.defaults());
    String jti = IdentityTokens.newTokenId();
    String bound = startAsync(ctx, jti);
    events.clear();
    Operation op = new Operation();
    PayloadBindings.clear();

    intercept(ctx, request(token(jti)), op)
        .cancel(
            request(token(jti)),
            OperationCancelDetails.newBuilder().setOperationToken(bound).build());

    assertThat(op.cancels).isEqualTo(1);
    assertThat(op.cancelledToken).isEqualTo(SDK_TOKEN);
    assertThat(PayloadBindings.current()).isEmpty();
    assertThat(events)
        .extracting(AccessDecisionEvent::getReason, AccessDecisionEvent::getAction)
        .containsExactly(
            org.assertj.core.groups.Tuple.tuple(
                ReasonCode.ALLOWED, AccessDecisionEvent.Action.CANCEL));
  }

  @Test
  void cancel_byAnotherCall_isDenied_operationBindingMismatch_andNeverReachesTheOperation()
      throws Exception {
    SecurityContext ctx = context(HandlerPolicy.defaults());
    String bound = startAsync(ctx, IdentityTokens.newTokenId());
    String other = IdentityTokens.newTokenId();
    Operation op = new Operation();
    OperationHandler<Object, Object> h = intercept(ctx, request(token(other)), op);
    Throwable t =
        catchThrowableOfType(
            () ->
                h.cancel(
                    request(token(other)),
                    OperationCancelDetails.newBuilder().setOperationToken(bound).build()),
            Throwable.class);
    denial(t, ReasonCode.OPERATION_BINDING_MISMATCH);
    assertThat(t.getMessage()).contains("cancel of Payments/charge");
    assertThat(op.cancels).isZero();
    assertThat(events.get(events.size() - 1).getAction())
        .isEqualTo(AccessDecisionEvent.Action.CANCEL);
  }

  // ------------------------------------------------------------------ rollout switch

  @Test
  void rollout_startWithoutToken_isAdmitted_counted_andRunsWithoutABinding() throws Exception {
    SecurityContext ctx =
        context(HandlerPolicy.newBuilder().setRolloutAdmitCallsWithoutToken(true).build());
    Operation op = new Operation();
    OperationHandler<Object, Object> h = intercept(ctx, request(null), op);
    assertThat(PayloadBindings.current()).isEmpty();

    assertThat(h.start(request(null), start("req-1"), "input").getSyncResult()).isEqualTo("done");

    assertThat(op.starts).isEqualTo(1);
    assertThat(op.bindingSeenByHandler).isNull();
    assertThat(events)
        .singleElement()
        .satisfies(
            e -> {
              assertThat(e.getReason()).isEqualTo(ReasonCode.MISSING_TOKEN);
              assertThat(e.getAction()).isEqualTo(AccessDecisionEvent.Action.START);
              assertThat(e.getDetail()).startsWith("ADMITTED WITHOUT TOKEN by the rollout switch");
            });
  }

  @Test
  void rollout_aPresentButInvalidToken_isStillDenied() {
    SecurityContext ctx =
        context(HandlerPolicy.newBuilder().setRolloutAdmitCallsWithoutToken(true).build());
    Throwable t =
        catchThrowableOfType(
            () -> intercept(ctx, request("v2.garbage.AA"), new Operation()), Throwable.class);
    denial(t, ReasonCode.MALFORMED_TOKEN);
  }

  @Test
  void rollout_cancelWithoutToken_ofAnOperationStartedWithoutOne_isAdmitted_ofAVerifiedOne_denied()
      throws Exception {
    SecurityContext ctx =
        context(HandlerPolicy.newBuilder().setRolloutAdmitCallsWithoutToken(true).build());
    String bound = startAsync(ctx, IdentityTokens.newTokenId());
    events.clear();

    Operation op = new Operation();
    intercept(ctx, request(null), op)
        .cancel(
            request(null),
            OperationCancelDetails.newBuilder().setOperationToken(SDK_TOKEN).build());
    assertThat(op.cancels).isEqualTo(1);
    assertThat(op.cancelledToken).isEqualTo(SDK_TOKEN);
    assertThat(events)
        .singleElement()
        .satisfies(
            e -> {
              assertThat(e.getAction()).isEqualTo(AccessDecisionEvent.Action.CANCEL);
              assertThat(e.getDetail()).startsWith("ADMITTED WITHOUT TOKEN");
            });

    Operation victim = new Operation();
    OperationHandler<Object, Object> h = intercept(ctx, request(null), victim);
    Throwable t =
        catchThrowableOfType(
            () ->
                h.cancel(
                    request(null),
                    OperationCancelDetails.newBuilder().setOperationToken(bound).build()),
            Throwable.class);
    assertThat(denial(t, ReasonCode.MISSING_TOKEN).getMessage())
        .contains("only that call can cancel it");
    assertThat(victim.cancels).isZero();
  }

  // ------------------------------------------------------------------ installation and converters

  @Test
  void init_calledByAnotherInterceptorInsteadOfTheSdk_isDenied_securityNotOutermost() {
    SecurityContext ctx = context(HandlerPolicy.defaults());
    OperationContext req = request(null);
    NexusOperationInboundCallsInterceptor ours =
        new SecurityWorkerInterceptor(ctx)
            .interceptNexusOperation(
                req,
                new io.temporal.common.interceptors.NexusOperationInboundCallsInterceptorBase(
                    null));
    NexusOperationOutboundCallsInterceptor outbound =
        new NexusOperationOutboundCallsInterceptor() {
          @Override
          public io.temporal.nexus.NexusOperationInfo getInfo() {
            return new io.temporal.nexus.NexusOperationInfo() {
              @Override
              public String getNamespace() {
                return HANDLER_NS;
              }

              @Override
              public String getTaskQueue() {
                return TQ;
              }

              @Override
              public String getEndpoint() {
                return "pay";
              }
            };
          }

          @Override
          public com.uber.m3.tally.Scope getMetricsScope() {
            return new NoopScope();
          }

          @Override
          public io.temporal.client.WorkflowClient getWorkflowClient() {
            return null;
          }
        };
    Throwable t = catchThrowableOfType(() -> ours.init(outbound), Throwable.class);
    assertThat(denial(t, ReasonCode.SECURITY_NOT_OUTERMOST).getMessage())
        .contains("another Nexus interceptor runs before nexus-security's");
  }

  @Test
  void start_withACallerConverterTheHandlerCannotRead_isDeniedBeforeDecoding_namingTheMismatch()
      throws Exception {
    SecurityContext ctx =
        context(
            HandlerPolicy.defaults(),
            NexusSecurityOptions.newBuilder()
                .setCheckConverterCompatibility(true)
                .setDataConverter(DefaultDataConverter.newDefaultInstance()));
    String callerHeader =
        ConverterFingerprint.of(
                new CodecDataConverter(
                    DefaultDataConverter.newDefaultInstance(), List.of(TestCodecs.keyed("key-a"))))
            .toHeaderValue();
    String jti = IdentityTokens.newTokenId();
    OperationContext req =
        OperationContext.newBuilder()
            .setService("Payments")
            .setOperation("charge")
            .putHeader(SecurityContext.IDENTITY_HEADER, token(jti))
            .putHeader(ConverterFingerprint.HEADER, callerHeader)
            .build();
    Operation op = new Operation();
    Throwable t = catchThrowableOfType(() -> intercept(ctx, req, op), Throwable.class);
    assertThat(t).isInstanceOf(HandlerException.class);
    assertThat(((HandlerException) t).getRetryBehavior())
        .isEqualTo(HandlerException.RetryBehavior.NON_RETRYABLE);
    assertThat(op.starts).isZero();
    assertThat(PayloadBindings.current()).isEmpty();
    assertThat(events.get(0).getTokenId()).isEqualTo(jti);

    // the same converter on both sides passes
    events.clear();
    OperationContext same =
        OperationContext.newBuilder()
            .setService("Payments")
            .setOperation("charge")
            .putHeader(SecurityContext.IDENTITY_HEADER, token(jti))
            .putHeader(
                ConverterFingerprint.HEADER,
                ConverterFingerprint.of(DefaultDataConverter.newDefaultInstance()).toHeaderValue())
            .build();
    intercept(ctx, same, op);
    assertThat(events).isEmpty();
  }

  static PayloadBinding leftOver() {
    return PayloadBinding.newBuilder()
        .setDirection(PayloadBinding.Direction.RESULT)
        .setBindingId("previous-task")
        .setCallerNamespace("x")
        .setHandlerNamespace("y")
        .setEndpoint("e")
        .setService("s")
        .setOperation("o")
        .setCallerWorkflowId("w")
        .build();
  }

  @Test
  void rollout_startWithoutToken_clearsWhatAPreviousTaskLeftOnTheThread_andPassesTheSdkContextOn()
      throws Exception {
    SecurityContext ctx =
        context(HandlerPolicy.newBuilder().setRolloutAdmitCallsWithoutToken(true).build());
    Operation op = new Operation();
    PayloadBindings.set(leftOver());
    OperationHandler<Object, Object> h = intercept(ctx, request(null), op);
    assertThat(PayloadBindings.current()).isEmpty();
    PayloadBindings.set(leftOver());

    h.start(request(null), start("req-1"), "input");

    assertThat(op.bindingSeenByHandler).isNull();
    assertThat(op.namespaceSeenByHandler).isEqualTo(HANDLER_NS);
  }

  @Test
  void rollout_startWithoutToken_stillHasItsConvertersChecked() {
    SecurityContext ctx =
        context(
            HandlerPolicy.newBuilder().setRolloutAdmitCallsWithoutToken(true).build(),
            NexusSecurityOptions.newBuilder()
                .setCheckConverterCompatibility(true)
                .setDataConverter(DefaultDataConverter.newDefaultInstance()));
    OperationContext req =
        OperationContext.newBuilder()
            .setService("Payments")
            .setOperation("charge")
            .putHeader(
                ConverterFingerprint.HEADER,
                ConverterFingerprint.of(
                        new CodecDataConverter(
                            DefaultDataConverter.newDefaultInstance(),
                            List.of(TestCodecs.keyed("key-a"))))
                    .toHeaderValue())
            .build();
    Operation op = new Operation();
    Throwable t = catchThrowableOfType(() -> intercept(ctx, req, op), Throwable.class);
    assertThat(t).isInstanceOf(HandlerException.class);
    assertThat(t.getMessage()).doesNotContain("[MISSING_TOKEN]");
    assertThat(op.starts).isZero();
  }

  @Test
  void start_ofAnAsyncOperation_atAHandlerWithoutNamespaceKeys_returnsTheSdksTokenUnbound()
      throws Exception {
    // signature tokens need only the key directory; without namespace keys nothing is bound
    SecurityContext ctx =
        new SecurityContext(
            NexusSecurityOptions.newBuilder()
                .setNamespace(HANDLER_NS)
                .setRegistry(new MapRegistry().put(ENDPOINT))
                .setKeyDirectory(DIRECTORY)
                .setHandlerPolicy(HandlerPolicy.defaults())
                .setTimeSource(() -> NOW)
                .addAuditListener(listener)
                .build());
    String jti = IdentityTokens.newTokenId();
    String token =
        TokenIssuer.create(ORDERS, PairwiseKeys.create(ORDERS, DIRECTORY), IdentityMode.SIGNATURE)
            .issue(
                new TokenClaims(
                    IdentityMode.SIGNATURE,
                    "orders",
                    HANDLER_NS,
                    TQ,
                    "pay",
                    "Payments",
                    "charge",
                    "order-wf",
                    "run-1",
                    NOW,
                    NOW + 3_600_000L,
                    jti,
                    0,
                    0));
    Operation op = new Operation();
    op.answer = OperationStartResult.async(SDK_TOKEN);
    OperationHandler<Object, Object> h = intercept(ctx, request(token), op);
    codecVerifiesTheInput();

    assertThat(h.start(request(token), start("req-1"), "input").getAsyncOperationToken())
        .isEqualTo(SDK_TOKEN);
    assertThat(op.starts).isEqualTo(1);
  }
}
