package dev.nexussecurity.core;

import com.google.crypto.tink.KeysetHandle;
import dev.nexussecurity.api.EndpointRegistry;
import dev.nexussecurity.api.SecurityAuditListener;
import io.temporal.common.converter.DataConverter;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/**
 * Configuration of {@link NexusSecurity} for the workers of one namespace.
 *
 * <ul>
 *   <li><b>namespace</b> (required): the namespace these workers run in. Callers sign tokens as
 *       this namespace; handlers compare it with the endpoint's target.
 *   <li><b>registry</b> (required): the endpoint registry consulted on every call, on both sides.
 *   <li><b>signingKeyset</b> (needed to call endpoints): this namespace's private signature keyset
 *       (Tink Ed25519 recommended). Only this namespace's workers may hold it.
 *   <li><b>identityMacKeyset</b> (instead of signingKeyset, opt-in): a shared-secret Tink MAC
 *       keyset for single-team setups where the public-key signature's cost matters; weaker, see
 *       {@link TrustStore.Builder#addSharedSecretNamespace}.
 *   <li><b>trustStore</b> (needed to handle endpoints): public keysets of the caller namespaces
 *       this worker accepts. Defaults to empty: every caller is denied.
 *   <li><b>tokenLifetime</b> (default 1 hour): how long a caller's token admits the start of its
 *       operation, shortened to the operation's schedule-to-close timeout when that is shorter. The
 *       server retries a start until it is handled; a retry after the token expired is denied with
 *       {@code TOKEN_EXPIRED}, so choose a lifetime longer than the handler outages to ride
 *       through.
 *   <li><b>clockSkew</b> (default 1 minute): tolerance between caller and handler clocks.
 *   <li><b>cancelGracePeriod</b> (default 30 days): how long after its expiry a token still admits
 *       cancelling the operation it started (cancels carry the start's headers and may come much
 *       later).
 *   <li><b>replayCacheCapacity</b> (default 100,000): live tokens remembered to refuse replays;
 *       size it to at least peak starts per second × token lifetime. When full, new starts get a
 *       retryable {@code REPLAY_CACHE_FULL} denial (fail closed).
 *   <li><b>requireCallerLink</b> (default false): deny starts that carry no server-built caller
 *       link.
 *   <li><b>enforceOnCaller</b> (default true): check the registry before scheduling. Turning it off
 *       makes a worker that relies on the handler alone (handlers always enforce); useful to test
 *       handlers.
 *   <li><b>dataConverter</b> (recommended): the DataConverter these workers use. Callers send its
 *       {@link ConverterFingerprint} with each call; handlers compare it with their own (this one,
 *       or else the handler worker's client converter) before decoding, and deny a definitely
 *       incompatible caller at once with {@code BAD_REQUEST} ({@code CODEC_MISSING}, {@code
 *       ENCRYPTION_KEY_UNAVAILABLE}) instead of letting the operation retry until it times out.
 *   <li><b>checkConverterCompatibility</b> (default true): turn the comparison above off.
 *   <li><b>auditListeners</b>: receive every decision; <b>clock</b>: the handler's clock for token
 *       validity (for tests). Callers take the issue time from {@code
 *       Workflow.currentTimeMillis()}.
 * </ul>
 *
 * <pre>{@code
 * NexusSecurityOptions options = NexusSecurityOptions.newBuilder()
 *     .setNamespace("orders-ns")
 *     .setRegistry(registry)
 *     .setSigningKeyset(ordersPrivateKeyset)
 *     .setTrustStore(TrustStore.fromJsonFile(Path.of("trust.json")))
 *     .build();
 * }</pre>
 *
 * <p>Immutable; {@code toString} shows no key material.
 */
public final class NexusSecurityOptions {
  private final String namespace;
  private final EndpointRegistry registry;
  private final KeysetHandle signingKeyset;
  private final KeysetHandle identityMacKeyset;
  private final TrustStore trustStore;
  private final Duration tokenLifetime;
  private final Duration clockSkew;
  private final Duration cancelGracePeriod;
  private final int replayCacheCapacity;
  private final boolean requireCallerLink;
  private final boolean enforceOnCaller;
  private final DataConverter dataConverter;
  private final boolean checkConverterCompatibility;
  private final List<SecurityAuditListener> auditListeners;
  private final Clock clock;

  private NexusSecurityOptions(Builder b) {
    this.namespace = b.namespace;
    this.registry = b.registry;
    this.signingKeyset = b.signingKeyset;
    this.identityMacKeyset = b.identityMacKeyset;
    this.trustStore = b.trustStore;
    this.tokenLifetime = b.tokenLifetime;
    this.clockSkew = b.clockSkew;
    this.cancelGracePeriod = b.cancelGracePeriod;
    this.replayCacheCapacity = b.replayCacheCapacity;
    this.requireCallerLink = b.requireCallerLink;
    this.enforceOnCaller = b.enforceOnCaller;
    this.dataConverter = b.dataConverter;
    this.checkConverterCompatibility = b.checkConverterCompatibility;
    this.auditListeners = List.copyOf(b.auditListeners);
    this.clock = b.clock;
  }

  /** Returns a builder with the defaults. */
  public static Builder newBuilder() {
    return new Builder();
  }

  /** Returns a builder initialized with these options. */
  public Builder toBuilder() {
    return new Builder(this);
  }

  public String getNamespace() {
    return namespace;
  }

  public EndpointRegistry getRegistry() {
    return registry;
  }

  /** The private signing keyset, or {@code null} when this worker does not call endpoints. */
  public KeysetHandle getSigningKeyset() {
    return signingKeyset;
  }

  /**
   * The shared-secret MAC keyset this worker authenticates its tokens with instead of a signature,
   * or {@code null} (the default, public-key mode).
   */
  public KeysetHandle getIdentityMacKeyset() {
    return identityMacKeyset;
  }

  public TrustStore getTrustStore() {
    return trustStore;
  }

  public Duration getTokenLifetime() {
    return tokenLifetime;
  }

  public Duration getClockSkew() {
    return clockSkew;
  }

  public Duration getCancelGracePeriod() {
    return cancelGracePeriod;
  }

  public int getReplayCacheCapacity() {
    return replayCacheCapacity;
  }

  public boolean isRequireCallerLink() {
    return requireCallerLink;
  }

  public boolean isEnforceOnCaller() {
    return enforceOnCaller;
  }

  /** The DataConverter these workers use, or {@code null} when not configured. */
  public DataConverter getDataConverter() {
    return dataConverter;
  }

  public boolean isCheckConverterCompatibility() {
    return checkConverterCompatibility;
  }

  /** The audit listeners, unmodifiable. */
  public List<SecurityAuditListener> getAuditListeners() {
    return auditListeners;
  }

  public Clock getClock() {
    return clock;
  }

  @Override
  public String toString() {
    return "NexusSecurityOptions{namespace="
        + namespace
        + ", signingKeyset="
        + (signingKeyset == null
            ? "none"
            : "primary key id " + Integer.toUnsignedString(signingKeyset.getPrimary().getId()))
        + (identityMacKeyset == null
            ? ""
            : ", identityMacKeyset=primary key id "
                + Integer.toUnsignedString(identityMacKeyset.getPrimary().getId()))
        + ", trustedNamespaces="
        + trustStore.getNamespaces()
        + ", tokenLifetime="
        + tokenLifetime
        + ", clockSkew="
        + clockSkew
        + ", cancelGracePeriod="
        + cancelGracePeriod
        + ", replayCacheCapacity="
        + replayCacheCapacity
        + ", requireCallerLink="
        + requireCallerLink
        + ", enforceOnCaller="
        + enforceOnCaller
        + ", dataConverter="
        + (dataConverter == null ? "none" : dataConverter.getClass().getSimpleName())
        + ", checkConverterCompatibility="
        + checkConverterCompatibility
        + "}";
  }

  /** Builder for {@link NexusSecurityOptions}. */
  public static final class Builder {
    private String namespace;
    private EndpointRegistry registry;
    private KeysetHandle signingKeyset;
    private KeysetHandle identityMacKeyset;
    private TrustStore trustStore = TrustStore.empty();
    private Duration tokenLifetime = Duration.ofHours(1);
    private Duration clockSkew = Duration.ofMinutes(1);
    private Duration cancelGracePeriod = Duration.ofDays(30);
    private int replayCacheCapacity = 100_000;
    private boolean requireCallerLink;
    private boolean enforceOnCaller = true;
    private DataConverter dataConverter;
    private boolean checkConverterCompatibility = true;
    private final List<SecurityAuditListener> auditListeners = new ArrayList<>();
    private Clock clock = Clock.systemUTC();

    private Builder() {}

    private Builder(NexusSecurityOptions o) {
      namespace = o.namespace;
      registry = o.registry;
      signingKeyset = o.signingKeyset;
      identityMacKeyset = o.identityMacKeyset;
      trustStore = o.trustStore;
      tokenLifetime = o.tokenLifetime;
      clockSkew = o.clockSkew;
      cancelGracePeriod = o.cancelGracePeriod;
      replayCacheCapacity = o.replayCacheCapacity;
      requireCallerLink = o.requireCallerLink;
      enforceOnCaller = o.enforceOnCaller;
      dataConverter = o.dataConverter;
      checkConverterCompatibility = o.checkConverterCompatibility;
      auditListeners.addAll(o.auditListeners);
      clock = o.clock;
    }

    /** Sets this worker's namespace (required). */
    public Builder setNamespace(String namespace) {
      if (namespace == null || namespace.isBlank()) {
        throw new IllegalArgumentException(
            "NexusSecurityOptions.namespace must be this worker's non-blank namespace, got '"
                + namespace
                + "'");
      }
      this.namespace = namespace;
      return this;
    }

    /** Sets the endpoint registry (required). */
    public Builder setRegistry(EndpointRegistry registry) {
      this.registry = Objects.requireNonNull(registry, "NexusSecurityOptions.registry");
      return this;
    }

    /**
     * Sets this namespace's private signature keyset, used to sign caller identity tokens.
     * Validated in {@link #build()}.
     */
    public Builder setSigningKeyset(KeysetHandle privateKeyset) {
      this.signingKeyset =
          Objects.requireNonNull(privateKeyset, "NexusSecurityOptions.signingKeyset");
      return this;
    }

    /**
     * Authenticates this worker's tokens with a shared-secret Tink MAC keyset instead of a
     * signature keyset: the opt-in, weaker mode for single-team setups (handlers trust it with
     * {@link TrustStore.Builder#addSharedSecretNamespace}, whose warning applies). Exclusive with
     * {@link #setSigningKeyset}.
     */
    public Builder setIdentityMacKeyset(KeysetHandle macKeyset) {
      this.identityMacKeyset =
          Objects.requireNonNull(macKeyset, "NexusSecurityOptions.identityMacKeyset");
      return this;
    }

    /** Sets the public keysets of trusted caller namespaces. */
    public Builder setTrustStore(TrustStore trustStore) {
      this.trustStore = Objects.requireNonNull(trustStore, "NexusSecurityOptions.trustStore");
      return this;
    }

    /** Sets the token lifetime; at least one second. */
    public Builder setTokenLifetime(Duration lifetime) {
      this.tokenLifetime = requireAtLeast("tokenLifetime", lifetime, Duration.ofSeconds(1));
      return this;
    }

    /** Sets the tolerated clock skew between caller and handler; zero or more. */
    public Builder setClockSkew(Duration skew) {
      this.clockSkew = requireAtLeast("clockSkew", skew, Duration.ZERO);
      return this;
    }

    /** Sets how long after expiry a token still admits a cancel; zero or more. */
    public Builder setCancelGracePeriod(Duration grace) {
      this.cancelGracePeriod = requireAtLeast("cancelGracePeriod", grace, Duration.ZERO);
      return this;
    }

    /** Sets the replay cache capacity; at least 1. */
    public Builder setReplayCacheCapacity(int capacity) {
      if (capacity < 1) {
        throw new IllegalArgumentException(
            "NexusSecurityOptions.replayCacheCapacity must be at least 1, got " + capacity);
      }
      this.replayCacheCapacity = capacity;
      return this;
    }

    /** Whether to deny starts without a server-built caller link. */
    public Builder setRequireCallerLink(boolean require) {
      this.requireCallerLink = require;
      return this;
    }

    /**
     * Whether to check the registry on the caller side before scheduling (default true). Handlers
     * always enforce; turning this off only removes the early, local denial.
     */
    public Builder setEnforceOnCaller(boolean enforce) {
      this.enforceOnCaller = enforce;
      return this;
    }

    /**
     * Sets the DataConverter these workers use (the one in their {@code WorkflowClientOptions}),
     * which enables the runtime converter compatibility check on the caller side.
     */
    public Builder setDataConverter(DataConverter converter) {
      this.dataConverter = Objects.requireNonNull(converter, "NexusSecurityOptions.dataConverter");
      return this;
    }

    /** Whether to compare converter fingerprints at runtime (default true). */
    public Builder setCheckConverterCompatibility(boolean check) {
      this.checkConverterCompatibility = check;
      return this;
    }

    /** Adds an audit listener. */
    public Builder addAuditListener(SecurityAuditListener listener) {
      auditListeners.add(Objects.requireNonNull(listener, "auditListener"));
      return this;
    }

    /**
     * Sets the clock the handler side checks token validity against (default UTC system clock).
     * Callers use workflow time, which must stay deterministic.
     */
    public Builder setClock(Clock clock) {
      this.clock = Objects.requireNonNull(clock, "NexusSecurityOptions.clock");
      return this;
    }

    /**
     * Builds the options.
     *
     * @throws IllegalArgumentException if namespace or registry is missing, or the signing keyset
     *     is not a private signature keyset
     */
    public NexusSecurityOptions build() {
      if (namespace == null) {
        throw new IllegalArgumentException("NexusSecurityOptions.namespace is required");
      }
      if (registry == null) {
        throw new IllegalArgumentException("NexusSecurityOptions.registry is required");
      }
      if (signingKeyset != null && identityMacKeyset != null) {
        throw new IllegalArgumentException(
            "NexusSecurityOptions: set either signingKeyset (public-key signatures, the default) or"
                + " identityMacKeyset (shared-secret MAC), not both");
      }
      return new NexusSecurityOptions(this);
    }

    private static Duration requireAtLeast(String field, Duration value, Duration min) {
      if (value == null || value.compareTo(min) < 0) {
        throw new IllegalArgumentException(
            "NexusSecurityOptions." + field + " must be at least " + min + ", got " + value);
      }
      return value;
    }
  }
}
