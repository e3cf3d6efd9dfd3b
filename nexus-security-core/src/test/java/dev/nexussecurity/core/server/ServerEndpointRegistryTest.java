package dev.nexussecurity.core.server;

import static dev.nexussecurity.core.server.EndpointReconcilerTest.AUDIENCE;
import static dev.nexussecurity.core.server.EndpointReconcilerTest.MANIFEST;
import static dev.nexussecurity.core.server.EndpointReconcilerTest.endpoint;
import static dev.nexussecurity.core.server.EndpointReconcilerTest.privateSpec;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.catchThrowable;

import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import com.google.crypto.tink.KeysetHandle;
import com.google.crypto.tink.signature.PredefinedSignatureParameters;
import dev.nexussecurity.api.NexusEndpoint;
import dev.nexussecurity.api.PayloadProtection;
import dev.nexussecurity.api.ReasonCode;
import dev.nexussecurity.api.internal.AtomicFileWriter;
import dev.nexussecurity.core.MapRegistry;
import dev.nexussecurity.core.internal.server.HighWaterMark;
import dev.nexussecurity.core.internal.server.HighWaterMarkFile;
import dev.nexussecurity.core.internal.server.TestKeys;
import dev.nexussecurity.core.keys.KeyDirectory;
import dev.nexussecurity.core.keys.NamespaceKeyDirectory;
import dev.nexussecurity.core.keys.NamespaceKeys;
import dev.nexussecurity.core.keys.NamespacePublicKeys;
import io.grpc.Status;
import io.temporal.api.nexus.v1.Endpoint;
import io.temporal.api.nexus.v1.EndpointSpec;
import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.slf4j.LoggerFactory;

/**
 * Refresh, manifest, staleness, failure and status behaviour against an in-process OperatorService,
 * with the attacks of a server operator. End to end on the embedded Temporal server:
 * integration-tests.
 */
class ServerEndpointRegistryTest {
  static final Instant T0 = Instant.parse("2025-05-01T10:00:00Z");

  @TempDir Path dir;
  FakeOperatorService server;
  MapRegistry source;
  TestClock clock;
  EndpointReconciler reconciler;
  final List<ServerRegistryStatus> statuses = new CopyOnWriteArrayList<>();

  @BeforeEach
  void start() throws Exception {
    server = new FakeOperatorService();
    clock = new TestClock(T0);
    source = new MapRegistry().put(endpoint("payments", 1, "orders-ns"));
    reconciler = reconciler().build();
    assertThat(reconciler.reconcile().isSuccess()).isTrue();
  }

  @AfterEach
  void stop() throws Exception {
    server.close();
  }

  EndpointReconciler.Builder reconciler() {
    return EndpointReconciler.newBuilder()
        .setRegistry(source)
        .setOperatorServiceStubs(server.stubs())
        .setRegistrySigningKeyset(TestKeys.registry())
        .setAudience(AUDIENCE)
        .setClock(clock);
  }

  ServerEndpointRegistry.Builder builder() {
    return ServerEndpointRegistry.newBuilder()
        .setOperatorServiceStubs(server.stubs())
        .setRegistryPublicKeyset(TestKeys.registryPublic())
        .setAudience(AUDIENCE)
        .setRefreshInterval(Duration.ZERO)
        .setClock(clock)
        .setStatusListener(statuses::add);
  }

  static ReasonCode reason(ServerEndpointRegistry r, String endpoint, String caller) {
    return r.checkAccess(endpoint, caller).getReason();
  }

  @Test
  void start_readsTheServer_andChecksAccessFromIt() {
    try (ServerEndpointRegistry registry = builder().start()) {
      assertThat(registry.checkAccess("payments", "orders-ns").isAllowed()).isTrue();
      assertThat(reason(registry, "payments", "billing-ns"))
          .isEqualTo(ReasonCode.CALLER_NOT_ALLOWED);
      assertThat(registry.findEndpoint("payments")).contains(endpoint("payments", 1, "orders-ns"));
      assertThat(registry.listEndpoints()).containsExactly(endpoint("payments", 1, "orders-ns"));
      assertThat(reason(registry, MANIFEST, "orders-ns")).isEqualTo(ReasonCode.UNKNOWN_ENDPOINT);
      ServerRegistryStatus status = registry.getStatus();
      assertThat(status.isHealthy()).isTrue();
      assertThat(status.getLastSuccessTime()).contains(T0);
      assertThat(status.getEndpointCount()).isEqualTo(1);
      assertThat(status.getManifestEpoch()).hasValue(T0.toEpochMilli());
      assertThat(status.getFreshUntil()).contains(T0.plus(Duration.ofMinutes(5)));
      assertThat(status.getUnmanagedEndpointCount()).isZero();
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

  // ------------------------------------------------------------------ attacks (issue 13, item 1)

  @Test
  void endpointRemovedFromTheRegistry_isRevoked_thoughTheServerEndpointIsKept() {
    try (ServerEndpointRegistry registry = builder().start()) {
      source.remove("payments");
      reconciler.reconcile(); // deleteRemoved=false, the default

      ServerRegistryStatus status = registry.refresh();

      assertThat(server.byName("payments")).as("kept on the server").isNotNull();
      assertThat(reason(registry, "payments", "orders-ns")).isEqualTo(ReasonCode.UNKNOWN_ENDPOINT);
      assertThat(registry.findEndpoint("payments")).isEmpty();
      assertThat(status.getEndpointsNotInManifest()).containsExactly("payments");
      assertThat(status.getInvalidEndpoints()).isEmpty();
    }
  }

  @Test
  void endpointDeletedAndRecreatedFromASavedDescription_staysRevoked() {
    EndpointSpec saved = server.byName("payments").getSpec();
    try (ServerEndpointRegistry registry = builder().start()) {
      source.remove("payments");
      reconciler().setDeleteRemovedEndpoints(true).build().reconcile();
      registry.refresh();
      assertThat(reason(registry, "payments", "orders-ns")).isEqualTo(ReasonCode.UNKNOWN_ENDPOINT);

      server.put(saved); // an operator re-creates it from the saved spec
      ServerRegistryStatus status = registry.refresh();

      assertThat(reason(registry, "payments", "orders-ns")).isEqualTo(ReasonCode.UNKNOWN_ENDPOINT);
      assertThat(status.getEndpointsNotInManifest()).containsExactly("payments");
    }
  }

  @Test
  void olderValidlySignedPolicyPutBack_admitsNobody_andTheCurrentOneWorksAgain() {
    EndpointSpec old = server.byName("payments").getSpec();
    source.put(endpoint("payments", 2, "billing-ns"));
    reconciler.reconcile();
    try (ServerEndpointRegistry registry = builder().start()) {
      assertThat(registry.checkAccess("payments", "billing-ns").isAllowed()).isTrue();
      EndpointSpec current = server.byName("payments").getSpec();

      server.replace("payments", old);
      registry.refresh();
      // Running workers keep the listed policy they verified; a new worker denies.
      assertThat(registry.checkAccess("payments", "billing-ns").isAllowed()).isTrue();
      assertThat(reason(registry, "payments", "orders-ns"))
          .isEqualTo(ReasonCode.CALLER_NOT_ALLOWED);
      try (ServerEndpointRegistry fresh = builder().start()) {
        assertThat(reason(fresh, "payments", "orders-ns"))
            .isEqualTo(ReasonCode.ENDPOINT_POLICY_INVALID);
        assertThat(fresh.getStatus().getInvalidEndpoints().get("payments"))
            .startsWith("NOT_IN_MANIFEST: ");
      }

      server.replace("payments", current);
      try (ServerEndpointRegistry fresh = builder().start()) {
        assertThat(fresh.checkAccess("payments", "billing-ns").isAllowed()).isTrue();
      }
    }
  }

  @Test
  void olderManifestPutBack_isRefused_andTheNewerSnapshotStaysInUse() {
    EndpointSpec oldManifest = server.byName(MANIFEST).getSpec();
    EndpointSpec oldPolicy = server.byName("payments").getSpec();
    try (ServerEndpointRegistry registry = builder().start()) {
      clock.advance(Duration.ofSeconds(1));
      source.put(endpoint("payments", 2, "billing-ns"));
      reconciler.reconcile();
      registry.refresh();
      long epoch = registry.getStatus().getManifestEpoch().getAsLong();

      server.replace(MANIFEST, oldManifest);
      server.replace("payments", oldPolicy);
      Throwable refused = catchThrowable(registry::refresh);

      assertThat(refused)
          .isInstanceOf(ServerRegistryException.class)
          .hasMessageStartingWith(
              "The registry manifest on the Temporal server was refused (ROLLED_BACK: the manifest"
                  + " has epoch "
                  + T0.toEpochMilli());
      assertThat(registry.getStatus().getManifestEpoch()).hasValue(epoch);
      assertThat(registry.checkAccess("payments", "billing-ns").isAllowed()).isTrue();
      assertThat(reason(registry, "payments", "orders-ns"))
          .isEqualTo(ReasonCode.CALLER_NOT_ALLOWED);
    }
  }

  @Test
  void blockedListing_keepsTheSnapshotOnlyUntilTheMaximumStaleness_thenDeniesEverything() {
    try (ServerEndpointRegistry registry =
        builder().setMaxStaleness(Duration.ofMinutes(2)).start()) {
      for (int i = 0; i < 4; i++) {
        clock.advance(Duration.ofSeconds(29));
        server.failNextList(Status.PERMISSION_DENIED.withDescription("blocked"));
        assertThatThrownBy(registry::refresh).isInstanceOf(ServerRegistryException.class);
        assertThat(registry.checkAccess("payments", "orders-ns").isAllowed()).isTrue();
      }
      assertThat(registry.getStatus().getLastError().orElseThrow())
          .contains("PERMISSION_DENIED: blocked")
          .contains("until " + T0.plus(Duration.ofMinutes(2)))
          .contains("from then on every endpoint is denied (REGISTRY_STALE)");

      clock.set(T0.plus(Duration.ofMinutes(2)).minusMillis(1));
      assertThat(registry.checkAccess("payments", "orders-ns").isAllowed()).isTrue();
      clock.set(T0.plus(Duration.ofMinutes(2)));

      assertThat(reason(registry, "payments", "orders-ns")).isEqualTo(ReasonCode.REGISTRY_STALE);
      assertThat(reason(registry, "unknown", "orders-ns")).isEqualTo(ReasonCode.REGISTRY_STALE);
      assertThat(registry.findEndpoint("payments")).isEmpty();
      assertThat(registry.listEndpoints()).isEmpty();
      assertThat(registry.isStale()).isTrue();
      assertThat(registry.getStatus().isStaleAt(clock.instant())).isTrue();

      registry.refresh();
      assertThat(registry.checkAccess("payments", "orders-ns").isAllowed()).isTrue();
      assertThat(registry.isStale()).isFalse();
    }
  }

  @Test
  void stalenessDeadline_isTheRefreshStartPlusMaxStaleness_toTheMillisecond_atAnyRefreshTime() {
    // A refresh started at a multiple of 2^20 ms with a maximum staleness below 2^20 ms: the two
    // share no set bit, so their sum has no carry. The deadline must still be start + staleness,
    // not the manifest's expiry (a day later), which an overflow check that mistakes a carry-free
    // sum for an overflow would give.
    long unit = 1L << 20;
    Instant started = Instant.ofEpochMilli((T0.toEpochMilli() / unit + 1) * unit);
    clock.set(started);
    try (ServerEndpointRegistry registry =
        builder().setMaxStaleness(Duration.ofMinutes(5)).start()) {
      Instant deadline = started.plus(Duration.ofMinutes(5));
      assertThat(registry.getStatus().getFreshUntil()).contains(deadline);
      assertThat(registry.getStatus().getManifestExpiresAt())
          .as("the manifest itself is valid far longer")
          .contains(T0.plus(EndpointReconciler.DEFAULT_MANIFEST_LIFETIME));

      server.failNextList(Status.UNAVAILABLE.withDescription("down"));
      clock.set(deadline.minusMillis(1));
      assertThatThrownBy(registry::refresh).isInstanceOf(ServerRegistryException.class);
      assertThat(registry.checkAccess("payments", "orders-ns").isAllowed()).isTrue();

      clock.set(deadline);
      assertThat(reason(registry, "payments", "orders-ns")).isEqualTo(ReasonCode.REGISTRY_STALE);
      assertThat(registry.isStale()).isTrue();
    }
  }

  @Test
  void maxStalenessBeyondTheEndOfTime_isCappedByTheManifestExpiry_notWrappedIntoThePast() {
    try (ServerEndpointRegistry registry =
        builder().setMaxStaleness(Duration.ofMillis(Long.MAX_VALUE)).start()) {
      Instant expiry = T0.plus(EndpointReconciler.DEFAULT_MANIFEST_LIFETIME);
      assertThat(registry.getStatus().getFreshUntil()).contains(expiry);
      assertThat(registry.isStale()).isFalse();
      assertThat(registry.checkAccess("payments", "orders-ns").isAllowed()).isTrue();

      clock.set(expiry.minusMillis(1));
      assertThat(registry.checkAccess("payments", "orders-ns").isAllowed()).isTrue();
      clock.set(expiry);
      assertThat(reason(registry, "payments", "orders-ns")).isEqualTo(ReasonCode.REGISTRY_STALE);
    }
  }

  @Test
  void manifestThatExpired_isRefused_andTheRegistryGoesStaleAtTheExpiry() {
    EndpointReconciler shortLived =
        reconciler().setManifestLifetime(Duration.ofMinutes(10)).build();
    clock.advance(Duration.ofMinutes(1));
    source.put(endpoint("payments", 2, "orders-ns"));
    shortLived.reconcile();
    try (ServerEndpointRegistry registry = builder().setMaxStaleness(Duration.ofHours(1)).start()) {
      assertThat(registry.getStatus().getFreshUntil())
          .as("the expiry comes before the maximum staleness")
          .contains(T0.plus(Duration.ofMinutes(11)));

      clock.advance(Duration.ofMinutes(10));

      assertThat(reason(registry, "payments", "orders-ns")).isEqualTo(ReasonCode.REGISTRY_STALE);
      assertThatThrownBy(registry::refresh)
          .hasMessageContaining("(EXPIRED: the manifest of epoch")
          .hasMessageContaining("run the EndpointReconciler, which signs a new one");
      shortLived.reconcile(); // renews
      registry.refresh();
      assertThat(registry.checkAccess("payments", "orders-ns").isAllowed()).isTrue();
    }
  }

  @Test
  void manifestAndPoliciesIssuedFarInTheFuture_areRefused_andDoNotLockOutLaterOnes() {
    try (ServerEndpointRegistry registry = builder().start()) {
      TestClock broken = new TestClock(Instant.parse("2099-01-01T00:00:00Z"));
      clock.advance(Duration.ofSeconds(1));
      source.put(endpoint("payments", 2, "orders-ns", "evil-ns"));
      reconciler().setClock(broken).build().reconcile();

      assertThatThrownBy(registry::refresh)
          .hasMessageContaining("(ISSUED_IN_FUTURE: the manifest of epoch")
          .hasMessageContaining("check the reconciler's clock");
      assertThat(reason(registry, "payments", "evil-ns")).isEqualTo(ReasonCode.CALLER_NOT_ALLOWED);

      source.put(endpoint("payments", 3, "orders-ns", "billing-ns"));
      ReconcileResult repaired = reconciler.reconcile();
      assertThat(repaired.getResults().get(1).getMessage())
          .contains("issued after now plus the allowed clock skew");
      registry.refresh();

      assertThat(registry.checkAccess("payments", "billing-ns").isAllowed()).isTrue();
      assertThat(reason(registry, "payments", "evil-ns")).isEqualTo(ReasonCode.CALLER_NOT_ALLOWED);
      assertThat(registry.getStatus().getManifestEpoch()).hasValue(T0.toEpochMilli() + 1000);
    }
  }

  @Test
  void serverThatPagesForever_endsTheRefreshWithAnError_afterMaxPages() {
    try (ServerEndpointRegistry registry = builder().setMaxPages(20).start()) {
      server.endlessEmptyPages();
      int lists = server.lists.get();

      assertThatThrownBy(registry::refresh)
          .isInstanceOf(ServerRegistryException.class)
          .hasMessageContaining(
              "OUT_OF_RANGE: the server still returned a next page token after 20");
      assertThat(server.lists.get() - lists).isEqualTo(20);
      assertThat(registry.checkAccess("payments", "orders-ns").isAllowed()).isTrue();
    }
  }

  @Test
  void registryReconciledForStaging_isRefusedByProductionWorkers() {
    EndpointReconciler staging = reconciler().setAudience("staging").build();
    source.put(endpoint("payments", 2, "orders-ns", "evil-ns"));
    staging.reconcile();

    Throwable refused = catchThrowable(() -> builder().setAudience("production").start());

    assertThat(refused)
        .isInstanceOf(ServerRegistryException.class)
        .hasMessageContaining(
            "(WRONG_AUDIENCE: the manifest was signed for cluster 'staging', but this is cluster"
                + " 'production')")
        .hasMessageContaining("The registry was not started");
    try (ServerEndpointRegistry stagingWorker = builder().setAudience("staging").start()) {
      assertThat(stagingWorker.checkAccess("payments", "evil-ns").isAllowed()).isTrue();
    }
  }

  @Test
  void stagingPolicyUnderAProductionManifest_admitsNobody() throws Exception {
    EndpointSpec production = server.byName("payments").getSpec();
    reconciler().setAudience("staging").build().reconcile();
    EndpointSpec stagingPolicy = server.byName("payments").getSpec();
    server.replace("payments", production);
    reconciler.reconcile(); // production manifest again, listing the production policy
    server.replace("payments", stagingPolicy);

    try (ServerEndpointRegistry registry = builder().start()) {
      assertThat(reason(registry, "payments", "orders-ns"))
          .isEqualTo(ReasonCode.ENDPOINT_POLICY_INVALID);
      assertThat(registry.getStatus().getInvalidEndpoints().get("payments"))
          .startsWith("WRONG_AUDIENCE: the policy was signed for cluster 'staging'");
    }
  }

  @Test
  void missingManifest_failsTheStart_sayingWhatToRun() {
    server.remove(MANIFEST);

    assertThatThrownBy(() -> builder().start())
        .isInstanceOf(ServerRegistryException.class)
        .hasMessageContaining(
            "(MISSING: the server has no registry manifest endpoint 'nexus-security-manifest'; run"
                + " the EndpointReconciler for cluster 'prod-eu'");
  }

  @Test
  void aReconciliationInProgress_keepsRunningWorkersOnTheListedPolicies() {
    try (ServerEndpointRegistry registry = builder().start()) {
      source.put(endpoint("payments", 2, "billing-ns"));
      ReconcilePlan plan = reconciler.plan();
      // Apply the endpoint change by hand, as apply() does first, and refresh before the manifest.
      server.replace("payments", plan.getActions().get(0).step().getSpec());
      ServerRegistryStatus during = registry.refresh();

      assertThat(registry.checkAccess("payments", "orders-ns").isAllowed()).isTrue();
      assertThat(during.getEndpointWarnings().get("payments"))
          .contains("still using the listed policy verified earlier");
      reconciler.reconcile();
      registry.refresh();
      assertThat(registry.checkAccess("payments", "billing-ns").isAllowed()).isTrue();
      assertThat(registry.getStatus().getEndpointWarnings()).isEmpty();
    }
  }

  // ------------------------------------------------------------------ the state file

  @Test
  void stateFile_keepsTheHighWaterMarkAcrossRestarts_soAnOlderManifestIsRefused() throws Exception {
    Path state = dir.resolve("registry-state.json");
    EndpointSpec oldManifest = server.byName(MANIFEST).getSpec();
    EndpointSpec oldPolicy = server.byName("payments").getSpec();
    clock.advance(Duration.ofSeconds(1));
    source.put(endpoint("payments", 2, "billing-ns"));
    reconciler.reconcile();
    try (ServerEndpointRegistry registry = builder().setStateFile(state).start()) {
      assertThat(Files.readString(state))
          .contains("\"epoch\": " + (T0.toEpochMilli() + 1000))
          .contains("\"audience\": \"prod-eu\"");
    }
    server.replace(MANIFEST, oldManifest);
    server.replace("payments", oldPolicy);

    assertThatThrownBy(() -> builder().setStateFile(state).start())
        .isInstanceOf(ServerRegistryException.class)
        .hasMessageContaining("ROLLED_BACK");
    // Without the state file a restarted worker cannot tell: the documented limit, bounded by the
    // manifest's expiry.
    try (ServerEndpointRegistry forgetful = builder().start()) {
      assertThat(forgetful.checkAccess("payments", "orders-ns").isAllowed()).isTrue();
    }
  }

  @Test
  void stateFileThatCannotBeWritten_failsTheStart_andLeavesNoFile() throws Exception {
    Path state = dir.resolve("registry-state.json");
    AtomicFileWriter failing =
        new AtomicFileWriter() {
          @Override
          protected void beforeMove(Path temp) throws IOException {
            throw new IOException("disk full (simulated)");
          }
        };

    assertThatThrownBy(() -> builder().setStateFile(state).setStateFileWriter(failing).start())
        .isInstanceOf(ServerRegistryException.class)
        .hasMessageStartingWith(
            "Cannot record the accepted registry manifest in the state file " + state)
        .hasMessageContaining("disk full (simulated)");
    try (Stream<Path> files = Files.list(dir)) {
      assertThat(files).isEmpty();
    }
  }

  @Test
  void stateFileWriteFailing_onARefresh_keepsTheOldSnapshotAndFile() throws Exception {
    Path state = dir.resolve("registry-state.json");
    boolean[] fail = {false};
    AtomicFileWriter flaky =
        new AtomicFileWriter() {
          @Override
          protected void beforeMove(Path temp) throws IOException {
            if (fail[0]) {
              throw new IOException("disk full (simulated)");
            }
          }
        };
    try (ServerEndpointRegistry registry =
        builder().setStateFile(state).setStateFileWriter(flaky).start()) {
      String before = Files.readString(state);
      fail[0] = true;
      clock.advance(Duration.ofSeconds(1));
      source.put(endpoint("payments", 2, "billing-ns"));
      reconciler.reconcile();

      assertThatThrownBy(registry::refresh)
          .hasMessageContaining("disk full (simulated)")
          .hasMessageContaining("so the new manifest is not used");

      assertThat(Files.readString(state)).isEqualTo(before);
      assertThat(registry.checkAccess("payments", "orders-ns").isAllowed()).isTrue();
      assertThat(registry.getStatus().getManifestEpoch()).hasValue(T0.toEpochMilli());
      fail[0] = false;
      registry.refresh();
      assertThat(registry.checkAccess("payments", "billing-ns").isAllowed()).isTrue();
    }
  }

  @Test
  void malformedStateFile_failsTheStart_namingTheFile_andIsLeftAsItWas() throws Exception {
    Path state = dir.resolve("registry-state.json");
    Files.writeString(state, "{\"schemaVersion\": 1, \"epoch\": \"x\"}");

    assertThatThrownBy(() -> builder().setStateFile(state).start())
        .isInstanceOf(ServerRegistryException.class)
        .hasMessageStartingWith("Cannot read the registry state file " + state)
        .hasMessageContaining("delete it to accept any current manifest again");
    assertThat(Files.readString(state)).isEqualTo("{\"schemaVersion\": 1, \"epoch\": \"x\"}");
  }

  @Test
  void stateFileOfAnotherCluster_failsTheStart() throws Exception {
    Path state = dir.resolve("registry-state.json");
    new HighWaterMarkFile(state, AtomicFileWriter.DEFAULT)
        .write(new HighWaterMark("staging", 1, T0, "digest"));

    assertThatThrownBy(() -> builder().setStateFile(state).start())
        .isInstanceOf(ServerRegistryException.class)
        .hasMessageContaining(
            "($.audience): is 'staging', but this worker is configured for cluster 'prod-eu'; give"
                + " each cluster its own state file");
  }

  // ------------------------------------------------------------------ failures and lifecycle

  @Test
  void failedRefresh_keepsTheLastGoodSnapshot_andReportsTheError() {
    try (ServerEndpointRegistry registry = builder().start()) {
      server.failNextList(Status.UNAVAILABLE.withDescription("connection refused"));
      assertThatThrownBy(registry::refresh)
          .isInstanceOf(ServerRegistryException.class)
          .hasMessageContaining("Cannot refresh the Nexus endpoints from the Temporal server")
          .hasMessageContaining("UNAVAILABLE: connection refused")
          .hasMessageContaining("still using the endpoints verified at " + T0 + " (1 endpoints)");
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
        .hasMessageContaining("no manifest was ever verified, so every endpoint is denied")
        .hasMessageContaining("The registry was not started; setRequireInitialLoad(false)");
  }

  @Test
  void start_withoutRequiringTheFirstRead_deniesEverythingAsStale_untilARefreshSucceeds() {
    server.failNextList(Status.UNAVAILABLE);
    try (ServerEndpointRegistry registry = builder().setRequireInitialLoad(false).start()) {
      assertThat(reason(registry, "payments", "orders-ns")).isEqualTo(ReasonCode.REGISTRY_STALE);
      assertThat(registry.getStatus().getLastSuccessTime()).isEmpty();
      assertThat(registry.getStatus().getConsecutiveFailures()).isEqualTo(1);
      registry.refresh();
      assertThat(registry.checkAccess("payments", "orders-ns").isAllowed()).isTrue();
    }
  }

  @Test
  void tamperedPolicy_isDenied_andTheReasonIsInTheStatus() {
    Endpoint e = server.byName("payments");
    server.replace(
        "payments",
        e.getSpec().toBuilder()
            .setDescription(
                TestKeys.editSignedJson(
                    e.getSpec().getDescription(), j -> j.replace("orders-ns", "evil-ns")))
            .build());
    try (ServerEndpointRegistry registry = builder().start()) {
      assertThat(reason(registry, "payments", "evil-ns"))
          .isEqualTo(ReasonCode.ENDPOINT_POLICY_INVALID);
      assertThat(reason(registry, "payments", "orders-ns"))
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
      assertThat(reason(registry, "private", "orders-ns")).isEqualTo(ReasonCode.UNKNOWN_ENDPOINT);
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
    // A refresh that was running when close() was called ends (and reports) before close()
    // returns; from then on nothing runs.
    seen.clear();
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
  void checkAccessAndFindEndpoint_allocateNothing_stalenessCheckIncluded() {
    try (ServerEndpointRegistry registry = builder().start()) {
      com.sun.management.ThreadMXBean threads =
          (com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean();
      String[] names = {"payments", "unknown"};
      String[] callers = {"orders-ns", "evil-ns"};
      int sink = 0;
      for (int i = 0; i < 200_000; i++) { // warm up
        sink += registry.checkAccess(names[i % 2], callers[(i / 2) % 2]).getReason().ordinal();
        sink += registry.findEndpoint(names[i % 2]).isPresent() ? 1 : 0;
      }
      long allocated = Long.MAX_VALUE;
      for (int round = 0; round < 5; round++) {
        long before = threads.getCurrentThreadAllocatedBytes();
        for (int i = 0; i < 100_000; i++) {
          sink += registry.checkAccess(names[i % 2], callers[(i / 2) % 2]).getReason().ordinal();
          sink += registry.findEndpoint(names[i % 2]).isPresent() ? 1 : 0;
        }
        // The least of five rounds: the JVM itself now and then allocates on this thread (a
        // compilation or deoptimization), which is not the code under test.
        allocated = Math.min(allocated, threads.getCurrentThreadAllocatedBytes() - before);
      }
      assertThat(sink).isPositive();
      assertThat(allocated).as("bytes allocated by 100,000 checks and finds").isLessThan(1024);
    }
  }

  @Test
  void builder_refusesAPrivateKeyset_andMissingOrInconsistentSettings() {
    assertThatThrownBy(
            () ->
                ServerEndpointRegistry.newBuilder()
                    .setOperatorServiceStubs(server.stubs())
                    .setRegistryPublicKeyset(TestKeys.registry())
                    .setAudience(AUDIENCE)
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
    assertThatThrownBy(
            () ->
                ServerEndpointRegistry.newBuilder()
                    .setOperatorServiceStubs(server.stubs())
                    .setRegistryPublicKeyset(TestKeys.registryPublic())
                    .start())
        .hasMessageStartingWith("ServerEndpointRegistry.audience is required");
    assertThatThrownBy(
            () ->
                builder()
                    .setRefreshInterval(Duration.ofMinutes(1))
                    .setMaxStaleness(Duration.ofMinutes(1))
                    .start())
        .hasMessageStartingWith(
            "ServerEndpointRegistry.maxStaleness (PT1M) must be longer than the refresh interval"
                + " (PT1M)");
    assertThatThrownBy(() -> builder().setRefreshInterval(Duration.ofMillis(5)))
        .hasMessageContaining("must be zero (off) or at least PT0.01S, got PT0.005S");
    assertThatThrownBy(() -> builder().setRefreshInterval(Duration.ofSeconds(-1)))
        .isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> builder().setPageSize(0))
        .hasMessage("ServerEndpointRegistry.pageSize must be between 1 and 1000, got 0");
    assertThatThrownBy(() -> builder().setMaxPages(0))
        .hasMessage("ServerEndpointRegistry.maxPages must be between 1 and 1000000, got 0");
    assertThatThrownBy(() -> builder().setRpcTimeout(Duration.ZERO))
        .hasMessage("ServerEndpointRegistry.rpcTimeout must be positive, got PT0S");
    assertThatThrownBy(() -> builder().setMaxStaleness(Duration.ZERO))
        .hasMessage("ServerEndpointRegistry.maxStaleness must be positive, got PT0S");
    assertThatThrownBy(() -> builder().setClockSkew(Duration.ofHours(2)))
        .hasMessage("ServerEndpointRegistry.clockSkew must be between 0 and 1 hour, got PT2H");
    assertThatThrownBy(() -> builder().setAudience("prod\neu"))
        .hasMessageEndingWith("got 'prod\\u000Aeu'");
  }

  @Test
  void builder_acceptsEveryRangeBoundary_andRefusesOneBeyond_namingTheSetting() {
    ServerEndpointRegistry.Builder b = builder();
    assertThat(b.setClockSkew(Duration.ZERO)).isSameAs(b);
    assertThat(b.setClockSkew(Duration.ofHours(1))).isSameAs(b);
    assertThat(b.setPageSize(1)).isSameAs(b);
    assertThat(b.setPageSize(1000)).isSameAs(b);
    assertThat(b.setMaxPages(1)).isSameAs(b);
    assertThat(b.setMaxPages(1_000_000)).isSameAs(b);
    assertThat(b.setRpcTimeout(Duration.ofMillis(1))).isSameAs(b);
    assertThat(b.setMaxStaleness(Duration.ofMillis(1))).isSameAs(b);
    assertThat(b.setRefreshInterval(ServerEndpointRegistry.MIN_REFRESH_INTERVAL)).isSameAs(b);
    assertThat(b.setRefreshInterval(Duration.ZERO)).isSameAs(b);
    assertThat(b.setManifestEndpointName(MANIFEST)).isSameAs(b);
    assertThat(b.setStateFile(dir.resolve("state.json"))).isSameAs(b);
    assertThat(b.setRequireInitialLoad(true)).isSameAs(b);
    b.setRpcTimeout(Duration.ofSeconds(10)).setMaxStaleness(Duration.ofMinutes(1));
    try (ServerEndpointRegistry registry = b.start()) {
      assertThat(registry.checkAccess("payments", "orders-ns").isAllowed()).isTrue();
    }

    assertThatThrownBy(() -> builder().setClockSkew(Duration.ofHours(1).plusMillis(1)))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage(
            "ServerEndpointRegistry.clockSkew must be between 0 and 1 hour, got PT1H0.001S");
    assertThatThrownBy(() -> builder().setClockSkew(Duration.ofMillis(-1)))
        .hasMessage("ServerEndpointRegistry.clockSkew must be between 0 and 1 hour, got PT-0.001S");
    assertThatThrownBy(() -> builder().setClockSkew(null))
        .hasMessage("ServerEndpointRegistry.clockSkew must be between 0 and 1 hour, got null");
    assertThatThrownBy(() -> builder().setPageSize(1001))
        .hasMessage("ServerEndpointRegistry.pageSize must be between 1 and 1000, got 1001");
    assertThatThrownBy(() -> builder().setMaxPages(1_000_001))
        .hasMessage("ServerEndpointRegistry.maxPages must be between 1 and 1000000, got 1000001");
    assertThatThrownBy(() -> builder().setRpcTimeout(Duration.ofMillis(-1)))
        .hasMessage("ServerEndpointRegistry.rpcTimeout must be positive, got PT-0.001S");
    assertThatThrownBy(() -> builder().setRpcTimeout(null))
        .hasMessage("ServerEndpointRegistry.rpcTimeout must be positive, got null");
    assertThatThrownBy(() -> builder().setMaxStaleness(Duration.ofMillis(-1)))
        .hasMessage("ServerEndpointRegistry.maxStaleness must be positive, got PT-0.001S");
    assertThatThrownBy(() -> builder().setMaxStaleness(null))
        .hasMessage("ServerEndpointRegistry.maxStaleness must be positive, got null");
    assertThatThrownBy(() -> builder().setRefreshInterval(null))
        .hasMessage(
            "ServerEndpointRegistry.refreshInterval must be zero (off) or at least PT0.01S, got"
                + " null");
    assertThatThrownBy(() -> builder().setManifestEndpointName(null))
        .hasMessage(
            "ServerEndpointRegistry.manifestEndpointName must be a Nexus endpoint name (pattern "
                + NexusEndpoint.NAME_PATTERN.pattern()
                + ", at most 200 characters), got null");
    assertThatThrownBy(() -> builder().setManifestEndpointName("a".repeat(201)))
        .hasMessageStartingWith("ServerEndpointRegistry.manifestEndpointName must be a Nexus")
        .hasMessageEndingWith("(201 chars)'");
    assertThat(builder().setManifestEndpointName("a".repeat(200))).isNotNull();
    assertThatThrownBy(() -> builder().setManifestEndpointName("bad\nname"))
        .hasMessageEndingWith("got 'bad\\u000Aname'");
  }

  @Test
  void keyRotation_workersWithBothKeys_acceptPoliciesOfEither() throws Exception {
    KeysetHandle rotated =
        KeysetHandle.newBuilder(TestKeys.registry())
            .addEntry(
                KeysetHandle.generateEntryFromParameters(PredefinedSignatureParameters.ED25519)
                    .withRandomId()
                    .makePrimary())
            .build();
    try (ServerEndpointRegistry registry =
        builder().setRegistryPublicKeyset(rotated.getPublicKeysetHandle()).start()) {
      assertThat(registry.checkAccess("payments", "orders-ns").isAllowed()).isTrue();
      ReconcilePlan plan = reconciler().setRegistrySigningKeyset(rotated).build().plan();
      assertThat(plan.getChanges())
          .extracting(ReconcileAction::getEndpointName)
          .containsExactly("payments", MANIFEST);
      assertThat(plan.getChanges().get(0).getReason())
          .contains("re-signing with the primary key id");
      reconciler().setRegistrySigningKeyset(rotated).build().apply(plan);
      registry.refresh();
      assertThat(registry.checkAccess("payments", "orders-ns").isAllowed()).isTrue();
    }
  }

  // ------------------------------------------------------ payload protection (issue 12)

  static dev.nexussecurity.api.NexusEndpoint protectedPayments(long version) {
    return endpoint("payments", version, "orders-ns").toBuilder()
        .setPayloadProtection(PayloadProtection.pairwise())
        .putServicePayloadProtection("refunds", PayloadProtection.shared("refunds-key"))
        .build();
  }

  @Test
  void payloadProtection_reachesWorkers_throughTheSignedPolicy() {
    source.put(protectedPayments(2));
    assertThat(reconciler.reconcile().isSuccess()).isTrue();

    try (ServerEndpointRegistry registry = builder().start()) {
      assertThat(registry.findEndpoint("payments")).contains(protectedPayments(2));
      assertThat(registry.findEndpoint("payments").orElseThrow().getPayloadProtection("refunds"))
          .contains(PayloadProtection.shared("refunds-key"));
      assertThat(registry.findEndpoint("payments").orElseThrow().getPayloadProtection("charges"))
          .contains(PayloadProtection.pairwise());
    }
  }

  @Test
  void operatorDowngradingTheProtectionOnTheServer_admitsNobody() {
    source.put(protectedPayments(2));
    reconciler.reconcile();
    Endpoint e = server.byName("payments");
    server.replace(
        "payments",
        e.getSpec().toBuilder()
            .setDescription(
                TestKeys.editSignedJson(
                    e.getSpec().getDescription(),
                    j -> j.replace("\"pairwise\"", "\"authenticated\"")))
            .build());

    try (ServerEndpointRegistry registry = builder().start()) {
      assertThat(reason(registry, "payments", "orders-ns"))
          .isEqualTo(ReasonCode.ENDPOINT_POLICY_INVALID);
      assertThat(registry.findEndpoint("payments")).isEmpty();
      assertThat(registry.getStatus().getInvalidEndpoints().get("payments"))
          .startsWith("BAD_SIGNATURE: ");
    }
  }

  @Test
  void operatorPuttingBackTheOlderUnprotectedPolicy_admitsNobodyOnANewWorker() {
    EndpointSpec unprotected = server.byName("payments").getSpec();
    source.put(protectedPayments(2));
    reconciler.reconcile();

    server.replace("payments", unprotected);

    try (ServerEndpointRegistry fresh = builder().start()) {
      assertThat(reason(fresh, "payments", "orders-ns"))
          .isEqualTo(ReasonCode.ENDPOINT_POLICY_INVALID);
      assertThat(fresh.findEndpoint("payments")).isEmpty();
      assertThat(fresh.getStatus().getInvalidEndpoints().get("payments"))
          .startsWith("NOT_IN_MANIFEST: ");
    }
  }

  // --- the key directory published with the registry ---

  static final NamespacePublicKeys ORDERS =
      NamespaceKeys.generate("orders-ns", false).toPublicKeys();
  static final NamespacePublicKeys PAYMENTS =
      NamespaceKeys.generate("payments-ns", false).toPublicKeys();

  EndpointReconciler directoryReconciler(NamespacePublicKeys... keys) {
    return reconciler()
        .setKeyDirectory(NamespaceKeyDirectory.newBuilder().putAll(List.of(keys)).build())
        .build();
  }

  @Test
  void keyDirectory_isReadFromTheServer_andFollowsEveryRefresh() {
    assertThat(directoryReconciler(ORDERS, PAYMENTS).reconcile().isSuccess()).isTrue();
    try (ServerEndpointRegistry registry = builder().start()) {
      KeyDirectory directory = registry.getKeyDirectory();
      assertThat(directory.findNamespace("orders-ns")).contains(ORDERS);
      assertThat(directory.findNamespace("payments-ns")).contains(PAYMENTS);
      assertThat(directory.findNamespace("evil-ns")).isEmpty();
      assertThat(directory.getNamespaces()).containsExactly("orders-ns", "payments-ns");
      assertThat(directory.isStale()).isFalse();
      assertThat(registry.getStatus().getKeyDirectoryNamespaceCount()).isEqualTo(2);
      assertThat(registry.checkAccess("payments", "orders-ns").isAllowed()).isTrue();

      NamespacePublicKeys revoked =
          NamespaceKeys.generate("orders-ns", false).toPublicKeys().toBuilder()
              .addRevokedKeyId(ORDERS.getPrimaryAgreementKeyId().get())
              .build();
      clock.advance(Duration.ofSeconds(1));
      assertThat(directoryReconciler(revoked).reconcile().isSuccess()).isTrue();
      assertThat(directory.findNamespace("orders-ns"))
          .as("not before the next refresh")
          .contains(ORDERS);
      registry.refresh();
      assertThat(directory.findNamespace("orders-ns")).contains(revoked);
      assertThat(directory.findNamespace("payments-ns")).isEmpty();
      assertThat(directory.describeMissing("payments-ns")).contains("has no entry for namespace");
    }
  }

  @Test
  void keyDirectory_whenStale_findsNothing_andSaysRegistryStale() {
    assertThat(directoryReconciler(ORDERS).reconcile().isSuccess()).isTrue();
    try (ServerEndpointRegistry registry = builder().start()) {
      KeyDirectory directory = registry.getKeyDirectory();
      clock.advance(ServerEndpointRegistry.DEFAULT_MAX_STALENESS);

      assertThat(directory.isStale()).isTrue();
      assertThat(directory.findNamespace("orders-ns")).isEmpty();
      assertThat(directory.getNamespaces()).isEmpty();
      assertThat(directory.describeMissing("orders-ns"))
          .startsWith("the key directory from the Temporal server's registry is stale")
          .contains("REGISTRY_STALE")
          .contains("instead of using old keys");

      registry.refresh();
      assertThat(directory.isStale()).isFalse();
      assertThat(directory.findNamespace("orders-ns")).contains(ORDERS);
    }
  }

  @Test
  void keyDirectory_malformedManifest_keepsTheLastGoodSnapshot_andTheError() {
    assertThat(directoryReconciler(ORDERS).reconcile().isSuccess()).isTrue();
    try (ServerEndpointRegistry registry = builder().start()) {
      Endpoint m = server.byName(MANIFEST);
      server.replace(
          MANIFEST,
          m.getSpec().toBuilder()
              .setDescription(
                  m.getSpec().getDescription().toBuilder()
                      .setData(com.google.protobuf.ByteString.copyFromUtf8("\"garbage\"")))
              .build());

      assertThatThrownBy(registry::refresh)
          .isInstanceOf(ServerRegistryException.class)
          .hasMessageContaining("MALFORMED")
          .hasMessageContaining("still using the endpoints verified at");
      assertThat(registry.getKeyDirectory().findNamespace("orders-ns")).contains(ORDERS);
      assertThat(registry.getStatus().getConsecutiveFailures()).isEqualTo(1);
    }
  }

  @Test
  void keyDirectory_entryDeletedOnTheServer_givesTheNamespaceNoKeys_withTheReason() {
    assertThat(directoryReconciler(ORDERS, PAYMENTS).reconcile().isSuccess()).isTrue();
    try (ServerEndpointRegistry registry = builder().start()) {
      server.remove(
          dev.nexussecurity.core.internal.server.KeyDirectoryCodec.endpointName(
              MANIFEST, "orders-ns"));
      registry.refresh();

      assertThat(registry.getKeyDirectory().findNamespace("orders-ns")).isEmpty();
      assertThat(registry.getKeyDirectory().describeMissing("orders-ns"))
          .contains("on the Temporal server is refused")
          .contains("is not on the server");
      assertThat(registry.getStatus().getKeyDirectoryProblems()).containsOnlyKeys("orders-ns");
      assertThat(registry.getKeyDirectory().findNamespace("payments-ns")).contains(PAYMENTS);
    }
  }

  @Test
  void keyDirectory_ofARegistryThatPublishesNone_isEmpty_andSaysSo() {
    try (ServerEndpointRegistry registry = builder().start()) {
      assertThat(registry.getKeyDirectory().findNamespace("orders-ns")).isEmpty();
      assertThat(registry.getKeyDirectory().getNamespaces()).isEmpty();
      assertThat(registry.getKeyDirectory().describeMissing("orders-ns"))
          .contains("publishes no key directory");
    }
  }

  @Test
  void keyDirectory_findNamespace_allocatesNothing() {
    assertThat(directoryReconciler(ORDERS, PAYMENTS).reconcile().isSuccess()).isTrue();
    try (ServerEndpointRegistry registry = builder().start()) {
      KeyDirectory directory = registry.getKeyDirectory();
      com.sun.management.ThreadMXBean threads =
          (com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean();
      String[] namespaces = {"orders-ns", "payments-ns", "evil-ns"};
      int sink = 0;
      for (int i = 0; i < 200_000; i++) {
        sink += directory.findNamespace(namespaces[i % 3]).isPresent() ? 1 : 0;
      }
      long allocated = Long.MAX_VALUE;
      for (int round = 0; round < 5; round++) {
        long before = threads.getCurrentThreadAllocatedBytes();
        for (int i = 0; i < 100_000; i++) {
          sink += directory.findNamespace(namespaces[i % 3]).isPresent() ? 1 : 0;
        }
        allocated = Math.min(allocated, threads.getCurrentThreadAllocatedBytes() - before);
      }
      assertThat(sink).isPositive();
      assertThat(allocated).as("bytes allocated by 100,000 lookups").isLessThan(1024);
    }
  }

  @Test
  void keyDirectory_publishedByAReconcilerOfTheServersOwnEndpoints_leavesThemUnchanged() {
    source.put(endpoint("shipping", 4, "orders-ns", "billing-ns"));
    assertThat(reconciler.reconcile().isSuccess()).isTrue();
    try (ServerEndpointRegistry registry = builder().start()) {
      EndpointReconciler directoryOnly =
          reconciler()
              .setRegistry(registry) // the endpoints another tool (the control plane) published
              .setKeyDirectory(NamespaceKeyDirectory.newBuilder().put(ORDERS).build())
              .build();

      ReconcilePlan plan = directoryOnly.plan();

      assertThat(plan.getActions())
          .filteredOn(a -> !a.isKeyDirectoryEntry() && !a.isManifest())
          .extracting(ReconcileAction::getType)
          .containsOnly(ReconcileAction.Type.UNCHANGED);
      assertThat(directoryOnly.apply(plan).isSuccess()).isTrue();
      registry.refresh();
      assertThat(registry.getKeyDirectory().findNamespace("orders-ns")).contains(ORDERS);
      assertThat(registry.checkAccess("shipping", "billing-ns").isAllowed()).isTrue();
      assertThat(reconciler.plan().hasChanges())
          .as("the endpoints' own reconciler keeps the directory and changes nothing")
          .isFalse();
    }
  }

  @Test
  void stalenessDeadline_ofAWorkerWhoseClockIsBefore1970_isStillStartPlusMaxStaleness() {
    // A refresh start before the epoch (negative milliseconds) plus the staleness is positive: no
    // overflow, so the deadline is the plain sum, not the manifest's expiry.
    reconciler().setClock(new TestClock(Instant.parse("1970-01-01T00:00:01Z"))).build().reconcile();
    clock.set(Instant.parse("1969-12-31T23:59:00Z"));
    try (ServerEndpointRegistry registry =
        builder()
            .setClockSkew(Duration.ofMinutes(2))
            .setMaxStaleness(Duration.ofMinutes(5))
            .start()) {
      assertThat(registry.getStatus().getManifestEpoch()).hasValue(1000);
      assertThat(registry.getStatus().getFreshUntil())
          .contains(Instant.parse("1970-01-01T00:04:00Z"));
      assertThat(registry.checkAccess("payments", "orders-ns").isAllowed()).isTrue();
    }
  }

  @Test
  void refreshes_logEachChangeOfAnEndpointOnce_andEachFailureWithItsCount() {
    ListAppender<ILoggingEvent> logs = new ListAppender<>();
    Logger logger = (Logger) LoggerFactory.getLogger(ServerEndpointRegistry.class);
    logs.start();
    logger.addAppender(logs);
    try (ServerEndpointRegistry registry = builder().start()) {
      assertThat(logs.list).isEmpty();
      Endpoint e = server.byName("payments");
      server.replace(
          "payments",
          e.getSpec().toBuilder()
              .setDescription(
                  TestKeys.editSignedJson(
                      e.getSpec().getDescription(), j -> j.replace("orders-ns", "evil-ns")))
              .build());

      registry.refresh();
      registry.refresh();

      assertThat(messages(logs))
          .as("logged once, and not as removed")
          .singleElement()
          .satisfies(
              m ->
                  assertThat(m)
                      .startsWith(
                          "WARN nexus-security: endpoint 'payments' admits nobody: its policy on the"
                              + " Temporal server failed verification: BAD_SIGNATURE: "));
      logs.list.clear();

      clock.advance(Duration.ofSeconds(1));
      reconciler.reconcile(); // writes the registry's policy again
      registry.refresh();
      assertThat(messages(logs))
          .containsExactly("INFO nexus-security: endpoint 'payments' has a valid policy again");
      logs.list.clear();

      clock.advance(Duration.ofSeconds(1));
      source.remove("payments");
      reconciler.reconcile();
      registry.refresh();
      assertThat(messages(logs))
          .containsExactly(
              "INFO nexus-security: endpoint 'payments' is no longer listed by the registry manifest"
                  + " (or no longer on the server); it is unknown now");
      logs.list.clear();

      server.failNextList(Status.UNAVAILABLE.withDescription("down"));
      server.failNextList(Status.UNAVAILABLE.withDescription("down"));
      assertThatThrownBy(registry::refresh).isInstanceOf(ServerRegistryException.class);
      assertThatThrownBy(registry::refresh).isInstanceOf(ServerRegistryException.class);
      assertThat(messages(logs))
          .hasSize(2)
          .allSatisfy(
              m ->
                  assertThat(m)
                      .startsWith(
                          "WARN nexus-security: Cannot refresh the Nexus endpoints from the Temporal"
                              + " server (UNAVAILABLE: down)"));
      assertThat(messages(logs).get(0)).endsWith("(1 refreshes failed in a row)");
      assertThat(messages(logs).get(1)).endsWith("(2 refreshes failed in a row)");
    } finally {
      logger.detachAppender(logs);
    }
  }

  private static List<String> messages(ListAppender<ILoggingEvent> logs) {
    return logs.list.stream().map(e -> e.getLevel() + " " + e.getFormattedMessage()).toList();
  }

  @Test
  void stateFile_isWrittenOnlyForANewerManifest_notAgainForTheSameOne() throws Exception {
    Path state = dir.resolve("registry-state.json");
    int[] writes = {0};
    AtomicFileWriter counting =
        new AtomicFileWriter() {
          @Override
          protected void beforeMove(Path temp) {
            writes[0]++;
          }
        };
    try (ServerEndpointRegistry registry =
        builder().setStateFile(state).setStateFileWriter(counting).start()) {
      assertThat(writes[0]).isEqualTo(1);

      registry.refresh();
      registry.refresh();
      assertThat(writes[0]).as("the same manifest again").isEqualTo(1);

      clock.advance(Duration.ofSeconds(1));
      source.put(endpoint("payments", 2, "billing-ns"));
      reconciler.reconcile();
      registry.refresh();
      assertThat(writes[0]).isEqualTo(2);
      assertThat(
              new HighWaterMarkFile(state, AtomicFileWriter.DEFAULT)
                  .read(AUDIENCE)
                  .orElseThrow()
                  .epoch())
          .isEqualTo(T0.toEpochMilli() + 1000);
    }
  }

  @Test
  void toStringAndRefreshInterval_describeTheSettingsAndStatus_withoutKeys() {
    try (ServerEndpointRegistry registry =
        builder().setRefreshInterval(Duration.ofSeconds(30)).start()) {
      assertThat(registry.getRefreshInterval()).isEqualTo(Duration.ofSeconds(30));
      assertThat(registry.toString())
          .startsWith(
              "ServerEndpointRegistry{audience=prod-eu, refreshInterval=PT30S, maxStaleness=PT5M,"
                  + " ServerRegistryStatus{healthy=true")
          .doesNotContain("Ed25519")
          .doesNotContain("value");
    }
  }
}
