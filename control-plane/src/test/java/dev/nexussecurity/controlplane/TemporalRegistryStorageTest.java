package dev.nexussecurity.controlplane;

import static dev.nexussecurity.controlplane.RegistryTestServers.*;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import com.google.crypto.tink.KeysetHandle;
import com.google.crypto.tink.TinkJsonProtoKeysetFormat;
import com.google.crypto.tink.signature.PredefinedSignatureParameters;
import com.google.crypto.tink.signature.SignatureConfig;
import com.google.crypto.tink.signature.SignatureConfig2026;
import dev.nexussecurity.api.ReasonCode;
import dev.nexussecurity.core.server.ServerEndpointRegistry;
import dev.nexussecurity.testing.EmbeddedTemporal;
import dev.nexussecurity.tools.InsecureFakeKmsClient;
import io.temporal.api.nexus.v1.Endpoint;
import io.temporal.api.operatorservice.v1.ListNexusEndpointsRequest;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;

/**
 * The server-backed registry: the management API stores endpoints as the Temporal server's Nexus
 * endpoints (the embedded server from the published test fixtures), each with its policy signed by
 * the registry key loaded from a KMS-encrypted keyset, and a worker's {@link
 * ServerEndpointRegistry}, holding only the public keyset, sees every change.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class TemporalRegistryStorageTest {
  static final String CLUSTER = "test-cluster";
  Path dir;
  TestIdentityProvider idp;
  EmbeddedTemporal temporal;
  KeysetHandle registryKey;
  String kmsKeyUri;
  ControlPlaneServer server;
  ServerEndpointRegistry worker;
  URI base;
  String admin;

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
    server = builder(kmsKeyUri, "registry-signing.json").build().start();
    base = server.getUri();
    admin = idp.token("alice", "role-developer", "payments-ns-admin", "billing-ns-admin");
    worker =
        ServerEndpointRegistry.newBuilder()
            .setOperatorServiceStubs(temporal.getOperatorServiceStubs())
            .setRegistryPublicKeyset(registryKey.getPublicKeysetHandle())
            .setAudience(CLUSTER)
            .setRefreshInterval(Duration.ZERO)
            .start();
  }

  private ControlPlaneServer.Builder builder(String uri, String keysetFile) {
    Map<String, Object> signing = new java.util.LinkedHashMap<>();
    signing.put("file", keysetFile);
    if (uri != null) {
      signing.put("kmsKeyUri", uri);
    }
    Map<String, Object> config =
        config(
            idp,
            dir,
            Map.of(
                "temporal",
                Map.of(
                    "signingKeyset",
                    signing,
                    "audience",
                    CLUSTER,
                    "stateFile",
                    "control-plane-registry-state.json",
                    "refreshIntervalSeconds",
                    1)));
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

  private List<Endpoint> onServer() {
    return temporal
        .getOperatorServiceStubs()
        .blockingStub()
        .listNexusEndpoints(ListNexusEndpointsRequest.newBuilder().setPageSize(100).build())
        .getEndpointsList();
  }

  @Test
  void changesThroughTheApi_areReconciledIntoTheServer_andSeenByAWorker() {
    Answer created =
        create(base, admin, spec("payments", "payments-ns", "payments-tq", "orders-ns"));
    assertThat(created.status()).as(created.body().toString()).isEqualTo(201);

    worker.refresh();
    assertThat(worker.findEndpoint("payments"))
        .hasValueSatisfying(
            e -> {
              assertThat(e.getTargetNamespace()).isEqualTo("payments-ns");
              assertThat(e.getAllowedCallerNamespaces()).containsExactly("orders-ns");
              assertThat(e.getVersion()).isEqualTo(1);
            });
    assertThat(worker.checkAccess("payments", "orders-ns").isAllowed()).isTrue();
    assertThat(worker.checkAccess("payments", "billing-ns").getReason())
        .isEqualTo(ReasonCode.CALLER_NOT_ALLOWED);
    assertThat(onServer())
        .filteredOn(e -> e.getSpec().getName().equals("payments"))
        .singleElement()
        .satisfies(
            e ->
                assertThat(e.getSpec().getTarget().getWorker().getNamespace())
                    .isEqualTo("payments-ns"));

    // a move to another target, and one more caller
    Answer moved =
        update(
            base,
            admin,
            "payments",
            spec("payments", "billing-ns", "billing-tq", "orders-ns", "shop-ns"),
            "1");
    assertThat(moved.status()).as(moved.body().toString()).isEqualTo(200);
    worker.refresh();
    assertThat(worker.findEndpoint("payments"))
        .hasValueSatisfying(
            e -> {
              assertThat(e.getTargetNamespace()).isEqualTo("billing-ns");
              assertThat(e.getTargetTaskQueue()).isEqualTo("billing-tq");
              assertThat(e.getVersion()).isEqualTo(2);
            });
    assertThat(worker.checkAccess("payments", "shop-ns").isAllowed()).isTrue();
    assertThat(get(base, admin, "payments").resourceVersion()).isEqualTo("2");

    // stale: refused, nothing changes on the server
    Answer stale = update(base, admin, "payments", spec("payments", "billing-ns", "x"), "1");
    assertThat(stale.status()).isEqualTo(409);
    assertThat(stale.body()).containsEntry("currentResourceVersion", "2");
    worker.refresh();
    assertThat(worker.findEndpoint("payments").orElseThrow().getTargetTaskQueue())
        .isEqualTo("billing-tq");

    Answer deleted = delete(base, admin, "payments", "2");
    assertThat(deleted.status()).isEqualTo(200);
    worker.refresh();
    assertThat(worker.checkAccess("payments", "orders-ns").getReason())
        .isEqualTo(ReasonCode.UNKNOWN_ENDPOINT);
    assertThat(onServer()).noneMatch(e -> e.getSpec().getName().equals("payments"));
  }

  @Test
  void theRegistryManifest_isWritten_andItsEndpointNameIsReserved() {
    assertThat(worker.refresh().getManifestEpoch()).isPresent();
    assertThat(onServer()).anyMatch(e -> e.getSpec().getName().equals("nexus-security-manifest"));

    Answer reserved = create(base, admin, spec("nexus-security-manifest", "payments-ns", "tq"));

    assertThat(reserved.status()).isEqualTo(400);
    assertThat(reserved.body().get("fieldErrors").toString())
        .contains("field=spec.name, message=is the name of the registry manifest's endpoint");
    assertThat(dir.resolve("control-plane-registry-state.json")).exists();
  }

  @Test
  void aRefusedChange_neverReachesTheServer() {
    String developerWithoutAdmin = idp.token("dave", "role-developer", "orders-ns-admin");

    Answer refused =
        create(base, developerWithoutAdmin, spec("refunds", "payments-ns", "tq", "orders-ns"));

    assertThat(refused.status()).isEqualTo(403);
    assertThat(refused.error()).isEqualTo("namespace_admin_required");
    assertThat(auditLine(dir, refused.requestId())).containsEntry("status", "PERMISSION_DENIED");
    assertThat(onServer()).noneMatch(e -> e.getSpec().getName().equals("refunds"));
    worker.refresh();
    assertThat(worker.findEndpoint("refunds")).isEmpty();
  }

  @Test
  void anEndpointEditedOnTheServer_isNotTrusted_byTheApiOrTheWorker() {
    create(base, admin, spec("tampered", "payments-ns", "tq", "orders-ns"));
    Endpoint e =
        onServer().stream()
            .filter(x -> x.getSpec().getName().equals("tampered"))
            .findFirst()
            .orElseThrow();
    // a server administrator retargets the endpoint without the registry key
    temporal
        .getOperatorServiceStubs()
        .blockingStub()
        .updateNexusEndpoint(
            io.temporal.api.operatorservice.v1.UpdateNexusEndpointRequest.newBuilder()
                .setId(e.getId())
                .setVersion(e.getVersion())
                .setSpec(
                    e.getSpec().toBuilder()
                        .setTarget(
                            e.getSpec().getTarget().toBuilder()
                                .setWorker(
                                    e.getSpec().getTarget().getWorker().toBuilder()
                                        .setNamespace("evil-ns"))))
                .build());

    worker.refresh();
    assertThat(worker.checkAccess("tampered", "orders-ns").getReason())
        .isEqualTo(ReasonCode.ENDPOINT_POLICY_INVALID);
    // the API reads the server as workers do: after its next refresh, the endpoint is not listed
    Answer read = null;
    for (int i = 0; i < 50; i++) {
      read = get(base, admin, "tampered");
      if (read.status() == 404) {
        break;
      }
      sleep(100);
    }
    assertThat(read.status()).isEqualTo(404);
  }

  @Test
  void aSigningKeysetThatIsNotASignatureKeyset_orTheWrongKmsKey_failsAtStart() throws Exception {
    TestServers.writeKeyset(dir, "aead"); // a cleartext AES-GCM keyset, not a signature keyset

    ControlPlaneConfigException notSignature =
        catchThrowableOfType(
            ControlPlaneConfigException.class, () -> builder(null, "aead.json").build());
    ControlPlaneConfigException wrongKms =
        catchThrowableOfType(
            ControlPlaneConfigException.class,
            () -> builder(InsecureFakeKmsClient.newKeyUri(), "registry-signing.json").build());
    ControlPlaneConfigException cleartextExpected =
        catchThrowableOfType(
            ControlPlaneConfigException.class,
            () -> builder(null, "registry-signing.json").build());

    assertThat(notSignature)
        .hasMessageContaining("registry.temporal")
        .hasMessageContaining("signature");
    assertThat(wrongKms)
        .hasMessageContaining("registry.temporal.signingKeyset")
        .hasMessageContaining("cannot be decrypted");
    assertThat(cleartextExpected).hasMessageContaining("it looks encrypted: set kmsKeyUri");
    for (Throwable t : List.of(notSignature, wrongKms, cleartextExpected)) {
      assertThat(t.getMessage())
          .doesNotContain(kmsKeyUri.substring(InsecureFakeKmsClient.PREFIX.length()));
    }
  }

  private static void sleep(long millis) {
    try {
      Thread.sleep(millis);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  @Test
  void payloadProtectionSetThroughTheApi_isSignedIntoTheServer_andSeenByAWorker() {
    Map<String, Object> spec = spec("refunds", "payments-ns", "refunds-tq", "orders-ns");
    spec.put("payloadProtection", "pairwise");
    spec.put("servicePayloadProtections", Map.of("RefundService", "shared:refunds-key"));
    Answer created = create(base, admin, spec);
    assertThat(created.status()).as(created.body().toString()).isEqualTo(201);

    worker.refresh();

    assertThat(worker.findEndpoint("refunds"))
        .hasValueSatisfying(
            e -> {
              assertThat(e.getPayloadProtection("RefundService"))
                  .contains(dev.nexussecurity.api.PayloadProtection.shared("refunds-key"));
              assertThat(e.getPayloadProtection("Other"))
                  .contains(dev.nexussecurity.api.PayloadProtection.pairwise());
            });
    assertThat(get(base, admin, "refunds").endpoint().get("spec").toString())
        .contains("payloadProtection=pairwise")
        .contains("RefundService=shared:refunds-key");
  }
}
