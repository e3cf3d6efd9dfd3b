package dev.nexussecurity.core.server;

import static dev.nexussecurity.core.server.EndpointReconcilerTest.endpoint;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.nexussecurity.core.MapRegistry;
import dev.nexussecurity.core.internal.server.TestKeys;
import io.grpc.Status;
import io.temporal.api.nexus.v1.EndpointSpec;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** The attacks of issue 13 item 1, written against the API of main before the manifest. */
class ServerRegistryAttacksOnMainTest {
  FakeOperatorService server;
  MapRegistry source;

  @BeforeEach
  void start() throws Exception {
    server = new FakeOperatorService();
    source = new MapRegistry().put(endpoint("payments", 1, "orders-ns"));
  }

  @AfterEach
  void stop() throws Exception {
    server.close();
  }

  EndpointReconciler.Builder reconciler() {
    return EndpointReconciler.newBuilder()
        .setRegistry(source)
        .setOperatorServiceStubs(server.stubs())
        .setRegistrySigningKeyset(TestKeys.registry());
  }

  ServerEndpointRegistry worker() {
    return ServerEndpointRegistry.newBuilder()
        .setOperatorServiceStubs(server.stubs())
        .setRegistryPublicKeyset(TestKeys.registryPublic())
        .setRefreshInterval(Duration.ZERO)
        .start();
  }

  @Test
  void removedFromTheRegistry_withoutDeletingOnTheServer_isRevoked() {
    reconciler().build().reconcile();
    try (ServerEndpointRegistry w = worker()) {
      source.remove("payments");
      reconciler().build().reconcile();
      w.refresh();
      assertThat(w.checkAccess("payments", "orders-ns").isAllowed()).isFalse();
    }
  }

  @Test
  void deletedAndRecreatedFromASavedDescription_staysRevoked() {
    reconciler().build().reconcile();
    EndpointSpec saved = server.byName("payments").getSpec();
    try (ServerEndpointRegistry w = worker()) {
      source.remove("payments");
      reconciler().setDeleteRemovedEndpoints(true).build().reconcile();
      w.refresh();
      assertThat(w.checkAccess("payments", "orders-ns").isAllowed()).isFalse();
      server.put(saved);
      w.refresh();
      assertThat(w.checkAccess("payments", "orders-ns").isAllowed()).isFalse();
    }
  }

  @Test
  void blockedListing_doesNotKeepTheLastSnapshotForever() {
    reconciler().build().reconcile();
    try (ServerEndpointRegistry w = worker()) {
      for (int i = 0; i < 1000; i++) {
        server.failNextList(Status.PERMISSION_DENIED);
        assertThatThrownBy(w::refresh).isInstanceOf(ServerRegistryException.class);
      }
      assertThat(w.checkAccess("payments", "orders-ns").isAllowed()).isFalse();
    }
  }

  @Test
  void policyIssuedFarInTheFuture_doesNotLockOutLaterPolicies() {
    reconciler()
        .setClock(Clock.fixed(Instant.parse("2099-01-01T00:00:00Z"), ZoneOffset.UTC))
        .build()
        .reconcile();
    try (ServerEndpointRegistry w = worker()) {
      server.remove("payments");
      source.put(endpoint("payments", 2, "orders-ns", "billing-ns"));
      reconciler().build().reconcile();
      w.refresh();
      assertThat(w.checkAccess("payments", "billing-ns").isAllowed()).isTrue();
    }
  }

  @Test
  @Timeout(value = 60, unit = TimeUnit.SECONDS)
  void endlessEmptyPages_endWithAnError() {
    reconciler().build().reconcile();
    try (ServerEndpointRegistry w = worker()) {
      server.endlessEmptyPages();
      assertThatThrownBy(w::refresh).isInstanceOf(ServerRegistryException.class);
    }
  }

  @Test
  void policySignedForStaging_doesNotVerifyInProduction() {
    // On main there is no audience: the same reconciler output is accepted by every cluster's
    // workers that share the registry key. A staging worker and a production worker cannot tell
    // their policies apart, so this endpoint, reconciled for staging, is allowed in production.
    reconciler().build().reconcile();
    try (ServerEndpointRegistry production = worker()) {
      assertThat(production.checkAccess("payments", "orders-ns").isAllowed())
          .as("a policy reconciled for staging admits callers in production")
          .isFalse();
    }
  }
}
