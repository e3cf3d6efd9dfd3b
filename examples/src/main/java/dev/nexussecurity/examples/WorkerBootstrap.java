package dev.nexussecurity.examples;

import com.google.crypto.tink.KmsClient;
import dev.nexussecurity.api.EndpointRegistry;
import dev.nexussecurity.api.NexusEndpoint;
import dev.nexussecurity.codec.tink.PayloadKeyPolicy;
import dev.nexussecurity.codec.tink.TinkPayloadCodec;
import dev.nexussecurity.core.CompatibilityReport;
import dev.nexussecurity.core.ConverterCompatibilityCheck;
import dev.nexussecurity.core.InMemoryEndpointRegistry;
import dev.nexussecurity.core.NexusSecurity;
import dev.nexussecurity.core.NexusSecurityOptions;
import dev.nexussecurity.core.keys.KeysetSource;
import dev.nexussecurity.core.keys.NamespaceKeyDirectory;
import dev.nexussecurity.core.keys.NamespaceKeys;
import dev.nexussecurity.examples.orders.CheckoutWorkflowImpl;
import dev.nexussecurity.examples.payments.ChargeWorkflowImpl;
import dev.nexussecurity.examples.payments.FraudService.Screening;
import dev.nexussecurity.examples.payments.FraudService.ScreeningRequest;
import dev.nexussecurity.examples.payments.FraudServiceImpl;
import dev.nexussecurity.examples.payments.OperationCounter;
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
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * The worker bootstrap code to copy: the registry, the namespace keys and key directory, the
 * payload codec with its key policy, NexusSecurity, a caller worker, a handler worker and the
 * start-up converter check. The same code runs on the embedded server (the demo) and on a real
 * cluster or Temporal Cloud: it only needs {@link WorkflowServiceStubs}, which {@link
 * EnvConfigConnections} opens from Temporal's standard client configuration.
 *
 * <p>The marked regions ({@code // [snippet:NAME]}) are the root README's "Use it in your workers"
 * steps; they use only the published artifacts (and the example application's own service and
 * workflow types), which {@code ReadmeSnippetsTest} checks.
 *
 * <pre>{@code
 * InMemoryEndpointRegistry registry = WorkerBootstrap.loadRegistry(Path.of("registry.json"));
 * WorkerKeys paymentsKeys = WorkerBootstrap.loadKeys(handlerSettings);
 * DataConverter payments = WorkerBootstrap.newDataConverter(handlerSettings, paymentsKeys);
 * RunningWorker handler =
 *     WorkerBootstrap.startHandlerWorker(
 *         stubs, handlerSettings, registry, paymentsKeys, payments, new OperationCounter());
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
   * Loads the worker's namespace keys file (encrypted under the settings' KMS key, or cleartext for
   * development) and the key directory, and checks that the keys are those of the worker's
   * namespace.
   *
   * @throws dev.nexussecurity.core.keys.KeysetLoadException if the keys file is missing, malformed,
   *     protected otherwise than the settings say, or encrypted under another KMS key
   * @throws dev.nexussecurity.core.keys.KeyDirectoryException if the directory file is invalid
   * @throws IllegalArgumentException if the keys file holds another namespace's keys
   */
  public static WorkerKeys loadKeys(WorkerSettings settings) {
    String namespace = settings.getNamespace();
    Path namespaceKeysFile = settings.getNamespaceKeysFile();
    Path keyDirectoryFile = settings.getKeyDirectoryFile();
    KmsClient kmsClient = settings.getKmsClient().orElse(null);
    String kmsKeyUri = settings.getKmsKeyUri().orElse(null);
    // [snippet:namespace-keys]
    KeysetSource keysFile =
        kmsClient != null
            ? KeysetSource.kmsEncryptedJson( // production: each keyset encrypted under a KMS key
                namespaceKeysFile, kmsClient, kmsKeyUri)
            : KeysetSource.insecureCleartextJson(namespaceKeysFile); // development only
    NamespaceKeys keys = NamespaceKeys.load(keysFile); // this namespace's private keys
    if (!keys.getNamespace().equals(namespace)) {
      throw new IllegalArgumentException(
          namespaceKeysFile + " holds the keys of " + keys.getNamespace() + ", not " + namespace);
    }
    // every namespace's public keys: callers, handlers, and this namespace itself
    NamespaceKeyDirectory directory = NamespaceKeyDirectory.load(keyDirectoryFile);
    // [/snippet]
    return new WorkerKeys(keys, directory);
  }

  /**
   * The worker's DataConverter: Temporal's default converter with every payload encrypted by the
   * Tink payload codec, under the key the settings' policy selects for each call: by default the
   * key caller and handler namespace derive from their key-agreement keys (pairwise), and for
   * {@code FraudService} the shared keyset {@value WorkerSettings#FRAUD_KEYSET}.
   */
  public static DataConverter newDataConverter(WorkerSettings settings, WorkerKeys workerKeys) {
    NamespaceKeys keys = workerKeys.getNamespaceKeys();
    NamespaceKeyDirectory directory = workerKeys.getDirectory();
    PayloadKeyPolicy policy = settings.getPayloadKeyPolicy();
    Map<String, Path> sharedKeysetFiles = settings.getSharedKeysetFiles();
    KmsClient kmsClient = settings.getKmsClient().orElse(null);
    String kmsKeyUri = settings.getKmsKeyUri().orElse(null);
    // [snippet:payload-codec]
    TinkPayloadCodec.Builder codec =
        TinkPayloadCodec.newBuilder()
            .setNamespaceKeys(keys) // pairwise: this namespace's private key-agreement key...
            .setKeyDirectory(directory) // ...and the peer namespace's public one
            .setKeyPolicy(policy); // which protection each endpoint and service gets
    sharedKeysetFiles.forEach( // per-service keys: shared keysets named in the policy
        (name, file) ->
            codec.addSharedKeyset(
                name,
                kmsClient != null
                    ? KeysetSource.kmsEncryptedJson(file, kmsClient, kmsKeyUri)
                    : KeysetSource.insecureCleartextJson(file))); // development only
    DataConverter converter =
        new CodecDataConverter(DefaultDataConverter.newDefaultInstance(), List.of(codec.build()));
    // [/snippet]
    return converter;
  }

  /**
   * The NexusSecurity instance of one worker: it proves its namespace on outgoing Nexus calls and
   * checks incoming ones, against {@code registry}, with pairwise identity (the default).
   */
  public static NexusSecurity newNexusSecurity(
      WorkerSettings settings,
      EndpointRegistry registry,
      WorkerKeys workerKeys,
      DataConverter converter) {
    NamespaceKeys keys = workerKeys.getNamespaceKeys();
    NamespaceKeyDirectory directory = workerKeys.getDirectory();
    boolean enforceOnCaller = settings.isEnforceOnCaller();
    // [snippet:nexus-security]
    NexusSecurity security =
        NexusSecurity.newInstance(
            NexusSecurityOptions.newBuilder()
                .setNamespaceKeys(keys) // the worker's namespace and its identity
                .setKeyDirectory(directory) // whom it can call and whom it can verify
                .setRegistry(registry) // endpoints and caller allowlists, checked on every call
                .setDataConverter(converter) // runtime converter check: fail fast on a mismatch
                .setEnforceOnCaller(enforceOnCaller) // default true
                // defaults: CallerPolicy.defaults() (IdentityMode.PAIRWISE) and
                // HandlerPolicy.defaults() (caller link required, input bound to the token)
                .build());
    // [/snippet]
    return security;
  }

  /**
   * Starts the handler worker of the {@code payments} namespace: {@link PaymentsServiceImpl},
   * {@link FraudServiceImpl} and the charge workflow, behind NexusSecurity's checks, on the
   * endpoint's target task queue.
   */
  public static RunningWorker startHandlerWorker(
      WorkflowServiceStubs service,
      WorkerSettings settings,
      EndpointRegistry registry,
      WorkerKeys keys,
      DataConverter converter,
      OperationCounter counter) {
    NexusSecurity security = newNexusSecurity(settings, registry, keys, converter);
    String namespace = settings.getNamespace();
    String taskQueue = settings.getTaskQueue();
    // [snippet:handler-worker]
    WorkflowClient client =
        WorkflowClient.newInstance(
            service,
            WorkflowClientOptions.newBuilder()
                .setNamespace(namespace) // the endpoint's target namespace
                .setDataConverter(converter)
                .build());
    WorkerFactory factory =
        WorkerFactory.newInstance(
            client,
            WorkerFactoryOptions.newBuilder()
                .setWorkerInterceptors(security.getWorkerInterceptor())
                .build());
    Worker worker = factory.newWorker(taskQueue); // the endpoint's target task queue
    worker.registerNexusServiceImplementation(
        new PaymentsServiceImpl(counter), new FraudServiceImpl(counter));
    worker.registerWorkflowImplementationTypes(ChargeWorkflowImpl.class);
    factory.start();
    // [/snippet]
    return new RunningWorker(settings, client, factory, security);
  }

  /**
   * Starts a caller worker: {@link CheckoutWorkflowImpl}, whose {@code PaymentsService} and {@code
   * FraudService} calls go to the endpoint the settings name, proven and checked by NexusSecurity.
   */
  public static RunningWorker startCallerWorker(
      WorkflowServiceStubs service,
      WorkerSettings settings,
      EndpointRegistry registry,
      WorkerKeys keys,
      DataConverter converter) {
    NexusSecurity security = newNexusSecurity(settings, registry, keys, converter);
    String namespace = settings.getNamespace();
    String taskQueue = settings.getTaskQueue();
    String endpoint = settings.getEndpoint();
    Duration operationTimeout = settings.getOperationTimeout();
    // [snippet:caller-worker]
    WorkflowClient client =
        WorkflowClient.newInstance(
            service,
            WorkflowClientOptions.newBuilder()
                .setNamespace(namespace)
                .setDataConverter(converter)
                .build());
    WorkerFactory factory =
        WorkerFactory.newInstance(
            client,
            WorkerFactoryOptions.newBuilder()
                .setWorkerInterceptors(security.getWorkerInterceptor())
                .build());
    Worker worker = factory.newWorker(taskQueue);
    // The workflow code names no endpoint: both services' calls go to the one configured here.
    NexusServiceOptions viaEndpoint =
        NexusServiceOptions.newBuilder()
            .setEndpoint(endpoint)
            .setOperationOptions(
                NexusOperationOptions.newBuilder()
                    .setScheduleToCloseTimeout(operationTimeout)
                    .build())
            .build();
    worker.registerWorkflowImplementationTypes(
        WorkflowImplementationOptions.newBuilder()
            .setNexusServiceOptions(
                Map.of("PaymentsService", viaEndpoint, "FraudService", viaEndpoint))
            .build(),
        CheckoutWorkflowImpl.class);
    factory.start();
    // [/snippet]
    return new RunningWorker(settings, client, factory, security);
  }

  /**
   * Proves that the caller's and the handler's converters interoperate in both directions, for
   * every Nexus call the caller makes through {@code endpoint} (each service under the protection
   * the policy gives it), with Temporal's own probe values and samples of the services' types, and
   * refuses to go on when they do not.
   *
   * @return the reports, one per call, when compatible
   * @throws IllegalStateException with the failing call and the report's findings, when not
   */
  public static List<CompatibilityReport> requireCompatibleConverters(
      String callerNamespace,
      NexusEndpoint endpoint,
      DataConverter callerConverter,
      DataConverter handlerConverter) {
    List<CompatibilityReport> reports = new ArrayList<>();
    // [snippet:startup-check]
    String[][] calls = {
      {"PaymentsService", "quote"}, {"PaymentsService", "charge"}, {"FraudService", "screen"}
    };
    for (String[] call : calls) {
      CompatibilityReport report =
          ConverterCompatibilityCheck.newBuilder(callerConverter, handlerConverter)
              .setNexusCall(callerNamespace, endpoint, call[0], call[1]) // keys as in that call
              .addSample("quote request", new QuoteRequest("order-1", 12_000, "EUR"))
              .addSample("quote", new Quote("order-1", 12_000, 378, "EUR", "payments"))
              .addSample("screening request", new ScreeningRequest("order-1", 12_000))
              .addSample("screening", new Screening("order-1", "APPROVED", "payments"))
              .addSample("charge request", new ChargeRequest("order-1", 12_378, "EUR"))
              .addSample(
                  "charge receipt",
                  new ChargeReceipt(
                      "order-1", "rcpt-1", 12_378, "EUR", "payments", "charge-order-1"))
              .build()
              .run();
      if (!report.isCompatible()) { // refuse to start the worker, with one line per finding
        throw new IllegalStateException(
            "Incompatible converters for " + call[0] + "/" + call[1] + ":\n" + report.format());
      }
      reports.add(report);
    }
    // [/snippet]
    return reports;
  }
}
