package dev.nexussecurity.core.keys;

import dev.nexussecurity.api.NexusSecurityException;

/**
 * A keyset or namespace keys file cannot be loaded and retrying will not help: the file is missing
 * or malformed, it was encrypted under another KMS key or with other associated data, or it holds
 * keys of another kind than expected (see {@link KeysetKind}). Thrown by {@link KeysetSource},
 * {@link NamespaceKeys#load} and while building a {@code TinkPayloadCodec}. The message names the
 * source (never key material) and what to fix. Transient failures, such as an unreachable KMS, are
 * reported as {@link io.temporal.payload.codec.PayloadCodecException} instead.
 *
 * <pre>{@code
 * try {
 *   codec = TinkPayloadCodec.newBuilder().setKeysetSource(source).build();
 * } catch (KeysetLoadException e) {
 *   log.error("fix the keyset configuration: {}", e.getMessage());
 *   throw e;
 * }
 * }</pre>
 */
public final class KeysetLoadException extends NexusSecurityException {
  private static final long serialVersionUID = 1L;

  /** Creates an exception with {@code message}, which must not contain secrets. */
  public KeysetLoadException(String message) {
    super(message);
  }

  /**
   * Creates an exception with {@code message}, which must not contain secrets, and {@code cause}.
   */
  public KeysetLoadException(String message, Throwable cause) {
    super(message, cause);
  }
}
