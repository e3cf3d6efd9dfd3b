package dev.nexussecurity.testing.internal;

import com.google.protobuf.ByteString;
import io.grpc.BindableService;
import io.grpc.ManagedChannel;
import io.grpc.MethodDescriptor;
import io.grpc.Server;
import io.grpc.ServerCallHandler;
import io.grpc.ServerInterceptor;
import io.grpc.ServerMethodDefinition;
import io.grpc.ServerServiceDefinition;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.grpc.inprocess.InProcessChannelBuilder;
import io.grpc.inprocess.InProcessServerBuilder;
import io.grpc.netty.shaded.io.grpc.netty.NettyServerBuilder;
import io.grpc.stub.ServerCalls;
import io.grpc.stub.StreamObserver;
import io.temporal.api.command.v1.Command;
import io.temporal.api.common.v1.WorkflowExecution;
import io.temporal.api.enums.v1.CommandType;
import io.temporal.api.enums.v1.WorkflowTaskFailedCause;
import io.temporal.api.failure.v1.Failure;
import io.temporal.api.operatorservice.v1.OperatorServiceGrpc;
import io.temporal.api.workflow.v1.PendingNexusOperationInfo;
import io.temporal.api.workflowservice.v1.DescribeWorkflowExecutionRequest;
import io.temporal.api.workflowservice.v1.DescribeWorkflowExecutionResponse;
import io.temporal.api.workflowservice.v1.RespondNexusTaskCompletedRequest;
import io.temporal.api.workflowservice.v1.RespondNexusTaskCompletedResponse;
import io.temporal.api.workflowservice.v1.RespondNexusTaskFailedRequest;
import io.temporal.api.workflowservice.v1.RespondNexusTaskFailedResponse;
import io.temporal.api.workflowservice.v1.RespondWorkflowTaskCompletedRequest;
import io.temporal.api.workflowservice.v1.RespondWorkflowTaskCompletedResponse;
import io.temporal.api.workflowservice.v1.RespondWorkflowTaskFailedRequest;
import io.temporal.api.workflowservice.v1.ShutdownWorkerRequest;
import io.temporal.api.workflowservice.v1.ShutdownWorkerResponse;
import io.temporal.api.workflowservice.v1.WorkflowServiceGrpc;
// Internal classes of temporal-test-server / temporal-serviceclient, PINNED to temporal-testing
// 1.38.0:
// they carry no compatibility promise. They are used in this class only; re-verify on every
// upgrade.
import io.temporal.internal.testservice.GRPCServerHelper;
import io.temporal.internal.testservice.InProcessGRPCServer;
import io.temporal.internal.testservice.TestServicesStarter;
import io.temporal.internal.testservice.TestWorkflowService;
import java.io.DataInputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.OptionalLong;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.locks.Lock;
import java.util.concurrent.locks.ReadWriteLock;
import java.util.concurrent.locks.ReentrantReadWriteLock;
import java.util.function.Consumer;

/**
 * The in-process Temporal test server with true cross-namespace Nexus routing, reached through an
 * in-process gRPC channel.
 *
 * <p>Built from the test server's own services ({@code TestServicesStarter}) instead of {@code
 * TestWorkflowEnvironment}, with two bound services rebuilt: in the WorkflowService, {@code
 * PollNexusTaskQueue} is served by a {@link NexusPollRouter}; in the OperatorService, the Nexus
 * endpoint methods are served by a {@link NexusEndpointService}, which pushes the routes to the
 * router after every change. {@code ShutdownWorker} and the sticky attributes of completed workflow
 * tasks also feed a {@link StickyQueueRelease}, so a stopped worker's sticky queue does not strand
 * workflow tasks, and Nexus start tasks handed to pollers and their answers feed {@link
 * NexusRequestTimeouts}, so every attempt of a start request times out (the stock server times out
 * only the first). Every other method is the stock one. An interceptor records the namespaces the
 * server sees.
 *
 * <p>Uses {@code io.temporal.internal.testservice} classes, pinned to temporal-testing 1.38.0.
 */
public final class InProcessTemporalServer implements AutoCloseable {
  private static final AtomicInteger SERVER_IDS = new AtomicInteger();
  private static final long TERMINATION_WAIT_SECONDS = 5;
  private static final InetAddress LOOPBACK = loopbackV4();

  /** How long one poll of a stopped worker's sticky queue waits ({@link StickyQueueRelease}). */
  private static final Duration STICKY_RELEASE_POLL = Duration.ofSeconds(1);

  private final ResourceStack resources;
  private final ManagedChannel channel;
  private final NexusPollRouter router;
  private final NamespaceRecorder namespaces;
  private final boolean timeSkipping;
  private final OptionalInt tcpPort;
  private final InjectedNexusTasks injected;
  private final io.temporal.api.testservice.v1.TestServiceGrpc.TestServiceImplBase testService;

  private InProcessTemporalServer(
      ResourceStack resources,
      ManagedChannel channel,
      NexusPollRouter router,
      NamespaceRecorder namespaces,
      boolean timeSkipping,
      OptionalInt tcpPort,
      InjectedNexusTasks injected,
      io.temporal.api.testservice.v1.TestServiceGrpc.TestServiceImplBase testService) {
    this.injected = injected;
    this.testService = testService;
    this.resources = resources;
    this.channel = channel;
    this.router = router;
    this.namespaces = namespaces;
    this.timeSkipping = timeSkipping;
    this.tcpPort = tcpPort;
  }

  /**
   * Starts a server reached through {@link #getChannel()} only.
   *
   * @param timeSkipping whether the server skips time whenever no work is in progress
   * @param pollSlice how long one inner poll of a re-targeted Nexus poll waits; positive
   */
  public static InProcessTemporalServer start(boolean timeSkipping, Duration pollSlice) {
    return start(timeSkipping, pollSlice, OptionalInt.empty(), step -> {});
  }

  /**
   * Starts a server reached through {@link #getChannel()} and, if {@code tcpPort} is present, also
   * over plaintext gRPC on {@code 127.0.0.1:tcpPort} (0 picks a free port; see {@link
   * #getTcpPort()}).
   *
   * @throws UncheckedIOException if the port cannot be bound (for example, it is in use)
   */
  public static InProcessTemporalServer start(
      boolean timeSkipping, Duration pollSlice, OptionalInt tcpPort) {
    return start(timeSkipping, pollSlice, tcpPort, step -> {});
  }

  /**
   * Starts a server, calling {@code afterStep} with the name of each start step once it is done (so
   * tests can make a step fail). If any step fails, everything acquired so far is released before
   * the error is rethrown.
   */
  static InProcessTemporalServer start(
      boolean timeSkipping, Duration pollSlice, OptionalInt tcpPort, Consumer<String> afterStep) {
    Objects.requireNonNull(tcpPort, "tcpPort");
    if (tcpPort.isPresent() && (tcpPort.getAsInt() < 0 || tcpPort.getAsInt() > 65_535)) {
      throw new IllegalArgumentException(
          "tcpPort must be 0 (any free port) to 65535, got " + tcpPort.getAsInt());
    }
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
      InjectedNexusTasks injected = new InjectedNexusTasks();
      injected.attach(router);
      StickyQueueRelease stickyRelease =
          new StickyQueueRelease(
              new StickyQueueRelease.Calls(
                  workflowService::pollWorkflowTaskQueue,
                  workflowService::respondWorkflowTaskFailed,
                  workflowService::respondQueryTaskCompleted,
                  workflowService::describeWorkflowExecution),
              STICKY_RELEASE_POLL,
              deadlines);
      resources.push("sticky-queue release", stickyRelease::close);
      // Nexus outcomes vs. stale cancels (see workflowService); the request timeouts' failures of
      // Nexus tasks take the read side like every other RespondNexusTaskFailed
      ReadWriteLock outcomes = new ReentrantReadWriteLock();
      NexusRequestTimeouts requestTimeouts =
          new NexusRequestTimeouts(
              (request, observer) ->
                  underLock(
                      outcomes.readLock(),
                      () -> workflowService.respondNexusTaskFailed(request, observer)),
              System::nanoTime);
      router.setBeforeDelivery(task -> requestTimeouts.delivered(injected.rewriteIfPlanned(task)));
      ScheduledExecutorService timeoutChecks =
          Executors.newSingleThreadScheduledExecutor(
              runnable -> {
                Thread thread =
                    new Thread(runnable, "embedded-temporal-" + id + "-nexus-request-timeouts");
                thread.setDaemon(true);
                return thread;
              });
      resources.push("Nexus request timeouts", () -> shutdownAndWait(timeoutChecks));
      timeoutChecks.scheduleWithFixedDelay(
          () -> {
            try {
              requestTimeouts.expire();
            } catch (RuntimeException e) {
              // the server is closing; the next check tries again
            }
          },
          1,
          1,
          TimeUnit.SECONDS);
      NexusEndpointService endpoints =
          new NexusEndpointService(operatorService, all -> router.setRoutes(NexusRoutes.of(all)));
      afterStep.accept("router");

      List<BindableService> services = new ArrayList<>();
      for (BindableService service : starter.getServices()) {
        if (service == workflowService) {
          services.add(
              bound(
                  workflowService(
                      workflowService,
                      router,
                      endpoints.scheduleLock(),
                      injected,
                      stickyRelease,
                      requestTimeouts,
                      outcomes)));
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

      OptionalInt boundPort = OptionalInt.empty();
      if (tcpPort.isPresent()) {
        InetSocketAddress address = new InetSocketAddress(LOOPBACK, tcpPort.getAsInt());
        NettyServerBuilder tcpBuilder = NettyServerBuilder.forAddress(address);
        GRPCServerHelper.registerServicesAndHealthChecks(services, tcpBuilder, interceptors);
        Server tcp;
        try {
          tcp = tcpBuilder.build().start();
        } catch (IOException e) {
          throw new UncheckedIOException(
              "could not serve on "
                  + LOOPBACK.getHostAddress()
                  + ":"
                  + tcpPort.getAsInt()
                  + " (is the port in use? 0 picks a free one): "
                  + e.getMessage(),
              e);
        }
        resources.push("TCP gRPC server", () -> shutdownAndWait(tcp));
        boundPort = OptionalInt.of(tcp.getPort());
        afterStep.accept("tcp-server");
      }

      ManagedChannel channel = InProcessChannelBuilder.forName(name).directExecutor().build();
      resources.push("gRPC channel", () -> shutdownAndWait(channel));
      afterStep.accept("channel");

      return new InProcessTemporalServer(
          resources,
          channel,
          router,
          namespaces,
          timeSkipping,
          boundPort,
          injected,
          testService(starter));
    } catch (RuntimeException | Error e) {
      resources.closeQuietlyInto(e);
      throw e;
    }
  }

  private static io.temporal.api.testservice.v1.TestServiceGrpc.TestServiceImplBase testService(
      TestServicesStarter starter) {
    for (BindableService service : starter.getServices()) {
      if (service instanceof io.temporal.api.testservice.v1.TestServiceGrpc.TestServiceImplBase t) {
        return t;
      }
    }
    throw new IllegalStateException(
        "temporal-testing has no TestService in TestServicesStarter.getServices(); this code is"
            + " pinned to its version");
  }

  /** The channel to the server; shut down by {@link #close()}. */
  public ManagedChannel getChannel() {
    return channel;
  }

  /** The loopback TCP port the server also serves on, if it was asked to. */
  public OptionalInt getTcpPort() {
    return tcpPort;
  }

  /** The address the TCP port is bound to: the IPv4 loopback address. */
  public static InetAddress tcpAddress() {
    return LOOPBACK;
  }

  /** The namespaces the server has seen, in first-seen order. */
  public List<String> getSeenNamespaces() {
    return namespaces.snapshot();
  }

  /** The Nexus routes in force. */
  public NexusRoutes getRoutes() {
    return router.getRoutes();
  }

  /** Nexus tasks made up by tests, and rewrites of genuine ones. */
  public InjectedNexusTasks getInjectedNexusTasks() {
    return injected;
  }

  /**
   * The server's current time in epoch milliseconds: wall-clock time, or the skipped-ahead time
   * under time skipping (the test service's {@code GetCurrentTime}, called in-process).
   */
  public long currentTimeMillis() {
    long[] millis = {Long.MIN_VALUE};
    RuntimeException[] failure = {null};
    testService.getCurrentTime(
        com.google.protobuf.Empty.getDefaultInstance(),
        new io.grpc.stub.StreamObserver<io.temporal.api.testservice.v1.GetCurrentTimeResponse>() {
          @Override
          public void onNext(io.temporal.api.testservice.v1.GetCurrentTimeResponse r) {
            millis[0] = r.getTime().getSeconds() * 1000L + r.getTime().getNanos() / 1_000_000;
          }

          @Override
          public void onError(Throwable t) {
            failure[0] = new IllegalStateException("the test server did not report its time", t);
          }

          @Override
          public void onCompleted() {}
        });
    if (failure[0] != null) {
      throw failure[0];
    }
    if (millis[0] == Long.MIN_VALUE) {
      throw new IllegalStateException("the test server did not report its time");
    }
    return millis[0];
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

  private static InetAddress loopbackV4() {
    try {
      return InetAddress.getByAddress("localhost", new byte[] {127, 0, 0, 1});
    } catch (java.net.UnknownHostException e) {
      throw new IllegalStateException(e); // never: the address has a valid length
    }
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
   * The embedded WorkflowService with PollNexusTaskQueue served by the router, and the calls that
   * decide a Nexus operation's outcome checked against each other:
   *
   * <ul>
   *   <li>RespondWorkflowTaskCompleted (where Nexus operations are scheduled and their endpoint
   *       looked up by name, cancels are requested, and a handler workflow's end completes the
   *       operation that started it) runs under the endpoint service's schedule lock;
   *   <li>a completion that asks to cancel a Nexus operation is checked first, and fails its
   *       workflow task as on a real server when the operation is no longer pending ({@link
   *       StaleNexusCancels}). It holds the write side of an outcome lock from the check to the end
   *       of the stock handler, so no operation completes in between; every other completion and
   *       RespondNexusTaskCompleted and RespondNexusTaskFailed (where sync operations complete)
   *       hold its read side. (Operation timeouts, which the server's timers fire, are not
   *       covered.)
   * </ul>
   */
  private static ServerServiceDefinition workflowService(
      TestWorkflowService stock,
      NexusPollRouter router,
      Lock scheduleLock,
      InjectedNexusTasks injected,
      StickyQueueRelease stickyRelease,
      NexusRequestTimeouts requestTimeouts,
      ReadWriteLock outcomes) {
    ServerServiceDefinition original = stock.bindService();
    Map<String, ServerMethodDefinition<?, ?>> replacements = new HashMap<>();
    replace(
        replacements,
        WorkflowServiceGrpc.getPollNexusTaskQueueMethod(),
        ServerCalls.asyncUnaryCall(router::pollNexusTaskQueue));
    replace(
        replacements,
        WorkflowServiceGrpc.getRespondWorkflowTaskCompletedMethod(),
        ServerCalls.asyncUnaryCall(
            (RespondWorkflowTaskCompletedRequest received,
                StreamObserver<RespondWorkflowTaskCompletedResponse> observer) -> {
              RespondWorkflowTaskCompletedRequest request = stickyRelease.onCompletion(received);
              boolean cancels = StaleNexusCancels.requestsCancel(request.getCommandsList());
              Lock outcome = cancels ? outcomes.writeLock() : outcomes.readLock();
              outcome.lock();
              try {
                Optional<StatusRuntimeException> refused =
                    cancels ? failIfStaleCancel(stock, request) : Optional.empty();
                if (refused.isPresent()) {
                  observer.onError(refused.get());
                  return;
                }
                underLock(
                    scheduleLock, () -> stock.respondWorkflowTaskCompleted(request, observer));
              } finally {
                outcome.unlock();
              }
              hintNexusCommands(request, router);
            }));
    replace(
        replacements,
        WorkflowServiceGrpc.getShutdownWorkerMethod(),
        ServerCalls.asyncUnaryCall(
            (ShutdownWorkerRequest request, StreamObserver<ShutdownWorkerResponse> observer) -> {
              stickyRelease.onShutdownWorker(request);
              stock.shutdownWorker(request, observer);
            }));
    replace(
        replacements,
        WorkflowServiceGrpc.getRespondNexusTaskCompletedMethod(),
        ServerCalls.asyncUnaryCall(
            (RespondNexusTaskCompletedRequest request,
                StreamObserver<RespondNexusTaskCompletedResponse> observer) -> {
              requestTimeouts.answered(request.getTaskToken());
              if (injected.capture(request)) {
                observer.onNext(RespondNexusTaskCompletedResponse.getDefaultInstance());
                observer.onCompleted();
                return;
              }
              underLock(
                  outcomes.readLock(), () -> stock.respondNexusTaskCompleted(request, observer));
            }));
    replace(
        replacements,
        WorkflowServiceGrpc.getRespondNexusTaskFailedMethod(),
        ServerCalls.asyncUnaryCall(
            (RespondNexusTaskFailedRequest request,
                StreamObserver<RespondNexusTaskFailedResponse> observer) -> {
              requestTimeouts.answered(request.getTaskToken());
              if (injected.capture(request)) {
                observer.onNext(RespondNexusTaskFailedResponse.getDefaultInstance());
                observer.onCompleted();
                return;
              }
              underLock(outcomes.readLock(), () -> stock.respondNexusTaskFailed(request, observer));
            }));

    ServerServiceDefinition.Builder builder =
        ServerServiceDefinition.builder(original.getServiceDescriptor());
    int replaced = 0;
    for (ServerMethodDefinition<?, ?> method : original.getMethods()) {
      ServerMethodDefinition<?, ?> replacement =
          replacements.get(method.getMethodDescriptor().getFullMethodName());
      if (replacement != null) {
        builder.addMethod(replacement);
        replaced++;
      } else {
        builder.addMethod(method);
      }
    }
    if (replaced != replacements.size()) {
      throw new IllegalStateException(
          "WorkflowService lacks one of " + replacements.keySet() + "; pinned to 1.38.0");
    }
    return builder.build();
  }

  private static <Q, R> void replace(
      Map<String, ServerMethodDefinition<?, ?>> replacements,
      MethodDescriptor<Q, R> method,
      ServerCallHandler<Q, R> handler) {
    replacements.put(method.getFullMethodName(), ServerMethodDefinition.create(method, handler));
  }

  private static void underLock(Lock lock, Runnable call) {
    lock.lock();
    try {
      call.run();
    } finally {
      lock.unlock();
    }
  }

  /**
   * If {@code request} asks to cancel a Nexus operation that is no longer pending, fails its
   * workflow task (so a new one, with the operation's outcome in its history, is scheduled) and
   * returns the error for the worker, as a real server does. The stock server would instead leave
   * the workflow without a workflow task forever. Call under the write side of the outcome lock.
   */
  private static Optional<StatusRuntimeException> failIfStaleCancel(
      TestWorkflowService stock, RespondWorkflowTaskCompletedRequest request) {
    Optional<ExecutionRef> execution = executionOf(request.getTaskToken());
    if (execution.isEmpty()) {
      return Optional.empty(); // not a token of this server: the stock handler answers
    }
    String namespace = execution.get().namespace();
    List<Long> pending = new ArrayList<>();
    try {
      DescribeWorkflowExecutionResponse description =
          InJvmCalls.unary(
              stock::describeWorkflowExecution,
              DescribeWorkflowExecutionRequest.newBuilder()
                  .setNamespace(namespace)
                  .setExecution(execution.get().execution())
                  .build());
      for (PendingNexusOperationInfo operation : description.getPendingNexusOperationsList()) {
        pending.add(operation.getScheduledEventId());
      }
    } catch (StatusRuntimeException e) {
      return Optional.empty(); // closed or unknown workflow: the stock handler answers
    }
    OptionalLong stale = StaleNexusCancels.firstStale(request.getCommandsList(), pending);
    if (stale.isEmpty()) {
      return Optional.empty();
    }
    String message = StaleNexusCancels.message(stale.getAsLong());
    InJvmCalls.unary(
        stock::respondWorkflowTaskFailed,
        RespondWorkflowTaskFailedRequest.newBuilder()
            .setTaskToken(request.getTaskToken())
            .setNamespace(namespace)
            .setIdentity(request.getIdentity())
            .setCause(
                WorkflowTaskFailedCause
                    .WORKFLOW_TASK_FAILED_CAUSE_BAD_REQUEST_CANCEL_NEXUS_OPERATION_ATTRIBUTES)
            .setFailure(Failure.newBuilder().setMessage(message).setSource("EmbeddedTemporal"))
            .build());
    return Optional.of(Status.INVALID_ARGUMENT.withDescription(message).asRuntimeException());
  }

  /** A workflow execution and its namespace. */
  record ExecutionRef(String namespace, WorkflowExecution execution) {}

  /**
   * Reads the namespace and execution from a workflow task token of the temporal-testing 1.38.0
   * server ({@code WorkflowTaskToken}: namespace, workflow id and run id as modified UTF-8, then
   * the history size as an int); empty if {@code token} is not of that form.
   */
  static Optional<ExecutionRef> executionOf(ByteString token) {
    try (DataInputStream in = new DataInputStream(token.newInput())) {
      String namespace = in.readUTF();
      String workflowId = in.readUTF();
      String runId = in.available() > Integer.BYTES ? in.readUTF() : "";
      in.readInt();
      if (in.available() != 0 || namespace.isEmpty() || workflowId.isEmpty()) {
        return Optional.empty();
      }
      return Optional.of(
          new ExecutionRef(
              namespace,
              WorkflowExecution.newBuilder().setWorkflowId(workflowId).setRunId(runId).build()));
    } catch (IOException e) {
      return Optional.empty();
    }
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
