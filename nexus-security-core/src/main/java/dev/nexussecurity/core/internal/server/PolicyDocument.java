package dev.nexussecurity.core.internal.server;

import dev.nexussecurity.api.NexusEndpoint;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.Objects;

/**
 * The content of a signed endpoint policy: one registry endpoint (name, target, allowlist,
 * description, registry version) and the time the policy was issued. Immutable.
 */
public final class PolicyDocument {
  private final NexusEndpoint endpoint;
  private final Instant issuedAt;

  /**
   * @param endpoint the registry's endpoint; its version is the registry version recorded in the
   *     policy
   * @param issuedAt when the policy is issued; truncated to milliseconds
   */
  public PolicyDocument(NexusEndpoint endpoint, Instant issuedAt) {
    this.endpoint = Objects.requireNonNull(endpoint, "endpoint");
    this.issuedAt = Objects.requireNonNull(issuedAt, "issuedAt").truncatedTo(ChronoUnit.MILLIS);
  }

  /** The endpoint this policy describes, with the registry version as its version. */
  public NexusEndpoint getEndpoint() {
    return endpoint;
  }

  /** When the registry issued this policy. */
  public Instant getIssuedAt() {
    return issuedAt;
  }

  /** Whether this policy says exactly what {@code registryEndpoint} says, version included. */
  public boolean describes(NexusEndpoint registryEndpoint) {
    return endpoint.sameSpec(registryEndpoint)
        && endpoint.getVersion() == registryEndpoint.getVersion();
  }

  @Override
  public boolean equals(Object o) {
    if (this == o) {
      return true;
    }
    if (!(o instanceof PolicyDocument)) {
      return false;
    }
    PolicyDocument other = (PolicyDocument) o;
    return endpoint.equals(other.endpoint) && issuedAt.equals(other.issuedAt);
  }

  @Override
  public int hashCode() {
    return Objects.hash(endpoint, issuedAt);
  }

  @Override
  public String toString() {
    return "PolicyDocument{" + endpoint + ", issuedAt=" + issuedAt + "}";
  }
}
