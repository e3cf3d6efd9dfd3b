package dev.nexussecurity.examples;

import dev.nexussecurity.api.EndpointRegistry;
import dev.nexussecurity.codec.tink.TinkPayloadCodec;
import dev.nexussecurity.core.CompatibilityReport;
import dev.nexussecurity.core.ConverterCompatibilityCheck;
import dev.nexussecurity.core.InMemoryEndpointRegistry;
import dev.nexussecurity.core.NexusSecurity;
import dev.nexussecurity.core.NexusSecurityOptions;
import dev.nexussecurity.core.keys.KeysetSource;
import dev.nexussecurity.examples.orders.CheckoutWorkflowImpl;
import dev.nexussecurity.examples.payments.ChargeWorkflowImpl;
import dev.nexussecurity.examples.payments.PaymentsService;
import dev.nexussecurity.examples.payments.PaymentsService.ChargeReceipt;
import dev.nexussecurity.examples.payments.PaymentsService.ChargeRequest;
import dev.nexussecurity.examples.payments.PaymentsService.Quote;
import dev.nexussecurity.examples.payments.PaymentsService.QuoteRequest;
import dev.nexussecurity.examples.payments.PaymentsServiceImpl;
import io.temporal.client.WorkflowClient;
import io.temporal.client.WorkflowClientOptions;
import io.temporal.common.converter.CodecDataConverter;
import io.temporal.common.converter.DataConverter;
import io.temporal.common.converter.DefaultDataConverter;
import io.temporal.serviceclient.WorkflowServiceStubs;
import io.temporal.worker.Worker;
import io.temporal.worker.WorkerFactory;
import io.temporal.worker.WorkerFactoryOptions;
import io.temporal.worker.WorkflowImplementationOptions;
import io.temporal.workflow.NexusOperationOptions;
import io.temporal.workflow.NexusServiceOptions;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

/**
 * The worker bootstrap code to copy: the registry, the payload codec, NexusSecurity, a caller
 * worker, a handler worker and the start-up converter check. The same code runs on the embedded
 * server (the demo) and on a real cluster or Temporal Cloud: it only needs {@link
 * WorkflowServiceStubs}, which {@link EnvConfigConnections} opens from Temporal's standard client
 * configuration.
 *
 * <pre>{@code
 * InMemoryEndpointRegistry registry = WorkerBootstrap.loadRegistry(Path.of("registry.json"));
 * DataConverter payments = WorkerBootstrap.newDataConverter(handlerSettings);
 * DataConverter orders = WorkerBootstrap.newDataConverter(callerSettings);
 * WorkerBootstrap.requireCompatibleConverters(orders, payments); // refuses a mismatch
 * RunningWorker handler =
 *     WorkerBootstrap.startHandlerWorker(
 *         stubs, handlerSettings, registry, payments, new PaymentsServiceImpl(counter));
 * RunningWorker caller =
 *     WorkerBootstrap.startCallerWorker(stubs, callerSettings, registry, orders);
 * }</pre>
 */
public final class WorkerBootstrap {
  private WorkerBootstrap() {}

  /**
   * Loads the endpoint registry (endpoints, their targets and caller allowlists) from its JSON
   * file; the format is in {@code docs/registry-format.md}.
   *
   * @throws dev.nexussecurity.core.RegistryFileException naming file, line and rule if it is
   *     invalid
   */
  public static InMemoryEndpointRegistry loadRegistry(Path registryFile) {
    // [snippet:registry]
    InMemoryEndpointRegistry registry =
        InMemoryEndpointRegistry.newBuilder().loadFrom(registryFile).build();
    // [/snippet]
    return registry;
  }

  /**
   * The worker's DataConverter: Temporal's default converter with every payload encrypted by the
   * Tink payload codec under the keyset the settings name. Caller and handler of an endpoint must
   * share the keyset (or the handler must hold every key the caller encrypts with).
   */
  public static DataConverter newDataConverter(WorkerSettings settings) {
    KeysetSource payloadKeys = KeyFiles.payloadKeysetSource(settings);
    // [snippet:payload-codec]
    TinkPayloadCodec codec =
        TinkPayloadCodec.newBuilder()
            .setKeysetSource(payloadKeys)
            .setKeysetName(settings.getPayloadKeysetName()) // the same on caller and handler
            .build();
    DataConverter converter =
        new CodecDataConverter(DefaultDataConverter.newDefaultInstance(), List.of(codec));
    // [/snippet]
    return converter;
  }

  /**
   * The NexusSecurity instance of one worker: it signs the worker's outgoing Nexus calls (with a
   * signing keyset) and checks incoming ones (with a trust store), against {@code registry}.
   */
  public static NexusSecurity newNexusSecurity(
      WorkerSettings settings, EndpointRegistry registry, DataConverter converter) {
    // [snippet:nexus-security]
    NexusSecurityOptions.Builder options =
        NexusSecurityOptions.newBuilder()
            .setNamespace(settings.getNamespace())
            .setRegistry(registry) // endpoints and caller allowlists, checked on every call
            .setDataConverter(converter) // runtime converter check: fail fast on a key mismatch
            .setTrustStore(KeyFiles.loadTrustStore(settings)) // handlers: callers' public keys
            .setEnforceOnCaller(settings.isEnforceOnCaller());
    if (settings.getSigningKeysetFile().isPresent()) { // callers: this namespace's private key
      options.setSigningKeyset(KeyFiles.loadSigningKeyset(settings));
    }
    NexusSecurity security = NexusSecurity.newInstance(options.build());
    // [/snippet]
    return security;
  }

  /**
   * Starts the handler worker of the {@code payments} namespace: {@link PaymentsServiceImpl} and
   * its workflow, behind NexusSecurity's checks, on the endpoint's target task queue.
   */
  public static RunningWorker startHandlerWorker(
      WorkflowServiceStubs service,
      WorkerSettings settings,
      EndpointRegistry registry,
      DataConverter converter,
      PaymentsServiceImpl paymentsHandler) {
    NexusSecurity security = newNexusSecurity(settings, registry, converter);
    // [snippet:handler-worker]
    WorkflowClient client =
        WorkflowClient.newInstance(
            service,
            WorkflowClientOptions.newBuilder()
                .setNamespace(settings.getNamespace()) // the endpoint's target namespace
                .setDataConverter(converter)
                .build());
    WorkerFactory factory =
        WorkerFactory.newInstance(
            client,
            WorkerFactoryOptions.newBuilder()
                .setWorkerInterceptors(security.getWorkerInterceptor())
                .build());
    Worker worker = factory.newWorker(settings.getTaskQueue()); // the endpoint's target task queue
    worker.registerNexusServiceImplementation(paymentsHandler);
    worker.registerWorkflowImplementationTypes(ChargeWorkflowImpl.class);
    factory.start();
    // [/snippet]
    return new RunningWorker(settings, client, factory, security);
  }

  /**
   * Starts a caller worker: {@link CheckoutWorkflowImpl}, whose {@link PaymentsService} calls go to
   * the endpoint the settings name, signed and checked by NexusSecurity.
   */
  public static RunningWorker startCallerWorker(
      WorkflowServiceStubs service,
      WorkerSettings settings,
      EndpointRegistry registry,
      DataConverter converter) {
    NexusSecurity security = newNexusSecurity(settings, registry, converter);
    // [snippet:caller-worker]
    WorkflowClient client =
        WorkflowClient.newInstance(
            service,
            WorkflowClientOptions.newBuilder()
                .setNamespace(settings.getNamespace())
                .setDataConverter(converter)
                .build());
    WorkerFactory factory =
        WorkerFactory.newInstance(
            client,
            WorkerFactoryOptions.newBuilder()
                .setWorkerInterceptors(security.getWorkerInterceptor())
                .build());
    Worker worker = factory.newWorker(settings.getTaskQueue());
    // The workflow code names no endpoint: PaymentsService calls go to the one configured here.
    NexusServiceOptions payments =
        NexusServiceOptions.newBuilder()
            .setEndpoint(settings.getEndpoint())
            .setOperationOptions(
                NexusOperationOptions.newBuilder()
                    .setScheduleToCloseTimeout(settings.getOperationTimeout())
                    .build())
            .build();
    worker.registerWorkflowImplementationTypes(
        WorkflowImplementationOptions.newBuilder()
            .setNexusServiceOptions(Map.of("PaymentsService", payments))
            .build(),
        CheckoutWorkflowImpl.class);
    factory.start();
    // [/snippet]
    return new RunningWorker(settings, client, factory, security);
  }

  /**
   * Proves that the caller's and the handler's converters interoperate in both directions, with
   * Temporal's own probe values and samples of {@link PaymentsService}'s types, and refuses to go
   * on when they do not.
   *
   * @return the report, when compatible
   * @throws IncompatibleConvertersException with the report, when not
   */
  public static CompatibilityReport requireCompatibleConverters(
      DataConverter callerConverter, DataConverter handlerConverter) {
    // [snippet:startup-check]
    CompatibilityReport report =
        ConverterCompatibilityCheck.newBuilder(callerConverter, handlerConverter)
            .addSample("quote request", new QuoteRequest("order-1", 12_000, "EUR"))
            .addSample("quote", new Quote("order-1", 12_000, 378, "EUR", "payments"))
            .addSample("charge request", new ChargeRequest("order-1", 12_378, "EUR"))
            .addSample(
                "charge receipt",
                new ChargeReceipt("order-1", "rcpt-1", 12_378, "EUR", "payments", "charge-order-1"))
            .build()
            .run();
    if (!report.isCompatible()) {
      throw new IncompatibleConvertersException(report); // refuse to start the worker
    }
    // [/snippet]
    return report;
  }
}
