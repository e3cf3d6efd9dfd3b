package dev.nexussecurity.core.internal.interceptor;

import static org.assertj.core.api.Assertions.assertThat;

import dev.nexussecurity.api.ReasonCode;
import dev.nexussecurity.core.IdentityMode;
import dev.nexussecurity.core.internal.identity.IdentityTokens;
import dev.nexussecurity.core.internal.identity.OperationTokenBinder;
import dev.nexussecurity.core.internal.identity.TokenClaims;
import dev.nexussecurity.core.keys.NamespaceKeys;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import org.junit.jupiter.api.Test;

/** The cancel stage: only the call that started an operation can cancel it. */
class HandlerInboundInterceptorTest {
  static final NamespaceKeys PAYMENTS = NamespaceKeys.generate("payments", false);
  static final OperationTokenBinder BINDER = OperationTokenBinder.create(PAYMENTS);
  static final String SDK_TOKEN =
      Base64.getUrlEncoder()
          .withoutPadding()
          .encodeToString(
              "{\"t\":1,\"ns\":\"payments\",\"wid\":\"hwf-1\"}".getBytes(StandardCharsets.UTF_8));

  static TokenClaims claims(String caller, String tokenId) {
    return new TokenClaims(
        IdentityMode.PAIRWISE,
        caller,
        "payments",
        "tq",
        "pay",
        "Payments",
        "charge",
        "wf",
        "run",
        1,
        2,
        tokenId,
        0,
        0);
  }

  @Test
  void cancel_byTheStartingCall_isAllowed_andUnwrapsTheSdkToken() {
    String jti = IdentityTokens.newTokenId();
    String bound = BINDER.bind(SDK_TOKEN, "orders", jti);
    HandlerInboundInterceptor.CancelCheck check =
        HandlerInboundInterceptor.checkCancel(BINDER, claims("orders", jti), bound);
    assertThat(check.verdict().isAllowed()).isTrue();
    assertThat(check.innerToken()).isEqualTo(SDK_TOKEN);
  }

  @Test
  void cancel_byAnotherAllowedNamespaceWithACopiedStartToken_isDenied() {
    String jti = IdentityTokens.newTokenId();
    String bound = BINDER.bind(SDK_TOKEN, "orders", jti);
    // "audit" presents its own valid token (another call) with the victim's operation token
    HandlerInboundInterceptor.CancelCheck check =
        HandlerInboundInterceptor.checkCancel(
            BINDER, claims("audit", IdentityTokens.newTokenId()), bound);
    assertThat(check.verdict().reason()).isEqualTo(ReasonCode.OPERATION_BINDING_MISMATCH);
    assertThat(check.innerToken()).isNull();
  }

  @Test
  void cancel_byAnotherCallOfTheSameNamespace_isDenied() {
    String bound = BINDER.bind(SDK_TOKEN, "orders", IdentityTokens.newTokenId());
    HandlerInboundInterceptor.CancelCheck check =
        HandlerInboundInterceptor.checkCancel(
            BINDER, claims("orders", IdentityTokens.newTokenId()), bound);
    assertThat(check.verdict().reason()).isEqualTo(ReasonCode.OPERATION_BINDING_MISMATCH);
    assertThat(check.verdict().detail()).contains("another caller call of namespace 'orders'");
  }

  @Test
  void cancel_withAnUnboundSdkToken_isDenied() {
    HandlerInboundInterceptor.CancelCheck check =
        HandlerInboundInterceptor.checkCancel(
            BINDER, claims("orders", IdentityTokens.newTokenId()), SDK_TOKEN);
    assertThat(check.verdict().reason()).isEqualTo(ReasonCode.OPERATION_BINDING_MISMATCH);
  }

  @Test
  void cancel_onAHandlerWithoutNamespaceKeys_isDenied_namingTheFix() {
    HandlerInboundInterceptor.CancelCheck check =
        HandlerInboundInterceptor.checkCancel(null, claims("orders", "j"), "anything");
    assertThat(check.verdict().reason()).isEqualTo(ReasonCode.OPERATION_BINDING_MISMATCH);
    assertThat(check.verdict().detail()).contains("setNamespaceKeys");
  }

  @Test
  void workflowIdOf_readsTheSdksWorkflowRunToken_andNothingElse() {
    assertThat(HandlerInboundInterceptor.workflowIdOf(SDK_TOKEN)).isEqualTo("hwf-1");
    assertThat(HandlerInboundInterceptor.workflowIdOf("not base64 !")).isNull();
    assertThat(HandlerInboundInterceptor.workflowIdOf("e30")).isNull();
  }
}
