package dev.nexussecurity.testing;

import com.google.crypto.tink.KeysetHandle;
import dev.nexussecurity.api.AccountRole;
import dev.nexussecurity.api.NexusEndpoint;
import dev.nexussecurity.api.Principal;
import dev.nexussecurity.codec.tink.TinkPayloadCodec;
import dev.nexussecurity.core.HandlerPolicy;
import dev.nexussecurity.core.InMemoryEndpointRegistry;
import dev.nexussecurity.core.NexusSecurityOptions;
import dev.nexussecurity.core.keys.KeysetSource;
import dev.nexussecurity.core.keys.NamespaceKeyDirectory;
import dev.nexussecurity.core.keys.NamespaceKeys;
import dev.nexussecurity.testing.internal.AccessDecisionLog;
import dev.nexussecurity.testing.internal.ResourceStack;
import io.temporal.common.converter.CodecDataConverter;
import io.temporal.common.converter.DataConverter;
import io.temporal.common.converter.DefaultDataConverter;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.function.Consumer;

/**
 * What a {@link NexusSecurityExtension} set up for a test class: the embedded server, the endpoint
 * registry, the keys and one {@link TestNamespace} per declared namespace. Inject it as a test or
 * lifecycle parameter.
 *
 * <pre>{@code
 * @Test
 * void removedCaller_isDenied(NexusSecurityTestEnvironment env) {
 *   env.setAllowedCallers("payments");                  // nobody may call "payments" now
 *   TestNamespace orders = env.getNamespace("orders-ns");
 *   ...
 *   assertThat(orders.getAccessDecisions()).extracting(AccessDecisionEvent::getReason)
 *       .containsExactly(ReasonCode.CALLER_NOT_ALLOWED);
 * }
 * }</pre>
 *
 * <p>Every endpoint exists twice, as on a real deployment: on the server (so that Temporal routes
 * its calls, to its target namespace and task queue) and in the registry (whose allowlist the
 * workers enforce). {@link #addEndpoint} creates both; {@link #setAllowedCallers} changes the
 * allowlist, which lives only in the registry. For anything else, use {@link #getRegistry()} with
 * {@link #getAdmin()} and {@link #getTemporal()} directly.
 *
 * <p>Closed by the extension; thread-safe.
 */
public final class NexusSecurityTestEnvironment {
  private static final String ADMIN_ID = "nexus-security-test-fixtures";

  private final EmbeddedTemporal temporal;
  private final InMemoryEndpointRegistry registry;
  private final Principal admin;
  private final NamespaceKeyDirectory keyDirectory;
  private final TestKeys keys;
  private final Map<String, TestNamespace> namespaces;
  private final ResourceStack resources;

  private NexusSecurityTestEnvironment(
      EmbeddedTemporal temporal,
      InMemoryEndpointRegistry registry,
      Principal admin,
      NamespaceKeyDirectory keyDirectory,
      TestKeys keys,
      Map<String, TestNamespace> namespaces,
      ResourceStack resources) {
    this.temporal = temporal;
    this.registry = registry;
    this.admin = admin;
    this.keyDirectory = keyDirectory;
    this.keys = keys;
    this.namespaces = Collections.unmodifiableMap(new LinkedHashMap<>(namespaces));
    this.resources = resources;
  }

  /**
   * Generates the keys, starts the server, creates the endpoints on it and in the registry, and
   * makes each namespace's client and NexusSecurity. Releases whatever it acquired if a step fails.
   */
  static NexusSecurityTestEnvironment start(
      NexusSecurityExtension.Config config, Consumer<EmbeddedTemporal> afterServerStart) {
    TestKeys keys = config.keySeed == null ? TestKeys.random() : TestKeys.fromSeed(config.keySeed);
    Principal admin =
        Principal.newBuilder(ADMIN_ID).setAccountRole(AccountRole.ACCOUNT_OWNER).build();

    NamespaceKeyDirectory.Builder directoryBuilder = NamespaceKeyDirectory.newBuilder();
    for (String namespace : config.namespaces.keySet()) {
      directoryBuilder.put(keys.getNamespaceKeys(namespace).toPublicKeys());
    }
    NamespaceKeyDirectory directory = directoryBuilder.build();

    Map<String, TinkPayloadCodec> codecs = new LinkedHashMap<>();
    for (PayloadEncryption encryption : config.namespaces.values()) {
      encryption
          .getKeysetName()
          .ifPresent(
              name ->
                  codecs.computeIfAbsent(
                      name,
                      n ->
                          TinkPayloadCodec.newBuilder()
                              .setKeysetSource(
                                  KeysetSource.fromKeysetHandle(keys.getPayloadKeyset(n)))
                              .setKeysetName(n)
                              .build()));
    }

    InMemoryEndpointRegistry registry =
        InMemoryEndpointRegistry.newBuilder().addEndpoints(config.endpoints).build();

    ResourceStack resources = new ResourceStack();
    try {
      EmbeddedTemporal temporal =
          EmbeddedTemporal.newBuilder().setTimeSkipping(config.timeSkipping).start();
      resources.push("embedded Temporal server", temporal::close);
      afterServerStart.accept(temporal);
      for (NexusEndpoint endpoint : config.endpoints) {
        temporal.createNexusEndpoint(
            endpoint.getName(), endpoint.getTargetNamespace(), endpoint.getTargetTaskQueue());
      }
      Map<String, TestNamespace> namespaces = new LinkedHashMap<>();
      for (Map.Entry<String, PayloadEncryption> declared : config.namespaces.entrySet()) {
        String name = declared.getKey();
        PayloadEncryption encryption = declared.getValue();
        TinkPayloadCodec codec = encryption.getKeysetName().map(codecs::get).orElse(null);
        DataConverter converter =
            codec == null
                ? DefaultDataConverter.newDefaultInstance()
                : new CodecDataConverter(DefaultDataConverter.newDefaultInstance(), List.of(codec));
        AccessDecisionLog decisions = new AccessDecisionLog();
        NamespaceKeys namespaceKeys = keys.getNamespaceKeys(name);
        NexusSecurityOptions.Builder optionsBuilder =
            NexusSecurityOptions.newBuilder()
                .setNamespaceKeys(namespaceKeys)
                .setKeyDirectory(directory)
                .setRegistry(registry)
                // The Tink codec binds every input to the caller's token, so handlers require
                // that binding (the product default). Only a namespace declared without a codec
                // (PayloadEncryption.none()) admits unbound inputs: nothing could bind them.
                .setHandlerPolicy(
                    HandlerPolicy.newBuilder().setAllowUnboundInput(codec == null).build())
                .setDataConverter(converter)
                .addAuditListener(decisions);
        if (config.timeSkipping) {
          // Callers stamp tokens with workflow time, which the server skips ahead.
          optionsBuilder.setTimeSource(temporal::currentTimeMillis);
        }
        NexusSecurityOptions options = optionsBuilder.build();
        KeysetHandle signing = namespaceKeys.getSignatureKeys().orElseThrow();
        namespaces.put(
            name,
            new TestNamespace(
                name,
                temporal,
                converter,
                encryption,
                codec,
                encryption.getKeysetName().map(keys::getPayloadKeyset).orElse(null),
                signing,
                options,
                decisions,
                keys));
      }
      return new NexusSecurityTestEnvironment(
          temporal, registry, admin, directory, keys, namespaces, resources);
    } catch (RuntimeException | Error e) {
      resources.closeQuietlyInto(e);
      throw e;
    }
  }

  /** The embedded server (true cross-namespace Nexus routing). */
  public EmbeddedTemporal getTemporal() {
    return temporal;
  }

  /** The registry every namespace's workers enforce, holding the declared endpoints. */
  public InMemoryEndpointRegistry getRegistry() {
    return registry;
  }

  /**
   * An Account Owner (implicitly Namespace Admin everywhere) for changing the {@link #getRegistry()
   * registry} in tests: {@code env.getRegistry().update(env.getAdmin(), ...)}.
   */
  public Principal getAdmin() {
    return admin;
  }

  /**
   * The key directory every namespace's workers use: the public keys of all declared namespaces.
   */
  public NamespaceKeyDirectory getKeyDirectory() {
    return keyDirectory;
  }

  /** The keys of this run. */
  public TestKeys getKeys() {
    return keys;
  }

  /** The declared namespace names, in declaration order; unmodifiable. */
  public List<String> getNamespaceNames() {
    return List.copyOf(namespaces.keySet());
  }

  /**
   * The declared namespace {@code name}.
   *
   * @throws IllegalArgumentException naming the declared namespaces if {@code name} is not one
   */
  public TestNamespace getNamespace(String name) {
    TestNamespace namespace = name == null ? null : namespaces.get(name);
    if (namespace == null) {
      throw new IllegalArgumentException(unknownNamespaceMessage(name));
    }
    return namespace;
  }

  String unknownNamespaceMessage(String name) {
    return "namespace "
        + (name == null ? "null" : "'" + name + "'")
        + " is not declared in the NexusSecurityExtension; declared: "
        + namespaces.keySet()
        + ". Declare it with addNamespace(\""
        + name
        + "\")";
  }

  /**
   * Creates {@code endpoint} in the registry and then on the server. If the server refuses it, the
   * registry entry is removed again, so nothing is half-created.
   *
   * @return the endpoint as stored in the registry (version 1)
   * @throws dev.nexussecurity.api.EndpointAlreadyExistsException if the registry has the name
   * @throws io.grpc.StatusRuntimeException if the server refuses the endpoint
   */
  public NexusEndpoint addEndpoint(NexusEndpoint endpoint) {
    Objects.requireNonNull(endpoint, "endpoint");
    NexusEndpoint stored = registry.create(admin, endpoint);
    try {
      temporal.createNexusEndpoint(
          endpoint.getName(), endpoint.getTargetNamespace(), endpoint.getTargetTaskQueue());
    } catch (RuntimeException e) {
      try {
        registry.delete(admin, stored.getName(), stored.getVersion());
      } catch (RuntimeException rollback) {
        e.addSuppressed(rollback);
      }
      throw e;
    }
    return stored;
  }

  /**
   * Replaces the allowlist of endpoint {@code endpointName} in the registry; no namespace at all
   * denies everyone. Takes effect for the next call on both sides.
   *
   * @return the updated endpoint
   * @throws dev.nexussecurity.api.EndpointNotFoundException if the registry has no such endpoint
   */
  public NexusEndpoint setAllowedCallers(String endpointName, String... callerNamespaces) {
    Objects.requireNonNull(endpointName, "endpointName");
    Objects.requireNonNull(callerNamespaces, "callerNamespaces");
    NexusEndpoint current = registry.get(admin, endpointName);
    return registry.update(
        admin,
        current.toBuilder().setAllowedCallerNamespaces(Arrays.asList(callerNamespaces)).build(),
        current.getVersion());
  }

  void clearAccessDecisions() {
    for (TestNamespace namespace : namespaces.values()) {
      namespace.clearAccessDecisions();
    }
  }

  /** Shuts down every worker factory made on the server, then the server. Idempotent. */
  void close() {
    resources.close();
  }

  boolean isClosed() {
    return temporal.isClosed();
  }

  @Override
  public String toString() {
    return "NexusSecurityTestEnvironment{namespaces="
        + new ArrayList<>(namespaces.keySet())
        + ", endpoints="
        + registry.listEndpoints().size()
        + ", closed="
        + temporal.isClosed()
        + "}";
  }
}
