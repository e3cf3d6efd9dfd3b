package dev.nexussecurity.core.server;

import dev.nexussecurity.api.NexusSecurityException;

/**
 * Reading or changing the Temporal server's Nexus endpoints failed: the server could not be
 * reached, or refused the call (for example the principal may not use the OperatorService). The
 * message names the operation, the gRPC status and what to check; the cause is the gRPC error.
 *
 * <pre>{@code
 * try {
 *   registry.refresh();
 * } catch (ServerRegistryException e) {
 *   log.warn("{}", e.getMessage()); // the last good snapshot is still in use
 * }
 * }</pre>
 */
public final class ServerRegistryException extends NexusSecurityException {
  private static final long serialVersionUID = 1L;

  /** Creates an exception with {@code message} and the gRPC error as {@code cause}. */
  public ServerRegistryException(String message, Throwable cause) {
    super(message, cause);
  }

  /** Creates an exception with {@code message}. */
  public ServerRegistryException(String message) {
    super(message);
  }
}
