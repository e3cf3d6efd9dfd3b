package dev.nexussecurity.core.internal.server;

import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.Collections;
import java.util.Objects;
import java.util.SortedMap;
import java.util.TreeMap;

/**
 * The content of a signed registry manifest: which endpoints the registry holds (each with the
 * SHA-256 of its policy description), for which cluster, in which epoch, issued when and valid
 * until when. Immutable.
 *
 * @param audience the cluster the manifest is for
 * @param epoch strictly increasing from one manifest to the next
 * @param issuedAt when it was signed (milliseconds)
 * @param expiresAt after this, workers refuse it (milliseconds)
 * @param endpoints endpoint name to policy digest, sorted by name; unmodifiable
 * @param keyDirectory namespace to the digest of its key directory entry, sorted by namespace,
 *     unmodifiable; {@code null} when the registry publishes no key directory (manifests written
 *     before key directories, or by a reconciler without one, carry none)
 */
public record RegistryManifest(
    String audience,
    long epoch,
    Instant issuedAt,
    Instant expiresAt,
    SortedMap<String, String> endpoints,
    SortedMap<String, String> keyDirectory) {
  public RegistryManifest {
    Objects.requireNonNull(audience, "audience");
    issuedAt = Objects.requireNonNull(issuedAt, "issuedAt").truncatedTo(ChronoUnit.MILLIS);
    expiresAt = Objects.requireNonNull(expiresAt, "expiresAt").truncatedTo(ChronoUnit.MILLIS);
    endpoints = Collections.unmodifiableSortedMap(new TreeMap<>(endpoints));
    keyDirectory =
        keyDirectory == null
            ? null
            : Collections.unmodifiableSortedMap(new TreeMap<>(keyDirectory));
  }

  /** A manifest that publishes no key directory. */
  public RegistryManifest(
      String audience,
      long epoch,
      Instant issuedAt,
      Instant expiresAt,
      SortedMap<String, String> endpoints) {
    this(audience, epoch, issuedAt, expiresAt, endpoints, null);
  }
}
