package dev.nexussecurity.core.server;

import static dev.nexussecurity.core.server.EndpointReconcilerTest.endpoint;
import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import org.junit.jupiter.api.Test;

class ReconcileActionTest {
  @Test
  void createAction_exposesRegistryEndpoint_andNoServerEndpoint() throws Exception {
    ReconcileAction create = ReconcilePlanTest.plan().getActions().get(0);
    assertThat(create.getType()).isEqualTo(ReconcileAction.Type.CREATE);
    assertThat(create.isChange()).isTrue();
    assertThat(create.getRegistryEndpoint()).contains(endpoint("new-ep", 1, "orders-ns"));
    assertThat(create.getServerEndpointId()).isEmpty();
    assertThat(create.getServerVersion()).isZero();
  }

  @Test
  void deleteAction_exposesTheServerEndpoint_andNoRegistryEndpoint() throws Exception {
    ReconcileAction delete = ReconcilePlanTest.plan().getActions().get(1);
    assertThat(delete.getType()).isEqualTo(ReconcileAction.Type.DELETE);
    assertThat(delete.getRegistryEndpoint()).isEmpty();
    assertThat(delete.getServerEndpointId()).contains("id-old");
    assertThat(delete.getServerVersion()).isEqualTo(1);
    assertThat(delete.toString())
        .isEqualTo("- delete old-ep (server version 1): not in the registry");
  }

  @Test
  void manifestAction_isLast_andHasNoRegistryEndpoint() throws Exception {
    List<ReconcileAction> actions = ReconcilePlanTest.plan().getActions();
    ReconcileAction manifest = actions.get(actions.size() - 1);

    assertThat(manifest.isManifest()).isTrue();
    assertThat(manifest.getEndpointName()).isEqualTo("nexus-security-manifest");
    assertThat(manifest.getType()).isEqualTo(ReconcileAction.Type.CREATE);
    assertThat(manifest.getRegistryEndpoint()).isEmpty();
    assertThat(manifest.toString()).startsWith("+ create nexus-security-manifest: no manifest");
    assertThat(actions.subList(0, actions.size() - 1)).noneMatch(ReconcileAction::isManifest);
  }

  @Test
  void onlyCreateUpdateAndDelete_areChanges() {
    assertThat(List.of(ReconcileAction.Type.values()))
        .filteredOn(ReconcileAction.Type::isChange)
        .containsExactly(
            ReconcileAction.Type.CREATE, ReconcileAction.Type.UPDATE, ReconcileAction.Type.DELETE);
  }

  @Test
  void endpointAndManifestActions_areNoKeyDirectoryEntries() throws Exception {
    assertThat(ReconcilePlanTest.plan().getActions())
        .noneMatch(ReconcileAction::isKeyDirectoryEntry)
        .allSatisfy(a -> assertThat(a.getKeyDirectoryNamespace()).isEmpty());
  }

  @Test
  void createAction_toString_showsTheTargetAndAllowlistToBeWritten() throws Exception {
    ReconcileAction create = ReconcilePlanTest.plan().getActions().get(0);

    assertThat(create.toString())
        .startsWith("+ create new-ep -> handler-ns/handler-tq allowed [orders-ns]")
        .doesNotContain("server version");
  }
}
