package dev.nexussecurity.connection;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.nexussecurity.connection.ConnectionSecurityException.Reason;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.grpc.netty.shaded.io.grpc.netty.GrpcSslContexts;
import io.grpc.netty.shaded.io.netty.handler.ssl.SslContext;
import io.temporal.api.workflowservice.v1.GetSystemInfoRequest;
import io.temporal.api.workflowservice.v1.GetSystemInfoResponse;
import io.temporal.client.WorkflowClient;
import io.temporal.client.WorkflowOptions;
import io.temporal.serviceclient.WorkflowServiceStubs;
import io.temporal.serviceclient.WorkflowServiceStubsOptions;
import io.temporal.testserver.TestServer;
import io.temporal.worker.WorkerFactory;
import io.temporal.workflow.WorkflowInterface;
import io.temporal.workflow.WorkflowMethod;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import javax.net.ssl.SSLException;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * End-to-end tests of {@link WorkerConnection} against Temporal's embedded test server served over
 * TLS and over mutual TLS on loopback, with certificates generated in the test.
 */
class WorkerConnectionTest {
  private static TestPki.Issued ca;
  private static TestPki.Issued otherCa;
  private static TestPki.Issued serverCert;
  private static TestPki.Issued clientA;
  private static TestPki.Issued clientB;
  private static TlsTestServer mtlsServer;
  private static TlsTestServer tlsServer;

  @TempDir Path dir;

  @BeforeAll
  static void startServers() {
    ca = TestPki.newCa("test-ca");
    otherCa = TestPki.newCa("other-ca");
    serverCert =
        TestPki.newServer(ca, List.of("localhost", "frontend.temporal.test"), List.of("127.0.0.1"));
    clientA = TestPki.newClient(ca, "worker-a");
    clientB = TestPki.newClient(ca, "worker-b");
    mtlsServer = TlsTestServer.mutualTls(serverCert, ca);
    tlsServer = TlsTestServer.tls(serverCert);
  }

  @AfterAll
  static void stopServers() {
    if (mtlsServer != null) {
      mtlsServer.close();
    }
    if (tlsServer != null) {
      tlsServer.close();
    }
  }

  @WorkflowInterface
  public interface GreetingWorkflow {
    @WorkflowMethod
    String greet(String name);
  }

  public static class GreetingWorkflowImpl implements GreetingWorkflow {
    @Override
    public String greet(String name) {
      return "Hello, " + name;
    }
  }

  // ---------------------------------------------------------------- mutual TLS

  @Test
  void mutualTls_withValidClientCertificate_runsWorkflow() {
    WorkerConnectionOptions options = mtlsOptions(writeIdentity(clientA)).build();
    try (WorkerConnection connection = WorkerConnection.open(options)) {
      WorkflowClient client =
          WorkflowClient.newInstance(
              connection.getWorkflowServiceStubs(), connection.getWorkflowClientOptions());
      WorkerFactory factory = WorkerFactory.newInstance(client);
      String taskQueue = "tls-" + UUID.randomUUID();
      factory.newWorker(taskQueue).registerWorkflowImplementationTypes(GreetingWorkflowImpl.class);
      factory.start();
      try {
        GreetingWorkflow workflow =
            client.newWorkflowStub(
                GreetingWorkflow.class,
                WorkflowOptions.newBuilder()
                    .setTaskQueue(taskQueue)
                    .setWorkflowExecutionTimeout(Duration.ofSeconds(30))
                    .build());
        assertThat(workflow.greet("mTLS")).isEqualTo("Hello, mTLS");
      } finally {
        factory.shutdownNow();
        factory.awaitTermination(5, TimeUnit.SECONDS);
      }
      assertThat(client.getOptions().getNamespace()).isEqualTo("tls-ns");
      assertThat(mtlsServer.lastClientSerial()).contains(clientA.serial());
    }
  }

  @Test
  void mutualTls_withoutClientCertificate_isRefusedAtOpenAsRequired() {
    WorkerConnectionOptions options =
        WorkerConnectionOptions.newBuilder()
            .setTarget(mtlsServer.localhostTarget())
            .setServerCaCertificatesPath(write("ca.pem", TestPki.certificatesPem(ca.certificate)))
            .build();
    assertThat(openRefused(options, Reason.CLIENT_CERTIFICATE_REQUIRED))
        .hasMessageContaining("'" + mtlsServer.localhostTarget() + "'")
        .hasMessageContaining("requires a client certificate (mutual TLS)")
        .hasMessageContaining("TEMPORAL_TLS_CLIENT_CERT_PATH");
  }

  @Test
  void mutualTls_withCertificateFromUntrustedCa_isRefusedAtOpenNamingTheCertificate() {
    TestPki.Issued untrusted = TestPki.newClient(otherCa, "intruder");
    assertThat(
            openRefused(
                mtlsOptions(writeIdentity(untrusted)).build(), Reason.CLIENT_CERTIFICATE_REJECTED))
        .hasMessageContaining("refused the client certificate 'CN=intruder'")
        .hasMessageContaining("serial " + untrusted.serial().toString(16))
        .hasMessageContaining("issued by 'CN=other-ca'")
        .hasMessageContaining("valid from " + untrusted.certificate.getNotBefore().toInstant())
        .hasMessageContaining("to " + untrusted.certificate.getNotAfter().toInstant())
        .hasMessageContaining("does not trust the certificate's issuer 'CN=other-ca'")
        .hasMessageContaining("Add that CA");
  }

  @Test
  void mutualTls_withExpiredClientCertificate_isRefusedBeforeConnecting() {
    TestPki.Issued expired = TestPki.newExpiredClient(ca, "expired-worker");
    WorkerConnectionOptions options = mtlsOptions(writeIdentity(expired)).build();
    assertThatThrownBy(() -> WorkerConnection.open(options))
        .isInstanceOfSatisfying(
            ConnectionSecurityException.class,
            e -> assertThat(e.getReason()).isEqualTo(Reason.CLIENT_CERTIFICATE_NOT_CURRENTLY_VALID))
        .hasMessageContaining("expired at")
        .hasMessageContaining(expired.serial().toString(16));
  }

  @Test
  void mutualTls_withExpiredClientCertificatePresented_isRefusedByServer() throws SSLException {
    // Our loader refuses an expired certificate; this shows the server refuses it too, with a
    // client
    // that is identical to an accepted one except for the certificate.
    TestPki.Issued expired = TestPki.newExpiredClient(ca, "expired-worker");
    WorkflowServiceStubs accepted = rawMtlsStubs(clientA);
    WorkflowServiceStubs refused = rawMtlsStubs(expired);
    try {
      assertThat(systemInfo(accepted)).isNotNull();
      assertRefused(refused);
    } finally {
      accepted.shutdownNow();
      refused.shutdownNow();
    }
  }

  @Test
  void plaintextClient_againstTlsServer_isRefused() {
    WorkerConnectionOptions options =
        WorkerConnectionOptions.newBuilder().setTarget(mtlsServer.localhostTarget()).build();
    assertThat(options.isTlsEnabled()).isFalse();
    try (WorkerConnection connection = WorkerConnection.open(options)) {
      assertRefused(connection.getWorkflowServiceStubs());
    }
  }

  // ---------------------------------------------------------------- server-only TLS, server name,
  // API key

  @Test
  void tls_withPinnedCa_succeeds() {
    WorkerConnectionOptions options =
        WorkerConnectionOptions.newBuilder()
            .setTarget(tlsServer.localhostTarget())
            .setServerCaCertificatesPem(TestPki.certificatesPem(ca.certificate))
            .build();
    try (WorkerConnection connection = WorkerConnection.open(options)) {
      assertThat(systemInfo(connection.getWorkflowServiceStubs())).isNotNull();
    }
  }

  @Test
  void tls_withServerFromAnotherCa_isRefusedAtOpenAsUntrusted() {
    WorkerConnectionOptions options =
        WorkerConnectionOptions.newBuilder()
            .setTarget(tlsServer.localhostTarget())
            .setServerCaCertificatesPem(TestPki.certificatesPem(otherCa.certificate))
            .build();
    assertThat(openRefused(options, Reason.SERVER_CERTIFICATE_UNTRUSTED))
        .hasMessageContaining("The server's certificate 'CN=server'")
        .hasMessageContaining("serial " + serverCert.serial().toString(16))
        .hasMessageContaining("issued by 'CN=test-ca'")
        .hasMessageContaining("valid from " + serverCert.certificate.getNotBefore().toInstant())
        .hasMessageContaining("for 'localhost'")
        .hasMessageContaining("inline server CA bundle PEM: 'CN=other-ca'")
        .hasMessageContaining("Add the CA that issued 'CN=test-ca' to the server CA bundle")
        .hasMessageContaining("TEMPORAL_TLS_SERVER_CA_CERT_PATH");
  }

  @Test
  void tls_withoutPinnedCa_usesJvmTrustStoreAndFailsTheFirstCallAsUntrusted() {
    // Only the JVM's public roots are trusted, so the test CA's server certificate is refused.
    // Without the connection check, open makes no call and the first call carries the diagnosis.
    WorkerConnectionOptions options =
        WorkerConnectionOptions.newBuilder()
            .setTarget(tlsServer.localhostTarget())
            .setTlsEnabled(true)
            .setConnectionCheckTimeout(Duration.ZERO)
            .build();
    try (WorkerConnection connection = WorkerConnection.open(options)) {
      assertThat(connection.getTlsMaterialStatus().getTrustedCertificates()).isEmpty();
      assertThatThrownBy(() -> systemInfoFailFast(connection.getWorkflowServiceStubs()))
          .isInstanceOfSatisfying(
              StatusRuntimeException.class,
              e -> {
                assertThat(e.getStatus().getCode()).isEqualTo(Status.Code.UNAVAILABLE);
                assertThat(e.getCause())
                    .isInstanceOfSatisfying(
                        ConnectionSecurityException.class,
                        cause ->
                            assertThat(cause.getReason())
                                .isEqualTo(Reason.SERVER_CERTIFICATE_UNTRUSTED));
              })
          .hasMessageStartingWith("UNAVAILABLE: The server's certificate 'CN=server'")
          .hasMessageContaining("the JVM's default trust store")
          .hasMessageContaining("issued by 'CN=test-ca'");
    }
  }

  @ParameterizedTest(name = "valid from now + {0} days to now + {1} days")
  @CsvSource({"-2, -1, expired at", "1, 2, is not valid before"})
  void tls_withServerCertificateOutsideItsValidity_isRefusedAtOpenNamingIt(
      int fromDays, int toDays, String problem) {
    Instant now = Instant.now();
    TestPki.Issued outside =
        TestPki.newServer(
            ca,
            List.of("localhost"),
            List.of(),
            now.plus(Duration.ofDays(fromDays)),
            now.plus(Duration.ofDays(toDays)));
    Instant named =
        (fromDays < 0 ? outside.certificate.getNotAfter() : outside.certificate.getNotBefore())
            .toInstant();
    try (TlsTestServer server = TlsTestServer.tls(outside)) {
      assertThat(openRefused(pinnedTls(server), Reason.SERVER_CERTIFICATE_NOT_CURRENTLY_VALID))
          .hasMessageContaining("The server's certificate 'CN=server'")
          .hasMessageContaining("issued by 'CN=test-ca'")
          .hasMessageContaining(problem + " " + named)
          .hasMessageContaining("Renew the server's certificate")
          .hasMessageContaining("check the clock");
    }
  }

  @Test
  void tls_toPlaintextServer_isRefusedAtOpen() {
    int port = freePort();
    TestServer.PortBoundTestServer server = TestServer.createPortBoundServer(port);
    try {
      assertThat(
              openRefused(
                  WorkerConnectionOptions.newBuilder()
                      .setTarget("localhost:" + port)
                      .setServerCaCertificatesPem(TestPki.certificatesPem(ca.certificate))
                      .build(),
                  Reason.TLS_HANDSHAKE_FAILED))
          .hasMessageContaining("does not answer with TLS");
    } finally {
      server.close();
    }
  }

  @Test
  void tls_toUnreachableServer_opensAndKeepsTrying() {
    // Not a certificate problem: a worker may start before its server.
    WorkerConnectionOptions options =
        WorkerConnectionOptions.newBuilder()
            .setTarget("localhost:" + freePort())
            .setServerCaCertificatesPem(TestPki.certificatesPem(ca.certificate))
            .build();
    try (WorkerConnection connection = WorkerConnection.open(options)) {
      assertRefused(connection.getWorkflowServiceStubs());
    }
  }

  @Test
  void serverName_matchingServerCertificate_succeedsOnIpTarget() {
    WorkerConnectionOptions options =
        WorkerConnectionOptions.newBuilder()
            .setTarget("127.0.0.1:" + tlsServer.getPort())
            .setServerCaCertificatesPem(TestPki.certificatesPem(ca.certificate))
            .setServerName("frontend.temporal.test")
            .build();
    try (WorkerConnection connection = WorkerConnection.open(options)) {
      assertThat(systemInfo(connection.getWorkflowServiceStubs())).isNotNull();
    }
  }

  @Test
  void serverName_notInServerCertificate_isRefusedAtOpenAsMismatch() {
    WorkerConnectionOptions options =
        WorkerConnectionOptions.newBuilder()
            .setTarget("127.0.0.1:" + tlsServer.getPort())
            .setServerCaCertificatesPem(TestPki.certificatesPem(ca.certificate))
            .setServerName("impostor.temporal.test")
            .build();
    assertThat(openRefused(options, Reason.SERVER_NAME_MISMATCH))
        .hasMessageContaining("The server's certificate 'CN=server'")
        .hasMessageContaining("does not name 'impostor.temporal.test'")
        .hasMessageContaining("it names DNS localhost, frontend.temporal.test; IP 127.0.0.1")
        .hasMessageContaining("TEMPORAL_TLS_SERVER_NAME");
  }

  @Test
  void ipTarget_notInServerCertificate_isRefusedAtOpenAsMismatch() {
    TestPki.Issued dnsOnly = TestPki.newServer(ca, List.of("localhost"), List.of());
    try (TlsTestServer server = TlsTestServer.tls(dnsOnly)) {
      WorkerConnectionOptions options =
          WorkerConnectionOptions.newBuilder()
              .setTarget("127.0.0.1:" + server.getPort())
              .setServerCaCertificatesPem(TestPki.certificatesPem(ca.certificate))
              .build();
      assertThat(openRefused(options, Reason.SERVER_NAME_MISMATCH))
          .hasMessageContaining("does not name '127.0.0.1'")
          .hasMessageContaining("it names DNS localhost");
    }
  }

  @Test
  void apiKey_overTls_isSentAsBearerToken() {
    String apiKey = "test-api-key-" + UUID.randomUUID();
    WorkerConnectionOptions options =
        WorkerConnectionOptions.newBuilder()
            .setTarget(tlsServer.localhostTarget())
            .setServerCaCertificatesPem(TestPki.certificatesPem(ca.certificate))
            .setApiKey(apiKey)
            .build();
    try (WorkerConnection connection = WorkerConnection.open(options)) {
      systemInfo(connection.getWorkflowServiceStubs());
      assertThat(tlsServer.authorizationHeaders()).contains("Bearer " + apiKey);
      assertThat(connection.toString()).doesNotContain(apiKey);
    }
  }

  @Test
  void apiKey_withTlsDisabled_isRefusedBeforeConnecting() throws IOException {
    try (ServerSocket listener = new ServerSocket(0)) {
      WorkerConnectionOptions.Builder builder =
          WorkerConnectionOptions.newBuilder()
              .setTarget("127.0.0.1:" + listener.getLocalPort())
              .setApiKey("secret-key-value")
              .setTlsEnabled(false);
      assertThatThrownBy(builder::build)
          .isInstanceOfSatisfying(
              ConnectionSecurityException.class,
              e -> assertThat(e.getReason()).isEqualTo(Reason.CREDENTIALS_WITHOUT_TLS))
          .hasMessageNotContaining("secret-key-value");
      listener.setSoTimeout(200);
      // nothing connected: the refusal happened before any channel existed
      assertThatThrownBy(listener::accept).isInstanceOf(java.net.SocketTimeoutException.class);
    }
  }

  // ---------------------------------------------------------------- plaintext on loopback

  @Test
  void plaintext_toLoopbackServer_isAllowed() {
    int port = freePort();
    TestServer.PortBoundTestServer server = TestServer.createPortBoundServer(port);
    try (WorkerConnection connection =
        WorkerConnection.open(
            WorkerConnectionOptions.newBuilder().setTarget("127.0.0.1:" + port).build())) {
      assertThat(connection.getTlsMaterialStatus().isTlsEnabled()).isFalse();
      assertThat(systemInfo(connection.getWorkflowServiceStubs())).isNotNull();
      assertThat(connection.reloadTlsMaterial().isTlsEnabled()).isFalse();
    } finally {
      server.close();
    }
  }

  // ---------------------------------------------------------------- reloading

  @Test
  void rotatedClientCertificate_isUsedByNewConnectionsWithoutRebuildingStubs() {
    Identity files = writeIdentity(clientA);
    WorkerConnectionOptions options =
        mtlsOptions(files).setTlsReloadPeriod(Duration.ofMillis(50)).build();
    WorkerConnection connection = WorkerConnection.open(options);
    try {
      WorkflowServiceStubs stubs = connection.getWorkflowServiceStubs();
      systemInfo(stubs);
      assertThat(mtlsServer.lastClientSerial()).contains(clientA.serial());

      overwrite(files.cert, clientB.chainPem());
      overwrite(files.key, clientB.keyPem());
      awaitTrue(
          () ->
              connection
                  .getTlsMaterialStatus()
                  .getClientCertificate()
                  .map(c -> c.getSerialNumber().equals(clientB.serial()))
                  .orElse(false),
          "the periodic reload to install worker-b's certificate");

      reconnect(stubs);
      systemInfo(stubs);
      assertThat(mtlsServer.lastClientSerial()).contains(clientB.serial());
      assertThat(connection.getWorkflowServiceStubs()).isSameAs(stubs);
    } finally {
      closeNow(connection);
    }
  }

  @Test
  void brokenFilesDuringReload_keepLastGoodCertificateAndReportError() {
    Identity files = writeIdentity(clientA);
    WorkerConnectionOptions options = mtlsOptions(files).setTlsReloadPeriod(Duration.ZERO).build();
    WorkerConnection connection = WorkerConnection.open(options);
    try {
      WorkflowServiceStubs stubs = connection.getWorkflowServiceStubs();

      // a key file cut off while being written
      byte[] keyB = clientB.keyPem();
      overwrite(files.cert, clientB.chainPem());
      overwrite(files.key, java.util.Arrays.copyOf(keyB, keyB.length / 2));
      assertThatThrownBy(connection::reloadTlsMaterial)
          .isInstanceOfSatisfying(
              ConnectionSecurityException.class,
              e -> assertThat(e.getReason()).isEqualTo(Reason.INVALID_PRIVATE_KEY));
      TlsMaterialStatus status = connection.getTlsMaterialStatus();
      assertThat(status.getClientCertificate().orElseThrow().getSerialNumber())
          .isEqualTo(clientA.serial());
      assertThat(status.getLastReloadError()).isPresent();
      assertThat(status.getConsecutiveReloadFailures()).isEqualTo(1);

      // a complete key that belongs to another certificate
      overwrite(files.key, clientA.keyPem());
      assertThatThrownBy(connection::reloadTlsMaterial)
          .isInstanceOfSatisfying(
              ConnectionSecurityException.class,
              e -> assertThat(e.getReason()).isEqualTo(Reason.KEY_CERTIFICATE_MISMATCH));
      assertThat(connection.getTlsMaterialStatus().getConsecutiveReloadFailures()).isEqualTo(2);

      // new handshakes still present the last good certificate
      reconnect(stubs);
      systemInfo(stubs);
      assertThat(mtlsServer.lastClientSerial()).contains(clientA.serial());

      // the completed rotation is installed and clears the error
      overwrite(files.key, clientB.keyPem());
      TlsMaterialStatus after = connection.reloadTlsMaterial();
      assertThat(after.getClientCertificate().orElseThrow().getSerialNumber())
          .isEqualTo(clientB.serial());
      assertThat(after.getLastReloadError()).isEmpty();
      assertThat(after.getConsecutiveReloadFailures()).isZero();
      reconnect(stubs);
      systemInfo(stubs);
      assertThat(mtlsServer.lastClientSerial()).contains(clientB.serial());
    } finally {
      closeNow(connection);
    }
  }

  @Test
  void rotatedCaBundle_acceptsServerSignedByNewCa() {
    TestPki.Issued newServerCert = TestPki.newServer(otherCa, List.of("localhost"), List.of());
    Path caFile = write("ca.pem", TestPki.certificatesPem(ca.certificate));
    try (TlsTestServer rotatedServer = TlsTestServer.tls(newServerCert)) {
      WorkerConnection connection =
          WorkerConnection.open(
              WorkerConnectionOptions.newBuilder()
                  .setTarget(rotatedServer.localhostTarget())
                  .setServerCaCertificatesPath(caFile)
                  .setTlsReloadPeriod(Duration.ZERO)
                  .setConnectionCheckTimeout(Duration.ZERO)
                  .build());
      try {
        WorkflowServiceStubs stubs = connection.getWorkflowServiceStubs();
        assertThatThrownBy(() -> systemInfoFailFast(stubs))
            .isInstanceOfSatisfying(
                StatusRuntimeException.class,
                e ->
                    assertThat(((ConnectionSecurityException) e.getCause()).getReason())
                        .isEqualTo(Reason.SERVER_CERTIFICATE_UNTRUSTED))
            .hasMessageContaining("issued by 'CN=other-ca'");

        overwrite(caFile, TestPki.certificatesPem(ca.certificate, otherCa.certificate));
        assertThat(connection.reloadTlsMaterial().getTrustedCertificates()).hasSize(2);
        reconnect(stubs);
        assertThat(systemInfo(stubs)).isNotNull();
      } finally {
        closeNow(connection);
      }
    }
  }

  @Test
  void open_withMissingKeyFile_isRefusedWithPath() {
    Identity files = writeIdentity(clientA);
    Path missing = dir.resolve("missing.key");
    WorkerConnectionOptions options = mtlsOptions(files).setClientPrivateKeyPath(missing).build();
    assertThatThrownBy(() -> WorkerConnection.open(options))
        .isInstanceOfSatisfying(
            ConnectionSecurityException.class,
            e -> assertThat(e.getReason()).isEqualTo(Reason.FILE_UNREADABLE))
        .hasMessageContaining(missing.toString());
  }

  @Test
  void close_isIdempotentAndShutsStubsDown() {
    WorkerConnection connection =
        WorkerConnection.open(mtlsOptions(writeIdentity(clientA)).build());
    connection.close();
    connection.close();
    assertThat(connection.getWorkflowServiceStubs().isShutdown()).isTrue();
  }

  // ---------------------------------------------------------------- helpers

  private static final class Identity {
    final Path cert;
    final Path key;

    Identity(Path cert, Path key) {
      this.cert = cert;
      this.key = key;
    }
  }

  private Identity writeIdentity(TestPki.Issued client) {
    return new Identity(
        write("client.pem", client.chainPem()), write("client.key", client.keyPem()));
  }

  private WorkerConnectionOptions.Builder mtlsOptions(Identity identity) {
    return WorkerConnectionOptions.newBuilder()
        .setTarget(mtlsServer.localhostTarget())
        .setNamespace("tls-ns")
        .setClientCertificatePath(identity.cert)
        .setClientPrivateKeyPath(identity.key)
        .setServerCaCertificatesPath(write("ca.pem", TestPki.certificatesPem(ca.certificate)));
  }

  private Path write(String name, byte[] content) {
    Path file = dir.resolve(name);
    overwrite(file, content);
    return file;
  }

  private static void overwrite(Path file, byte[] content) {
    try {
      Files.write(file, content);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private static WorkflowServiceStubs rawMtlsStubs(TestPki.Issued client) throws SSLException {
    SslContext context =
        GrpcSslContexts.forClient()
            .trustManager(ca.certificate)
            .keyManager(client.keyPair.getPrivate(), client.certificate)
            .build();
    return WorkflowServiceStubs.newServiceStubs(
        WorkflowServiceStubsOptions.newBuilder()
            .setTarget(mtlsServer.localhostTarget())
            .setSslContext(context)
            .build());
  }

  /**
   * A call that waits for the channel to become ready, so that it does not fail on a connection
   * failure that the channel recorded before the material changed.
   */
  private static GetSystemInfoResponse systemInfo(WorkflowServiceStubs stubs) {
    return stubs
        .blockingStub()
        .withWaitForReady()
        .withDeadlineAfter(10, TimeUnit.SECONDS)
        .getSystemInfo(GetSystemInfoRequest.getDefaultInstance());
  }

  /** A call that fails as soon as the connection fails. */
  private static GetSystemInfoResponse systemInfoFailFast(WorkflowServiceStubs stubs) {
    return stubs
        .blockingStub()
        .withDeadlineAfter(10, TimeUnit.SECONDS)
        .getSystemInfo(GetSystemInfoRequest.getDefaultInstance());
  }

  private WorkerConnectionOptions pinnedTls(TlsTestServer server) {
    return WorkerConnectionOptions.newBuilder()
        .setTarget(server.localhostTarget())
        .setServerCaCertificatesPem(TestPki.certificatesPem(ca.certificate))
        .build();
  }

  /** Opens, expecting a refusal for {@code reason}; returns it for assertions on the message. */
  private static ConnectionSecurityException openRefused(
      WorkerConnectionOptions options, Reason reason) {
    try (WorkerConnection connection = WorkerConnection.open(options)) {
      throw new AssertionError("open succeeded: " + connection);
    } catch (ConnectionSecurityException e) {
      assertThat(e.getReason()).as(e.getMessage()).isEqualTo(reason);
      return e;
    }
  }

  private static void assertRefused(WorkflowServiceStubs stubs) {
    assertThatThrownBy(() -> systemInfoFailFast(stubs))
        .isInstanceOfSatisfying(
            StatusRuntimeException.class,
            e -> assertThat(e.getStatus().getCode()).isEqualTo(Status.Code.UNAVAILABLE));
  }

  /**
   * Closes the channel's connections so that the next call performs a new TLS handshake. (The SDK
   * does the same every minute by default.) gRPC keeps the old connection for 5 s after this, so
   * tests that reconnect end with {@link #closeNow}.
   */
  private static void reconnect(WorkflowServiceStubs stubs) {
    stubs.getRawChannel().enterIdle();
  }

  /**
   * Closes without waiting for gRPC's delayed shutdown of connections replaced by {@link
   * #reconnect}.
   */
  private static void closeNow(WorkerConnection connection) {
    connection.getWorkflowServiceStubs().shutdownNow();
    connection.close();
  }

  private static void awaitTrue(BooleanSupplier condition, String what) {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
    while (!condition.getAsBoolean()) {
      if (System.nanoTime() > deadline) {
        throw new AssertionError("Timed out waiting for " + what);
      }
      try {
        Thread.sleep(10);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new AssertionError("interrupted", e);
      }
    }
  }

  private static int freePort() {
    try (ServerSocket socket = new ServerSocket(0)) {
      return socket.getLocalPort();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
