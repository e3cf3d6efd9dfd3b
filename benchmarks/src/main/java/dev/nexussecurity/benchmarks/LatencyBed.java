package dev.nexussecurity.benchmarks;

import com.google.crypto.tink.KeysetHandle;
import com.google.crypto.tink.mac.MacConfig;
import com.google.crypto.tink.mac.MacConfig2026;
import com.google.crypto.tink.mac.PredefinedMacParameters;
import com.google.crypto.tink.signature.PredefinedSignatureParameters;
import com.google.crypto.tink.signature.SignatureConfig;
import com.google.crypto.tink.signature.SignatureConfig2026;
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
import java.util.Map;

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
    ON,
    ON_MAC
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
      SignatureConfig.register();
      MacConfig.register();
      boolean mac = variant == Variant.ON_MAC;
      KeysetHandle callerKey =
          mac
              ? KeysetHandle.generateNew(
                  PredefinedMacParameters.HMAC_SHA256_256BITTAG, MacConfig2026.get())
              : KeysetHandle.generateNew(
                  PredefinedSignatureParameters.ED25519, SignatureConfig2026.get());
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
          NexusSecurityOptions.newBuilder().setNamespace(callerNs).setRegistry(registry);
      callerOptions =
          withInterceptor(
              NexusSecurity.newInstance(
                      (mac
                              ? callerSecurity.setIdentityMacKeyset(callerKey)
                              : callerSecurity.setSigningKeyset(callerKey))
                          .build())
                  .getWorkerInterceptor());
      TrustStore trust =
          mac
              ? TrustStore.newBuilder().addSharedSecretNamespace(callerNs, callerKey).build()
              : TrustStore.newBuilder()
                  .addNamespace(callerNs, callerKey.getPublicKeysetHandle())
                  .build();
      handlerOptions =
          withInterceptor(
              NexusSecurity.newInstance(
                      NexusSecurityOptions.newBuilder()
                          .setNamespace(handlerNs)
                          .setRegistry(registry)
                          .setTrustStore(trust)
                          .build())
                  .getWorkerInterceptor());
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
