package dev.nexussecurity.controlplane;

import static dev.nexussecurity.controlplane.RegistryTestServers.*;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import com.google.crypto.tink.KeysetHandle;
import com.google.crypto.tink.TinkJsonProtoKeysetFormat;
import com.google.crypto.tink.signature.PredefinedSignatureParameters;
import com.google.crypto.tink.signature.SignatureConfig;
import com.google.crypto.tink.signature.SignatureConfig2026;
import dev.nexussecurity.core.keys.NamespaceKeyDirectory;
import dev.nexussecurity.core.keys.NamespaceKeys;
import dev.nexussecurity.core.keys.NamespacePublicKeys;
import dev.nexussecurity.core.server.ServerEndpointRegistry;
import dev.nexussecurity.testing.EmbeddedTemporal;
import dev.nexussecurity.tools.InsecureFakeKmsClient;
import io.temporal.api.nexus.v1.Endpoint;
import io.temporal.api.operatorservice.v1.ListNexusEndpointsRequest;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;

/**
 * The server-backed registry publishes the configured key directory file ({@code
 * registry.temporal.keyDirectory}) at every reconcile, on the embedded server, and a worker's
 * {@link ServerEndpointRegistry} (public registry keyset only) reads it: the keys, a revocation in
 * the file, a malformed file (the last good directory stays, the health check names the problem).
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class TemporalKeyDirectoryPublishingTest {
  static final String CLUSTER = "keys-cluster";
  Path dir;
  TestIdentityProvider idp;
  EmbeddedTemporal temporal;
  KeysetHandle registryKey;
  String kmsKeyUri;
  ControlPlaneServer server;
  ServerEndpointRegistry worker;
  URI base;
  String admin;
  final AtomicInteger changes = new AtomicInteger();

  final NamespaceKeys ordersKeys = NamespaceKeys.generate("orders-ns", false);
  final NamespaceKeys rotatedOrdersKeys = NamespaceKeys.generate("orders-ns", false);
  final NamespaceKeys paymentsKeys = NamespaceKeys.generate("payments-ns", false);
  final NamespaceKeyDirectory original =
      NamespaceKeyDirectory.newBuilder()
          .put(ordersKeys.toPublicKeys())
          .put(paymentsKeys.toPublicKeys())
          .build();

  @BeforeAll
  void start(@TempDir Path dir) throws Exception {
    this.dir = dir;
    idp = new TestIdentityProvider();
    temporal = EmbeddedTemporal.newBuilder().start();
    SignatureConfig.register();
    registryKey =
        KeysetHandle.generateNew(PredefinedSignatureParameters.ED25519, SignatureConfig2026.get());
    kmsKeyUri = InsecureFakeKmsClient.newKeyUri();
    Files.writeString(
        dir.resolve("registry-signing.json"),
        TinkJsonProtoKeysetFormat.serializeEncryptedKeyset(
            registryKey, new InsecureFakeKmsClient().getAead(kmsKeyUri), new byte[0]));
    original.save(dir.resolve("key-directory.json"));
    server = builder("key-directory.json").build().start();
    base = server.getUri();
    admin = idp.token("alice", "role-developer", "payments-ns-admin");
    worker =
        ServerEndpointRegistry.newBuilder()
            .setOperatorServiceStubs(temporal.getOperatorServiceStubs())
            .setRegistryPublicKeyset(registryKey.getPublicKeysetHandle())
            .setAudience(CLUSTER)
            .setRefreshInterval(Duration.ZERO)
            .start();
  }

  private ControlPlaneServer.Builder builder(String keyDirectory) {
    Map<String, Object> temporalStorage = new LinkedHashMap<>();
    temporalStorage.put(
        "signingKeyset", Map.of("file", "registry-signing.json", "kmsKeyUri", kmsKeyUri));
    temporalStorage.put("audience", CLUSTER);
    temporalStorage.put("refreshIntervalSeconds", 1);
    temporalStorage.put("keyDirectory", keyDirectory);
    Map<String, Object> config = config(idp, dir, Map.of("temporal", temporalStorage));
    return ControlPlaneServer.newBuilderFromJson(TestServers.json(config), dir)
        .addKmsClient(new InsecureFakeKmsClient())
        .setOperatorServiceStubs(temporal.getOperatorServiceStubs());
  }

  @AfterAll
  void stop() {
    worker.close();
    server.close();
    temporal.close();
    idp.close();
  }

  /** An endpoint change through the API: the store reconciles the server before answering. */
  private void reconcileThroughAChange() {
    Answer created =
        create(
            base,
            admin,
            spec("payments-" + changes.incrementAndGet(), "payments-ns", "tq", "orders-ns"));
    assertThat(created.status()).as(created.body().toString()).isEqualTo(201);
  }

  private List<Endpoint> onServer() {
    return temporal
        .getOperatorServiceStubs()
        .blockingStub()
        .listNexusEndpoints(ListNexusEndpointsRequest.newBuilder().setPageSize(100).build())
        .getEndpointsList();
  }

  private HttpResponse<String> health() throws Exception {
    return HttpClient.newHttpClient()
        .send(
            HttpRequest.newBuilder(server.getManagementUri().orElseThrow().resolve("/healthz"))
                .build(),
            HttpResponse.BodyHandlers.ofString());
  }

  @Test
  void
      theDirectory_isPublishedAtStart_aRevocationAtTheNextReconcile_andAMalformedFileKeepsTheLastGood()
          throws Exception {
    // published at start: the worker verifies the entries with the public registry keyset
    worker.refresh();
    assertThat(worker.getKeyDirectory().getNamespaces())
        .containsExactlyInAnyOrder("orders-ns", "payments-ns");
    assertThat(worker.getKeyDirectory().findNamespace("orders-ns"))
        .contains(ordersKeys.toPublicKeys());
    assertThat(worker.getStatus().getKeyDirectoryProblems()).isEmpty();
    assertThat(health().body()).isEqualTo("{\"status\":\"ok\"}");

    // the operator rotates orders-ns and revokes its old key in the file
    int oldKeyId = ordersKeys.toPublicKeys().getPrimaryAgreementKeyId().orElseThrow();
    NamespacePublicKeys rotated =
        rotatedOrdersKeys.toPublicKeys().toBuilder().addRevokedKeyId(oldKeyId).build();
    NamespaceKeyDirectory revoked = original.toBuilder().put(rotated).build();
    revoked.save(dir.resolve("key-directory.json"));
    worker.refresh();
    assertThat(worker.getKeyDirectory().findNamespace("orders-ns"))
        .as("nothing is published before the next reconcile")
        .contains(ordersKeys.toPublicKeys());

    reconcileThroughAChange();
    worker.refresh();
    assertThat(worker.getKeyDirectory().findNamespace("orders-ns")).contains(rotated);
    assertThat(
            worker.getKeyDirectory().findNamespace("orders-ns").orElseThrow().isRevoked(oldKeyId))
        .isTrue();

    // a malformed file: the change still goes through, the last good directory stays published
    Files.writeString(
        dir.resolve("key-directory.json"),
        "{\"schemaVersion\": 1, \"namespaces\": {\"orders-ns\": {\"agreementKeys\": 1}}}");
    List<Endpoint> entriesBefore =
        onServer().stream().filter(e -> e.getSpec().getName().contains("-keys-")).toList();
    reconcileThroughAChange();
    worker.refresh();
    assertThat(worker.getKeyDirectory().findNamespace("orders-ns")).contains(rotated);
    assertThat(worker.getKeyDirectory().findNamespace("payments-ns"))
        .contains(paymentsKeys.toPublicKeys());
    assertThat(onServer().stream().filter(e -> e.getSpec().getName().contains("-keys-")).toList())
        .as("no entry rewritten")
        .isEqualTo(entriesBefore);
    HttpResponse<String> degraded = health();
    assertThat(degraded.statusCode()).isEqualTo(200);
    assertThat(degraded.body())
        .contains("\"status\":\"degraded\"")
        .contains(dir.resolve("key-directory.json").toString())
        .contains("orders-ns")
        .contains("the last good directory (2 namespaces) stays published");

    // fixed: published, healthy again
    original.save(dir.resolve("key-directory.json"));
    reconcileThroughAChange();
    worker.refresh();
    assertThat(worker.getKeyDirectory().findNamespace("orders-ns"))
        .contains(ordersKeys.toPublicKeys());
    assertThat(health().body()).isEqualTo("{\"status\":\"ok\"}");
  }

  @Test
  void aMalformedOrMissingFileAtStart_failsNamingTheField_andWritesNothing() throws Exception {
    Files.writeString(dir.resolve("bad-directory.json"), "{\"schemaVersion\": 1}");
    List<Endpoint> before = onServer();

    ControlPlaneConfigException malformed =
        catchThrowableOfType(
            ControlPlaneConfigException.class, () -> builder("bad-directory.json").build());
    ControlPlaneConfigException missing =
        catchThrowableOfType(
            ControlPlaneConfigException.class, () -> builder("no-such-directory.json").build());

    assertThat(malformed.getProblems())
        .singleElement()
        .satisfies(
            p ->
                assertThat(p)
                    .startsWith("registry.temporal.keyDirectory: ")
                    .contains(dir.resolve("bad-directory.json").toString())
                    .contains("namespaces"));
    assertThat(missing.getProblems())
        .singleElement()
        .satisfies(
            p ->
                assertThat(p)
                    .startsWith("registry.temporal.keyDirectory: ")
                    .contains(dir.resolve("no-such-directory.json") + " does not exist"));
    assertThat(onServer()).isEqualTo(before);
  }

  @Test
  @SuppressWarnings("unchecked")
  void theKeyDirectoryApi_listsKeyIds_toAnyRoleButNone_andRefusesTheRest() {
    String reader = idp.token("rita", "role-read_only");
    String nobody = idp.token("nora"); // account role None

    Answer read = call(base, "GET", "/api/v1/nexus/key-directory", reader, null);
    Answer denied = call(base, "GET", "/api/v1/nexus/key-directory", nobody, null);
    Answer anonymous = call(base, "GET", "/api/v1/nexus/key-directory", null, null);
    Answer written = call(base, "POST", "/api/v1/nexus/key-directory", admin, Map.of());

    assertThat(read.status()).as(read.body().toString()).isEqualTo(200);
    assertThat(read.body())
        .containsEntry("stale", false)
        .containsEntry("namespaceCount", 2)
        .containsEntry("truncated", false);
    List<Map<String, Object>> namespaces =
        (List<Map<String, Object>>) read.body().get("namespaces");
    assertThat(namespaces)
        .extracting(n -> n.get("namespace"))
        .containsExactly("orders-ns", "payments-ns");
    String paymentsKeyId =
        Integer.toUnsignedString(
            paymentsKeys.toPublicKeys().getPrimaryAgreementKeyId().orElseThrow());
    assertThat(namespaces.get(1).get("agreementKeys"))
        .isEqualTo(List.of(Map.of("keyId", paymentsKeyId, "primary", true, "revoked", false)));
    assertThat(namespaces.get(1).get("revokedKeyIds")).isEqualTo(List.of());
    assertThat(read.body().toString()).doesNotContain("value").doesNotContain("keyData");

    assertThat(denied.status()).as(denied.body().toString()).isEqualTo(403);
    assertThat(denied.body().toString()).doesNotContain(paymentsKeyId);
    assertThat(anonymous.status()).isEqualTo(401);
    assertThat(written.status()).isEqualTo(405);
    assertThat(written.error()).isEqualTo("method_not_allowed");
  }
}
