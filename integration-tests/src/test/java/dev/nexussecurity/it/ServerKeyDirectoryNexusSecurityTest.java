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
import dev.nexussecurity.core.keys.KeyDirectory;
import dev.nexussecurity.core.keys.NamespaceKeyDirectory;
import dev.nexussecurity.core.keys.NamespaceKeys;
import dev.nexussecurity.core.keys.NamespacePublicKeys;
import dev.nexussecurity.core.server.EndpointReconciler;
import dev.nexussecurity.core.server.ReconcileAction;
import dev.nexussecurity.core.server.ReconcilePlan;
import dev.nexussecurity.core.server.ServerEndpointRegistry;
import dev.nexussecurity.core.server.ServerRegistryException;
import dev.nexussecurity.it.support.InMemoryRegistry;
import dev.nexussecurity.testing.EmbeddedTemporal;
import io.nexusrpc.Operation;
import io.nexusrpc.Service;
import io.nexusrpc.handler.OperationHandler;
import io.nexusrpc.handler.OperationImpl;
import io.nexusrpc.handler.ServiceImpl;
import io.temporal.api.nexus.v1.Endpoint;
import io.temporal.api.nexus.v1.EndpointSpec;
import io.temporal.api.operatorservice.v1.CreateNexusEndpointRequest;
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
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

/**
 * End to end: the namespace key directory distributed through the server-backed registry. An {@link
 * EndpointReconciler} publishes the directory with the endpoints; caller and handler workers in two
 * namespaces take their {@link KeyDirectory} from their own {@link ServerEndpointRegistry} ({@link
 * ServerEndpointRegistry#getKeyDirectory()}) and call each other with pairwise identity. The
 * attacks are a server administrator's: editing, moving, putting back, deleting and resurrecting
 * directory entries on the Temporal server, and calling with a key of their own.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class ServerKeyDirectoryNexusSecurityTest {
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
    String call(String in);
  }

  public static class CallerWfImpl implements CallerWf {
    @Override
    public String call(String in) {
      return Workflow.newNexusServiceStub(
              Echo.class,
              NexusServiceOptions.newBuilder()
                  .setEndpoint("echo")
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
  private final NamespaceKeys rotatedCallerKeys = NamespaceKeys.generate(CALLER_NS, false);
  private final NamespaceKeys attackerKeys = NamespaceKeys.generate(CALLER_NS, false);
  private final NamespaceKeys handlerKeys = NamespaceKeys.generate(HANDLER_NS, false);
  private final NamespaceKeyDirectory original =
      NamespaceKeyDirectory.newBuilder()
          .put(callerKeys.toPublicKeys())
          .put(handlerKeys.toPublicKeys())
          .build();
  private final List<AccessDecisionEvent> handlerEvents = new CopyOnWriteArrayList<>();
  private final OffsetClock handlerClock = new OffsetClock();
  private Path handlerState;
  private InMemoryRegistry source;
  private EmbeddedTemporal temporal;
  private ServerEndpointRegistry callerRegistry;
  private ServerEndpointRegistry handlerRegistry;
  private WorkflowClient callerClient;

  @BeforeAll
  void start() throws Exception {
    handlerState = Files.createTempDirectory("key-directory-it").resolve("handler-state.json");
    temporal = EmbeddedTemporal.newBuilder().start();
    source = new InMemoryRegistry().store(endpoint("echo", HANDLER_NS, HANDLER_TQ, CALLER_NS));
    assertThat(reconciler(original, false).reconcile().isSuccess()).isTrue();

    callerRegistry = workerRegistry(new OffsetClock(), null);
    handlerRegistry = workerRegistry(handlerClock, handlerState);

    NexusSecurity handlerSecurity =
        NexusSecurity.newInstance(
            NexusSecurityOptions.newBuilder()
                .setNamespace(HANDLER_NS)
                .setRegistry(handlerRegistry)
                .setNamespaceKeys(handlerKeys)
                .setKeyDirectory(handlerRegistry.getKeyDirectory())
                // No payload codec here, so no input binding: this suite is about the directory.
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
    callerWorker("caller-tq", callerKeys, callerRegistry.getKeyDirectory(), true);
    callerWorker("rotated-tq", rotatedCallerKeys, callerRegistry.getKeyDirectory(), true);
    // The attacker runs a caller worker in the caller namespace with keys of their own, and a
    // directory of their own that says those keys are the caller namespace's.
    callerWorker(
        "attacker-tq",
        attackerKeys,
        NamespaceKeyDirectory.newBuilder()
            .put(attackerKeys.toPublicKeys())
            .put(handlerKeys.toPublicKeys())
            .build(),
        false);
    handlerFactory.start();
  }

  private void callerWorker(
      String taskQueue, NamespaceKeys keys, KeyDirectory directory, boolean enforceOnCaller) {
    NexusSecurity security =
        NexusSecurity.newInstance(
            NexusSecurityOptions.newBuilder()
                .setNamespace(CALLER_NS)
                .setRegistry(callerRegistry)
                .setNamespaceKeys(keys)
                .setKeyDirectory(directory)
                .setEnforceOnCaller(enforceOnCaller)
                .build());
    WorkerFactory factory =
        temporal.newWorkerFactory(
            temporal.newWorkflowClient(CALLER_NS),
            WorkerFactoryOptions.newBuilder()
                .setWorkerInterceptors(security.getWorkerInterceptor())
                .build());
    factory.newWorker(taskQueue).registerWorkflowImplementationTypes(CallerWfImpl.class);
    factory.start();
  }

  private EndpointReconciler reconciler(KeyDirectory directory, boolean deleteRemoved) {
    return EndpointReconciler.newBuilder()
        .setRegistry(source)
        .setOperatorServiceStubs(temporal.getOperatorServiceStubs())
        .setRegistrySigningKeyset(registryKey)
        .setAudience(ServerEndpointsSupport.AUDIENCE)
        .setKeyDirectory(directory)
        .setDeleteRemovedEndpoints(deleteRemoved)
        .build();
  }

  private ServerEndpointRegistry workerRegistry(OffsetClock clock, Path stateFile) {
    ServerEndpointRegistry.Builder b =
        ServerEndpointRegistry.newBuilder()
            .setOperatorServiceStubs(temporal.getOperatorServiceStubs())
            .setRegistryPublicKeyset(publicHalf(registryKey))
            .setAudience(ServerEndpointsSupport.AUDIENCE)
            .setRefreshInterval(Duration.ZERO)
            .setClock(clock);
    if (stateFile != null) {
      b.setStateFile(stateFile);
    }
    return b.start();
  }

  /** A handler worker restarted with its state file: no snapshot from before. */
  private ServerEndpointRegistry restartedHandlerRegistry() {
    return workerRegistry(new OffsetClock(), handlerState);
  }

  /**
   * The reserved endpoint that holds {@code namespace}'s entry, as the reconciler's plan names it.
   */
  private String entryName(String namespace) {
    return reconciler(original, false).plan().getActions().stream()
        .filter(a -> a.getKeyDirectoryNamespace().equals(Optional.of(namespace)))
        .map(ReconcileAction::getEndpointName)
        .findFirst()
        .orElseThrow();
  }

  private Endpoint onServer(String name) {
    return ServerEndpointsSupport.byName(temporal.getOperatorServiceStubs(), name);
  }

  private void putBack(String name, EndpointSpec spec) {
    edit(temporal.getOperatorServiceStubs(), name, s -> spec);
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

  /** Every test leaves the server as the reconciler of the original directory makes it. */
  @AfterEach
  void restore() {
    handlerClock.reset();
    assertThat(reconciler(original, false).reconcile().isSuccess()).isTrue();
    handlerRegistry.refresh();
    callerRegistry.refresh();
  }

  private String call(String taskQueue, String in) {
    return callerClient
        .newWorkflowStub(
            CallerWf.class,
            WorkflowOptions.newBuilder()
                .setTaskQueue(taskQueue)
                .setWorkflowId(taskQueue + "-" + UUID.randomUUID())
                .setWorkflowExecutionTimeout(Duration.ofSeconds(30))
                .build())
        .call(in);
  }

  private void assertDeniedByTheHandler(String taskQueue, ReasonCode reason, String detail) {
    handlerEvents.clear();
    assertThatThrownBy(() -> call(taskQueue, "denied"))
        .isInstanceOf(WorkflowFailedException.class)
        .satisfies(e -> assertThat(AccessDenials.reasonOf(e)).contains(reason))
        .rootCause()
        .hasMessageContaining("handler side");
    assertThat(HANDLED).as("no handler code for a denied call").isEmpty();
    assertThat(handlerEvents)
        .anySatisfy(
            e -> {
              assertThat(e.getReason()).isEqualTo(reason);
              assertThat(e.getDetail()).contains(detail);
            });
  }

  @Test
  void callerAndHandler_withTheDirectoryFromTheServer_callEachOther_pairwise() {
    assertThat(handlerRegistry.getKeyDirectory().getNamespaces())
        .containsExactly(CALLER_NS, HANDLER_NS);

    assertThat(call("caller-tq", "hi")).isEqualTo("echo:hi");

    assertThat(HANDLED).containsExactly("hi");
    assertThat(handlerEvents)
        .singleElement()
        .satisfies(e -> assertThat(e.getReason()).isEqualTo(ReasonCode.ALLOWED));
  }

  @Test
  void reconcilerWithoutADirectory_likeTheControlPlanes_leavesThePublishedDirectoryInPlace() {
    source.put(endpoint("echo-2", HANDLER_NS, HANDLER_TQ, CALLER_NS));
    try {
      EndpointReconciler endpointsOnly =
          EndpointReconciler.newBuilder()
              .setRegistry(source)
              .setOperatorServiceStubs(temporal.getOperatorServiceStubs())
              .setRegistrySigningKeyset(registryKey)
              .setAudience(ServerEndpointsSupport.AUDIENCE)
              .setDeleteRemovedEndpoints(true)
              .build();
      assertThat(endpointsOnly.reconcile().isSuccess()).isTrue();
      handlerRegistry.refresh();

      assertThat(handlerRegistry.findEndpoint("echo-2")).isPresent();
      assertThat(handlerRegistry.getKeyDirectory().getNamespaces())
          .containsExactly(CALLER_NS, HANDLER_NS);
      assertThat(call("caller-tq", "kept")).isEqualTo("echo:kept");
    } finally {
      source.remove("echo-2");
    }
  }

  @Test
  void attackerWithTheirOwnKey_isNotAdmitted() {
    assertDeniedByTheHandler("attacker-tq", ReasonCode.UNTRUSTED_CALLER, "not an enabled key");
  }

  @Test
  void adminPutsTheirOwnKeyIntoTheCallersEntry_isRefused_andTheAttackersCallIsNotAdmitted() {
    String attackersOwn =
        NamespaceKeyDirectory.newBuilder()
            .put(attackerKeys.toPublicKeys())
            .build()
            .toJson()
            .replaceAll("\\s", "")
            .replaceAll("^.*\"agreementKeys\":(\\{.*?\\]\\}).*$", "$1");
    assertThat(attackersOwn).startsWith("{\"primaryKeyId\":");
    edit(
        temporal.getOperatorServiceStubs(),
        entryName(CALLER_NS),
        s ->
            editSignedJson(
                s,
                j ->
                    j.replaceFirst(
                        "\"agreementKeys\":\\{.*?\\]\\}", "\"agreementKeys\":" + attackersOwn)));
    handlerRegistry.refresh();

    assertThat(handlerRegistry.getStatus().getKeyDirectoryProblems().get(CALLER_NS))
        .startsWith("BAD_SIGNATURE: ")
        .endsWith("still using the entry the manifest lists, which this worker verified earlier");
    assertDeniedByTheHandler("attacker-tq", ReasonCode.UNTRUSTED_CALLER, "not an enabled key");
    HANDLED.clear();
    assertThat(call("caller-tq", "still-ok")).isEqualTo("echo:still-ok");

    try (ServerEndpointRegistry restarted = restartedHandlerRegistry()) {
      assertThat(restarted.getKeyDirectory().findNamespace(CALLER_NS)).isEmpty();
      assertThat(restarted.getKeyDirectory().describeMissing(CALLER_NS))
          .contains("is refused, so the namespace has no keys: BAD_SIGNATURE");
    }
  }

  @Test
  void revocation_takesEffectAtTheNextRefresh_andTheOlderEntryPutBack_isRefused_alsoAfterRestart() {
    EndpointSpec oldEntry = onServer(entryName(CALLER_NS)).getSpec();
    EndpointSpec oldManifest = onServer(ServerEndpointsSupport.MANIFEST).getSpec();
    int oldKeyId = callerKeys.getAgreementKeys().getPrimary().getId();
    NamespacePublicKeys rotated =
        rotatedCallerKeys.toPublicKeys().toBuilder().addRevokedKeyId(oldKeyId).build();
    NamespaceKeyDirectory afterRevocation = original.toBuilder().put(rotated).build();
    EndpointReconciler revoking = reconciler(afterRevocation, false);
    ReconcilePlan dryRun = revoking.plan();
    assertThat(dryRun.getChanges())
        .extracting(Object::toString)
        .anySatisfy(
            line ->
                assertThat(line)
                    .startsWith("~ update key directory entry of caller-ns (endpoint ")
                    .contains("revoked [" + Integer.toUnsignedString(oldKeyId) + "]"));
    assertThat(revoking.apply(dryRun).isSuccess()).isTrue();
    callerRegistry.refresh();

    // The handler has not refreshed yet: the old key still works there, the new one not yet.
    assertThat(call("caller-tq", "before")).isEqualTo("echo:before");
    HANDLED.clear();

    handlerRegistry.refresh();
    assertDeniedByTheHandler("caller-tq", ReasonCode.UNTRUSTED_CALLER, "is revoked");
    assertThat(call("rotated-tq", "rotated")).isEqualTo("echo:rotated");
    HANDLED.clear();

    // The holder of the revoked key puts the older, validly signed entry back on the server.
    putBack(entryName(CALLER_NS), oldEntry);
    handlerRegistry.refresh();
    assertThat(handlerRegistry.getStatus().getKeyDirectoryProblems().get(CALLER_NS))
        .startsWith("NOT_IN_MANIFEST: ");
    assertDeniedByTheHandler("caller-tq", ReasonCode.UNTRUSTED_CALLER, "is revoked");
    assertThat(call("rotated-tq", "rotated-again")).isEqualTo("echo:rotated-again");
    try (ServerEndpointRegistry restarted = restartedHandlerRegistry()) {
      assertThat(restarted.getKeyDirectory().findNamespace(CALLER_NS)).isEmpty();
      assertThat(restarted.getKeyDirectory().describeMissing(CALLER_NS))
          .contains("NOT_IN_MANIFEST");
    }

    // The older manifest put back too: the running handler and a restarted one refuse it.
    putBack(ServerEndpointsSupport.MANIFEST, oldManifest);
    assertThatThrownBy(handlerRegistry::refresh)
        .isInstanceOf(ServerRegistryException.class)
        .hasMessageContaining("ROLLED_BACK");
    assertThat(handlerRegistry.getKeyDirectory().findNamespace(CALLER_NS)).contains(rotated);
    assertThatThrownBy(this::restartedHandlerRegistry)
        .isInstanceOf(ServerRegistryException.class)
        .hasMessageContaining("ROLLED_BACK");

    // The old manifest lists what the original directory says, so the reconciler would find it in
    // step: delete it, and the restoring run signs a new one.
    delete(ServerEndpointsSupport.MANIFEST);
  }

  private void delete(String name) {
    Endpoint e = onServer(name);
    temporal
        .getOperatorServiceStubs()
        .blockingStub()
        .deleteNexusEndpoint(
            io.temporal.api.operatorservice.v1.DeleteNexusEndpointRequest.newBuilder()
                .setId(e.getId())
                .setVersion(e.getVersion())
                .build());
  }

  @Test
  void entryMovedIntoAnotherNamespacesSlot_isRefused() {
    EndpointSpec handlersEntry = onServer(entryName(HANDLER_NS)).getSpec();
    edit(
        temporal.getOperatorServiceStubs(),
        entryName(CALLER_NS),
        s -> s.toBuilder().setDescription(handlersEntry.getDescription()).build());
    handlerRegistry.refresh();

    assertThat(handlerRegistry.getStatus().getKeyDirectoryProblems().get(CALLER_NS))
        .startsWith("NAME_MISMATCH: the key directory entry was signed for namespace 'handler-ns'");
    assertThat(handlerRegistry.getKeyDirectory().findNamespace(CALLER_NS))
        .as("the running handler keeps the listed entry it verified")
        .contains(callerKeys.toPublicKeys());
    try (ServerEndpointRegistry restarted = restartedHandlerRegistry()) {
      assertThat(restarted.getKeyDirectory().findNamespace(CALLER_NS)).isEmpty();
      assertThat(restarted.getKeyDirectory().findNamespace(HANDLER_NS))
          .contains(handlerKeys.toPublicKeys());
    }
  }

  @Test
  void malformedEntryOnTheServer_isRefusedWithAClearProblem_andTheLastGoodEntryIsKept() {
    edit(
        temporal.getOperatorServiceStubs(),
        entryName(CALLER_NS),
        s -> ServerEndpointsSupport.editDescriptionText(s, t -> "{\"not\": \"an envelope\"}"));
    handlerRegistry.refresh();

    assertThat(handlerRegistry.getStatus().getKeyDirectoryProblems().get(CALLER_NS))
        .startsWith("MALFORMED: ")
        .endsWith("still using the entry the manifest lists, which this worker verified earlier");
    assertThat(handlerRegistry.getStatus().isHealthy()).isTrue();
    assertThat(call("caller-tq", "kept")).isEqualTo("echo:kept");
    try (ServerEndpointRegistry restarted = restartedHandlerRegistry()) {
      assertThat(restarted.getKeyDirectory().findNamespace(CALLER_NS)).isEmpty();
      assertThat(restarted.getKeyDirectory().describeMissing(CALLER_NS)).contains("MALFORMED");
    }
  }

  @Test
  void strippedEntry_leavesTheNamespaceWithoutKeys_andItsCallsAreDeniedSayingWhy() {
    delete(entryName(CALLER_NS));
    handlerRegistry.refresh();

    assertThat(handlerRegistry.getKeyDirectory().findNamespace(CALLER_NS)).isEmpty();
    assertDeniedByTheHandler("caller-tq", ReasonCode.UNTRUSTED_CALLER, "is not on the server");
  }

  @Test
  void deletedNamespacesEntryResurrected_givesItNoKeys() {
    EndpointSpec saved = onServer(entryName(CALLER_NS)).getSpec();
    NamespaceKeyDirectory withoutCaller = original.toBuilder().remove(CALLER_NS).build();
    assertThat(reconciler(withoutCaller, true).reconcile().isSuccess()).isTrue();
    assertThat(onServer(entryName(CALLER_NS))).as("deleted by the reconciler").isNull();

    temporal
        .getOperatorServiceStubs()
        .blockingStub()
        .createNexusEndpoint(CreateNexusEndpointRequest.newBuilder().setSpec(saved).build());
    handlerRegistry.refresh();

    assertThat(handlerRegistry.getKeyDirectory().findNamespace(CALLER_NS)).isEmpty();
    assertDeniedByTheHandler(
        "caller-tq", ReasonCode.UNTRUSTED_CALLER, "has no entry for namespace");
  }

  @Test
  void staleHandlerDirectory_failsClosed_withRegistryStale_untilItIsFreshAgain() throws Exception {
    handlerClock.advance(ServerEndpointRegistry.DEFAULT_MAX_STALENESS);
    KeyDirectory directory = handlerRegistry.getKeyDirectory();
    assertThat(directory.isStale()).isTrue();
    assertThat(directory.findNamespace(CALLER_NS)).isEmpty();
    assertThat(directory.describeMissing(CALLER_NS)).contains("REGISTRY_STALE");

    // REGISTRY_STALE is temporary: the handler denies every attempt before any handler code, the
    // server retries, and the first attempt after the registry is fresh again is admitted.
    CompletableFuture<String> result =
        CompletableFuture.supplyAsync(() -> call("caller-tq", "held"));
    long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
    while (handlerEvents.stream().noneMatch(e -> e.getReason() == ReasonCode.REGISTRY_STALE)) {
      assertThat(System.nanoTime()).as("a REGISTRY_STALE denial in time").isLessThan(deadline);
      Thread.sleep(20);
    }
    assertThat(handlerEvents)
        .filteredOn(e -> e.getReason() == ReasonCode.REGISTRY_STALE)
        .first()
        .satisfies(e -> assertThat(e.getDetail()).contains("key directory"));
    assertThat(HANDLED).as("no handler code while the directory is stale").isEmpty();
    assertThat(handlerEvents).noneMatch(e -> e.getReason().isAllowed());

    handlerClock.reset(); // as a successful refresh makes it fresh again
    assertThat(result.get(15, TimeUnit.SECONDS)).isEqualTo("echo:held");
    assertThat(HANDLED).containsExactly("held");
  }
}
