package dev.nexussecurity.it;

import static dev.nexussecurity.it.ServerEndpointsSupport.AUDIENCE;
import static dev.nexussecurity.it.ServerEndpointsSupport.MANIFEST;
import static dev.nexussecurity.it.ServerEndpointsSupport.byName;
import static dev.nexussecurity.it.ServerEndpointsSupport.edit;
import static dev.nexussecurity.it.ServerEndpointsSupport.editDescriptionText;
import static dev.nexussecurity.it.ServerEndpointsSupport.editSignedJson;
import static dev.nexussecurity.it.ServerEndpointsSupport.endpoint;
import static dev.nexussecurity.it.ServerEndpointsSupport.publicHalf;
import static dev.nexussecurity.it.ServerEndpointsSupport.retarget;
import static dev.nexussecurity.it.ServerEndpointsSupport.signedJson;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.google.crypto.tink.KeysetHandle;
import dev.nexussecurity.api.NexusEndpoint;
import dev.nexussecurity.api.ReasonCode;
import dev.nexussecurity.core.server.EndpointReconciler;
import dev.nexussecurity.core.server.ServerEndpointRegistry;
import dev.nexussecurity.core.server.ServerRegistryException;
import dev.nexussecurity.core.server.ServerRegistryStatus;
import dev.nexussecurity.it.support.InMemoryRegistry;
import dev.nexussecurity.testing.EmbeddedTemporal;
import io.temporal.api.nexus.v1.EndpointSpec;
import io.temporal.api.operatorservice.v1.CreateNexusEndpointRequest;
import io.temporal.serviceclient.OperatorServiceStubs;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;

/** {@link ServerEndpointRegistry} reading the Nexus endpoints of the embedded Temporal server. */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class ServerEndpointRegistryOnServerTest {
  private final KeysetHandle registryKey = ServerEndpointsSupport.newSigningKeyset();
  private EmbeddedTemporal temporal;
  private OperatorServiceStubs operator;
  private InMemoryRegistry source;

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
  void reconcileTheSourceRegistry() {
    ServerEndpointsSupport.deleteAll(operator);
    source =
        new InMemoryRegistry()
            .store(endpoint("payments", "payments-ns", "payments-tq", "orders-ns"))
            .store(endpoint("shipping", "shipping-ns", "shipping-tq", "orders-ns"));
    assertThat(reconciler(registryKey).reconcile().isSuccess()).isTrue();
  }

  private EndpointReconciler reconciler(KeysetHandle key) {
    return reconcilerBuilder(key).build();
  }

  private EndpointReconciler.Builder reconcilerBuilder(KeysetHandle key) {
    return EndpointReconciler.newBuilder()
        .setRegistry(source)
        .setOperatorServiceStubs(operator)
        .setRegistrySigningKeyset(key)
        .setAudience(AUDIENCE);
  }

  private ServerEndpointRegistry.Builder workerRegistry(OperatorServiceStubs stubs) {
    return ServerEndpointRegistry.newBuilder()
        .setOperatorServiceStubs(stubs)
        .setRegistryPublicKeyset(publicHalf(registryKey))
        .setAudience(AUDIENCE)
        .setRefreshInterval(Duration.ZERO);
  }

  @Test
  void reconciledEndpoints_areAllowedForTheirCallers_only() {
    try (ServerEndpointRegistry registry = workerRegistry(operator).start()) {
      assertThat(registry.checkAccess("payments", "orders-ns").isAllowed()).isTrue();
      assertThat(registry.checkAccess("payments", "billing-ns").getReason())
          .isEqualTo(ReasonCode.CALLER_NOT_ALLOWED);
      assertThat(registry.findEndpoint("payments").orElseThrow().getTargetNamespace())
          .isEqualTo("payments-ns");
      assertThat(registry.listEndpoints())
          .extracting(NexusEndpoint::getName)
          .containsExactly("payments", "shipping");
      assertThat(registry.listEndpoints())
          .containsExactly(source.get("payments"), source.get("shipping"));
    }
  }

  @Test
  void allowlistEditedInsideTheDescription_deniesEveryone_andOthersAreUnaffected() {
    try (ServerEndpointRegistry registry = workerRegistry(operator).start()) {
      edit(
          operator,
          "payments",
          s -> editSignedJson(s, t -> t.replace("[\"orders-ns\"]", "[\"evil-ns\",\"orders-ns\"]")));
      assertThat(signedJson(byName(operator, "payments"))).contains("evil-ns");
      ServerRegistryStatus status = registry.refresh();

      for (String caller : List.of("evil-ns", "orders-ns", "payments-ns")) {
        assertThat(registry.checkAccess("payments", caller).getReason())
            .as(caller)
            .isEqualTo(ReasonCode.ENDPOINT_POLICY_INVALID);
      }
      assertThat(registry.findEndpoint("payments")).isEmpty();
      assertThat(status.getInvalidEndpoints()).containsOnlyKeys("payments");
      assertThat(status.getInvalidEndpoints().get("payments"))
          .startsWith("BAD_SIGNATURE: ")
          .contains("changed after the registry signed it");
      assertThat(registry.checkAccess("shipping", "orders-ns").isAllowed()).isTrue();

      // The reconciler repairs it and workers accept it again.
      reconciler(registryKey).reconcile();
      assertThat(registry.refresh().getInvalidEndpoints()).isEmpty();
      assertThat(registry.checkAccess("payments", "orders-ns").isAllowed()).isTrue();
      assertThat(registry.checkAccess("payments", "evil-ns").isAllowed()).isFalse();
    }
  }

  @Test
  void unparsableDescription_deniesEveryone() {
    edit(operator, "payments", s -> editDescriptionText(s, t -> "allow everyone"));
    try (ServerEndpointRegistry registry = workerRegistry(operator).start()) {
      assertThat(registry.checkAccess("payments", "orders-ns").getReason())
          .isEqualTo(ReasonCode.ENDPOINT_POLICY_INVALID);
      assertThat(registry.getStatus().getInvalidEndpoints().get("payments"))
          .startsWith("MALFORMED: the description, line 1 column 1: is not valid JSON");
    }
  }

  @Test
  void policySignedWithAnotherKey_deniesEveryone() {
    KeysetHandle rogueKey = ServerEndpointsSupport.newSigningKeyset();
    EndpointSpec manifest = byName(operator, MANIFEST).getSpec();
    source.store(endpoint("payments", "payments-ns", "payments-tq", "orders-ns", "evil-ns"));
    assertThat(reconciler(rogueKey).reconcile().isSuccess()).isTrue();
    edit(operator, MANIFEST, s -> manifest); // the registry's manifest, the rogue's policy
    try (ServerEndpointRegistry registry = workerRegistry(operator).start()) {
      assertThat(registry.checkAccess("payments", "evil-ns").getReason())
          .isEqualTo(ReasonCode.ENDPOINT_POLICY_INVALID);
      assertThat(registry.checkAccess("payments", "orders-ns").getReason())
          .isEqualTo(ReasonCode.ENDPOINT_POLICY_INVALID);
      assertThat(registry.getStatus().getInvalidEndpoints().get("payments"))
          .startsWith(
              "UNKNOWN_KEY: the policy is signed with key id "
                  + Integer.toUnsignedString(rogueKey.getPrimary().getId()));
    }
  }

  @Test
  void manifestSignedWithAnotherKey_isRefused_andARunningWorkerKeepsWhatItVerified() {
    KeysetHandle rogueKey = ServerEndpointsSupport.newSigningKeyset();
    try (ServerEndpointRegistry running = workerRegistry(operator).start()) {
      source.store(endpoint("payments", "payments-ns", "payments-tq", "orders-ns", "evil-ns"));
      assertThat(reconciler(rogueKey).reconcile().isSuccess()).isTrue();

      assertThatThrownBy(running::refresh)
          .isInstanceOf(ServerRegistryException.class)
          .hasMessageContaining("(UNKNOWN_KEY: the manifest is signed with key id");
      assertThat(running.checkAccess("payments", "orders-ns").isAllowed()).isTrue();
      assertThat(running.checkAccess("payments", "evil-ns").isAllowed()).isFalse();
      assertThatThrownBy(() -> workerRegistry(operator).start())
          .isInstanceOf(ServerRegistryException.class)
          .hasMessageContaining("UNKNOWN_KEY");
    }
  }

  @Test
  void targetChangedByHand_orPolicyMovedToAnotherEndpoint_deniesEveryone() {
    edit(operator, "payments", s -> retarget(s, "evil-ns", "payments-tq"));
    // The shipping policy copied onto a new endpoint: signed, but for another endpoint.
    temporal.createNexusEndpoint("copy", "shipping-ns", "shipping-tq");
    edit(
        operator,
        "copy",
        s ->
            s.toBuilder()
                .setDescription(byName(operator, "shipping").getSpec().getDescription())
                .build());
    try (ServerEndpointRegistry registry = workerRegistry(operator).start()) {
      assertThat(registry.checkAccess("payments", "orders-ns").getReason())
          .isEqualTo(ReasonCode.ENDPOINT_POLICY_INVALID);
      assertThat(registry.checkAccess("copy", "orders-ns").getReason())
          .as("not in the manifest")
          .isEqualTo(ReasonCode.UNKNOWN_ENDPOINT);
      assertThat(registry.getStatus().getEndpointsNotInManifest()).containsExactly("copy");
      Map<String, String> invalid = registry.getStatus().getInvalidEndpoints();
      assertThat(invalid.get("payments"))
          .isEqualTo(
              "TARGET_MISMATCH: the policy was signed for target payments-ns/payments-tq but the"
                  + " server endpoint targets evil-ns/payments-tq");
      assertThat(invalid).containsOnlyKeys("payments");
      assertThat(registry.checkAccess("shipping", "orders-ns").isAllowed()).isTrue();
    }
  }

  @Test
  void privateEndpoint_isUnknown_eventhoughItExistsOnTheServer() {
    temporal.createNexusEndpoint("private", "payments-ns", "private-tq");
    try (ServerEndpointRegistry registry = workerRegistry(operator).start()) {
      assertThat(registry.checkAccess("private", "orders-ns").getReason())
          .isEqualTo(ReasonCode.UNKNOWN_ENDPOINT);
      assertThat(registry.findEndpoint("private")).isEmpty();
      assertThat(registry.getStatus().getUnmanagedEndpointCount()).isEqualTo(1);
      assertThat(registry.getStatus().getInvalidEndpoints()).isEmpty();
    }
  }

  @Test
  void serverUnreachable_keepsTheLastGoodSnapshot_andReportsTheError() throws Exception {
    EmbeddedTemporal doomed = EmbeddedTemporal.newBuilder().start();
    BlockingQueue<ServerRegistryStatus> statuses = new LinkedBlockingQueue<>();
    EndpointReconciler.newBuilder()
        .setRegistry(source)
        .setOperatorServiceStubs(doomed.getOperatorServiceStubs())
        .setRegistrySigningKeyset(registryKey)
        .setAudience(AUDIENCE)
        .build()
        .reconcile();
    try (ServerEndpointRegistry registry =
        workerRegistry(doomed.getOperatorServiceStubs())
            .setRpcTimeout(Duration.ofSeconds(2))
            .setStatusListener(statuses::add)
            .start()) {
      ServerRegistryStatus good = statuses.take();
      assertThat(good.isHealthy()).isTrue();
      doomed.close();

      assertThatThrownBy(registry::refresh)
          .isInstanceOf(ServerRegistryException.class)
          .hasMessageContaining(
              "Cannot refresh the Nexus endpoints from the Temporal server (UNAVAILABLE")
          .hasMessageContaining(
              "still using the endpoints verified at "
                  + good.getLastSuccessTime().orElseThrow()
                  + " (2 endpoints) until ");
      ServerRegistryStatus failed = registry.getStatus();
      assertThat(statuses.take()).isEqualTo(failed);
      assertThat(failed.isHealthy()).isFalse();
      assertThat(failed.getConsecutiveFailures()).isEqualTo(1);
      assertThat(failed.getLastSuccessTime()).isEqualTo(good.getLastSuccessTime());
      assertThat(failed.getLastError().orElseThrow()).contains("UNAVAILABLE");
      assertThat(failed.getEndpointCount()).isEqualTo(2);
      assertThat(registry.checkAccess("payments", "orders-ns").isAllowed()).isTrue();
      assertThat(registry.listEndpoints()).hasSize(2);
    } finally {
      doomed.close();
    }
  }

  @Test
  void backgroundRefresh_failingAgainstADeadServer_isReportedToTheListener() throws Exception {
    EmbeddedTemporal doomed = EmbeddedTemporal.newBuilder().start();
    EndpointReconciler.newBuilder()
        .setRegistry(source)
        .setOperatorServiceStubs(doomed.getOperatorServiceStubs())
        .setRegistrySigningKeyset(registryKey)
        .setAudience(AUDIENCE)
        .build()
        .reconcile();
    CountDownLatch twoFailures = new CountDownLatch(2);
    List<ServerRegistryStatus> failures = new CopyOnWriteArrayList<>();
    try (ServerEndpointRegistry registry =
        workerRegistry(doomed.getOperatorServiceStubs())
            .setRefreshInterval(Duration.ofMillis(20))
            .setStatusListener(
                s -> {
                  if (s.getConsecutiveFailures() > 0) {
                    failures.add(s);
                    twoFailures.countDown();
                  }
                })
            .start()) {
      doomed.close();
      assertThat(twoFailures.await(30, TimeUnit.SECONDS)).isTrue();
      assertThat(failures.get(1).getConsecutiveFailures()).isEqualTo(2);
      assertThat(registry.checkAccess("payments", "orders-ns").isAllowed()).isTrue();
    } finally {
      doomed.close();
    }
  }

  /**
   * Readers refresh while a reconciler rewrites every endpoint, generation after generation. A
   * reconciliation writes the policies first and the manifest last, so a reader may list a policy
   * before the manifest that names it: it keeps the listed policy it verified earlier, or, when it
   * never saw that one (its two refreshes straddle a whole reconciliation), denies the endpoint
   * with {@code NOT_IN_MANIFEST} until its next refresh. It never admits anything the manifest it
   * verified does not list, never goes back to an older version, and ends in the final state.
   */
  @Test
  void refreshUnderConcurrentUpdates_readersSeeConsistentSnapshots_andTheFinalState()
      throws Exception {
    int endpoints = 6;
    int generations = 15;
    ServerEndpointsSupport.deleteAll(operator);
    source = new InMemoryRegistry();
    for (int i = 0; i < endpoints; i++) {
      source.store(endpoint("gen-" + i, "gen-ns", "gen-tq-" + i, "caller-1"));
    }
    EndpointReconciler writer = reconciler(registryKey);
    assertThat(writer.reconcile().isSuccess()).isTrue();

    try (ServerEndpointRegistry registry = workerRegistry(operator).start()) {
      AtomicBoolean writing = new AtomicBoolean(true);
      ExecutorService pool = Executors.newFixedThreadPool(4);
      try {
        List<Future<Integer>> readers = new ArrayList<>();
        for (int r = 0; r < 3; r++) {
          readers.add(
              pool.submit(
                  () -> {
                    Map<String, Long> lastSeen = new HashMap<>();
                    int snapshots = 0;
                    boolean done = false;
                    while (!done) {
                      boolean finalRound = !writing.get();
                      ServerRegistryStatus status = registry.refresh();
                      List<NexusEndpoint> snapshot = registry.listEndpoints();
                      snapshots++;
                      assertThat(status.getInvalidEndpoints().values())
                          .as("only policies written ahead of their manifest")
                          .allSatisfy(p -> assertThat(p).startsWith("NOT_IN_MANIFEST: "));
                      assertThat(snapshot.size() + status.getInvalidEndpoints().size())
                          .as("every endpoint is either verified or denied")
                          .isEqualTo(endpoints);
                      for (NexusEndpoint e : snapshot) {
                        // Generation v allows caller-v.
                        assertThat(e.getAllowedCallerNamespaces())
                            .as("consistent " + e)
                            .containsExactly("caller-" + e.getVersion());
                        Long before = lastSeen.put(e.getName(), e.getVersion());
                        assertThat(e.getVersion())
                            .as("never older")
                            .isGreaterThanOrEqualTo(before == null ? 0 : before);
                        assertThat(registry.checkAccess(e.getName(), "nobody").getReason())
                            .isEqualTo(ReasonCode.CALLER_NOT_ALLOWED);
                      }
                      if (finalRound) {
                        // Refreshed after the last write: the final state.
                        assertThat(snapshot)
                            .hasSize(endpoints)
                            .allSatisfy(e -> assertThat(e.getVersion()).isEqualTo(generations));
                      }
                      done = finalRound;
                    }
                    return snapshots;
                  }));
        }
        Future<?> writes =
            pool.submit(
                () -> {
                  try {
                    for (int g = 2; g <= generations; g++) {
                      for (int i = 0; i < endpoints; i++) {
                        source.store(endpoint("gen-" + i, "gen-ns", "gen-tq-" + i, "caller-" + g));
                      }
                      assertThat(writer.reconcile().isSuccess()).isTrue();
                    }
                  } finally {
                    writing.set(false);
                  }
                  return null;
                });
        writes.get(60, TimeUnit.SECONDS);
        for (Future<Integer> reader : readers) {
          assertThat(reader.get(60, TimeUnit.SECONDS)).isPositive();
        }
      } finally {
        pool.shutdownNow();
      }
      assertThat(registry.listEndpoints())
          .hasSize(endpoints)
          .allSatisfy(e -> assertThat(e.getVersion()).isEqualTo(generations))
          .allSatisfy(
              e ->
                  assertThat(registry.checkAccess(e.getName(), "caller-" + generations).isAllowed())
                      .isTrue());
    }
  }

  // -------------------------------------------------------- the attacks of issue 13, end to end

  @Test
  void endpointRemovedFromTheRegistry_isRevokedOnRunningWorkers_withoutDeletingIt() {
    try (ServerEndpointRegistry registry = workerRegistry(operator).start()) {
      assertThat(registry.checkAccess("payments", "orders-ns").isAllowed()).isTrue();
      source.remove("payments");
      assertThat(reconciler(registryKey).reconcile().isSuccess()).isTrue();

      ServerRegistryStatus status = registry.refresh();

      assertThat(byName(operator, "payments")).as("still on the server").isNotNull();
      assertThat(registry.checkAccess("payments", "orders-ns").getReason())
          .isEqualTo(ReasonCode.UNKNOWN_ENDPOINT);
      assertThat(status.getEndpointsNotInManifest()).containsExactly("payments");
      assertThat(registry.checkAccess("shipping", "orders-ns").isAllowed()).isTrue();
    }
  }

  @Test
  void endpointDeletedAndRecreatedFromItsSavedSpec_staysRevoked() {
    EndpointSpec saved = byName(operator, "payments").getSpec();
    try (ServerEndpointRegistry registry = workerRegistry(operator).start()) {
      source.remove("payments");
      reconcilerBuilder(registryKey).setDeleteRemovedEndpoints(true).build().reconcile();
      assertThat(byName(operator, "payments")).isNull();

      operator
          .blockingStub()
          .createNexusEndpoint(CreateNexusEndpointRequest.newBuilder().setSpec(saved).build());
      registry.refresh();

      assertThat(registry.checkAccess("payments", "orders-ns").getReason())
          .isEqualTo(ReasonCode.UNKNOWN_ENDPOINT);
      try (ServerEndpointRegistry fresh = workerRegistry(operator).start()) {
        assertThat(fresh.checkAccess("payments", "orders-ns").getReason())
            .isEqualTo(ReasonCode.UNKNOWN_ENDPOINT);
      }
    }
  }

  @Test
  void olderManifestPutBack_isRefused_alsoAfterARestartWithTheStateFile(@TempDir Path dir) {
    Path state = dir.resolve("registry-state.json");
    EndpointSpec oldManifest = byName(operator, MANIFEST).getSpec();
    EndpointSpec oldPolicy = byName(operator, "payments").getSpec();
    source.store(endpoint("payments", "payments-ns", "payments-tq", "billing-ns"));
    reconciler(registryKey).reconcile();
    try (ServerEndpointRegistry registry = workerRegistry(operator).setStateFile(state).start()) {
      edit(operator, MANIFEST, s -> oldManifest);
      edit(operator, "payments", s -> oldPolicy);

      assertThatThrownBy(registry::refresh)
          .isInstanceOf(ServerRegistryException.class)
          .hasMessageContaining("(ROLLED_BACK: the manifest has epoch ");
      assertThat(registry.checkAccess("payments", "billing-ns").isAllowed()).isTrue();
      assertThat(registry.checkAccess("payments", "orders-ns").isAllowed()).isFalse();
    }
    assertThatThrownBy(() -> workerRegistry(operator).setStateFile(state).start())
        .isInstanceOf(ServerRegistryException.class)
        .hasMessageContaining("ROLLED_BACK");
  }

  @Test
  void registryReconciledForStaging_isRefusedByProductionWorkers() {
    source.store(endpoint("payments", "payments-ns", "payments-tq", "orders-ns", "evil-ns"));
    reconcilerBuilder(registryKey).setAudience("staging").build().reconcile();

    assertThatThrownBy(() -> workerRegistry(operator).start())
        .isInstanceOf(ServerRegistryException.class)
        .hasMessageContaining(
            "(WRONG_AUDIENCE: the manifest was signed for cluster 'staging', but this is cluster '"
                + AUDIENCE
                + "')");
    try (ServerEndpointRegistry staging = workerRegistry(operator).setAudience("staging").start()) {
      assertThat(staging.checkAccess("payments", "evil-ns").isAllowed()).isTrue();
    }
  }

  @Test
  void unreachableServer_makesTheWorkerDenyEverything_onceTheMaximumStalenessHasPassed() {
    EmbeddedTemporal doomed = EmbeddedTemporal.newBuilder().start();
    OffsetClock clock = new OffsetClock();
    try {
      EndpointReconciler.newBuilder()
          .setRegistry(source)
          .setOperatorServiceStubs(doomed.getOperatorServiceStubs())
          .setRegistrySigningKeyset(registryKey)
          .setAudience(AUDIENCE)
          .build()
          .reconcile();
      try (ServerEndpointRegistry registry =
          workerRegistry(doomed.getOperatorServiceStubs())
              .setRpcTimeout(Duration.ofSeconds(2))
              .setMaxStaleness(Duration.ofMinutes(5))
              .setClock(clock)
              .start()) {
        doomed.close();
        assertThatThrownBy(registry::refresh).isInstanceOf(ServerRegistryException.class);
        assertThat(registry.checkAccess("payments", "orders-ns").isAllowed()).isTrue();

        clock.advance(Duration.ofMinutes(5));

        assertThat(registry.checkAccess("payments", "orders-ns").getReason())
            .isEqualTo(ReasonCode.REGISTRY_STALE);
        assertThat(registry.findEndpoint("payments")).isEmpty();
        assertThat(registry.getStatus().isStaleAt(clock.instant())).isTrue();
      }
    } finally {
      doomed.close();
    }
  }
}
