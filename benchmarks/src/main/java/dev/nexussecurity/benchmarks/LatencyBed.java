package dev.nexussecurity.benchmarks;

import dev.nexussecurity.api.NexusEndpoint;
import dev.nexussecurity.core.CallerPolicy;
import dev.nexussecurity.core.HandlerPolicy;
import dev.nexussecurity.core.IdentityMode;
import dev.nexussecurity.core.InMemoryEndpointRegistry;
import dev.nexussecurity.core.NexusSecurity;
import dev.nexussecurity.core.NexusSecurityOptions;
import dev.nexussecurity.core.keys.NamespaceKeyDirectory;
import dev.nexussecurity.core.keys.NamespaceKeys;
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
import java.util.Map;
import org.bouncycastle.jce.provider.BouncyCastleProvider;

/**
 * A caller namespace and a handler namespace on an {@link EmbeddedTemporal}, with one endpoint, for
 * measuring a synchronous Nexus call with nexus-security off, on (Ed25519 tokens) or on-mac (shared
 * secret MAC tokens). Several variants can live on one server side by side: each gets its own
 * namespaces, task queues and endpoint.
 */
final class LatencyBed {
  /** The security variants. */
  enum Variant {
    OFF,
    PAIRWISE,
    SIGNATURE,
    /** SIGNATURE with Ed25519 computed in BouncyCastle's provider (setSignatureProvider). */
    SIGNATURE_PROVIDER
  }

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
      Echo echo = Workflow.newNexusServiceStub(Echo.class);
      int total = 0;
      for (int i = 0; i < count; i++) {
        total += echo.echo("x").length();
      }
      return total;
    }
  }

  private final Variant variant;
  private final WorkflowClient caller;
  private final String callerTaskQueue;
  private long seq;

  /** Sets up {@code variant} on {@code temporal} and starts its workers. */
  LatencyBed(EmbeddedTemporal temporal, Variant variant) throws Exception {
    this.variant = variant;
    String v = variant.name().toLowerCase().replace('_', '-');
    String callerNs = "bench-caller-" + v;
    String handlerNs = "bench-handler-" + v;
    String handlerTq = "bench-handler-tq-" + v;
    String endpoint = "bench-echo-" + v;
    this.callerTaskQueue = "bench-caller-tq-" + v;
    temporal.createNexusEndpoint(endpoint, handlerNs, handlerTq);
    caller = temporal.newWorkflowClient(callerNs);
    WorkflowClient handler = temporal.newWorkflowClient(handlerNs);
    WorkerFactoryOptions callerOptions = WorkerFactoryOptions.getDefaultInstance();
    WorkerFactoryOptions handlerOptions = WorkerFactoryOptions.getDefaultInstance();
    if (variant != Variant.OFF) {
      // PAIRWISE: HMAC under the derived pair key (the default); SIGNATURE: Ed25519 (Tink's own
      // code, or BouncyCastle's provider through Tink for SIGNATURE_PROVIDER)
      IdentityMode mode =
          variant == Variant.PAIRWISE ? IdentityMode.PAIRWISE : IdentityMode.SIGNATURE;
      NamespaceKeys callerKeys = NamespaceKeys.generate(callerNs, true);
      NamespaceKeys handlerKeys = NamespaceKeys.generate(handlerNs, true);
      NamespaceKeyDirectory directory =
          NamespaceKeyDirectory.newBuilder()
              .put(callerKeys.toPublicKeys())
              .put(handlerKeys.toPublicKeys())
              .build();
      InMemoryEndpointRegistry registry =
          InMemoryEndpointRegistry.newBuilder()
              .addEndpoint(
                  NexusEndpoint.newBuilder()
                      .setName(endpoint)
                      .setTargetNamespace(handlerNs)
                      .setTargetTaskQueue(handlerTq)
                      .addAllowedCallerNamespace(callerNs)
                      .setVersion(1)
                      .build())
              .build();
      NexusSecurityOptions.Builder callerSecurity =
          NexusSecurityOptions.newBuilder()
              .setNamespaceKeys(callerKeys)
              .setKeyDirectory(directory)
              .setRegistry(registry)
              .setCallerPolicy(CallerPolicy.newBuilder().setIdentityMode(mode).build());
      NexusSecurityOptions.Builder handlerSecurity =
          NexusSecurityOptions.newBuilder()
              .setNamespaceKeys(handlerKeys)
              .setKeyDirectory(directory)
              .setRegistry(registry)
              // the bed has no binding-aware codec
              .setHandlerPolicy(HandlerPolicy.newBuilder().setAllowUnboundInput(true).build());
      if (variant == Variant.SIGNATURE_PROVIDER) {
        callerSecurity.setSignatureProvider(new BouncyCastleProvider());
        handlerSecurity.setSignatureProvider(new BouncyCastleProvider());
      }
      callerOptions =
          withInterceptor(NexusSecurity.newInstance(callerSecurity.build()).getWorkerInterceptor());
      handlerOptions =
          withInterceptor(
              NexusSecurity.newInstance(handlerSecurity.build()).getWorkerInterceptor());
    }
    WorkerFactory handlerFactory = temporal.newWorkerFactory(handler, handlerOptions);
    handlerFactory.newWorker(handlerTq).registerNexusServiceImplementation(new EchoImpl());
    WorkerFactory callerFactory = temporal.newWorkerFactory(caller, callerOptions);
    callerFactory
        .newWorker(callerTaskQueue)
        .registerWorkflowImplementationTypes(
            io.temporal.worker.WorkflowImplementationOptions.newBuilder()
                .setNexusServiceOptions(
                    Map.of(
                        "Echo",
                        NexusServiceOptions.newBuilder()
                            .setEndpoint(endpoint)
                            .setOperationOptions(
                                NexusOperationOptions.newBuilder()
                                    .setScheduleToCloseTimeout(Duration.ofSeconds(30))
                                    .build())
                            .build()))
                .build(),
            CallsImpl.class);
    handlerFactory.start();
    callerFactory.start();
  }

  private static WorkerFactoryOptions withInterceptor(WorkerInterceptor interceptor) {
    return WorkerFactoryOptions.newBuilder().setWorkerInterceptors(interceptor).build();
  }

  /** Runs one caller workflow making {@code ops} sequential sync Nexus operations. */
  int run(int ops) {
    Calls wf =
        caller.newWorkflowStub(
            Calls.class,
            WorkflowOptions.newBuilder()
                .setTaskQueue(callerTaskQueue)
                .setWorkflowId("bench-" + variant + "-" + (seq++))
                .build());
    return wf.run(ops);
  }
}
