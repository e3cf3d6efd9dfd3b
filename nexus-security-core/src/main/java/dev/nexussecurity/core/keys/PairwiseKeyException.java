package dev.nexussecurity.core.keys;

import dev.nexussecurity.api.NexusSecurityException;

/**
 * A pairwise key cannot be derived: the key directory has no usable key-agreement key for the peer
 * namespace (unknown, disabled or revoked key id), or this worker does not hold the key it is asked
 * to use. The message names the namespace and key id, never key material.
 *
 * <pre>{@code
 * try {
 *   pairs.forSending(PairwiseKeys.Purpose.PAYLOAD, "payments");
 * } catch (PairwiseKeyException e) {
 *   log.error("publish the payments namespace's keys in the key directory: {}", e.getMessage());
 * }
 * }</pre>
 */
public final class PairwiseKeyException extends NexusSecurityException {
  private static final long serialVersionUID = 1L;

  public PairwiseKeyException(String message) {
    super(message);
  }

  public PairwiseKeyException(String message, Throwable cause) {
    super(message, cause);
  }
}
