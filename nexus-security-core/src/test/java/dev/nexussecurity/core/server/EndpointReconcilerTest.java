package dev.nexussecurity.core.server;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.google.protobuf.ByteString;
import dev.nexussecurity.api.NexusEndpoint;
import dev.nexussecurity.core.MapRegistry;
import dev.nexussecurity.core.internal.server.ManifestCodec;
import dev.nexussecurity.core.internal.server.PolicyCodec;
import dev.nexussecurity.core.internal.server.TestKeys;
import dev.nexussecurity.core.internal.server.VerifiedManifest;
import dev.nexussecurity.core.keys.NamespaceKeyDirectory;
import dev.nexussecurity.core.keys.NamespaceKeys;
import dev.nexussecurity.core.keys.NamespacePublicKeys;
import io.grpc.Status;
import io.temporal.api.common.v1.Payload;
import io.temporal.api.nexus.v1.Endpoint;
import io.temporal.api.nexus.v1.EndpointSpec;
import io.temporal.api.nexus.v1.EndpointTarget;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The reconciler's write and retry logic against an in-process OperatorService with a real server's
 * error semantics. End to end on the embedded Temporal server: integration-tests.
 */
class EndpointReconcilerTest {
  FakeOperatorService server;
  MapRegistry registry;

  @BeforeEach
  void start() throws Exception {
    server = new FakeOperatorService();
    registry = new MapRegistry();
  }

  @AfterEach
  void stop() throws Exception {
    server.close();
  }

  static final String AUDIENCE = "prod-eu";
  static final String MANIFEST = EndpointReconciler.DEFAULT_MANIFEST_ENDPOINT_NAME;

  EndpointReconciler.Builder builder() {
    return EndpointReconciler.newBuilder()
        .setRegistry(registry)
        .setOperatorServiceStubs(server.stubs())
        .setRegistrySigningKeyset(TestKeys.registry())
        .setAudience(AUDIENCE);
  }

  /** The manifest on the fake server, verified. */
  VerifiedManifest manifestOnServer() throws Exception {
    Endpoint m = server.byName(MANIFEST);
    assertThat(m).as("the manifest endpoint").isNotNull();
    return ManifestCodec.decode(
        m.getSpec().getDescription(), TestKeys.registryPublicVerifier(), AUDIENCE);
  }

  static NexusEndpoint endpoint(String name, long version, String... callers) {
    return NexusEndpoint.newBuilder()
        .setName(name)
        .setTargetNamespace("handler-ns")
        .setTargetTaskQueue("handler-tq")
        .setAllowedCallerNamespaces(List.of(callers))
        .setVersion(version)
        .build();
  }

  static EndpointSpec retargeted(Endpoint e, String namespace) {
    return e.getSpec().toBuilder()
        .setTarget(
            EndpointTarget.newBuilder()
                .setWorker(
                    EndpointTarget.Worker.newBuilder().setNamespace(namespace).setTaskQueue("tq")))
        .build();
  }

  static EndpointSpec privateSpec(String name) {
    return EndpointSpec.newBuilder()
        .setName(name)
        .setTarget(
            EndpointTarget.newBuilder()
                .setWorker(
                    EndpointTarget.Worker.newBuilder().setNamespace("p-ns").setTaskQueue("p-tq")))
        .setDescription(Payload.newBuilder().setData(ByteString.copyFromUtf8("mine")))
        .build();
  }

  @Test
  void reconcile_createsMissingEndpoints_andASecondRunChangesNothing() {
    registry.put(endpoint("payments", 1, "orders-ns")).put(endpoint("shipping", 2, "orders-ns"));
    EndpointReconciler reconciler = builder().build();
    ReconcileResult first = reconciler.reconcile();
    assertThat(first.isSuccess()).isTrue();
    assertThat(first.count(ReconcileResult.Outcome.APPLIED)).isEqualTo(3);
    assertThat(first.getResults()).allSatisfy(r -> assertThat(r.getAttempts()).isEqualTo(1));
    assertThat(first.getResults().get(2).getMessage())
        .startsWith("created the registry manifest 'nexus-security-manifest' (server version 1)");
    int writes = server.writes.get();

    ReconcilePlan second = reconciler.plan();
    assertThat(second.hasChanges()).isFalse();
    assertThat(second.count(ReconcileAction.Type.UNCHANGED)).isEqualTo(3);
    assertThat(reconciler.apply(second).count(ReconcileResult.Outcome.UNCHANGED)).isEqualTo(3);
    assertThat(server.writes.get()).isEqualTo(writes);
  }

  @Test
  void plan_changesNothing() {
    registry.put(endpoint("payments", 1, "orders-ns"));
    server.put(privateSpec("private"));
    List<Endpoint> before = server.all();
    ReconcilePlan plan = builder().setDeleteRemovedEndpoints(true).build().plan();
    assertThat(plan.getChanges())
        .extracting(ReconcileAction::getEndpointName)
        .containsExactly("payments", MANIFEST);
    assertThat(server.all()).isEqualTo(before);
    assertThat(server.writes.get()).isZero();
  }

  @Test
  void staleVersion_isReadAgain_andTheUpdateRetried() {
    registry.put(endpoint("payments", 1, "orders-ns"));
    EndpointReconciler reconciler = builder().build();
    reconciler.reconcile();
    registry.put(endpoint("payments", 2, "orders-ns", "billing-ns"));
    ReconcilePlan plan = reconciler.plan();
    // Someone re-targets the endpoint between the plan and its execution.
    server.beforeNextWrite(
        () -> server.replace("payments", retargeted(server.byName("payments"), "evil-ns")));
    ReconcileResult result = reconciler.apply(plan);
    ReconcileResult.ActionResult r = result.getResults().get(0);
    assertThat(r.getOutcome()).isEqualTo(ReconcileResult.Outcome.APPLIED);
    assertThat(r.getAttempts()).isEqualTo(2);
    // created at 1, re-targeted by hand to 2 after the plan, updated by the retry to 3
    assertThat(r.getServerVersion()).isEqualTo(3);
    assertThat(r.getMessage()).contains("server version 1 became 2");
    assertThat(server.byName("payments").getSpec().getTarget().getWorker().getNamespace())
        .isEqualTo("handler-ns");
    assertThat(reconciler.plan().hasChanges()).isFalse();
  }

  @Test
  void concurrentWriterThatAlreadyDidTheWork_leavesNothingToDo() {
    registry.put(endpoint("payments", 1, "orders-ns"));
    EndpointReconciler reconciler = builder().build();
    ReconcilePlan plan = reconciler.plan();
    EndpointReconciler other = builder().build();
    server.beforeNextWrite(() -> other.reconcile());
    ReconcileResult result = reconciler.apply(plan);
    ReconcileResult.ActionResult r = result.getResults().get(0);
    assertThat(r.getOutcome()).isEqualTo(ReconcileResult.Outcome.UNCHANGED);
    assertThat(r.getMessage()).startsWith("already in step after a concurrent change");
    assertThat(result.getResults().get(1).getOutcome())
        .as("the other writer's manifest already lists what the server holds")
        .isEqualTo(ReconcileResult.Outcome.UNCHANGED);
    assertThat(server.all()).hasSize(2);
  }

  @Test
  void endpointThatKeepsChanging_isGivenUpAfterMaxAttempts() {
    registry.put(endpoint("payments", 1, "orders-ns"));
    EndpointReconciler reconciler = builder().setMaxAttempts(3).build();
    reconciler.reconcile();
    registry.put(endpoint("payments", 2, "billing-ns"));
    ReconcilePlan plan = reconciler.plan();
    for (int i = 0; i < 3; i++) {
      server.beforeNextWrite(
          () -> server.replace("payments", retargeted(server.byName("payments"), "evil-ns")));
    }
    ReconcileResult result = reconciler.apply(plan);
    assertThat(result.isSuccess()).isFalse();
    ReconcileResult.ActionResult r = result.getFailures().get(0);
    assertThat(r.getAttempts()).isEqualTo(3);
    assertThat(r.getMessage())
        .startsWith("gave up after 3 attempts: endpoint 'payments' kept changing on the server");
  }

  @Test
  void refusedWrite_isReportedWithTheServersReason_andTheOtherActionsStillRun() {
    server.namespaceMissing("missing-ns");
    registry
        .put(
            endpoint("payments", 1, "orders-ns").toBuilder()
                .setTargetNamespace("missing-ns")
                .build())
        .put(endpoint("shipping", 1, "orders-ns"));
    ReconcileResult result = builder().build().reconcile();
    assertThat(result.isSuccess()).isFalse();
    ReconcileResult.ActionResult failed = result.getFailures().get(0);
    assertThat(failed.getAction().getEndpointName()).isEqualTo("payments");
    assertThat(failed.getAttempts()).isEqualTo(1);
    assertThat(failed.getMessage())
        .isEqualTo(
            "the server refused to create endpoint 'payments' (FAILED_PRECONDITION: namespace"
                + " missing-ns not found)");
    assertThat(server.byName("payments")).isNull();
    assertThat(server.byName("shipping")).isNotNull();
  }

  @Test
  void manifest_listsEveryEndpointWhosePolicyIsOnTheServer_withItsDigest() throws Exception {
    registry.put(endpoint("payments", 1, "orders-ns")).put(endpoint("shipping", 2, "orders-ns"));
    builder().build().reconcile();

    VerifiedManifest m = manifestOnServer();

    assertThat(m.manifest().endpoints())
        .containsExactly(
            Map.entry(
                "payments",
                PolicyCodec.digest(server.byName("payments").getSpec().getDescription())),
            Map.entry(
                "shipping",
                PolicyCodec.digest(server.byName("shipping").getSpec().getDescription())));
    assertThat(m.manifest().audience()).isEqualTo(AUDIENCE);
    assertThat(server.byName(MANIFEST).getSpec().getTarget().getWorker().getNamespace())
        .isEqualTo("temporal-system");
  }

  @Test
  void failedCreate_leavesThatEndpointOutOfTheManifest() throws Exception {
    server.namespaceMissing("missing-ns");
    registry
        .put(
            endpoint("payments", 1, "orders-ns").toBuilder()
                .setTargetNamespace("missing-ns")
                .build())
        .put(endpoint("shipping", 1, "orders-ns"));

    ReconcileResult result = builder().build().reconcile();

    assertThat(result.isSuccess()).isFalse();
    assertThat(result.getResults().get(2).getOutcome()).isEqualTo(ReconcileResult.Outcome.APPLIED);
    assertThat(manifestOnServer().manifest().endpoints()).containsOnlyKeys("shipping");
  }

  @Test
  void removedEndpoint_isDroppedFromTheManifest_whileTheServerEndpointStays() throws Exception {
    registry.put(endpoint("payments", 1, "orders-ns")).put(endpoint("shipping", 1, "orders-ns"));
    EndpointReconciler reconciler = builder().build();
    reconciler.reconcile();
    long epoch = manifestOnServer().manifest().epoch();
    registry.remove("payments");

    ReconcileResult result = reconciler.reconcile();

    assertThat(result.getResults())
        .extracting(r -> r.getAction().getEndpointName(), ReconcileResult.ActionResult::getOutcome)
        .containsExactly(
            org.assertj.core.groups.Tuple.tuple("payments", ReconcileResult.Outcome.SKIPPED),
            org.assertj.core.groups.Tuple.tuple("shipping", ReconcileResult.Outcome.UNCHANGED),
            org.assertj.core.groups.Tuple.tuple(MANIFEST, ReconcileResult.Outcome.APPLIED));
    assertThat(result.getResults().get(2).getMessage()).contains("no longer lists [payments]");
    assertThat(server.byName("payments")).isNotNull();
    assertThat(manifestOnServer().manifest().endpoints()).containsOnlyKeys("shipping");
    assertThat(manifestOnServer().manifest().epoch()).isGreaterThan(epoch);
  }

  @Test
  void manifest_isRenewedOnceLessThanHalfItsLifetimeIsLeft_andOnlyThen() throws Exception {
    TestClock clock = new TestClock(java.time.Instant.parse("2025-05-01T10:00:00Z"));
    registry.put(endpoint("payments", 1, "orders-ns"));
    EndpointReconciler reconciler =
        builder().setClock(clock).setManifestLifetime(Duration.ofHours(10)).build();
    reconciler.reconcile();
    long epoch = manifestOnServer().manifest().epoch();

    clock.advance(Duration.ofHours(5).minusMillis(1));
    assertThat(reconciler.plan().hasChanges()).isFalse();
    clock.advance(Duration.ofMillis(1));
    ReconcilePlan renew = reconciler.plan();

    assertThat(renew.getChanges())
        .extracting(ReconcileAction::getEndpointName)
        .containsExactly(MANIFEST);
    assertThat(renew.getChanges().get(0).getReason())
        .startsWith("renewing: the manifest expires at");
    reconciler.apply(renew);
    assertThat(manifestOnServer().manifest().epoch()).isGreaterThan(epoch);
    assertThat(manifestOnServer().manifest().expiresAt())
        .isEqualTo(java.time.Instant.parse("2025-05-02T01:00:00Z"));
  }

  @Test
  void manifestWrittenConcurrently_isReadAgain_andTheWriteRetried() throws Exception {
    registry.put(endpoint("payments", 1, "orders-ns"));
    EndpointReconciler reconciler = builder().build();
    reconciler.reconcile();
    registry.put(endpoint("payments", 2, "orders-ns", "billing-ns"));
    ReconcilePlan plan = reconciler.plan();
    // payments is written first; just before the manifest, someone else rewrites the manifest.
    server.beforeNextWrite(() -> {});
    server.beforeNextWrite(
        () -> server.replace(MANIFEST, server.byName(MANIFEST).getSpec().toBuilder().build()));

    ReconcileResult result = reconciler.apply(plan);

    ReconcileResult.ActionResult manifest = result.getResults().get(1);
    assertThat(manifest.getOutcome()).isEqualTo(ReconcileResult.Outcome.APPLIED);
    assertThat(manifest.getAttempts()).isEqualTo(2);
    assertThat(manifest.getMessage()).contains("re-read after concurrent changes");
    assertThat(manifestOnServer().manifest().endpoints().get("payments"))
        .isEqualTo(PolicyCodec.digest(server.byName("payments").getSpec().getDescription()));
  }

  @Test
  void manifestNameTakenByAnotherEndpoint_failsTheManifest_butTheEndpointsAreReconciled() {
    server.put(privateSpec(MANIFEST));
    registry.put(endpoint("payments", 1, "orders-ns"));

    ReconcileResult result = builder().build().reconcile();

    assertThat(result.isSuccess()).isFalse();
    assertThat(result.getFailures()).hasSize(1);
    assertThat(result.getFailures().get(0).getMessage())
        .contains("'nexus-security-manifest' is not a registry manifest");
    assertThat(server.byName("payments")).isNotNull();
    assertThat(server.byName(MANIFEST).getSpec()).isEqualTo(privateSpec(MANIFEST));
  }

  @Test
  void createRace_withAnUnmanagedEndpoint_failsWithoutTouchingIt() {
    registry.put(endpoint("payments", 1, "orders-ns"));
    EndpointReconciler reconciler = builder().build();
    ReconcilePlan plan = reconciler.plan();
    server.beforeNextWrite(() -> server.put(privateSpec("payments")));
    ReconcileResult.ActionResult r = reconciler.apply(plan).getResults().get(0);
    assertThat(r.getOutcome()).isEqualTo(ReconcileResult.Outcome.FAILED);
    assertThat(r.getMessage()).contains("does not manage");
    assertThat(server.byName("payments").getSpec()).isEqualTo(privateSpec("payments"));
  }

  @Test
  void deleteOfAnEndpointAlreadyDeleted_isUnchanged() {
    registry.put(endpoint("payments", 1, "orders-ns"));
    EndpointReconciler reconciler = builder().setDeleteRemovedEndpoints(true).build();
    reconciler.reconcile();
    registry.remove("payments");
    ReconcilePlan plan = reconciler.plan();
    assertThat(plan.getChanges())
        .extracting(ReconcileAction::getType)
        .containsExactly(ReconcileAction.Type.DELETE, ReconcileAction.Type.UPDATE);
    server.beforeNextWrite(() -> server.remove("payments"));
    ReconcileResult.ActionResult r = reconciler.apply(plan).getResults().get(0);
    assertThat(r.getOutcome()).isEqualTo(ReconcileResult.Outcome.UNCHANGED);
    assertThat(r.getServerVersion()).isZero();
  }

  @Test
  void removedEndpoint_isDeletedOnlyWithTheFlag() {
    registry.put(endpoint("payments", 1, "orders-ns"));
    builder().build().reconcile();
    registry.remove("payments");
    ReconcileResult kept = builder().build().reconcile();
    assertThat(kept.getResults().get(0).getOutcome()).isEqualTo(ReconcileResult.Outcome.SKIPPED);
    assertThat(server.byName("payments")).isNotNull();
    ReconcileResult deleted = builder().setDeleteRemovedEndpoints(true).build().reconcile();
    assertThat(deleted.getResults().get(0).getOutcome()).isEqualTo(ReconcileResult.Outcome.APPLIED);
    assertThat(server.byName("payments")).isNull();
  }

  @Test
  void listingFailure_isAClearError_andNothingChanges() {
    registry.put(endpoint("payments", 1, "orders-ns"));
    server.failNextList(Status.PERMISSION_DENIED.withDescription("not a cluster admin"));
    assertThatThrownBy(() -> builder().build().plan())
        .isInstanceOf(ServerRegistryException.class)
        .hasMessageContaining("Cannot list the Nexus endpoints of the Temporal server")
        .hasMessageContaining("PERMISSION_DENIED: not a cluster admin")
        .hasMessageContaining("nothing was changed");
    assertThat(server.writes.get()).isZero();
  }

  @Test
  void manyEndpoints_arePagedThrough() {
    for (int i = 0; i < 23; i++) {
      registry.put(endpoint("ep-" + i, 1, "orders-ns"));
    }
    EndpointReconciler reconciler = builder().setPageSize(5).build();
    assertThat(reconciler.reconcile().count(ReconcileResult.Outcome.APPLIED)).isEqualTo(24);
    int lists = server.lists.get();
    ReconcilePlan again = reconciler.plan();
    assertThat(again.count(ReconcileAction.Type.UNCHANGED)).isEqualTo(24);
    assertThat(server.lists.get() - lists).isEqualTo(5);
  }

  @Test
  void builder_requiresRegistryStubsAndAPrivateKeyset() {
    assertThatThrownBy(() -> EndpointReconciler.newBuilder().build())
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("registry is required");
    assertThatThrownBy(() -> EndpointReconciler.newBuilder().setRegistry(registry).build())
        .hasMessageContaining("operatorServiceStubs is required");
    assertThatThrownBy(
            () ->
                EndpointReconciler.newBuilder()
                    .setRegistry(registry)
                    .setOperatorServiceStubs(server.stubs())
                    .build())
        .hasMessageContaining("registrySigningKeyset is required");
    assertThatThrownBy(
            () ->
                builder()
                    .setRegistrySigningKeyset(TestKeys.registry().getPublicKeysetHandle())
                    .build())
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("not a private signature key");
  }

  @Test
  void builder_requiresTheAudience_andValidatesTheManifestSettings() {
    assertThatThrownBy(
            () ->
                EndpointReconciler.newBuilder()
                    .setRegistry(registry)
                    .setOperatorServiceStubs(server.stubs())
                    .setRegistrySigningKeyset(TestKeys.registry())
                    .build())
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageStartingWith("EndpointReconciler.audience is required");
    assertThatThrownBy(() -> builder().setAudience("prod eu"))
        .hasMessageContaining("EndpointReconciler.audience must name the Temporal cluster")
        .hasMessageEndingWith("got 'prod eu'");
    assertThatThrownBy(() -> builder().setManifestEndpointName("bad_name"))
        .hasMessageStartingWith("EndpointReconciler.manifestEndpointName must be a Nexus endpoint");
    assertThatThrownBy(() -> builder().setManifestTargetNamespace("temporal system"))
        .hasMessageStartingWith("EndpointReconciler.manifestTargetNamespace 'temporal system' is");
    assertThatThrownBy(() -> builder().setManifestLifetime(Duration.ofSeconds(59)))
        .hasMessage(
            "EndpointReconciler.manifestLifetime must be between 1 minute and 366 days, got PT59S");
    assertThatThrownBy(() -> builder().setMaxPages(0))
        .hasMessage("EndpointReconciler.maxPages must be between 1 and 1000000, got 0");
  }

  @Test
  void builder_rejectsOutOfRangeSettings_namingThem() {
    assertThatThrownBy(() -> builder().setMaxAttempts(0))
        .hasMessage("EndpointReconciler.maxAttempts must be between 1 and 100, got 0");
    assertThatThrownBy(() -> builder().setPageSize(1001))
        .hasMessage("EndpointReconciler.pageSize must be between 1 and 1000, got 1001");
    assertThatThrownBy(() -> builder().setRpcTimeout(Duration.ZERO))
        .hasMessage("EndpointReconciler.rpcTimeout must be positive, got PT0S");
  }

  @Test
  void builder_acceptsEveryRangeBoundary_andRefusesOneBeyond_namingTheSetting() {
    EndpointReconciler.Builder b = builder();
    assertThat(b.setManifestLifetime(Duration.ofMinutes(1))).isSameAs(b);
    assertThat(b.setManifestLifetime(Duration.ofDays(366))).isSameAs(b);
    assertThat(b.setMaxPages(1)).isSameAs(b);
    assertThat(b.setMaxPages(1_000_000)).isSameAs(b);
    assertThat(b.setMaxAttempts(1)).isSameAs(b);
    assertThat(b.setMaxAttempts(100)).isSameAs(b);
    assertThat(b.setPageSize(1)).isSameAs(b);
    assertThat(b.setPageSize(1000)).isSameAs(b);
    assertThat(b.setRpcTimeout(Duration.ofMillis(1))).isSameAs(b);
    assertThat(b.setManifestEndpointName("registry-manifest")).isSameAs(b);
    assertThat(b.setManifestTargetNamespace("temporal-system")).isSameAs(b);
    assertThat(b.setTakeOverUnmanagedEndpoints(false)).isSameAs(b);
    assertThat(b.setDeleteRemovedEndpoints(false)).isSameAs(b);
    assertThat(b.build()).isNotNull();

    assertThatThrownBy(() -> builder().setManifestLifetime(Duration.ofDays(366).plusMillis(1)))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage(
            "EndpointReconciler.manifestLifetime must be between 1 minute and 366 days, got"
                + " PT8784H0.001S");
    assertThatThrownBy(() -> builder().setManifestLifetime(null)).hasMessageEndingWith("got null");
    assertThatThrownBy(() -> builder().setMaxPages(1_000_001))
        .hasMessage("EndpointReconciler.maxPages must be between 1 and 1000000, got 1000001");
    assertThatThrownBy(() -> builder().setMaxAttempts(101))
        .hasMessage("EndpointReconciler.maxAttempts must be between 1 and 100, got 101");
    assertThatThrownBy(() -> builder().setPageSize(0))
        .hasMessage("EndpointReconciler.pageSize must be between 1 and 1000, got 0");
    assertThatThrownBy(() -> builder().setRpcTimeout(Duration.ofMillis(-1)))
        .hasMessage("EndpointReconciler.rpcTimeout must be positive, got PT-0.001S");
    assertThatThrownBy(() -> builder().setRpcTimeout(null))
        .hasMessage("EndpointReconciler.rpcTimeout must be positive, got null");
  }

  @Test
  void maxAttemptsOfOne_givesUpAtTheFirstConcurrentChange() {
    registry.put(endpoint("payments", 1, "orders-ns"));
    EndpointReconciler reconciler = builder().setMaxAttempts(1).build();
    reconciler.reconcile();
    registry.put(endpoint("payments", 2, "billing-ns"));
    ReconcilePlan plan = reconciler.plan();
    server.beforeNextWrite(
        () -> server.replace("payments", retargeted(server.byName("payments"), "evil-ns")));

    ReconcileResult.ActionResult r = reconciler.apply(plan).getFailures().get(0);

    assertThat(r.getAttempts()).isEqualTo(1);
    assertThat(r.getMessage())
        .startsWith("gave up after 1 attempts: endpoint 'payments' kept changing on the server")
        .endsWith("[re-read after concurrent changes: server version 1 became 2]");
    assertThat(server.byName("payments").getSpec().getTarget().getWorker().getNamespace())
        .as("the concurrent change is left for the next run to see")
        .isEqualTo("evil-ns");
  }

  @Test
  void toString_showsSettingsAndKeyIdOnly() throws Exception {
    String text = builder().setDeleteRemovedEndpoints(true).build().toString();
    assertThat(text)
        .contains("audience=prod-eu")
        .contains("manifestEndpoint=nexus-security-manifest")
        .contains("deleteRemovedEndpoints=true")
        .contains(
            "primary key id " + Integer.toUnsignedString(TestKeys.registry().getPrimary().getId()));
    assertThat(text).doesNotContain("value").doesNotContain("Ed25519PrivateKey");
  }

  @Test
  void keyDirectory_isPublished_planShowsEachEntry_andASecondRunChangesNothing() {
    NamespacePublicKeys orders = NamespaceKeys.generate("orders-ns", false).toPublicKeys();
    EndpointReconciler r =
        EndpointReconciler.newBuilder()
            .setRegistry(new MapRegistry().put(endpoint("payments", 1, "orders-ns")))
            .setOperatorServiceStubs(server.stubs())
            .setRegistrySigningKeyset(TestKeys.registry())
            .setAudience(AUDIENCE)
            .setKeyDirectory(NamespaceKeyDirectory.newBuilder().put(orders).build())
            .build();

    ReconcilePlan plan = r.plan();
    ReconcileAction entry =
        plan.getActions().stream()
            .filter(ReconcileAction::isKeyDirectoryEntry)
            .findFirst()
            .orElseThrow();
    assertThat(entry.getType()).isEqualTo(ReconcileAction.Type.CREATE);
    assertThat(entry.getKeyDirectoryNamespace()).contains("orders-ns");
    assertThat(entry.getRegistryEndpoint()).isEmpty();
    assertThat(entry.toString())
        .startsWith(
            "+ create key directory entry of orders-ns (endpoint nexus-security-manifest-keys-orders-ns-")
        .contains("-> NamespacePublicKeys{orders-ns, agreement keys [");
    assertThat(plan.count(ReconcileAction.Type.CREATE)).isEqualTo(3);

    ReconcileResult result = r.apply(plan);
    assertThat(result.isSuccess()).isTrue();
    assertThat(server.byName(entry.getEndpointName())).isNotNull();

    ReconcilePlan again = r.plan();
    assertThat(again.hasChanges()).isFalse();
    assertThat(again.count(ReconcileAction.Type.UNCHANGED)).isEqualTo(3);
  }

  @Test
  void keyDirectory_withATooLongManifestName_isRefusedWhenBuilding() {
    EndpointReconciler.Builder b =
        EndpointReconciler.newBuilder()
            .setRegistry(new MapRegistry())
            .setOperatorServiceStubs(server.stubs())
            .setRegistrySigningKeyset(TestKeys.registry())
            .setAudience(AUDIENCE)
            .setManifestEndpointName("m" + "x".repeat(130))
            .setKeyDirectory(NamespaceKeyDirectory.empty());
    assertThatThrownBy(b::build)
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("EndpointReconciler.manifestEndpointName must be at most 120");
  }

  @Test
  void keyDirectory_thatIsStale_isNotPublished_andNothingChanges() {
    dev.nexussecurity.core.keys.KeyDirectory stale =
        new dev.nexussecurity.core.keys.KeyDirectory() {
          @Override
          public java.util.Optional<NamespacePublicKeys> findNamespace(String namespace) {
            return java.util.Optional.empty();
          }

          @Override
          public java.util.Set<String> getNamespaces() {
            return java.util.Set.of();
          }

          @Override
          public boolean isStale() {
            return true;
          }
        };
    EndpointReconciler r =
        EndpointReconciler.newBuilder()
            .setRegistry(new MapRegistry())
            .setOperatorServiceStubs(server.stubs())
            .setRegistrySigningKeyset(TestKeys.registry())
            .setAudience(AUDIENCE)
            .setKeyDirectory(stale)
            .build();
    int writes = server.writes.get();

    assertThatThrownBy(r::reconcile)
        .isInstanceOf(ServerRegistryException.class)
        .hasMessageContaining("The key directory to publish is stale")
        .hasMessageContaining("nothing was changed");
    assertThat(server.writes.get()).isEqualTo(writes);
  }

  @Test
  void results_sayWhatWasDone_withTheServerVersion() {
    registry.put(endpoint("payments", 1, "orders-ns"));
    EndpointReconciler reconciler = builder().setDeleteRemovedEndpoints(true).build();

    List<ReconcileResult.ActionResult> created = reconciler.reconcile().getResults();
    assertThat(created.get(0).getMessage())
        .isEqualTo("created endpoint 'payments' (server version 1)");
    assertThat(created.get(1).getMessage())
        .startsWith(
            "created the registry manifest '" + MANIFEST + "' (server version 1): no manifest");

    registry.put(endpoint("payments", 2, "billing-ns"));
    List<ReconcileResult.ActionResult> updated = reconciler.reconcile().getResults();
    assertThat(updated.get(0).getMessage())
        .startsWith("updated endpoint 'payments' to server version 2 (");
    assertThat(updated.get(1).getMessage())
        .startsWith("updated the registry manifest '" + MANIFEST + "' (server version 2): ");

    List<ReconcileResult.ActionResult> unchanged = reconciler.reconcile().getResults();
    assertThat(unchanged.get(1).getOutcome()).isEqualTo(ReconcileResult.Outcome.UNCHANGED);
    assertThat(unchanged.get(1).getServerVersion()).isEqualTo(2);

    registry.remove("payments");
    List<ReconcileResult.ActionResult> deleted = reconciler.reconcile().getResults();
    assertThat(deleted.get(0).getMessage())
        .isEqualTo("deleted endpoint 'payments' (not in the registry)");
    assertThat(server.byName("payments")).isNull();
  }

  @Test
  void refusedUpdate_ofAnEndpointNobodyChanged_failsWithTheServersReason_withoutRetrying()
      throws Exception {
    registry.put(endpoint("payments", 1, "orders-ns"));
    EndpointReconciler reconciler = builder().build();
    reconciler.reconcile();
    server.namespaceMissing("missing-ns");
    registry.put(
        endpoint("payments", 2, "orders-ns").toBuilder().setTargetNamespace("missing-ns").build());
    int writesBefore = server.writes.get();

    ReconcileResult result = reconciler.reconcile();

    ReconcileResult.ActionResult failed = result.getFailures().get(0);
    assertThat(failed.getAttempts()).isEqualTo(1);
    assertThat(failed.getMessage())
        .isEqualTo(
            "the server refused to update endpoint 'payments' (FAILED_PRECONDITION: namespace"
                + " missing-ns not found)");
    assertThat(failed.getServerVersion()).isEqualTo(1);
    assertThat(server.writes.get() - writesBefore)
        .as("one update attempt, then the manifest")
        .isEqualTo(2);
    assertThat(server.byName("payments").getSpec().getTarget().getWorker().getNamespace())
        .isEqualTo("handler-ns");
    assertThat(manifestOnServer().manifest().endpoints())
        .as("the outdated policy left on the server is no longer listed: workers deny it")
        .doesNotContainKey("payments");
  }

  @Test
  void endpointDeletedAndRecreatedByHand_atTheSameVersion_isSeenAsChanged_andReplanned() {
    registry.put(endpoint("payments", 1, "orders-ns"));
    EndpointReconciler reconciler = builder().build();
    reconciler.reconcile();
    registry.put(endpoint("payments", 2, "orders-ns", "billing-ns"));
    ReconcilePlan plan = reconciler.plan();
    String oldId = server.byName("payments").getId();
    server.beforeNextWrite(
        () -> {
          EndpointSpec spec = server.byName("payments").getSpec();
          server.remove("payments");
          server.put(spec); // a new id, version 1 again
        });

    ReconcileResult.ActionResult r = reconciler.apply(plan).getResults().get(0);

    assertThat(server.byName("payments").getId()).isNotEqualTo(oldId);
    assertThat(r.getOutcome()).isEqualTo(ReconcileResult.Outcome.APPLIED);
    assertThat(r.getAttempts()).isEqualTo(2);
    assertThat(r.getMessage())
        .endsWith("[re-read after concurrent changes: server version 1 became 1]");
    assertThat(server.byName("payments").getVersion()).isEqualTo(2);
  }

  @Test
  void refusedWrite_whoseEndpointCannotBeReadAgain_isReportedWithBothErrors() {
    server.namespaceMissing("missing-ns");
    registry.put(
        endpoint("payments", 1, "orders-ns").toBuilder().setTargetNamespace("missing-ns").build());
    EndpointReconciler reconciler = builder().build();
    ReconcilePlan plan = reconciler.plan();
    server.failNextList(Status.UNAVAILABLE.withDescription("server restarting"));

    ReconcileResult.ActionResult failed = reconciler.apply(plan).getFailures().get(0);

    assertThat(failed.getAttempts()).isEqualTo(1);
    assertThat(failed.getMessage())
        .isEqualTo(
            "the server refused to create endpoint 'payments' (FAILED_PRECONDITION: namespace"
                + " missing-ns not found); reading it again failed too (UNAVAILABLE: server"
                + " restarting)");
  }

  @Test
  void deleteRace_withAnEndpointReplacedByAnUnmanagedOne_isSkipped_andLeftAlone() {
    registry.put(endpoint("payments", 1, "orders-ns"));
    EndpointReconciler reconciler = builder().setDeleteRemovedEndpoints(true).build();
    reconciler.reconcile();
    registry.remove("payments");
    ReconcilePlan plan = reconciler.plan();
    server.beforeNextWrite(() -> server.replace("payments", privateSpec("payments")));

    ReconcileResult.ActionResult r = reconciler.apply(plan).getResults().get(0);

    assertThat(r.getOutcome()).isEqualTo(ReconcileResult.Outcome.SKIPPED);
    assertThat(r.getAttempts()).isEqualTo(1);
    assertThat(r.getServerVersion()).isEqualTo(2);
    assertThat(r.getMessage())
        .startsWith("after a concurrent change: not managed by nexus-security")
        .endsWith("[re-read after concurrent changes: server version 1 became 2]");
    assertThat(server.byName("payments").getSpec()).isEqualTo(privateSpec("payments"));
  }

  @Test
  void failedReconciliation_isLoggedAsAWarning_andASuccessfulOneIsNot() {
    ch.qos.logback.core.read.ListAppender<ch.qos.logback.classic.spi.ILoggingEvent> logs =
        new ch.qos.logback.core.read.ListAppender<>();
    ch.qos.logback.classic.Logger logger =
        (ch.qos.logback.classic.Logger) org.slf4j.LoggerFactory.getLogger(EndpointReconciler.class);
    logs.start();
    logger.addAppender(logs);
    try {
      registry.put(endpoint("payments", 1, "orders-ns"));
      builder().build().reconcile();
      assertThat(logs.list)
          .extracting(e -> e.getLevel().toString())
          .as("one line per change, no warning")
          .containsExactly("INFO", "INFO");
      logs.list.clear();

      server.namespaceMissing("missing-ns");
      registry.put(
          endpoint("shipping", 1, "orders-ns").toBuilder()
              .setTargetNamespace("missing-ns")
              .build());
      ReconcileResult failed = builder().build().reconcile();

      assertThat(logs.list)
          .filteredOn(e -> e.getLevel() == ch.qos.logback.classic.Level.WARN)
          .singleElement()
          .satisfies(e -> assertThat(e.getFormattedMessage()).isEqualTo(failed.toString()));
    } finally {
      logger.detachAppender(logs);
    }
  }

  @Test
  void planned_updateAndUnchangedActions_sayWhatWouldBeWritten() {
    registry.put(endpoint("payments", 1, "orders-ns")).put(endpoint("shipping", 1, "orders-ns"));
    EndpointReconciler reconciler = builder().build();
    reconciler.reconcile();
    registry.put(endpoint("payments", 2, "billing-ns"));

    List<ReconcileAction> actions = reconciler.plan().getActions();

    assertThat(actions.get(0).toString())
        .startsWith(
            "~ update payments -> handler-ns/handler-tq allowed [billing-ns] (server version 1): ");
    assertThat(actions.get(1).toString())
        .startsWith("= unchanged shipping (server version 1): ")
        .doesNotContain("->");
  }
}
