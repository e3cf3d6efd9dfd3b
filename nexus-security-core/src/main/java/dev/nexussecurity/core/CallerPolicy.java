package dev.nexussecurity.core;

import java.time.Duration;
import java.util.Objects;

/**
 * How this namespace's workers identify themselves when their workflows call Nexus endpoints.
 *
 * <ul>
 *   <li><b>identityMode</b> (default {@link IdentityMode#PAIRWISE}): how tokens are authenticated.
 *       Signature mode needs a signature keyset in {@link NexusSecurityOptions}' namespace keys.
 *   <li><b>maxTokenLifetime</b> (default 24 hours): a token is valid for the operation's
 *       schedule-to-close timeout (the time the server may keep delivering the start), capped at
 *       this value; operations without a schedule-to-close timeout get this value.
 * </ul>
 *
 * <pre>{@code
 * CallerPolicy caller = CallerPolicy.newBuilder()
 *     .setIdentityMode(IdentityMode.SIGNATURE)
 *     .setMaxTokenLifetime(Duration.ofHours(6))
 *     .build();
 * }</pre>
 *
 * <p>Immutable.
 */
public final class CallerPolicy {
  private static final CallerPolicy DEFAULTS = newBuilder().build();

  private final IdentityMode identityMode;
  private final Duration maxTokenLifetime;

  private CallerPolicy(Builder b) {
    this.identityMode = b.identityMode;
    this.maxTokenLifetime = b.maxTokenLifetime;
  }

  /** The default policy: pairwise identity, tokens valid up to 24 hours. */
  public static CallerPolicy defaults() {
    return DEFAULTS;
  }

  public static Builder newBuilder() {
    return new Builder();
  }

  public Builder toBuilder() {
    return new Builder().setIdentityMode(identityMode).setMaxTokenLifetime(maxTokenLifetime);
  }

  public IdentityMode getIdentityMode() {
    return identityMode;
  }

  public Duration getMaxTokenLifetime() {
    return maxTokenLifetime;
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof CallerPolicy
        && ((CallerPolicy) o).identityMode == identityMode
        && ((CallerPolicy) o).maxTokenLifetime.equals(maxTokenLifetime);
  }

  @Override
  public int hashCode() {
    return Objects.hash(identityMode, maxTokenLifetime);
  }

  @Override
  public String toString() {
    return "CallerPolicy{identityMode="
        + identityMode
        + ", maxTokenLifetime="
        + maxTokenLifetime
        + "}";
  }

  /** Builder of {@link CallerPolicy}. */
  public static final class Builder {
    private IdentityMode identityMode = IdentityMode.PAIRWISE;
    private Duration maxTokenLifetime = Duration.ofHours(24);

    private Builder() {}

    public Builder setIdentityMode(IdentityMode mode) {
      this.identityMode = Objects.requireNonNull(mode, "CallerPolicy.identityMode");
      return this;
    }

    /** Sets the longest lifetime of a token; at least one second. */
    public Builder setMaxTokenLifetime(Duration lifetime) {
      this.maxTokenLifetime =
          Durations.atLeast("CallerPolicy.maxTokenLifetime", lifetime, Duration.ofSeconds(1));
      return this;
    }

    public CallerPolicy build() {
      return new CallerPolicy(this);
    }
  }
}
