package dev.nexussecurity.core;

import dev.nexussecurity.api.ReasonCode;
import dev.nexussecurity.core.internal.interceptor.Denials;
import io.temporal.failure.ApplicationFailure;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Reads the reason code of a nexus-security denial from the exception a workflow sees when a Nexus
 * call is denied, on either side.
 *
 * <pre>{@code
 * try {
 *   payments.charge(order);
 * } catch (NexusOperationFailure e) {
 *   Optional<ReasonCode> reason = AccessDenials.reasonOf(e);
 *   if (reason.isPresent()) { ... denied by nexus-security ... }
 * }
 * }</pre>
 */
public final class AccessDenials {
  private static final Pattern MARKER = Pattern.compile("nexus-security DENIED \\[([A-Z_]+)\\]");

  private AccessDenials() {}

  /**
   * The reason code of the first nexus-security denial in {@code failure}'s cause chain, or empty
   * when the failure is not a nexus-security denial.
   */
  public static Optional<ReasonCode> reasonOf(Throwable failure) {
    for (Throwable t = failure; t != null; t = t.getCause() == t ? null : t.getCause()) {
      if (t instanceof ApplicationFailure) {
        String type = ((ApplicationFailure) t).getType();
        if (type != null && type.startsWith(Denials.FAILURE_TYPE_PREFIX)) {
          Optional<ReasonCode> r = parse(type.substring(Denials.FAILURE_TYPE_PREFIX.length()));
          if (r.isPresent()) {
            return r;
          }
        }
      }
      String message = t.getMessage();
      if (message != null) {
        Matcher m = MARKER.matcher(message);
        if (m.find()) {
          Optional<ReasonCode> r = parse(m.group(1));
          if (r.isPresent()) {
            return r;
          }
        }
      }
    }
    return Optional.empty();
  }

  private static Optional<ReasonCode> parse(String name) {
    try {
      ReasonCode r = ReasonCode.valueOf(name);
      return r.isAllowed() ? Optional.empty() : Optional.of(r);
    } catch (IllegalArgumentException e) {
      return Optional.empty();
    }
  }
}
