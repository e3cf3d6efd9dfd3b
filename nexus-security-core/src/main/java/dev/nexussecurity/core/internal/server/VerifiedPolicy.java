package dev.nexussecurity.core.internal.server;

import java.util.Optional;

/**
 * A policy whose signature verified under the registry public keyset and whose audience is this
 * cluster.
 *
 * @param document the verified content
 * @param keyId the Tink key id that signed it, or {@code null} when the signature carries none
 * @param digest the SHA-256 of the description's data (what the manifest lists), unpadded base64url
 */
public record VerifiedPolicy(PolicyDocument document, Integer keyId, String digest) {
  /** The verified content. */
  public PolicyDocument getDocument() {
    return document;
  }

  /** The Tink key id that signed it; empty when the signature carries no key id (RAW keys). */
  public Optional<Integer> getKeyId() {
    return Optional.ofNullable(keyId);
  }
}
