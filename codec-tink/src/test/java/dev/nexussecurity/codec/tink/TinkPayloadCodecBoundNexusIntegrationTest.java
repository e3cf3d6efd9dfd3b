package dev.nexussecurity.codec.tink;

import static org.assertj.core.api.Assertions.assertThat;

import dev.nexussecurity.api.PayloadBinding;
import dev.nexussecurity.api.PayloadBindings;
import dev.nexussecurity.api.PayloadProtection;
import dev.nexussecurity.core.keys.KeysetSource;
import dev.nexussecurity.core.keys.NamespaceKeyDirectory;
import dev.nexussecurity.core.keys.NamespaceKeys;
import io.nexusrpc.Operation;
import io.nexusrpc.OperationException;
import io.nexusrpc.Service;
import io.nexusrpc.handler.OperationContext;
import io.nexusrpc.handler.OperationHandler;
import io.nexusrpc.handler.OperationImpl;
import io.nexusrpc.handler.ServiceImpl;
import io.temporal.api.common.v1.Payload;
import io.temporal.api.enums.v1.EventType;
import io.temporal.api.history.v1.HistoryEvent;
import io.temporal.client.WorkflowClient;
import io.temporal.client.WorkflowClientOptions;
import io.temporal.client.WorkflowOptions;
import io.temporal.common.converter.CodecDataConverter;
import io.temporal.common.converter.DataConverter;
import io.temporal.common.converter.DefaultDataConverter;
import io.temporal.common.interceptors.NexusOperationInboundCallsInterceptor;
import io.temporal.common.interceptors.NexusOperationInboundCallsInterceptorBase;
import io.temporal.common.interceptors.WorkerInterceptorBase;
import io.temporal.common.interceptors.WorkflowInboundCallsInterceptor;
import io.temporal.common.interceptors.WorkflowInboundCallsInterceptorBase;
import io.temporal.common.interceptors.WorkflowOutboundCallsInterceptor;
import io.temporal.common.interceptors.WorkflowOutboundCallsInterceptorBase;
import io.temporal.nexus.Nexus;
import io.temporal.nexus.WorkflowRunOperation;
import io.temporal.testing.TestEnvironmentOptions;
import io.temporal.testing.TestWorkflowEnvironment;
import io.temporal.worker.Worker;
import io.temporal.worker.WorkerFactory;
import io.temporal.worker.WorkerFactoryOptions;
import io.temporal.workflow.NexusOperationOptions;
import io.temporal.workflow.NexusServiceOptions;
import io.temporal.workflow.Workflow;
import io.temporal.workflow.WorkflowInterface;
import io.temporal.workflow.WorkflowMethod;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The binding path end to end on the embedded Temporal server, with minimal stand-ins for the
 * identity interceptors (caller: binding set around {@code executeNexusOperation}; handler: set in
 * {@code interceptNexusOperation}, never cleared, verified-input record taken in {@code
 * startOperation}): the input is bound on the caller's workflow thread, verified on the handler's
 * Nexus thread, the sync result encoded there as RESULT, and decoded on the caller's "nexus
 * operation completion callback" thread, whose check is the workflow's namespace. (The embedded
 * server queues Nexus tasks under the caller's namespace; the handler's codec uses its own
 * namespace's keys.)
 */
class TinkPayloadCodecBoundNexusIntegrationTest {
  private static final String ENDPOINT = "bound-endpoint";
  private static final String HANDLER_QUEUE = "bound-handler-tq";
  private static final String CALLER_QUEUE = "bound-caller-tq";
  private static final String HANDLER_NS = "payments";
  private static final String SECRET = "account 4111-1111";

  static final List<String> handlerInputs = new CopyOnWriteArrayList<>();
  static final List<Boolean> verifiedInputs = new CopyOnWriteArrayList<>();

  @Service
  public interface ChargeService {
    @Operation
    String charge(String account);

    @Operation
    String chargeLater(String account);
  }

  @WorkflowInterface
  public interface ChargeWorkflow {
    @WorkflowMethod
    String run(String account);
  }

  public static class ChargeWorkflowImpl implements ChargeWorkflow {
    @Override
    public String run(String account) {
      handlerInputs.add(account);
      return "charged later " + account;
    }
  }

  @ServiceImpl(service = ChargeService.class)
  public static class ChargeServiceImpl {
    @OperationImpl
    public OperationHandler<String, String> charge() {
      return OperationHandler.sync(
          (ctx, details, account) -> {
            handlerInputs.add(account);
            return "charged " + account;
          });
    }

    @OperationImpl
    public OperationHandler<String, String> chargeLater() {
      return WorkflowRunOperation.fromWorkflowMethod(
          (ctx, details, account) ->
              Nexus.getOperationContext()
                      .getWorkflowClient()
                      .newWorkflowStub(
                          ChargeWorkflow.class,
                          WorkflowOptions.newBuilder()
                              .setWorkflowId("charge-" + details.getRequestId())
                              .build())
                  ::run);
    }
  }

  @WorkflowInterface
  public interface CallerWorkflow {
    @WorkflowMethod
    String call(String account);
  }

  public static class CallerWorkflowImpl implements CallerWorkflow {
    @Override
    public String call(String account) {
      if (account.startsWith("later:")) {
        return stub().chargeLater(account);
      }
      return stub().charge(account);
    }

    private static ChargeService stub() {
      ChargeService service =
          Workflow.newNexusServiceStub(
              ChargeService.class,
              NexusServiceOptions.newBuilder()
                  .setEndpoint(ENDPOINT)
                  .setOperationOptions(
                      NexusOperationOptions.newBuilder()
                          .setScheduleToCloseTimeout(Duration.ofSeconds(30))
                          .build())
                  .build());
      return service;
    }
  }

  /** Caller side: publishes the call's INPUT binding around the SDK call that encodes the input. */
  static final class CallerBinder extends WorkerInterceptorBase {
    @Override
    public WorkflowInboundCallsInterceptor interceptWorkflow(WorkflowInboundCallsInterceptor next) {
      return new WorkflowInboundCallsInterceptorBase(next) {
        @Override
        public void init(WorkflowOutboundCallsInterceptor outbound) {
          super.init(
              new WorkflowOutboundCallsInterceptorBase(outbound) {
                @Override
                public <R> ExecuteNexusOperationOutput<R> executeNexusOperation(
                    ExecuteNexusOperationInput<R> input) {
                  String bindingId = Workflow.randomUUID().toString();
                  input.getHeaders().put("x-test-binding", bindingId);
                  input.getHeaders().put("x-test-endpoint", input.getEndpoint());
                  PayloadBinding b =
                      PayloadBinding.newBuilder()
                          .setDirection(PayloadBinding.Direction.INPUT)
                          .setBindingId(bindingId)
                          .setCallerNamespace(Workflow.getInfo().getNamespace())
                          .setHandlerNamespace(HANDLER_NS)
                          .setEndpoint(input.getEndpoint())
                          .setService(input.getService())
                          .setOperation(input.getOperation())
                          .build();
                  PayloadBinding previous = PayloadBindings.set(b);
                  try {
                    return super.executeNexusOperation(input);
                  } finally {
                    PayloadBindings.restore(previous);
                  }
                }
              });
        }
      };
    }
  }

  /** Handler side: the binding from the (test) headers, and the verified-input check. */
  static final class HandlerBinder extends WorkerInterceptorBase {
    private final String callerNamespace;

    HandlerBinder(String callerNamespace) {
      this.callerNamespace = callerNamespace;
    }

    @Override
    public NexusOperationInboundCallsInterceptor interceptNexusOperation(
        OperationContext context, NexusOperationInboundCallsInterceptor next) {
      String bindingId = context.getHeaders().get("x-test-binding");
      PayloadBindings.set(
          PayloadBinding.newBuilder()
              .setDirection(PayloadBinding.Direction.INPUT)
              .setBindingId(bindingId)
              .setCallerNamespace(callerNamespace)
              .setHandlerNamespace(HANDLER_NS)
              .setEndpoint(context.getHeaders().get("x-test-endpoint"))
              .setService(context.getService())
              .setOperation(context.getOperation())
              .build());
      return new NexusOperationInboundCallsInterceptorBase(next) {
        @Override
        public StartOperationOutput startOperation(StartOperationInput input)
            throws OperationException {
          verifiedInputs.add(PayloadBindings.takeVerifiedInput(bindingId));
          return super.startOperation(input);
        }
      };
    }
  }

  private TestWorkflowEnvironment env;
  private WorkerFactory handlerFactory;
  private TinkPayloadCodec callerCodec;
  private TinkPayloadCodec handlerCodec;

  private static DataConverter converter(TinkPayloadCodec codec) {
    return new CodecDataConverter(DefaultDataConverter.newDefaultInstance(), List.of(codec));
  }

  void start(PayloadProtection mode) {
    start(PayloadKeyPolicy.of(mode));
  }

  void start(PayloadKeyPolicy policy) {
    handlerInputs.clear();
    verifiedInputs.clear();
    // the caller's namespace keys must carry the namespace the caller workflow runs in
    String callerNs = "UnitTest";
    NamespaceKeys caller = NamespaceKeys.generate(callerNs, false);
    NamespaceKeys handler = NamespaceKeys.generate(HANDLER_NS, false);
    NamespaceKeyDirectory directory =
        NamespaceKeyDirectory.newBuilder()
            .put(caller.toPublicKeys())
            .put(handler.toPublicKeys())
            .build();
    com.google.crypto.tink.KeysetHandle shared = TestKeysets.aes256Gcm();
    callerCodec =
        TinkPayloadCodec.newBuilder()
            .addSharedKeyset("shared", KeysetSource.fromKeysetHandle(shared))
            .setNamespaceKeys(caller)
            .setKeyDirectory(directory)
            .setKeyPolicy(policy)
            .build();
    handlerCodec =
        TinkPayloadCodec.newBuilder()
            .addSharedKeyset("shared", KeysetSource.fromKeysetHandle(shared))
            .setNamespaceKeys(handler)
            .setKeyDirectory(directory)
            .setKeyPolicy(policy)
            .build();
    env =
        TestWorkflowEnvironment.newInstance(
            TestEnvironmentOptions.newBuilder()
                .setUseTimeskipping(false)
                .setWorkerFactoryOptions(
                    WorkerFactoryOptions.newBuilder()
                        .setWorkerInterceptors(new CallerBinder())
                        .build())
                .setWorkflowClientOptions(
                    WorkflowClientOptions.newBuilder()
                        .setNamespace(callerNs)
                        .setDataConverter(converter(callerCodec))
                        .build())
                .build());
    Worker callerWorker = env.newWorker(CALLER_QUEUE);
    callerWorker.registerWorkflowImplementationTypes(CallerWorkflowImpl.class);
    WorkflowClient handlerClient =
        WorkflowClient.newInstance(
            env.getWorkflowServiceStubs(),
            WorkflowClientOptions.newBuilder()
                .setNamespace(env.getNamespace())
                .setDataConverter(converter(handlerCodec))
                .build());
    handlerFactory =
        WorkerFactory.newInstance(
            handlerClient,
            WorkerFactoryOptions.newBuilder()
                .setWorkerInterceptors(new HandlerBinder(callerNs))
                .build());
    Worker handlerWorker = handlerFactory.newWorker(HANDLER_QUEUE);
    handlerWorker.registerNexusServiceImplementation(new ChargeServiceImpl());
    handlerWorker.registerWorkflowImplementationTypes(ChargeWorkflowImpl.class);
    env.createNexusEndpoint(ENDPOINT, HANDLER_QUEUE);
    env.start();
    handlerFactory.start();
  }

  @AfterEach
  void tearDown() {
    PayloadBindings.clear();
    if (handlerFactory != null) {
      handlerFactory.shutdownNow();
    }
    if (env != null) {
      env.close();
    }
  }

  @ParameterizedTest
  @ValueSource(strings = {"pairwise", "authenticated", "hpke"})
  void boundInputAndResult_roundTrip_andTheHandlerSeesAVerifiedInput(String modeText)
      throws Exception {
    PayloadProtection mode = PayloadProtection.parse(modeText);
    start(mode);
    String workflowId = "bound-" + modeText;

    String result =
        env.getWorkflowClient()
            .newWorkflowStub(
                CallerWorkflow.class,
                WorkflowOptions.newBuilder()
                    .setWorkflowId(workflowId)
                    .setTaskQueue(CALLER_QUEUE)
                    .setWorkflowRunTimeout(Duration.ofSeconds(60))
                    .build())
            .call(SECRET);

    assertThat(result).isEqualTo("charged " + SECRET);
    assertThat(handlerInputs).containsExactly(SECRET);
    assertThat(verifiedInputs).containsExactly(true);
    List<HistoryEvent> events = env.getWorkflowClient().fetchHistory(workflowId).getEvents();
    Payload input =
        events.stream()
            .filter(e -> e.getEventType() == EventType.EVENT_TYPE_NEXUS_OPERATION_SCHEDULED)
            .findFirst()
            .orElseThrow()
            .getNexusOperationScheduledEventAttributes()
            .getInput();
    Payload output =
        events.stream()
            .filter(e -> e.getEventType() == EventType.EVENT_TYPE_NEXUS_OPERATION_COMPLETED)
            .findFirst()
            .orElseThrow()
            .getNexusOperationCompletedEventAttributes()
            .getResult();
    assertThat(WireFields.get(input, "nexus-security-direction")).isEqualTo("INPUT");
    assertThat(WireFields.get(input, "nexus-security-endpoint")).isEqualTo(ENDPOINT);
    assertThat(WireFields.get(output, "nexus-security-direction")).isEqualTo("RESULT");
    assertThat(WireFields.get(output, "nexus-security-binding"))
        .isEqualTo(WireFields.get(input, "nexus-security-binding"));
    if (mode.isEncrypting()) {
      assertThat(input.getData().toString(StandardCharsets.ISO_8859_1)).doesNotContain("4111");
    }
  }

  @Test
  void workflowRunOperation_pairwiseInput_resultUnderTheUnboundSharedKeyset_roundTrips() {
    // the documented fallback: the handler workflow's result has no binding, so it is written
    // context-free under the policy's unbound protection, which both sides hold
    start(
        PayloadKeyPolicy.newBuilder()
            .setDefault(PayloadProtection.pairwise())
            .setUnbound(PayloadProtection.shared("shared"))
            .build());

    String result =
        env.getWorkflowClient()
            .newWorkflowStub(
                CallerWorkflow.class,
                WorkflowOptions.newBuilder()
                    .setWorkflowId("bound-later")
                    .setTaskQueue(CALLER_QUEUE)
                    .setWorkflowRunTimeout(Duration.ofSeconds(60))
                    .build())
            .call("later:" + SECRET);

    assertThat(result).isEqualTo("charged later later:" + SECRET);
    assertThat(verifiedInputs).containsExactly(true);
    List<HistoryEvent> events = env.getWorkflowClient().fetchHistory("bound-later").getEvents();
    Payload input =
        events.stream()
            .filter(e -> e.getEventType() == EventType.EVENT_TYPE_NEXUS_OPERATION_SCHEDULED)
            .findFirst()
            .orElseThrow()
            .getNexusOperationScheduledEventAttributes()
            .getInput();
    Payload output =
        events.stream()
            .filter(e -> e.getEventType() == EventType.EVENT_TYPE_NEXUS_OPERATION_COMPLETED)
            .findFirst()
            .orElseThrow()
            .getNexusOperationCompletedEventAttributes()
            .getResult();
    assertThat(WireFields.get(input, "nexus-security-scheme")).isEqualTo("pairwise-aes256gcm");
    assertThat(WireFields.get(output, "nexus-security-direction")).isEqualTo("NONE");
    assertThat(WireFields.get(output, "nexus-security-scheme")).isEqualTo("tink-aead");
  }

  @Test
  void boundInputCopiedFromHistory_isRefusedAsWorkflowData() {
    start(PayloadProtection.pairwise());
    String result =
        env.getWorkflowClient()
            .newWorkflowStub(
                CallerWorkflow.class,
                WorkflowOptions.newBuilder()
                    .setWorkflowId("bound-unbinder")
                    .setTaskQueue(CALLER_QUEUE)
                    .setWorkflowRunTimeout(Duration.ofSeconds(60))
                    .build())
            .call(SECRET);
    assertThat(result).isEqualTo("charged " + SECRET);
    Payload input =
        env.getWorkflowClient().fetchHistory("bound-unbinder").getEvents().stream()
            .filter(e -> e.getEventType() == EventType.EVENT_TYPE_NEXUS_OPERATION_SCHEDULED)
            .findFirst()
            .orElseThrow()
            .getNexusOperationScheduledEventAttributes()
            .getInput();
    // a handler codec used with a workflow serialization context (not a Nexus input decode)
    PayloadDecryptionException e =
        org.assertj.core.api.Assertions.catchThrowableOfType(
            PayloadDecryptionException.class,
            () ->
                handlerCodec
                    .withContext(
                        new io.temporal.payload.context.WorkflowSerializationContext(
                            HANDLER_NS, "wf"))
                    .decode(List.of(input)));
    assertThat(e.getReason()).isEqualTo(PayloadDecryptionException.Reason.CONTEXT_MISMATCH);
  }
}
