package dev.nexussecurity.core.internal.interceptor;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.nexussecurity.api.AccessDecisionEvent.Action;
import dev.nexussecurity.api.AccessDecisionEvent.Side;
import dev.nexussecurity.api.ReasonCode;
import io.nexusrpc.handler.HandlerException;
import io.temporal.failure.ApplicationFailure;
import org.junit.jupiter.api.Test;

class DenialsTest {
  @Test
  void message_namesReasonActionOperationEndpointSideDetailAndFix() {
    assertThat(
            Denials.message(
                Side.HANDLER,
                Action.START_OR_CANCEL,
                ReasonCode.CALLER_NOT_ALLOWED,
                "pay",
                "Payments",
                "charge",
                "caller namespace 'x' is not on the allowlist"))
        .isEqualTo(
            "nexus-security DENIED [CALLER_NOT_ALLOWED] start or cancel of Payments/charge on"
                + " endpoint 'pay' (handler side): caller namespace 'x' is not on the allowlist."
                + " Fix: "
                + ReasonCode.CALLER_NOT_ALLOWED.getHint());
  }

  @Test
  void message_withoutServiceOperationEndpointOrDetail_leavesThemOutOrMarksThemUnknown() {
    String fix = ". Fix: " + ReasonCode.MISSING_TOKEN.getHint();
    assertThat(
            Denials.message(
                Side.CALLER, Action.CANCEL, ReasonCode.MISSING_TOKEN, null, null, null, null))
        .isEqualTo("nexus-security DENIED [MISSING_TOKEN] cancel of ?/? (caller side)" + fix);
    assertThat(
            Denials.message(
                Side.CALLER, Action.START, ReasonCode.MISSING_TOKEN, null, "S", "o", ""))
        .isEqualTo("nexus-security DENIED [MISSING_TOKEN] start of S/o (caller side)" + fix);
  }

  @Test
  void failure_isNonRetryable_andCarriesTheReasonInItsType() {
    ApplicationFailure f = Denials.failure(ReasonCode.BAD_SIGNATURE, "m");
    assertThat(f.getType()).isEqualTo("NexusSecurityDenied.BAD_SIGNATURE");
    assertThat(f.isNonRetryable()).isTrue();
    assertThat(f.getOriginalMessage()).isEqualTo("m");
  }

  @Test
  void handlerException_mapsEachKindOfReason_andKeepsTemporaryOnesRetryable() {
    assertThat(Denials.handlerException(ReasonCode.BAD_SIGNATURE, "m").getErrorType())
        .isEqualTo(HandlerException.ErrorType.UNAUTHENTICATED);
    assertThat(Denials.handlerException(ReasonCode.CALLER_NOT_ALLOWED, "m").getErrorType())
        .isEqualTo(HandlerException.ErrorType.UNAUTHORIZED);
    assertThat(Denials.handlerException(ReasonCode.TOKEN_TOO_LARGE, "m").getErrorType())
        .isEqualTo(HandlerException.ErrorType.BAD_REQUEST);
    HandlerException unavailable =
        Denials.handlerException(ReasonCode.REPLAY_STORE_UNAVAILABLE, "m");
    assertThat(unavailable.getErrorType()).isEqualTo(HandlerException.ErrorType.RESOURCE_EXHAUSTED);
    assertThat(unavailable.getRetryBehavior()).isEqualTo(HandlerException.RetryBehavior.RETRYABLE);
    HandlerException denied = Denials.handlerException(ReasonCode.TOKEN_EXPIRED, "m");
    assertThat(denied.getRetryBehavior()).isEqualTo(HandlerException.RetryBehavior.NON_RETRYABLE);
    assertThat(denied.getCause()).isInstanceOf(ApplicationFailure.class);
    assertThatThrownBy(() -> Denials.handlerException(ReasonCode.ALLOWED, "m"))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("not a denial: ALLOWED");
  }
}
