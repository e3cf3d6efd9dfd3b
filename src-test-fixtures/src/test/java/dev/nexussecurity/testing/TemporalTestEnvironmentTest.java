package dev.nexussecurity.testing;

import static dev.nexussecurity.testing.NexusSecurityAssertions.assertDenied;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;

import dev.nexussecurity.api.AccessDecisionEvent.Side;
import dev.nexussecurity.api.NexusEndpoint;
import dev.nexussecurity.api.ReasonCode;
import dev.nexussecurity.core.InMemoryEndpointRegistry;
import dev.nexussecurity.core.NexusSecurity;
import dev.nexussecurity.core.NexusSecurityOptions;
import dev.nexussecurity.core.keys.NamespaceKeyDirectory;
import dev.nexussecurity.core.keys.NamespaceKeys;
import dev.nexussecurity.testing.support.CallerWorkflow;
import dev.nexussecurity.testing.support.GreetingServiceImpl;
import dev.nexussecurity.testing.support.GreetingWorkflow;
import dev.nexussecurity.testing.support.HandlerInvocations;
import io.temporal.client.WorkflowClientOptions;
import io.temporal.client.WorkflowOptions;
import io.temporal.common.converter.DataConverter;
import io.temporal.testing.TestEnvironmentOptions;
import io.temporal.testing.TestWorkflowEnvironment;
import io.temporal.worker.Worker;
import io.temporal.worker.WorkerFactoryOptions;
import java.security.GeneralSecurityException;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * NexusSecurity on Temporal's own test server ({@code TestWorkflowEnvironment}), as the module
 * README shows: caller and handler in the environment's one namespace, because the stock test
 * server queues a Nexus task under its caller's namespace.
 */
@Timeout(60)
class TemporalTestEnvironmentTest {
  // README-EXAMPLE-START test-workflow-environment
  // the environment's namespace: "default" once WorkflowClientOptions are given ("UnitTest" only
  // for TestWorkflowEnvironment.newInstance() without options)
  static final String NAMESPACE = "default";

  static TestWorkflowEnvironment newEnvironment(NexusEndpoint endpoint, HandlerInvocations log)
      throws GeneralSecurityException {
    TestKeys keys = TestKeys.random();
    DataConverter converter = TestConverters.withCodec(keys.getPayloadKeyset("shared"), "shared");
    NamespaceKeys namespaceKeys = keys.getNamespaceKeys(NAMESPACE);
    AtomicReference<TestWorkflowEnvironment> server = new AtomicReference<>();
    NexusSecurity security =
        NexusSecurity.newInstance(
            NexusSecurityOptions.newBuilder()
                .setNamespaceKeys(namespaceKeys) // caller and handler
                .setKeyDirectory(
                    NamespaceKeyDirectory.newBuilder().put(namespaceKeys.toPublicKeys()).build())
                .setRegistry(InMemoryEndpointRegistry.newBuilder().addEndpoint(endpoint).build())
                .setDataConverter(converter)
                // tokens carry workflow time: check them against the test server's clock
                .setTimeSource(() -> server.get().currentTimeMillis())
                .build());
    TestWorkflowEnvironment env =
        TestWorkflowEnvironment.newInstance(
            TestEnvironmentOptions.newBuilder()
                .setWorkflowClientOptions(
                    WorkflowClientOptions.newBuilder().setDataConverter(converter).build())
                .setWorkerFactoryOptions(
                    security.workerFactoryOptions(WorkerFactoryOptions.newBuilder().build()))
                .build()); // time skipping on, Temporal's default
    server.set(env);
    env.createNexusEndpoint(endpoint.getName(), endpoint.getTargetTaskQueue());
    Worker worker = env.newWorker(endpoint.getTargetTaskQueue());
    worker.registerNexusServiceImplementation(new GreetingServiceImpl(log));
    worker.registerWorkflowImplementationTypes(
        CallerWorkflow.Impl.class, GreetingWorkflow.Impl.class);
    env.start();
    return env;
  }

  // README-EXAMPLE-END test-workflow-environment

  private static NexusEndpoint endpoint(String... allowedCallers) {
    NexusEndpoint.Builder b =
        NexusEndpoint.newBuilder()
            .setName("greeting")
            .setTargetNamespace(NAMESPACE)
            .setTargetTaskQueue("greeting-tq")
            .setVersion(1);
    for (String caller : allowedCallers) {
      b.addAllowedCallerNamespace(caller);
    }
    return b.build();
  }

  @Test
  void namespaceOnTheAllowlist_syncAndWorkflowRunCalls_succeed() throws Exception {
    HandlerInvocations log = new HandlerInvocations();
    TestWorkflowEnvironment env = newEnvironment(endpoint(NAMESPACE), log);
    try {
      assertThat(env.getNamespace()).isEqualTo(NAMESPACE);

      assertThat(call(env, "hello", "ada")).isEqualTo("hello ada from default");
      assertThat(call(env, "helloWorkflow", "bob")).isEqualTo("workflow hello bob in default");
      assertThat(log.all()).hasSize(2);
    } finally {
      env.close();
    }
  }

  @Test
  void namespaceNotOnTheAllowlist_isDenied_andHandlerCodeNeverRuns() throws Exception {
    HandlerInvocations log = new HandlerInvocations();
    TestWorkflowEnvironment env = newEnvironment(endpoint("someone-else"), log);
    try {
      Throwable failure = catchThrowable(() -> call(env, "hello", "eve"));

      assertDenied(failure, ReasonCode.CALLER_NOT_ALLOWED, Side.CALLER);
      assertThat(log.all()).isEmpty();
    } finally {
      env.close();
    }
  }

  @Test
  void timeSkipping_callAfterADayOfSkippedTime_succeeds() throws Exception {
    HandlerInvocations log = new HandlerInvocations();
    TestWorkflowEnvironment env = newEnvironment(endpoint(NAMESPACE), log);
    try {
      assertThat(call(env, "afterP1D:hello", "ada")).isEqualTo("hello ada from default");
      assertThat(call(env, "afterP30D:helloWorkflow", "bob"))
          .isEqualTo("workflow hello bob in default");
      assertThat(log.all()).hasSize(2);
    } finally {
      env.close();
    }
  }

  private static String call(TestWorkflowEnvironment env, String operation, String argument) {
    return env.getWorkflowClient()
        .newWorkflowStub(
            CallerWorkflow.class, WorkflowOptions.newBuilder().setTaskQueue("greeting-tq").build())
        .call("greeting", operation, argument);
  }
}
