package dev.nexussecurity.core.server;

import java.time.Instant;
import java.util.Collections;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;

/**
 * The state of a {@link ServerEndpointRegistry}: when it last refreshed successfully, the last
 * error, how many refreshes failed in a row, and what the snapshot in use holds, including the
 * endpoints whose policy failed verification (they admit nobody) and why.
 *
 * <pre>{@code
 * ServerRegistryStatus status = registry.getStatus();
 * if (status.getConsecutiveFailures() > 3) {
 *   alert("endpoint registry stale since " + status.getLastSuccessTime().orElse(null)
 *       + ": " + status.getLastError().orElse(""));
 * }
 * status.getInvalidEndpoints().forEach((name, why) -> alert(name + " admits nobody: " + why));
 * }</pre>
 *
 * <p>Immutable and thread-safe. Never null: optional values are {@link Optional}s, maps are empty.
 */
public final class ServerRegistryStatus {
  private final Instant lastAttemptTime;
  private final Instant lastSuccessTime;
  private final String lastError;
  private final int consecutiveFailures;
  private final int endpointCount;
  private final Map<String, String> invalidEndpoints;
  private final int unmanagedEndpointCount;

  ServerRegistryStatus(
      Instant lastAttemptTime,
      Instant lastSuccessTime,
      String lastError,
      int consecutiveFailures,
      int endpointCount,
      Map<String, String> invalidEndpoints,
      int unmanagedEndpointCount) {
    this.lastAttemptTime = lastAttemptTime;
    this.lastSuccessTime = lastSuccessTime;
    this.lastError = lastError;
    this.consecutiveFailures = consecutiveFailures;
    this.endpointCount = endpointCount;
    this.invalidEndpoints = Collections.unmodifiableMap(new TreeMap<>(invalidEndpoints));
    this.unmanagedEndpointCount = unmanagedEndpointCount;
  }

  /** When the last refresh started; empty before the first. */
  public Optional<Instant> getLastAttemptTime() {
    return Optional.ofNullable(lastAttemptTime);
  }

  /** When the snapshot in use was read; empty when no refresh has succeeded yet (all denied). */
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

  /** How many endpoints with a verified policy the snapshot in use holds. */
  public int getEndpointCount() {
    return endpointCount;
  }

  /**
   * The endpoints whose policy failed verification in the snapshot in use, by name, with the reason
   * (problem and explanation); they are denied with {@code ENDPOINT_POLICY_INVALID}. Sorted,
   * unmodifiable.
   */
  public Map<String, String> getInvalidEndpoints() {
    return invalidEndpoints;
  }

  /**
   * How many server endpoints carry no nexus-security policy ("private" endpoints); they are
   * unknown to this registry and denied with {@code UNKNOWN_ENDPOINT}.
   */
  public int getUnmanagedEndpointCount() {
    return unmanagedEndpointCount;
  }

  @Override
  public String toString() {
    return "ServerRegistryStatus{healthy="
        + isHealthy()
        + ", lastSuccess="
        + lastSuccessTime
        + ", lastAttempt="
        + lastAttemptTime
        + ", consecutiveFailures="
        + consecutiveFailures
        + ", endpoints="
        + endpointCount
        + ", invalid="
        + invalidEndpoints.keySet()
        + ", unmanaged="
        + unmanagedEndpointCount
        + (lastError == null ? "" : ", lastError=" + lastError)
        + "}";
  }
}
