package dev.nexussecurity.controlplane;

import com.google.crypto.tink.KmsClient;
import dev.nexussecurity.controlplane.internal.AuditLog;
import dev.nexussecurity.controlplane.internal.CodecProvisioner;
import dev.nexussecurity.controlplane.internal.EndpointStore;
import dev.nexussecurity.controlplane.internal.EndpointStores;
import dev.nexussecurity.controlplane.internal.InsecureSettingsCheck;
import dev.nexussecurity.controlplane.internal.OidcVerifier;
import dev.nexussecurity.controlplane.internal.ServerAssembly;
import dev.nexussecurity.controlplane.internal.ServerMetrics;
import dev.nexussecurity.controlplane.internal.Settings;
import dev.nexussecurity.controlplane.internal.SettingsParser;
import dev.nexussecurity.tools.InsecureFakeKmsClient;
import io.temporal.payload.codec.PayloadCodec;
import io.temporal.serviceclient.OperatorServiceStubs;
import java.io.IOException;
import java.io.PrintStream;
import java.net.URI;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.CountDownLatch;
import org.eclipse.jetty.server.ServerConnector;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The nexus-security control-plane server: a remote payload codec server for the Temporal Web UI
 * and CLI, speaking Temporal's remote codec protocol ({@code POST <prefix>/encode} and {@code
 * <prefix>/decode}, proto3 JSON {@code {"payloads":[...]}}, the {@code X-Namespace} header), and,
 * with a {@code registry} section, the Nexus endpoint registry's management API ({@code
 * /api/v1/nexus/endpoints}, modelled on the Temporal Cloud Ops API) and browse page ({@code /ui/}).
 *
 * <p><b>Security guarantees.</b> Every codec request is authenticated (an OIDC bearer token
 * verified against the identity provider's JWK set, or a client certificate verified in the TLS
 * handshake) and authorized per namespace (decode needs read, encode needs write, from the
 * configured claim-to-permission grants); the server holds the keys of its configured namespaces
 * only and refuses every other namespace. Endpoint changes are decided by the registry's RBAC on
 * the same verified principal, and each change and refusal is audited. Browsers may call it only
 * from the configured UI origins (and the browse page from its own). Requests are bounded in size,
 * payload count and rate; each one writes an audit line without contents. Start-up refuses
 * plaintext HTTP on a non-loopback address, CORS {@code *}, and running without authentication,
 * unless {@code insecureDevelopmentMode} is set. The configuration reference and threat model are
 * in the module's README.
 *
 * <pre>{@code
 * try (ControlPlaneServer server =
 *     ControlPlaneServer.newBuilder(Path.of("server.json"))
 *         .addKmsClient(new AwsKmsClient().withDefaultCredentials()) // for kmsKeyUri aws-kms://...
 *         .build()
 *         .start()) {
 *   server.awaitShutdown();
 * }
 * }</pre>
 *
 * <p>From the command line: {@code java -jar nexus-security-control-plane-<version>-server.jar
 * --config server.json}.
 */
public final class ControlPlaneServer implements AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(ControlPlaneServer.class);

  private final Settings settings;
  private final ServerAssembly.Assembled assembled;
  private final AuditLog audit;
  private final ServerMetrics metrics;
  private final Optional<EndpointStore> registry;
  private final CountDownLatch stopped = new CountDownLatch(1);
  private boolean started;
  private boolean closed;

  private ControlPlaneServer(
      Settings settings,
      ServerAssembly.Assembled assembled,
      AuditLog audit,
      ServerMetrics metrics,
      Optional<EndpointStore> registry) {
    this.settings = settings;
    this.assembled = assembled;
    this.audit = audit;
    this.metrics = metrics;
    this.registry = registry;
  }

  /** A builder for a server configured by the JSON file {@code configFile}. */
  public static Builder newBuilder(Path configFile) {
    Objects.requireNonNull(configFile, "configFile");
    return new Builder(() -> SettingsParser.load(configFile));
  }

  /**
   * A builder for a server configured by {@code json}; relative file names in it are resolved
   * against {@code baseDirectory}.
   */
  public static Builder newBuilderFromJson(String json, Path baseDirectory) {
    Objects.requireNonNull(json, "json");
    Objects.requireNonNull(baseDirectory, "baseDirectory");
    return new Builder(() -> SettingsParser.parse(json, "(JSON text)", baseDirectory));
  }

  /**
   * Starts listening.
   *
   * @throws IllegalStateException if the server was started before or a port cannot be bound
   */
  public synchronized ControlPlaneServer start() {
    if (started) {
      throw new IllegalStateException("The server was started already");
    }
    started = true;
    try {
      assembled.server().start();
    } catch (Exception e) {
      close();
      throw new IllegalStateException(
          "Cannot start the control-plane server on "
              + settings.listen().host()
              + ":"
              + settings.listen().port()
              + " ("
              + e.getMessage()
              + "); is the port in use?",
          e);
    }
    log.info(
        "Control plane listening on {} ({}{}){}",
        getUri(),
        settings.namespaces().isEmpty()
            ? "no codec API"
            : "codec API for namespaces "
                + settings.namespaces().stream()
                    .map(Settings.NamespaceSettings::namespace)
                    .toList(),
        registry
            .map(
                r ->
                    "; endpoint management API, CLI and browse page "
                        + getUri()
                        + "/ui/ on "
                        + r.describe())
            .orElse(""),
        getManagementUri().map(u -> "; health and metrics on " + u).orElse(""));
    return this;
  }

  /** The base URI of the main listener, e.g. {@code https://127.0.0.1:8081}; after start. */
  public URI getUri() {
    return uri(settings.tls().isPresent() ? "https" : "http", assembled.main());
  }

  /** The base URI of the management listener (health, metrics), if configured; after start. */
  public Optional<URI> getManagementUri() {
    return assembled.management().map(c -> uri("http", c));
  }

  /** Blocks until {@link #close()} has finished. */
  public void awaitShutdown() throws InterruptedException {
    stopped.await();
  }

  /**
   * Stops gracefully: stops accepting connections, lets requests in flight finish for up to the
   * configured grace period, then closes the audit log. Idempotent.
   */
  @Override
  public synchronized void close() {
    if (closed) {
      return;
    }
    closed = true;
    try {
      assembled.server().stop();
    } catch (Exception e) {
      log.warn("Stopping the server: {}", e.toString());
    }
    registry.ifPresent(EndpointStore::close);
    metrics.close();
    try {
      audit.close();
    } catch (IOException e) {
      log.warn("Closing the audit log: {}", e.toString());
    }
    stopped.countDown();
    log.info("Control plane stopped");
  }

  @Override
  public String toString() {
    return "ControlPlaneServer{" + settings.source() + "}";
  }

  private static URI uri(String scheme, ServerConnector c) {
    String host = c.getHost() == null ? "0.0.0.0" : c.getHost();
    if (host.contains(":") && !host.startsWith("[")) {
      host = "[" + host + "]";
    }
    return URI.create(scheme + "://" + host + ":" + c.getLocalPort());
  }

  /**
   * Runs the server from the command line: {@code --config <file.json>} starts it and stops it
   * gracefully on SIGTERM or Ctrl-C; {@code --check} only validates the configuration and loads the
   * keys. Exit codes: 0 stopped normally or configuration valid, 1 configuration or start-up
   * failure, 2 bad command line.
   */
  public static void main(String[] args) {
    System.exit(run(args, System.out, System.err));
  }

  static int run(String[] args, PrintStream out, PrintStream err) {
    Path config = null;
    boolean checkOnly = false;
    for (int i = 0; i < args.length; i++) {
      switch (args[i]) {
        case "--config" -> {
          if (i + 1 >= args.length) {
            return usage(err, "--config needs a file name");
          }
          config = Path.of(args[++i]);
        }
        case "--check" -> checkOnly = true;
        case "--help", "-h" -> {
          usage(out, null);
          return 0;
        }
        default -> {
          return usage(err, "unknown argument '" + args[i] + "'");
        }
      }
    }
    if (config == null) {
      return usage(err, "--config is required");
    }
    ControlPlaneServer server;
    try {
      server = newBuilder(config).build();
    } catch (ControlPlaneConfigException e) {
      err.println(e.getMessage());
      return 1;
    }
    if (checkOnly) {
      server.close();
      out.println("Configuration " + config + " is valid; keys loaded.");
      return 0;
    }
    try {
      server.start();
    } catch (IllegalStateException e) {
      err.println(e.getMessage());
      return 1;
    }
    Runtime.getRuntime().addShutdownHook(new Thread(server::close, "control-plane-shutdown"));
    try {
      server.awaitShutdown();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      server.close();
    }
    return 0;
  }

  private static int usage(PrintStream stream, String problem) {
    if (problem != null) {
      stream.println("error: " + problem);
    }
    stream.println(
        "usage: java -jar nexus-security-control-plane-<version>-server.jar --config server.json"
            + " [--check]\n"
            + "  --config FILE  the JSON configuration (reference: control-plane/README.md)\n"
            + "  --check        validate the configuration and load the keys, then exit");
    return problem == null ? 0 : 2;
  }

  /** Builder for {@link ControlPlaneServer}. */
  public static final class Builder {
    private final java.util.function.Supplier<Settings> settings;
    private final List<KmsClient> kmsClients = new ArrayList<>();
    private OperatorServiceStubs operatorServiceStubs;

    private Builder(java.util.function.Supplier<Settings> settings) {
      this.settings = settings;
    }

    /**
     * The OperatorService of the Temporal server that holds the registry, for {@code "registry":
     * {"temporal": {...}}} without a {@code target} (for example a connection your code opened with
     * API keys or its own TLS setup). Not closed by the server.
     */
    public Builder setOperatorServiceStubs(OperatorServiceStubs stubs) {
      this.operatorServiceStubs = Objects.requireNonNull(stubs, "stubs");
      return this;
    }

    /**
     * Adds a Tink KMS client for keysets configured with a {@code kmsKeyUri} it supports (for
     * example {@code AwsKmsClient} or {@code GcpKmsClient} from Tink's KMS extensions).
     */
    public Builder addKmsClient(KmsClient kmsClient) {
      kmsClients.add(Objects.requireNonNull(kmsClient, "kmsClient"));
      return this;
    }

    /**
     * Reads and checks the configuration, loads every namespace's keys and prepares (but does not
     * start) the server.
     *
     * @throws ControlPlaneConfigException listing every problem, including insecure settings
     *     outside development mode and keysets that cannot be loaded
     */
    public ControlPlaneServer build() {
      Settings s = settings.get();
      InsecureSettingsCheck.check(s);
      List<KmsClient> kms = new ArrayList<>(kmsClients);
      if (s.insecureDevelopmentMode()) {
        kms.add(new InsecureFakeKmsClient());
      }
      Map<String, PayloadCodec> codecs =
          new CodecProvisioner(kms).provision(s.source(), s.namespaces());
      Optional<OidcVerifier> oidc = s.authentication().oidc().map(OidcVerifier::new);
      AuditLog audit;
      try {
        audit = AuditLog.open(s.audit().file());
      } catch (java.io.UncheckedIOException e) {
        throw new ControlPlaneConfigException(
            s.source(), List.of("audit.file: " + e.getMessage()), e);
      }
      ServerMetrics metrics = new ServerMetrics(codecs.keySet());
      ServerAssembly.Assembled assembled;
      Optional<EndpointStore> registry = Optional.empty();
      try {
        registry = s.registry().map(r -> EndpointStores.open(s, r, kms, operatorServiceStubs));
        assembled = ServerAssembly.assemble(s, codecs, oidc, registry, audit, metrics);
      } catch (RuntimeException e) {
        registry.ifPresent(EndpointStore::close);
        metrics.close();
        try {
          audit.close();
        } catch (IOException ignored) {
          // the original failure matters more
        }
        throw e;
      }
      return new ControlPlaneServer(s, assembled, audit, metrics, registry);
    }
  }
}
