package dev.nexussecurity.core.keys;

import dev.nexussecurity.api.NexusSecurityException;

/**
 * A key directory file (or text) could not be read or written: it is missing, not valid JSON, has
 * an unknown or missing field, a value of the wrong type, an unsupported schema version, a private
 * or symmetric key, or a key of the wrong type. The message names the file, the line and column,
 * the namespace and what to fix; it never contains key material. Nothing is loaded or written when
 * it is thrown.
 *
 * <pre>{@code
 * try {
 *   directory = NamespaceKeyDirectory.load(path);
 * } catch (KeyDirectoryException e) {
 *   log.error("cannot start: {}", e.getMessage());
 * }
 * }</pre>
 */
public final class KeyDirectoryException extends NexusSecurityException {
  private static final long serialVersionUID = 1L;

  /** Creates an exception; {@code message} must not contain key material. */
  public KeyDirectoryException(String message, Throwable cause) {
    super(message, cause);
  }

  /** Creates an exception; {@code message} must not contain key material. */
  public KeyDirectoryException(String message) {
    super(message);
  }
}
