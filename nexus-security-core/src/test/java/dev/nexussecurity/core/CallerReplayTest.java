package dev.nexussecurity.core;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatCode;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.nexussecurity.api.AccessDecision;
import dev.nexussecurity.api.NexusEndpoint;
import dev.nexussecurity.api.ReasonCode;
import dev.nexussecurity.core.keys.NamespaceKeyDirectory;
import dev.nexussecurity.core.keys.NamespaceKeys;
import io.temporal.api.nexus.v1.EndpointSpec;
import io.temporal.api.nexus.v1.EndpointTarget;
import io.temporal.api.operatorservice.v1.CreateNexusEndpointRequest;
import io.temporal.client.WorkflowClient;
import io.temporal.client.WorkflowClientOptions;
import io.temporal.client.WorkflowOptions;
import io.temporal.common.WorkflowExecutionHistory;
import io.temporal.common.interceptors.WorkerInterceptor;
import io.temporal.common.interceptors.WorkerInterceptorBase;
import io.temporal.common.interceptors.WorkflowInboundCallsInterceptor;
import io.temporal.common.interceptors.WorkflowInboundCallsInterceptorBase;
import io.temporal.common.interceptors.WorkflowOutboundCallsInterceptor;
import io.temporal.common.interceptors.WorkflowOutboundCallsInterceptorBase;
import io.temporal.failure.ApplicationFailure;
import io.temporal.failure.NexusOperationFailure;
import io.temporal.testing.TestEnvironmentOptions;
import io.temporal.testing.TestWorkflowEnvironment;
import io.temporal.testing.WorkflowReplayer;
import io.temporal.worker.Worker;
import io.temporal.worker.WorkerFactoryOptions;
import io.temporal.workflow.NexusOperationOptions;
import io.temporal.workflow.NexusServiceOptions;
import io.temporal.workflow.Workflow;
import io.temporal.workflow.WorkflowInterface;
import io.temporal.workflow.WorkflowMethod;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Replay safety of the caller side: a workflow's recorded Nexus calls replay without
 * non-determinism errors after the registry changed, after the signing key rotated, and when
 * nexus-security was installed after the history was recorded.
 */
class CallerReplayTest {
  static final String NS = "replay-ns";
  static final String TQ = "replay-tq";
  static NamespaceKeys key;
  static NamespaceKeys rotatedKey;

  /**
   * Calls each comma-separated endpoint once, in order; a denial is caught, so the workflow
   * completes either way.
   */
  @WorkflowInterface
  public interface TwoCalls {
    @WorkflowMethod
    String run(String endpoints);
  }

  public static class TwoCallsImpl implements TwoCalls {
    @Override
    public String run(String endpoints) {
      StringBuilder out = new StringBuilder();
      String[] names = endpoints.split(",");
      for (int i = 0; i < names.length; i++) {
        NexusSecuritySmokeTest.Echo echo =
            Workflow.newNexusServiceStub(
                NexusSecuritySmokeTest.Echo.class,
                NexusServiceOptions.newBuilder()
                    .setEndpoint(names[i])
                    .setOperationOptions(
                        NexusOperationOptions.newBuilder()
                            .setScheduleToCloseTimeout(Duration.ofSeconds(10))
                            .build())
                    .build());
        try {
          out.append(echo.echo("x" + i)).append(';');
        } catch (NexusOperationFailure e) {
          out.append(AccessDenials.reasonOf(e).map(Enum::name).orElse("other")).append(';');
        }
      }
      return out.toString();
    }
  }

  @BeforeAll
  static void keys() throws Exception {
    key = NamespaceKeys.generate(NS, true);
    rotatedKey = NamespaceKeys.generate(NS, true);
  }

  static NexusEndpoint endpoint(String... allowed) {
    return named("replay-ep", allowed);
  }

  static NexusEndpoint named(String name, String... allowed) {
    return NexusEndpoint.newBuilder()
        .setName(name)
        .setTargetNamespace(NS)
        .setTargetTaskQueue(TQ)
        .setAllowedCallerNamespaces(List.of(allowed))
        .build();
  }

  static WorkerInterceptor security(MapRegistry registry, NamespaceKeys signing) throws Exception {
    return NexusSecurity.newInstance(
            NexusSecurityOptions.newBuilder()
                .setNamespaceKeys(signing)
                .setRegistry(registry)
                .setKeyDirectory(NamespaceKeyDirectory.newBuilder().put(key.toPublicKeys()).build())
                .setHandlerPolicy(HandlerPolicy.newBuilder().setAllowUnboundInput(true).build())
                .build())
        .getWorkerInterceptor();
  }

  /**
   * Runs the workflow on a fresh embedded server with {@code interceptors} and returns its history.
   */
  static WorkflowExecutionHistory record(String expected, WorkerInterceptor... interceptors) {
    return record("replay-ep,replay-ep", expected, interceptors);
  }

  static WorkflowExecutionHistory record(
      String endpoints, String expected, WorkerInterceptor... interceptors) {
    TestWorkflowEnvironment env =
        TestWorkflowEnvironment.newInstance(
            TestEnvironmentOptions.newBuilder()
                .setUseTimeskipping(false)
                .setWorkflowClientOptions(
                    WorkflowClientOptions.newBuilder().setNamespace(NS).build())
                .setWorkerFactoryOptions(
                    WorkerFactoryOptions.newBuilder().setWorkerInterceptors(interceptors).build())
                .build());
    try {
      Worker w = env.newWorker(TQ);
      w.registerWorkflowImplementationTypes(TwoCallsImpl.class);
      w.registerNexusServiceImplementation(new NexusSecuritySmokeTest.EchoImpl());
      for (String name : List.of("replay-ep", "other-ep")) {
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
      env.start();
      WorkflowClient client = env.getWorkflowClient();
      TwoCalls wf =
          client.newWorkflowStub(
              TwoCalls.class,
              WorkflowOptions.newBuilder().setTaskQueue(TQ).setWorkflowId("replay-wf").build());
      assertThat(wf.run(endpoints)).isEqualTo(expected);
      return client.fetchHistory("replay-wf");
    } finally {
      env.close();
    }
  }

  /** Replays {@code history} on a worker configured with {@code interceptors}. */
  static void replay(WorkflowExecutionHistory history, WorkerInterceptor... interceptors)
      throws Exception {
    TestWorkflowEnvironment env =
        TestWorkflowEnvironment.newInstance(
            TestEnvironmentOptions.newBuilder()
                .setWorkflowClientOptions(
                    WorkflowClientOptions.newBuilder().setNamespace(NS).build())
                .setWorkerFactoryOptions(
                    WorkerFactoryOptions.newBuilder().setWorkerInterceptors(interceptors).build())
                .build());
    try {
      Worker w = env.newWorker(TQ);
      w.registerWorkflowImplementationTypes(TwoCallsImpl.class);
      WorkflowReplayer.replayWorkflowExecution(history, w);
    } finally {
      env.close();
    }
  }

  @Test
  void allowedCalls_replayAfterTheCallerIsRemovedFromTheAllowlist() throws Exception {
    WorkflowExecutionHistory history =
        record("echo:x0;echo:x1;", security(new MapRegistry().put(endpoint(NS)), key));
    assertThatCode(() -> replay(history, security(new MapRegistry().put(endpoint()), key)))
        .doesNotThrowAnyException();
    assertThatCode(() -> replay(history, security(new MapRegistry(), key)))
        .doesNotThrowAnyException();
  }

  @Test
  void deniedCalls_replayAfterTheCallerIsAddedToTheAllowlist() throws Exception {
    WorkflowExecutionHistory history =
        record(
            "CALLER_NOT_ALLOWED;CALLER_NOT_ALLOWED;",
            security(new MapRegistry().put(endpoint()), key));
    assertThatCode(() -> replay(history, security(new MapRegistry().put(endpoint(NS)), key)))
        .doesNotThrowAnyException();
  }

  @Test
  void mixedDecisions_replayAfterBothAreFlipped() throws Exception {
    WorkflowExecutionHistory history =
        record(
            "replay-ep,other-ep,replay-ep",
            "echo:x0;CALLER_NOT_ALLOWED;echo:x2;",
            security(new MapRegistry().put(named("replay-ep", NS)).put(named("other-ep")), key));
    MapRegistry flipped = new MapRegistry().put(named("replay-ep")).put(named("other-ep", NS));
    assertThatCode(() -> replay(history, security(flipped, key))).doesNotThrowAnyException();
  }

  @Test
  void allowedCalls_addNoMarkersToTheHistory_deniedCallsAddOneEach() throws Exception {
    WorkflowExecutionHistory history =
        record(
            "replay-ep,other-ep,replay-ep",
            "echo:x0;CALLER_NOT_ALLOWED;echo:x2;",
            security(new MapRegistry().put(named("replay-ep", NS)).put(named("other-ep")), key));
    long markers =
        history.getEvents().stream()
            .filter(
                e ->
                    e.getEventType()
                        == io.temporal.api.enums.v1.EventType.EVENT_TYPE_MARKER_RECORDED)
            .count();
    // one installation guard per run, plus one per denied call
    assertThat(markers).isEqualTo(2);
  }

  @Test
  void recordedCalls_replayWithARotatedSigningKey() throws Exception {
    WorkflowExecutionHistory history =
        record("echo:x0;echo:x1;", security(new MapRegistry().put(endpoint(NS)), key));
    assertThatCode(() -> replay(history, security(new MapRegistry().put(endpoint(NS)), rotatedKey)))
        .doesNotThrowAnyException();
  }

  @Test
  void historiesRecordedBeforeInstallingNexusSecurity_replayWithIt() throws Exception {
    WorkflowExecutionHistory history = record("echo:x0;echo:x1;");
    assertThatCode(() -> replay(history, security(new MapRegistry().put(endpoint()), key)))
        .doesNotThrowAnyException();
  }

  /**
   * Control: an interceptor that re-checks the registry on every execution, as a naive
   * implementation would, makes the same replay fail. This shows the replays above would catch that
   * mistake.
   */
  @Test
  void control_naiveRecheckOnReplay_failsWithNonDeterminism() throws Exception {
    WorkflowExecutionHistory history =
        record("echo:x0;echo:x1;", security(new MapRegistry().put(endpoint(NS)), key));
    MapRegistry nowClosed = new MapRegistry().put(endpoint());
    assertThatThrownBy(() -> replay(history, naive(nowClosed)))
        .hasStackTraceContaining("NonDeterministic");
  }

  static WorkerInterceptor naive(MapRegistry registry) {
    return new WorkerInterceptorBase() {
      @Override
      public WorkflowInboundCallsInterceptor interceptWorkflow(
          WorkflowInboundCallsInterceptor next) {
        return new WorkflowInboundCallsInterceptorBase(next) {
          @Override
          public void init(WorkflowOutboundCallsInterceptor outbound) {
            super.init(
                new WorkflowOutboundCallsInterceptorBase(outbound) {
                  @Override
                  public <R> ExecuteNexusOperationOutput<R> executeNexusOperation(
                      ExecuteNexusOperationInput<R> input) {
                    AccessDecision d = registry.checkAccess(input.getEndpoint(), NS);
                    if (!d.isAllowed()) {
                      RuntimeException f =
                          new NexusOperationFailure(
                              "denied",
                              0,
                              input.getEndpoint(),
                              input.getService(),
                              input.getOperation(),
                              "",
                              ApplicationFailure.newNonRetryableFailure(
                                  "denied",
                                  "NexusSecurityDenied." + ReasonCode.CALLER_NOT_ALLOWED));
                      return new ExecuteNexusOperationOutput<>(
                          Workflow.newFailedPromise(f), Workflow.newFailedPromise(f));
                    }
                    return super.executeNexusOperation(input);
                  }
                });
          }
        };
      }
    };
  }
}
