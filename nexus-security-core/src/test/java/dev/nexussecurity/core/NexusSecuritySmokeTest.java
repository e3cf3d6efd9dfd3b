package dev.nexussecurity.core;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.nexussecurity.api.AccessDecisionEvent;
import dev.nexussecurity.api.NexusEndpoint;
import dev.nexussecurity.api.PayloadProtection;
import dev.nexussecurity.api.ReasonCode;
import dev.nexussecurity.core.keys.NamespaceKeyDirectory;
import dev.nexussecurity.core.keys.NamespaceKeys;
import dev.nexussecurity.core.keys.PayloadAcceptance;
import io.nexusrpc.Operation;
import io.nexusrpc.Service;
import io.nexusrpc.handler.OperationHandler;
import io.nexusrpc.handler.OperationImpl;
import io.nexusrpc.handler.ServiceImpl;
import io.temporal.api.common.v1.Payload;
import io.temporal.api.enums.v1.EventType;
import io.temporal.api.history.v1.HistoryEvent;
import io.temporal.api.nexus.v1.EndpointSpec;
import io.temporal.api.nexus.v1.EndpointTarget;
import io.temporal.api.operatorservice.v1.CreateNexusEndpointRequest;
import io.temporal.client.WorkflowClient;
import io.temporal.client.WorkflowClientOptions;
import io.temporal.client.WorkflowFailedException;
import io.temporal.client.WorkflowOptions;
import io.temporal.common.converter.CodecDataConverter;
import io.temporal.common.converter.DefaultDataConverter;
import io.temporal.common.interceptors.NexusOperationInboundCallsInterceptor;
import io.temporal.common.interceptors.NexusOperationInboundCallsInterceptorBase;
import io.temporal.common.interceptors.NexusOperationOutboundCallsInterceptor;
import io.temporal.common.interceptors.WorkerInterceptor;
import io.temporal.common.interceptors.WorkerInterceptorBase;
import io.temporal.common.interceptors.WorkflowInboundCallsInterceptor;
import io.temporal.common.interceptors.WorkflowInboundCallsInterceptorBase;
import io.temporal.common.interceptors.WorkflowOutboundCallsInterceptor;
import io.temporal.common.interceptors.WorkflowOutboundCallsInterceptorBase;
import io.temporal.failure.CanceledFailure;
import io.temporal.nexus.WorkflowRunOperation;
import io.temporal.testing.TestEnvironmentOptions;
import io.temporal.testing.TestWorkflowEnvironment;
import io.temporal.worker.Worker;
import io.temporal.worker.WorkerFactory;
import io.temporal.worker.WorkerFactoryOptions;
import io.temporal.workflow.CancellationScope;
import io.temporal.workflow.NexusOperationHandle;
import io.temporal.workflow.NexusOperationOptions;
import io.temporal.workflow.NexusServiceOptions;
import io.temporal.workflow.Workflow;
import io.temporal.workflow.WorkflowInterface;
import io.temporal.workflow.WorkflowMethod;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Consumer;
import java.util.stream.Collectors;
import org.bouncycastle.jce.provider.BouncyCastleProvider;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * The interceptors end to end on the stock embedded server, where caller and handler share one
 * namespace (the stock server's own routing): both identity modes, sync and workflow-run
 * operations, cancels, input binding, time skipping, a copied token, installation order.
 * Cross-namespace behaviour is tested with the fixtures' extension.
 */
class NexusSecuritySmokeTest {
  static final String NS = "smoke-ns";
  static final AtomicInteger HANDLER_CALLS = new AtomicInteger();
  static volatile String copiedToken;

  @Service
  public interface Echo {
    @Operation
    String echo(String in);

    @Operation
    String viaWorkflow(String in);
  }

  @WorkflowInterface
  public interface HandlerWf {
    @WorkflowMethod
    String run(String in);
  }

  public static class HandlerWfImpl implements HandlerWf {
    @Override
    public String run(String in) {
      if (in.startsWith("slow")) {
        Workflow.sleep(Duration.ofHours(1));
      }
      if (in.startsWith("settle")) {
        // Completes after the start returned, so the binding registered at start is known.
        Workflow.sleep(Duration.ofMillis(500));
      }
      return "wf:" + in;
    }
  }

  @ServiceImpl(service = Echo.class)
  public static class EchoImpl {
    @OperationImpl
    public OperationHandler<String, String> echo() {
      return OperationHandler.sync(
          (ctx, details, in) -> {
            HANDLER_CALLS.incrementAndGet();
            return "echo:" + in;
          });
    }

    @OperationImpl
    public OperationHandler<String, String> viaWorkflow() {
      return WorkflowRunOperation.fromWorkflowMethod(
          (ctx, details, in) -> {
            HANDLER_CALLS.incrementAndGet();
            return io.temporal.nexus.Nexus.getOperationContext()
                    .getWorkflowClient()
                    .newWorkflowStub(
                        HandlerWf.class,
                        WorkflowOptions.newBuilder()
                            .setWorkflowId("hwf-" + details.getRequestId())
                            .build())
                ::run;
          });
    }
  }

  @WorkflowInterface
  public interface CallerWf {
    @WorkflowMethod
    String run(String endpoint, String operation, String in, long sleepMillis);
  }

  public static class CallerWfImpl implements CallerWf {
    @Override
    public String run(String endpoint, String operation, String in, long sleepMillis) {
      if (sleepMillis > 0) {
        Workflow.sleep(Duration.ofMillis(sleepMillis));
      }
      Echo echo =
          Workflow.newNexusServiceStub(
              Echo.class,
              NexusServiceOptions.newBuilder()
                  .setEndpoint(endpoint)
                  .setOperationOptions(
                      NexusOperationOptions.newBuilder()
                          .setScheduleToCloseTimeout(
                              Duration.ofSeconds(in.startsWith("short") ? 3 : 30))
                          .build())
                  .build());
      if (operation.equals("cancel")) {
        CancellationScope scope =
            Workflow.newCancellationScope(
                () -> {
                  NexusOperationHandle<String> handle =
                      Workflow.startNexusOperation(echo::viaWorkflow, "slow-" + in);
                  handle.getExecution().get();
                });
        scope.run();
        scope.cancel();
        return "cancel requested";
      }
      return operation.equals("echo") ? echo.echo(in) : echo.viaWorkflow(in);
    }
  }

  static NamespaceKeys keys;
  TestWorkflowEnvironment env;
  final List<AccessDecisionEvent> events = new CopyOnWriteArrayList<>();

  @BeforeAll
  static void keys() {
    keys = NamespaceKeys.generate(NS, true);
  }

  @AfterEach
  void close() {
    if (env != null) {
      env.close();
    }
    copiedToken = null;
  }

  private NexusSecurityOptions.Builder options(MapRegistry registry) {
    return NexusSecurityOptions.newBuilder()
        .setNamespaceKeys(keys)
        .setKeyDirectory(NamespaceKeyDirectory.newBuilder().put(keys.toPublicKeys()).build())
        .setRegistry(registry)
        .addAuditListener(
            new dev.nexussecurity.api.SecurityAuditListener() {
              @Override
              public void onAccessDecision(AccessDecisionEvent event) {
                events.add(event);
              }
            });
  }

  /** Starts the server with a binding-aware test codec unless {@code codec} is false. */
  private WorkflowClient start(
      MapRegistry registry,
      NexusSecurityOptions.Builder options,
      boolean codec,
      boolean timeSkipping,
      Consumer<WorkerFactoryOptions.Builder> factory) {
    TestWorkflowEnvironment[] holder = new TestWorkflowEnvironment[1];
    if (timeSkipping) {
      // The one line for Temporal's TestWorkflowEnvironment: the handler reads the server's time.
      options.setTimeSource(() -> holder[0].currentTimeMillis());
    }
    NexusSecurity security = NexusSecurity.newInstance(options.build());
    WorkerFactoryOptions.Builder factoryOptions =
        WorkerFactoryOptions.newBuilder().setWorkerInterceptors(security.getWorkerInterceptor());
    factory.accept(factoryOptions);
    WorkflowClientOptions.Builder client = WorkflowClientOptions.newBuilder().setNamespace(NS);
    if (codec) {
      client.setDataConverter(
          new CodecDataConverter(
              DefaultDataConverter.newDefaultInstance(), List.of(new BindingTestCodec())));
    }
    env =
        TestWorkflowEnvironment.newInstance(
            TestEnvironmentOptions.newBuilder()
                .setUseTimeskipping(timeSkipping)
                .setWorkflowClientOptions(client.build())
                .setWorkerFactoryOptions(factoryOptions.build())
                .build());
    holder[0] = env;
    Worker w = env.newWorker("tq");
    w.registerWorkflowImplementationTypes(
        CallerWfImpl.class, HandlerWfImpl.class, RogueCallerWfImpl.class);
    w.registerNexusServiceImplementation(new EchoImpl());
    for (NexusEndpoint e : registry.listEndpoints()) {
      env.getOperatorServiceStubs()
          .blockingStub()
          .createNexusEndpoint(
              CreateNexusEndpointRequest.newBuilder()
                  .setSpec(
                      EndpointSpec.newBuilder()
                          .setName(e.getName())
                          .setTarget(
                              EndpointTarget.newBuilder()
                                  .setWorker(
                                      EndpointTarget.Worker.newBuilder()
                                          .setNamespace(NS)
                                          .setTaskQueue("tq"))))
                  .build());
    }
    env.start();
    HANDLER_CALLS.set(0);
    return env.getWorkflowClient();
  }

  private WorkflowClient start(MapRegistry registry, NexusSecurityOptions.Builder options) {
    return start(registry, options, true, false, f -> {});
  }

  private static NexusEndpoint endpoint(String name, String... allowed) {
    return NexusEndpoint.newBuilder()
        .setName(name)
        .setTargetNamespace(NS)
        .setTargetTaskQueue("tq")
        .setAllowedCallerNamespaces(List.of(allowed))
        .build();
  }

  private static CallerWf caller(WorkflowClient client, String workflowId) {
    return client.newWorkflowStub(
        CallerWf.class,
        WorkflowOptions.newBuilder().setTaskQueue("tq").setWorkflowId(workflowId).build());
  }

  private List<ReasonCode> handlerReasons() {
    return events.stream()
        .filter(e -> e.getSide() == AccessDecisionEvent.Side.HANDLER)
        .map(AccessDecisionEvent::getReason)
        .collect(Collectors.toList());
  }

  @ParameterizedTest
  @EnumSource(IdentityMode.class)
  void allowedCaller_syncCall_succeedsInEachMode(IdentityMode mode) {
    MapRegistry registry = new MapRegistry().put(endpoint("ep-ok", NS));
    WorkflowClient client =
        start(
            registry,
            options(registry)
                .setCallerPolicy(CallerPolicy.newBuilder().setIdentityMode(mode).build()));
    assertThat(caller(client, "sync-" + mode).run("ep-ok", "echo", "hi", 0)).isEqualTo("echo:hi");
    assertThat(HANDLER_CALLS.get()).isEqualTo(1);
    assertBindings(client, "sync-" + mode);
    assertThat(events)
        .extracting(AccessDecisionEvent::getSide, AccessDecisionEvent::getReason)
        .containsExactly(
            org.assertj.core.groups.Tuple.tuple(
                AccessDecisionEvent.Side.CALLER, ReasonCode.ALLOWED),
            org.assertj.core.groups.Tuple.tuple(
                AccessDecisionEvent.Side.HANDLER, ReasonCode.ALLOWED));
  }

  @ParameterizedTest
  @EnumSource(IdentityMode.class)
  void allowedCaller_workflowRunCall_succeedsInEachMode(IdentityMode mode) {
    MapRegistry registry = new MapRegistry().put(endpoint("ep-ok", NS));
    WorkflowClient client =
        start(
            registry,
            options(registry)
                .setCallerPolicy(CallerPolicy.newBuilder().setIdentityMode(mode).build()));
    assertThat(caller(client, "wf-" + mode).run("ep-ok", "viaWorkflow", "settle", 0))
        .isEqualTo("wf:settle");
    assertThat(HANDLER_CALLS.get()).isEqualTo(1);
    assertBindings(client, "wf-" + mode);
    assertThat(handlerReasons()).containsExactly(ReasonCode.ALLOWED);
  }

  /**
   * Starts a caller worker on task queue {@code caller-tq} with its own NexusSecurity (the handler
   * and the other workflows stay on {@code tq} with the options given to {@link #start}).
   */
  private WorkerFactory startCallerWorker(WorkflowClient client, NexusSecurityOptions options) {
    WorkerFactory factory =
        WorkerFactory.newInstance(
            client,
            WorkerFactoryOptions.newBuilder()
                .setWorkerInterceptors(NexusSecurity.newInstance(options).getWorkerInterceptor())
                .build());
    factory.newWorker("caller-tq").registerWorkflowImplementationTypes(CallerWfImpl.class);
    factory.start();
    return factory;
  }

  private static CallerWf callerOnOwnQueue(WorkflowClient client, String workflowId) {
    return client.newWorkflowStub(
        CallerWf.class,
        WorkflowOptions.newBuilder().setTaskQueue("caller-tq").setWorkflowId(workflowId).build());
  }

  /**
   * Ed25519 in BouncyCastle's provider on either side, Tink's own on the other (or the provider on
   * both): the token format is the same, so each verifies what the other signs.
   */
  @ParameterizedTest
  @CsvSource({"true, false", "false, true", "true, true"})
  void signatureMode_withSignatureProvider_onEitherSide_interoperates(
      boolean callerProvider, boolean handlerProvider) {
    MapRegistry registry = new MapRegistry().put(endpoint("ep-ok", NS));
    NexusSecurityOptions.Builder handler = options(registry);
    NexusSecurityOptions.Builder caller =
        options(registry)
            .setCallerPolicy(
                CallerPolicy.newBuilder().setIdentityMode(IdentityMode.SIGNATURE).build());
    if (handlerProvider) {
      handler.setSignatureProvider(new BouncyCastleProvider());
    }
    if (callerProvider) {
      caller.setSignatureProvider(new BouncyCastleProvider());
    }
    WorkflowClient client = start(registry, handler);
    WorkerFactory callerWorker = startCallerWorker(client, caller.build());
    try {
      String id = "provider-" + callerProvider + "-" + handlerProvider;
      assertThat(callerOnOwnQueue(client, id).run("ep-ok", "echo", "hi", 0)).isEqualTo("echo:hi");
      assertThat(HANDLER_CALLS.get()).isEqualTo(1);
      assertThat(handlerReasons()).containsExactly(ReasonCode.ALLOWED);
    } finally {
      callerWorker.shutdownNow();
    }
  }

  @Test
  void signatureMode_withSignatureProvider_revokedCallerKey_isDenied_beforeHandlerCode() {
    MapRegistry registry = new MapRegistry().put(endpoint("ep-ok", NS));
    int signing = keys.getSignatureKeys().orElseThrow().getPrimary().getId();
    NexusSecurityOptions.Builder handler =
        options(registry)
            .setKeyDirectory(
                NamespaceKeyDirectory.newBuilder()
                    .put(keys.toPublicKeys().toBuilder().addRevokedKeyId(signing).build())
                    .build())
            .setSignatureProvider(new BouncyCastleProvider());
    NexusSecurityOptions caller =
        options(registry)
            .setCallerPolicy(
                CallerPolicy.newBuilder().setIdentityMode(IdentityMode.SIGNATURE).build())
            .setSignatureProvider(new BouncyCastleProvider())
            .build();
    WorkflowClient client = start(registry, handler);
    WorkerFactory callerWorker = startCallerWorker(client, caller);
    try {
      assertThatThrownBy(
              () -> callerOnOwnQueue(client, "provider-revoked").run("ep-ok", "echo", "hi", 0))
          .isInstanceOf(WorkflowFailedException.class)
          .satisfies(
              e -> assertThat(AccessDenials.reasonOf(e)).contains(ReasonCode.UNTRUSTED_CALLER));
      assertThat(HANDLER_CALLS.get()).isZero();
      assertThat(handlerReasons()).containsExactly(ReasonCode.UNTRUSTED_CALLER);
    } finally {
      callerWorker.shutdownNow();
    }
  }

  /**
   * The input in the caller's history was encoded under the INPUT binding of the token it was sent
   * with, and the result under the RESULT binding of the same call (for workflow-run operations on
   * the handler workflow's thread).
   */
  private static void assertBindings(WorkflowClient client, String workflowId) {
    List<HistoryEvent> history = client.fetchHistory(workflowId).getEvents();
    HistoryEvent scheduled =
        history.stream()
            .filter(e -> e.getEventType() == EventType.EVENT_TYPE_NEXUS_OPERATION_SCHEDULED)
            .findFirst()
            .orElseThrow();
    String token =
        scheduled
            .getNexusOperationScheduledEventAttributes()
            .getNexusHeaderMap()
            .get(NexusSecurity.IDENTITY_HEADER);
    String json =
        new String(
            java.util.Base64.getUrlDecoder().decode(token.split("\\.")[1]), StandardCharsets.UTF_8);
    String jti = json.replaceAll(".*\"jti\":\"([^\"]+)\".*", "$1");
    assertThat(
            scheduled
                .getNexusOperationScheduledEventAttributes()
                .getInput()
                .getMetadataMap()
                .get(BindingTestCodec.KEY)
                .toStringUtf8())
        .isEqualTo(jti + "/INPUT");
    HistoryEvent completed =
        history.stream()
            .filter(e -> e.getEventType() == EventType.EVENT_TYPE_NEXUS_OPERATION_COMPLETED)
            .findFirst()
            .orElseThrow();
    assertThat(
            completed
                .getNexusOperationCompletedEventAttributes()
                .getResult()
                .getMetadataMap()
                .get(BindingTestCodec.KEY)
                .toStringUtf8())
        .isEqualTo(jti + "/RESULT");
  }

  @Test
  void startingCaller_cancelsItsWorkflowRunOperation_throughTheBoundOperationToken() {
    MapRegistry registry = new MapRegistry().put(endpoint("ep-ok", NS));
    WorkflowClient client = start(registry, options(registry));
    assertThat(caller(client, "cancel-1").run("ep-ok", "cancel", "x", 0))
        .isEqualTo("cancel requested");
    // The cancel reaches the handler asynchronously.
    long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
    while (events.stream().noneMatch(e -> e.getAction() == AccessDecisionEvent.Action.CANCEL)
        && System.nanoTime() < deadline) {
      Thread.onSpinWait();
    }
    assertThat(events)
        .filteredOn(e -> e.getAction() == AccessDecisionEvent.Action.CANCEL)
        .extracting(AccessDecisionEvent::getReason)
        .containsExactly(ReasonCode.ALLOWED);
    List<HistoryEvent> started =
        client.fetchHistory("cancel-1").getEvents().stream()
            .filter(e -> e.getEventType() == EventType.EVENT_TYPE_NEXUS_OPERATION_STARTED)
            .collect(Collectors.toList());
    assertThat(started).hasSize(1);
    assertThat(started.get(0).getNexusOperationStartedEventAttributes().getOperationToken())
        .as("the operation token the caller sees is bound to it")
        .startsWith("nso1.");
  }

  @Test
  void withoutBindingAwareCodec_startIsDenied_inputNotBound_beforeHandlerCode() {
    MapRegistry registry = new MapRegistry().put(endpoint("ep-ok", NS));
    WorkflowClient client = start(registry, options(registry), false, false, f -> {});
    assertThatThrownBy(() -> caller(client, "unbound-1").run("ep-ok", "echo", "hi", 0))
        .isInstanceOf(WorkflowFailedException.class)
        .satisfies(e -> assertThat(AccessDenials.reasonOf(e)).contains(ReasonCode.INPUT_NOT_BOUND))
        .rootCause()
        .hasMessageContaining("Install the Tink payload codec");
    assertThat(HANDLER_CALLS.get()).isZero();
  }

  @Test
  void inputRefusedByTheCodec_isDeniedAtOnce_inputNotBound_beforeHandlerCode_evenWithTheOptOut() {
    MapRegistry registry = new MapRegistry().put(endpoint("ep-ok", NS));
    WorkflowClient client =
        start(
            registry,
            options(registry)
                .setHandlerPolicy(HandlerPolicy.newBuilder().setAllowUnboundInput(true).build()));
    // "short": 3 s schedule-to-close, so a retryable refusal would end as a timeout instead
    assertThatThrownBy(() -> caller(client, "refused-1").run("ep-ok", "echo", "short-forged", 0))
        .isInstanceOf(WorkflowFailedException.class)
        .satisfies(e -> assertThat(AccessDenials.reasonOf(e)).contains(ReasonCode.INPUT_NOT_BOUND))
        .rootCause()
        .hasMessageContaining("codec refused the input (TEST_REFUSED)")
        .hasMessageContaining("the input says it is forged");
    assertThat(HANDLER_CALLS.get()).isZero();
    assertThat(handlerReasons()).containsExactly(ReasonCode.INPUT_NOT_BOUND);
  }

  @Test
  void withoutBindingAwareCodec_explicitOptOut_admitsTheCall() {
    MapRegistry registry = new MapRegistry().put(endpoint("ep-ok", NS));
    WorkflowClient client =
        start(
            registry,
            options(registry)
                .setHandlerPolicy(HandlerPolicy.newBuilder().setAllowUnboundInput(true).build()),
            false,
            false,
            f -> {});
    assertThat(caller(client, "optout-1").run("ep-ok", "echo", "hi", 0)).isEqualTo("echo:hi");
  }

  @Test
  void callerNotAllowed_isDeniedOnCallerSide_withoutSchedulingAnything() {
    MapRegistry registry = new MapRegistry().put(endpoint("ep-closed"));
    WorkflowClient client = start(registry, options(registry));
    assertThatThrownBy(() -> caller(client, "denied-1").run("ep-closed", "echo", "hi", 0))
        .isInstanceOf(WorkflowFailedException.class)
        .satisfies(
            e -> assertThat(AccessDenials.reasonOf(e)).contains(ReasonCode.CALLER_NOT_ALLOWED))
        .rootCause()
        .hasMessageContaining("CALLER_NOT_ALLOWED")
        .hasMessageContaining("not on the allowlist of endpoint 'ep-closed'");
    assertThat(HANDLER_CALLS.get()).isZero();
    assertThat(
            client.fetchHistory("denied-1").getEvents().stream()
                .filter(e -> e.getEventType() == EventType.EVENT_TYPE_NEXUS_OPERATION_SCHEDULED)
                .count())
        .isZero();
  }

  /** A directory whose entry for {@link #NS} states that its workers decode pairwise only. */
  private static NamespaceKeyDirectory pairwiseOnlyDirectory() {
    return NamespaceKeyDirectory.newBuilder()
        .put(
            keys.toPublicKeys().toBuilder()
                .setPayloadAcceptance(PayloadAcceptance.newBuilder().setPairwise(true).build())
                .build())
        .build();
  }

  @Test
  void endpointProtection_notAcceptedByTheHandler_isDeniedOnCallerSide_withoutSchedulingAnything() {
    MapRegistry registry =
        new MapRegistry()
            .put(
                endpoint("ep-shared", NS).toBuilder()
                    .setPayloadProtection(PayloadProtection.shared("orders-key"))
                    .build());
    WorkflowClient client =
        start(registry, options(registry).setKeyDirectory(pairwiseOnlyDirectory()));
    assertThatThrownBy(() -> caller(client, "protection-1").run("ep-shared", "echo", "hi", 0))
        .isInstanceOf(WorkflowFailedException.class)
        .satisfies(
            e ->
                assertThat(AccessDenials.reasonOf(e))
                    .contains(ReasonCode.PAYLOAD_PROTECTION_NOT_ACCEPTED))
        .rootCause()
        .hasMessageContaining("PAYLOAD_PROTECTION_NOT_ACCEPTED")
        .hasMessageContaining("shared:orders-key");
    assertThat(HANDLER_CALLS.get()).isZero();
    assertThat(
            client.fetchHistory("protection-1").getEvents().stream()
                .filter(e -> e.getEventType() == EventType.EVENT_TYPE_NEXUS_OPERATION_SCHEDULED)
                .count())
        .isZero();
  }

  @Test
  void endpointProtection_acceptedByTheHandler_isAllowed() {
    MapRegistry registry =
        new MapRegistry()
            .put(
                endpoint("ep-pairwise", NS).toBuilder()
                    .setPayloadProtection(PayloadProtection.pairwise())
                    .build());
    WorkflowClient client =
        start(registry, options(registry).setKeyDirectory(pairwiseOnlyDirectory()));
    assertThat(caller(client, "protection-2").run("ep-pairwise", "echo", "hi", 0))
        .isEqualTo("echo:hi");
    assertThat(HANDLER_CALLS.get()).isEqualTo(1);
  }

  @Test
  void rogueCallerSkippingItsCheck_isDeniedByHandler_beforeHandlerCode() {
    MapRegistry registry = new MapRegistry().put(endpoint("ep-closed"));
    WorkflowClient client = start(registry, options(registry).setEnforceOnCaller(false));
    assertThatThrownBy(() -> caller(client, "rogue-0").run("ep-closed", "echo", "hi", 0))
        .isInstanceOf(WorkflowFailedException.class)
        .satisfies(
            e -> assertThat(AccessDenials.reasonOf(e)).contains(ReasonCode.CALLER_NOT_ALLOWED));
    assertThat(HANDLER_CALLS.get()).isZero();
    assertThat(handlerReasons()).containsExactly(ReasonCode.CALLER_NOT_ALLOWED);
  }

  @Test
  void callerSkippingItsCheck_withAStaleRegistry_isDeniedRegistryStale_notUnknownEndpoint() {
    // found by the soak: without the caller-side check, a stale registry was reported as the
    // non-retryable UNKNOWN_ENDPOINT, so a call that should wait for the registry failed for good
    MapRegistry registry = new MapRegistry().put(endpoint("ep-open", NS)).setStale(true);
    WorkflowClient client = start(registry, options(registry).setEnforceOnCaller(false));
    assertThatThrownBy(() -> caller(client, "stale-0").run("ep-open", "echo", "hi", 0))
        .isInstanceOf(WorkflowFailedException.class)
        .satisfies(e -> assertThat(AccessDenials.reasonOf(e)).contains(ReasonCode.REGISTRY_STALE))
        .satisfies(
            e ->
                assertThat(String.valueOf(e.getCause().getCause().getMessage())).contains("stale"));
    assertThat(HANDLER_CALLS.get()).isZero();

    registry.setStale(false);
    assertThat(caller(client, "stale-1").run("ep-open", "echo", "hi", 0)).isEqualTo("echo:hi");
  }

  @ParameterizedTest
  @org.junit.jupiter.params.provider.ValueSource(longs = {2 * 3_600_000L, 30 * 86_400_000L})
  void timeSkipping_callAfterSkippedSleep_succeeds_withTheServersTimeSource(long sleepMillis) {
    MapRegistry registry = new MapRegistry().put(endpoint("ep-ok", NS));
    WorkflowClient client = start(registry, options(registry), true, true, f -> {});
    assertThat(caller(client, "skip-" + sleepMillis).run("ep-ok", "echo", "hi", sleepMillis))
        .isEqualTo("echo:hi");
    assertThat(handlerReasons()).containsExactly(ReasonCode.ALLOWED);
  }

  @Test
  void timeSkipping_withoutTheServersTimeSource_isDenied_withAHintNamingTimeSkipping() {
    MapRegistry registry = new MapRegistry().put(endpoint("ep-ok", NS));
    TestWorkflowEnvironment[] unused = new TestWorkflowEnvironment[0];
    WorkflowClient client =
        start(
            registry,
            options(registry),
            true,
            false,
            f -> {}); // wall clock first, to build; then a skipping server below
    env.close();
    env = null;
    NexusSecurity security = NexusSecurity.newInstance(options(registry).build());
    env =
        TestWorkflowEnvironment.newInstance(
            TestEnvironmentOptions.newBuilder()
                .setUseTimeskipping(true)
                .setWorkflowClientOptions(
                    WorkflowClientOptions.newBuilder()
                        .setNamespace(NS)
                        .setDataConverter(
                            new CodecDataConverter(
                                DefaultDataConverter.newDefaultInstance(),
                                List.of(new BindingTestCodec())))
                        .build())
                .setWorkerFactoryOptions(
                    WorkerFactoryOptions.newBuilder()
                        .setWorkerInterceptors(security.getWorkerInterceptor())
                        .build())
                .build());
    Worker w = env.newWorker("tq");
    w.registerWorkflowImplementationTypes(CallerWfImpl.class);
    w.registerNexusServiceImplementation(new EchoImpl());
    env.createNexusEndpoint("ep-ok", "tq");
    env.start();
    HANDLER_CALLS.set(0);
    assertThat(unused).isEmpty();
    assertThat(client).isNotNull();
    assertThatThrownBy(
            () ->
                caller(env.getWorkflowClient(), "skip-deny").run("ep-ok", "echo", "hi", 7_200_000L))
        .isInstanceOf(WorkflowFailedException.class)
        .satisfies(
            e -> assertThat(AccessDenials.reasonOf(e)).contains(ReasonCode.TOKEN_NOT_YET_VALID))
        .rootCause()
        .hasMessageContaining("time-skipping test server")
        .hasMessageContaining("setTimeSource");
    assertThat(HANDLER_CALLS.get()).isZero();
  }

  /** A caller workflow whose Nexus call carries a token copied from another run's history. */
  @WorkflowInterface
  public interface RogueCallerWf {
    @WorkflowMethod
    String run(String endpoint, String in);
  }

  public static class RogueCallerWfImpl implements RogueCallerWf {
    @Override
    public String run(String endpoint, String in) {
      return new CallerWfImpl().run(endpoint, "echo", in, 0);
    }
  }

  /** Runs inside nexus-security's caller interceptor and swaps in the copied token. */
  static final class TokenSwapper extends WorkerInterceptorBase {
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
                  String token = copiedToken;
                  if (token != null && Workflow.getInfo().getWorkflowId().startsWith("rogue")) {
                    input.getHeaders().put(NexusSecurity.IDENTITY_HEADER, token);
                  }
                  return super.executeNexusOperation(input);
                }
              });
        }
      };
    }
  }

  @Test
  void tokenCopiedFromAHistory_sentByAnotherRun_isDenied_callerLinkMismatch() {
    MapRegistry registry = new MapRegistry().put(endpoint("ep-ok", NS));
    TokenSwapper swapper = new TokenSwapper();
    WorkflowClient client =
        start(
            registry,
            options(registry),
            true,
            false,
            f ->
                // Last = outermost for workflow calls, so the swapper runs inside nexus-security's
                // caller interceptor; it does not intercept Nexus, so security stays outermost
                // there.
                f.setWorkerInterceptors(f.build().getWorkerInterceptors()[0], swapper));
    assertThat(caller(client, "victim-1").run("ep-ok", "echo", "hi", 0)).isEqualTo("echo:hi");
    HistoryEvent scheduled =
        client.fetchHistory("victim-1").getEvents().stream()
            .filter(e -> e.getEventType() == EventType.EVENT_TYPE_NEXUS_OPERATION_SCHEDULED)
            .findFirst()
            .orElseThrow();
    copiedToken =
        scheduled
            .getNexusOperationScheduledEventAttributes()
            .getNexusHeaderMap()
            .get(NexusSecurity.IDENTITY_HEADER);
    assertThat(copiedToken).startsWith("v2.");
    HANDLER_CALLS.set(0);
    RogueCallerWf rogue =
        client.newWorkflowStub(
            RogueCallerWf.class,
            WorkflowOptions.newBuilder().setTaskQueue("tq").setWorkflowId("rogue-1").build());
    assertThatThrownBy(() -> rogue.run("ep-ok", "stolen"))
        .isInstanceOf(WorkflowFailedException.class)
        .satisfies(
            e -> assertThat(AccessDenials.reasonOf(e)).contains(ReasonCode.CALLER_LINK_MISMATCH));
    assertThat(HANDLER_CALLS.get()).isZero();
  }

  /** A user interceptor that counts the Nexus requests it sees. */
  static final class CountingInterceptor extends WorkerInterceptorBase {
    final AtomicInteger seen = new AtomicInteger();

    @Override
    public NexusOperationInboundCallsInterceptor interceptNexusOperation(
        io.nexusrpc.handler.OperationContext context, NexusOperationInboundCallsInterceptor next) {
      return new NexusOperationInboundCallsInterceptorBase(next) {
        @Override
        public void init(NexusOperationOutboundCallsInterceptor outboundCalls) {
          seen.incrementAndGet();
          super.init(outboundCalls);
        }
      };
    }
  }

  @Test
  void securityNotOutermost_handlerDeniesEveryRequest_withSecurityNotOutermost() {
    MapRegistry registry = new MapRegistry().put(endpoint("ep-ok", NS));
    CountingInterceptor user = new CountingInterceptor();
    WorkflowClient client =
        start(
            registry,
            options(registry),
            true,
            false,
            f -> f.setWorkerInterceptors(f.build().getWorkerInterceptors()[0], user));
    assertThatThrownBy(() -> caller(client, "misordered-1").run("ep-ok", "echo", "short", 0))
        .isInstanceOf(WorkflowFailedException.class);
    assertThat(HANDLER_CALLS.get()).isZero();
    assertThat(handlerReasons()).isNotEmpty().containsOnly(ReasonCode.SECURITY_NOT_OUTERMOST);
  }

  @Test
  void workerFactoryOptions_putsSecurityLast() {
    MapRegistry registry = new MapRegistry().put(endpoint("ep-ok", NS));
    NexusSecurity security = NexusSecurity.newInstance(options(registry).build());
    WorkerInterceptor user = new CountingInterceptor();
    WorkerFactoryOptions built =
        security.workerFactoryOptions(
            WorkerFactoryOptions.newBuilder()
                .setWorkerInterceptors(security.getWorkerInterceptor(), user)
                .build());
    assertThat(built.getWorkerInterceptors())
        .containsExactly(user, security.getWorkerInterceptor());
  }

  static String utf8(Payload p) {
    return p.getData().toString(StandardCharsets.UTF_8);
  }

  static boolean isCanceled(Throwable t) {
    return t instanceof CanceledFailure;
  }
}
