package dev.nexussecurity.examples;

import dev.nexussecurity.connection.WorkerConnection;
import dev.nexussecurity.connection.WorkerConnectionOptions;
import dev.nexussecurity.core.InMemoryEndpointRegistry;
import dev.nexussecurity.examples.orders.CheckoutWorkflow;
import dev.nexussecurity.examples.orders.CheckoutWorkflow.CheckoutResult;
import dev.nexussecurity.examples.orders.CheckoutWorkflow.Order;
import io.temporal.client.WorkflowException;
import io.temporal.client.WorkflowOptions;
import io.temporal.common.converter.DataConverter;
import io.temporal.envconfig.LoadClientConfigProfileOptions;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.CountDownLatch;

/**
 * Runs a caller worker (the {@code CheckoutWorkflow}) as its own process against any Temporal
 * server: a real cluster, Temporal Cloud, or {@code dev.nexussecurity.testing.LocalTemporalServer}.
 * The connection and the namespace come from Temporal's client configuration (see {@link
 * EnvConfigConnections}). With {@code --checkout ORDER_ID} it runs one checkout, prints the result
 * and exits (0 completed, 1 denied); otherwise it runs until stopped.
 *
 * <pre>{@code
 * TEMPORAL_ADDRESS=127.0.0.1:7233 TEMPORAL_NAMESPACE=orders \
 *   CallerWorkerMain --keys orders.keys.json --directory key-directory.json \
 *                    --fraud-keyset fraud.keyset.json --checkout order-1 [--amount-cents 12000]
 *                    [--task-queue checkout] [--registry FILE] [--endpoint payments]
 *                    [--profile NAME]
 * }</pre>
 *
 * <p>The key files are those {@code nexus-security-keys} writes with {@code --insecure-cleartext}:
 * development keys only (for KMS-encrypted files, copy {@link WorkerBootstrap} and set {@link
 * WorkerSettings.Builder#setKms}).
 */
public final class CallerWorkerMain {
  static final String USAGE =
      "CallerWorkerMain --keys FILE --directory FILE [--fraud-keyset FILE] [--checkout ORDER_ID]"
          + " [--amount-cents N] [--task-queue NAME] [--registry FILE] [--endpoint NAME]"
          + " [--profile NAME]";

  private static final String[] OPTIONS = {
    "--keys",
    "--directory",
    "--fraud-keyset",
    "--checkout",
    "--amount-cents",
    "--task-queue",
    "--registry",
    "--endpoint",
    "--profile"
  };

  private CallerWorkerMain() {}

  /**
   * Connects with {@code clientConfig} and starts the caller worker in the configured namespace.
   *
   * @throws IllegalArgumentException for bad options or keys of another namespace
   */
  public static ConnectedWorker start(String[] args, LoadClientConfigProfileOptions clientConfig) {
    Map<String, String> options = CommandLine.parse(args, OPTIONS);
    Path registryFile =
        Path.of(options.getOrDefault("--registry", "examples/config/registry.json"));
    InMemoryEndpointRegistry registry = WorkerBootstrap.loadRegistry(registryFile);
    WorkerConnectionOptions connectionOptions = EnvConfigConnections.loadOptions(clientConfig);
    String namespace = connectionOptions.getNamespace();
    WorkerSettings.Builder builder =
        WorkerSettings.newBuilder()
            .setNamespace(namespace)
            .setTaskQueue(options.getOrDefault("--task-queue", "checkout"))
            .setNamespaceKeysFile(Path.of(CommandLine.required(options, "--keys")))
            .setKeyDirectoryFile(Path.of(CommandLine.required(options, "--directory")))
            .setEndpoint(options.getOrDefault("--endpoint", WorkerSettings.DEFAULT_ENDPOINT));
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
          WorkerBootstrap.startCallerWorker(
              connection.getWorkflowServiceStubs(), settings, registry, keys, converter);
      return new ConnectedWorker(connection, worker);
    } catch (RuntimeException | Error e) {
      connection.close();
      throw e;
    }
  }

  /** Runs one checkout of {@code orderId} on {@code caller}'s task queue and returns its result. */
  public static CheckoutResult checkout(RunningWorker caller, String orderId, long amountCents) {
    CheckoutWorkflow workflow =
        caller
            .getClient()
            .newWorkflowStub(
                CheckoutWorkflow.class,
                WorkflowOptions.newBuilder()
                    .setTaskQueue(caller.getSettings().getTaskQueue())
                    .setWorkflowId("checkout-" + orderId)
                    .setWorkflowExecutionTimeout(
                        caller.getSettings().getOperationTimeout().plus(Duration.ofSeconds(15)))
                    .build());
    return workflow.checkout(new Order(orderId, amountCents, "EUR"));
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
    RunningWorker worker = running.getWorker();
    if (options.containsKey("--checkout")) {
      int status;
      try {
        CheckoutResult r =
            checkout(
                worker,
                options.get("--checkout"),
                Long.parseLong(options.getOrDefault("--amount-cents", "12000")));
        System.out.println(describe(r));
        status = r.wasDenied() ? 1 : 0;
      } catch (WorkflowException e) {
        System.out.println(
            "checkout "
                + options.get("--checkout")
                + " failed: "
                + e.getClass().getSimpleName()
                + " caused by "
                + rootCause(e));
        status = 1;
      } finally {
        running.close();
      }
      System.exit(status);
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
    System.out.println(
        "caller worker running: namespace "
            + worker.getSettings().getNamespace()
            + ", task queue "
            + worker.getSettings().getTaskQueue()
            + ", server "
            + running.getConnection().getOptions().getTarget()
            + ". Stop with Ctrl-C.");
    stopped.await();
  }

  private static String rootCause(Throwable e) {
    Throwable t = e;
    while (t.getCause() != null && t.getCause() != t) {
      t = t.getCause();
    }
    return t.getClass().getSimpleName() + ": " + t.getMessage();
  }

  /** One line describing a checkout result. */
  static String describe(CheckoutResult r) {
    if (r.wasDenied()) {
      return "checkout "
          + r.orderId()
          + " DENIED: "
          + r.deniedReason()
          + " ("
          + r.deniedOperation()
          + "): "
          + r.deniedMessage();
    }
    return "checkout "
        + r.orderId()
        + " completed: quote fee "
        + r.quote().feeCents()
        + " cents from "
        + r.quote().quotedBy()
        + ", receipt "
        + r.receipt().receiptId()
        + " for "
        + r.receipt().totalCents()
        + " cents from workflow "
        + r.receipt().workflowId()
        + " in "
        + r.receipt().chargedIn();
  }
}
