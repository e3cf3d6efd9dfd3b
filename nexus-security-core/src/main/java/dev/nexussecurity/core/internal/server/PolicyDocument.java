package dev.nexussecurity.core.internal.server;

import dev.nexussecurity.api.NexusEndpoint;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.Objects;

/**
 * The content of a signed endpoint policy: the cluster it is for (audience), one registry endpoint
 * (name, target, allowlist, description, registry version) and the time the policy was issued.
 * Immutable.
 */
public final class PolicyDocument {
  private final String audience;
  private final NexusEndpoint endpoint;
  private final Instant issuedAt;

  /**
   * @param audience the cluster the policy is for
   * @param endpoint the registry's endpoint; its version is the registry version recorded in the
   *     policy
   * @param issuedAt when the policy is issued; truncated to milliseconds
   */
  public PolicyDocument(String audience, NexusEndpoint endpoint, Instant issuedAt) {
    this.audience = Objects.requireNonNull(audience, "audience");
    this.endpoint = Objects.requireNonNull(endpoint, "endpoint");
    this.issuedAt = Objects.requireNonNull(issuedAt, "issuedAt").truncatedTo(ChronoUnit.MILLIS);
  }

  /** The cluster the policy is for. */
  public String getAudience() {
    return audience;
  }

  /** The endpoint this policy describes, with the registry version as its version. */
  public NexusEndpoint getEndpoint() {
    return endpoint;
  }

  /** When the registry issued this policy. */
  public Instant getIssuedAt() {
    return issuedAt;
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof PolicyDocument other
        && audience.equals(other.audience)
        && endpoint.equals(other.endpoint)
        && issuedAt.equals(other.issuedAt);
  }

  @Override
  public int hashCode() {
    return Objects.hash(audience, endpoint, issuedAt);
  }

  @Override
  public String toString() {
    return "PolicyDocument{audience=" + audience + ", " + endpoint + ", issuedAt=" + issuedAt + "}";
  }
}
