package dev.nexussecurity.testing;

import dev.nexussecurity.testing.internal.InProcessTemporalServer;
import dev.nexussecurity.testing.internal.ResourceStack;
import dev.nexussecurity.testing.internal.WorkerFactories;
import io.temporal.api.nexus.v1.Endpoint;
import io.temporal.api.nexus.v1.EndpointSpec;
import io.temporal.api.nexus.v1.EndpointTarget;
import io.temporal.api.operatorservice.v1.CreateNexusEndpointRequest;
import io.temporal.client.WorkflowClient;
import io.temporal.client.WorkflowClientOptions;
import io.temporal.common.converter.DataConverter;
import io.temporal.serviceclient.OperatorServiceStubs;
import io.temporal.serviceclient.OperatorServiceStubsOptions;
import io.temporal.serviceclient.WorkflowServiceStubs;
import io.temporal.serviceclient.WorkflowServiceStubsOptions;
import io.temporal.worker.WorkerFactory;
import io.temporal.worker.WorkerFactoryOptions;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.concurrent.TimeUnit;

/**
 * An in-process Temporal server for tests that routes Nexus tasks across namespaces like a real
 * server.
 *
 * <p>It is the Temporal Java SDK's embedded test server (temporal-testing), any number of
 * namespaces (none needs registering), reached through an in-process gRPC channel, plus one thing
 * the stock embedded server lacks: <b>true cross-namespace Nexus routing</b>. A handler worker
 * polls its own namespace, the endpoint's target, and receives the Nexus tasks of callers in any
 * other namespace; its workflow-run operations start workflows in its own namespace; histories stay
 * separate per namespace; {@code NexusOperationInfo.getNamespace()} in the handler is the handler
 * namespace; async completions and cancels reach the caller.
 *
 * <h2>How routing works</h2>
 *
 * The stock embedded server queues each Nexus task under the <em>caller's</em> namespace and the
 * endpoint's task queue, ignoring the endpoint's target namespace. This server answers {@code
 * PollNexusTaskQueue} itself:
 *
 * <ul>
 *   <li>Routes come from the server's own Nexus endpoints, whoever creates, updates or deletes them
 *       (the OperatorService, {@link #createNexusEndpoint}, a registry reconciler); there is no
 *       separate list. A change applies to waiting polls before the change call returns.
 *   <li>A poll on {@code (ns, tq)} where some endpoint targets {@code (ns, tq)} is re-targeted: it
 *       polls {@code tq} in {@code ns} and in every other namespace the server has seen in any
 *       request, one namespace at a time for a short slice ({@link Builder#setPollSlice}), round
 *       robin, until the long-poll deadline. When a workflow task that schedules or cancels a Nexus
 *       operation completes, the re-targeted polls of that endpoint's target look in the workflow's
 *       namespace next; the round robin covers everything else, such as the retries the server
 *       schedules on its own. Each inner poll is an in-JVM call, so a task handed out just as a
 *       slice expires is still delivered: no task is lost.
 *   <li>Any other poll waits on {@code tq} in its own namespace, as on the stock server.
 *   <li>Every task found is checked against the target of the endpoint named in it. A task that
 *       belongs to another namespace is handed to that namespace's pollers instead. So two
 *       endpoints that target different namespaces with the same task-queue name, and a caller
 *       namespace that runs its own worker on the task-queue name of an endpoint it calls, both
 *       behave as on a real server.
 * </ul>
 *
 * <p>The OperatorService's Nexus endpoint methods are served with a real server's semantics: stable
 * ids, each update raises the version by one, and the validation rules of the server (name pattern
 * and at most 200 characters; worker target with a non-blank namespace; task queue non-empty, at
 * most 1000 bytes, not under {@code /_sys/}; description at most 20,000 bytes). (The stock embedded
 * store loses an endpoint's name on an update that keeps it, after which scheduling on it fails;
 * that is repaired here.) A workflow task that asks to cancel a Nexus operation which has already
 * completed fails, as on a real server, and a new one is scheduled (the stock embedded server loses
 * such a task and the workflow waits forever; the pattern "take the first of several operations,
 * cancel the rest" runs into it). All other calls are the stock embedded server's.
 *
 * <p><b>Where it differs from a real server.</b> A routed Nexus task may wait a little longer
 * before a handler gets it, and idle re-targeted pollers cost some CPU (see the module README for
 * measurements); a shorter slice trades CPU for latency. A Nexus task is bound to its endpoint's
 * target when a poll finds it, not when it is scheduled: a task still waiting when its endpoint is
 * re-targeted goes to the new target. A task whose endpoint was deleted while it waited goes to a
 * poller of its caller's namespace on that task queue (the stock behaviour). Only worker targets
 * exist; there are no external endpoints. Nexus retry timing and the headers, links and callbacks
 * the server adds are the stock embedded server's.
 *
 * <h2>Time</h2>
 *
 * By default the server runs on wall-clock time like a real one. With {@link
 * Builder#setTimeSkipping setTimeSkipping(true)} it jumps to the next timer whenever no work is in
 * progress (no client needs to wait on a result for that, unlike {@code TestWorkflowEnvironment}).
 *
 * <h2>Workers in other processes</h2>
 *
 * With {@link Builder#setTcpPort} the server is also served over plaintext gRPC on a loopback port,
 * so that worker processes, {@code temporal}-style mains ({@code -target-host 127.0.0.1:7233}) and
 * Temporal's client configuration ({@code TEMPORAL_ADDRESS}) can reach it. {@link
 * LocalTemporalServer} runs one from the command line.
 *
 * <h2>Lifecycle</h2>
 *
 * {@link #close()} shuts down, in order: the worker factories made by {@link #newWorkerFactory},
 * the service stubs, the channel, the gRPC server, the poll router, the test services and the
 * routing's deadline thread. It is idempotent, and {@link Builder#start()} releases whatever it had
 * acquired when it fails half-way. Worker factories created elsewhere must be shut down by their
 * owner before {@code close()}.
 *
 * <p>Thread-safe. Arguments are never null unless a method says otherwise.
 *
 * <pre>{@code
 * try (EmbeddedTemporal temporal = EmbeddedTemporal.newBuilder().start()) {
 *   temporal.createNexusEndpoint("greeting", "handler-ns", "greeting-tq");
 *
 *   WorkerFactory handlerFactory = temporal.newWorkerFactory(temporal.newWorkflowClient("handler-ns"));
 *   Worker handler = handlerFactory.newWorker("greeting-tq");   // polls handler-ns only
 *   handler.registerNexusServiceImplementation(new GreetingServiceImpl());
 *   handler.registerWorkflowImplementationTypes(GreetingWorkflowImpl.class);
 *
 *   WorkflowClient callerClient = temporal.newWorkflowClient("caller-ns");
 *   WorkerFactory callerFactory = temporal.newWorkerFactory(callerClient);
 *   callerFactory.newWorker("caller-tq").registerWorkflowImplementationTypes(CallerWorkflowImpl.class);
 *
 *   handlerFactory.start();
 *   callerFactory.start();
 *   String result = callerClient.newWorkflowStub(CallerWorkflow.class,
 *           WorkflowOptions.newBuilder().setTaskQueue("caller-tq").build())
 *       .call("world");
 * }
 * }</pre>
 *
 * <p>Built on internal classes of temporal-testing 1.38.0 (kept out of this API); other versions
 * are not supported.
 */
public final class EmbeddedTemporal implements AutoCloseable {
  /** Default length of one inner poll of a re-targeted Nexus poll. */
  public static final Duration DEFAULT_POLL_SLICE = Duration.ofMillis(10);

  /** Longest accepted poll slice. */
  public static final Duration MAX_POLL_SLICE = Duration.ofSeconds(10);

  private static final long WORKER_TERMINATION_WAIT_SECONDS = 10;
  private static final long STUBS_TERMINATION_WAIT_SECONDS = 5;

  private final InProcessTemporalServer server;
  private final WorkflowServiceStubs workflowServiceStubs;
  private final OperatorServiceStubs operatorServiceStubs;
  private final Duration pollSlice;
  private final ResourceStack resources;
  private final List<WorkerFactory> workerFactories = new ArrayList<>();
  private boolean closed;

  private EmbeddedTemporal(
      InProcessTemporalServer server,
      WorkflowServiceStubs workflowServiceStubs,
      OperatorServiceStubs operatorServiceStubs,
      Duration pollSlice,
      ResourceStack resources) {
    this.server = server;
    this.workflowServiceStubs = workflowServiceStubs;
    this.operatorServiceStubs = operatorServiceStubs;
    this.pollSlice = pollSlice;
    this.resources = resources;
  }

  /** Returns a builder with the defaults: wall-clock time, {@link #DEFAULT_POLL_SLICE}. */
  public static Builder newBuilder() {
    return new Builder();
  }

  /** Stubs for the WorkflowService of this server; shut down by {@link #close()}. */
  public WorkflowServiceStubs getWorkflowServiceStubs() {
    return workflowServiceStubs;
  }

  /** Stubs for the OperatorService of this server (Nexus endpoints, search attributes). */
  public OperatorServiceStubs getOperatorServiceStubs() {
    return operatorServiceStubs;
  }

  /** A client for {@code namespace} with the default data converter. */
  public WorkflowClient newWorkflowClient(String namespace) {
    return newWorkflowClient(
        WorkflowClientOptions.newBuilder().setNamespace(requireNamespace(namespace)).build());
  }

  /** A client for {@code namespace} that uses {@code dataConverter}. */
  public WorkflowClient newWorkflowClient(String namespace, DataConverter dataConverter) {
    Objects.requireNonNull(
        dataConverter, "dataConverter must not be null; use newWorkflowClient(String)");
    return newWorkflowClient(
        WorkflowClientOptions.newBuilder()
            .setNamespace(requireNamespace(namespace))
            .setDataConverter(dataConverter)
            .build());
  }

  /** A client with the given options (namespace, converter, interceptors...) on this server. */
  public WorkflowClient newWorkflowClient(WorkflowClientOptions options) {
    Objects.requireNonNull(options, "options");
    ensureOpen();
    return WorkflowClient.newInstance(workflowServiceStubs, options);
  }

  /**
   * A worker factory for {@code client}, shut down by {@link #close()} before the server. Its
   * workers poll the client's namespace.
   */
  public WorkerFactory newWorkerFactory(WorkflowClient client) {
    return newWorkerFactory(client, WorkerFactoryOptions.getDefaultInstance());
  }

  /**
   * A worker factory for {@code client} with {@code options} (for example worker interceptors),
   * shut down by {@link #close()} before the server.
   */
  public WorkerFactory newWorkerFactory(WorkflowClient client, WorkerFactoryOptions options) {
    Objects.requireNonNull(client, "client");
    Objects.requireNonNull(options, "options");
    if (client.getWorkflowServiceStubs().getRawChannel() != workflowServiceStubs.getRawChannel()) {
      throw new IllegalArgumentException(
          "client is not connected to this EmbeddedTemporal; create it with newWorkflowClient(...)");
    }
    synchronized (this) {
      ensureOpen();
      WorkerFactory factory = WorkerFactory.newInstance(client, options);
      workerFactories.add(factory);
      return factory;
    }
  }

  /**
   * Creates a Nexus endpoint through this server's OperatorService, so routing follows it at once.
   *
   * @param name endpoint name, matching {@code ^[a-zA-Z][a-zA-Z0-9-]*[a-zA-Z0-9]$}
   * @param targetNamespace namespace whose workers handle the endpoint
   * @param taskQueue task queue those workers poll
   * @return the stored endpoint (id, version 1, spec)
   * @throws io.grpc.StatusRuntimeException from the server: INVALID_ARGUMENT for a bad name,
   *     ALREADY_EXISTS for a name in use
   */
  public Endpoint createNexusEndpoint(String name, String targetNamespace, String taskQueue) {
    Objects.requireNonNull(name, "name");
    requireNamespace(targetNamespace);
    if (taskQueue == null || taskQueue.isEmpty()) {
      throw new IllegalArgumentException("taskQueue must be non-empty, got " + quoted(taskQueue));
    }
    ensureOpen();
    EndpointSpec spec =
        EndpointSpec.newBuilder()
            .setName(name)
            .setTarget(
                EndpointTarget.newBuilder()
                    .setWorker(
                        EndpointTarget.Worker.newBuilder()
                            .setNamespace(targetNamespace)
                            .setTaskQueue(taskQueue)))
            .build();
    return operatorServiceStubs
        .blockingStub()
        .createNexusEndpoint(CreateNexusEndpointRequest.newBuilder().setSpec(spec).build())
        .getEndpoint();
  }

  /**
   * The loopback TCP port the server serves on, if {@link Builder#setTcpPort} asked for one (the
   * port actually bound, also when 0 was asked for).
   */
  public OptionalInt getTcpPort() {
    return server.getTcpPort();
  }

  /**
   * The address to give workers in other processes, {@code "127.0.0.1:<port>"}, if {@link
   * Builder#setTcpPort} asked for a port.
   */
  public Optional<String> getTcpTarget() {
    OptionalInt port = server.getTcpPort();
    return port.isPresent()
        ? Optional.of(InProcessTemporalServer.tcpAddress().getHostAddress() + ":" + port.getAsInt())
        : Optional.empty();
  }

  /**
   * The server's current time in epoch milliseconds: the wall clock, or, with time skipping, the
   * time the server has skipped to. Give it to handler workers as their time source ({@code
   * NexusSecurityOptions.Builder.setTimeSource(temporal::currentTimeMillis)}), since callers stamp
   * their tokens with workflow time; {@link NexusSecurityExtension} does so by itself.
   */
  public long currentTimeMillis() {
    return server.currentTimeMillis();
  }

  /** Whether the server skips time when idle. */
  public boolean isTimeSkipping() {
    return server.isTimeSkipping();
  }

  /** Length of one inner poll of a re-targeted Nexus poll. */
  public Duration getPollSlice() {
    return pollSlice;
  }

  /** The namespaces this server has seen in requests so far, in first-seen order; unmodifiable. */
  public List<String> getSeenNamespaces() {
    return server.getSeenNamespaces();
  }

  /** Whether {@link #close()} has been called. */
  public synchronized boolean isClosed() {
    return closed;
  }

  /**
   * Shuts everything down in a safe order: worker factories made here (shutdownNow, then wait for
   * termination), stubs, channel, gRPC server, poll router, test services, deadline thread.
   * Idempotent.
   *
   * @throws IllegalStateException if some part failed to shut down; every other part is still
   *     released
   */
  @Override
  public void close() {
    List<WorkerFactory> factories;
    synchronized (this) {
      if (closed) {
        return;
      }
      closed = true;
      factories = new ArrayList<>(workerFactories);
      workerFactories.clear();
    }
    // Workers first, so no poller is left hitting a closed channel; then stubs, then the server.
    ResourceStack shutdown = new ResourceStack();
    shutdown.push("service stubs and server", resources::close);
    shutdown.push(
        "worker factories",
        () ->
            WorkerFactories.shutdownNowAndAwait(
                factories, TimeUnit.SECONDS.toMillis(WORKER_TERMINATION_WAIT_SECONDS)));
    shutdown.close();
  }

  @Override
  public String toString() {
    return "EmbeddedTemporal{timeSkipping="
        + server.isTimeSkipping()
        + ", tcpTarget="
        + getTcpTarget().orElse("none")
        + ", pollSlice="
        + pollSlice
        + ", closed="
        + isClosed()
        + "}";
  }

  private synchronized void ensureOpen() {
    if (closed) {
      throw new IllegalStateException("EmbeddedTemporal is closed");
    }
  }

  private static String requireNamespace(String namespace) {
    if (namespace == null || namespace.isBlank()) {
      throw new IllegalArgumentException("namespace must be non-blank, got " + quoted(namespace));
    }
    return namespace;
  }

  private static String quoted(String value) {
    return value == null ? "null" : "'" + value + "'";
  }

  /**
   * Configures and starts an {@link EmbeddedTemporal}.
   *
   * <pre>{@code
   * EmbeddedTemporal temporal = EmbeddedTemporal.newBuilder()
   *     .setTimeSkipping(true)
   *     .setPollSlice(Duration.ofMillis(5))
   *     .start();
   * }</pre>
   */
  public static final class Builder {
    private boolean timeSkipping;
    private Duration pollSlice = DEFAULT_POLL_SLICE;
    private OptionalInt tcpPort = OptionalInt.empty();

    private Builder() {}

    /**
     * Whether the server skips time whenever no work is in progress; default {@code false}
     * (wall-clock time, like a real server).
     */
    public Builder setTimeSkipping(boolean timeSkipping) {
      this.timeSkipping = timeSkipping;
      return this;
    }

    /**
     * How long a re-targeted Nexus poll waits on one namespace before trying the next; default
     * {@link #DEFAULT_POLL_SLICE}. Shorter slices lower the added latency of routed Nexus calls and
     * raise the idle CPU cost.
     *
     * @param pollSlice positive, at most {@link #MAX_POLL_SLICE}
     * @throws IllegalArgumentException if out of range
     */
    public Builder setPollSlice(Duration pollSlice) {
      if (pollSlice == null
          || pollSlice.isNegative()
          || pollSlice.isZero()
          || pollSlice.compareTo(MAX_POLL_SLICE) > 0) {
        throw new IllegalArgumentException(
            "pollSlice must be positive and at most " + MAX_POLL_SLICE + ", got " + pollSlice);
      }
      this.pollSlice = pollSlice;
      return this;
    }

    /**
     * Also serves the server over plaintext gRPC on {@code 127.0.0.1:port}, for workers in other
     * processes and tools that take an address ({@code TEMPORAL_ADDRESS}, {@code --address}, the
     * samples' {@code -target-host}); default: in-process only. Loopback only: the embedded server
     * checks no credentials.
     *
     * @param port 1 to 65535, or 0 for a free port chosen at start ({@link
     *     EmbeddedTemporal#getTcpPort()} tells which)
     * @throws IllegalArgumentException if out of range
     */
    public Builder setTcpPort(int port) {
      if (port < 0 || port > 65_535) {
        throw new IllegalArgumentException("port must be 0 (any free port) to 65535, got " + port);
      }
      this.tcpPort = OptionalInt.of(port);
      return this;
    }

    /**
     * Starts the server. If a step fails, everything acquired so far is released before the error
     * is thrown.
     */
    public EmbeddedTemporal start() {
      ResourceStack resources = new ResourceStack();
      try {
        InProcessTemporalServer server =
            InProcessTemporalServer.start(timeSkipping, pollSlice, tcpPort);
        resources.push("in-process server", server::close);

        WorkflowServiceStubs workflowStubs =
            WorkflowServiceStubs.newServiceStubs(
                WorkflowServiceStubsOptions.newBuilder()
                    .setChannel(server.getChannel())
                    .validateAndBuildWithDefaults());
        resources.push(
            "workflow service stubs",
            () -> {
              workflowStubs.shutdownNow();
              workflowStubs.awaitTermination(STUBS_TERMINATION_WAIT_SECONDS, TimeUnit.SECONDS);
            });

        OperatorServiceStubs operatorStubs =
            OperatorServiceStubs.newServiceStubs(
                OperatorServiceStubsOptions.newBuilder()
                    .setChannel(server.getChannel())
                    .validateAndBuildWithDefaults());
        resources.push(
            "operator service stubs",
            () -> {
              operatorStubs.shutdownNow();
              operatorStubs.awaitTermination(STUBS_TERMINATION_WAIT_SECONDS, TimeUnit.SECONDS);
            });

        return new EmbeddedTemporal(server, workflowStubs, operatorStubs, pollSlice, resources);
      } catch (RuntimeException | Error e) {
        resources.closeQuietlyInto(e);
        throw e;
      }
    }
  }
}
