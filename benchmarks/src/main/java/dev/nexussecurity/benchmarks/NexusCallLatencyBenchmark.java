package dev.nexussecurity.benchmarks;

import com.google.crypto.tink.KeysetHandle;
import com.google.crypto.tink.signature.PredefinedSignatureParameters;
import com.google.crypto.tink.signature.SignatureConfig;
import dev.nexussecurity.api.NexusEndpoint;
import dev.nexussecurity.core.InMemoryEndpointRegistry;
import dev.nexussecurity.core.NexusSecurity;
import dev.nexussecurity.core.NexusSecurityOptions;
import dev.nexussecurity.core.TrustStore;
import dev.nexussecurity.testing.EmbeddedTemporal;
import io.nexusrpc.Operation;
import io.nexusrpc.Service;
import io.nexusrpc.handler.OperationHandler;
import io.nexusrpc.handler.OperationImpl;
import io.nexusrpc.handler.ServiceImpl;
import io.temporal.client.WorkflowClient;
import io.temporal.client.WorkflowOptions;
import io.temporal.common.interceptors.WorkerInterceptor;
import io.temporal.worker.WorkerFactory;
import io.temporal.worker.WorkerFactoryOptions;
import io.temporal.workflow.NexusOperationOptions;
import io.temporal.workflow.NexusServiceOptions;
import io.temporal.workflow.Workflow;
import io.temporal.workflow.WorkflowInterface;
import io.temporal.workflow.WorkflowMethod;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OperationsPerInvocation;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;

/**
 * Latency of a synchronous Nexus operation across two namespaces on the embedded Temporal server, with
 * nexus-security off (no interceptors) and on (NexusSecurity on caller and handler workers: registry
 * check, history-recorded decision, Ed25519 token, handler verification), in the same run.
 *
 * <p>Each invocation runs one caller workflow that makes {@value #OPS} sequential sync operations; with
 * {@code @OperationsPerInvocation}, JMH reports time per operation. Sample mode gives the median.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.SampleTime)
@OutputTimeUnit(TimeUnit.MILLISECONDS)
public class NexusCallLatencyBenchmark {
  static final int OPS = 20;
  static final String CALLER_NS = "bench-caller";
  static final String HANDLER_NS = "bench-handler";
  static final String HANDLER_TQ = "bench-handler-tq";
  static final String CALLER_TQ = "bench-caller-tq";
  static final String ENDPOINT = "bench-echo";

  @Param({"off", "on"})
  public String security;

  private EmbeddedTemporal temporal;
  private WorkflowClient caller;
  private long seq;

  @Service
  public interface Echo {
    @Operation
    String echo(String in);
  }

  @ServiceImpl(service = Echo.class)
  public static class EchoImpl {
    @OperationImpl
    public OperationHandler<String, String> echo() {
      return OperationHandler.sync((ctx, details, in) -> in);
    }
  }

  @WorkflowInterface
  public interface Calls {
    @WorkflowMethod
    int run(int count);
  }

  public static class CallsImpl implements Calls {
    @Override
    public int run(int count) {
      Echo echo =
          Workflow.newNexusServiceStub(
              Echo.class,
              NexusServiceOptions.newBuilder()
                  .setEndpoint(ENDPOINT)
                  .setOperationOptions(
                      NexusOperationOptions.newBuilder()
                          .setScheduleToCloseTimeout(Duration.ofSeconds(30))
                          .build())
                  .build());
      int total = 0;
      for (int i = 0; i < count; i++) {
        total += echo.echo("x").length();
      }
      return total;
    }
  }

  @Setup(Level.Trial)
  public void start() throws Exception {
    temporal = EmbeddedTemporal.newBuilder().start();
    temporal.createNexusEndpoint(ENDPOINT, HANDLER_NS, HANDLER_TQ);
    caller = temporal.newWorkflowClient(CALLER_NS);
    WorkflowClient handler = temporal.newWorkflowClient(HANDLER_NS);
    WorkerFactoryOptions callerOptions = WorkerFactoryOptions.getDefaultInstance();
    WorkerFactoryOptions handlerOptions = WorkerFactoryOptions.getDefaultInstance();
    if ("on".equals(security)) {
      SignatureConfig.register();
      KeysetHandle callerKey = KeysetHandle.generateNew(PredefinedSignatureParameters.ED25519);
      InMemoryEndpointRegistry registry =
          InMemoryEndpointRegistry.newBuilder()
              .addEndpoint(
                  NexusEndpoint.newBuilder()
                      .setName(ENDPOINT)
                      .setTargetNamespace(HANDLER_NS)
                      .setTargetTaskQueue(HANDLER_TQ)
                      .addAllowedCallerNamespace(CALLER_NS)
                      .setVersion(1)
                      .build())
              .build();
      callerOptions = withInterceptor(NexusSecurity.newInstance(
              NexusSecurityOptions.newBuilder()
                  .setNamespace(CALLER_NS)
                  .setRegistry(registry)
                  .setSigningKeyset(callerKey)
                  .build())
          .getWorkerInterceptor());
      handlerOptions = withInterceptor(NexusSecurity.newInstance(
              NexusSecurityOptions.newBuilder()
                  .setNamespace(HANDLER_NS)
                  .setRegistry(registry)
                  .setTrustStore(
                      TrustStore.newBuilder()
                          .addNamespace(CALLER_NS, callerKey.getPublicKeysetHandle())
                          .build())
                  .build())
          .getWorkerInterceptor());
    } else if (!"off".equals(security)) {
      throw new IllegalArgumentException("security must be on or off, got " + security);
    }
    WorkerFactory handlerFactory = temporal.newWorkerFactory(handler, handlerOptions);
    handlerFactory.newWorker(HANDLER_TQ).registerNexusServiceImplementation(new EchoImpl());
    WorkerFactory callerFactory = temporal.newWorkerFactory(caller, callerOptions);
    callerFactory.newWorker(CALLER_TQ).registerWorkflowImplementationTypes(CallsImpl.class);
    handlerFactory.start();
    callerFactory.start();
    // one call to warm the workers and the routing path before measuring
    runOnce();
  }

  private static WorkerFactoryOptions withInterceptor(WorkerInterceptor interceptor) {
    return WorkerFactoryOptions.newBuilder().setWorkerInterceptors(interceptor).build();
  }

  private int runOnce() {
    Calls wf =
        caller.newWorkflowStub(
            Calls.class,
            WorkflowOptions.newBuilder()
                .setTaskQueue(CALLER_TQ)
                .setWorkflowId("bench-" + security + "-" + (seq++))
                .build());
    return wf.run(OPS);
  }

  @TearDown(Level.Trial)
  public void stop() {
    temporal.close();
  }

  /** One workflow making {@value #OPS} sync Nexus operations; reported per operation. */
  @Benchmark
  @OperationsPerInvocation(OPS)
  public int syncNexusOperation() {
    return runOnce();
  }
}
