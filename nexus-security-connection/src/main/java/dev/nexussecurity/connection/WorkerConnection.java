package dev.nexussecurity.connection;

import dev.nexussecurity.api.internal.PeriodicRefresher;
import dev.nexussecurity.connection.ConnectionSecurityException.Reason;
import dev.nexussecurity.connection.internal.ClientIdentity;
import dev.nexussecurity.connection.internal.DiagnosingTrustManager;
import dev.nexussecurity.connection.internal.ReloadingTlsMaterial;
import dev.nexussecurity.connection.internal.TlsFailureInterceptor;
import io.grpc.ClientInterceptor;
import io.grpc.ManagedChannelBuilder;
import io.grpc.Metadata;
import io.grpc.StatusRuntimeException;
import io.grpc.netty.shaded.io.grpc.netty.GrpcSslContexts;
import io.grpc.netty.shaded.io.netty.handler.ssl.SslContext;
import io.grpc.netty.shaded.io.netty.handler.ssl.SslContextBuilder;
import io.temporal.api.workflowservice.v1.GetSystemInfoRequest;
import io.temporal.client.WorkflowClientOptions;
import io.temporal.serviceclient.WorkflowServiceStubs;
import io.temporal.serviceclient.WorkflowServiceStubsOptions;
import java.time.Clock;
import java.time.Duration;
import java.util.Enumeration;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import javax.net.ssl.SSLException;
import javax.net.ssl.SSLSession;
import javax.net.ssl.SSLSessionContext;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A worker's connection to the Temporal frontend, secured as its {@link WorkerConnectionOptions}
 * say: the {@link WorkflowServiceStubs} to build a {@code WorkflowClient} and {@code WorkerFactory}
 * on, and the TLS material behind them, which is reloaded from disk without restarting the worker.
 *
 * <p><b>Reloading.</b> Certificate, key and CA files are checked every {@link
 * WorkerConnectionOptions#getTlsReloadPeriod()} and on {@link #reloadTlsMaterial()}. Changed files
 * are installed only when they are valid: the certificate is current and usable for client
 * authentication, and the key belongs to it. Otherwise (a half-written file, a mismatched pair) the
 * last good material stays in use, the error is logged and shown by {@link
 * #getTlsMaterialStatus()}, and the next check tries again. The client certificate is never
 * dropped. New material is used by new TLS handshakes; existing connections keep the identity they
 * were opened with until they are replaced (the Temporal SDK moves its channel to idle every minute
 * by default, and servers limit connection age), so a rotated certificate is in use within minutes
 * without any restart.
 *
 * <p>Thread-safe. {@link #close()} stops reloading and shuts the stubs down.
 *
 * <pre>{@code
 * WorkerConnectionOptions options =
 *     WorkerConnectionOptions.newBuilder(ClientConfigProfile.load()).build();
 * try (WorkerConnection connection = WorkerConnection.open(options)) {
 *   WorkflowClient client =
 *       WorkflowClient.newInstance(
 *           connection.getWorkflowServiceStubs(), connection.getWorkflowClientOptions());
 *   WorkerFactory factory = WorkerFactory.newInstance(client);
 *   factory.newWorker("orders").registerWorkflowImplementationTypes(OrderWorkflowImpl.class);
 *   factory.start();
 *   // ... on shutdown:
 *   factory.shutdown();
 * }
 * }</pre>
 */
public final class WorkerConnection implements AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(WorkerConnection.class);

  private final WorkerConnectionOptions options;
  private final ReloadingTlsMaterial material;
  private final WorkflowServiceStubs stubs;

  private WorkerConnection(
      WorkerConnectionOptions options, ReloadingTlsMaterial material, WorkflowServiceStubs stubs) {
    this.options = options;
    this.material = material;
    this.stubs = stubs;
  }

  /**
   * Loads and validates the TLS material, creates the service stubs and, with TLS, checks the
   * handshake with one {@code GetSystemInfo} call (see {@link
   * WorkerConnectionOptions.Builder#setConnectionCheckTimeout}).
   *
   * <p>A certificate problem seen by that check is thrown: the server's certificate is not issued
   * by a trusted CA, has expired or does not name the host; the server refuses or requires the
   * client certificate; the server does not serve TLS. Anything else the check sees (the server is
   * not reachable yet, the call is refused) does not fail {@code open}: the stubs keep connecting
   * on their own, and a worker may start before its server. Later calls that fail on the handshake
   * (after a rotation, say) fail with {@code UNAVAILABLE} whose cause is the {@link
   * ConnectionSecurityException} and whose description is its message.
   *
   * @param options validated options; not null
   * @throws ConnectionSecurityException when a certificate, key or CA file is missing or unusable,
   *     or the connection check fails on a certificate
   */
  public static WorkerConnection open(WorkerConnectionOptions options) {
    Objects.requireNonNull(options, "options");
    WorkflowServiceStubsOptions.Builder stubsOptions =
        options
            .getServiceStubsOptions()
            .map(WorkflowServiceStubsOptions::newBuilder)
            .orElseGet(WorkflowServiceStubsOptions::newBuilder);
    // The explicit DNS URI of the validated host and port: gRPC cannot read the host as a scheme.
    stubsOptions.setTarget(options.address().grpcTarget());
    ReloadingTlsMaterial material = null;
    ClientInterceptor tlsFailures = null;
    if (options.isTlsEnabled()) {
      Clock clock = Clock.systemUTC();
      ReloadingTlsMaterial loaded =
          ReloadingTlsMaterial.load(
              options.clientCertificateSource(),
              options.clientPrivateKeySource(),
              options.serverCaSource(),
              clock,
              options.getTlsReloadPeriod());
      material = loaded;
      SslContext sslContext = sslContext(loaded, clock);
      // Resuming a cached TLS session skips certificate authentication, so after new material is
      // installed the cached sessions are dropped: every later connection handshakes with it.
      loaded.setChangeListener(() -> invalidateSessions(sslContext));
      stubsOptions.setSslContext(sslContext);
      stubsOptions.setEnableHttps(true);
      tlsFailures =
          new TlsFailureInterceptor(
              options.getTarget(),
              () -> Optional.ofNullable(loaded.getIdentity()).map(ClientIdentity::getLeaf));
    } else {
      stubsOptions.setSslContext(null);
      stubsOptions.setEnableHttps(false);
    }
    Consumer<ManagedChannelBuilder<?>> baseInitializer =
        options
            .getServiceStubsOptions()
            .map(WorkflowServiceStubsOptions::getChannelInitializer)
            .orElse(null);
    String serverName = options.getServerName().orElse(null);
    ClientInterceptor channelInterceptor = tlsFailures;
    if (serverName != null || channelInterceptor != null) {
      stubsOptions.setChannelInitializer(
          channel -> {
            if (baseInitializer != null) {
              baseInitializer.accept(channel);
            }
            if (serverName != null) {
              // The authority is what grpc-netty sends as SNI and verifies the server certificate
              // against.
              channel.overrideAuthority(serverName);
            }
            if (channelInterceptor != null) {
              // On the channel itself: the innermost interceptor, before the SDK's see the status.
              channel.intercept(channelInterceptor);
            }
          });
    }
    String apiKey = options.apiKey();
    if (apiKey != null) {
      stubsOptions.addApiKey(() -> apiKey);
    }
    Map<String, List<String>> grpcMetadata = options.grpcMetadata();
    if (!grpcMetadata.isEmpty()) {
      stubsOptions.addGrpcMetadataProvider(() -> toMetadata(grpcMetadata));
    }
    WorkflowServiceStubs stubs;
    try {
      stubs = WorkflowServiceStubs.newServiceStubs(stubsOptions.build());
    } catch (RuntimeException e) {
      if (material != null) {
        material.close();
      }
      throw e;
    }
    if (material != null) {
      try {
        checkConnection(stubs, options);
      } catch (ConnectionSecurityException e) {
        material.close();
        stubs.shutdownNow();
        throw e;
      }
      material.startReloading();
    }
    return new WorkerConnection(options, material, stubs);
  }

  /**
   * One fail-fast {@code GetSystemInfo} call; throws the certificate problem it fails on, if any.
   */
  private static void checkConnection(WorkflowServiceStubs stubs, WorkerConnectionOptions options) {
    Duration timeout = options.getConnectionCheckTimeout();
    if (timeout.isZero()) {
      return;
    }
    try {
      stubs
          .blockingStub()
          .withDeadlineAfter(timeout.toMillis(), TimeUnit.MILLISECONDS)
          .getSystemInfo(GetSystemInfoRequest.getDefaultInstance());
    } catch (StatusRuntimeException e) {
      if (e.getCause() instanceof ConnectionSecurityException diagnosed) {
        throw diagnosed;
      }
      log.info(
          "Connection check of {} did not complete ({}); the connection keeps trying",
          options.getTarget(),
          e.getStatus().getCode());
    }
  }

  private static SslContext sslContext(ReloadingTlsMaterial material, Clock clock) {
    SslContextBuilder builder =
        GrpcSslContexts.forClient()
            .trustManager(
                new DiagnosingTrustManager(
                    material.getTrustManager(), material.describeTrustSource(), clock));
    if (material.getKeyManager() != null) {
      builder.keyManager(material.getKeyManager());
    }
    try {
      return builder.build();
    } catch (SSLException e) {
      material.close();
      throw new ConnectionSecurityException(
          Reason.TLS_SETUP_FAILED, "Cannot create the TLS context: " + e.getMessage(), e);
    }
  }

  private static void invalidateSessions(SslContext sslContext) {
    SSLSessionContext sessions = sslContext.sessionContext();
    if (sessions == null) {
      return;
    }
    for (Enumeration<byte[]> ids = sessions.getIds(); ids.hasMoreElements(); ) {
      SSLSession session = sessions.getSession(ids.nextElement());
      if (session != null) {
        session.invalidate();
      }
    }
  }

  private static Metadata toMetadata(Map<String, List<String>> values) {
    Metadata metadata = new Metadata();
    values.forEach(
        (key, list) -> {
          Metadata.Key<String> k = Metadata.Key.of(key, Metadata.ASCII_STRING_MARSHALLER);
          list.forEach(v -> metadata.put(k, v));
        });
    return metadata;
  }

  /** The service stubs for this worker's {@code WorkflowClient}; shut down by {@link #close()}. */
  public WorkflowServiceStubs getWorkflowServiceStubs() {
    return stubs;
  }

  /**
   * Client options carrying the configured namespace. Add interceptors, a data converter or an
   * identity with {@code WorkflowClientOptions.newBuilder(connection.getWorkflowClientOptions())}.
   */
  public WorkflowClientOptions getWorkflowClientOptions() {
    return WorkflowClientOptions.newBuilder().setNamespace(options.getNamespace()).build();
  }

  /** The options this connection was opened with. */
  public WorkerConnectionOptions getOptions() {
    return options;
  }

  /**
   * Re-reads the certificate, key and CA files now and installs what changed, as the periodic check
   * does. Without TLS or file-based material this does nothing.
   *
   * @return the status after the reload
   * @throws ConnectionSecurityException when changed files are unusable; the previous material
   *     stays in use and the error is also reported by {@link #getTlsMaterialStatus()}
   * @throws IllegalStateException after {@link #close()}
   */
  public TlsMaterialStatus reloadTlsMaterial() {
    if (material != null) {
      material.reload();
    }
    return getTlsMaterialStatus();
  }

  /** The material in use and the outcome of the last reload. */
  public TlsMaterialStatus getTlsMaterialStatus() {
    if (material == null) {
      return TlsMaterialStatus.plaintext();
    }
    PeriodicRefresher.Status<ReloadingTlsMaterial.Material> status = material.status();
    ReloadingTlsMaterial.Material installed = status.value().orElseThrow();
    return new TlsMaterialStatus(
        true,
        installed.identity().map(ClientIdentity::getLeaf).orElse(null),
        installed.trusted(),
        installed.loadedAt(),
        status.lastAttemptTime().orElse(null),
        ReloadingTlsMaterial.lastError(status).orElse(null),
        status.consecutiveFailures());
  }

  /** Stops reloading and shuts down the service stubs, waiting up to 10 seconds. Idempotent. */
  @Override
  public void close() {
    if (material != null) {
      material.close();
    }
    stubs.shutdown();
    stubs.awaitTermination(10, TimeUnit.SECONDS);
  }

  @Override
  public String toString() {
    return "WorkerConnection{" + options + '}';
  }
}
