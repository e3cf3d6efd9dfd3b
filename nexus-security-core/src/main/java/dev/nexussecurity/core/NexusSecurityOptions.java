package dev.nexussecurity.core;

import dev.nexussecurity.api.EndpointRegistry;
import dev.nexussecurity.api.SecurityAuditListener;
import dev.nexussecurity.core.internal.identity.Ed25519WithProvider;
import dev.nexussecurity.core.keys.KeyDirectory;
import dev.nexussecurity.core.keys.NamespaceKeyDirectory;
import dev.nexussecurity.core.keys.NamespaceKeys;
import io.temporal.common.converter.DataConverter;
import java.security.Provider;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.function.LongSupplier;

/**
 * Configuration of {@link NexusSecurity} for the workers of one namespace, split by role.
 *
 * <ul>
 *   <li><b>namespaceKeys</b> (needed to call endpoints and to verify pairwise tokens): this
 *       namespace's own private keys. Its namespace is this worker's namespace. Only this
 *       namespace's workers may hold them.
 *   <li><b>keyDirectory</b> (needed on both sides): the public keys of the namespaces this worker
 *       talks to: callers derive their pairwise key with a handler from it, handlers verify callers
 *       with it. Default empty: every caller is denied. Old trust store files load as a directory
 *       ({@link NamespaceKeyDirectory#load}).
 *   <li><b>registry</b> (required): the endpoint registry consulted on every call, on both sides.
 *   <li><b>callerPolicy</b>: identity mode and token lifetime cap of outgoing calls ({@link
 *       CallerPolicy}).
 *   <li><b>handlerPolicy</b>: what incoming requests must prove ({@link HandlerPolicy}).
 *   <li><b>timeSource</b> (default the system clock): the handler's time, in epoch milliseconds,
 *       that token validity is checked against. Callers stamp tokens with workflow time, so under
 *       Temporal's time-skipping test server give handlers the server's time: {@code
 *       .setTimeSource(testEnv::currentTimeMillis)}.
 *   <li><b>dataConverter</b> (recommended) and <b>checkConverterCompatibility</b> (default true):
 *       callers send the converter's fingerprint, handlers compare it before decoding.
 *   <li><b>enforceOnCaller</b> (default true): check the registry before scheduling.
 *   <li><b>auditListeners</b>: receive every decision.
 *   <li><b>signatureProvider</b> (optional): a JCA provider that computes the Ed25519 of
 *       signature-mode identity tokens, about twice as fast as Tink's own code ({@link
 *       Builder#setSignatureProvider}).
 * </ul>
 *
 * <pre>{@code
 * NexusSecurityOptions options = NexusSecurityOptions.newBuilder()
 *     .setNamespaceKeys(ordersKeys)                       // NamespaceKeys of "orders"
 *     .setKeyDirectory(NamespaceKeyDirectory.load(Path.of("key-directory.json")))
 *     .setRegistry(registry)
 *     .build();
 * }</pre>
 *
 * <p>Immutable; {@code toString} shows key ids, never key material.
 */
public final class NexusSecurityOptions {
  private static final LongSupplier SYSTEM_TIME = System::currentTimeMillis;

  private final String namespace;
  private final EndpointRegistry registry;
  private final NamespaceKeys namespaceKeys;
  private final KeyDirectory keyDirectory;
  private final CallerPolicy callerPolicy;
  private final HandlerPolicy handlerPolicy;
  private final LongSupplier timeSource;
  private final boolean enforceOnCaller;
  private final DataConverter dataConverter;
  private final boolean checkConverterCompatibility;
  private final List<SecurityAuditListener> auditListeners;
  private final Provider signatureProvider;

  private NexusSecurityOptions(Builder b, String namespace) {
    this.namespace = namespace;
    this.registry = b.registry;
    this.namespaceKeys = b.namespaceKeys;
    this.keyDirectory = b.keyDirectory;
    this.callerPolicy = b.callerPolicy;
    this.handlerPolicy = b.handlerPolicy;
    this.timeSource = b.timeSource;
    this.enforceOnCaller = b.enforceOnCaller;
    this.dataConverter = b.dataConverter;
    this.checkConverterCompatibility = b.checkConverterCompatibility;
    this.auditListeners = List.copyOf(b.auditListeners);
    this.signatureProvider = b.signatureProvider;
  }

  /** Returns a builder with the defaults. */
  public static Builder newBuilder() {
    return new Builder();
  }

  /** Returns a builder initialized with these options. */
  public Builder toBuilder() {
    return new Builder(this);
  }

  /** This worker's namespace. */
  public String getNamespace() {
    return namespace;
  }

  public EndpointRegistry getRegistry() {
    return registry;
  }

  /** This namespace's own keys, if configured. */
  public Optional<NamespaceKeys> getNamespaceKeys() {
    return Optional.ofNullable(namespaceKeys);
  }

  public KeyDirectory getKeyDirectory() {
    return keyDirectory;
  }

  public CallerPolicy getCallerPolicy() {
    return callerPolicy;
  }

  public HandlerPolicy getHandlerPolicy() {
    return handlerPolicy;
  }

  /** The handler's time source, epoch milliseconds. */
  public LongSupplier getTimeSource() {
    return timeSource;
  }

  /** Whether the time source is the system clock (the default). */
  public boolean isSystemTimeSource() {
    return timeSource == SYSTEM_TIME;
  }

  public boolean isEnforceOnCaller() {
    return enforceOnCaller;
  }

  /** The DataConverter these workers use, if configured. */
  public Optional<DataConverter> getDataConverter() {
    return Optional.ofNullable(dataConverter);
  }

  public boolean isCheckConverterCompatibility() {
    return checkConverterCompatibility;
  }

  /** The audit listeners, unmodifiable. */
  public List<SecurityAuditListener> getAuditListeners() {
    return auditListeners;
  }

  /**
   * The JCA provider computing Ed25519 for signature-mode identity tokens, if set; empty means
   * Tink's own implementation.
   */
  public Optional<Provider> getSignatureProvider() {
    return Optional.ofNullable(signatureProvider);
  }

  @Override
  public String toString() {
    return "NexusSecurityOptions{namespace="
        + namespace
        + ", namespaceKeys="
        + (namespaceKeys == null ? "none" : namespaceKeys)
        + ", keyDirectory="
        + keyDirectory.getClass().getSimpleName()
        + ", "
        + callerPolicy
        + ", "
        + handlerPolicy
        + ", enforceOnCaller="
        + enforceOnCaller
        + ", dataConverter="
        + (dataConverter == null ? "none" : dataConverter.getClass().getSimpleName())
        + ", checkConverterCompatibility="
        + checkConverterCompatibility
        + (signatureProvider == null ? "" : ", signatureProvider=" + signatureProvider.getName())
        + "}";
  }

  /** Builder for {@link NexusSecurityOptions}. */
  public static final class Builder {
    private String namespace;
    private EndpointRegistry registry;
    private NamespaceKeys namespaceKeys;
    private KeyDirectory keyDirectory = NamespaceKeyDirectory.empty();
    private CallerPolicy callerPolicy = CallerPolicy.defaults();
    private HandlerPolicy handlerPolicy = HandlerPolicy.defaults();
    private LongSupplier timeSource = SYSTEM_TIME;
    private boolean enforceOnCaller = true;
    private DataConverter dataConverter;
    private boolean checkConverterCompatibility = true;
    private final List<SecurityAuditListener> auditListeners = new ArrayList<>();
    private Provider signatureProvider;

    private Builder() {}

    private Builder(NexusSecurityOptions o) {
      namespace = o.namespace;
      registry = o.registry;
      namespaceKeys = o.namespaceKeys;
      keyDirectory = o.keyDirectory;
      callerPolicy = o.callerPolicy;
      handlerPolicy = o.handlerPolicy;
      timeSource = o.timeSource;
      enforceOnCaller = o.enforceOnCaller;
      dataConverter = o.dataConverter;
      checkConverterCompatibility = o.checkConverterCompatibility;
      auditListeners.addAll(o.auditListeners);
      signatureProvider = o.signatureProvider;
    }

    /**
     * Sets this worker's namespace. Optional when {@link #setNamespaceKeys namespace keys} are set
     * (their namespace is used); must match them otherwise.
     */
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

    /** Sets this namespace's own private keys. */
    public Builder setNamespaceKeys(NamespaceKeys keys) {
      this.namespaceKeys = Objects.requireNonNull(keys, "NexusSecurityOptions.namespaceKeys");
      return this;
    }

    /** Sets the directory of other namespaces' public keys. */
    public Builder setKeyDirectory(KeyDirectory directory) {
      this.keyDirectory = Objects.requireNonNull(directory, "NexusSecurityOptions.keyDirectory");
      return this;
    }

    /** Sets the caller policy (default {@link CallerPolicy#defaults()}). */
    public Builder setCallerPolicy(CallerPolicy policy) {
      this.callerPolicy = Objects.requireNonNull(policy, "NexusSecurityOptions.callerPolicy");
      return this;
    }

    /** Sets the handler policy (default {@link HandlerPolicy#defaults()}). */
    public Builder setHandlerPolicy(HandlerPolicy policy) {
      this.handlerPolicy = Objects.requireNonNull(policy, "NexusSecurityOptions.handlerPolicy");
      return this;
    }

    /**
     * Sets the handler's time source in epoch milliseconds, e.g. {@code testEnv::currentTimeMillis}
     * for Temporal's {@code TestWorkflowEnvironment}.
     */
    public Builder setTimeSource(LongSupplier currentTimeMillis) {
      this.timeSource =
          Objects.requireNonNull(currentTimeMillis, "NexusSecurityOptions.timeSource");
      return this;
    }

    /** Sets the handler's time source from a {@link Clock}. */
    public Builder setClock(Clock clock) {
      Objects.requireNonNull(clock, "NexusSecurityOptions.clock");
      this.timeSource = clock::millis;
      return this;
    }

    /** Whether to check the registry on the caller side before scheduling (default true). */
    public Builder setEnforceOnCaller(boolean enforce) {
      this.enforceOnCaller = enforce;
      return this;
    }

    /** Sets the DataConverter these workers use, which enables the compatibility check. */
    public Builder setDataConverter(DataConverter converter) {
      this.dataConverter = Objects.requireNonNull(converter, "NexusSecurityOptions.dataConverter");
      return this;
    }

    /** Whether to compare converter fingerprints at runtime (default true). */
    public Builder setCheckConverterCompatibility(boolean check) {
      this.checkConverterCompatibility = check;
      return this;
    }

    /**
     * Sets a JCA provider to compute Ed25519 for identity tokens in {@link IdentityMode#SIGNATURE
     * SIGNATURE} mode (optional; default: Tink's own pure-Java Ed25519). It is used for nothing
     * else: this worker's callers sign their tokens with it, its handlers verify callers' tokens
     * with it; pairwise tokens, payload encryption and registry policies are unaffected.
     *
     * <pre>{@code
     * NexusSecurityOptions options = NexusSecurityOptions.newBuilder()
     *     .setNamespaceKeys(ordersKeys)
     *     .setKeyDirectory(directory)
     *     .setRegistry(registry)
     *     .setCallerPolicy(CallerPolicy.newBuilder().setIdentityMode(IdentityMode.SIGNATURE).build())
     *     .setSignatureProvider(new BouncyCastleProvider())   // org.bouncycastle:bcprov-jdk18on
     *     .build();
     * }</pre>
     *
     * <p>The provider must implement the {@code "Ed25519"} {@code KeyFactory} and {@code
     * Signature}; {@link #build()} checks it against RFC 8032's first test vector. Tink keysets
     * stay the key format and Tink the API: the primitives are Tink's own {@code
     * Ed25519SignJce.createWithProvider} / {@code Ed25519VerifyJce.createWithProvider} (Tink's
     * internal API, at the Tink version our BOM pins), built per keyset entry, so a token is
     * byte-identical with or without a provider (Ed25519 is deterministic) and verifies on workers
     * configured either way. With BouncyCastle a token's sign takes about half, its verification
     * under half the CPU time of Tink 1.24's own code (see BENCHMARKS.md).
     */
    public Builder setSignatureProvider(Provider provider) {
      this.signatureProvider =
          Objects.requireNonNull(provider, "NexusSecurityOptions.signatureProvider");
      return this;
    }

    /** Adds an audit listener. */
    public Builder addAuditListener(SecurityAuditListener listener) {
      auditListeners.add(Objects.requireNonNull(listener, "auditListener"));
      return this;
    }

    /**
     * Builds the options.
     *
     * @throws IllegalArgumentException naming the field and value: no namespace (and no keys), a
     *     namespace that differs from the keys', no registry, signature mode without a signature
     *     keyset, or a signature provider without a working Ed25519
     */
    public NexusSecurityOptions build() {
      String ns = namespace;
      if (namespaceKeys != null) {
        if (ns != null && !ns.equals(namespaceKeys.getNamespace())) {
          throw new IllegalArgumentException(
              "NexusSecurityOptions.namespace is '"
                  + ns
                  + "' but the namespaceKeys are those of '"
                  + namespaceKeys.getNamespace()
                  + "'; set the keys of this worker's namespace");
        }
        ns = namespaceKeys.getNamespace();
      }
      if (ns == null) {
        throw new IllegalArgumentException(
            "NexusSecurityOptions.namespace is required: set namespaceKeys (or namespace for a"
                + " worker that only serves endpoints in signature mode)");
      }
      if (registry == null) {
        throw new IllegalArgumentException("NexusSecurityOptions.registry is required");
      }
      if (callerPolicy.getIdentityMode() == IdentityMode.SIGNATURE
          && namespaceKeys != null
          && namespaceKeys.getSignatureKeys().isEmpty()) {
        throw new IllegalArgumentException(
            "NexusSecurityOptions.callerPolicy.identityMode is SIGNATURE but the namespaceKeys of '"
                + ns
                + "' have no signature keyset; add one (NamespaceKeys.Builder.setSignatureKeys) or"
                + " use IdentityMode.PAIRWISE");
      }
      if (signatureProvider != null) {
        String problem = Ed25519WithProvider.problemWith(signatureProvider);
        if (problem != null) {
          throw new IllegalArgumentException(
              "NexusSecurityOptions.signatureProvider '"
                  + signatureProvider.getName()
                  + "' cannot serve Ed25519 identity tokens: "
                  + problem
                  + "; give a provider with Ed25519 (e.g. BouncyCastle's) or leave it unset for"
                  + " Tink's own Ed25519");
        }
      }
      return new NexusSecurityOptions(this, ns);
    }
  }
}
