package dev.nexussecurity.testing;

import dev.nexussecurity.api.NexusEndpoint;
import dev.nexussecurity.api.internal.UntrustedText;
import dev.nexussecurity.core.RegistryFiles;
import io.temporal.api.nexus.v1.Endpoint;
import io.temporal.api.workflowservice.v1.DescribeNamespaceRequest;
import java.io.PrintStream;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.CountDownLatch;

/**
 * A Temporal server for local trials, started from the command line: an {@link EmbeddedTemporal}
 * (true cross-namespace Nexus routing) served on a loopback TCP port, with the Nexus endpoints
 * given as arguments or read from a registry file. Workers in other processes connect to it as to
 * any Temporal server ({@code TEMPORAL_ADDRESS=127.0.0.1:7233}, or the samples' {@code -target-host
 * 127.0.0.1:7233}); no namespace needs creating.
 *
 * <pre>{@code
 * java -cp <the fixtures and their dependencies> dev.nexussecurity.testing.LocalTemporalServer \
 *     [--port 7233] [--endpoint NAME=NAMESPACE/TASK_QUEUE]... [--registry registry.json] \
 *     [--namespace NAMESPACE]... [--time-skipping]
 * }</pre>
 *
 * <ul>
 *   <li>{@code --port}: the loopback port, default {@value #DEFAULT_PORT} (Temporal's); 0 picks a
 *       free one.
 *   <li>{@code --endpoint}: a Nexus endpoint and its target; repeatable.
 *   <li>{@code --registry}: a registry file (the format of {@code RegistryFiles}); each of its
 *       endpoints is created with its target. Allowlists are the workers' business: nexus-security
 *       enforces them in the workers from the same file.
 *   <li>{@code --namespace}: a namespace whose callers the endpoints' handlers should look at from
 *       the start (namespaces are also picked up as soon as a worker polls in them); repeatable.
 *   <li>{@code --time-skipping}: skip time whenever no work is in progress.
 * </ul>
 *
 * <p>It prints {@code Temporal server on 127.0.0.1:<port>} and the endpoints, then runs until the
 * process is stopped (Ctrl-C). Plaintext and loopback only: the embedded server checks no
 * credentials. For tests, start one with {@link #start(List)} and {@link #close()} it.
 */
public final class LocalTemporalServer implements AutoCloseable {
  /** The default port, Temporal's. */
  public static final int DEFAULT_PORT = 7233;

  static final String USAGE =
      "usage: LocalTemporalServer [--port 7233] [--endpoint NAME=NAMESPACE/TASK_QUEUE]..."
          + " [--registry FILE] [--namespace NAMESPACE]... [--time-skipping]";

  private final EmbeddedTemporal temporal;
  private final List<Endpoint> endpoints;

  private LocalTemporalServer(EmbeddedTemporal temporal, List<Endpoint> endpoints) {
    this.temporal = temporal;
    this.endpoints = Collections.unmodifiableList(endpoints);
  }

  /**
   * Starts a server as {@link #main} would with these arguments, without waiting.
   *
   * @throws IllegalArgumentException for an unknown or malformed argument, with the usage
   * @throws dev.nexussecurity.core.RegistryFileException for an unreadable or invalid registry file
   * @throws java.io.UncheckedIOException if the port cannot be bound
   */
  public static LocalTemporalServer start(List<String> args) {
    Objects.requireNonNull(args, "args");
    int port = DEFAULT_PORT;
    boolean timeSkipping = false;
    List<String[]> endpointArgs = new ArrayList<>();
    List<Path> registries = new ArrayList<>();
    List<String> namespaces = new ArrayList<>();
    for (int i = 0; i < args.size(); i++) {
      String arg = Objects.requireNonNull(args.get(i), "args[" + i + "]");
      switch (arg) {
        case "--time-skipping" -> timeSkipping = true;
        case "--port" -> port = port(value(args, ++i, arg));
        case "--endpoint" -> endpointArgs.add(endpoint(value(args, ++i, arg)));
        case "--registry" -> registries.add(Path.of(value(args, ++i, arg)));
        case "--namespace" -> namespaces.add(value(args, ++i, arg));
        default ->
            throw new IllegalArgumentException(
                "unknown argument '" + UntrustedText.quote(arg) + "'; " + USAGE);
      }
    }
    List<String[]> targets = new ArrayList<>(endpointArgs);
    for (Path registry : registries) {
      for (NexusEndpoint e : RegistryFiles.load(registry)) {
        targets.add(new String[] {e.getName(), e.getTargetNamespace(), e.getTargetTaskQueue()});
      }
    }

    EmbeddedTemporal temporal =
        EmbeddedTemporal.newBuilder().setTcpPort(port).setTimeSkipping(timeSkipping).start();
    try {
      List<Endpoint> created = new ArrayList<>();
      for (String[] t : targets) {
        created.add(temporal.createNexusEndpoint(t[0], t[1], t[2]));
      }
      for (String namespace : namespaces) {
        // any request names its namespace to the server, which routes Nexus tasks from it from now
        temporal
            .getWorkflowServiceStubs()
            .blockingStub()
            .describeNamespace(
                DescribeNamespaceRequest.newBuilder().setNamespace(namespace).build());
      }
      return new LocalTemporalServer(temporal, created);
    } catch (RuntimeException | Error e) {
      temporal.close();
      throw e;
    }
  }

  /** The address for workers: {@code "127.0.0.1:<port>"}. */
  public String getTarget() {
    return temporal.getTcpTarget().orElseThrow();
  }

  /** The server, for clients and workers in this process. */
  public EmbeddedTemporal getEmbeddedTemporal() {
    return temporal;
  }

  /** The endpoints created at start, in argument order, then registry order. */
  public List<Endpoint> getEndpoints() {
    return endpoints;
  }

  /** Stops the server. Idempotent. */
  @Override
  public void close() {
    temporal.close();
  }

  /**
   * Runs a server until the process is stopped. Exits with status 2 and the usage for bad
   * arguments, 1 if the server cannot start.
   */
  public static void main(String[] args) throws InterruptedException {
    LocalTemporalServer server;
    try {
      server = start(List.of(args));
    } catch (IllegalArgumentException e) {
      System.err.println(e.getMessage());
      System.exit(2);
      return;
    } catch (RuntimeException e) {
      System.err.println("LocalTemporalServer could not start: " + e.getMessage());
      System.exit(1);
      return;
    }
    CountDownLatch stopped = new CountDownLatch(1);
    Runtime.getRuntime()
        .addShutdownHook(
            new Thread(
                () -> {
                  server.close();
                  stopped.countDown();
                },
                "local-temporal-server-shutdown"));
    server.describeTo(System.out);
    stopped.await();
  }

  void describeTo(PrintStream out) {
    out.println(
        "Temporal server on "
            + getTarget()
            + " (embedded, cross-namespace Nexus routing, plaintext, loopback only)");
    for (Endpoint e : endpoints) {
      out.println(
          "  endpoint "
              + e.getSpec().getName()
              + " -> "
              + e.getSpec().getTarget().getWorker().getNamespace()
              + "/"
              + e.getSpec().getTarget().getWorker().getTaskQueue());
    }
    out.println("Stop with Ctrl-C.");
    out.flush();
  }

  private static String value(List<String> args, int index, String option) {
    if (index >= args.size() || args.get(index).startsWith("--")) {
      throw new IllegalArgumentException(option + " needs a value; " + USAGE);
    }
    return args.get(index);
  }

  private static int port(String value) {
    try {
      int port = Integer.parseInt(value);
      if (port < 0 || port > 65_535) {
        throw new NumberFormatException();
      }
      return port;
    } catch (NumberFormatException e) {
      throw new IllegalArgumentException(
          "--port must be 0 (any free port) to 65535, got '" + UntrustedText.quote(value) + "'", e);
    }
  }

  /** {@code NAME=NAMESPACE/TASK_QUEUE} as {name, namespace, task queue}. */
  private static String[] endpoint(String value) {
    int eq = value.indexOf('=');
    int slash = eq < 0 ? -1 : value.indexOf('/', eq + 1);
    if (eq <= 0 || slash <= eq + 1 || slash == value.length() - 1) {
      throw new IllegalArgumentException(
          "--endpoint must be NAME=NAMESPACE/TASK_QUEUE, for example"
              + " payments=payments-ns/payments-tq; got '"
              + UntrustedText.quote(value)
              + "'");
    }
    return new String[] {
      value.substring(0, eq), value.substring(eq + 1, slash), value.substring(slash + 1)
    };
  }
}
