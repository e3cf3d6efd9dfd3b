package dev.nexussecurity.core.internal.interceptor;

import static org.assertj.core.api.Assertions.assertThat;

import dev.nexussecurity.api.ReasonCode;
import dev.nexussecurity.core.IdentityMode;
import dev.nexussecurity.core.internal.identity.OperationTokenBinderPropertiesTest;
import dev.nexussecurity.core.internal.identity.OperationTokenBinderPropertiesTest.Presented;
import dev.nexussecurity.core.internal.identity.TokenClaims;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;

/**
 * The cancel stage on any operation token: admitted only when the token was bound by this handler
 * namespace to the cancelling call's caller namespace and token id, and then unwrapped to exactly
 * the SDK's token; otherwise {@code OPERATION_BINDING_MISMATCH}, never an exception.
 */
class HandlerInboundInterceptorPropertiesTest {

  @Property(tries = 1000)
  void cancel_isAdmittedOnlyForTheCallerNamespaceAndCallTheOperationWasBoundTo(
      @ForAll("presented") Presented p, @ForAll("index") int caller, @ForAll("index") int call) {
    TokenClaims claims =
        new TokenClaims(
            IdentityMode.PAIRWISE,
            OperationTokenBinderPropertiesTest.CALLERS.get(caller),
            "payments",
            "tq",
            "pay",
            "Payments",
            "charge",
            "wf",
            "run",
            1,
            2,
            OperationTokenBinderPropertiesTest.TOKEN_IDS.get(call),
            0,
            0);

    HandlerInboundInterceptor.CancelCheck check =
        HandlerInboundInterceptor.checkCancel(
            OperationTokenBinderPropertiesTest.BINDER, claims, p.token());

    boolean opens =
        HandlerInboundInterceptor.startedByAVerifiedCall(
            OperationTokenBinderPropertiesTest.BINDER, p.token());
    boolean boundToThisCall =
        opens
            && p.origin().callerNamespace().equals(claims.callerNamespace())
            && p.origin().tokenId().equals(claims.tokenId());
    assertThat(check.verdict().isAllowed()).as("%s", p).isEqualTo(boundToThisCall);
    assertThat(check.verdict().claims()).isSameAs(claims);
    if (boundToThisCall) {
      assertThat(check.innerToken()).isEqualTo(p.origin().inner());
    } else {
      assertThat(check.verdict().reason()).isEqualTo(ReasonCode.OPERATION_BINDING_MISMATCH);
      assertThat(check.verdict().detail()).isNotBlank();
      assertThat(check.innerToken()).isNull();
    }
    // without namespace keys, nothing is admitted
    assertThat(HandlerInboundInterceptor.checkCancel(null, claims, p.token()).verdict().reason())
        .isEqualTo(ReasonCode.OPERATION_BINDING_MISMATCH);
    assertThat(HandlerInboundInterceptor.startedByAVerifiedCall(null, p.token())).isFalse();
  }

  @Provide
  Arbitrary<Presented> presented() {
    return OperationTokenBinderPropertiesTest.presentedTokens();
  }

  @Provide
  Arbitrary<Integer> index() {
    return Arbitraries.integers().between(0, 2);
  }
}
