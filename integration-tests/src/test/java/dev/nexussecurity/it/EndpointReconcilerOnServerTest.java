package dev.nexussecurity.it;

import static dev.nexussecurity.it.ServerEndpointsSupport.MANIFEST;
import static dev.nexussecurity.it.ServerEndpointsSupport.all;
import static dev.nexussecurity.it.ServerEndpointsSupport.byName;
import static dev.nexussecurity.it.ServerEndpointsSupport.edit;
import static dev.nexussecurity.it.ServerEndpointsSupport.editSignedJson;
import static dev.nexussecurity.it.ServerEndpointsSupport.endpoint;
import static dev.nexussecurity.it.ServerEndpointsSupport.retarget;
import static dev.nexussecurity.it.ServerEndpointsSupport.signedJson;
import static dev.nexussecurity.it.ServerEndpointsSupport.targetNamespace;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.groups.Tuple.tuple;

import com.google.crypto.tink.KeysetHandle;
import dev.nexussecurity.core.server.EndpointReconciler;
import dev.nexussecurity.core.server.ReconcileAction;
import dev.nexussecurity.core.server.ReconcilePlan;
import dev.nexussecurity.core.server.ReconcileResult;
import dev.nexussecurity.it.support.InMemoryRegistry;
import dev.nexussecurity.testing.EmbeddedTemporal;
import io.temporal.api.nexus.v1.Endpoint;
import io.temporal.serviceclient.OperatorServiceStubs;
import java.util.List;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

/** {@link EndpointReconciler} against the OperatorService of the embedded Temporal server. */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class EndpointReconcilerOnServerTest {
  private final KeysetHandle registryKey = ServerEndpointsSupport.newSigningKeyset();
  private EmbeddedTemporal temporal;
  private OperatorServiceStubs operator;
  private InMemoryRegistry registry;

  @BeforeAll
  void startServer() {
    temporal = EmbeddedTemporal.newBuilder().start();
    operator = temporal.getOperatorServiceStubs();
  }

  @AfterAll
  void stopServer() {
    temporal.close();
  }

  @BeforeEach
  void emptyServer() {
    ServerEndpointsSupport.deleteAll(operator);
    registry =
        new InMemoryRegistry()
            .store(endpoint("payments", "payments-ns", "payments-tq", "orders-ns"))
            .store(endpoint("shipping", "shipping-ns", "shipping-tq", "orders-ns", "billing-ns"))
            .store(endpoint("closed", "payments-ns", "closed-tq"));
  }

  private EndpointReconciler.Builder reconciler() {
    return EndpointReconciler.newBuilder()
        .setRegistry(registry)
        .setOperatorServiceStubs(operator)
        .setRegistrySigningKeyset(registryKey)
        .setAudience(ServerEndpointsSupport.AUDIENCE);
  }

  @Test
  void reconcileFromEmpty_createsEveryEndpoint_andASecondRunIsANoOp() {
    ReconcileResult first = reconciler().build().reconcile();
    assertThat(first.isSuccess()).isTrue();
    assertThat(first.getResults())
        .extracting(r -> r.getAction().getEndpointName(), ReconcileResult.ActionResult::getOutcome)
        .containsExactly(
            tuple("closed", ReconcileResult.Outcome.APPLIED),
            tuple("payments", ReconcileResult.Outcome.APPLIED),
            tuple("shipping", ReconcileResult.Outcome.APPLIED),
            tuple(MANIFEST, ReconcileResult.Outcome.APPLIED));
    assertThat(all(operator))
        .extracting(
            e ->
                e.getSpec().getName()
                    + "->"
                    + targetNamespace(e)
                    + "/"
                    + e.getSpec().getTarget().getWorker().getTaskQueue())
        .containsExactlyInAnyOrder(
            "payments->payments-ns/payments-tq",
            "shipping->shipping-ns/shipping-tq",
            "closed->payments-ns/closed-tq",
            MANIFEST + "->temporal-system/" + MANIFEST);
    assertThat(signedJson(byName(operator, MANIFEST)))
        .contains("\"audience\":\"" + ServerEndpointsSupport.AUDIENCE + "\"")
        .contains("\"closed\":")
        .contains("\"payments\":")
        .contains("\"shipping\":");
    List<Endpoint> afterFirst = all(operator);

    EndpointReconciler again = reconciler().build();
    ReconcilePlan plan = again.plan();
    assertThat(plan.hasChanges()).isFalse();
    assertThat(plan.count(ReconcileAction.Type.UNCHANGED)).isEqualTo(4);
    ReconcileResult second = again.apply(plan);
    assertThat(second.count(ReconcileResult.Outcome.UNCHANGED)).isEqualTo(4);
    assertThat(all(operator)).isEqualTo(afterFirst);
  }

  @Test
  void dryRun_changesNothing_andPrintsThePlan() {
    reconciler().build().reconcile();
    edit(operator, "payments", s -> retarget(s, "evil-ns", "evil-tq"));
    registry.remove("closed");
    registry.store(endpoint("refunds", "payments-ns", "refunds-tq", "orders-ns"));
    List<Endpoint> before = all(operator);

    ReconcilePlan plan = reconciler().setDeleteRemovedEndpoints(true).build().plan();

    assertThat(all(operator)).isEqualTo(before);
    String printed = plan.toString();
    assertThat(printed)
        .startsWith("Reconcile plan at ")
        .contains(": 1 to create, 2 to update, 1 to delete, 1 unchanged, 0 skipped, 0 errors")
        .contains("\n  - delete closed (server version 1): not in the registry")
        .contains(
            "\n  ~ update payments -> payments-ns/payments-tq allowed [orders-ns] (server version 2):"
                + " target: server has evil-ns/evil-tq, registry has payments-ns/payments-tq")
        .contains(
            "\n  + create refunds -> payments-ns/refunds-tq allowed [orders-ns]: not on the server")
        .contains("\n  = unchanged shipping (server version 1): in step (server version 1)")
        .contains(
            "\n  ~ update "
                + MANIFEST
                + " (server version 1): lists [refunds], no longer lists [closed], new policies of"
                + " [payments]; epoch ");
  }

  @Test
  void targetChangedOnTheServerByHand_isRestored() {
    reconciler().build().reconcile();
    edit(operator, "payments", s -> retarget(s, "evil-ns", "payments-tq"));

    ReconcilePlan plan = reconciler().build().plan();
    assertThat(plan.getChanges())
        .extracting(ReconcileAction::getEndpointName)
        .containsExactly("payments", MANIFEST);
    assertThat(plan.getChanges().get(0).getReason())
        .contains("target: server has evil-ns/payments-tq, registry has payments-ns/payments-tq");
    assertThat(reconciler().build().apply(plan).isSuccess()).isTrue();

    assertThat(targetNamespace(byName(operator, "payments"))).isEqualTo("payments-ns");
    assertThat(reconciler().build().plan().hasChanges()).isFalse();
  }

  @Test
  void descriptionEditedOnTheServer_isRewritten() {
    reconciler().build().reconcile();
    Endpoint original = byName(operator, "payments");
    edit(operator, "payments", s -> editSignedJson(s, t -> t.replace("orders-ns", "evil-ns")));

    ReconcilePlan plan = reconciler().build().plan();
    assertThat(plan.getChanges())
        .extracting(ReconcileAction::getEndpointName)
        .containsExactly("payments", MANIFEST);
    assertThat(plan.getChanges().get(0).getReason())
        .startsWith("policy invalid: the policy's signature")
        .contains("does not verify");
    reconciler().build().apply(plan);

    Endpoint fixed = byName(operator, "payments");
    assertThat(fixed.getVersion()).isEqualTo(original.getVersion() + 2);
    assertThat(signedJson(fixed)).contains("orders-ns").doesNotContain("evil-ns");
    assertThat(reconciler().build().plan().hasChanges()).isFalse();
  }

  @Test
  void allowlistChangedInTheRegistry_isWrittenToTheServer() {
    reconciler().build().reconcile();
    registry.store(endpoint("payments", "payments-ns", "payments-tq", "orders-ns", "billing-ns"));

    ReconcilePlan plan = reconciler().build().plan();
    assertThat(plan.getChanges())
        .extracting(ReconcileAction::getEndpointName)
        .containsExactly("payments", MANIFEST);
    assertThat(plan.getChanges().get(0).getReason())
        .contains(
            "allowed callers: server policy has [orders-ns], registry has [billing-ns, orders-ns]")
        .contains("registry version: server policy has 1, registry has 2");
    ReconcileResult result = reconciler().build().apply(plan);
    assertThat(result.getResults())
        .filteredOn(r -> r.getAction().getEndpointName().equals("payments"))
        .singleElement()
        .satisfies(r -> assertThat(r.getServerVersion()).isEqualTo(2));
    assertThat(reconciler().build().plan().hasChanges()).isFalse();
  }

  @Test
  void removedEndpoint_isKeptWithoutTheFlag_andUnmanagedEndpointsAreNeverDeleted() {
    reconciler().build().reconcile();
    temporal.createNexusEndpoint("private", "private-ns", "private-tq");
    registry.remove("closed");

    ReconcileResult kept = reconciler().build().reconcile();
    assertThat(kept.isSuccess()).isTrue();
    assertThat(kept.getResults())
        .filteredOn(r -> r.getOutcome() == ReconcileResult.Outcome.SKIPPED)
        .extracting(r -> r.getAction().getEndpointName())
        .containsExactly("closed", "private");
    assertThat(byName(operator, "closed")).isNotNull();

    ReconcileResult deleted = reconciler().setDeleteRemovedEndpoints(true).build().reconcile();
    assertThat(deleted.getResults())
        .filteredOn(r -> r.getOutcome() == ReconcileResult.Outcome.APPLIED)
        .extracting(r -> r.getAction().getEndpointName())
        .containsExactly("closed");
    assertThat(byName(operator, "closed")).isNull();
    assertThat(byName(operator, "private")).isNotNull();
    assertThat(reconciler().setDeleteRemovedEndpoints(true).build().plan().hasChanges()).isFalse();
  }

  @Test
  void unmanagedEndpointsAreDeleted_onlyWithBothFlags() {
    reconciler().build().reconcile();
    temporal.createNexusEndpoint("private", "private-ns", "private-tq");
    ReconcileResult result =
        reconciler()
            .setDeleteRemovedEndpoints(true)
            .setTakeOverUnmanagedEndpoints(true)
            .build()
            .reconcile();
    assertThat(result.count(ReconcileResult.Outcome.APPLIED)).isEqualTo(1);
    assertThat(byName(operator, "private")).isNull();
  }

  @Test
  void nameTakenByAnUnmanagedEndpoint_isReportedAndLeftAlone() {
    Endpoint theirs = temporal.createNexusEndpoint("payments", "their-ns", "their-tq");
    ReconcileResult result = reconciler().build().reconcile();
    assertThat(result.isSuccess()).isFalse();
    assertThat(result.getFailures())
        .singleElement()
        .satisfies(
            r -> {
              assertThat(r.getAction().getEndpointName()).isEqualTo("payments");
              assertThat(r.getMessage()).contains("that nexus-security does not manage");
            });
    assertThat(byName(operator, "payments")).isEqualTo(theirs);
    assertThat(byName(operator, "shipping")).isNotNull();
  }

  @Test
  void concurrentEditBetweenPlanAndApply_isReadAgainAndRetried() {
    reconciler().build().reconcile();
    registry.store(endpoint("payments", "payments-ns", "payments-tq", "billing-ns"));
    EndpointReconciler reconciler = reconciler().build();
    ReconcilePlan plan = reconciler.plan();
    // An administrator edits the endpoint after the plan read version 1.
    edit(operator, "payments", s -> retarget(s, "evil-ns", "evil-tq"));

    ReconcileResult result = reconciler.apply(plan);

    ReconcileResult.ActionResult r =
        result.getResults().stream()
            .filter(x -> x.getAction().isChange())
            .findFirst()
            .orElseThrow();
    assertThat(r.getOutcome()).isEqualTo(ReconcileResult.Outcome.APPLIED);
    assertThat(r.getAttempts()).isEqualTo(2);
    assertThat(r.getMessage()).contains("server version 1 became 2");
    assertThat(targetNamespace(byName(operator, "payments"))).isEqualTo("payments-ns");
    assertThat(reconciler.plan().hasChanges()).isFalse();
  }

  @Test
  void policyTooLargeForADescription_isAnError_andTheOthersAreCreated() {
    registry.store(
        endpoint("payments", "payments-ns", "payments-tq", "orders-ns").toBuilder()
            .setDescription("x".repeat(19_900))
            .build());
    ReconcilePlan plan = reconciler().build().plan();
    assertThat(plan.hasErrors()).isTrue();
    ReconcileResult result = reconciler().build().apply(plan);
    assertThat(result.getFailures())
        .singleElement()
        .satisfies(
            r ->
                assertThat(r.getMessage())
                    .contains("endpoint 'payments' would be ")
                    .contains("at most 20000 bytes"));
    assertThat(byName(operator, "payments")).isNull();
    assertThat(all(operator).stream().map(e -> e.getSpec().getName()).collect(Collectors.toList()))
        .containsExactlyInAnyOrder("closed", "shipping", MANIFEST);
    assertThat(signedJson(byName(operator, MANIFEST))).doesNotContain("\"payments\"");
  }

  @Test
  void manyEndpoints_arePagedThrough() {
    for (int i = 0; i < 12; i++) {
      registry.store(endpoint("bulk-" + i, "bulk-ns", "bulk-tq-" + i, "orders-ns"));
    }
    EndpointReconciler reconciler = reconciler().setPageSize(5).build();
    assertThat(reconciler.reconcile().count(ReconcileResult.Outcome.APPLIED)).isEqualTo(16);
    assertThat(reconciler.plan().count(ReconcileAction.Type.UNCHANGED)).isEqualTo(16);
  }
}
