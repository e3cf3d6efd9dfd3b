package dev.nexussecurity.core.internal.interceptor;

import dev.nexussecurity.api.AccessDecisionEvent;
import dev.nexussecurity.api.ReasonCode;
import io.nexusrpc.handler.HandlerException;
import io.temporal.failure.ApplicationFailure;
import java.util.Locale;

/** Builds the messages and failures that report a denial; never includes tokens or keys. */
public final class Denials {
  /** Prefix of the {@link ApplicationFailure} type that carries a denial's reason code. */
  public static final String FAILURE_TYPE_PREFIX = "NexusSecurityDenied.";

  private Denials() {}

  /**
   * The message of a denial, e.g. {@code nexus-security DENIED [CALLER_NOT_ALLOWED] start of
   * payments/charge on endpoint 'payments' (handler side): ... Fix: ...}.
   */
  public static String message(
      AccessDecisionEvent.Side side,
      AccessDecisionEvent.Action action,
      ReasonCode reason,
      String endpoint,
      String service,
      String operation,
      String detail) {
    StringBuilder sb =
        new StringBuilder("nexus-security DENIED [").append(reason.name()).append("] ");
    sb.append(action.name().toLowerCase(Locale.ROOT).replace('_', ' ')).append(" of ");
    sb.append(service == null ? "?" : service)
        .append('/')
        .append(operation == null ? "?" : operation);
    if (endpoint != null) {
      sb.append(" on endpoint '").append(endpoint).append('\'');
    }
    sb.append(" (").append(side.name().toLowerCase(Locale.ROOT)).append(" side)");
    if (detail != null && !detail.isEmpty()) {
      sb.append(": ").append(detail);
    }
    return sb.append(". Fix: ").append(reason.getHint()).toString();
  }

  /** The application failure that carries the reason code in its type. */
  public static ApplicationFailure failure(ReasonCode reason, String message) {
    return ApplicationFailure.newNonRetryableFailure(message, FAILURE_TYPE_PREFIX + reason.name());
  }

  /** The handler error for a denial: non-retryable, except for temporary reasons. */
  static HandlerException handlerException(ReasonCode reason, String message) {
    HandlerException.ErrorType type;
    switch (reason.getKind()) {
      case UNAUTHENTICATED:
        type = HandlerException.ErrorType.UNAUTHENTICATED;
        break;
      case UNAUTHORIZED:
        type = HandlerException.ErrorType.UNAUTHORIZED;
        break;
      case INCOMPATIBLE:
        type = HandlerException.ErrorType.BAD_REQUEST;
        break;
      case UNAVAILABLE:
        type = HandlerException.ErrorType.RESOURCE_EXHAUSTED;
        break;
      default:
        throw new IllegalArgumentException("not a denial: " + reason);
    }
    return new HandlerException(
        type,
        message,
        failure(reason, message),
        reason.isRetryable()
            ? HandlerException.RetryBehavior.RETRYABLE
            : HandlerException.RetryBehavior.NON_RETRYABLE);
  }
}
