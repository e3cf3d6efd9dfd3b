package dev.nexussecurity.examples;

import dev.nexussecurity.api.NexusEndpoint;
import dev.nexussecurity.connection.WorkerConnection;
import dev.nexussecurity.connection.WorkerConnectionOptions;
import dev.nexussecurity.core.InMemoryEndpointRegistry;
import dev.nexussecurity.examples.payments.OperationCounter;
import io.temporal.common.converter.DataConverter;
import io.temporal.envconfig.LoadClientConfigProfileOptions;
import java.nio.file.Path;
import java.util.Map;
import java.util.concurrent.CountDownLatch;

/**
 * Runs the {@code payments} handler worker as its own process against any Temporal server: a real
 * cluster, Temporal Cloud, or {@code dev.nexussecurity.testing.LocalTemporalServer}. The connection
 * comes from Temporal's client configuration (a TOML profile and {@code TEMPORAL_*} variables, see
 * {@link EnvConfigConnections}); the namespace must be the endpoint's target namespace, and the
 * worker polls the endpoint's target task queue, both from the registry file.
 *
 * <pre>{@code
 * TEMPORAL_ADDRESS=127.0.0.1:7233 TEMPORAL_NAMESPACE=payments \
 *   HandlerWorkerMain --keys payments.keys.json --directory key-directory.json \
 *                     --fraud-keyset fraud.keyset.json [--registry examples/config/registry.json]
 *                     [--endpoint payments] [--profile NAME]
 * }</pre>
 *
 * <p>The key files are those {@code nexus-security-keys} writes with {@code --insecure-cleartext}:
 * development keys only. For production, copy {@link WorkerBootstrap} and load KMS-encrypted key
 * files ({@link WorkerSettings.Builder#setKms}).
 */
public final class HandlerWorkerMain {
  static final String USAGE =
      "HandlerWorkerMain --keys FILE --directory FILE [--fraud-keyset FILE] [--registry FILE]"
          + " [--endpoint NAME] [--profile NAME]";

  private static final String[] OPTIONS = {
    "--keys", "--directory", "--fraud-keyset", "--registry", "--endpoint", "--profile"
  };

  private HandlerWorkerMain() {}

  /**
   * Connects with {@code clientConfig}, checks that the namespace is the endpoint's target, and
   * starts the handler worker.
   *
   * @throws IllegalArgumentException for bad options or a namespace that is not the endpoint's
   *     target
   */
  public static ConnectedWorker start(String[] args, LoadClientConfigProfileOptions clientConfig) {
    Map<String, String> options = CommandLine.parse(args, OPTIONS);
    Path registryFile =
        Path.of(options.getOrDefault("--registry", "examples/config/registry.json"));
    String endpointName = options.getOrDefault("--endpoint", WorkerSettings.DEFAULT_ENDPOINT);

    InMemoryEndpointRegistry registry = WorkerBootstrap.loadRegistry(registryFile);
    NexusEndpoint endpoint =
        registry
            .findEndpoint(endpointName)
            .orElseThrow(
                () ->
                    new IllegalArgumentException(
                        "Registry " + registryFile + " has no endpoint '" + endpointName + "'"));
    WorkerConnectionOptions connectionOptions = EnvConfigConnections.loadOptions(clientConfig);
    if (!connectionOptions.getNamespace().equals(endpoint.getTargetNamespace())) {
      throw new IllegalArgumentException(
          "This worker connects to namespace '"
              + connectionOptions.getNamespace()
              + "' (TEMPORAL_NAMESPACE or the profile's namespace), but endpoint '"
              + endpointName
              + "' targets namespace '"
              + endpoint.getTargetNamespace()
              + "'; a handler worker must run in the endpoint's target namespace");
    }
    WorkerSettings.Builder builder =
        WorkerSettings.newBuilder()
            .setNamespace(endpoint.getTargetNamespace())
            .setTaskQueue(endpoint.getTargetTaskQueue())
            .setNamespaceKeysFile(Path.of(CommandLine.required(options, "--keys")))
            .setKeyDirectoryFile(Path.of(CommandLine.required(options, "--directory")));
    if (options.containsKey("--fraud-keyset")) {
      builder.putSharedKeysetFile(
          WorkerSettings.FRAUD_KEYSET, Path.of(options.get("--fraud-keyset")));
    }
    WorkerSettings settings = builder.build();
    WorkerKeys keys = WorkerBootstrap.loadKeys(settings);
    DataConverter converter = WorkerBootstrap.newDataConverter(settings, keys);
    WorkerConnection connection = WorkerConnection.open(connectionOptions);
    try {
      RunningWorker worker =
          WorkerBootstrap.startHandlerWorker(
              connection.getWorkflowServiceStubs(),
              settings,
              registry,
              keys,
              converter,
              new OperationCounter());
      return new ConnectedWorker(connection, worker);
    } catch (RuntimeException | Error e) {
      connection.close();
      throw e;
    }
  }

  public static void main(String[] args) throws InterruptedException {
    Map<String, String> options;
    ConnectedWorker running;
    try {
      options = CommandLine.parse(args, OPTIONS);
      running = start(args, EnvConfigConnections.profile(options.get("--profile")));
    } catch (RuntimeException e) {
      System.err.println(e.getMessage());
      System.err.println("Usage: " + USAGE);
      System.exit(2);
      return;
    }
    CountDownLatch stopped = new CountDownLatch(1);
    Runtime.getRuntime()
        .addShutdownHook(
            new Thread(
                () -> {
                  running.close();
                  stopped.countDown();
                }));
    WorkerSettings s = running.getWorker().getSettings();
    WorkerConnectionOptions c = running.getConnection().getOptions();
    System.out.println(
        "payments handler worker running: namespace "
            + s.getNamespace()
            + ", task queue "
            + s.getTaskQueue()
            + ", server "
            + c.getTarget()
            + (c.isTlsEnabled() ? " over TLS" : " in plaintext (loopback)")
            + ". Stop with Ctrl-C.");
    stopped.await();
  }
}
