package dev.nexussecurity.testing;

import com.google.crypto.tink.KeysetHandle;
import dev.nexussecurity.api.AccessDecisionEvent;
import dev.nexussecurity.codec.tink.TinkPayloadCodec;
import dev.nexussecurity.core.NexusSecurity;
import dev.nexussecurity.core.NexusSecurityOptions;
import dev.nexussecurity.core.keys.NamespaceKeys;
import dev.nexussecurity.testing.internal.AccessDecisionLog;
import io.temporal.client.WorkflowClient;
import io.temporal.common.converter.DataConverter;
import io.temporal.worker.WorkerFactory;
import io.temporal.worker.WorkerFactoryOptions;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * One namespace of a {@link NexusSecurityTestEnvironment}: its client, converter, keys,
 * NexusSecurity instance and the access decisions its workers made.
 *
 * <p>Every worker of the namespace made by the extension shares one {@link NexusSecurity} (so
 * handler workers share its replay cache), configured with the namespace name, the environment's
 * registry, the namespace's signing keyset, the environment's trust store (every declared
 * namespace's public key), the namespace's {@link #getDataConverter() converter} and an audit
 * listener that feeds {@link #getAccessDecisions()}. {@link #newOptionsBuilder()} starts from those
 * options, for workers that deviate on purpose:
 *
 * <pre>{@code
 * TestNamespace billing = env.getNamespace("billing-ns");
 * // a rogue caller: skips its own allowlist check, so only the handler can stop it
 * WorkerFactory rogue = billing.newWorkerFactory(
 *     billing.newOptionsBuilder().setEnforceOnCaller(false).build());
 * rogue.newWorker("rogue-tq").registerWorkflowImplementationTypes(CallerWorkflowImpl.class);
 * rogue.start();
 *
 * // a caller whose payload key the handler lacks
 * DataConverter stale = TestConverters.withKeyTheHandlerLacks(env.getNamespace("payments-ns"));
 * WorkflowClient staleClient = billing.newWorkflowClient(stale);
 * WorkerFactory staleWorkers = billing.newWorkerFactory(
 *     staleClient, billing.newOptionsBuilder().setDataConverter(stale).build());
 * }</pre>
 *
 * <p>Worker factories made by this class live until the environment closes (the end of the test
 * class for a static extension field); shut one down yourself to stop it earlier. Thread-safe.
 */
public final class TestNamespace {
  private final String name;
  private final EmbeddedTemporal temporal;
  private final WorkflowClient client;
  private final DataConverter dataConverter;
  private final PayloadEncryption payloadEncryption;
  private final TinkPayloadCodec codec;
  private final KeysetHandle payloadKeyset;
  private final KeysetHandle signingKeyset;
  private final NexusSecurity security;
  private final AccessDecisionLog decisions;
  private final TestKeys keys;

  TestNamespace(
      String name,
      EmbeddedTemporal temporal,
      DataConverter dataConverter,
      PayloadEncryption payloadEncryption,
      TinkPayloadCodec codec,
      KeysetHandle payloadKeyset,
      KeysetHandle signingKeyset,
      NexusSecurityOptions options,
      AccessDecisionLog decisions,
      TestKeys keys) {
    this.name = name;
    this.temporal = temporal;
    this.dataConverter = dataConverter;
    this.payloadEncryption = payloadEncryption;
    this.codec = codec;
    this.payloadKeyset = payloadKeyset;
    this.signingKeyset = signingKeyset;
    this.decisions = decisions;
    this.keys = keys;
    this.client = temporal.newWorkflowClient(name, dataConverter);
    this.security = NexusSecurity.newInstance(options);
  }

  /** The namespace name. */
  public String getName() {
    return name;
  }

  /** A client of this namespace with its {@link #getDataConverter() converter}. */
  public WorkflowClient getWorkflowClient() {
    return client;
  }

  /**
   * The namespace's converter: the SDK's default converter with a {@link TinkPayloadCodec} over the
   * namespace's payload keyset, or the plain default converter for {@link
   * PayloadEncryption#none()}. Failure messages and stack traces are not encoded (the SDK's
   * default).
   */
  public DataConverter getDataConverter() {
    return dataConverter;
  }

  /** How this namespace was declared to protect its payloads. */
  public PayloadEncryption getPayloadEncryption() {
    return payloadEncryption;
  }

  /** The payload codec, or empty for {@link PayloadEncryption#none()}. */
  public Optional<TinkPayloadCodec> getPayloadCodec() {
    return Optional.ofNullable(codec);
  }

  /** The AEAD payload keyset (shared with the namespaces that name the same keyset), or empty. */
  public Optional<KeysetHandle> getPayloadKeyset() {
    return Optional.ofNullable(payloadKeyset);
  }

  /** The namespace's private Ed25519 signing keyset; its public half is in the key directory. */
  public KeysetHandle getSigningKeyset() {
    return signingKeyset;
  }

  /** The namespace's private keys (key agreement and signature); public halves in the directory. */
  public NamespaceKeys getNamespaceKeys() {
    return keys.getNamespaceKeys(name);
  }

  /** The NexusSecurity instance shared by the workers the extension makes for this namespace. */
  public NexusSecurity getNexusSecurity() {
    return security;
  }

  /** A builder holding this namespace's options, to change some of them for one worker. */
  public NexusSecurityOptions.Builder newOptionsBuilder() {
    return security.getOptions().toBuilder();
  }

  /**
   * The access decisions of this namespace's workers (caller and handler side, allowed and denied)
   * recorded since the current test method began, oldest first; unmodifiable snapshot. Decisions
   * are cleared before each test method, so tests of one class that read them must not run
   * concurrently.
   */
  public List<AccessDecisionEvent> getAccessDecisions() {
    return decisions.snapshot();
  }

  /** A client of this namespace that uses {@code converter}, for example a mismatched one. */
  public WorkflowClient newWorkflowClient(DataConverter converter) {
    Objects.requireNonNull(converter, "converter");
    return temporal.newWorkflowClient(name, converter);
  }

  /**
   * A worker factory for this namespace's client, wired with a new NexusSecurity of {@code
   * options}.
   *
   * @param options options of this namespace, usually from {@link #newOptionsBuilder()}
   * @throws IllegalArgumentException if {@code options} are for another namespace
   */
  public WorkerFactory newWorkerFactory(NexusSecurityOptions options) {
    return newWorkerFactory(client, options);
  }

  /**
   * A worker factory for {@code client}, wired with a new NexusSecurity of {@code options}. Give
   * both the same converter ({@code setDataConverter}) so that the caller's converter fingerprint
   * matches what the worker really sends.
   *
   * @param client a client of this namespace on the environment's server, e.g. from {@link
   *     #newWorkflowClient(DataConverter)}
   * @param options options of this namespace, usually from {@link #newOptionsBuilder()}
   * @throws IllegalArgumentException if the client or the options are for another namespace
   */
  public WorkerFactory newWorkerFactory(WorkflowClient client, NexusSecurityOptions options) {
    Objects.requireNonNull(client, "client");
    Objects.requireNonNull(options, "options");
    String clientNamespace = client.getOptions().getNamespace();
    if (!name.equals(clientNamespace)) {
      throw new IllegalArgumentException(
          "the client is for namespace '"
              + clientNamespace
              + "', not '"
              + name
              + "'; use newWorkflowClient(converter) of this TestNamespace");
    }
    if (!name.equals(options.getNamespace())) {
      throw new IllegalArgumentException(
          "the NexusSecurityOptions are for namespace '"
              + options.getNamespace()
              + "', not '"
              + name
              + "'; start from newOptionsBuilder() of this TestNamespace");
    }
    return newFactory(client, NexusSecurity.newInstance(options));
  }

  /** A worker factory with this namespace's shared NexusSecurity, for the extension's scopes. */
  WorkerFactory newDefaultWorkerFactory() {
    return newFactory(client, security);
  }

  /** The server this namespace lives on. */
  EmbeddedTemporal getTemporal() {
    return temporal;
  }

  /** The keys of the environment this namespace belongs to. */
  TestKeys getKeys() {
    return keys;
  }

  void clearAccessDecisions() {
    decisions.clear();
  }

  private WorkerFactory newFactory(WorkflowClient forClient, NexusSecurity withSecurity) {
    return temporal.newWorkerFactory(
        forClient, withSecurity.workerFactoryOptions(WorkerFactoryOptions.newBuilder().build()));
  }

  /** Names the namespace and its payload protection; never key material. */
  @Override
  public String toString() {
    return "TestNamespace{name=" + name + ", payloadEncryption=" + payloadEncryption + "}";
  }
}
