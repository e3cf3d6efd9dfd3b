package dev.nexussecurity.core.internal.interceptor;

import static org.assertj.core.api.Assertions.assertThat;

import dev.nexussecurity.api.AccessDecisionEvent;
import dev.nexussecurity.api.NexusEndpoint;
import dev.nexussecurity.api.ReasonCode;
import dev.nexussecurity.api.SecurityAuditListener;
import dev.nexussecurity.core.AccessDenials;
import dev.nexussecurity.core.CallerPolicy;
import dev.nexussecurity.core.HandlerPolicy;
import dev.nexussecurity.core.MapRegistry;
import dev.nexussecurity.core.NexusSecurity;
import dev.nexussecurity.core.NexusSecurityOptions;
import dev.nexussecurity.core.internal.identity.IdentityTokens;
import dev.nexussecurity.core.internal.identity.TokenClaims;
import dev.nexussecurity.core.keys.NamespaceKeyDirectory;
import dev.nexussecurity.core.keys.NamespaceKeys;
import io.nexusrpc.handler.OperationContext;
import io.temporal.api.nexus.v1.EndpointSpec;
import io.temporal.api.nexus.v1.EndpointTarget;
import io.temporal.api.operatorservice.v1.CreateNexusEndpointRequest;
import io.temporal.client.WorkflowClientOptions;
import io.temporal.client.WorkflowOptions;
import io.temporal.common.interceptors.NexusOperationInboundCallsInterceptor;
import io.temporal.common.interceptors.WorkerInterceptor;
import io.temporal.common.interceptors.WorkerInterceptorBase;
import io.temporal.failure.NexusOperationFailure;
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
import java.util.UUID;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The caller side on the embedded server: what the token names and how long it lives, and each
 * caller-side denial (reason, message, audit event, no request reaching the handler).
 */
class CallerOutboundInterceptorTest {
  static final String NS = "caller-unit-ns";
  static final String TQ = "caller-unit-tq";
  static final Duration MAX_LIFETIME = Duration.ofHours(1);
  static final MapRegistry REGISTRY = new MapRegistry();
  static final List<String> TOKENS_RECEIVED = new CopyOnWriteArrayList<>();
  static final List<AccessDecisionEvent> CALLER_EVENTS = new CopyOnWriteArrayList<>();
  static TestWorkflowEnvironment env;

  @io.nexusrpc.Service
  public interface Echo {
    @io.nexusrpc.Operation
    String echo(String in);
  }

  @io.nexusrpc.handler.ServiceImpl(service = Echo.class)
  public static class EchoImpl {
    @io.nexusrpc.handler.OperationImpl
    public io.nexusrpc.handler.OperationHandler<String, String> echo() {
      return io.nexusrpc.handler.OperationHandler.sync((ctx, details, in) -> "echo:" + in);
    }
  }

  @WorkflowInterface
  public interface CallerWf {
    /** Calls {@code endpoint} once; a denial is returned as {@code DENIED:<reason>:<message>}. */
    @WorkflowMethod
    String run(String endpoint, long scheduleToCloseMillis);
  }

  public static class CallerWfImpl implements CallerWf {
    @Override
    public String run(String endpoint, long scheduleToCloseMillis) {
      NexusOperationOptions.Builder op = NexusOperationOptions.newBuilder();
      if (scheduleToCloseMillis > 0) {
        op.setScheduleToCloseTimeout(Duration.ofMillis(scheduleToCloseMillis));
      }
      Echo echo =
          Workflow.newNexusServiceStub(
              Echo.class,
              NexusServiceOptions.newBuilder()
                  .setEndpoint(endpoint)
                  .setOperationOptions(op.build())
                  .build());
      try {
        return echo.echo("x");
      } catch (NexusOperationFailure e) {
        return "DENIED:"
            + AccessDenials.reasonOf(e).map(Enum::name).orElse("other")
            + ":"
            + e.getCause().getMessage();
      }
    }
  }

  /** Records the identity header of every Nexus request that reaches the handler worker. */
  static final class Capture extends WorkerInterceptorBase {
    @Override
    public NexusOperationInboundCallsInterceptor interceptNexusOperation(
        OperationContext context, NexusOperationInboundCallsInterceptor next) {
      String token = context.getHeaders().get(SecurityContext.IDENTITY_HEADER);
      TOKENS_RECEIVED.add(token == null ? "(none)" : token);
      return next;
    }
  }

  static NexusEndpoint endpoint(String name, String... allowed) {
    return NexusEndpoint.newBuilder()
        .setName(name)
        .setTargetNamespace(NS)
        .setTargetTaskQueue(TQ)
        .setAllowedCallerNamespaces(List.of(allowed))
        .build();
  }

  @BeforeAll
  static void start() {
    NamespaceKeys keys = NamespaceKeys.generate(NS, true);
    WorkerInterceptor security =
        NexusSecurity.newInstance(
                NexusSecurityOptions.newBuilder()
                    .setNamespaceKeys(keys)
                    .setRegistry(REGISTRY)
                    .setKeyDirectory(
                        NamespaceKeyDirectory.newBuilder().put(keys.toPublicKeys()).build())
                    .setCallerPolicy(
                        CallerPolicy.newBuilder().setMaxTokenLifetime(MAX_LIFETIME).build())
                    .setHandlerPolicy(HandlerPolicy.newBuilder().setAllowUnboundInput(true).build())
                    .addAuditListener(
                        new SecurityAuditListener() {
                          @Override
                          public void onAccessDecision(AccessDecisionEvent event) {
                            if (event.getSide() == AccessDecisionEvent.Side.CALLER) {
                              CALLER_EVENTS.add(event);
                            }
                          }
                        })
                    .build())
            .getWorkerInterceptor();
    env =
        TestWorkflowEnvironment.newInstance(
            TestEnvironmentOptions.newBuilder()
                .setUseTimeskipping(false)
                .setWorkflowClientOptions(
                    WorkflowClientOptions.newBuilder().setNamespace(NS).build())
                .setWorkerFactoryOptions(
                    WorkerFactoryOptions.newBuilder()
                        .setWorkerInterceptors(new Capture(), security)
                        .build())
                .build());
    Worker w = env.newWorker(TQ);
    w.registerWorkflowImplementationTypes(CallerWfImpl.class);
    w.registerNexusServiceImplementation(new EchoImpl());
    for (String name : List.of("open-ep", "closed-ep", "unlisted-ep", "broken-ep")) {
      env.getOperatorServiceStubs()
          .blockingStub()
          .createNexusEndpoint(
              CreateNexusEndpointRequest.newBuilder()
                  .setSpec(
                      EndpointSpec.newBuilder()
                          .setName(name)
                          .setTarget(
                              EndpointTarget.newBuilder()
                                  .setWorker(
                                      EndpointTarget.Worker.newBuilder()
                                          .setNamespace(NS)
                                          .setTaskQueue(TQ))))
                  .build());
    }
    REGISTRY.put(endpoint("open-ep", NS)).put(endpoint("closed-ep")).markPolicyInvalid("broken-ep");
    env.start();
  }

  @AfterAll
  static void stop() {
    env.close();
  }

  @BeforeEach
  void forget() {
    TOKENS_RECEIVED.clear();
    CALLER_EVENTS.clear();
  }

  static String call(String endpoint, Duration scheduleToClose) {
    return env.getWorkflowClient()
        .newWorkflowStub(
            CallerWf.class,
            WorkflowOptions.newBuilder()
                .setTaskQueue(TQ)
                .setWorkflowId("caller-" + UUID.randomUUID())
                .build())
        .run(endpoint, scheduleToClose == null ? 0 : scheduleToClose.toMillis());
  }

  static TokenClaims onlyTokenReceived() throws Exception {
    assertThat(TOKENS_RECEIVED).hasSize(1);
    return IdentityTokens.parse(TOKENS_RECEIVED.get(0)).claims();
  }

  @Test
  void allowedCall_carriesATokenNamingTheCall_livingForTheScheduleToClose() throws Exception {
    assertThat(call("open-ep", Duration.ofSeconds(10))).isEqualTo("echo:x");

    TokenClaims c = onlyTokenReceived();
    assertThat(c.callerNamespace()).isEqualTo(NS);
    assertThat(c.handlerNamespace()).isEqualTo(NS);
    assertThat(c.taskQueue()).isEqualTo(TQ);
    assertThat(c.endpoint()).isEqualTo("open-ep");
    assertThat(c.operation()).isEqualTo("echo");
    assertThat(c.workflowId()).startsWith("caller-");
    assertThat(c.notAfterMillis() - c.issuedAtMillis()).isEqualTo(10_000L);
    assertThat(CALLER_EVENTS)
        .singleElement()
        .satisfies(
            e -> {
              assertThat(e.getReason()).isEqualTo(ReasonCode.ALLOWED);
              assertThat(e.getTokenId()).isEqualTo(c.tokenId());
              assertThat(e.getEndpoint()).isEqualTo("open-ep");
            });
  }

  @Test
  void allowedCall_withAScheduleToCloseBeyondTheCallersMaximum_livesForTheMaximum()
      throws Exception {
    assertThat(call("open-ep", MAX_LIFETIME.plusHours(1))).isEqualTo("echo:x");
    TokenClaims c = onlyTokenReceived();
    assertThat(c.notAfterMillis() - c.issuedAtMillis()).isEqualTo(MAX_LIFETIME.toMillis());
  }

  @Test
  void allowedCall_withoutAScheduleToClose_livesForTheCallersMaximum() throws Exception {
    assertThat(call("open-ep", null)).isEqualTo("echo:x");
    TokenClaims c = onlyTokenReceived();
    assertThat(c.notAfterMillis() - c.issuedAtMillis()).isEqualTo(MAX_LIFETIME.toMillis());
  }

  @Test
  void callerNotOnTheAllowlist_isDeniedOnTheCaller_andNothingReachesTheHandler() {
    assertThat(call("closed-ep", Duration.ofSeconds(10)))
        .startsWith(
            "DENIED:CALLER_NOT_ALLOWED:message='nexus-security DENIED [CALLER_NOT_ALLOWED] start of"
                + " Echo/echo on endpoint 'closed-ep' (caller side)")
        .contains(
            "(caller side): caller namespace '"
                + NS
                + "' is not on the allowlist of endpoint 'closed-ep'. Fix: ");
    assertThat(TOKENS_RECEIVED).isEmpty();
    assertThat(CALLER_EVENTS)
        .singleElement()
        .satisfies(
            e -> {
              assertThat(e.getReason()).isEqualTo(ReasonCode.CALLER_NOT_ALLOWED);
              assertThat(e.getTokenId()).isNull();
              assertThat(e.getDetail()).contains("is not on the allowlist");
            });
  }

  @Test
  void endpointMissingFromTheCallersRegistry_isDenied_unknownEndpoint() {
    assertThat(call("unlisted-ep", Duration.ofSeconds(10)))
        .startsWith("DENIED:UNKNOWN_ENDPOINT:")
        .contains("endpoint 'unlisted-ep' is not in the caller's registry");
    assertThat(TOKENS_RECEIVED).isEmpty();
  }

  @Test
  void endpointWhosePolicyFailedVerification_isDenied_endpointPolicyInvalid() {
    assertThat(call("broken-ep", Duration.ofSeconds(10)))
        .startsWith("DENIED:ENDPOINT_POLICY_INVALID:")
        .contains(
            "the policy of endpoint 'broken-ep' in the caller's registry failed verification");
    assertThat(TOKENS_RECEIVED).isEmpty();
  }

  @Test
  void denial_isRecordedInTheHistory_asAVersionMarkerNamedByTheCallsSequence_withTheReasonsCode() {
    String workflowId = "caller-" + UUID.randomUUID();
    String result =
        env.getWorkflowClient()
            .newWorkflowStub(
                CallerWf.class,
                WorkflowOptions.newBuilder().setTaskQueue(TQ).setWorkflowId(workflowId).build())
            .run("closed-ep", 10_000);
    assertThat(result).startsWith("DENIED:CALLER_NOT_ALLOWED:");

    List<String> markers = new java.util.ArrayList<>();
    for (io.temporal.api.history.v1.HistoryEvent e :
        env.getWorkflowClient().fetchHistory(workflowId).getEvents()) {
      if (e.hasMarkerRecordedEventAttributes()) {
        var details = e.getMarkerRecordedEventAttributes().getDetailsMap();
        var converter = io.temporal.common.converter.DefaultDataConverter.STANDARD_INSTANCE;
        String changeId =
            converter.fromPayloads(
                0, java.util.Optional.of(details.get("changeId")), String.class, String.class);
        Integer version =
            converter.fromPayloads(
                0, java.util.Optional.of(details.get("version")), Integer.class, Integer.class);
        markers.add(changeId + "=" + version);
      }
    }
    assertThat(markers)
        .containsExactly(
            SecurityContext.CHANGE_ID + "=1",
            CallerDecision.DENIAL_MARKER_PREFIX
                + "1="
                + CallerDecision.codeOf(ReasonCode.CALLER_NOT_ALLOWED));
  }
}
