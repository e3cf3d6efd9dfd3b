package dev.nexussecurity.core;

import static org.assertj.core.api.Assertions.assertThat;

import dev.nexussecurity.api.ReasonCode;
import io.nexusrpc.handler.HandlerException;
import io.temporal.failure.ApplicationFailure;
import io.temporal.failure.NexusOperationFailure;
import org.junit.jupiter.api.Test;

class AccessDenialsTest {

  @Test
  void reasonIsRead_fromTheApplicationFailureType_deepInTheChain() {
    Throwable chain =
        new NexusOperationFailure(
            "failed",
            5,
            "ep",
            "svc",
            "op",
            "",
            ApplicationFailure.newNonRetryableFailure("x", "NexusSecurityDenied.TOKEN_EXPIRED"));
    assertThat(AccessDenials.reasonOf(chain)).contains(ReasonCode.TOKEN_EXPIRED);
  }

  @Test
  void reasonIsRead_fromTheMessageMarker_whenTheTypeIsLost() {
    Throwable chain =
        new RuntimeException(
            new HandlerException(
                HandlerException.ErrorType.UNAUTHORIZED,
                "handler error: nexus-security DENIED [CALLER_NOT_ALLOWED] start of a/b",
                (Throwable) null));
    assertThat(AccessDenials.reasonOf(chain)).contains(ReasonCode.CALLER_NOT_ALLOWED);
  }

  @Test
  void otherFailures_haveNoReason() {
    assertThat(AccessDenials.reasonOf(new RuntimeException("boom"))).isEmpty();
    assertThat(
            AccessDenials.reasonOf(ApplicationFailure.newFailure("x", "NexusSecurityDenied.NOPE")))
        .isEmpty();
    assertThat(AccessDenials.reasonOf(new RuntimeException("nexus-security DENIED [ALLOWED]")))
        .isEmpty();
    assertThat(AccessDenials.reasonOf(null)).isEmpty();
  }
}
