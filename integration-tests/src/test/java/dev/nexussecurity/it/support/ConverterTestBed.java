package dev.nexussecurity.it.support;

import dev.nexussecurity.core.NexusSecurity;
import dev.nexussecurity.core.NexusSecurityOptions;
import dev.nexussecurity.testing.EmbeddedTemporal;
import dev.nexussecurity.testing.NexusSecurityExtension;
import dev.nexussecurity.testing.NexusSecurityTestEnvironment;
import dev.nexussecurity.testing.PayloadEncryption;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.temporal.api.common.v1.WorkflowExecution;
import io.temporal.api.history.v1.HistoryEvent;
import io.temporal.api.workflowservice.v1.DescribeWorkflowExecutionRequest;
import io.temporal.api.workflowservice.v1.DescribeWorkflowExecutionResponse;
import io.temporal.client.WorkflowClient;
import io.temporal.client.WorkflowOptions;
import io.temporal.client.WorkflowStub;
import io.temporal.common.converter.DataConverter;
import io.temporal.worker.Worker;
import io.temporal.worker.WorkerFactory;
import io.temporal.worker.WorkerFactoryOptions;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.UnaryOperator;

/**
 * One embedded Temporal server with true cross-namespace Nexus routing, for tests of the converter
 * compatibility check: a caller namespace and a handler namespace, nexus-security on every worker,
 * and as many caller and handler workers as the test needs, each with its own {@link
 * DataConverter}.
 *
 * <p>Every handler worker polls its own task queue in {@value #HANDLER_NS} behind an endpoint of
 * its own (allowlist: {@value #CALLER_NS}); its WorkflowClient has the handler's converter, and its
 * NexusSecurity is configured by the test (usually {@code setDataConverter} with the same
 * converter). Every caller worker polls its own task queue in {@value #CALLER_NS}, with the
 * caller's converter in its WorkflowClient and its NexusSecurity. Namespaces, keys and trust come
 * from the {@link #extension() extension}; each worker factory has its own NexusSecurity instance;
 * all share one in-memory registry and one {@link AuditLog}. Handler workers record the Nexus
 * headers they receive ({@link NexusHeaderRecorder}).
 */
public final class ConverterTestBed implements AutoCloseable {
  public static final String CALLER_NS = "orders-caller";
  public static final String HANDLER_NS = "payments-handler";

  private final NexusSecurityTestEnvironment env;
  private final EmbeddedTemporal temporal;
  private final InMemoryRegistry registry = new InMemoryRegistry();
  private final AuditLog audit = new AuditLog();
  private final Map<String, NexusHeaderRecorder> headersByEndpoint = new ConcurrentHashMap<>();

  private ConverterTestBed(NexusSecurityTestEnvironment env) {
    this.env = env;
    this.temporal = env.getTemporal();
  }

  /**
   * The extension a test class registers for this setting: namespaces {@value #CALLER_NS} and
   * {@value #HANDLER_NS} without the extension's own payload encryption (each worker gets the
   * converter the test chooses).
   */
  public static NexusSecurityExtension extension() {
    return NexusSecurityExtension.newBuilder()
        .addNamespace(CALLER_NS, PayloadEncryption.none())
        .addNamespace(HANDLER_NS, PayloadEncryption.none())
        .build();
  }

  /** The setting on {@code env} (of {@link #extension()}); workers are added by the test. */
  public static ConverterTestBed start(NexusSecurityTestEnvironment env) {
    return new ConverterTestBed(env);
  }

  private NexusSecurityOptions.Builder options(String namespace) {
    return env.getNamespace(namespace)
        .newOptionsBuilder()
        .setRegistry(registry)
        .addAuditListener(audit);
  }

  /**
   * Starts a handler worker on task queue {@code <endpoint>-tq} in {@value #HANDLER_NS} behind a
   * new endpoint {@code endpoint} (on the server and in the registry, allowlist {@value
   * #CALLER_NS}). Its WorkflowClient uses {@code clientConverter}; {@code security} shapes its
   * NexusSecurity options (namespace, registry, trust store and audit are set already).
   */
  public void addHandler(
      String endpoint,
      DataConverter clientConverter,
      UnaryOperator<NexusSecurityOptions.Builder> security) {
    String taskQueue = endpoint + "-tq";
    temporal.createNexusEndpoint(endpoint, HANDLER_NS, taskQueue);
    registry.put(SecurityTestBed.endpoint(endpoint, HANDLER_NS, taskQueue, CALLER_NS));
    NexusHeaderRecorder headers = new NexusHeaderRecorder();
    headersByEndpoint.put(endpoint, headers);
    NexusSecurity nexusSecurity =
        NexusSecurity.newInstance(security.apply(options(HANDLER_NS)).build());
    WorkerFactory factory =
        temporal.newWorkerFactory(
            temporal.newWorkflowClient(HANDLER_NS, clientConverter),
            WorkerFactoryOptions.newBuilder()
                .setWorkerInterceptors(nexusSecurity.getWorkerInterceptor(), headers)
                .build());
    Worker worker = factory.newWorker(taskQueue);
    worker.registerNexusServiceImplementation(new ProbeServiceImpl());
    worker.registerWorkflowImplementationTypes(
        HandlerWorkflows.QuickImpl.class, HandlerWorkflows.WaitingImpl.class);
    factory.start();
  }

  /**
   * Starts a caller worker on task queue {@code taskQueue} in {@value #CALLER_NS} whose
   * WorkflowClient and NexusSecurity both use {@code converter}.
   */
  public Caller addCaller(String taskQueue, DataConverter converter) {
    WorkflowClient client = temporal.newWorkflowClient(CALLER_NS, converter);
    NexusSecurity nexusSecurity =
        NexusSecurity.newInstance(options(CALLER_NS).setDataConverter(converter).build());
    WorkerFactory factory =
        temporal.newWorkerFactory(
            client,
            WorkerFactoryOptions.newBuilder()
                .setWorkerInterceptors(nexusSecurity.getWorkerInterceptor())
                .build());
    factory
        .newWorker(taskQueue)
        .registerWorkflowImplementationTypes(CallerWorkflows.TimedCallImpl.class);
    factory.start();
    return new Caller(client, taskQueue);
  }

  /** The Nexus headers the handler worker behind {@code endpoint} has received. */
  public NexusHeaderRecorder headersReceivedVia(String endpoint) {
    return headersByEndpoint.get(endpoint);
  }

  public AuditLog audit() {
    return audit;
  }

  /**
   * The events of workflow {@code workflowId} in {@code namespace}, payloads as stored (encoded).
   */
  public List<HistoryEvent> history(String namespace, String workflowId) {
    return temporal.newWorkflowClient(namespace).fetchHistory(workflowId).getEvents();
  }

  /** Whether workflow {@code workflowId} exists in {@code namespace}. */
  public boolean workflowExists(String namespace, String workflowId) {
    try {
      temporal
          .getWorkflowServiceStubs()
          .blockingStub()
          .describeWorkflowExecution(
              DescribeWorkflowExecutionRequest.newBuilder()
                  .setNamespace(namespace)
                  .setExecution(WorkflowExecution.newBuilder().setWorkflowId(workflowId))
                  .build());
      return true;
    } catch (StatusRuntimeException e) {
      if (e.getStatus().getCode() == Status.Code.NOT_FOUND) {
        return false;
      }
      throw e;
    }
  }

  /**
   * Describes workflow {@code workflowId} of {@code namespace}, pending Nexus operations included.
   */
  public DescribeWorkflowExecutionResponse describe(String namespace, String workflowId) {
    return temporal
        .getWorkflowServiceStubs()
        .blockingStub()
        .describeWorkflowExecution(
            DescribeWorkflowExecutionRequest.newBuilder()
                .setNamespace(namespace)
                .setExecution(WorkflowExecution.newBuilder().setWorkflowId(workflowId))
                .build());
  }

  /** Nothing to release: the extension shuts down the workers and the server after the class. */
  @Override
  public void close() {}

  /** A caller worker: runs one {@link CallerWorkflows.TimedCall} workflow per call. */
  public static final class Caller {
    private final WorkflowClient client;
    private final String taskQueue;

    private Caller(WorkflowClient client, String taskQueue) {
      this.client = client;
      this.taskQueue = taskQueue;
    }

    /**
     * Runs workflow {@code workflowId}, which calls {@code operation} on {@code endpoint} with
     * {@code input} and a schedule-to-close timeout of {@code timeout}, and returns its result.
     */
    public String call(
        String workflowId, String endpoint, String operation, String input, Duration timeout) {
      return start(workflowId, endpoint, operation, input, timeout).getResult(String.class);
    }

    /** Like {@link #call}, but returns once the workflow has started. */
    public WorkflowStub start(
        String workflowId, String endpoint, String operation, String input, Duration timeout) {
      WorkflowStub stub =
          client.newUntypedWorkflowStub(
              "TimedCall",
              WorkflowOptions.newBuilder()
                  .setTaskQueue(taskQueue)
                  .setWorkflowId(workflowId)
                  .setWorkflowExecutionTimeout(Duration.ofSeconds(60))
                  .build());
      stub.start(endpoint, operation, input, timeout.toMillis());
      return stub;
    }
  }
}
