package dev.nexussecurity.loadtests;

import dev.nexussecurity.core.NexusSecurity;
import dev.nexussecurity.core.server.ReconcileResult;
import dev.nexussecurity.core.server.ServerEndpointRegistry;
import dev.nexussecurity.testing.EmbeddedTemporal;
import io.temporal.api.history.v1.HistoryEvent;
import io.temporal.client.WorkflowClient;
import io.temporal.common.converter.DataConverter;
import io.temporal.serviceclient.OperatorServiceStubs;
import io.temporal.serviceclient.OperatorServiceStubsOptions;
import io.temporal.worker.WorkerFactory;
import io.temporal.worker.WorkerFactoryOptions;
import io.temporal.worker.WorkerOptions;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;

/**
 * The load and soak test bed: the embedded server on a loopback port, the reconciler that writes
 * the endpoints' signed policies to it, the caller workers of the four caller namespaces in this
 * JVM (secured and plain), and the handler processes.
 */
final class LoadBed implements AutoCloseable {
  /** One caller namespace's secured worker generation. */
  private record SecuredCaller(WorkflowClient client, WorkerFactory factory) {}

  final SecuritySetup setup = SecuritySetup.random();
  final SecuritySetup.Tuning tuning;
  private final boolean sticky;
  final Path dir;
  final EmbeddedTemporal temporal;
  final PolicySource policy = new PolicySource();
  final FaultSwitch callerRegistryFaults = new FaultSwitch();
  private final OperatorServiceStubs callerRegistryStubs;
  final ServerEndpointRegistry callerRegistry;
  private final Map<String, SecuredCaller> secured = new ConcurrentHashMap<>();
  private final Map<String, WorkflowClient> plain = new ConcurrentHashMap<>();
  private final Map<String, Integer> incarnations = new ConcurrentHashMap<>();
  final List<HandlerProcess> handlers = new ArrayList<>();

  /**
   * @param sticky whether the handler processes use sticky execution. The embedded server hands a
   *     stopped worker's sticky queue back to the normal queue when the worker says it shuts down
   *     ({@code ShutdownWorker}, sent by {@code shutdown()} and {@code shutdownNow()}), but never
   *     moves a task off the sticky queue of a worker that died (a real server does after the
   *     sticky schedule-to-start timeout, 5 s by default), so tests that kill handler processes
   *     turn it off. The caller workers in this JVM are always sticky (the SDK's default); they are
   *     only ever stopped gracefully.
   */
  LoadBed(SecuritySetup.Tuning tuning, Path dir, int handlerProcesses, boolean sticky) {
    this.tuning = tuning;
    this.sticky = sticky;
    this.dir = dir;
    this.temporal = EmbeddedTemporal.newBuilder().setTcpPort(0).start();
    policy.store(Operations.OPEN_ENDPOINT, Operations.OPEN_ALLOWLIST);
    policy.store(Operations.RESTRICTED_ENDPOINT, Operations.RESTRICTED_ALLOWLIST);
    reconcile();
    temporal.createNexusEndpoint(
        Operations.PLAIN_ENDPOINT, Operations.HANDLER_NS, Operations.PLAIN_TQ);
    callerRegistryStubs =
        OperatorServiceStubs.newServiceStubs(
            OperatorServiceStubsOptions.newBuilder()
                .setTarget(target())
                .setGrpcClientInterceptors(List.of(callerRegistryFaults))
                .validateAndBuildWithDefaults());
    callerRegistry = setup.serverRegistry(callerRegistryStubs, tuning);
    for (String ns : Operations.CALLERS) {
      startSecuredCaller(ns, 0, 0);
      WorkflowClient client = temporal.newWorkflowClient(ns, SecuritySetup.plainConverter());
      WorkerFactory factory = temporal.newWorkerFactory(client);
      factory
          .newWorker(Operations.PLAIN_CALLER_TQ)
          .registerWorkflowImplementationTypes(CallerWorkflowImpl.class);
      factory.start();
      plain.put(ns, client);
    }
    for (int i = 1; i <= handlerProcesses; i++) {
      handlers.add(startHandler("h" + i, 0));
    }
  }

  String target() {
    return temporal.getTcpTarget().orElseThrow();
  }

  /** Writes the policy source to the server; the registries pick it up at their next refresh. */
  void reconcile() {
    ReconcileResult result =
        setup.reconciler(policy, temporal.getOperatorServiceStubs()).reconcile();
    if (!result.isSuccess()) {
      throw new IllegalStateException("reconcile failed: " + result);
    }
  }

  /** Starts a handler process named {@code name} with payload keys of {@code payloadGeneration}. */
  HandlerProcess startHandler(String name, int payloadGeneration) {
    int incarnation = incarnations.merge(name, 1, Integer::sum) - 1;
    return HandlerProcess.start(
        name, incarnation, target(), dir, payloadGeneration, tuning, sticky, setup.environment());
  }

  /**
   * Starts (or restarts: the previous worker drains and stops first) the secured caller worker of
   * {@code namespace}, signing with identity key {@code identityGeneration} and encrypting with
   * payload key {@code payloadGeneration}.
   */
  void startSecuredCaller(String namespace, int identityGeneration, int payloadGeneration) {
    SecuredCaller old = secured.get(namespace);
    if (old != null) {
      old.factory().shutdown();
      old.factory().awaitTermination(30, TimeUnit.SECONDS);
    }
    DataConverter converter = setup.converter(payloadGeneration);
    NexusSecurity security =
        setup.callerSecurity(
            namespace,
            callerRegistry,
            identityGeneration,
            converter,
            !namespace.equals(Operations.UNCHECKED_CALLER),
            tuning);
    WorkflowClient client = temporal.newWorkflowClient(namespace, converter);
    WorkerFactory factory =
        temporal.newWorkerFactory(
            client,
            WorkerFactoryOptions.newBuilder()
                .setWorkerInterceptors(security.getWorkerInterceptor())
                .build());
    factory
        .newWorker(Operations.CALLER_TQ)
        .registerWorkflowImplementationTypes(CallerWorkflowImpl.class);
    factory.start();
    secured.put(namespace, new SecuredCaller(client, factory));
  }

  /** Worker options with sticky execution on (the SDK's default) or off. */
  static WorkerOptions workerOptions(boolean sticky) {
    return sticky
        ? WorkerOptions.getDefaultInstance()
        : WorkerOptions.newBuilder().setStickyQueueScheduleToStartTimeout(Duration.ZERO).build();
  }

  /** The client that starts {@code op}'s caller workflow. */
  WorkflowClient clientFor(Op op) {
    return op.secured ? secured.get(op.namespace).client() : plain.get(op.namespace);
  }

  /**
   * Where a lost operation stopped: the last events of its caller workflow and, for a workflow-run
   * operation, of its handler workflow.
   */
  String describeLost(Op op) {
    StringBuilder sb = new StringBuilder(op.id);
    sb.append(": caller ").append(lastEvents(op.namespace, "c-" + op.id));
    if (op.operation.equals("run")) {
      sb.append("; handler ").append(lastEvents(Operations.HANDLER_NS, "h-" + op.id));
    }
    return sb.toString();
  }

  private String lastEvents(String namespace, String workflowId) {
    try {
      List<HistoryEvent> events =
          temporal.newWorkflowClient(namespace).fetchHistory(workflowId).getEvents();
      List<String> names = new ArrayList<>();
      for (HistoryEvent e : events.subList(Math.max(0, events.size() - 4), events.size())) {
        String queue =
            e.hasWorkflowTaskScheduledEventAttributes()
                ? "("
                    + e.getWorkflowTaskScheduledEventAttributes().getTaskQueue().getName()
                    + " "
                    + e.getWorkflowTaskScheduledEventAttributes().getTaskQueue().getKind().name()
                    + ")"
                : "";
        names.add(
            e.getEventId() + ":" + e.getEventType().name().replace("EVENT_TYPE_", "") + queue);
      }
      return names.toString();
    } catch (RuntimeException e) {
      return "(no history: " + e.getClass().getSimpleName() + ")";
    }
  }

  /** Whether the policy in force admits {@code namespace} on {@code endpoint}. */
  static boolean allowedBy(Set<String> openAllowlist, String endpoint, String namespace) {
    return endpoint.equals(Operations.RESTRICTED_ENDPOINT)
        ? Operations.RESTRICTED_ALLOWLIST.contains(namespace)
        : openAllowlist.contains(namespace);
  }

  @Override
  public void close() {
    for (HandlerProcess h : handlers) {
      h.close();
    }
    callerRegistry.close();
    temporal.close();
    callerRegistryStubs.shutdownNow();
  }
}
