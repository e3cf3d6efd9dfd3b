package dev.nexussecurity.core;

import dev.nexussecurity.api.NexusSecurityException;

/**
 * A trust store or signing keyset could not be loaded or was refused: malformed JSON, an
 * unsupported schema version, a keyset that is not a public signature keyset, or secret key
 * material where only public keys belong. The message names the source and the namespace concerned,
 * never key material.
 *
 * <pre>{@code
 * try { TrustStore.fromJsonFile(path); }
 * catch (TrustStoreException e) { log.error(e.getMessage()); }
 * }</pre>
 */
public final class TrustStoreException extends NexusSecurityException {
  private static final long serialVersionUID = 1L;

  public TrustStoreException(String message) {
    super(message);
  }

  public TrustStoreException(String message, Throwable cause) {
    super(message, cause);
  }
}
