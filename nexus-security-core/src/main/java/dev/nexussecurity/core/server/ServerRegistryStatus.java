package dev.nexussecurity.core.server;

import java.time.Instant;
import java.util.Collections;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.SortedSet;
import java.util.TreeMap;
import java.util.TreeSet;

/**
 * The state of a {@link ServerEndpointRegistry}: when it last refreshed successfully, the last
 * error, how many refreshes failed in a row, the registry manifest in use and until when the worker
 * trusts it, and what the snapshot in use holds, including the endpoints whose policy failed
 * verification (they admit nobody) and why.
 *
 * <pre>{@code
 * ServerRegistryStatus status = registry.getStatus();
 * if (status.getConsecutiveFailures() > 3) {
 *   alert("endpoint registry not refreshed since " + status.getLastSuccessTime().orElse(null)
 *       + "; every endpoint is denied from " + status.getFreshUntil().orElse(null)
 *       + ": " + status.getLastError().orElse(""));
 * }
 * status.getInvalidEndpoints().forEach((name, why) -> alert(name + " admits nobody: " + why));
 * }</pre>
 *
 * <p>Immutable and thread-safe. Never null: optional values are {@link Optional}s, collections are
 * empty.
 */
public final class ServerRegistryStatus {
  private final Instant lastAttemptTime;
  private final Instant lastSuccessTime;
  private final String lastError;
  private final int consecutiveFailures;
  private final int endpointCount;
  private final Map<String, String> invalidEndpoints;
  private final Map<String, String> endpointWarnings;
  private final SortedSet<String> endpointsNotInManifest;
  private final int unmanagedEndpointCount;
  private final long manifestEpoch;
  private final Instant manifestExpiresAt;
  private final Instant freshUntil;
  private final int keyDirectoryNamespaceCount;
  private final Map<String, String> keyDirectoryProblems;

  ServerRegistryStatus(
      Instant lastAttemptTime,
      Instant lastSuccessTime,
      String lastError,
      int consecutiveFailures,
      int endpointCount,
      Map<String, String> invalidEndpoints,
      Map<String, String> endpointWarnings,
      SortedSet<String> endpointsNotInManifest,
      int unmanagedEndpointCount,
      long manifestEpoch,
      Instant manifestExpiresAt,
      Instant freshUntil) {
    this(
        lastAttemptTime,
        lastSuccessTime,
        lastError,
        consecutiveFailures,
        endpointCount,
        invalidEndpoints,
        endpointWarnings,
        endpointsNotInManifest,
        unmanagedEndpointCount,
        manifestEpoch,
        manifestExpiresAt,
        freshUntil,
        0,
        Map.of());
  }

  ServerRegistryStatus(
      Instant lastAttemptTime,
      Instant lastSuccessTime,
      String lastError,
      int consecutiveFailures,
      int endpointCount,
      Map<String, String> invalidEndpoints,
      Map<String, String> endpointWarnings,
      SortedSet<String> endpointsNotInManifest,
      int unmanagedEndpointCount,
      long manifestEpoch,
      Instant manifestExpiresAt,
      Instant freshUntil,
      int keyDirectoryNamespaceCount,
      Map<String, String> keyDirectoryProblems) {
    this.keyDirectoryNamespaceCount = keyDirectoryNamespaceCount;
    this.keyDirectoryProblems = Collections.unmodifiableMap(new TreeMap<>(keyDirectoryProblems));
    this.lastAttemptTime = lastAttemptTime;
    this.lastSuccessTime = lastSuccessTime;
    this.lastError = lastError;
    this.consecutiveFailures = consecutiveFailures;
    this.endpointCount = endpointCount;
    this.invalidEndpoints = Collections.unmodifiableMap(new TreeMap<>(invalidEndpoints));
    this.endpointWarnings = Collections.unmodifiableMap(new TreeMap<>(endpointWarnings));
    this.endpointsNotInManifest =
        Collections.unmodifiableSortedSet(new TreeSet<>(endpointsNotInManifest));
    this.unmanagedEndpointCount = unmanagedEndpointCount;
    this.manifestEpoch = manifestEpoch;
    this.manifestExpiresAt = manifestExpiresAt;
    this.freshUntil = freshUntil;
  }

  /** When the last refresh started; empty before the first. */
  public Optional<Instant> getLastAttemptTime() {
    return Optional.ofNullable(lastAttemptTime);
  }

  /**
   * When the snapshot in use was read and its manifest verified; empty when no refresh has
   * succeeded yet (all denied).
   */
  public Optional<Instant> getLastSuccessTime() {
    return Optional.ofNullable(lastSuccessTime);
  }

  /**
   * The error of the most recent failed refresh, kept after later successes as history; empty when
   * no refresh has failed. Whether it is current: {@link #getConsecutiveFailures()} {@code > 0}.
   */
  public Optional<String> getLastError() {
    return Optional.ofNullable(lastError);
  }

  /** How many refreshes failed since the last success; 0 when the last refresh succeeded. */
  public int getConsecutiveFailures() {
    return consecutiveFailures;
  }

  /** Whether at least one refresh succeeded and the latest did. */
  public boolean isHealthy() {
    return lastSuccessTime != null && consecutiveFailures == 0;
  }

  /**
   * Until when the worker answers from the snapshot in use: the last successful refresh plus the
   * maximum staleness, or the manifest's expiry if that is earlier. From then on, until a refresh
   * succeeds, every endpoint is denied with {@code REGISTRY_STALE}. Empty before the first
   * successful refresh (everything is denied).
   */
  public Optional<Instant> getFreshUntil() {
    return Optional.ofNullable(freshUntil);
  }

  /** Whether the worker denies everything at {@code now} because its snapshot is stale. */
  public boolean isStaleAt(Instant now) {
    return freshUntil == null || !now.isBefore(freshUntil);
  }

  /** The epoch of the registry manifest in use; empty before the first successful refresh. */
  public OptionalLong getManifestEpoch() {
    return freshUntil == null ? OptionalLong.empty() : OptionalLong.of(manifestEpoch);
  }

  /** When the registry manifest in use expires; empty before the first successful refresh. */
  public Optional<Instant> getManifestExpiresAt() {
    return Optional.ofNullable(manifestExpiresAt);
  }

  /** How many endpoints with a verified policy the snapshot in use holds. */
  public int getEndpointCount() {
    return endpointCount;
  }

  /**
   * The endpoints the manifest lists whose policy failed verification, by name, with the reason
   * (problem and explanation); they are denied with {@code ENDPOINT_POLICY_INVALID}. Sorted,
   * unmodifiable.
   */
  public Map<String, String> getInvalidEndpoints() {
    return invalidEndpoints;
  }

  /**
   * Endpoints the manifest lists that need attention but do not change a decision: missing on the
   * server (unknown until there), or served from the policy verified earlier while the server holds
   * another one (a reconciliation in progress). Sorted, unmodifiable.
   */
  public Map<String, String> getEndpointWarnings() {
    return endpointWarnings;
  }

  /**
   * Server endpoints that carry a nexus-security policy the manifest does not list: removed from
   * the registry (revoked), re-created on the server by hand, or created by a reconciliation whose
   * manifest is not written yet. They are denied with {@code UNKNOWN_ENDPOINT}. Sorted,
   * unmodifiable.
   */
  public SortedSet<String> getEndpointsNotInManifest() {
    return endpointsNotInManifest;
  }

  /**
   * How many server endpoints carry no nexus-security policy ("private" endpoints); they are
   * unknown to this registry and denied with {@code UNKNOWN_ENDPOINT}.
   */
  public int getUnmanagedEndpointCount() {
    return unmanagedEndpointCount;
  }

  /**
   * How many namespaces have verified keys in the key directory the registry publishes ({@link
   * ServerEndpointRegistry#getKeyDirectory()}); 0 when it publishes none.
   */
  public int getKeyDirectoryNamespaceCount() {
    return keyDirectoryNamespaceCount;
  }

  /**
   * Namespaces the manifest's key directory lists whose entry is missing on the server or refused
   * (failed verification, or not the entry the manifest lists), with the problem. Such a namespace
   * has no keys, so calls from and to it are denied, unless the problem says the worker still uses
   * the listed entry it verified earlier (an entry changed on the server after this worker read
   * it). Sorted, unmodifiable.
   */
  public Map<String, String> getKeyDirectoryProblems() {
    return keyDirectoryProblems;
  }

  @Override
  public String toString() {
    return "ServerRegistryStatus{healthy="
        + isHealthy()
        + ", lastSuccess="
        + lastSuccessTime
        + ", lastAttempt="
        + lastAttemptTime
        + ", freshUntil="
        + freshUntil
        + ", consecutiveFailures="
        + consecutiveFailures
        + (freshUntil == null ? "" : ", manifestEpoch=" + manifestEpoch)
        + ", endpoints="
        + endpointCount
        + ", invalid="
        + invalidEndpoints.keySet()
        + ", notInManifest="
        + endpointsNotInManifest
        + ", unmanaged="
        + unmanagedEndpointCount
        + (keyDirectoryNamespaceCount == 0 && keyDirectoryProblems.isEmpty()
            ? ""
            : ", keyDirectoryNamespaces="
                + keyDirectoryNamespaceCount
                + ", keyDirectoryProblems="
                + keyDirectoryProblems.keySet())
        + (lastError == null ? "" : ", lastError=" + lastError)
        + "}";
  }
}
