package dev.nexussecurity.testing.internal;

import io.grpc.BindableService;
import io.grpc.ManagedChannel;
import io.grpc.Server;
import io.grpc.ServerInterceptor;
import io.grpc.ServerMethodDefinition;
import io.grpc.ServerServiceDefinition;
import io.grpc.inprocess.InProcessChannelBuilder;
import io.grpc.inprocess.InProcessServerBuilder;
import io.grpc.stub.ServerCalls;
import io.grpc.stub.StreamObserver;
import io.temporal.api.command.v1.Command;
import io.temporal.api.enums.v1.CommandType;
import io.temporal.api.operatorservice.v1.OperatorServiceGrpc;
import io.temporal.api.workflowservice.v1.RespondWorkflowTaskCompletedRequest;
import io.temporal.api.workflowservice.v1.RespondWorkflowTaskCompletedResponse;
import io.temporal.api.workflowservice.v1.WorkflowServiceGrpc;
// Internal classes of temporal-test-server / temporal-serviceclient, PINNED to temporal-testing
// 1.38.0:
// they carry no compatibility promise. They are used in this class only; re-verify on every
// upgrade.
import io.temporal.internal.testservice.GRPCServerHelper;
import io.temporal.internal.testservice.InProcessGRPCServer;
import io.temporal.internal.testservice.TestServicesStarter;
import io.temporal.internal.testservice.TestWorkflowService;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.locks.Lock;
import java.util.function.Consumer;

/**
 * The in-process Temporal test server with true cross-namespace Nexus routing, reached through an
 * in-process gRPC channel.
 *
 * <p>Built from the test server's own services ({@code TestServicesStarter}) instead of {@code
 * TestWorkflowEnvironment}, with two bound services rebuilt: in the WorkflowService, {@code
 * PollNexusTaskQueue} is served by a {@link NexusPollRouter}; in the OperatorService, the Nexus
 * endpoint methods are served by a {@link NexusEndpointService}, which pushes the routes to the
 * router after every change. Every other method is the stock one. An interceptor records the
 * namespaces the server sees.
 *
 * <p>Uses {@code io.temporal.internal.testservice} classes, pinned to temporal-testing 1.38.0.
 */
public final class InProcessTemporalServer implements AutoCloseable {
  private static final AtomicInteger SERVER_IDS = new AtomicInteger();
  private static final long TERMINATION_WAIT_SECONDS = 5;

  private final ResourceStack resources;
  private final ManagedChannel channel;
  private final NexusPollRouter router;
  private final NamespaceRecorder namespaces;
  private final boolean timeSkipping;

  private InProcessTemporalServer(
      ResourceStack resources,
      ManagedChannel channel,
      NexusPollRouter router,
      NamespaceRecorder namespaces,
      boolean timeSkipping) {
    this.resources = resources;
    this.channel = channel;
    this.router = router;
    this.namespaces = namespaces;
    this.timeSkipping = timeSkipping;
  }

  /**
   * Starts a server.
   *
   * @param timeSkipping whether the server skips time whenever no work is in progress
   * @param pollSlice how long one inner poll of a re-targeted Nexus poll waits; positive
   */
  public static InProcessTemporalServer start(boolean timeSkipping, Duration pollSlice) {
    return start(timeSkipping, pollSlice, step -> {});
  }

  /**
   * Starts a server, calling {@code afterStep} with the name of each start step once it is done (so
   * tests can make a step fail). If any step fails, everything acquired so far is released before
   * the error is rethrown.
   */
  static InProcessTemporalServer start(
      boolean timeSkipping, Duration pollSlice, Consumer<String> afterStep) {
    Objects.requireNonNull(pollSlice, "pollSlice");
    Objects.requireNonNull(afterStep, "afterStep");
    int id = SERVER_IDS.incrementAndGet();
    ResourceStack resources = new ResourceStack();
    try {
      // Slice deadlines must be served until the last poll has ended: released last.
      ScheduledExecutorService deadlines =
          Executors.newSingleThreadScheduledExecutor(
              runnable -> {
                Thread thread = new Thread(runnable, "embedded-temporal-" + id + "-poll-deadlines");
                thread.setDaemon(true);
                return thread;
              });
      resources.push("poll deadline scheduler", () -> shutdownAndWait(deadlines));
      afterStep.accept("deadline-scheduler");

      // lockTimeSkipping=true keeps the server on wall-clock time, like a real server.
      TestServicesStarter starter = new TestServicesStarter(!timeSkipping, 0);
      resources.push("test services", starter::close);
      afterStep.accept("test-services");

      TestWorkflowService workflowService = starter.getWorkflowService();
      OperatorServiceGrpc.OperatorServiceImplBase operatorService = operatorService(starter);
      NamespaceRecorder namespaces = new NamespaceRecorder();
      NexusPollRouter router =
          new NexusPollRouter(
              workflowService::pollNexusTaskQueue, namespaces, pollSlice, deadlines);
      resources.push("Nexus poll router", router::close);
      NexusEndpointService endpoints =
          new NexusEndpointService(operatorService, all -> router.setRoutes(NexusRoutes.of(all)));
      afterStep.accept("router");

      List<BindableService> services = new ArrayList<>();
      for (BindableService service : starter.getServices()) {
        if (service == workflowService) {
          services.add(bound(workflowService(workflowService, router, endpoints.scheduleLock())));
        } else if (service == operatorService) {
          services.add(bound(endpoints.bind()));
        } else {
          services.add(service);
        }
      }
      List<ServerInterceptor> interceptors =
          List.of(new InProcessGRPCServer.MessageSizeChecker(), namespaces);
      String name = "embedded-temporal-" + id + "-" + InProcessServerBuilder.generateName();
      InProcessServerBuilder serverBuilder = InProcessServerBuilder.forName(name);
      GRPCServerHelper.registerServicesAndHealthChecks(services, serverBuilder, interceptors);
      Server server;
      try {
        server = serverBuilder.build().start();
      } catch (IOException e) {
        throw new UncheckedIOException("could not start the in-process gRPC server " + name, e);
      }
      resources.push("gRPC server", () -> shutdownAndWait(server));
      afterStep.accept("grpc-server");

      ManagedChannel channel = InProcessChannelBuilder.forName(name).directExecutor().build();
      resources.push("gRPC channel", () -> shutdownAndWait(channel));
      afterStep.accept("channel");

      return new InProcessTemporalServer(resources, channel, router, namespaces, timeSkipping);
    } catch (RuntimeException | Error e) {
      resources.closeQuietlyInto(e);
      throw e;
    }
  }

  /** The channel to the server; shut down by {@link #close()}. */
  public ManagedChannel getChannel() {
    return channel;
  }

  /** The namespaces the server has seen, in first-seen order. */
  public List<String> getSeenNamespaces() {
    return namespaces.snapshot();
  }

  /** The Nexus routes in force. */
  public NexusRoutes getRoutes() {
    return router.getRoutes();
  }

  /** Whether time skipping is on. */
  public boolean isTimeSkipping() {
    return timeSkipping;
  }

  /** Whether {@link #close()} has run. */
  public boolean isClosed() {
    return resources.isClosed();
  }

  /**
   * Releases the server: channel, gRPC server, router, test services, deadline scheduler, in that
   * order. Idempotent.
   */
  @Override
  public void close() {
    resources.close();
  }

  private static OperatorServiceGrpc.OperatorServiceImplBase operatorService(
      TestServicesStarter starter) {
    for (BindableService service : starter.getServices()) {
      if (service instanceof OperatorServiceGrpc.OperatorServiceImplBase operator) {
        return operator;
      }
    }
    throw new IllegalStateException(
        "temporal-testing has no OperatorService in TestServicesStarter.getServices(); this code is"
            + " pinned to temporal-testing 1.38.0");
  }

  private static BindableService bound(ServerServiceDefinition definition) {
    return () -> definition;
  }

  /**
   * The embedded WorkflowService with PollNexusTaskQueue served by the router, and
   * RespondWorkflowTaskCompleted (where Nexus operations are scheduled and their endpoint looked up
   * by name) run under the endpoint service's schedule lock.
   */
  private static ServerServiceDefinition workflowService(
      TestWorkflowService stock, NexusPollRouter router, Lock scheduleLock) {
    ServerServiceDefinition original = stock.bindService();
    String pollMethod = WorkflowServiceGrpc.getPollNexusTaskQueueMethod().getFullMethodName();
    String completeMethod =
        WorkflowServiceGrpc.getRespondWorkflowTaskCompletedMethod().getFullMethodName();
    ServerServiceDefinition.Builder builder =
        ServerServiceDefinition.builder(original.getServiceDescriptor());
    int replaced = 0;
    for (ServerMethodDefinition<?, ?> method : original.getMethods()) {
      String name = method.getMethodDescriptor().getFullMethodName();
      if (name.equals(pollMethod)) {
        builder.addMethod(
            WorkflowServiceGrpc.getPollNexusTaskQueueMethod(),
            ServerCalls.asyncUnaryCall(router::pollNexusTaskQueue));
        replaced++;
      } else if (name.equals(completeMethod)) {
        builder.addMethod(
            WorkflowServiceGrpc.getRespondWorkflowTaskCompletedMethod(),
            ServerCalls.asyncUnaryCall(
                (RespondWorkflowTaskCompletedRequest request,
                    StreamObserver<RespondWorkflowTaskCompletedResponse> observer) -> {
                  scheduleLock.lock();
                  try {
                    stock.respondWorkflowTaskCompleted(request, observer);
                  } finally {
                    scheduleLock.unlock();
                  }
                  hintNexusCommands(request, router);
                }));
        replaced++;
      } else {
        builder.addMethod(method);
      }
    }
    if (replaced != 2) {
      throw new IllegalStateException(
          "WorkflowService lacks " + pollMethod + " or " + completeMethod);
    }
    return builder.build();
  }

  /** Tells the router where the Nexus tasks of a just-completed workflow task wait. */
  private static void hintNexusCommands(
      RespondWorkflowTaskCompletedRequest request, NexusPollRouter router) {
    List<String> scheduled = null;
    boolean cancel = false;
    for (Command command : request.getCommandsList()) {
      if (command.getCommandType() == CommandType.COMMAND_TYPE_SCHEDULE_NEXUS_OPERATION) {
        if (scheduled == null) {
          scheduled = new ArrayList<>();
        }
        scheduled.add(command.getScheduleNexusOperationCommandAttributes().getEndpoint());
      } else if (command.getCommandType()
          == CommandType.COMMAND_TYPE_REQUEST_CANCEL_NEXUS_OPERATION) {
        cancel = true;
      }
    }
    if (scheduled != null || cancel) {
      router.onNexusCommands(
          request.getNamespace(), scheduled == null ? List.of() : scheduled, cancel);
    }
  }

  private static void shutdownAndWait(ScheduledExecutorService executor)
      throws InterruptedException {
    executor.shutdownNow();
    executor.awaitTermination(TERMINATION_WAIT_SECONDS, TimeUnit.SECONDS);
  }

  private static void shutdownAndWait(Server server) throws InterruptedException {
    server.shutdownNow();
    if (!server.awaitTermination(TERMINATION_WAIT_SECONDS, TimeUnit.SECONDS)) {
      throw new IllegalStateException(
          "in-process gRPC server did not terminate in " + TERMINATION_WAIT_SECONDS + " s");
    }
  }

  private static void shutdownAndWait(ManagedChannel channel) throws InterruptedException {
    channel.shutdownNow();
    if (!channel.awaitTermination(TERMINATION_WAIT_SECONDS, TimeUnit.SECONDS)) {
      throw new IllegalStateException(
          "in-process gRPC channel did not terminate in " + TERMINATION_WAIT_SECONDS + " s");
    }
  }
}
