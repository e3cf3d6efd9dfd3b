package dev.nexussecurity.examples;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.nexussecurity.api.ReasonCode;
import dev.nexussecurity.core.keys.PayloadAcceptance;
import dev.nexussecurity.examples.orders.CheckoutWorkflow.CheckoutResult;
import dev.nexussecurity.testing.LocalTemporalServer;
import io.temporal.envconfig.LoadClientConfigProfileOptions;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The per-process path end to end: the embedded server served on a loopback TCP port ({@link
 * LocalTemporalServer}, from the published test fixtures), and the handler and caller mains
 * connecting to it through Temporal's client configuration, each with its own {@code TEMPORAL_*}
 * environment, as separate processes would.
 */
class EnvConfigEndToEndTest {
  @TempDir static Path dir;
  private static LocalTemporalServer server;
  private static DemoKeys keys;
  private static ConnectedWorker handler;

  @BeforeAll
  static void startServerAndHandler() {
    keys =
        DemoKeys.create(
            dir.resolve("keys"),
            List.of("orders", "analytics", "payments"),
            Map.of(
                "payments",
                PayloadAcceptance.newBuilder().setPairwise(true).addSharedKeyset("fraud").build()));
    server =
        LocalTemporalServer.start(
            List.of("--port", "0", "--registry", WorkerBootstrapTest.SAMPLE_REGISTRY.toString()));
    handler =
        HandlerWorkerMain.start(
            args(
                "--keys",
                keys.namespaceKeysFile("payments").toString(),
                "--directory",
                keys.keyDirectoryFile().toString(),
                "--fraud-keyset",
                keys.sharedKeysetFile("fraud").toString(),
                "--registry",
                WorkerBootstrapTest.SAMPLE_REGISTRY.toString()),
            environment("payments"));
  }

  @AfterAll
  static void stop() {
    try {
      if (handler != null) {
        handler.close();
      }
    } finally {
      if (server != null) {
        server.close();
      }
    }
  }

  private static String[] args(String... args) {
    return args;
  }

  private static LoadClientConfigProfileOptions environment(String namespace) {
    return EnvConfigConnections.environmentOnly(
        Map.of("TEMPORAL_ADDRESS", server.getTarget(), "TEMPORAL_NAMESPACE", namespace));
  }

  private static String[] callerArgs(String namespace, String... more) {
    String[] base = {
      "--keys",
      keys.namespaceKeysFile(namespace).toString(),
      "--directory",
      keys.keyDirectoryFile().toString(),
      "--fraud-keyset",
      keys.sharedKeysetFile("fraud").toString(),
      "--registry",
      WorkerBootstrapTest.SAMPLE_REGISTRY.toString()
    };
    String[] all = new String[base.length + more.length];
    System.arraycopy(base, 0, all, 0, base.length);
    System.arraycopy(more, 0, all, base.length, more.length);
    return all;
  }

  @Test
  void localServer_listensOnLoopbackOnly() {
    assertThat(server.getTarget()).matches("(127\\.0\\.0\\.1|\\[::1\\]):\\d+");
    assertThat(server.getEndpoints())
        .extracting(e -> e.getSpec().getName())
        .containsExactly("payments");
  }

  @Test
  void allowedCaller_overTcp_completesTheCheckoutInThePaymentsNamespace() {
    try (ConnectedWorker orders =
        CallerWorkerMain.start(callerArgs("orders"), environment("orders"))) {
      CheckoutResult result = CallerWorkerMain.checkout(orders.getWorker(), "tcp-order-1", 12_000);

      assertThat(result.wasDenied()).as(String.valueOf(result)).isFalse();
      assertThat(result.quote().quotedBy()).isEqualTo("payments");
      assertThat(result.receipt().chargedIn()).isEqualTo("payments");
      assertThat(CallerWorkerMain.describe(result)).startsWith("checkout tcp-order-1 completed");
      assertThat(orders.getConnection().getOptions().getTarget()).isEqualTo(server.getTarget());
    }
  }

  @Test
  void callerNotOnTheAllowlist_overTcp_isDenied() {
    try (ConnectedWorker analytics =
        CallerWorkerMain.start(
            callerArgs("analytics", "--task-queue", "analytics-checkout"),
            environment("analytics"))) {
      CheckoutResult result =
          CallerWorkerMain.checkout(analytics.getWorker(), "tcp-order-2", 12_000);

      assertThat(result.deniedReason()).isEqualTo(ReasonCode.CALLER_NOT_ALLOWED);
      assertThat(CallerWorkerMain.describe(result)).contains("DENIED: CALLER_NOT_ALLOWED (quote)");
    }
  }

  @Test
  void handlerInAnotherNamespaceThanTheEndpointsTarget_refusesToStart() {
    assertThatThrownBy(
            () ->
                HandlerWorkerMain.start(
                    args(
                        "--keys",
                        keys.namespaceKeysFile("orders").toString(),
                        "--directory",
                        keys.keyDirectoryFile().toString(),
                        "--registry",
                        WorkerBootstrapTest.SAMPLE_REGISTRY.toString()),
                    environment("orders")))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("connects to namespace 'orders'")
        .hasMessageContaining("targets namespace 'payments'");
  }

  @Test
  void callerWithAnotherNamespacesKeys_refusesToStart() {
    assertThatThrownBy(() -> CallerWorkerMain.start(callerArgs("analytics"), environment("orders")))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("holds the keys of analytics, not orders");
  }
}
