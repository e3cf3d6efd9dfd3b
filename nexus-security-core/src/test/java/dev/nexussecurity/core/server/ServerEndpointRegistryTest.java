package dev.nexussecurity.core.server;

import static dev.nexussecurity.core.server.EndpointReconcilerTest.endpoint;
import static dev.nexussecurity.core.server.EndpointReconcilerTest.privateSpec;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.google.protobuf.ByteString;
import dev.nexussecurity.api.ReasonCode;
import dev.nexussecurity.core.MapRegistry;
import dev.nexussecurity.core.internal.server.TestKeys;
import io.grpc.Status;
import io.temporal.api.common.v1.Payload;
import io.temporal.api.nexus.v1.Endpoint;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Refresh, failure and status behaviour against an in-process OperatorService. End to end on the
 * embedded Temporal server: integration-tests.
 */
class ServerEndpointRegistryTest {
  static final Instant T0 = Instant.parse("2025-05-01T10:00:00Z");

  FakeOperatorService server;
  MapRegistry source;
  EndpointReconciler reconciler;
  final List<ServerRegistryStatus> statuses = new CopyOnWriteArrayList<>();

  @BeforeEach
  void start() throws Exception {
    server = new FakeOperatorService();
    source = new MapRegistry().put(endpoint("payments", 1, "orders-ns"));
    reconciler =
        EndpointReconciler.newBuilder()
            .setRegistry(source)
            .setOperatorServiceStubs(server.stubs())
            .setRegistrySigningKeyset(TestKeys.registry())
            .build();
    reconciler.reconcile();
  }

  @AfterEach
  void stop() throws Exception {
    server.close();
  }

  ServerEndpointRegistry.Builder builder() {
    return ServerEndpointRegistry.newBuilder()
        .setOperatorServiceStubs(server.stubs())
        .setRegistryPublicKeyset(TestKeys.registryPublic())
        .setRefreshInterval(Duration.ZERO)
        .setClock(Clock.fixed(T0, ZoneOffset.UTC))
        .setStatusListener(statuses::add);
  }

  @Test
  void start_readsTheServer_andChecksAccessFromIt() {
    try (ServerEndpointRegistry registry = builder().start()) {
      assertThat(registry.checkAccess("payments", "orders-ns").isAllowed()).isTrue();
      assertThat(registry.checkAccess("payments", "billing-ns").getReason())
          .isEqualTo(ReasonCode.CALLER_NOT_ALLOWED);
      assertThat(registry.findEndpoint("payments")).contains(endpoint("payments", 1, "orders-ns"));
      assertThat(registry.listEndpoints()).containsExactly(endpoint("payments", 1, "orders-ns"));
      ServerRegistryStatus status = registry.getStatus();
      assertThat(status.isHealthy()).isTrue();
      assertThat(status.getLastSuccessTime()).contains(T0);
      assertThat(status.getEndpointCount()).isEqualTo(1);
      assertThat(statuses).hasSize(1);
    }
  }

  @Test
  void refresh_picksUpChanges() {
    try (ServerEndpointRegistry registry = builder().start()) {
      source.put(endpoint("payments", 2, "billing-ns"));
      reconciler.reconcile();
      assertThat(registry.checkAccess("payments", "billing-ns").isAllowed()).isFalse();
      registry.refresh();
      assertThat(registry.checkAccess("payments", "billing-ns").isAllowed()).isTrue();
      assertThat(registry.checkAccess("payments", "orders-ns").isAllowed()).isFalse();
    }
  }

  @Test
  void failedRefresh_keepsTheLastGoodSnapshot_andReportsTheError() {
    try (ServerEndpointRegistry registry = builder().start()) {
      server.failNextList(Status.UNAVAILABLE.withDescription("connection refused"));
      assertThatThrownBy(registry::refresh)
          .isInstanceOf(ServerRegistryException.class)
          .hasMessageContaining("Cannot refresh the Nexus endpoints from the Temporal server")
          .hasMessageContaining("UNAVAILABLE: connection refused")
          .hasMessageContaining("still using the endpoints read at " + T0 + " (1 endpoints)");
      assertThat(registry.checkAccess("payments", "orders-ns").isAllowed()).isTrue();
      ServerRegistryStatus status = registry.getStatus();
      assertThat(status.isHealthy()).isFalse();
      assertThat(status.getConsecutiveFailures()).isEqualTo(1);
      assertThat(status.getLastSuccessTime()).contains(T0);
      assertThat(status.getLastError().orElseThrow()).contains("UNAVAILABLE: connection refused");
      assertThat(statuses).last().isEqualTo(status);

      server.failNextList(Status.UNAVAILABLE);
      assertThatThrownBy(registry::refresh).isInstanceOf(ServerRegistryException.class);
      assertThat(registry.getStatus().getConsecutiveFailures()).isEqualTo(2);

      registry.refresh();
      assertThat(registry.getStatus().isHealthy()).isTrue();
      assertThat(registry.getStatus().getConsecutiveFailures()).isZero();
      assertThat(registry.getStatus().getLastError()).isPresent();
    }
  }

  @Test
  void start_failsClearly_whenTheServerCannotBeRead() {
    server.failNextList(Status.PERMISSION_DENIED.withDescription("not allowed"));
    assertThatThrownBy(() -> builder().start())
        .isInstanceOf(ServerRegistryException.class)
        .hasMessageContaining("PERMISSION_DENIED: not allowed")
        .hasMessageContaining("no endpoints were ever read, so every endpoint is denied")
        .hasMessageContaining("The registry was not started; setRequireInitialLoad(false)");
  }

  @Test
  void start_withoutRequiringTheFirstRead_deniesEverything_untilARefreshSucceeds() {
    server.failNextList(Status.UNAVAILABLE);
    try (ServerEndpointRegistry registry = builder().setRequireInitialLoad(false).start()) {
      assertThat(registry.checkAccess("payments", "orders-ns").getReason())
          .isEqualTo(ReasonCode.UNKNOWN_ENDPOINT);
      assertThat(registry.getStatus().getLastSuccessTime()).isEmpty();
      assertThat(registry.getStatus().getConsecutiveFailures()).isEqualTo(1);
      registry.refresh();
      assertThat(registry.checkAccess("payments", "orders-ns").isAllowed()).isTrue();
    }
  }

  @Test
  void tamperedPolicy_isDenied_andTheReasonIsInTheStatus() {
    Endpoint e = server.byName("payments");
    Payload d = e.getSpec().getDescription();
    server.replace(
        "payments",
        e.getSpec().toBuilder()
            .setDescription(
                d.toBuilder()
                    .setData(
                        ByteString.copyFromUtf8(
                            d.getData().toStringUtf8().replace("orders-ns", "evil-ns"))))
            .build());
    try (ServerEndpointRegistry registry = builder().start()) {
      assertThat(registry.checkAccess("payments", "evil-ns").getReason())
          .isEqualTo(ReasonCode.ENDPOINT_POLICY_INVALID);
      assertThat(registry.checkAccess("payments", "orders-ns").getReason())
          .isEqualTo(ReasonCode.ENDPOINT_POLICY_INVALID);
      assertThat(registry.findEndpoint("payments")).isEmpty();
      assertThat(registry.getStatus().getInvalidEndpoints().get("payments"))
          .startsWith("BAD_SIGNATURE: ");
      assertThat(registry.getStatus().getEndpointCount()).isZero();
    }
  }

  @Test
  void privateEndpoint_isUnknown_andCounted() {
    server.put(privateSpec("private"));
    try (ServerEndpointRegistry registry = builder().start()) {
      assertThat(registry.checkAccess("private", "orders-ns").getReason())
          .isEqualTo(ReasonCode.UNKNOWN_ENDPOINT);
      assertThat(registry.getStatus().getUnmanagedEndpointCount()).isEqualTo(1);
    }
  }

  @Test
  void backgroundRefresh_runsOnTheInterval_andStopsOnClose() throws Exception {
    BlockingQueue<ServerRegistryStatus> seen = new LinkedBlockingQueue<>();
    ServerEndpointRegistry registry =
        builder().setRefreshInterval(Duration.ofMillis(10)).setStatusListener(seen::add).start();
    seen.clear();
    source.put(endpoint("payments", 2, "billing-ns"));
    reconciler.reconcile();
    // Each listener call is one completed refresh; wait for one that started after the change.
    int listsBefore = server.lists.get();
    while (server.lists.get() == listsBefore
        || !registry.checkAccess("payments", "billing-ns").isAllowed()) {
      assertThat(seen.poll(10, TimeUnit.SECONDS)).as("a background refresh").isNotNull();
    }
    registry.close();
    int lists = server.lists.get();
    assertThatThrownBy(registry::refresh)
        .isInstanceOf(IllegalStateException.class)
        .hasMessage("ServerEndpointRegistry is closed");
    assertThat(seen.poll(100, TimeUnit.MILLISECONDS)).isNull();
    assertThat(server.lists.get()).isEqualTo(lists);
    assertThat(registry.checkAccess("payments", "billing-ns").isAllowed()).isTrue();
  }

  @Test
  void failingListener_doesNotBreakRefresh() {
    try (ServerEndpointRegistry registry =
        builder()
            .setStatusListener(
                s -> {
                  throw new IllegalStateException("listener bug");
                })
            .start()) {
      assertThat(registry.refresh().isHealthy()).isTrue();
    }
  }

  @Test
  void builder_refusesAPrivateKeyset_andMissingSettings() {
    assertThatThrownBy(
            () ->
                ServerEndpointRegistry.newBuilder()
                    .setOperatorServiceStubs(server.stubs())
                    .setRegistryPublicKeyset(TestKeys.registry())
                    .start())
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("only public signature keys")
        .hasMessageContaining("getPublicKeysetHandle()");
    assertThatThrownBy(() -> ServerEndpointRegistry.newBuilder().start())
        .hasMessage("ServerEndpointRegistry.operatorServiceStubs is required");
    assertThatThrownBy(
            () ->
                ServerEndpointRegistry.newBuilder().setOperatorServiceStubs(server.stubs()).start())
        .hasMessageContaining("registryPublicKeyset is required");
    assertThatThrownBy(() -> builder().setRefreshInterval(Duration.ofMillis(5)))
        .hasMessageContaining("must be zero (off) or at least PT0.01S, got PT0.005S");
    assertThatThrownBy(() -> builder().setRefreshInterval(Duration.ofSeconds(-1)))
        .isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> builder().setPageSize(0))
        .hasMessage("ServerEndpointRegistry.pageSize must be between 1 and 1000, got 0");
    assertThatThrownBy(() -> builder().setRpcTimeout(Duration.ZERO))
        .hasMessage("ServerEndpointRegistry.rpcTimeout must be positive, got PT0S");
  }

  @Test
  void keyRotation_workersWithBothKeys_acceptPoliciesOfEither() throws Exception {
    com.google.crypto.tink.KeysetHandle rotated =
        com.google.crypto.tink.KeysetHandle.newBuilder(TestKeys.registry())
            .addEntry(
                com.google.crypto.tink.KeysetHandle.generateEntryFromParameters(
                        com.google.crypto.tink.signature.PredefinedSignatureParameters.ED25519)
                    .withRandomId()
                    .makePrimary())
            .build();
    try (ServerEndpointRegistry registry =
        builder().setRegistryPublicKeyset(rotated.getPublicKeysetHandle()).start()) {
      assertThat(registry.checkAccess("payments", "orders-ns").isAllowed()).isTrue();
      ReconcilePlan plan =
          EndpointReconciler.newBuilder()
              .setRegistry(source)
              .setOperatorServiceStubs(server.stubs())
              .setRegistrySigningKeyset(rotated)
              .build()
              .plan();
      assertThat(plan.getChanges()).hasSize(1);
      assertThat(plan.getChanges().get(0).getReason())
          .contains("re-signing with the primary key id");
    }
  }
}
