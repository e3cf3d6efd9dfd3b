package dev.nexussecurity.controlplane;

import static dev.nexussecurity.controlplane.RegistryTestServers.*;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import com.google.crypto.tink.KeysetHandle;
import com.google.crypto.tink.TinkJsonProtoKeysetFormat;
import com.google.crypto.tink.signature.PredefinedSignatureParameters;
import com.google.crypto.tink.signature.SignatureConfig;
import com.google.crypto.tink.signature.SignatureConfig2026;
import dev.nexussecurity.api.NexusEndpoint;
import dev.nexussecurity.core.InMemoryEndpointRegistry;
import dev.nexussecurity.core.server.EndpointReconciler;
import dev.nexussecurity.core.server.ServerEndpointRegistry;
import dev.nexussecurity.core.server.ServerRegistryException;
import dev.nexussecurity.testing.EmbeddedTemporal;
import dev.nexussecurity.tools.InsecureFakeKmsClient;
import io.temporal.api.nexus.v1.Endpoint;
import io.temporal.api.operatorservice.v1.DeleteNexusEndpointRequest;
import io.temporal.api.operatorservice.v1.ListNexusEndpointsRequest;
import io.temporal.api.operatorservice.v1.UpdateNexusEndpointRequest;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The recovery docs/server-registry.md describes after an older manifest was put back on the
 * server: workers and the control plane refuse it ({@code ROLLED_BACK}), the control plane refuses
 * changes, and deleting the manifest endpoint and running the reconciler once over the registry the
 * control plane served brings both back.
 */
class ManifestRollbackRecoveryTest {
  static final String CLUSTER = "rollback-cluster";
  static final String MANIFEST = EndpointReconciler.DEFAULT_MANIFEST_ENDPOINT_NAME;

  @Test
  void anOlderManifestPutBack_isRefused_andDeletingItThenReconcilingOnce_recovers(@TempDir Path dir)
      throws Exception {
    SignatureConfig.register();
    KeysetHandle registryKey =
        KeysetHandle.generateNew(PredefinedSignatureParameters.ED25519, SignatureConfig2026.get());
    String kmsKeyUri = InsecureFakeKmsClient.newKeyUri();
    Files.writeString(
        dir.resolve("registry-signing.json"),
        TinkJsonProtoKeysetFormat.serializeEncryptedKeyset(
            registryKey, new InsecureFakeKmsClient().getAead(kmsKeyUri), new byte[0]));
    try (TestIdentityProvider idp = new TestIdentityProvider();
        EmbeddedTemporal temporal = EmbeddedTemporal.newBuilder().start()) {
      Map<String, Object> config =
          config(
              idp,
              dir,
              Map.of(
                  "temporal",
                  Map.of(
                      "signingKeyset",
                      Map.of("file", "registry-signing.json", "kmsKeyUri", kmsKeyUri),
                      "audience",
                      CLUSTER,
                      "stateFile",
                      "state.json",
                      "refreshIntervalSeconds",
                      1)));
      try (ControlPlaneServer server =
              ControlPlaneServer.newBuilderFromJson(TestServers.json(config), dir)
                  .addKmsClient(new InsecureFakeKmsClient())
                  .setOperatorServiceStubs(temporal.getOperatorServiceStubs())
                  .build()
                  .start();
          ServerEndpointRegistry worker =
              ServerEndpointRegistry.newBuilder()
                  .setOperatorServiceStubs(temporal.getOperatorServiceStubs())
                  .setRegistryPublicKeyset(registryKey.getPublicKeysetHandle())
                  .setAudience(CLUSTER)
                  .setRefreshInterval(Duration.ZERO)
                  .start()) {
        String admin = idp.token("alice", "role-developer", "payments-ns-admin");
        assertThat(create(server.getUri(), admin, spec("alpha", "payments-ns", "tq")).status())
            .isEqualTo(201);
        Endpoint older = onServer(temporal, MANIFEST);
        assertThat(create(server.getUri(), admin, spec("bravo", "payments-ns", "tq")).status())
            .isEqualTo(201);
        worker.refresh();

        // a server administrator puts the older, validly signed manifest back
        Endpoint now = onServer(temporal, MANIFEST);
        temporal
            .getOperatorServiceStubs()
            .blockingStub()
            .updateNexusEndpoint(
                UpdateNexusEndpointRequest.newBuilder()
                    .setId(now.getId())
                    .setVersion(now.getVersion())
                    .setSpec(older.getSpec())
                    .build());

        ServerRegistryException refused =
            catchThrowableOfType(ServerRegistryException.class, worker::refresh);
        assertThat(refused).hasMessageContaining("ROLLED_BACK");
        assertThat(worker.listEndpoints())
            .extracting(NexusEndpoint::getName)
            .contains("alpha", "bravo");
        Answer blocked = create(server.getUri(), admin, spec("charlie", "payments-ns", "tq"));
        assertThat(blocked.status()).isEqualTo(503);
        assertThat(blocked.error()).isEqualTo("registry_unavailable");

        // recovery: delete the manifest endpoint, reconcile once over the registry as it was served
        List<NexusEndpoint> served = worker.listEndpoints();
        Endpoint putBack = onServer(temporal, MANIFEST);
        temporal
            .getOperatorServiceStubs()
            .blockingStub()
            .deleteNexusEndpoint(
                DeleteNexusEndpointRequest.newBuilder()
                    .setId(putBack.getId())
                    .setVersion(putBack.getVersion())
                    .build());
        assertThat(
                EndpointReconciler.newBuilder()
                    .setRegistry(InMemoryEndpointRegistry.newBuilder().addEndpoints(served).build())
                    .setOperatorServiceStubs(temporal.getOperatorServiceStubs())
                    .setRegistrySigningKeyset(registryKey)
                    .setAudience(CLUSTER)
                    .build()
                    .reconcile()
                    .isSuccess())
            .isTrue();

        assertThat(worker.refresh().getEndpointCount()).isEqualTo(2);
        assertThat(create(server.getUri(), admin, spec("charlie", "payments-ns", "tq")).status())
            .isEqualTo(201);
        worker.refresh();
        assertThat(worker.listEndpoints())
            .extracting(NexusEndpoint::getName)
            .containsExactly("alpha", "bravo", "charlie");
      }
    }
  }

  private static Endpoint onServer(EmbeddedTemporal temporal, String name) {
    return temporal
        .getOperatorServiceStubs()
        .blockingStub()
        .listNexusEndpoints(ListNexusEndpointsRequest.newBuilder().setPageSize(100).build())
        .getEndpointsList()
        .stream()
        .filter(e -> e.getSpec().getName().equals(name))
        .findFirst()
        .orElseThrow();
  }
}
