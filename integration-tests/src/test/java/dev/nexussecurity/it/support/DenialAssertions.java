package dev.nexussecurity.it.support;

import static org.assertj.core.api.Assertions.assertThat;

import dev.nexussecurity.api.AccessDecisionEvent;
import dev.nexussecurity.api.ReasonCode;
import dev.nexussecurity.core.AccessDenials;
import io.nexusrpc.handler.HandlerException;
import io.temporal.client.WorkflowFailedException;
import io.temporal.failure.NexusOperationFailure;
import io.temporal.failure.TimeoutFailure;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/** Assertions on the failure a caller workflow ends with when nexus-security denies its call. */
public final class DenialAssertions {
  private DenialAssertions() {}

  /** {@code failure} and its causes, outermost first. */
  public static List<Throwable> chain(Throwable failure) {
    List<Throwable> chain = new ArrayList<>();
    for (Throwable t = failure; t != null && !chain.contains(t); t = t.getCause()) {
      chain.add(t);
    }
    return chain;
  }

  /**
   * Asserts that the caller workflow failed because nexus-security denied its Nexus call for {@code
   * reason} on {@code side}: the reason code is readable with {@link AccessDenials#reasonOf}, the
   * message names the reason and side and says what to fix (the reason's hint), and the operation
   * was not retried until it timed out (no {@link TimeoutFailure} anywhere in the chain: a
   * retryable denial would have ended in one after the schedule-to-close timeout). Handler denials
   * must arrive as a non-retryable Nexus handler error of the reason's kind ({@link
   * #handlerErrorType}).
   */
  public static void assertDenied(
      Throwable failure, ReasonCode reason, AccessDecisionEvent.Side side) {
    assertThat(failure).isInstanceOf(WorkflowFailedException.class);
    List<Throwable> chain = chain(failure);
    assertThat(chain).as("failure chain").noneMatch(TimeoutFailure.class::isInstance);
    assertThat(chain).as("failure chain").anyMatch(NexusOperationFailure.class::isInstance);
    assertThat(AccessDenials.reasonOf(failure)).as("reason code").contains(reason);
    String marker = "nexus-security DENIED [" + reason.name() + "]";
    String sideText = "(" + side.name().toLowerCase(Locale.ROOT) + " side)";
    assertThat(chain)
        .as("a message naming %s, the %s and what to fix", reason, sideText)
        .anySatisfy(
            t ->
                assertThat(t.getMessage())
                    .contains(marker)
                    .contains(sideText)
                    .contains("Fix: " + reason.getHint()));
    List<HandlerException> handlerErrors =
        chain.stream()
            .filter(HandlerException.class::isInstance)
            .map(HandlerException.class::cast)
            .toList();
    if (side == AccessDecisionEvent.Side.HANDLER) {
      assertThat(handlerErrors).as("handler error").hasSize(1);
      HandlerException handlerError = handlerErrors.get(0);
      assertThat(handlerError.getErrorType()).isEqualTo(handlerErrorType(reason));
      assertThat(handlerError.isRetryable()).isFalse();
    } else {
      assertThat(handlerErrors).as("a caller-side denial never reaches a handler").isEmpty();
    }
  }

  /**
   * The Nexus handler error type a handler-side denial of {@code reason} arrives as: the reason's
   * kind, except that an incompatible converter is a bad request and a temporary condition is
   * resource exhaustion (the error types Nexus has for them).
   */
  public static HandlerException.ErrorType handlerErrorType(ReasonCode reason) {
    switch (reason.getKind()) {
      case UNAUTHENTICATED:
        return HandlerException.ErrorType.UNAUTHENTICATED;
      case UNAUTHORIZED:
        return HandlerException.ErrorType.UNAUTHORIZED;
      case INCOMPATIBLE:
        return HandlerException.ErrorType.BAD_REQUEST;
      case UNAVAILABLE:
        return HandlerException.ErrorType.RESOURCE_EXHAUSTED;
      default:
        throw new IllegalArgumentException("not a denial: " + reason);
    }
  }

  /** Asserts that some message in the chain of {@code failure} contains {@code text}. */
  public static void assertMessageMentions(Throwable failure, String text) {
    assertThat(chain(failure)).anySatisfy(t -> assertThat(t.getMessage()).contains(text));
  }
}
