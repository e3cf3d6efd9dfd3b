package dev.nexussecurity.controlplane.internal;

import java.util.Map;
import java.util.Objects;

/**
 * A request the server refuses: the HTTP status, a stable error code (also the audit reason) and a
 * message that says what to fix. Messages never hold payload contents, tokens or key material; text
 * from the request is quoted with {@code UntrustedText} before it gets here. No stack trace: this
 * is control flow, not a bug.
 */
public final class Refusal extends RuntimeException {
  private static final long serialVersionUID = 1L;

  private final int status;
  private final String code;
  private final transient Map<String, String> headers;
  private final transient Map<String, Object> details;

  /** A refusal with no extra response headers. */
  public Refusal(int status, String code, String message) {
    this(status, code, message, Map.of());
  }

  /** A refusal that also sets {@code headers} on the response (e.g. WWW-Authenticate). */
  public Refusal(int status, String code, String message, Map<String, String> headers) {
    this(status, code, message, headers, Map.of());
  }

  /**
   * A refusal whose body also carries {@code details}: machine-readable fields next to {@code
   * error}, {@code message} and {@code requestId} (for example the field errors of a 400, or the
   * missing permission of a 403). Values are JSON-serializable and hold no secrets.
   */
  public Refusal(
      int status,
      String code,
      String message,
      Map<String, String> headers,
      Map<String, Object> details) {
    super(Objects.requireNonNull(message, "message"), null, false, false);
    this.status = status;
    this.code = Objects.requireNonNull(code, "code");
    this.headers = Map.copyOf(headers);
    this.details = Map.copyOf(details);
  }

  /** Extra body fields; empty for most refusals. */
  public Map<String, Object> details() {
    return details;
  }

  /** The HTTP status. */
  public int status() {
    return status;
  }

  /** The stable error code, e.g. {@code token_expired}. */
  public String code() {
    return code;
  }

  /** Extra response headers. */
  public Map<String, String> headers() {
    return headers;
  }
}
