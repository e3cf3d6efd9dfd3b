package dev.nexussecurity.examples;

import com.google.crypto.tink.KmsClient;
import dev.nexussecurity.api.PayloadProtection;
import dev.nexussecurity.codec.tink.PayloadKeyPolicy;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Collections;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.TreeMap;

/**
 * What one worker needs to start: its namespace and task queue, its namespace keys file, the key
 * directory file, the shared keysets of the services that use one, the payload key policy, and —
 * for callers — the endpoint and operation timeout. With a KMS client and key URI, the namespace
 * keys file and shared keysets are read as encrypted under that KMS key (production); without, as
 * cleartext (development only).
 *
 * <pre>{@code
 * WorkerSettings orders = WorkerSettings.newBuilder()
 *     .setNamespace("orders")
 *     .setTaskQueue("checkout")
 *     .setNamespaceKeysFile(Path.of("/etc/orders/orders.keys.json"))
 *     .setKeyDirectoryFile(Path.of("/etc/nexus/key-directory.json"))
 *     .putSharedKeysetFile("fraud", Path.of("/etc/orders/fraud.keyset.json"))
 *     .setPayloadKeyPolicy(WorkerSettings.DEMO_POLICY)
 *     .setKms(kmsClient, "aws-kms://arn:aws:kms:eu-west-1:111122223333:key/abcd")
 *     .build();
 * }</pre>
 *
 * <p>Immutable; {@code toString} shows file names, never key material.
 */
public final class WorkerSettings {
  /** The endpoint callers use unless told otherwise. */
  public static final String DEFAULT_ENDPOINT = "payments";

  /** The shared keyset of {@code FraudService}'s payloads. */
  public static final String FRAUD_KEYSET = "fraud";

  /**
   * The example's payload key policy: pairwise between caller and handler namespace by default, and
   * {@code FraudService} of endpoint {@code payments} under its own shared keyset {@value
   * #FRAUD_KEYSET}.
   */
  public static final PayloadKeyPolicy DEMO_POLICY =
      PayloadKeyPolicy.newBuilder()
          .setDefault(PayloadProtection.pairwise())
          .setForService(DEFAULT_ENDPOINT, "FraudService", PayloadProtection.shared(FRAUD_KEYSET))
          .build();

  /** Schedule-to-close timeout of the caller's Nexus operations unless told otherwise. */
  public static final Duration DEFAULT_OPERATION_TIMEOUT = Duration.ofSeconds(30);

  private final String namespace;
  private final String taskQueue;
  private final Path namespaceKeysFile;
  private final Path keyDirectoryFile;
  private final Map<String, Path> sharedKeysetFiles;
  private final PayloadKeyPolicy payloadKeyPolicy;
  private final KmsClient kmsClient;
  private final String kmsKeyUri;
  private final boolean enforceOnCaller;
  private final String endpoint;
  private final Duration operationTimeout;

  private WorkerSettings(Builder b) {
    this.namespace = b.namespace;
    this.taskQueue = b.taskQueue;
    this.namespaceKeysFile = b.namespaceKeysFile;
    this.keyDirectoryFile = b.keyDirectoryFile;
    this.sharedKeysetFiles = Collections.unmodifiableMap(new TreeMap<>(b.sharedKeysetFiles));
    this.payloadKeyPolicy = b.payloadKeyPolicy;
    this.kmsClient = b.kmsClient;
    this.kmsKeyUri = b.kmsKeyUri;
    this.enforceOnCaller = b.enforceOnCaller;
    this.endpoint = b.endpoint;
    this.operationTimeout = b.operationTimeout;
  }

  /** A builder; namespace, task queue, namespace keys file and key directory file are required. */
  public static Builder newBuilder() {
    return new Builder();
  }

  /** A builder holding these settings. */
  public Builder toBuilder() {
    return new Builder(this);
  }

  /** The worker's namespace. */
  public String getNamespace() {
    return namespace;
  }

  /** The worker's task queue. */
  public String getTaskQueue() {
    return taskQueue;
  }

  /** This namespace's keys file (its private keys; {@code nexus-security-keys namespace-keys}). */
  public Path getNamespaceKeysFile() {
    return namespaceKeysFile;
  }

  /** The key directory file: every namespace's public keys. */
  public Path getKeyDirectoryFile() {
    return keyDirectoryFile;
  }

  /** Shared payload keysets by name, unmodifiable. */
  public Map<String, Path> getSharedKeysetFiles() {
    return sharedKeysetFiles;
  }

  /** Which protection each call's payloads get. */
  public PayloadKeyPolicy getPayloadKeyPolicy() {
    return payloadKeyPolicy;
  }

  /** The KMS client that decrypts the key files, if they are encrypted. */
  public Optional<KmsClient> getKmsClient() {
    return Optional.ofNullable(kmsClient);
  }

  /** The URI of the KMS key the key files are encrypted under, if they are. */
  public Optional<String> getKmsKeyUri() {
    return Optional.ofNullable(kmsKeyUri);
  }

  /** Whether the caller checks the allowlist before scheduling (default true). */
  public boolean isEnforceOnCaller() {
    return enforceOnCaller;
  }

  /** The Nexus endpoint a caller's {@code PaymentsService} and {@code FraudService} calls use. */
  public String getEndpoint() {
    return endpoint;
  }

  /** Schedule-to-close timeout of the caller's Nexus operations. */
  public Duration getOperationTimeout() {
    return operationTimeout;
  }

  @Override
  public String toString() {
    return "WorkerSettings{namespace="
        + namespace
        + ", taskQueue="
        + taskQueue
        + ", namespaceKeysFile="
        + namespaceKeysFile
        + ", keyDirectoryFile="
        + keyDirectoryFile
        + ", sharedKeysetFiles="
        + sharedKeysetFiles
        + ", payloadKeyPolicy="
        + payloadKeyPolicy
        + ", keys="
        + (kmsKeyUri == null
            ? "cleartext (development only)"
            : "KMS-encrypted (" + scheme(kmsKeyUri) + ")")
        + ", enforceOnCaller="
        + enforceOnCaller
        + ", endpoint="
        + endpoint
        + ", operationTimeout="
        + operationTimeout
        + "}";
  }

  private static String scheme(String uri) {
    int i = uri.indexOf("://");
    return i < 0 ? "?" : uri.substring(0, i);
  }

  /** Builder of {@link WorkerSettings}. */
  public static final class Builder {
    private String namespace;
    private String taskQueue;
    private Path namespaceKeysFile;
    private Path keyDirectoryFile;
    private final Map<String, Path> sharedKeysetFiles = new TreeMap<>();
    private PayloadKeyPolicy payloadKeyPolicy = DEMO_POLICY;
    private KmsClient kmsClient;
    private String kmsKeyUri;
    private boolean enforceOnCaller = true;
    private String endpoint = DEFAULT_ENDPOINT;
    private Duration operationTimeout = DEFAULT_OPERATION_TIMEOUT;

    private Builder() {}

    private Builder(WorkerSettings s) {
      namespace = s.namespace;
      taskQueue = s.taskQueue;
      namespaceKeysFile = s.namespaceKeysFile;
      keyDirectoryFile = s.keyDirectoryFile;
      sharedKeysetFiles.putAll(s.sharedKeysetFiles);
      payloadKeyPolicy = s.payloadKeyPolicy;
      kmsClient = s.kmsClient;
      kmsKeyUri = s.kmsKeyUri;
      enforceOnCaller = s.enforceOnCaller;
      endpoint = s.endpoint;
      operationTimeout = s.operationTimeout;
    }

    /** Sets the worker's namespace: non-blank, no surrounding whitespace. */
    public Builder setNamespace(String namespace) {
      this.namespace = requireText("namespace", namespace);
      return this;
    }

    /** Sets the worker's task queue: non-blank, no surrounding whitespace. */
    public Builder setTaskQueue(String taskQueue) {
      this.taskQueue = requireText("taskQueue", taskQueue);
      return this;
    }

    /** Sets this namespace's keys file. */
    public Builder setNamespaceKeysFile(Path file) {
      this.namespaceKeysFile = Objects.requireNonNull(file, "WorkerSettings.namespaceKeysFile");
      return this;
    }

    /** Sets the key directory file. */
    public Builder setKeyDirectoryFile(Path file) {
      this.keyDirectoryFile = Objects.requireNonNull(file, "WorkerSettings.keyDirectoryFile");
      return this;
    }

    /** Adds (or replaces) the shared payload keyset {@code name}, read from {@code file}. */
    public Builder putSharedKeysetFile(String name, Path file) {
      if (name == null || !name.matches("[A-Za-z0-9][A-Za-z0-9._-]{0,63}")) {
        throw new IllegalArgumentException(
            "WorkerSettings.sharedKeysetFiles: a keyset name is 1-64 characters of"
                + " [A-Za-z0-9._-] starting with a letter or digit, got '"
                + name
                + "'");
      }
      sharedKeysetFiles.put(name, Objects.requireNonNull(file, "WorkerSettings.sharedKeysetFile"));
      return this;
    }

    /** Removes the shared payload keyset {@code name}, if set. */
    public Builder removeSharedKeysetFile(String name) {
      sharedKeysetFiles.remove(name);
      return this;
    }

    /** Sets the payload key policy (default {@link #DEMO_POLICY}). */
    public Builder setPayloadKeyPolicy(PayloadKeyPolicy policy) {
      this.payloadKeyPolicy = Objects.requireNonNull(policy, "WorkerSettings.payloadKeyPolicy");
      return this;
    }

    /**
     * Reads the key files as encrypted under {@code keyUri} of {@code kmsClient} (both or neither;
     * neither means cleartext files, for development only).
     */
    public Builder setKms(KmsClient kmsClient, String keyUri) {
      if ((kmsClient == null) != (keyUri == null)) {
        throw new IllegalArgumentException(
            "WorkerSettings.kms needs both a KMS client and a key URI, or neither");
      }
      if (kmsClient != null && !kmsClient.doesSupport(keyUri)) {
        throw new IllegalArgumentException(
            "WorkerSettings.kms: the KMS client "
                + kmsClient.getClass().getSimpleName()
                + " does not support key URIs of scheme '"
                + scheme(keyUri)
                + "'");
      }
      this.kmsClient = kmsClient;
      this.kmsKeyUri = keyUri;
      return this;
    }

    /** Sets whether the caller checks the allowlist before scheduling (default true). */
    public Builder setEnforceOnCaller(boolean enforce) {
      this.enforceOnCaller = enforce;
      return this;
    }

    /** Sets the endpoint of the caller's calls (default {@value #DEFAULT_ENDPOINT}). */
    public Builder setEndpoint(String endpoint) {
      this.endpoint = requireText("endpoint", endpoint);
      return this;
    }

    /** Sets the schedule-to-close timeout of the caller's operations; positive. */
    public Builder setOperationTimeout(Duration timeout) {
      if (timeout == null || timeout.isNegative() || timeout.isZero()) {
        throw new IllegalArgumentException(
            "WorkerSettings.operationTimeout must be positive, got " + timeout);
      }
      this.operationTimeout = timeout;
      return this;
    }

    /**
     * Builds the settings.
     *
     * @throws IllegalArgumentException naming what is missing
     */
    public WorkerSettings build() {
      if (namespace == null
          || taskQueue == null
          || namespaceKeysFile == null
          || keyDirectoryFile == null) {
        throw new IllegalArgumentException(
            "WorkerSettings needs namespace, taskQueue, namespaceKeysFile and keyDirectoryFile;"
                + " got namespace="
                + namespace
                + ", taskQueue="
                + taskQueue
                + ", namespaceKeysFile="
                + namespaceKeysFile
                + ", keyDirectoryFile="
                + keyDirectoryFile);
      }
      return new WorkerSettings(this);
    }

    private static String requireText(String field, String value) {
      if (value == null || value.isBlank() || !value.strip().equals(value)) {
        throw new IllegalArgumentException(
            "WorkerSettings."
                + field
                + " must be non-blank without surrounding whitespace, got '"
                + value
                + "'");
      }
      return value;
    }
  }
}
