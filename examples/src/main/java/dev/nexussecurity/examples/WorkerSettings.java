package dev.nexussecurity.examples;

import com.google.crypto.tink.KmsClient;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Objects;
import java.util.Optional;

/**
 * What one worker needs besides its connection: its namespace and task queue, and the files holding
 * its keys. Caller workers need a signing keyset, handler workers a trust store; both need the
 * payload keyset they share with the other side.
 *
 * <p>Keyset files are cleartext Tink JSON (development only) unless a KMS client and key URI are
 * set; then both the signing keyset and the payload keyset are read as Tink JSON encrypted under
 * that KMS key, the production setup.
 *
 * <pre>{@code
 * WorkerSettings orders = WorkerSettings.newBuilder()
 *     .setNamespace("orders")
 *     .setTaskQueue("checkout")
 *     .setSigningKeysetFile(Path.of("/etc/orders/signing-keyset.json"))
 *     .setPayloadKeysetFile(Path.of("/etc/orders/payments-payload-keyset.json"))
 *     .setKms(new AwsKmsClient().withDefaultCredentials(), "aws-kms://arn:aws:kms:...")
 *     .build();
 * }</pre>
 *
 * <p>Immutable; {@code toString} names files and the KMS key URI's scheme only.
 */
public final class WorkerSettings {
  /** Default name of the Nexus endpoint callers use for {@code PaymentsService}. */
  public static final String DEFAULT_ENDPOINT = "payments";

  /** Default keyset name written into every encrypted payload. */
  public static final String DEFAULT_PAYLOAD_KEYSET_NAME = "payments";

  /** Default schedule-to-close timeout of the caller's Nexus operations. */
  public static final Duration DEFAULT_OPERATION_TIMEOUT = Duration.ofSeconds(30);

  private final String namespace;
  private final String taskQueue;
  private final Path signingKeysetFile;
  private final Path trustStoreFile;
  private final Path payloadKeysetFile;
  private final String payloadKeysetName;
  private final KmsClient kmsClient;
  private final String kmsKeyUri;
  private final boolean enforceOnCaller;
  private final String endpoint;
  private final Duration operationTimeout;

  private WorkerSettings(Builder b) {
    this.namespace = b.namespace;
    this.taskQueue = b.taskQueue;
    this.signingKeysetFile = b.signingKeysetFile;
    this.trustStoreFile = b.trustStoreFile;
    this.payloadKeysetFile = b.payloadKeysetFile;
    this.payloadKeysetName = b.payloadKeysetName;
    this.kmsClient = b.kmsClient;
    this.kmsKeyUri = b.kmsKeyUri;
    this.enforceOnCaller = b.enforceOnCaller;
    this.endpoint = b.endpoint;
    this.operationTimeout = b.operationTimeout;
  }

  /** Returns a builder with the defaults. */
  public static Builder newBuilder() {
    return new Builder();
  }

  /** Returns a builder initialized with these settings. */
  public Builder toBuilder() {
    return new Builder(this);
  }

  /** The namespace the worker runs in. */
  public String getNamespace() {
    return namespace;
  }

  /** The task queue the worker polls. */
  public String getTaskQueue() {
    return taskQueue;
  }

  /** This namespace's private signing keyset file; needed to call endpoints. */
  public Optional<Path> getSigningKeysetFile() {
    return Optional.ofNullable(signingKeysetFile);
  }

  /** The trust store file (public keysets of caller namespaces); needed to handle endpoints. */
  public Optional<Path> getTrustStoreFile() {
    return Optional.ofNullable(trustStoreFile);
  }

  /** The payload keyset file shared by caller and handler. */
  public Path getPayloadKeysetFile() {
    return payloadKeysetFile;
  }

  /** The keyset name written into every encrypted payload; caller and handler must agree on it. */
  public String getPayloadKeysetName() {
    return payloadKeysetName;
  }

  /** The KMS client that decrypts the keyset files, when they are KMS-encrypted. */
  public Optional<KmsClient> getKmsClient() {
    return Optional.ofNullable(kmsClient);
  }

  /** The KMS key URI the keyset files are encrypted under, when they are KMS-encrypted. */
  public Optional<String> getKmsKeyUri() {
    return Optional.ofNullable(kmsKeyUri);
  }

  /** Whether the caller side checks the registry before scheduling (default true). */
  public boolean isEnforceOnCaller() {
    return enforceOnCaller;
  }

  /** The Nexus endpoint callers address {@code PaymentsService} through. */
  public String getEndpoint() {
    return endpoint;
  }

  /** The schedule-to-close timeout of the caller's Nexus operations. */
  public Duration getOperationTimeout() {
    return operationTimeout;
  }

  @Override
  public String toString() {
    return "WorkerSettings{namespace="
        + namespace
        + ", taskQueue="
        + taskQueue
        + ", signingKeysetFile="
        + signingKeysetFile
        + ", trustStoreFile="
        + trustStoreFile
        + ", payloadKeysetFile="
        + payloadKeysetFile
        + ", payloadKeysetName="
        + payloadKeysetName
        + ", keysets="
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

  /** Builder for {@link WorkerSettings}; setters validate their argument. */
  public static final class Builder {
    private String namespace;
    private String taskQueue;
    private Path signingKeysetFile;
    private Path trustStoreFile;
    private Path payloadKeysetFile;
    private String payloadKeysetName = DEFAULT_PAYLOAD_KEYSET_NAME;
    private KmsClient kmsClient;
    private String kmsKeyUri;
    private boolean enforceOnCaller = true;
    private String endpoint = DEFAULT_ENDPOINT;
    private Duration operationTimeout = DEFAULT_OPERATION_TIMEOUT;

    private Builder() {}

    private Builder(WorkerSettings s) {
      namespace = s.namespace;
      taskQueue = s.taskQueue;
      signingKeysetFile = s.signingKeysetFile;
      trustStoreFile = s.trustStoreFile;
      payloadKeysetFile = s.payloadKeysetFile;
      payloadKeysetName = s.payloadKeysetName;
      kmsClient = s.kmsClient;
      kmsKeyUri = s.kmsKeyUri;
      enforceOnCaller = s.enforceOnCaller;
      endpoint = s.endpoint;
      operationTimeout = s.operationTimeout;
    }

    /** Sets the worker's namespace (required). */
    public Builder setNamespace(String namespace) {
      this.namespace = requireText("namespace", namespace);
      return this;
    }

    /** Sets the worker's task queue (required). */
    public Builder setTaskQueue(String taskQueue) {
      this.taskQueue = requireText("taskQueue", taskQueue);
      return this;
    }

    /** Sets this namespace's private signing keyset file; {@code null} clears it. */
    public Builder setSigningKeysetFile(Path file) {
      this.signingKeysetFile = file;
      return this;
    }

    /** Sets the trust store file; {@code null} clears it (the worker then trusts no caller). */
    public Builder setTrustStoreFile(Path file) {
      this.trustStoreFile = file;
      return this;
    }

    /** Sets the payload keyset file (required). */
    public Builder setPayloadKeysetFile(Path file) {
      this.payloadKeysetFile = Objects.requireNonNull(file, "WorkerSettings.payloadKeysetFile");
      return this;
    }

    /** Sets the payload keyset name; 1-64 characters of {@code [A-Za-z0-9._-]}. */
    public Builder setPayloadKeysetName(String name) {
      if (name == null || !name.matches("[A-Za-z0-9._-]{1,64}")) {
        throw new IllegalArgumentException(
            "WorkerSettings.payloadKeysetName must be 1-64 characters of [A-Za-z0-9._-], got '"
                + name
                + "'");
      }
      this.payloadKeysetName = name;
      return this;
    }

    /**
     * Reads the keyset files as encrypted under {@code keyUri} in {@code kmsClient}'s KMS (the
     * production setup); {@code null}, {@code null} reads them as cleartext (development only).
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

    /**
     * Whether the caller side checks the registry before scheduling (default true). Only a worker
     * that should rely on the handler's check alone, such as the demo's rogue caller, turns it off.
     */
    public Builder setEnforceOnCaller(boolean enforce) {
      this.enforceOnCaller = enforce;
      return this;
    }

    /** Sets the Nexus endpoint callers address {@code PaymentsService} through. */
    public Builder setEndpoint(String endpoint) {
      this.endpoint = requireText("endpoint", endpoint);
      return this;
    }

    /** Sets the schedule-to-close timeout of the caller's Nexus operations; positive. */
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
     * @throws IllegalArgumentException if namespace, task queue or payload keyset file is missing
     */
    public WorkerSettings build() {
      if (namespace == null || taskQueue == null || payloadKeysetFile == null) {
        throw new IllegalArgumentException(
            "WorkerSettings needs namespace, taskQueue and payloadKeysetFile; got namespace="
                + namespace
                + ", taskQueue="
                + taskQueue
                + ", payloadKeysetFile="
                + payloadKeysetFile);
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
