package dev.nexussecurity.core.server;

import static dev.nexussecurity.core.server.EndpointReconcilerTest.endpoint;
import static dev.nexussecurity.core.server.EndpointReconcilerTest.privateSpec;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.nexussecurity.core.internal.server.PolicyCodec;
import dev.nexussecurity.core.internal.server.PolicyDocument;
import dev.nexussecurity.core.internal.server.PolicySigner;
import dev.nexussecurity.core.internal.server.ReconcilePlanner;
import dev.nexussecurity.core.internal.server.TestKeys;
import io.temporal.api.nexus.v1.Endpoint;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;

class ReconcilePlanTest {
  static final Instant NOW = Instant.parse("2025-05-01T10:00:00Z");
  static final PolicySigner SIGNER = PolicySigner.fromPrivateKeyset(TestKeys.registry());

  static Endpoint server(String id, io.temporal.api.nexus.v1.EndpointSpec spec) {
    return Endpoint.newBuilder().setId(id).setVersion(1).setSpec(spec).build();
  }

  static ReconcilePlan plan() throws Exception {
    Endpoint old =
        server(
            "id-old",
            PolicyCodec.specOf(
                endpoint("old-ep", 1),
                PolicyCodec.encode(
                    new PolicyDocument("prod-eu", endpoint("old-ep", 1), NOW), SIGNER)));
    return new ReconcilePlan(
        new ReconcilePlanner(
                SIGNER,
                "prod-eu",
                new ReconcilePlanner.ManifestSettings(
                    "nexus-security-manifest",
                    "temporal-system",
                    "nexus-security-manifest",
                    Duration.ofHours(24)),
                Duration.ofMinutes(1),
                true,
                false)
            .plan(
                List.of(endpoint("new-ep", 1, "orders-ns")),
                List.of(old, server("id-p", privateSpec("private"))),
                NOW),
        NOW);
  }

  @Test
  void toString_printsASummaryAndOneLinePerAction() throws Exception {
    assertThat(plan().toString())
        .isEqualTo(
            "Reconcile plan at 2025-05-01T10:00:00Z: 2 to create, 0 to update, 1 to delete, 0"
                + " unchanged, 1 skipped, 0 errors\n"
                + "  + create new-ep -> handler-ns/handler-tq allowed [orders-ns]: not on the server\n"
                + "  - delete old-ep (server version 1): not in the registry\n"
                + "  . skip private (server version 1): not managed by nexus-security (no policy in"
                + " its description); left alone\n"
                + "  + create nexus-security-manifest: no manifest on the server; epoch"
                + " 1746093600000, 1 endpoints, expires at 2025-05-02T10:00:00Z");
  }

  @Test
  void changes_areTheCreateUpdateAndDeleteActions_inNameOrder() throws Exception {
    ReconcilePlan plan = plan();
    assertThat(plan.hasChanges()).isTrue();
    assertThat(plan.hasErrors()).isFalse();
    assertThat(plan.getActions())
        .extracting(ReconcileAction::getEndpointName)
        .containsExactly("new-ep", "old-ep", "private", "nexus-security-manifest");
    assertThat(plan.getActions())
        .extracting(ReconcileAction::isManifest)
        .containsExactly(false, false, false, true);
    assertThat(plan.getChanges())
        .extracting(ReconcileAction::getEndpointName)
        .containsExactly("new-ep", "old-ep", "nexus-security-manifest");
    assertThat(plan.count(ReconcileAction.Type.SKIP)).isEqualTo(1);
    assertThat(plan.getCreatedAt()).isEqualTo(NOW);
  }

  @Test
  void actions_areUnmodifiable() throws Exception {
    ReconcilePlan plan = plan();
    assertThatThrownBy(() -> plan.getActions().clear())
        .isInstanceOf(UnsupportedOperationException.class);
    assertThatThrownBy(() -> plan.getChanges().clear())
        .isInstanceOf(UnsupportedOperationException.class);
  }

  @Test
  void emptyPlan_hasNoChanges() {
    ReconcilePlan plan = new ReconcilePlan(List.of(), NOW);
    assertThat(plan.hasChanges()).isFalse();
    assertThat(plan.toString())
        .isEqualTo(
            "Reconcile plan at 2025-05-01T10:00:00Z: 0 to create, 0 to update, 0 to delete, 0"
                + " unchanged, 0 skipped, 0 errors");
  }
}
