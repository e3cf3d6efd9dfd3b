package dev.nexussecurity.core.internal.server;

import java.time.Instant;
import java.util.Objects;

/**
 * The newest registry manifest a worker accepted: a manifest with a lower epoch, or another
 * manifest of the same epoch, is a rollback. Kept in memory and, when configured, in a state file
 * ({@link HighWaterMarkFile}) so that it survives restarts.
 *
 * @param audience the cluster
 * @param epoch the manifest's epoch
 * @param issuedAt the manifest's issue time
 * @param manifestDigest the SHA-256 of the manifest description's data, unpadded base64url
 */
public record HighWaterMark(String audience, long epoch, Instant issuedAt, String manifestDigest) {
  public HighWaterMark {
    Objects.requireNonNull(audience, "audience");
    Objects.requireNonNull(issuedAt, "issuedAt");
    Objects.requireNonNull(manifestDigest, "manifestDigest");
  }

  /** The mark of {@code verified}. */
  public static HighWaterMark of(VerifiedManifest verified) {
    RegistryManifest m = verified.manifest();
    return new HighWaterMark(m.audience(), m.epoch(), m.issuedAt(), verified.digest());
  }
}
