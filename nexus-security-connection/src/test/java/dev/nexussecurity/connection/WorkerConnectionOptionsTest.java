package dev.nexussecurity.connection;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.nexussecurity.connection.ConnectionSecurityException.Reason;
import io.grpc.inprocess.InProcessChannelBuilder;
import io.grpc.netty.shaded.io.grpc.netty.GrpcSslContexts;
import io.temporal.envconfig.ClientConfigProfile;
import io.temporal.envconfig.LoadClientConfigProfileOptions;
import io.temporal.serviceclient.WorkflowServiceStubsOptions;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class WorkerConnectionOptionsTest {
  private static final String SECRET_KEY = "sk-test-4f1c9e0b7a";

  @TempDir Path dir;

  // ---------------------------------------------------------------- defaults and plaintext rule

  @Test
  void defaults_arePlaintextToLocalTemporal() {
    WorkerConnectionOptions options = WorkerConnectionOptions.newBuilder().build();
    assertThat(options.getTarget()).isEqualTo("127.0.0.1:7233");
    assertThat(options.getNamespace()).isEqualTo("default");
    assertThat(options.isTlsEnabled()).isFalse();
    assertThat(options.hasApiKey()).isFalse();
    assertThat(options.hasClientIdentity()).isFalse();
    assertThat(options.getTlsReloadPeriod()).isEqualTo(Duration.ofMinutes(1));
    assertThat(options.getConnectionCheckTimeout()).isEqualTo(Duration.ofSeconds(10));
  }

  @ParameterizedTest
  @ValueSource(
      strings = {
        "localhost:7233",
        "127.0.0.1:7233",
        "127.10.20.30:7233",
        "[::1]:7233",
        "[0:0:0:0:0:0:0:1]:7233"
      })
  void plaintext_toLoopbackTarget_isAllowed(String target) {
    WorkerConnectionOptions options =
        WorkerConnectionOptions.newBuilder().setTarget(target).build();
    assertThat(options.isTlsEnabled()).isFalse();
  }

  @ParameterizedTest
  @ValueSource(
      strings = {
        "temporal.example.com:7233",
        "10.0.0.7:7233",
        "128.0.0.1:7233",
        "0.0.0.0:7233",
        "localhost.example.com:7233",
        "127.0.0.1.example.com:7233",
        "[::2]:7233",
        "[::127.0.0.1]:7233",
        "LOCALHOST:7233",
        "127.0.0.1.attacker.example:7233"
      })
  void plaintext_toNonLoopbackTarget_isRefusedWithHowToConfigureTls(String target) {
    WorkerConnectionOptions.Builder builder =
        WorkerConnectionOptions.newBuilder().setTarget(target);
    assertThatThrownBy(builder::build)
        .isInstanceOfSatisfying(
            ConnectionSecurityException.class,
            e -> assertThat(e.getReason()).isEqualTo(Reason.PLAINTEXT_NOT_ALLOWED))
        .hasMessageContaining(target)
        .hasMessageContaining("TEMPORAL_TLS_SERVER_CA_CERT_PATH")
        .hasMessageContaining("server_ca_cert_path")
        .hasMessageContaining("setServerCaCertificatesPath")
        .hasMessageContaining("setAllowPlaintext(true)");
  }

  /**
   * Targets that gRPC reads as another host than the one they seem to name, or as a URI: refused
   * before anything connects, with TLS or without, and with plaintext allowed too.
   */
  @ParameterizedTest
  @ValueSource(
      strings = {
        "localhost:7233@attacker.example",
        "localhost:7233@127.0.0.2",
        "[::1]@x:7233",
        "dns:///localhost:7233",
        "dns:///temporal.example.com:7233",
        "unix:///var/run/temporal.sock",
        "xds:///temporal.example.com",
        "localhost:7233/x",
        "localhost%3A7233",
        "localhost.:7233",
        "127.1:7233",
        "2130706433:7233",
        "0177.0.0.1:7233",
        "[::ffff:127.0.0.1]:7233",
        "lоcalhost:7233",
        "localhost:7233 ",
        "localhost"
      })
  void target_thatIsNotALiteralHostAndPort_isRefusedWhateverTheTlsSettings(String target) {
    for (WorkerConnectionOptions.Builder builder :
        List.of(
            WorkerConnectionOptions.newBuilder().setTarget(target),
            WorkerConnectionOptions.newBuilder().setTarget(target).setAllowPlaintext(true),
            WorkerConnectionOptions.newBuilder().setTarget(target).setTlsEnabled(true))) {
      assertThatThrownBy(builder::build)
          .isInstanceOfSatisfying(
              ConnectionSecurityException.class,
              e -> assertThat(e.getReason()).isEqualTo(Reason.INVALID_TARGET))
          .hasMessageContaining("is refused")
          .hasMessageContaining("literal host:port");
    }
  }

  @Test
  void target_fromTheEnvironmentWithUserinfo_isRefused() throws IOException {
    ClientConfigProfile profile =
        loadProfile("", Map.of("TEMPORAL_ADDRESS", "localhost:7233@attacker.example"));
    WorkerConnectionOptions.Builder builder = WorkerConnectionOptions.newBuilder(profile);
    assertThatThrownBy(builder::build)
        .isInstanceOfSatisfying(
            ConnectionSecurityException.class,
            e -> assertThat(e.getReason()).isEqualTo(Reason.INVALID_TARGET))
        .hasMessageContaining("'localhost:7233@attacker.example'")
        .hasMessageContaining("user information")
        .hasMessageContaining("TEMPORAL_ADDRESS");
  }

  @Test
  void plaintext_toNonLoopbackTarget_isAllowedWhenExplicitlyAllowed() {
    WorkerConnectionOptions options =
        WorkerConnectionOptions.newBuilder()
            .setTarget("temporal.mesh.internal:7233")
            .setAllowPlaintext(true)
            .build();
    assertThat(options.isTlsEnabled()).isFalse();
    assertThat(options.isPlaintextAllowed()).isTrue();
  }

  @Test
  void tls_toNonLoopbackTarget_isAllowed() {
    WorkerConnectionOptions options =
        WorkerConnectionOptions.newBuilder()
            .setTarget("temporal.example.com:7233")
            .setTlsEnabled(true)
            .build();
    assertThat(options.isTlsEnabled()).isTrue();
  }

  // ---------------------------------------------------------------- credentials need TLS

  @Test
  void apiKey_enablesTlsAutomatically() {
    WorkerConnectionOptions options =
        WorkerConnectionOptions.newBuilder()
            .setTarget("ns.tmprl.cloud:7233")
            .setApiKey(SECRET_KEY)
            .build();
    assertThat(options.isTlsEnabled()).isTrue();
    assertThat(options.hasApiKey()).isTrue();
  }

  @Test
  void apiKey_withTlsDisabled_isRefusedEvenOnLoopbackWithPlaintextAllowed() {
    WorkerConnectionOptions.Builder builder =
        WorkerConnectionOptions.newBuilder()
            .setTarget("localhost:7233")
            .setApiKey(SECRET_KEY)
            .setAllowPlaintext(true)
            .setTlsEnabled(false);
    assertThatThrownBy(builder::build)
        .isInstanceOfSatisfying(
            ConnectionSecurityException.class,
            e -> assertThat(e.getReason()).isEqualTo(Reason.CREDENTIALS_WITHOUT_TLS))
        .hasMessageContaining("API key")
        .hasMessageContaining("TEMPORAL_TLS")
        .hasMessageNotContaining(SECRET_KEY);
  }

  @Test
  void authorizationHeaderFromProfile_withTlsDisabled_isRefused() throws IOException {
    ClientConfigProfile profile =
        loadProfile(
            "[profile.default]\naddress = \"localhost:7233\"\n"
                + "[profile.default.tls]\ndisabled = true\n"
                + "[profile.default.grpc_meta]\nauthorization = \"Bearer "
                + SECRET_KEY
                + "\"\n",
            Map.of());
    WorkerConnectionOptions.Builder builder = WorkerConnectionOptions.newBuilder(profile);
    assertThatThrownBy(builder::build)
        .isInstanceOfSatisfying(
            ConnectionSecurityException.class,
            e -> assertThat(e.getReason()).isEqualTo(Reason.CREDENTIALS_WITHOUT_TLS))
        .hasMessageContaining("authorization")
        .hasMessageNotContaining(SECRET_KEY);
  }

  @ParameterizedTest
  @ValueSource(
      strings = {
        "authorization",
        "proxy-authorization",
        "cookie",
        "x-api-key",
        "temporal-api-key",
        "x-auth-token",
        "x-client-secret",
        "db-password",
        "my-apikey",
        "x-session-id"
      })
  void credentialHeaderFromProfile_withTlsDisabled_isRefusedEvenOnLoopback(String header)
      throws IOException {
    ClientConfigProfile profile =
        loadProfile(
            "[profile.default]\naddress = \"localhost:7233\"\n"
                + "[profile.default.tls]\ndisabled = true\n"
                + "[profile.default.grpc_meta]\n"
                + header
                + " = \""
                + SECRET_KEY
                + "\"\n",
            Map.of());
    WorkerConnectionOptions.Builder builder =
        WorkerConnectionOptions.newBuilder(profile).setAllowPlaintext(true);
    assertThatThrownBy(builder::build)
        .isInstanceOfSatisfying(
            ConnectionSecurityException.class,
            e -> assertThat(e.getReason()).isEqualTo(Reason.CREDENTIALS_WITHOUT_TLS))
        .hasMessageContaining("'" + header + "'")
        .hasMessageContaining("grpc_meta")
        .hasMessageContaining("TEMPORAL_TLS")
        .hasMessageNotContaining(SECRET_KEY);
  }

  @Test
  void credentialHeaderFromEnvironment_withTlsDisabled_isRefused() throws IOException {
    ClientConfigProfile profile =
        loadProfile(
            "",
            Map.of(
                "TEMPORAL_ADDRESS", "localhost:7233",
                "TEMPORAL_TLS", "false",
                "TEMPORAL_GRPC_META_X_API_KEY", SECRET_KEY));
    assertThatThrownBy(WorkerConnectionOptions.newBuilder(profile)::build)
        .isInstanceOfSatisfying(
            ConnectionSecurityException.class,
            e -> assertThat(e.getReason()).isEqualTo(Reason.CREDENTIALS_WITHOUT_TLS))
        .hasMessageContaining("'x-api-key'")
        .hasMessageNotContaining(SECRET_KEY);
  }

  @Test
  void credentialHeaderFromProfile_withTls_isAllowed() throws IOException {
    ClientConfigProfile profile =
        loadProfile(
            "[profile.default]\naddress = \"temporal.example.com:7233\"\n"
                + "[profile.default.tls]\n"
                + "[profile.default.grpc_meta]\nx-api-key = \""
                + SECRET_KEY
                + "\"\n",
            Map.of());
    WorkerConnectionOptions options = WorkerConnectionOptions.newBuilder(profile).build();
    assertThat(options.isTlsEnabled()).isTrue();
    assertThat(options.getGrpcMetadataKeys()).containsExactly("x-api-key");
  }

  @Test
  void ordinaryHeaderFromProfile_withTlsDisabled_isAllowedOnLoopback() throws IOException {
    ClientConfigProfile profile =
        loadProfile(
            "[profile.default]\naddress = \"localhost:7233\"\n"
                + "[profile.default.grpc_meta]\nx-request-source = \"orders\"\n",
            Map.of());
    WorkerConnectionOptions options = WorkerConnectionOptions.newBuilder(profile).build();
    assertThat(options.isTlsEnabled()).isFalse();
    assertThat(options.getGrpcMetadataKeys()).containsExactly("x-request-source");
  }

  @Test
  void credentialHeaderInServiceStubsOptions_withTlsDisabled_isRefused() {
    io.grpc.Metadata headers = new io.grpc.Metadata();
    headers.put(
        io.grpc.Metadata.Key.of("X-Auth-Token", io.grpc.Metadata.ASCII_STRING_MARSHALLER),
        SECRET_KEY);
    WorkerConnectionOptions.Builder builder =
        WorkerConnectionOptions.newBuilder()
            .setTarget("localhost:7233")
            .setServiceStubsOptions(
                WorkflowServiceStubsOptions.newBuilder().setHeaders(headers).build());
    assertThatThrownBy(builder::build)
        .isInstanceOfSatisfying(
            ConnectionSecurityException.class,
            e -> assertThat(e.getReason()).isEqualTo(Reason.CREDENTIALS_WITHOUT_TLS))
        .hasMessageContaining("'x-auth-token'")
        .hasMessageContaining("serviceStubsOptions")
        .hasMessageNotContaining(SECRET_KEY);
  }

  @Test
  void metadataProviderInServiceStubsOptions_withTlsDisabled_isRefused() {
    // The SDK's own API key support is a metadata provider: its headers cannot be seen up front.
    WorkerConnectionOptions.Builder builder =
        WorkerConnectionOptions.newBuilder()
            .setTarget("localhost:7233")
            .setServiceStubsOptions(
                WorkflowServiceStubsOptions.newBuilder().addApiKey(() -> SECRET_KEY).build());
    assertThatThrownBy(builder::build)
        .isInstanceOfSatisfying(
            ConnectionSecurityException.class,
            e -> assertThat(e.getReason()).isEqualTo(Reason.CREDENTIALS_WITHOUT_TLS))
        .hasMessageContaining("metadata provider")
        .hasMessageContaining("setApiKey")
        .hasMessageNotContaining(SECRET_KEY);
  }

  @Test
  void ordinaryHeaderInServiceStubsOptions_withTlsDisabled_isAllowedOnLoopback() {
    io.grpc.Metadata headers = new io.grpc.Metadata();
    headers.put(
        io.grpc.Metadata.Key.of("x-request-source", io.grpc.Metadata.ASCII_STRING_MARSHALLER),
        "orders");
    WorkerConnectionOptions options =
        WorkerConnectionOptions.newBuilder()
            .setTarget("localhost:7233")
            .setServiceStubsOptions(
                WorkflowServiceStubsOptions.newBuilder().setHeaders(headers).build())
            .build();
    assertThat(options.isTlsEnabled()).isFalse();
  }

  // ---------------------------------------------------------------- contradictory or weakened TLS

  @Test
  void tlsMaterial_withTlsDisabled_isRefusedAsConflicting() {
    WorkerConnectionOptions.Builder builder =
        WorkerConnectionOptions.newBuilder()
            .setTarget("localhost:7233")
            .setServerCaCertificatesPath(dir.resolve("ca.pem"))
            .setTlsEnabled(false);
    assertThatThrownBy(builder::build)
        .isInstanceOfSatisfying(
            ConnectionSecurityException.class,
            e -> assertThat(e.getReason()).isEqualTo(Reason.CONFLICTING_TLS_SETTINGS))
        .hasMessageContaining("server CA bundle");
  }

  @Test
  void hostVerificationDisabledInProfile_isRefused() throws IOException {
    ClientConfigProfile profile =
        loadProfile(
            "[profile.default]\naddress = \"temporal.example.com:7233\"\n"
                + "[profile.default.tls]\ndisable_host_verification = true\n",
            Map.of());
    WorkerConnectionOptions.Builder builder = WorkerConnectionOptions.newBuilder(profile);
    assertThatThrownBy(builder::build)
        .isInstanceOfSatisfying(
            ConnectionSecurityException.class,
            e -> assertThat(e.getReason()).isEqualTo(Reason.HOST_VERIFICATION_DISABLED))
        .hasMessageContaining("server_name");
  }

  @Test
  void clientCertificateWithoutKey_isRefused() {
    WorkerConnectionOptions.Builder builder =
        WorkerConnectionOptions.newBuilder()
            .setTarget("temporal.example.com:7233")
            .setClientCertificatePath(dir.resolve("client.pem"));
    assertThatThrownBy(builder::build)
        .isInstanceOfSatisfying(
            ConnectionSecurityException.class,
            e -> assertThat(e.getReason()).isEqualTo(Reason.INCOMPLETE_CLIENT_IDENTITY))
        .hasMessageContaining("TEMPORAL_TLS_CLIENT_KEY_PATH");
  }

  @Test
  void clientKeyWithoutCertificate_isRefused() {
    WorkerConnectionOptions.Builder builder =
        WorkerConnectionOptions.newBuilder()
            .setTarget("temporal.example.com:7233")
            .setClientPrivateKeyPem(
                "-----BEGIN PRIVATE KEY-----".getBytes(StandardCharsets.US_ASCII));
    assertThatThrownBy(builder::build)
        .isInstanceOfSatisfying(
            ConnectionSecurityException.class,
            e -> assertThat(e.getReason()).isEqualTo(Reason.INCOMPLETE_CLIENT_IDENTITY))
        .hasMessageContaining("TEMPORAL_TLS_CLIENT_CERT_PATH");
  }

  // ---------------------------------------------------------------- setter validation

  @Test
  void setters_rejectInvalidValuesNamingTheField() {
    WorkerConnectionOptions.Builder builder = WorkerConnectionOptions.newBuilder();
    assertThatThrownBy(() -> builder.setTarget(" ")).hasMessageContaining("target");
    assertThatThrownBy(() -> builder.setNamespace(null)).hasMessageContaining("namespace");
    assertThatThrownBy(() -> builder.setServerName("")).hasMessageContaining("serverName");
    assertThatThrownBy(() -> builder.setApiKey(" ")).hasMessageContaining("apiKey");
    assertThatThrownBy(() -> builder.setTlsReloadPeriod(Duration.ofSeconds(-1)))
        .hasMessageContaining("tlsReloadPeriod")
        .hasMessageContaining("PT-1S");
    assertThatThrownBy(() -> builder.setConnectionCheckTimeout(Duration.ofSeconds(-2)))
        .hasMessageContaining("connectionCheckTimeout")
        .hasMessageContaining("PT-2S");
    assertThatThrownBy(() -> builder.setClientCertificatePem(new byte[0]))
        .hasMessageContaining("clientCertificatePem");
    // nothing was changed by the rejected calls
    assertThat(builder.build()).isEqualTo(WorkerConnectionOptions.newBuilder().build());
  }

  @Test
  void serviceStubsOptions_withCustomChannelOrSslContext_areRefused() throws Exception {
    WorkflowServiceStubsOptions withChannel =
        WorkflowServiceStubsOptions.newBuilder()
            .setChannel(InProcessChannelBuilder.forName("x").build())
            .build();
    WorkflowServiceStubsOptions withSsl =
        WorkflowServiceStubsOptions.newBuilder()
            .setSslContext(GrpcSslContexts.forClient().build())
            .build();
    WorkerConnectionOptions.Builder builder = WorkerConnectionOptions.newBuilder();
    assertThatThrownBy(() -> builder.setServiceStubsOptions(withChannel))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("channel");
    assertThatThrownBy(() -> builder.setServiceStubsOptions(withSsl))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("SSL context");
    withChannel.getChannel().shutdownNow();
  }

  @Test
  void serviceStubsOptions_withOtherSettings_areKept() {
    WorkflowServiceStubsOptions base =
        WorkflowServiceStubsOptions.newBuilder().setRpcTimeout(Duration.ofSeconds(3)).build();
    WorkerConnectionOptions options =
        WorkerConnectionOptions.newBuilder().setServiceStubsOptions(base).build();
    assertThat(options.getServiceStubsOptions()).contains(base);
  }

  // ---------------------------------------------------------------- secrets stay out of toString

  @Test
  void toString_hidesApiKeyPrivateKeyAndHeaderValues() throws IOException {
    byte[] keyPem = TestPki.pkcs8Pem(TestPki.newKeyPair().getPrivate());
    ClientConfigProfile profile =
        loadProfile(
            "[profile.default]\naddress = \"temporal.example.com:7233\"\n"
                + "api_key = \""
                + SECRET_KEY
                + "\"\n"
                + "[profile.default.grpc_meta]\nx-tenant-token = \"tenant-secret-99\"\n",
            Map.of());
    WorkerConnectionOptions options =
        WorkerConnectionOptions.newBuilder(profile)
            .setClientCertificatePem(
                "-----BEGIN CERTIFICATE-----".getBytes(StandardCharsets.US_ASCII))
            .setClientPrivateKeyPem(keyPem)
            .build();
    String keyBody = new String(keyPem, StandardCharsets.US_ASCII).split("\n")[1];
    assertThat(options.toString())
        .contains("temporal.example.com:7233", "<redacted>", "x-tenant-token", "<inline PEM>")
        .doesNotContain(SECRET_KEY, "tenant-secret-99", keyBody);
    assertThat(options.getGrpcMetadataKeys()).containsExactly("x-tenant-token");
  }

  // ---------------------------------------------------------------- envconfig: TOML and
  // environment

  @Test
  void tomlProfile_producesExpectedOptions() throws IOException {
    String toml =
        "[profile.default]\naddress = \"localhost:7233\"\n\n"
            + "[profile.prod]\n"
            + "address = \"temporal.example.com:7233\"\n"
            + "namespace = \"payments\"\n"
            + "[profile.prod.tls]\n"
            + "client_cert_path = \"/etc/temporal/client.pem\"\n"
            + "client_key_path = \"/etc/temporal/client.key\"\n"
            + "server_ca_cert_path = \"/etc/temporal/ca.pem\"\n"
            + "server_name = \"frontend.temporal.internal\"\n";
    Path file = dir.resolve("temporal.toml");
    Files.writeString(file, toml);
    ClientConfigProfile profile =
        ClientConfigProfile.load(
            LoadClientConfigProfileOptions.newBuilder()
                .setConfigFilePath(file.toString())
                .setConfigFileProfile("prod")
                .setEnvOverrides(Map.of())
                .build());

    WorkerConnectionOptions options = WorkerConnectionOptions.newBuilder(profile).build();

    assertThat(options.getTarget()).isEqualTo("temporal.example.com:7233");
    assertThat(options.getNamespace()).isEqualTo("payments");
    assertThat(options.isTlsEnabled()).isTrue();
    assertThat(options.getClientCertificatePath()).contains(Path.of("/etc/temporal/client.pem"));
    assertThat(options.getClientPrivateKeyPath()).contains(Path.of("/etc/temporal/client.key"));
    assertThat(options.getServerCaCertificatesPath()).contains(Path.of("/etc/temporal/ca.pem"));
    assertThat(options.getServerName()).contains("frontend.temporal.internal");
    assertThat(options.hasApiKey()).isFalse();
  }

  @Test
  void environmentVariables_produceExpectedOptions() throws IOException {
    Map<String, String> env =
        Map.of(
            "TEMPORAL_ADDRESS", "ns.a1b2c.tmprl.cloud:7233",
            "TEMPORAL_NAMESPACE", "ns.a1b2c",
            "TEMPORAL_API_KEY", SECRET_KEY,
            "TEMPORAL_TLS_SERVER_NAME", "ns.a1b2c.tmprl.cloud");
    ClientConfigProfile profile =
        ClientConfigProfile.load(
            LoadClientConfigProfileOptions.newBuilder()
                .setDisableFile(true)
                .setEnvOverrides(env)
                .build());

    WorkerConnectionOptions options = WorkerConnectionOptions.newBuilder(profile).build();

    assertThat(options.getTarget()).isEqualTo("ns.a1b2c.tmprl.cloud:7233");
    assertThat(options.getNamespace()).isEqualTo("ns.a1b2c");
    assertThat(options.hasApiKey()).isTrue();
    assertThat(options.isTlsEnabled()).isTrue();
    assertThat(options.getServerName()).contains("ns.a1b2c.tmprl.cloud");
  }

  @Test
  void environmentVariables_overrideTomlProfile() throws IOException {
    ClientConfigProfile profile =
        loadProfile(
            "[profile.default]\naddress = \"temporal.example.com:7233\"\nnamespace = \"from-file\"\n"
                + "[profile.default.tls]\nclient_cert_data = \"inline\"\nclient_key_data = \"inline\"\n",
            Map.of(
                "TEMPORAL_NAMESPACE", "from-env",
                "TEMPORAL_TLS_CLIENT_CERT_PATH", "/env/client.pem",
                "TEMPORAL_TLS_CLIENT_KEY_PATH", "/env/client.key"));

    WorkerConnectionOptions options = WorkerConnectionOptions.newBuilder(profile).build();

    assertThat(options.getNamespace()).isEqualTo("from-env");
    // a path wins over inline data for the same item, as in envconfig
    assertThat(options.getClientCertificatePath()).contains(Path.of("/env/client.pem"));
    assertThat(options.getClientPrivateKeyPath()).contains(Path.of("/env/client.key"));
  }

  @Test
  void environmentTlsFalse_withoutTlsMaterial_givesPlaintextOnlyToLoopback() throws IOException {
    ClientConfigProfile local =
        loadProfile("", Map.of("TEMPORAL_ADDRESS", "localhost:7233", "TEMPORAL_TLS", "false"));
    assertThat(WorkerConnectionOptions.newBuilder(local).build().isTlsEnabled()).isFalse();

    ClientConfigProfile remote =
        loadProfile(
            "", Map.of("TEMPORAL_ADDRESS", "temporal.example.com:7233", "TEMPORAL_TLS", "false"));
    assertThatThrownBy(() -> WorkerConnectionOptions.newBuilder(remote).build())
        .isInstanceOfSatisfying(
            ConnectionSecurityException.class,
            e -> assertThat(e.getReason()).isEqualTo(Reason.PLAINTEXT_NOT_ALLOWED));
  }

  @Test
  void codeOverrides_winOverProfile() throws IOException {
    ClientConfigProfile profile =
        loadProfile(
            "[profile.default]\naddress = \"temporal.example.com:7233\"\n"
                + "[profile.default.tls]\nserver_name = \"from-profile\"\n",
            Map.of());
    WorkerConnectionOptions options =
        WorkerConnectionOptions.newBuilder(profile)
            .setServerName("from-code")
            .setNamespace("code-ns")
            .build();
    assertThat(options.getServerName()).contains("from-code");
    assertThat(options.getNamespace()).isEqualTo("code-ns");
  }

  @Test
  void toBuilder_roundTripsToEqualOptions() {
    WorkerConnectionOptions options =
        WorkerConnectionOptions.newBuilder()
            .setTarget("temporal.example.com:7233")
            .setNamespace("ns")
            .setClientCertificatePath(dir.resolve("c.pem"))
            .setClientPrivateKeyPath(dir.resolve("c.key"))
            .setServerCaCertificatesPem("ca".getBytes(StandardCharsets.US_ASCII))
            .setServerName("frontend")
            .setApiKey(SECRET_KEY)
            .setTlsReloadPeriod(Duration.ofSeconds(5))
            .setConnectionCheckTimeout(Duration.ofSeconds(3))
            .build();
    assertThat(options.getConnectionCheckTimeout()).isEqualTo(Duration.ofSeconds(3));
    assertThat(options.toBuilder().build()).isEqualTo(options).hasSameHashCodeAs(options);
    assertThat(options.toBuilder().setConnectionCheckTimeout(Duration.ZERO).build())
        .isNotEqualTo(options);
    assertThat(options.toBuilder().setApiKey("other").build()).isNotEqualTo(options);
  }

  private static ClientConfigProfile loadProfile(String toml, Map<String, String> env)
      throws IOException {
    LoadClientConfigProfileOptions.Builder b =
        LoadClientConfigProfileOptions.newBuilder().setEnvOverrides(env);
    if (toml.isEmpty()) {
      b.setDisableFile(true);
    } else {
      b.setConfigFileData(toml.getBytes(StandardCharsets.UTF_8));
    }
    return ClientConfigProfile.load(b.build());
  }
}
