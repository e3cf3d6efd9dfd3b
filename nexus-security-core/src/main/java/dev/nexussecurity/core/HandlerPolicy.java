package dev.nexussecurity.core;

import java.time.Duration;
import java.util.EnumSet;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;

/**
 * What this namespace's handler workers demand of the Nexus requests they serve.
 *
 * <ul>
 *   <li><b>acceptedModes</b> (default both): the identity modes accepted from callers.
 *   <li><b>maxTokenLifetime</b> (default 24 hours): whatever a token claims, it is not accepted for
 *       starts later than this after its issue time. Bounds how long the replay cache holds an
 *       entry.
 *   <li><b>clockSkew</b> (default 1 minute): tolerance between the caller's workflow time and this
 *       worker's time source.
 *   <li><b>replayQuotaPerNamespace</b> (default 10,000): live tokens remembered per caller
 *       namespace; one namespace that fills its quota cannot deny others (retryable {@code
 *       REPLAY_CACHE_FULL} for that namespace only). Sizes the default in-memory replay store only.
 *   <li><b>replayStore</b> (default none: each {@code NexusSecurity} instance, i.e. handler
 *       process, remembers in its own memory, {@link ReplayStore#inMemory}): where the handler
 *       remembers which start request each token admitted. The in-memory default does not survive a
 *       restart and is not seen by other handler processes; give every handler process of the
 *       namespace one shared {@link ReplayStore} so a token copied from a history and re-sent to
 *       another process with another request id is refused there too. A store that fails refuses
 *       starts (retryable {@code REPLAY_STORE_UNAVAILABLE}), never admits them.
 *   <li><b>requireCallerLink</b> (default true): a start must carry the server-built link naming
 *       the caller namespace, workflow and run the token names. Turn off only for servers that send
 *       no caller links; the check is then skipped when no link is present (a present link is
 *       always checked).
 *   <li><b>allowUnboundInput</b> (default false): admit a start whose input no binding-aware codec
 *       verified as the one sent with the token. Weaker: a party that copies a token from a history
 *       could pair it with another input encrypted under the same keyset.
 * </ul>
 *
 * <pre>{@code
 * HandlerPolicy handler = HandlerPolicy.newBuilder()
 *     .setMaxTokenLifetime(Duration.ofHours(6))
 *     .setReplayQuotaPerNamespace(50_000)
 *     .build();
 * // several handler processes: one store they all reach (an implementation of ReplayStore)
 * HandlerPolicy shared = handler.toBuilder().setReplayStore(myDatabaseReplayStore).build();
 * }</pre>
 *
 * <p>Immutable.
 */
public final class HandlerPolicy {
  private static final HandlerPolicy DEFAULTS = newBuilder().build();

  private final Set<IdentityMode> acceptedModes;
  private final Duration maxTokenLifetime;
  private final Duration clockSkew;
  private final int replayQuotaPerNamespace;
  private final boolean requireCallerLink;
  private final boolean allowUnboundInput;
  private final ReplayStore replayStore;

  private HandlerPolicy(Builder b) {
    this.acceptedModes = Set.copyOf(b.acceptedModes);
    this.maxTokenLifetime = b.maxTokenLifetime;
    this.clockSkew = b.clockSkew;
    this.replayQuotaPerNamespace = b.replayQuotaPerNamespace;
    this.requireCallerLink = b.requireCallerLink;
    this.allowUnboundInput = b.allowUnboundInput;
    this.replayStore = b.replayStore;
  }

  /** The default policy (see the class description). */
  public static HandlerPolicy defaults() {
    return DEFAULTS;
  }

  public static Builder newBuilder() {
    return new Builder();
  }

  public Builder toBuilder() {
    Builder b = new Builder();
    b.acceptedModes = EnumSet.copyOf(acceptedModes);
    b.maxTokenLifetime = maxTokenLifetime;
    b.clockSkew = clockSkew;
    b.replayQuotaPerNamespace = replayQuotaPerNamespace;
    b.requireCallerLink = requireCallerLink;
    b.allowUnboundInput = allowUnboundInput;
    b.replayStore = replayStore;
    return b;
  }

  /** The accepted identity modes, unmodifiable. */
  public Set<IdentityMode> getAcceptedModes() {
    return acceptedModes;
  }

  public Duration getMaxTokenLifetime() {
    return maxTokenLifetime;
  }

  public Duration getClockSkew() {
    return clockSkew;
  }

  public int getReplayQuotaPerNamespace() {
    return replayQuotaPerNamespace;
  }

  public boolean isRequireCallerLink() {
    return requireCallerLink;
  }

  public boolean isAllowUnboundInput() {
    return allowUnboundInput;
  }

  /**
   * The replay store shared by the handler workers built with this policy, or empty when each
   * {@code NexusSecurity} instance keeps its own in-memory store of {@link
   * #getReplayQuotaPerNamespace()} entries per caller namespace.
   */
  public Optional<ReplayStore> getReplayStore() {
    return Optional.ofNullable(replayStore);
  }

  @Override
  public boolean equals(Object o) {
    if (!(o instanceof HandlerPolicy)) {
      return false;
    }
    HandlerPolicy h = (HandlerPolicy) o;
    return acceptedModes.equals(h.acceptedModes)
        && maxTokenLifetime.equals(h.maxTokenLifetime)
        && clockSkew.equals(h.clockSkew)
        && replayQuotaPerNamespace == h.replayQuotaPerNamespace
        && requireCallerLink == h.requireCallerLink
        && allowUnboundInput == h.allowUnboundInput
        && replayStore == h.replayStore;
  }

  @Override
  public int hashCode() {
    return Objects.hash(
        acceptedModes,
        maxTokenLifetime,
        clockSkew,
        replayQuotaPerNamespace,
        requireCallerLink,
        allowUnboundInput,
        replayStore == null ? 0 : System.identityHashCode(replayStore));
  }

  @Override
  public String toString() {
    return "HandlerPolicy{acceptedModes="
        + EnumSet.copyOf(acceptedModes)
        + ", maxTokenLifetime="
        + maxTokenLifetime
        + ", clockSkew="
        + clockSkew
        + ", replayQuotaPerNamespace="
        + replayQuotaPerNamespace
        + ", requireCallerLink="
        + requireCallerLink
        + ", allowUnboundInput="
        + allowUnboundInput
        + ", replayStore="
        + (replayStore == null ? "per worker in memory" : replayStore.getClass().getName())
        + "}";
  }

  /** Builder of {@link HandlerPolicy}. */
  public static final class Builder {
    private EnumSet<IdentityMode> acceptedModes = EnumSet.allOf(IdentityMode.class);
    private Duration maxTokenLifetime = Duration.ofHours(24);
    private Duration clockSkew = Duration.ofMinutes(1);
    private int replayQuotaPerNamespace = 10_000;
    private boolean requireCallerLink = true;
    private boolean allowUnboundInput;
    private ReplayStore replayStore;

    private Builder() {}

    /** Sets the accepted identity modes; at least one. */
    public Builder setAcceptedModes(Set<IdentityMode> modes) {
      Objects.requireNonNull(modes, "HandlerPolicy.acceptedModes");
      if (modes.isEmpty()) {
        throw new IllegalArgumentException(
            "HandlerPolicy.acceptedModes must name at least one IdentityMode, got " + modes);
      }
      this.acceptedModes = EnumSet.copyOf(modes);
      return this;
    }

    /** Sets the handler's cap on token lifetime; at least one second. */
    public Builder setMaxTokenLifetime(Duration lifetime) {
      this.maxTokenLifetime =
          Durations.atLeast("HandlerPolicy.maxTokenLifetime", lifetime, Duration.ofSeconds(1));
      return this;
    }

    /** Sets the tolerated clock skew; zero or more. */
    public Builder setClockSkew(Duration skew) {
      this.clockSkew = Durations.atLeast("HandlerPolicy.clockSkew", skew, Duration.ZERO);
      return this;
    }

    /** Sets the live tokens remembered per caller namespace; at least 1. */
    public Builder setReplayQuotaPerNamespace(int quota) {
      if (quota < 1) {
        throw new IllegalArgumentException(
            "HandlerPolicy.replayQuotaPerNamespace must be at least 1, got " + quota);
      }
      this.replayQuotaPerNamespace = quota;
      return this;
    }

    /** Whether a start must carry a server-built caller link (default true). */
    public Builder setRequireCallerLink(boolean require) {
      this.requireCallerLink = require;
      return this;
    }

    /** Whether to admit inputs no binding-aware codec verified (default false; weaker). */
    public Builder setAllowUnboundInput(boolean allow) {
      this.allowUnboundInput = allow;
      return this;
    }

    /**
     * Sets the replay store every handler worker built with this policy uses (compared by
     * identity); share one instance, or instances over one backing store, between all handler
     * processes of the namespace. See {@link ReplayStore} for the contract.
     */
    public Builder setReplayStore(ReplayStore store) {
      this.replayStore = Objects.requireNonNull(store, "HandlerPolicy.replayStore");
      return this;
    }

    /** Returns to the default: each {@code NexusSecurity} instance remembers in its own memory. */
    public Builder clearReplayStore() {
      this.replayStore = null;
      return this;
    }

    public HandlerPolicy build() {
      return new HandlerPolicy(this);
    }
  }
}
