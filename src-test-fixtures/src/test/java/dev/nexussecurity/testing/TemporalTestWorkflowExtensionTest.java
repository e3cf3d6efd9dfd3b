package dev.nexussecurity.testing;

import static org.assertj.core.api.Assertions.assertThat;

import dev.nexussecurity.api.AccountRole;
import dev.nexussecurity.api.NexusEndpoint;
import dev.nexussecurity.api.Principal;
import dev.nexussecurity.core.InMemoryEndpointRegistry;
import dev.nexussecurity.core.NexusSecurity;
import dev.nexussecurity.core.NexusSecurityOptions;
import dev.nexussecurity.core.keys.NamespaceKeyDirectory;
import dev.nexussecurity.testing.support.CallerWorkflow;
import dev.nexussecurity.testing.support.GreetingServiceImpl;
import dev.nexussecurity.testing.support.GreetingWorkflow;
import dev.nexussecurity.testing.support.HandlerInvocations;
import io.temporal.client.WorkflowClientOptions;
import io.temporal.common.converter.DataConverter;
import io.temporal.testing.TestWorkflowEnvironment;
import io.temporal.testing.TestWorkflowExtension;
import io.temporal.worker.Worker;
import io.temporal.worker.WorkerFactoryOptions;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * NexusSecurity with Temporal's JUnit 5 {@code TestWorkflowExtension}: its worker (a fresh task
 * queue per test) hosts the caller workflow and the Nexus service; the test creates the endpoint on
 * the server and in the registry.
 */
@Timeout(60)
class TemporalTestWorkflowExtensionTest {
  /**
   * Temporal's extension closes its environment after each test, and JUnit 5.13 and later close it
   * again as an AutoCloseable in the extension's store, which fails in temporal-testing 1.38.0
   * (with or without nexus-security). A project using it sets this in {@code
   * src/test/resources/junit-platform.properties}; {@link NexusSecurityExtension} releases its
   * resources either way.
   */
  static final Map<String, String> JUNIT_PROPERTIES =
      Map.of(NexusSecurityExtensionLifecycleTest.AUTOCLOSEABLE_ENABLED, "false");

  @Test
  void temporalsExtension_withNexusSecurityOnItsWorkers_runsANexusCall() {
    NexusSecurityExtensionLifecycleTest.Outcome outcome =
        NexusSecurityExtensionLifecycleTest.launch(WithNexusSecurity.class, JUNIT_PROPERTIES);

    assertThat(outcome.failures()).isEmpty();
    assertThat(outcome.succeeded()).isEqualTo(1);
  }

  /** Run by the test above with {@link #JUNIT_PROPERTIES}. */
  @ExtendWith(NexusSecurityExtensionLifecycleTest.OnlyWhenLaunched.class)
  static class WithNexusSecurity {
    // README-EXAMPLE-START test-workflow-extension
    static final String NAMESPACE = "default"; // WorkflowClientOptions given: not "UnitTest"
    static final Principal ADMIN =
        Principal.newBuilder("test-admin").setAccountRole(AccountRole.ACCOUNT_OWNER).build();
    static final TestKeys KEYS = TestKeys.random();
    static final DataConverter CONVERTER =
        TestConverters.withCodec(KEYS.getPayloadKeyset("shared"), "shared");
    static final InMemoryEndpointRegistry REGISTRY = InMemoryEndpointRegistry.newBuilder().build();
    static final HandlerInvocations HANDLED = new HandlerInvocations();

    @RegisterExtension
    static final TestWorkflowExtension TEMPORAL =
        TestWorkflowExtension.newBuilder()
            .setWorkflowClientOptions(
                WorkflowClientOptions.newBuilder().setDataConverter(CONVERTER).build())
            .setWorkerFactoryOptions(
                WorkerFactoryOptions.newBuilder()
                    .setWorkerInterceptors(security().getWorkerInterceptor())
                    .build())
            .registerWorkflowImplementationTypes(
                CallerWorkflow.Impl.class, GreetingWorkflow.Impl.class)
            .setNexusServiceImplementation(new GreetingServiceImpl(HANDLED))
            .setDoNotSetupNexusEndpoint(
                true) // its endpoint's name is random; ours is in the registry
            // the handler's time source is the wall clock here; with time skipping, feed it the
            // environment's clock (setTimeSource), as TemporalTestEnvironmentTest does
            .setUseTimeskipping(false)
            .build();

    static NexusSecurity security() {
      return NexusSecurity.newInstance(
          NexusSecurityOptions.newBuilder()
              .setNamespaceKeys(KEYS.getNamespaceKeys(NAMESPACE))
              .setKeyDirectory(
                  NamespaceKeyDirectory.newBuilder()
                      .put(KEYS.getNamespaceKeys(NAMESPACE).toPublicKeys())
                      .build())
              .setRegistry(REGISTRY)
              .setDataConverter(CONVERTER)
              .build());
    }

    @Test
    void callerOnTheAllowlist_callsTheServiceOnTheExtensionsWorker(
        TestWorkflowEnvironment env, Worker worker, CallerWorkflow caller) {
      env.createNexusEndpoint("greeting", worker.getTaskQueue());
      REGISTRY.create(
          ADMIN,
          NexusEndpoint.newBuilder()
              .setName("greeting")
              .setTargetNamespace(NAMESPACE)
              .setTargetTaskQueue(worker.getTaskQueue())
              .addAllowedCallerNamespace(NAMESPACE)
              .build());

      assertThat(caller.call("greeting", "hello", "ada")).isEqualTo("hello ada from default");
      assertThat(env.getNamespace()).isEqualTo(NAMESPACE);
      assertThat(HANDLED.forArgument("ada")).hasSize(1);
    }
    // README-EXAMPLE-END test-workflow-extension
  }
}
