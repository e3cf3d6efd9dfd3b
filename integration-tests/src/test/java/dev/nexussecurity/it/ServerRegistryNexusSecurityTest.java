package dev.nexussecurity.it;

import static dev.nexussecurity.it.ServerEndpointsSupport.edit;
import static dev.nexussecurity.it.ServerEndpointsSupport.editSignedJson;
import static dev.nexussecurity.it.ServerEndpointsSupport.endpoint;
import static dev.nexussecurity.it.ServerEndpointsSupport.publicHalf;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.google.crypto.tink.KeysetHandle;
import dev.nexussecurity.api.AccessDecisionEvent;
import dev.nexussecurity.api.ReasonCode;
import dev.nexussecurity.api.SecurityAuditListener;
import dev.nexussecurity.core.AccessDenials;
import dev.nexussecurity.core.HandlerPolicy;
import dev.nexussecurity.core.NexusSecurity;
import dev.nexussecurity.core.NexusSecurityOptions;
import dev.nexussecurity.core.keys.NamespaceKeyDirectory;
import dev.nexussecurity.core.keys.NamespaceKeys;
import dev.nexussecurity.core.server.EndpointReconciler;
import dev.nexussecurity.core.server.ServerEndpointRegistry;
import dev.nexussecurity.it.support.InMemoryRegistry;
import dev.nexussecurity.testing.EmbeddedTemporal;
import io.nexusrpc.Operation;
import io.nexusrpc.Service;
import io.nexusrpc.handler.OperationHandler;
import io.nexusrpc.handler.OperationImpl;
import io.nexusrpc.handler.ServiceImpl;
import io.temporal.api.enums.v1.EventType;
import io.temporal.client.WorkflowClient;
import io.temporal.client.WorkflowFailedException;
import io.temporal.client.WorkflowOptions;
import io.temporal.worker.WorkerFactory;
import io.temporal.worker.WorkerFactoryOptions;
import io.temporal.workflow.NexusOperationOptions;
import io.temporal.workflow.NexusServiceOptions;
import io.temporal.workflow.Workflow;
import io.temporal.workflow.WorkflowInterface;
import io.temporal.workflow.WorkflowMethod;
import java.time.Duration;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

/**
 * End to end: caller and handler workers in two namespaces, each with {@link NexusSecurity} on its
 * own {@link ServerEndpointRegistry} read from the embedded server, whose endpoints an {@link
 * EndpointReconciler} wrote.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class ServerRegistryNexusSecurityTest {
  static final String CALLER_NS = "caller-ns";
  static final String HANDLER_NS = "handler-ns";
  static final String HANDLER_TQ = "echo-tq";
  static final List<String> HANDLED = new CopyOnWriteArrayList<>();

  @Service
  public interface Echo {
    @Operation
    String echo(String in);
  }

  @ServiceImpl(service = Echo.class)
  public static class EchoImpl {
    @OperationImpl
    public OperationHandler<String, String> echo() {
      return OperationHandler.sync(
          (ctx, details, in) -> {
            HANDLED.add(in);
            return "echo:" + in;
          });
    }
  }

  @WorkflowInterface
  public interface CallerWf {
    @WorkflowMethod
    String call(String endpoint, String in);
  }

  public static class CallerWfImpl implements CallerWf {
    @Override
    public String call(String endpoint, String in) {
      return Workflow.newNexusServiceStub(
              Echo.class,
              NexusServiceOptions.newBuilder()
                  .setEndpoint(endpoint)
                  .setOperationOptions(
                      NexusOperationOptions.newBuilder()
                          .setScheduleToCloseTimeout(Duration.ofSeconds(20))
                          .build())
                  .build())
          .echo(in);
    }
  }

  private final KeysetHandle registryKey = ServerEndpointsSupport.newSigningKeyset();
  private final NamespaceKeys callerKeys = NamespaceKeys.generate(CALLER_NS, false);
  private final NamespaceKeys handlerKeys = NamespaceKeys.generate(HANDLER_NS, false);
  private final NamespaceKeyDirectory keyDirectory =
      NamespaceKeyDirectory.newBuilder()
          .put(callerKeys.toPublicKeys())
          .put(handlerKeys.toPublicKeys())
          .build();
  private final List<AccessDecisionEvent> handlerEvents = new CopyOnWriteArrayList<>();
  private final OffsetClock callerClock = new OffsetClock();
  private final OffsetClock handlerClock = new OffsetClock();
  private InMemoryRegistry source;
  private EmbeddedTemporal temporal;
  private ServerEndpointRegistry callerRegistry;
  private ServerEndpointRegistry handlerRegistry;
  private WorkflowClient callerClient;

  @BeforeAll
  void start() {
    temporal = EmbeddedTemporal.newBuilder().start();
    source =
        new InMemoryRegistry()
            .store(endpoint("echo", HANDLER_NS, HANDLER_TQ, CALLER_NS))
            .store(endpoint("echo-tampered", HANDLER_NS, HANDLER_TQ, CALLER_NS))
            .store(endpoint("echo-revoked", HANDLER_NS, HANDLER_TQ, CALLER_NS));
    assertThat(reconciler().reconcile().isSuccess()).isTrue();
    temporal.createNexusEndpoint("echo-private", HANDLER_NS, HANDLER_TQ);

    callerRegistry = workerRegistry(callerClock);
    handlerRegistry = workerRegistry(handlerClock);

    NexusSecurity handlerSecurity =
        NexusSecurity.newInstance(
            NexusSecurityOptions.newBuilder()
                .setNamespace(HANDLER_NS)
                .setRegistry(handlerRegistry)
                .setNamespaceKeys(handlerKeys)
                .setKeyDirectory(keyDirectory)
                // No payload codec here, so no input binding: this suite is about the registry.
                .setHandlerPolicy(HandlerPolicy.newBuilder().setAllowUnboundInput(true).build())
                .addAuditListener(
                    new SecurityAuditListener() {
                      @Override
                      public void onAccessDecision(AccessDecisionEvent event) {
                        handlerEvents.add(event);
                      }
                    })
                .build());
    WorkerFactory handlerFactory =
        temporal.newWorkerFactory(
            temporal.newWorkflowClient(HANDLER_NS),
            WorkerFactoryOptions.newBuilder()
                .setWorkerInterceptors(handlerSecurity.getWorkerInterceptor())
                .build());
    handlerFactory.newWorker(HANDLER_TQ).registerNexusServiceImplementation(new EchoImpl());

    callerClient = temporal.newWorkflowClient(CALLER_NS);
    callerWorker("caller-tq", true);
    // A caller worker that skips its own check, so that the handler's check is seen alone.
    callerWorker("unchecked-tq", false);
    handlerFactory.start();
  }

  private void callerWorker(String taskQueue, boolean enforceOnCaller) {
    NexusSecurity callerSecurity =
        NexusSecurity.newInstance(
            NexusSecurityOptions.newBuilder()
                .setNamespace(CALLER_NS)
                .setRegistry(callerRegistry)
                .setNamespaceKeys(callerKeys)
                .setKeyDirectory(keyDirectory)
                .setEnforceOnCaller(enforceOnCaller)
                .build());
    WorkerFactory factory =
        temporal.newWorkerFactory(
            temporal.newWorkflowClient(CALLER_NS),
            WorkerFactoryOptions.newBuilder()
                .setWorkerInterceptors(callerSecurity.getWorkerInterceptor())
                .build());
    factory.newWorker(taskQueue).registerWorkflowImplementationTypes(CallerWfImpl.class);
    factory.start();
  }

  private EndpointReconciler reconciler() {
    return EndpointReconciler.newBuilder()
        .setRegistry(source)
        .setOperatorServiceStubs(temporal.getOperatorServiceStubs())
        .setRegistrySigningKeyset(registryKey)
        .setAudience(ServerEndpointsSupport.AUDIENCE)
        .build();
  }

  private ServerEndpointRegistry workerRegistry(OffsetClock clock) {
    return ServerEndpointRegistry.newBuilder()
        .setOperatorServiceStubs(temporal.getOperatorServiceStubs())
        .setRegistryPublicKeyset(publicHalf(registryKey))
        .setAudience(ServerEndpointsSupport.AUDIENCE)
        .setRefreshInterval(Duration.ZERO)
        .setClock(clock)
        .start();
  }

  @AfterAll
  void stop() {
    temporal.close();
    callerRegistry.close();
    handlerRegistry.close();
  }

  @BeforeEach
  void clear() {
    HANDLED.clear();
    handlerEvents.clear();
  }

  @AfterEach
  void backToNow() {
    callerClock.reset();
    handlerClock.reset();
  }

  private String call(String taskQueue, String workflowId, String endpoint, String in) {
    return callerClient
        .newWorkflowStub(
            CallerWf.class,
            WorkflowOptions.newBuilder()
                .setTaskQueue(taskQueue)
                .setWorkflowId(workflowId)
                .setWorkflowExecutionTimeout(Duration.ofSeconds(30))
                .build())
        .call(endpoint, in);
  }

  private long scheduledNexusOperations(String workflowId) {
    return callerClient.fetchHistory(workflowId).getEvents().stream()
        .filter(e -> e.getEventType() == EventType.EVENT_TYPE_NEXUS_OPERATION_SCHEDULED)
        .count();
  }

  @Test
  void allowedCaller_isAdmittedOnBothSides() {
    assertThat(call("caller-tq", "allowed-" + UUID.randomUUID(), "echo", "hi"))
        .isEqualTo("echo:hi");
    assertThat(HANDLED).containsExactly("hi");
    assertThat(handlerEvents)
        .singleElement()
        .satisfies(e -> assertThat(e.getReason()).isEqualTo(ReasonCode.ALLOWED));
  }

  @Test
  void tamperedPolicy_isDeniedByTheHandler_andThenByTheCaller() {
    edit(
        temporal.getOperatorServiceStubs(),
        "echo-tampered",
        s -> editSignedJson(s, t -> t.replace("Endpoint echo-tampered", "Endpoint edited")));
    // Only the handler has refreshed: the caller still allows the call and sends it.
    handlerRegistry.refresh();
    String first = "tampered-handler-" + UUID.randomUUID();
    assertThatThrownBy(() -> call("caller-tq", first, "echo-tampered", "x"))
        .isInstanceOf(WorkflowFailedException.class)
        .satisfies(
            e -> assertThat(AccessDenials.reasonOf(e)).contains(ReasonCode.ENDPOINT_POLICY_INVALID))
        .rootCause()
        .hasMessageContaining("ENDPOINT_POLICY_INVALID")
        .hasMessageContaining("handler side");
    assertThat(scheduledNexusOperations(first)).isEqualTo(1);
    assertThat(HANDLED).isEmpty();

    // Once the caller has refreshed too, it refuses before scheduling anything.
    callerRegistry.refresh();
    String second = "tampered-caller-" + UUID.randomUUID();
    assertThatThrownBy(() -> call("caller-tq", second, "echo-tampered", "y"))
        .isInstanceOf(WorkflowFailedException.class)
        .satisfies(
            e -> assertThat(AccessDenials.reasonOf(e)).contains(ReasonCode.ENDPOINT_POLICY_INVALID))
        .rootCause()
        .hasMessageContaining("caller side");
    assertThat(scheduledNexusOperations(second)).isZero();
    assertThat(HANDLED).isEmpty();

    // The untouched endpoint still works.
    assertThat(call("caller-tq", "still-ok-" + UUID.randomUUID(), "echo", "z")).isEqualTo("echo:z");
  }

  @Test
  void privateEndpoint_isUnknownOnBothSides() {
    String onCaller = "private-caller-" + UUID.randomUUID();
    assertThatThrownBy(() -> call("caller-tq", onCaller, "echo-private", "p"))
        .isInstanceOf(WorkflowFailedException.class)
        .satisfies(
            e -> assertThat(AccessDenials.reasonOf(e)).contains(ReasonCode.UNKNOWN_ENDPOINT));
    assertThat(scheduledNexusOperations(onCaller)).isZero();

    // A caller that skips its own check still issues no token without the endpoint's target (the
    // token's audience), so nothing is scheduled there either.
    String unchecked = "private-unchecked-" + UUID.randomUUID();
    assertThatThrownBy(() -> call("unchecked-tq", unchecked, "echo-private", "p"))
        .isInstanceOf(WorkflowFailedException.class)
        .satisfies(
            e -> assertThat(AccessDenials.reasonOf(e)).contains(ReasonCode.UNKNOWN_ENDPOINT));
    assertThat(scheduledNexusOperations(unchecked)).isZero();
    assertThat(handlerEvents).isEmpty();
    assertThat(HANDLED).isEmpty();
  }

  @Test
  void endpointRemovedFromTheRegistry_isDeniedOnBothSides_thoughItStaysOnTheServer() {
    assertThat(call("caller-tq", "revoked-before-" + UUID.randomUUID(), "echo-revoked", "a"))
        .isEqualTo("echo:a");
    source.remove("echo-revoked");
    assertThat(reconciler().reconcile().isSuccess()).isTrue();
    assertThat(ServerEndpointsSupport.byName(temporal.getOperatorServiceStubs(), "echo-revoked"))
        .as("still on the server, still routed by it")
        .isNotNull();
    handlerRegistry.refresh();
    HANDLED.clear();
    handlerEvents.clear();

    // The caller has not refreshed yet and sends the call: the handler refuses it.
    String first = "revoked-handler-" + UUID.randomUUID();
    assertThatThrownBy(() -> call("caller-tq", first, "echo-revoked", "b"))
        .isInstanceOf(WorkflowFailedException.class)
        .satisfies(e -> assertThat(AccessDenials.reasonOf(e)).contains(ReasonCode.UNKNOWN_ENDPOINT))
        .rootCause()
        .hasMessageContaining("handler side");
    assertThat(scheduledNexusOperations(first)).isEqualTo(1);
    assertThat(HANDLED).isEmpty();

    callerRegistry.refresh();
    String second = "revoked-caller-" + UUID.randomUUID();
    assertThatThrownBy(() -> call("caller-tq", second, "echo-revoked", "c"))
        .isInstanceOf(WorkflowFailedException.class)
        .satisfies(e -> assertThat(AccessDenials.reasonOf(e)).contains(ReasonCode.UNKNOWN_ENDPOINT))
        .rootCause()
        .hasMessageContaining("caller side");
    assertThat(scheduledNexusOperations(second)).isZero();
    assertThat(HANDLED).isEmpty();
  }

  @Test
  void staleCallerRegistry_deniesBeforeAnythingIsScheduled() {
    callerClock.advance(ServerEndpointRegistry.DEFAULT_MAX_STALENESS);

    String id = "stale-caller-" + UUID.randomUUID();
    assertThatThrownBy(() -> call("caller-tq", id, "echo", "s"))
        .isInstanceOf(WorkflowFailedException.class)
        .satisfies(e -> assertThat(AccessDenials.reasonOf(e)).contains(ReasonCode.REGISTRY_STALE))
        .rootCause()
        .hasMessageContaining("caller side");
    assertThat(scheduledNexusOperations(id)).isZero();
    assertThat(HANDLED).isEmpty();
  }

  @Test
  void staleHandlerRegistry_holdsTheStartBeforeAnyHandlerCode_untilItIsFreshAgain()
      throws Exception {
    handlerClock.advance(ServerEndpointRegistry.DEFAULT_MAX_STALENESS);
    assertThat(handlerRegistry.checkAccess("echo", CALLER_NS).getReason())
        .isEqualTo(ReasonCode.REGISTRY_STALE);

    // REGISTRY_STALE is temporary (UNAVAILABLE): the handler denies every attempt, the server keeps
    // retrying the start, and the first attempt after the registry is fresh again is admitted.
    String id = "stale-handler-" + UUID.randomUUID();
    java.util.concurrent.CompletableFuture<String> result =
        java.util.concurrent.CompletableFuture.supplyAsync(
            () -> call("unchecked-tq", id, "echo", "held"));
    long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
    while (handlerEvents.stream().noneMatch(e -> e.getReason() == ReasonCode.REGISTRY_STALE)) {
      assertThat(System.nanoTime()).as("a REGISTRY_STALE denial in time").isLessThan(deadline);
      Thread.sleep(20);
    }
    assertThat(HANDLED).as("no handler code while the registry is stale").isEmpty();
    assertThat(handlerEvents).noneMatch(e -> e.getReason().isAllowed());

    handlerClock.reset(); // as a successful refresh makes it fresh again
    assertThat(result.get(15, java.util.concurrent.TimeUnit.SECONDS)).isEqualTo("echo:held");
    assertThat(HANDLED).containsExactly("held");
  }
}
