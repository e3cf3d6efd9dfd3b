package dev.nexussecurity.it.support;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.google.crypto.tink.KeysetHandle;
import dev.nexussecurity.api.NexusEndpoint;
import dev.nexussecurity.core.CallerPolicy;
import dev.nexussecurity.core.IdentityMode;
import dev.nexussecurity.core.NexusSecurity;
import dev.nexussecurity.core.NexusSecurityOptions;
import dev.nexussecurity.testing.EmbeddedTemporal;
import dev.nexussecurity.testing.NexusSecurityExtension;
import dev.nexussecurity.testing.NexusSecurityTestEnvironment;
import dev.nexussecurity.testing.PayloadEncryption;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.temporal.api.common.v1.WorkflowExecution;
import io.temporal.api.enums.v1.EventType;
import io.temporal.api.enums.v1.WorkflowExecutionStatus;
import io.temporal.api.history.v1.HistoryEvent;
import io.temporal.api.workflowservice.v1.DescribeWorkflowExecutionRequest;
import io.temporal.client.WorkflowClient;
import io.temporal.client.WorkflowOptions;
import io.temporal.common.interceptors.WorkerInterceptor;
import io.temporal.worker.Worker;
import io.temporal.worker.WorkerFactory;
import io.temporal.worker.WorkerFactoryOptions;
import java.time.Duration;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.function.BooleanSupplier;

/**
 * The end-to-end setting of the access-control suites, on the environment of a {@link
 * NexusSecurityExtension} ({@link #extension()}: one embedded Temporal server with true
 * cross-namespace Nexus routing, the namespaces, their signing keys and mutual trust): callers in
 * {@code caller-a} (on the allowlist) and {@code caller-b} (trusted by the handler, not on the
 * allowlist), a handler worker polling only {@code handler-ns}. Each worker factory has its own
 * NexusSecurity instance, built from its namespace's options plus a registry the tests edit
 * directly (shared by caller and handler) and one {@link AuditLog}. Caller workers are created on
 * first use (see {@link CallerProfile}); every caller factory has the {@link HeaderTamper}
 * registered after NexusSecurity (except the control profile {@link
 * CallerProfile#A_TAMPER_OUTSIDE}). Callers authenticate with Ed25519 signatures ({@link
 * IdentityMode#SIGNATURE}); payloads are not encrypted.
 *
 * <pre>{@code
 * @RegisterExtension static final NexusSecurityExtension NEXUS = SecurityTestBed.extension();
 * @BeforeAll static void start(NexusSecurityTestEnvironment env) { bed = SecurityTestBed.start(env); }
 * }</pre>
 */
public final class SecurityTestBed implements AutoCloseable {
  public static final String CALLER_A = "caller-a";
  public static final String CALLER_B = "caller-b";
  public static final String HANDLER_NS = "handler-ns";
  public static final String HANDLER_TQ = "probe-tq";

  /** The main endpoint: targets handler-ns/probe-tq, allowlist [caller-a]. */
  public static final String ENDPOINT = "probe";

  private final NexusSecurityTestEnvironment env;
  private final EmbeddedTemporal temporal;
  private final InMemoryRegistry registry = new InMemoryRegistry();
  private final AuditLog audit = new AuditLog();
  private final HeaderTamper tamper = new HeaderTamper();
  private final WorkflowClient handlerClient;
  private final Map<CallerProfile, WorkflowClient> callers = new EnumMap<>(CallerProfile.class);

  private SecurityTestBed(NexusSecurityTestEnvironment env) {
    this.env = env;
    this.temporal = env.getTemporal();
    addEndpoint(ENDPOINT, CALLER_A);
    handlerClient = temporal.newWorkflowClient(HANDLER_NS);
    NexusSecurity handlerSecurity = NexusSecurity.newInstance(options(HANDLER_NS).build());
    WorkerFactory factory =
        temporal.newWorkerFactory(
            handlerClient,
            WorkerFactoryOptions.newBuilder()
                .setWorkerInterceptors(handlerSecurity.getWorkerInterceptor())
                .build());
    Worker worker = factory.newWorker(HANDLER_TQ);
    worker.registerNexusServiceImplementation(new ProbeServiceImpl());
    worker.registerWorkflowImplementationTypes(
        HandlerWorkflows.QuickImpl.class, HandlerWorkflows.WaitingImpl.class);
    factory.start();
  }

  /**
   * The extension a test class registers for this setting: namespaces caller-a, caller-b and
   * handler-ns without payload encryption; endpoints are added by {@link #start}.
   */
  public static NexusSecurityExtension extension() {
    return NexusSecurityExtension.newBuilder()
        .addNamespace(CALLER_A, PayloadEncryption.none())
        .addNamespace(CALLER_B, PayloadEncryption.none())
        .addNamespace(HANDLER_NS, PayloadEncryption.none())
        .build();
  }

  /**
   * Creates the endpoints and starts the handler worker in {@code env} (of {@link #extension()}).
   */
  public static SecurityTestBed start(NexusSecurityTestEnvironment env) {
    return new SecurityTestBed(env);
  }

  private NexusSecurityOptions.Builder options(String namespace) {
    // Signature mode: the token attacks of these suites forge and re-sign Ed25519 tokens.
    return env.getNamespace(namespace)
        .newOptionsBuilder()
        .setCallerPolicy(CallerPolicy.newBuilder().setIdentityMode(IdentityMode.SIGNATURE).build())
        .setRegistry(registry)
        .addAuditListener(audit);
  }

  /**
   * Creates endpoint {@code name} on the server and in the registry, both targeting
   * handler-ns/probe-tq, with {@code allowedCallers} on its allowlist.
   */
  public void addEndpoint(String name, String... allowedCallers) {
    temporal.createNexusEndpoint(name, HANDLER_NS, HANDLER_TQ);
    registry.put(endpoint(name, HANDLER_NS, HANDLER_TQ, allowedCallers));
  }

  /** Creates endpoint {@code name} on the server only (targeting handler-ns/probe-tq). */
  public void addServerOnlyEndpoint(String name) {
    temporal.createNexusEndpoint(name, HANDLER_NS, HANDLER_TQ);
  }

  /** An endpoint value for the registry. */
  public static NexusEndpoint endpoint(
      String name, String targetNamespace, String targetTaskQueue, String... allowedCallers) {
    return NexusEndpoint.newBuilder()
        .setName(name)
        .setTargetNamespace(targetNamespace)
        .setTargetTaskQueue(targetTaskQueue)
        .setAllowedCallerNamespaces(List.of(allowedCallers))
        .build();
  }

  public InMemoryRegistry registry() {
    return registry;
  }

  public AuditLog audit() {
    return audit;
  }

  public HeaderTamper tamper() {
    return tamper;
  }

  /** The private signing keyset of {@code namespace}. */
  public KeysetHandle signingKey(String namespace) {
    return env.getNamespace(namespace).getSigningKeyset();
  }

  /** A client of the handler namespace. */
  public WorkflowClient handlerClient() {
    return handlerClient;
  }

  /** The client of {@code profile}'s namespace, starting its caller worker on first use. */
  public synchronized WorkflowClient caller(CallerProfile profile) {
    WorkflowClient client = callers.get(profile);
    if (client == null) {
      client = temporal.newWorkflowClient(profile.getNamespace());
      NexusSecurity security =
          NexusSecurity.newInstance(profile.customize(options(profile.getNamespace())).build());
      WorkerFactory factory =
          temporal.newWorkerFactory(
              client,
              WorkerFactoryOptions.newBuilder()
                  // NexusSecurity first: for outbound workflow calls the first is the outermost, so
                  // the tamper sees (and may rewrite) the headers NexusSecurity has set.
                  .setWorkerInterceptors(
                      profile == CallerProfile.A_TAMPER_OUTSIDE
                          ? new WorkerInterceptor[] {tamper, security.getWorkerInterceptor()}
                          : new WorkerInterceptor[] {security.getWorkerInterceptor(), tamper})
                  .build());
      factory
          .newWorker(profile.getTaskQueue())
          .registerWorkflowImplementationTypes(
              CallerWorkflows.OneCallImpl.class,
              CallerWorkflows.StepwiseImpl.class,
              CallerWorkflows.CancellingCallerImpl.class);
      factory.start();
      callers.put(profile, client);
    }
    return client;
  }

  /** A typed stub of a new workflow of {@code profile} with id {@code workflowId}. */
  public <T> T newCaller(CallerProfile profile, Class<T> workflowInterface, String workflowId) {
    return caller(profile)
        .newWorkflowStub(
            workflowInterface,
            WorkflowOptions.newBuilder()
                .setTaskQueue(profile.getTaskQueue())
                .setWorkflowId(workflowId)
                .setWorkflowExecutionTimeout(Duration.ofSeconds(60))
                .build());
  }

  /**
   * Calls {@code operation} once from a new {@link CallerWorkflows.OneCall} workflow and returns
   * its result.
   */
  public String call(
      CallerProfile profile, String workflowId, String endpoint, String operation, String input) {
    return newCaller(profile, CallerWorkflows.OneCall.class, workflowId)
        .call(endpoint, operation, input);
  }

  /** A unique id with a readable prefix. */
  public static String uniqueId(String prefix) {
    return prefix + "-" + UUID.randomUUID();
  }

  /** The events of a workflow of {@code namespace}. */
  public List<HistoryEvent> history(String namespace, String workflowId) {
    return temporal.newWorkflowClient(namespace).fetchHistory(workflowId).getEvents();
  }

  /** How many events of {@code type} the history of workflow {@code workflowId} holds. */
  public long countEvents(String namespace, String workflowId, EventType type) {
    return history(namespace, workflowId).stream().filter(e -> e.getEventType() == type).count();
  }

  /** The status of a workflow in the handler namespace. */
  public WorkflowExecutionStatus handlerWorkflowStatus(String workflowId) {
    return handlerClient.newUntypedWorkflowStub(workflowId).describe().getStatus();
  }

  /** Asserts that no workflow {@code workflowId} exists in {@code namespace}. */
  public void assertNoWorkflow(String namespace, String workflowId) {
    assertThatThrownBy(
            () ->
                temporal
                    .getWorkflowServiceStubs()
                    .blockingStub()
                    .describeWorkflowExecution(
                        DescribeWorkflowExecutionRequest.newBuilder()
                            .setNamespace(namespace)
                            .setExecution(WorkflowExecution.newBuilder().setWorkflowId(workflowId))
                            .build()))
        .isInstanceOfSatisfying(
            StatusRuntimeException.class,
            e -> assertThat(e.getStatus().getCode()).isEqualTo(Status.Code.NOT_FOUND));
  }

  /** Waits, polling every 20 ms, until {@code condition} holds; fails after 20 s. */
  public static void awaitCondition(String what, BooleanSupplier condition) {
    long deadline = System.nanoTime() + Duration.ofSeconds(20).toNanos();
    while (!condition.getAsBoolean()) {
      if (System.nanoTime() > deadline) {
        throw new AssertionError("timed out waiting until " + what);
      }
      try {
        Thread.sleep(20);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new AssertionError("interrupted waiting until " + what, e);
      }
    }
  }

  /** Nothing to release: the extension shuts down the workers and the server after the class. */
  @Override
  public void close() {}
}
