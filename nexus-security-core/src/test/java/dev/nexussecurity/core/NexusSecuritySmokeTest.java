package dev.nexussecurity.core;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.google.crypto.tink.KeysetHandle;
import com.google.crypto.tink.signature.PredefinedSignatureParameters;
import com.google.crypto.tink.signature.SignatureConfig;
import com.google.crypto.tink.signature.SignatureConfig2026;
import dev.nexussecurity.api.AccessDecisionEvent;
import dev.nexussecurity.api.NexusEndpoint;
import dev.nexussecurity.api.ReasonCode;
import dev.nexussecurity.api.SecurityAuditListener;
import io.nexusrpc.Operation;
import io.nexusrpc.Service;
import io.nexusrpc.handler.OperationHandler;
import io.nexusrpc.handler.OperationImpl;
import io.nexusrpc.handler.ServiceImpl;
import io.temporal.api.enums.v1.EventType;
import io.temporal.api.nexus.v1.EndpointSpec;
import io.temporal.api.nexus.v1.EndpointTarget;
import io.temporal.api.operatorservice.v1.CreateNexusEndpointRequest;
import io.temporal.client.WorkflowClient;
import io.temporal.client.WorkflowFailedException;
import io.temporal.client.WorkflowOptions;
import io.temporal.testing.TestEnvironmentOptions;
import io.temporal.testing.TestWorkflowEnvironment;
import io.temporal.worker.Worker;
import io.temporal.worker.WorkerFactoryOptions;
import io.temporal.workflow.NexusOperationOptions;
import io.temporal.workflow.NexusServiceOptions;
import io.temporal.workflow.Workflow;
import io.temporal.workflow.WorkflowInterface;
import io.temporal.workflow.WorkflowMethod;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Interceptor mechanics on the stock embedded server, where caller and handler share one namespace
 * (the embedded server's own routing). Cross-namespace behaviour is tested end to end elsewhere.
 */
class NexusSecuritySmokeTest {
  static final String NS = "smoke-ns";
  static final AtomicInteger HANDLER_CALLS = new AtomicInteger();

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
            HANDLER_CALLS.incrementAndGet();
            return "echo:" + in;
          });
    }
  }

  @WorkflowInterface
  public interface CallerWf {
    @WorkflowMethod
    String run(String endpoint, String in);
  }

  public static class CallerWfImpl implements CallerWf {
    @Override
    public String run(String endpoint, String in) {
      Echo echo =
          Workflow.newNexusServiceStub(
              Echo.class,
              NexusServiceOptions.newBuilder()
                  .setEndpoint(endpoint)
                  .setOperationOptions(
                      NexusOperationOptions.newBuilder()
                          .setScheduleToCloseTimeout(Duration.ofSeconds(10))
                          .build())
                  .build());
      return echo.echo(in);
    }
  }

  static KeysetHandle key;
  TestWorkflowEnvironment env;
  final List<AccessDecisionEvent> events = new CopyOnWriteArrayList<>();

  @BeforeAll
  static void keys() throws Exception {
    SignatureConfig.register();
    key =
        KeysetHandle.generateNew(PredefinedSignatureParameters.ED25519, SignatureConfig2026.get());
  }

  @AfterEach
  void close() {
    if (env != null) {
      env.close();
    }
  }

  private WorkflowClient start(MapRegistry registry, boolean enforceOnCaller) throws Exception {
    return start(
        registry,
        NexusSecurityOptions.newBuilder()
            .setSigningKeyset(key)
            .setTrustStore(
                TrustStore.newBuilder().addNamespace(NS, key.getPublicKeysetHandle()).build())
            .setEnforceOnCaller(enforceOnCaller));
  }

  private WorkflowClient start(MapRegistry registry, NexusSecurityOptions.Builder options)
      throws Exception {
    NexusSecurity security =
        NexusSecurity.newInstance(
            options
                .setNamespace(NS)
                .setRegistry(registry)
                .addAuditListener(
                    new SecurityAuditListener() {
                      @Override
                      public void onAccessDecision(AccessDecisionEvent event) {
                        events.add(event);
                      }
                    })
                .build());
    env =
        TestWorkflowEnvironment.newInstance(
            TestEnvironmentOptions.newBuilder()
                .setUseTimeskipping(false)
                .setWorkflowClientOptions(
                    io.temporal.client.WorkflowClientOptions.newBuilder().setNamespace(NS).build())
                .setWorkerFactoryOptions(
                    WorkerFactoryOptions.newBuilder()
                        .setWorkerInterceptors(security.getWorkerInterceptor())
                        .build())
                .build());
    Worker w = env.newWorker("tq");
    w.registerWorkflowImplementationTypes(CallerWfImpl.class);
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

  private static NexusEndpoint endpoint(String name, String... allowed) {
    return NexusEndpoint.newBuilder()
        .setName(name)
        .setTargetNamespace(NS)
        .setTargetTaskQueue("tq")
        .setAllowedCallerNamespaces(List.of(allowed))
        .build();
  }

  @Test
  void allowedCaller_callSucceeds_andBothSidesRecordAllowed() throws Exception {
    WorkflowClient client = start(new MapRegistry().put(endpoint("ep-ok", NS)), true);
    CallerWf wf =
        client.newWorkflowStub(
            CallerWf.class, WorkflowOptions.newBuilder().setTaskQueue("tq").build());
    assertThat(wf.run("ep-ok", "hi")).isEqualTo("echo:hi");
    assertThat(HANDLER_CALLS.get()).isEqualTo(1);
    assertThat(events)
        .extracting(AccessDecisionEvent::getSide, AccessDecisionEvent::getReason)
        .containsExactly(
            org.assertj.core.groups.Tuple.tuple(
                AccessDecisionEvent.Side.CALLER, ReasonCode.ALLOWED),
            org.assertj.core.groups.Tuple.tuple(
                AccessDecisionEvent.Side.HANDLER, ReasonCode.ALLOWED));
  }

  @Test
  void sharedSecretMacMode_allowedCallerSucceeds() throws Exception {
    com.google.crypto.tink.mac.MacConfig.register();
    KeysetHandle mac =
        KeysetHandle.generateNew(
            com.google.crypto.tink.mac.PredefinedMacParameters.HMAC_SHA256_256BITTAG,
            com.google.crypto.tink.mac.MacConfig2026.get());
    WorkflowClient client =
        start(
            new MapRegistry().put(endpoint("ep-mac", NS)),
            NexusSecurityOptions.newBuilder()
                .setIdentityMacKeyset(mac)
                .setTrustStore(TrustStore.newBuilder().addSharedSecretNamespace(NS, mac).build()));
    CallerWf wf =
        client.newWorkflowStub(
            CallerWf.class, WorkflowOptions.newBuilder().setTaskQueue("tq").build());
    assertThat(wf.run("ep-mac", "hi")).isEqualTo("echo:hi");
    assertThat(events).extracting(AccessDecisionEvent::getReason).containsOnly(ReasonCode.ALLOWED);
  }

  @Test
  void callerNotAllowed_isDeniedOnCallerSide_withoutSchedulingAnything() throws Exception {
    WorkflowClient client = start(new MapRegistry().put(endpoint("ep-closed")), true);
    CallerWf wf =
        client.newWorkflowStub(
            CallerWf.class,
            WorkflowOptions.newBuilder().setTaskQueue("tq").setWorkflowId("denied-1").build());
    assertThatThrownBy(() -> wf.run("ep-closed", "hi"))
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

  @Test
  void rogueCallerSkippingItsCheck_isDeniedByHandler_beforeHandlerCode() throws Exception {
    WorkflowClient client = start(new MapRegistry().put(endpoint("ep-closed")), false);
    CallerWf wf =
        client.newWorkflowStub(
            CallerWf.class, WorkflowOptions.newBuilder().setTaskQueue("tq").build());
    assertThatThrownBy(() -> wf.run("ep-closed", "hi"))
        .isInstanceOf(WorkflowFailedException.class)
        .satisfies(
            e -> assertThat(AccessDenials.reasonOf(e)).contains(ReasonCode.CALLER_NOT_ALLOWED));
    assertThat(HANDLER_CALLS.get()).isZero();
    assertThat(events)
        .anySatisfy(
            e -> {
              assertThat(e.getSide()).isEqualTo(AccessDecisionEvent.Side.HANDLER);
              assertThat(e.getReason()).isEqualTo(ReasonCode.CALLER_NOT_ALLOWED);
            });
  }
}
