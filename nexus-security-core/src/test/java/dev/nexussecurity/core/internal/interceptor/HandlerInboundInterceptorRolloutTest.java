package dev.nexussecurity.core.internal.interceptor;

import static dev.nexussecurity.core.internal.interceptor.HandlerInboundInterceptorTest.BINDER;
import static dev.nexussecurity.core.internal.interceptor.HandlerInboundInterceptorTest.SDK_TOKEN;
import static org.assertj.core.api.Assertions.assertThat;

import dev.nexussecurity.core.internal.identity.IdentityTokens;
import org.junit.jupiter.api.Test;

/**
 * The cancel rule of the rollout switch (HandlerPolicy.rolloutAdmitCallsWithoutToken): a cancel
 * without a token may cancel only an operation that was itself started without one. The admitting
 * and denying of starts are walked through end to end in RolloutWalkthroughTest.
 */
class HandlerInboundInterceptorRolloutTest {
  @Test
  void cancelWithoutToken_ofAnOperationStartedByAVerifiedCall_isDenied() {
    String bound = BINDER.bind(SDK_TOKEN, "orders", IdentityTokens.newTokenId());

    assertThat(HandlerInboundInterceptor.startedByAVerifiedCall(BINDER, bound)).isTrue();
  }

  @Test
  void cancelWithoutToken_ofAnOperationStartedWithoutToken_isAdmitted() {
    // started under the rollout switch: the SDK's token was never bound to a caller
    assertThat(HandlerInboundInterceptor.startedByAVerifiedCall(BINDER, SDK_TOKEN)).isFalse();
    assertThat(HandlerInboundInterceptor.startedByAVerifiedCall(null, SDK_TOKEN)).isFalse();
  }
}
