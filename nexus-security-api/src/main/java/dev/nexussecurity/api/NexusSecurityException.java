package dev.nexussecurity.api;

/**
 * Base class of the errors nexus-security throws for refused or failed operations. Messages say
 * what went wrong and what to fix, and never contain key material or tokens.
 *
 * <pre>{@code
 * try { registry.update(principal, endpoint, version); }
 * catch (NexusSecurityException e) { log.warn(e.getMessage()); }
 * }</pre>
 */
public class NexusSecurityException extends RuntimeException {
  private static final long serialVersionUID = 1L;

  /** Creates an exception with {@code message}. */
  public NexusSecurityException(String message) {
    super(message);
  }

  /** Creates an exception with {@code message} and {@code cause}. */
  public NexusSecurityException(String message, Throwable cause) {
    super(message, cause);
  }
}
