package dev.nexussecurity.connection;

import dev.nexussecurity.api.internal.UntrustedText;
import dev.nexussecurity.connection.ConnectionSecurityException.Reason;
import dev.nexussecurity.connection.internal.CredentialHeaders;
import dev.nexussecurity.connection.internal.PemSource;
import dev.nexussecurity.connection.internal.TargetAddress;
import io.grpc.Metadata;
import io.temporal.envconfig.ClientConfigProfile;
import io.temporal.envconfig.ClientConfigTLS;
import io.temporal.serviceclient.GrpcMetadataProvider;
import io.temporal.serviceclient.ServiceStubsOptions;
import io.temporal.serviceclient.WorkflowServiceStubsOptions;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Collections;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;

/**
 * Immutable security settings of one worker's connection to the Temporal frontend: address,
 * namespace, TLS or mutual TLS material, server name override and API key. Usually built from
 * Temporal's standard client configuration ({@code io.temporal.envconfig}: a TOML profile plus
 * {@code TEMPORAL_*} environment variables) with overrides in code, then opened with {@link
 * WorkerConnection#open}.
 *
 * <p><b>Security rules</b>, checked by {@link Builder#build()} before anything connects:
 *
 * <ul>
 *   <li>The target must be a literal {@code host:port}; gRPC target URIs ({@code dns:///}, {@code
 *       unix:}), user information ({@code host:port@other}) and anything else that gRPC could read
 *       as another host are refused.
 *   <li>Plaintext is refused unless the target is a loopback address (exactly {@code localhost},
 *       {@code 127.0.0.0/8}, {@code [::1]}; names are not resolved) or {@link
 *       Builder#setAllowPlaintext(boolean) setAllowPlaintext(true)} was called.
 *   <li>Credentials are only ever sent over TLS: with TLS disabled, an API key, a gRPC header that
 *       carries credentials (named {@code authorization}, {@code proxy-authorization}, {@code
 *       cookie}, {@code x-api-key} or {@code temporal-api-key}, or whose name contains {@code
 *       auth}, {@code token}, {@code secret}, {@code password}, {@code passwd}, {@code api-key},
 *       {@code apikey}, {@code api_key}, {@code credential}, {@code cookie}, {@code session},
 *       {@code bearer}, {@code jwt}, {@code private-key} or {@code privatekey}, case-insensitive;
 *       from the profile or the base stubs options' headers), and any gRPC metadata provider of the
 *       base stubs options are refused, on loopback and with plaintext allowed too.
 *   <li>TLS with server host verification turned off ({@code disable_host_verification}) is
 *       refused; use {@link Builder#setServerName(String)} when the server's certificate names
 *       another host.
 *   <li>TLS material configured while TLS is disabled is refused as contradictory.
 * </ul>
 *
 * <p>TLS is enabled when {@link Builder#setTlsEnabled(boolean)} says so, or, when it was not
 * called, when a profile has a {@code tls} section or any TLS setting or an API key is configured
 * (the same rule as {@code io.temporal.envconfig}).
 *
 * <p>{@link #toString()} never shows the API key, private key, gRPC metadata values or inline PEM
 * content. Getters return non-null values; optional values are {@link Optional}.
 *
 * <pre>{@code
 * // ~/.config/temporalio/temporal.toml and TEMPORAL_* variables, as for the Temporal CLI
 * WorkerConnectionOptions options =
 *     WorkerConnectionOptions.newBuilder(ClientConfigProfile.load())
 *         .setServerName("frontend.temporal.internal") // an override in code
 *         .build();
 * try (WorkerConnection connection = WorkerConnection.open(options)) {
 *   WorkflowClient client =
 *       WorkflowClient.newInstance(
 *           connection.getWorkflowServiceStubs(), connection.getWorkflowClientOptions());
 *   // start a WorkerFactory with client ...
 * }
 * }</pre>
 */
public final class WorkerConnectionOptions {
  /** The target used when none is configured: Temporal's local default {@code 127.0.0.1:7233}. */
  public static final String DEFAULT_TARGET = ServiceStubsOptions.DEFAULT_LOCAL_DOCKER_TARGET;

  /** The namespace used when none is configured. */
  public static final String DEFAULT_NAMESPACE = "default";

  /** How often certificate, key and CA files are checked for changes unless configured. */
  public static final Duration DEFAULT_TLS_RELOAD_PERIOD = Duration.ofMinutes(1);

  /**
   * How long {@link WorkerConnection#open} waits for its TLS connection check unless configured.
   */
  public static final Duration DEFAULT_CONNECTION_CHECK_TIMEOUT = Duration.ofSeconds(10);

  private static final String CERT = "client certificate";
  private static final String KEY = "client private key";
  private static final String CA = "server CA bundle";

  private final String target;
  private final TargetAddress address;
  private final String namespace;
  private final boolean tlsEnabled;
  private final PemSource clientCertificate;
  private final PemSource clientPrivateKey;
  private final PemSource serverCaCertificates;
  private final String serverName;
  private final String apiKey;
  private final Map<String, List<String>> grpcMetadata;
  private final boolean plaintextAllowed;
  private final Duration tlsReloadPeriod;
  private final Duration connectionCheckTimeout;
  private final WorkflowServiceStubsOptions serviceStubsOptions;

  private WorkerConnectionOptions(Builder b, TargetAddress address, boolean tlsEnabled) {
    this.target = b.target;
    this.address = address;
    this.namespace = b.namespace;
    this.tlsEnabled = tlsEnabled;
    this.clientCertificate = b.clientCertificate;
    this.clientPrivateKey = b.clientPrivateKey;
    this.serverCaCertificates = b.serverCaCertificates;
    this.serverName = b.serverName;
    this.apiKey = b.apiKey;
    this.grpcMetadata = copy(b.grpcMetadata);
    this.plaintextAllowed = b.plaintextAllowed;
    this.tlsReloadPeriod = b.tlsReloadPeriod;
    this.connectionCheckTimeout = b.connectionCheckTimeout;
    this.serviceStubsOptions = b.serviceStubsOptions;
  }

  /**
   * Returns a builder with the defaults: {@link #DEFAULT_TARGET}, {@link #DEFAULT_NAMESPACE}, no
   * TLS.
   */
  public static Builder newBuilder() {
    return new Builder();
  }

  /**
   * Returns a builder initialized from a Temporal client configuration profile, as loaded by {@link
   * ClientConfigProfile#load()} (TOML file and {@code TEMPORAL_*} environment variables). Setters
   * called afterwards override the profile. A path wins over inline data for the same item, as in
   * envconfig.
   *
   * <pre>{@code
   * ClientConfigProfile profile =
   *     ClientConfigProfile.load(
   *         LoadClientConfigProfileOptions.newBuilder().setConfigFileProfile("prod").build());
   * WorkerConnectionOptions options = WorkerConnectionOptions.newBuilder(profile).build();
   * }</pre>
   *
   * @param profile the loaded profile; not null
   */
  public static Builder newBuilder(ClientConfigProfile profile) {
    Objects.requireNonNull(profile, "profile");
    Builder b = new Builder();
    if (notEmpty(profile.getAddress())) {
      b.setTarget(profile.getAddress());
    }
    if (notEmpty(profile.getNamespace())) {
      b.setNamespace(profile.getNamespace());
    }
    if (notEmpty(profile.getApiKey())) {
      b.setApiKey(profile.getApiKey());
    }
    Metadata metadata = profile.getMetadata();
    if (metadata != null) {
      for (String key : metadata.keys()) {
        if (key.endsWith(Metadata.BINARY_HEADER_SUFFIX)) {
          continue;
        }
        Iterable<String> values =
            metadata.getAll(Metadata.Key.of(key, Metadata.ASCII_STRING_MARSHALLER));
        if (values != null) {
          List<String> list = new ArrayList<>();
          values.forEach(list::add);
          b.grpcMetadata.put(key.toLowerCase(Locale.ROOT), list);
        }
      }
    }
    ClientConfigTLS tls = profile.getTls();
    if (tls != null) {
      b.tlsEnabled = !Boolean.TRUE.equals(tls.isDisabled());
      b.clientCertificate = source(CERT, tls.getClientCertPath(), tls.getClientCertData());
      b.clientPrivateKey = source(KEY, tls.getClientKeyPath(), tls.getClientKeyData());
      b.serverCaCertificates = source(CA, tls.getServerCACertPath(), tls.getServerCACertData());
      if (notEmpty(tls.getServerName())) {
        b.setServerName(tls.getServerName());
      }
      b.hostVerificationDisabled = Boolean.TRUE.equals(tls.isDisableHostVerification());
    }
    return b;
  }

  private static PemSource source(String what, String path, byte[] data) {
    if (notEmpty(path)) {
      return PemSource.ofFile(what, Path.of(path));
    }
    if (data != null && data.length > 0) {
      return PemSource.ofBytes(what, data);
    }
    return null;
  }

  private static boolean notEmpty(String s) {
    return s != null && !s.isEmpty();
  }

  /** Returns a builder initialized with these options. */
  public Builder toBuilder() {
    return new Builder(this);
  }

  /** The gRPC target, e.g. {@code temporal.example.com:7233}. */
  public String getTarget() {
    return target;
  }

  /** The namespace the worker's client uses. */
  public String getNamespace() {
    return namespace;
  }

  /** Whether the connection uses TLS. */
  public boolean isTlsEnabled() {
    return tlsEnabled;
  }

  /** Whether a client certificate and key (mutual TLS) are configured, inline or as files. */
  public boolean hasClientIdentity() {
    return clientCertificate != null;
  }

  /** The client certificate chain file, if configured as a file. */
  public Optional<Path> getClientCertificatePath() {
    return Optional.ofNullable(clientCertificate).map(PemSource::getPath);
  }

  /** The client private key file, if configured as a file. */
  public Optional<Path> getClientPrivateKeyPath() {
    return Optional.ofNullable(clientPrivateKey).map(PemSource::getPath);
  }

  /** The server CA bundle file, if configured as a file. */
  public Optional<Path> getServerCaCertificatesPath() {
    return Optional.ofNullable(serverCaCertificates).map(PemSource::getPath);
  }

  /**
   * Whether a server CA bundle pins the server, inline or as a file; otherwise the JVM's trust
   * store.
   */
  public boolean hasServerCaCertificates() {
    return serverCaCertificates != null;
  }

  /** The name verified against the server's certificate and sent as SNI, if overridden. */
  public Optional<String> getServerName() {
    return Optional.ofNullable(serverName);
  }

  /** Whether an API key is configured. The key itself is not exposed. */
  public boolean hasApiKey() {
    return apiKey != null;
  }

  /**
   * The names of the extra gRPC headers from the profile ({@code grpc_meta}); values are not
   * exposed.
   */
  public List<String> getGrpcMetadataKeys() {
    return List.copyOf(grpcMetadata.keySet());
  }

  /** Whether plaintext to a non-loopback target was explicitly allowed. */
  public boolean isPlaintextAllowed() {
    return plaintextAllowed;
  }

  /** How often file-based TLS material is checked for changes; zero when periodic reload is off. */
  public Duration getTlsReloadPeriod() {
    return tlsReloadPeriod;
  }

  /**
   * How long {@link WorkerConnection#open} waits for its check of the TLS handshake; zero when it
   * makes none.
   */
  public Duration getConnectionCheckTimeout() {
    return connectionCheckTimeout;
  }

  /** The base service stubs options (metrics, interceptors, timeouts), if set. */
  public Optional<WorkflowServiceStubsOptions> getServiceStubsOptions() {
    return Optional.ofNullable(serviceStubsOptions);
  }

  // Package-private accessors for WorkerConnection; secrets never leave the package through
  // getters.

  TargetAddress address() {
    return address;
  }

  PemSource clientCertificateSource() {
    return clientCertificate;
  }

  PemSource clientPrivateKeySource() {
    return clientPrivateKey;
  }

  PemSource serverCaSource() {
    return serverCaCertificates;
  }

  String apiKey() {
    return apiKey;
  }

  Map<String, List<String>> grpcMetadata() {
    return grpcMetadata;
  }

  @Override
  public boolean equals(Object o) {
    if (this == o) {
      return true;
    }
    if (!(o instanceof WorkerConnectionOptions)) {
      return false;
    }
    WorkerConnectionOptions that = (WorkerConnectionOptions) o;
    return tlsEnabled == that.tlsEnabled
        && plaintextAllowed == that.plaintextAllowed
        && target.equals(that.target)
        && namespace.equals(that.namespace)
        && Objects.equals(clientCertificate, that.clientCertificate)
        && Objects.equals(clientPrivateKey, that.clientPrivateKey)
        && Objects.equals(serverCaCertificates, that.serverCaCertificates)
        && Objects.equals(serverName, that.serverName)
        && Objects.equals(apiKey, that.apiKey)
        && grpcMetadata.equals(that.grpcMetadata)
        && tlsReloadPeriod.equals(that.tlsReloadPeriod)
        && connectionCheckTimeout.equals(that.connectionCheckTimeout)
        && Objects.equals(serviceStubsOptions, that.serviceStubsOptions);
  }

  @Override
  public int hashCode() {
    return Objects.hash(
        target,
        namespace,
        tlsEnabled,
        clientCertificate,
        clientPrivateKey,
        serverCaCertificates,
        serverName,
        apiKey,
        grpcMetadata,
        plaintextAllowed,
        tlsReloadPeriod,
        connectionCheckTimeout,
        serviceStubsOptions);
  }

  /**
   * Describes the options without secrets: the API key, key content and header values are hidden.
   */
  @Override
  public String toString() {
    StringBuilder sb = new StringBuilder("WorkerConnectionOptions{target=").append(target);
    sb.append(", namespace=").append(namespace);
    sb.append(", tls=").append(tlsEnabled);
    if (clientCertificate != null) {
      sb.append(", clientCertificate=").append(clientCertificate);
      sb.append(", clientPrivateKey=")
          .append(
              clientPrivateKey.isFile() ? clientPrivateKey.getPath().toString() : "<inline PEM>");
    }
    if (serverCaCertificates != null) {
      sb.append(", serverCaCertificates=").append(serverCaCertificates);
    }
    if (serverName != null) {
      sb.append(", serverName=").append(serverName);
    }
    sb.append(", apiKey=").append(apiKey != null ? "<redacted>" : "none");
    if (!grpcMetadata.isEmpty()) {
      sb.append(", grpcMetadataKeys=").append(grpcMetadata.keySet());
    }
    sb.append(", plaintextAllowed=").append(plaintextAllowed);
    sb.append(", tlsReloadPeriod=").append(tlsReloadPeriod);
    sb.append(", connectionCheckTimeout=").append(connectionCheckTimeout);
    return sb.append('}').toString();
  }

  private static Map<String, List<String>> copy(Map<String, List<String>> source) {
    Map<String, List<String>> copy = new TreeMap<>();
    source.forEach((k, v) -> copy.put(k, List.copyOf(v)));
    return Collections.unmodifiableMap(copy);
  }

  /**
   * Builds {@link WorkerConnectionOptions}. Setters validate their argument and throw {@link
   * IllegalArgumentException} naming the field; {@link #build()} applies the security rules and
   * throws {@link ConnectionSecurityException}. Passing null to a setter of an optional value
   * clears it.
   *
   * <pre>{@code
   * WorkerConnectionOptions options = WorkerConnectionOptions.newBuilder()
   *     .setTarget("temporal.example.com:7233")
   *     .setNamespace("payments")
   *     .setClientCertificatePath(Path.of("/etc/temporal/tls/client.pem"))
   *     .setClientPrivateKeyPath(Path.of("/etc/temporal/tls/client.key"))
   *     .setServerCaCertificatesPath(Path.of("/etc/temporal/tls/ca.pem"))
   *     .build();
   * }</pre>
   */
  public static final class Builder {
    private String target = DEFAULT_TARGET;
    private String namespace = DEFAULT_NAMESPACE;
    private Boolean tlsEnabled;
    private PemSource clientCertificate;
    private PemSource clientPrivateKey;
    private PemSource serverCaCertificates;
    private String serverName;
    private String apiKey;
    private final Map<String, List<String>> grpcMetadata = new TreeMap<>();
    private boolean hostVerificationDisabled;
    private boolean plaintextAllowed;
    private Duration tlsReloadPeriod = DEFAULT_TLS_RELOAD_PERIOD;
    private Duration connectionCheckTimeout = DEFAULT_CONNECTION_CHECK_TIMEOUT;
    private WorkflowServiceStubsOptions serviceStubsOptions;

    private Builder() {}

    private Builder(WorkerConnectionOptions o) {
      this.target = o.target;
      this.namespace = o.namespace;
      this.tlsEnabled = o.tlsEnabled;
      this.clientCertificate = o.clientCertificate;
      this.clientPrivateKey = o.clientPrivateKey;
      this.serverCaCertificates = o.serverCaCertificates;
      this.serverName = o.serverName;
      this.apiKey = o.apiKey;
      this.grpcMetadata.putAll(o.grpcMetadata);
      this.plaintextAllowed = o.plaintextAllowed;
      this.tlsReloadPeriod = o.tlsReloadPeriod;
      this.connectionCheckTimeout = o.connectionCheckTimeout;
      this.serviceStubsOptions = o.serviceStubsOptions;
    }

    /**
     * Sets the frontend address: a literal {@code host:port} with a DNS name, a dotted-quad IPv4
     * address or a bracketed IPv6 address ({@code temporal.example.com:7233}, {@code
     * 127.0.0.1:7233}, {@code [::1]:7233}). Anything else (a URI scheme such as {@code dns:///},
     * user information, a path, whitespace, non-ASCII characters) is refused by {@link #build()}.
     * Profile key {@code address}, variable {@code TEMPORAL_ADDRESS}.
     */
    public Builder setTarget(String target) {
      this.target = requireNonBlank("target", target);
      return this;
    }

    /** Sets the namespace. Profile key {@code namespace}, variable {@code TEMPORAL_NAMESPACE}. */
    public Builder setNamespace(String namespace) {
      this.namespace = requireNonBlank("namespace", namespace);
      return this;
    }

    /**
     * Turns TLS on or off explicitly, overriding the automatic choice. Profile key {@code
     * tls.disabled}, variable {@code TEMPORAL_TLS}.
     */
    public Builder setTlsEnabled(boolean tlsEnabled) {
      this.tlsEnabled = tlsEnabled;
      return this;
    }

    /**
     * Sets the PEM file with the client certificate chain (leaf first) for mutual TLS; the file is
     * re-read on reload. Replaces inline PEM set before. Profile key {@code tls.client_cert_path},
     * variable {@code TEMPORAL_TLS_CLIENT_CERT_PATH}.
     */
    public Builder setClientCertificatePath(Path path) {
      this.clientCertificate = path == null ? null : PemSource.ofFile(CERT, path);
      return this;
    }

    /**
     * Sets the client certificate chain as PEM bytes (copied). Replaces a file set before. Profile
     * key {@code tls.client_cert_data}, variable {@code TEMPORAL_TLS_CLIENT_CERT_DATA}.
     */
    public Builder setClientCertificatePem(byte[] pem) {
      this.clientCertificate =
          pem == null
              ? null
              : PemSource.ofBytes(CERT, requireNonEmpty("clientCertificatePem", pem));
      return this;
    }

    /**
     * Sets the PEM file with the client's unencrypted PKCS#8 private key ({@code BEGIN PRIVATE
     * KEY}); re-read on reload. Profile key {@code tls.client_key_path}, variable {@code
     * TEMPORAL_TLS_CLIENT_KEY_PATH}.
     */
    public Builder setClientPrivateKeyPath(Path path) {
      this.clientPrivateKey = path == null ? null : PemSource.ofFile(KEY, path);
      return this;
    }

    /**
     * Sets the client's PKCS#8 private key as PEM bytes (copied). Profile key {@code
     * tls.client_key_data}, variable {@code TEMPORAL_TLS_CLIENT_KEY_DATA}.
     */
    public Builder setClientPrivateKeyPem(byte[] pem) {
      this.clientPrivateKey =
          pem == null ? null : PemSource.ofBytes(KEY, requireNonEmpty("clientPrivateKeyPem", pem));
      return this;
    }

    /**
     * Sets the PEM file with the CA certificates that the server's certificate must chain to,
     * instead of the JVM's trust store; re-read on reload. Profile key {@code
     * tls.server_ca_cert_path}, variable {@code TEMPORAL_TLS_SERVER_CA_CERT_PATH}.
     */
    public Builder setServerCaCertificatesPath(Path path) {
      this.serverCaCertificates = path == null ? null : PemSource.ofFile(CA, path);
      return this;
    }

    /**
     * Sets the server CA certificates as PEM bytes (copied). Profile key {@code
     * tls.server_ca_cert_data}, variable {@code TEMPORAL_TLS_SERVER_CA_CERT_DATA}.
     */
    public Builder setServerCaCertificatesPem(byte[] pem) {
      this.serverCaCertificates =
          pem == null
              ? null
              : PemSource.ofBytes(CA, requireNonEmpty("serverCaCertificatesPem", pem));
      return this;
    }

    /**
     * Sets the host name that the server's certificate must match, also sent as TLS SNI and HTTP/2
     * authority, when it differs from the target's host. Profile key {@code tls.server_name},
     * variable {@code TEMPORAL_TLS_SERVER_NAME}.
     */
    public Builder setServerName(String serverName) {
      this.serverName = serverName == null ? null : requireNonBlank("serverName", serverName);
      return this;
    }

    /**
     * Sets the API key sent as {@code authorization: Bearer <key>} on every call; it requires TLS.
     * Profile key {@code api_key}, variable {@code TEMPORAL_API_KEY}. Never printed or logged.
     */
    public Builder setApiKey(String apiKey) {
      if (apiKey != null && apiKey.isBlank()) {
        throw new IllegalArgumentException("apiKey must not be blank (pass null to remove it)");
      }
      this.apiKey = apiKey;
      return this;
    }

    /**
     * Allows plaintext to a target that is not a loopback address. Only for networks where every
     * hop is trusted (for example a service mesh that adds mTLS); credentials still require TLS.
     */
    public Builder setAllowPlaintext(boolean allowPlaintext) {
      this.plaintextAllowed = allowPlaintext;
      return this;
    }

    /**
     * Sets how often certificate, key and CA files are checked for changes; {@link Duration#ZERO}
     * disables periodic checks ({@link WorkerConnection#reloadTlsMaterial()} still works). Default
     * {@link #DEFAULT_TLS_RELOAD_PERIOD}.
     */
    public Builder setTlsReloadPeriod(Duration period) {
      Objects.requireNonNull(period, "tlsReloadPeriod");
      if (period.isNegative()) {
        throw new IllegalArgumentException("tlsReloadPeriod must not be negative, got " + period);
      }
      this.tlsReloadPeriod = period;
      return this;
    }

    /**
     * Sets how long {@link WorkerConnection#open} waits for its check of the TLS handshake (one
     * {@code GetSystemInfo} call that fails fast), so that a certificate problem is thrown by
     * {@code open} as a {@link ConnectionSecurityException} naming the certificate. {@link
     * Duration#ZERO} skips the check: {@code open} then makes no call, and the first call fails
     * with {@code UNAVAILABLE} caused by that exception. Default {@link
     * #DEFAULT_CONNECTION_CHECK_TIMEOUT}; without TLS no check is made.
     */
    public Builder setConnectionCheckTimeout(Duration timeout) {
      Objects.requireNonNull(timeout, "connectionCheckTimeout");
      if (timeout.isNegative()) {
        throw new IllegalArgumentException(
            "connectionCheckTimeout must not be negative, got " + timeout);
      }
      this.connectionCheckTimeout = timeout;
      return this;
    }

    /**
     * Sets base service stubs options for everything that is not connection security (metrics
     * scope, gRPC interceptors, timeouts). Their target, TLS settings and authority are replaced by
     * this builder's; a custom channel or SSL context is refused because it would bypass these
     * settings. Pass credentials through {@link #setApiKey(String)}: without TLS, {@link #build()}
     * refuses static headers that carry credentials and every metadata provider of the base
     * options, and gRPC client interceptors are not inspected at all.
     */
    public Builder setServiceStubsOptions(WorkflowServiceStubsOptions options) {
      if (options != null) {
        if (options.getChannel() != null) {
          throw new IllegalArgumentException(
              "serviceStubsOptions must not set a channel: a custom channel bypasses the connection's"
                  + " TLS settings; configure the target and TLS through this builder");
        }
        if (options.getSslContext() != null) {
          throw new IllegalArgumentException(
              "serviceStubsOptions must not set an SSL context: TLS is configured through this"
                  + " builder (certificate, key and CA files, server name)");
        }
      }
      this.serviceStubsOptions = options;
      return this;
    }

    /**
     * Applies the security rules and builds the options.
     *
     * @throws ConnectionSecurityException when the configuration is insecure or contradictory
     */
    public WorkerConnectionOptions build() {
      boolean hasTlsMaterial =
          clientCertificate != null
              || clientPrivateKey != null
              || serverCaCertificates != null
              || serverName != null;
      boolean tls = tlsEnabled != null ? tlsEnabled : (hasTlsMaterial || apiKey != null);
      TargetAddress address = TargetAddress.parse(target);
      if (!tls) {
        Optional<String> credential = credentialWithoutTls();
        if (credential.isPresent()) {
          throw new ConnectionSecurityException(
              Reason.CREDENTIALS_WITHOUT_TLS,
              "Refusing to send "
                  + credential.get()
                  + " to '"
                  + target
                  + "' without TLS: anyone on the network path could read and reuse it. TLS is"
                  + " disabled (profile key tls.disabled = true, TEMPORAL_TLS=false, or"
                  + " setTlsEnabled(false)); enable TLS, or remove the credential. Credentials are"
                  + " an API key and "
                  + CredentialHeaders.RULE
                  + ".");
        }
        if (hasTlsMaterial) {
          throw new ConnectionSecurityException(
              Reason.CONFLICTING_TLS_SETTINGS,
              "TLS is disabled (profile key tls.disabled = true, TEMPORAL_TLS=false, or"
                  + " setTlsEnabled(false)) but TLS settings are configured ("
                  + describeTlsSettings()
                  + "); enable TLS or remove those settings.");
        }
        if (!address.isLoopback() && !plaintextAllowed) {
          throw new ConnectionSecurityException(
              Reason.PLAINTEXT_NOT_ALLOWED,
              "Refusing a plaintext connection to '"
                  + target
                  + "': it is not a loopback address"
                  + " (exactly localhost, 127.0.0.0/8 or [::1]; names are not resolved), and without TLS anyone on the network path can read"
                  + " and alter the worker's traffic. Configure TLS: in the client config profile add a"
                  + " [profile.<name>.tls] section (server_ca_cert_path, client_cert_path, client_key_path,"
                  + " server_name); or set TEMPORAL_TLS=true and TEMPORAL_TLS_SERVER_CA_CERT_PATH,"
                  + " TEMPORAL_TLS_CLIENT_CERT_PATH, TEMPORAL_TLS_CLIENT_KEY_PATH, TEMPORAL_TLS_SERVER_NAME;"
                  + " or call setTlsEnabled(true), setServerCaCertificatesPath(..),"
                  + " setClientCertificatePath(..), setClientPrivateKeyPath(..) on"
                  + " WorkerConnectionOptions.Builder. Only if every network hop is trusted, call"
                  + " setAllowPlaintext(true).");
        }
        return new WorkerConnectionOptions(this, address, false);
      }
      if (hostVerificationDisabled) {
        throw new ConnectionSecurityException(
            Reason.HOST_VERIFICATION_DISABLED,
            "Server host verification is disabled (profile key tls.disable_host_verification or"
                + " TEMPORAL_TLS_DISABLE_HOST_VERIFICATION): the worker would accept any server"
                + " certificate, so anyone on the network path could impersonate the server. Remove"
                + " that setting; if the server's certificate names another host than the target, set"
                + " tls.server_name / TEMPORAL_TLS_SERVER_NAME / setServerName(..) to that name.");
      }
      if ((clientCertificate == null) != (clientPrivateKey == null)) {
        String present =
            clientCertificate != null ? "a client certificate" : "a client private key";
        String missing =
            clientCertificate != null
                ? "the private key (tls.client_key_path / TEMPORAL_TLS_CLIENT_KEY_PATH /"
                    + " setClientPrivateKeyPath)"
                : "the certificate chain (tls.client_cert_path / TEMPORAL_TLS_CLIENT_CERT_PATH /"
                    + " setClientCertificatePath)";
        throw new ConnectionSecurityException(
            Reason.INCOMPLETE_CLIENT_IDENTITY,
            "Mutual TLS needs a certificate and its private key, but only "
                + present
                + " is configured; add "
                + missing
                + ".");
      }
      return new WorkerConnectionOptions(this, address, true);
    }

    /** Describes the first credential that would be sent, without its value; empty if none. */
    private Optional<String> credentialWithoutTls() {
      if (apiKey != null) {
        return Optional.of("an API key (api_key / TEMPORAL_API_KEY / setApiKey)");
      }
      Optional<String> header =
          CredentialHeaders.first(grpcMetadata.keySet())
              .map(name -> header(name, "profile grpc_meta / TEMPORAL_GRPC_META_*"));
      if (header.isEmpty() && serviceStubsOptions != null) {
        Metadata headers = serviceStubsOptions.getHeaders();
        header =
            CredentialHeaders.first(headers == null ? Set.of() : headers.keys())
                .map(name -> header(name, "serviceStubsOptions headers"));
      }
      if (header.isPresent()) {
        return header;
      }
      if (serviceStubsOptions != null) {
        Collection<GrpcMetadataProvider> providers = serviceStubsOptions.getGrpcMetadataProviders();
        if (providers != null && !providers.isEmpty()) {
          return Optional.of(
              "the headers of a gRPC metadata provider in serviceStubsOptions (such as an API key"
                  + " added with addApiKey; what a provider sends cannot be checked in advance,"
                  + " so pass an API key through setApiKey and other headers as static headers)");
        }
      }
      return Optional.empty();
    }

    private static String header(String name, String from) {
      return "the '" + UntrustedText.quote(name) + "' gRPC header (" + from + ")";
    }

    private String describeTlsSettings() {
      List<String> parts = new ArrayList<>();
      if (clientCertificate != null) {
        parts.add("client certificate");
      }
      if (clientPrivateKey != null) {
        parts.add("client private key");
      }
      if (serverCaCertificates != null) {
        parts.add("server CA bundle");
      }
      if (serverName != null) {
        parts.add("server name");
      }
      return String.join(", ", parts);
    }

    private static String requireNonBlank(String field, String value) {
      if (value == null || value.isBlank()) {
        throw new IllegalArgumentException(
            field + " must not be blank, got " + (value == null ? "null" : "'" + value + "'"));
      }
      return value;
    }

    private static byte[] requireNonEmpty(String field, byte[] value) {
      if (value.length == 0) {
        throw new IllegalArgumentException(field + " must not be empty (pass null to remove it)");
      }
      return value;
    }
  }
}
