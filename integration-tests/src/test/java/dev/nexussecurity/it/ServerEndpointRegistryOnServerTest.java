package dev.nexussecurity.it;

import static dev.nexussecurity.it.ServerEndpointsSupport.byName;
import static dev.nexussecurity.it.ServerEndpointsSupport.edit;
import static dev.nexussecurity.it.ServerEndpointsSupport.editDescriptionText;
import static dev.nexussecurity.it.ServerEndpointsSupport.endpoint;
import static dev.nexussecurity.it.ServerEndpointsSupport.publicHalf;
import static dev.nexussecurity.it.ServerEndpointsSupport.retarget;
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
import io.temporal.serviceclient.OperatorServiceStubs;
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
    return EndpointReconciler.newBuilder()
        .setRegistry(source)
        .setOperatorServiceStubs(operator)
        .setRegistrySigningKeyset(key)
        .build();
  }

  private ServerEndpointRegistry.Builder workerRegistry(OperatorServiceStubs stubs) {
    return ServerEndpointRegistry.newBuilder()
        .setOperatorServiceStubs(stubs)
        .setRegistryPublicKeyset(publicHalf(registryKey))
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
          s ->
              editDescriptionText(
                  s, t -> t.replace("[\\\"orders-ns\\\"]", "[\\\"evil-ns\\\",\\\"orders-ns\\\"]")));
      assertThat(byName(operator, "payments").getSpec().getDescription().getData().toStringUtf8())
          .contains("evil-ns");
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
          .isEqualTo("MALFORMED: the description is not valid JSON");
    }
  }

  @Test
  void policySignedWithAnotherKey_deniesEveryone() {
    KeysetHandle rogueKey = ServerEndpointsSupport.newSigningKeyset();
    source.store(endpoint("payments", "payments-ns", "payments-tq", "orders-ns", "evil-ns"));
    EndpointReconciler rogue =
        EndpointReconciler.newBuilder()
            .setRegistry(source)
            .setOperatorServiceStubs(operator)
            .setRegistrySigningKeyset(rogueKey)
            .build();
    assertThat(rogue.reconcile().isSuccess()).isTrue();
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
          .isEqualTo(ReasonCode.ENDPOINT_POLICY_INVALID);
      Map<String, String> invalid = registry.getStatus().getInvalidEndpoints();
      assertThat(invalid.get("payments"))
          .isEqualTo(
              "TARGET_MISMATCH: the policy was signed for target payments-ns/payments-tq but the"
                  + " server endpoint targets evil-ns/payments-tq");
      assertThat(invalid.get("copy"))
          .isEqualTo(
              "NAME_MISMATCH: the policy was signed for endpoint 'shipping' but is stored on endpoint"
                  + " 'copy'");
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
              "still using the endpoints read at "
                  + good.getLastSuccessTime().orElseThrow()
                  + " (2 endpoints)");
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

  @Test
  void refreshUnderConcurrentUpdates_readersSeeCompleteConsistentSnapshots_andTheFinalState()
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
                      registry.refresh();
                      List<NexusEndpoint> snapshot = registry.listEndpoints();
                      snapshots++;
                      assertThat(snapshot).as("complete").hasSize(endpoints);
                      for (NexusEndpoint e : snapshot) {
                        // Each endpoint's content belongs to its version: generation v allows
                        // caller-v.
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
                      assertThat(registry.getStatus().getInvalidEndpoints()).isEmpty();
                      if (finalRound) {
                        // Refreshed after the last write: the final state.
                        assertThat(snapshot)
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
          .allSatisfy(e -> assertThat(e.getVersion()).isEqualTo(generations))
          .allSatisfy(
              e ->
                  assertThat(registry.checkAccess(e.getName(), "caller-" + generations).isAllowed())
                      .isTrue());
    }
  }
}
