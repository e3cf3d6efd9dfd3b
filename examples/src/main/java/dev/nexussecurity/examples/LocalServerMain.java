package dev.nexussecurity.examples;

import dev.nexussecurity.api.NexusEndpoint;
import dev.nexussecurity.testing.EmbeddedTemporal;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.CountDownLatch;

/**
 * For local trials of the envconfig path: starts the embedded Temporal server (true cross-namespace
 * Nexus routing), serves it on {@code 127.0.0.1:7233} (plaintext, loopback only), creates the
 * registry's endpoints on it, and runs until stopped. Then run {@link HandlerWorkerMain} and {@link
 * CallerWorkerMain} in other terminals with {@code TEMPORAL_ADDRESS=127.0.0.1:7233} and their own
 * {@code TEMPORAL_NAMESPACE}, as they would run against a real cluster.
 *
 * <pre>{@code
 * LocalServerMain [--port 7233] [--registry examples/config/registry.json]
 * }</pre>
 */
public final class LocalServerMain implements AutoCloseable {
  /** The default port, Temporal's. */
  public static final int DEFAULT_PORT = 7233;

  private final EmbeddedTemporal temporal;
  private final LoopbackProxy proxy;
  private final List<NexusEndpoint> endpoints;

  private LocalServerMain(
      EmbeddedTemporal temporal, LoopbackProxy proxy, List<NexusEndpoint> endpoints) {
    this.temporal = temporal;
    this.proxy = proxy;
    this.endpoints = endpoints;
  }

  /**
   * Starts the server on {@code port} (0 picks a free one) with a Nexus endpoint for each endpoint
   * of {@code registryFile}; {@link #close()} stops it.
   */
  public static LocalServerMain start(int port, Path registryFile) {
    Objects.requireNonNull(registryFile, "registryFile");
    List<NexusEndpoint> endpoints = WorkerBootstrap.loadRegistry(registryFile).listEndpoints();
    EmbeddedTemporal temporal = EmbeddedTemporal.newBuilder().start();
    try {
      for (NexusEndpoint e : endpoints) {
        temporal.createNexusEndpoint(e.getName(), e.getTargetNamespace(), e.getTargetTaskQueue());
      }
      LoopbackProxy proxy =
          LoopbackProxy.start(temporal.getWorkflowServiceStubs().getRawChannel(), port);
      return new LocalServerMain(temporal, proxy, endpoints);
    } catch (RuntimeException | Error e) {
      temporal.close();
      throw e;
    }
  }

  /** The address to put in {@code TEMPORAL_ADDRESS}. */
  public String getAddress() {
    return proxy.getAddress();
  }

  /** The endpoints created on the server. */
  public List<NexusEndpoint> getEndpoints() {
    return endpoints;
  }

  @Override
  public void close() {
    try {
      proxy.close();
    } finally {
      temporal.close();
    }
  }

  public static void main(String[] args) throws InterruptedException {
    Map<String, String> options = CommandLine.parse(args, "--port", "--registry");
    int port = Integer.parseInt(options.getOrDefault("--port", Integer.toString(DEFAULT_PORT)));
    Path registry = Path.of(options.getOrDefault("--registry", "examples/config/registry.json"));
    LocalServerMain server = start(port, registry);
    CountDownLatch stopped = new CountDownLatch(1);
    Runtime.getRuntime()
        .addShutdownHook(
            new Thread(
                () -> {
                  server.close();
                  stopped.countDown();
                }));
    System.out.println(
        "Embedded Temporal server (cross-namespace Nexus routing) on "
            + server.getAddress()
            + ", plaintext, loopback only. Endpoints:");
    for (NexusEndpoint e : server.getEndpoints()) {
      System.out.println(
          "  " + e.getName() + " -> " + e.getTargetNamespace() + "/" + e.getTargetTaskQueue());
    }
    System.out.println("Stop with Ctrl-C.");
    stopped.await();
  }
}
