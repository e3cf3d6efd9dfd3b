package dev.nexussecurity.core.internal.identity;

/** The identity header could not be parsed; the message says which part, never the token itself. */
public final class MalformedTokenException extends Exception {
  private static final long serialVersionUID = 1L;

  public MalformedTokenException(String message) {
    super(message);
  }

  public MalformedTokenException(String message, Throwable cause) {
    super(message, cause);
  }
}
