package dev.nexussecurity.core.internal.server;

import java.util.Optional;

/**
 * A registry manifest whose signature verified under the registry public keyset and whose audience
 * is this cluster.
 *
 * @param manifest the verified content
 * @param keyId the Tink key id that signed it, or {@code null} when the signature carries none
 * @param digest the SHA-256 of the description's data, unpadded base64url; two manifests of one
 *     epoch are the same manifest only when their digests are equal
 */
public record VerifiedManifest(RegistryManifest manifest, Integer keyId, String digest) {
  /** The Tink key id that signed it; empty when the signature carries no key id (RAW keys). */
  public Optional<Integer> getKeyId() {
    return Optional.ofNullable(keyId);
  }
}
