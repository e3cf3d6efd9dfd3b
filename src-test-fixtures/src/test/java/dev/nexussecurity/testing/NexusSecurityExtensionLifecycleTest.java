package dev.nexussecurity.testing;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.platform.engine.discovery.DiscoverySelectors.selectClass;

import dev.nexussecurity.testing.support.GreetingWorkflow;
import io.temporal.client.WorkflowClient;
import io.temporal.worker.WorkerFactory;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.ConditionEvaluationResult;
import org.junit.jupiter.api.extension.ExecutionCondition;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.extension.ExtensionContext;
import org.junit.jupiter.api.extension.ParameterResolutionException;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.platform.engine.TestExecutionResult;
import org.junit.platform.launcher.Launcher;
import org.junit.platform.launcher.LauncherDiscoveryRequest;
import org.junit.platform.launcher.TestExecutionListener;
import org.junit.platform.launcher.TestIdentifier;
import org.junit.platform.launcher.core.LauncherDiscoveryRequestBuilder;
import org.junit.platform.launcher.core.LauncherFactory;

/**
 * What the extension does around tests: when servers start and stop, how long worker factories
 * live, that everything is released when a test, a lifecycle method or the setup fails, and the
 * errors of parameter resolution. Each case is a small test class of its own (nested below, run
 * only by this test through the JUnit Platform launcher), whose outcome is inspected afterwards.
 */
@Timeout(120)
class NexusSecurityExtensionLifecycleTest {
  private static final String LAUNCHED = "dev.nexussecurity.testing.lifecycle.launched";

  /** What the fixture classes saw, keyed by a name each of them chooses. */
  static final Map<String, Object> SEEN = new ConcurrentHashMap<>();

  @BeforeEach
  void clearSeen() {
    SEEN.clear();
  }

  // ------------------------------------------------------------------------------ failures release

  @Test
  void setupMethodFailingAfterStartingWorkers_stillReleasesWorkersAndServer() {
    Outcome outcome = launch(FailingBeforeAll.class);

    assertThat(outcome.failure(displayName(FailingBeforeAll.class)))
        .isInstanceOf(IllegalStateException.class)
        .hasMessage("setup failed half-way");
    NexusSecurityTestEnvironment env = (NexusSecurityTestEnvironment) SEEN.get("env");
    WorkerFactory factory = (WorkerFactory) SEEN.get("factory");
    assertThat(factory.isStarted()).isTrue();
    assertThat(factory.isTerminated()).isTrue();
    assertThat(env.isClosed()).isTrue();
  }

  @Test
  void failingTest_releasesItsOwnWorkersAfterItself_andTheClassResourcesAfterTheClass() {
    Outcome outcome = launch(FailingTestMethod.class);

    assertThat(outcome.failure("test1_startsWorkersThenFails(WorkerFactory)"))
        .isInstanceOf(AssertionError.class)
        .hasMessage("test failed after starting workers");
    assertThat(outcome.failure("test2_seesTheFirstTestsWorkersShutDown()")).isNull();
    assertThat(SEEN).containsEntry("test2: first test's factory terminated", true);
    assertThat(SEEN).containsEntry("test2: class factory running", true);
    assertThat(((WorkerFactory) SEEN.get("class factory")).isTerminated()).isTrue();
    assertThat(((NexusSecurityTestEnvironment) SEEN.get("env")).isClosed()).isTrue();
  }

  @Test
  void setupFailingHalfWayInsideTheExtension_releasesTheServer_andReportsTheError() {
    Outcome outcome = launch(FailingExtensionSetup.class);

    assertThat(outcome.failure(displayName(FailingExtensionSetup.class)))
        .isInstanceOf(IllegalStateException.class)
        .hasMessage("injected failure after the server started");
    assertThat(((EmbeddedTemporal) SEEN.get("temporal")).isClosed()).isTrue();
  }

  // ------------------------------------------------------------------------------ scopes

  @Test
  void staticField_oneEnvironmentPerClass_sharedByNestedClasses_closedAfterTheClass() {
    Outcome outcome = launch(StaticField.class);

    assertThat(outcome.failures()).isEmpty();
    assertThat(outcome.succeeded()).isEqualTo(3);
    assertThat(SEEN.get("test1 env"))
        .isSameAs(SEEN.get("test2 env"))
        .isSameAs(SEEN.get("nested env"));
    assertThat(((NexusSecurityTestEnvironment) SEEN.get("test1 env")).isClosed()).isTrue();
  }

  @Test
  void workerFactories_sameWithinAScope_newPerTestMethod_separateFromTheClassScope() {
    Outcome outcome = launch(StaticField.class);

    assertThat(outcome.failures()).isEmpty();
    assertThat(SEEN.get("test1 factory")).isSameAs(SEEN.get("test1 factory again"));
    assertThat(SEEN.get("test1 factory"))
        .isNotSameAs(SEEN.get("test2 factory"))
        .isNotSameAs(SEEN.get("class factory"));
    assertThat(((WorkerFactory) SEEN.get("test1 factory")).isTerminated()).isTrue();
  }

  @Test
  void instanceField_startsOneEnvironmentPerTestMethod_andClosesItAfterTheTest() {
    Outcome outcome = launch(InstanceField.class);

    assertThat(outcome.failures()).isEmpty();
    assertThat(outcome.succeeded()).isEqualTo(2);
    assertThat(SEEN.get("test1 env")).isNotSameAs(SEEN.get("test2 env"));
    assertThat(SEEN).containsEntry("test2: test1's env closed", true);
    assertThat(((NexusSecurityTestEnvironment) SEEN.get("test2 env")).isClosed()).isTrue();
  }

  @Test
  void instanceField_withPerClassLifecycle_behavesLikeAStaticField() {
    Outcome outcome = launch(InstanceFieldPerClass.class);

    assertThat(outcome.failures()).isEmpty();
    assertThat(SEEN.get("beforeAll env"))
        .isSameAs(SEEN.get("test1 env"))
        .isSameAs(SEEN.get("test2 env"));
    assertThat(((NexusSecurityTestEnvironment) SEEN.get("test1 env")).isClosed()).isTrue();
  }

  @Test
  void constructorInjection_inAPerClassTest_getsTheClassEnvironment_andClassWideFactories() {
    Outcome outcome = launch(ConstructorInjection.class);

    assertThat(outcome.failures()).isEmpty();
    assertThat(SEEN.get("constructor env")).isSameAs(SEEN.get("test env"));
    assertThat(SEEN.get("constructor factory")).isSameAs(SEEN.get("beforeAll factory"));
    assertThat(((WorkerFactory) SEEN.get("constructor factory")).isTerminated()).isTrue();
  }

  // ------------------------------------------------------------------------------ resolution
  // errors

  @Test
  void parameterResolution_errorsSayWhatToFix() {
    Outcome outcome = launch(BadParameters.class);

    assertThat(outcome.failure("undeclaredNamespace(WorkflowClient)"))
        .isInstanceOf(ParameterResolutionException.class)
        .hasMessage(
            "parameter 'client' of BadParameters.undeclaredNamespace: namespace 'nope-ns' is not"
                + " declared in the NexusSecurityExtension; declared: [orders-ns, payments-ns]."
                + " Declare it with addNamespace(\"nope-ns\")");
    assertThat(outcome.failure("unsupportedType(String)"))
        .isInstanceOf(ParameterResolutionException.class)
        .hasMessage(
            "parameter 'name' of BadParameters.unsupportedType is a java.lang.String; @Namespace"
                + " parameters must be a WorkflowClient, a WorkerFactory or a TestNamespace");
    assertThat(outcome.failure("testNamespaceWithoutAnnotation(TestNamespace)"))
        .isInstanceOf(ParameterResolutionException.class)
        .hasMessage(
            "parameter 'namespace' of BadParameters.testNamespaceWithoutAnnotation needs"
                + " @Namespace(\"...\") to say which namespace; declared: [orders-ns, payments-ns]");
    assertThat(outcome.failure("clientWithoutAnnotation(WorkflowClient)"))
        .isInstanceOf(ParameterResolutionException.class)
        .hasMessageContaining("No ParameterResolver registered for parameter");
    assertThat(outcome.failure("declaredNamespace(WorkflowClient)")).isNull();
  }

  @Test
  void storedAutoCloseablesNotClosedByJUnit_theEnvironmentIsStillReleased() {
    // The setting Temporal's TestWorkflowExtension needs on JUnit 5.13 and later.
    Outcome outcome = launch(StaticField.class, Map.of(AUTOCLOSEABLE_ENABLED, "false"));

    assertThat(outcome.failures()).isEmpty();
    assertThat(outcome.succeeded()).isEqualTo(3);
    assertThat(((NexusSecurityTestEnvironment) SEEN.get("test1 env")).isClosed()).isTrue();
    assertThat(((WorkerFactory) SEEN.get("class factory")).isTerminated()).isTrue();
  }

  /** JUnit's switch for closing AutoCloseable values in extension stores. */
  static final String AUTOCLOSEABLE_ENABLED =
      "junit.jupiter.extensions.store.close.autocloseable.enabled";

  // ------------------------------------------------------------------------------ launcher

  /** The result of running one fixture class: per test or container display name, its failure. */
  record Outcome(Map<String, Optional<Throwable>> results) {
    /** The failure of the test or container with this display name; null if it succeeded. */
    Throwable failure(String displayName) {
      assertThat(results).as("ran %s", displayName).containsKey(displayName);
      return results.get(displayName).orElse(null);
    }

    List<Throwable> failures() {
      return results.values().stream().flatMap(Optional::stream).toList();
    }

    /** How many test methods (display names ending in a parameter list) succeeded. */
    long succeeded() {
      return results.entrySet().stream()
          .filter(e -> e.getValue().isEmpty() && e.getKey().endsWith(")"))
          .count();
    }
  }

  /** A top-level fixture class's display name: its binary name without the package. */
  private static String displayName(Class<?> fixture) {
    return fixture.getName().substring(fixture.getPackageName().length() + 1);
  }

  private static Outcome launch(Class<?> fixture) {
    return launch(fixture, Map.of());
  }

  /**
   * Runs a fixture class (one marked {@code @ExtendWith(OnlyWhenLaunched.class)}) through the JUnit
   * Platform launcher with these configuration parameters.
   */
  static Outcome launch(Class<?> fixture, Map<String, String> configurationParameters) {
    Map<String, Optional<Throwable>> results = new ConcurrentHashMap<>();
    LauncherDiscoveryRequest request =
        LauncherDiscoveryRequestBuilder.request()
            .selectors(selectClass(fixture))
            .configurationParameter(LAUNCHED, "true")
            .configurationParameters(configurationParameters)
            .build();
    Launcher launcher = LauncherFactory.create();
    launcher.execute(
        request,
        new TestExecutionListener() {
          @Override
          public void executionFinished(TestIdentifier id, TestExecutionResult result) {
            if (id.getSource().isPresent()) {
              results.put(id.getDisplayName(), result.getThrowable());
            }
          }
        });
    return new Outcome(Map.copyOf(results));
  }

  /** Enables the fixture classes only when this test launches them. */
  static final class OnlyWhenLaunched implements ExecutionCondition {
    @Override
    public ConditionEvaluationResult evaluateExecutionCondition(ExtensionContext context) {
      return context.getConfigurationParameter(LAUNCHED).isPresent()
          ? ConditionEvaluationResult.enabled("launched by NexusSecurityExtensionLifecycleTest")
          : ConditionEvaluationResult.disabled(
              "runs only when NexusSecurityExtensionLifecycleTest launches it");
    }
  }

  static NexusSecurityExtension.Builder twoNamespaces() {
    return NexusSecurityExtension.newBuilder()
        .addNamespace("orders-ns")
        .addNamespace("payments-ns")
        .addEndpoint("payments", "payments-ns", "payments-tq", "orders-ns");
  }

  // ------------------------------------------------------------------------------ fixture classes

  @ExtendWith(OnlyWhenLaunched.class)
  static class FailingBeforeAll {
    @RegisterExtension static final NexusSecurityExtension NEXUS = twoNamespaces().build();

    @BeforeAll
    static void setUp(
        NexusSecurityTestEnvironment env, @Namespace("payments-ns") WorkerFactory factory) {
      SEEN.put("env", env);
      SEEN.put("factory", factory);
      factory
          .newWorker("payments-tq")
          .registerWorkflowImplementationTypes(GreetingWorkflow.Impl.class);
      factory.start();
      throw new IllegalStateException("setup failed half-way");
    }

    @Test
    void neverRuns() {}
  }

  @ExtendWith(OnlyWhenLaunched.class)
  @TestMethodOrder(MethodOrderer.OrderAnnotation.class)
  static class FailingTestMethod {
    @RegisterExtension static final NexusSecurityExtension NEXUS = twoNamespaces().build();

    @BeforeAll
    static void setUp(
        NexusSecurityTestEnvironment env, @Namespace("payments-ns") WorkerFactory factory) {
      SEEN.put("env", env);
      SEEN.put("class factory", factory);
      factory
          .newWorker("payments-tq")
          .registerWorkflowImplementationTypes(GreetingWorkflow.Impl.class);
      factory.start();
    }

    @Test
    @Order(1)
    void test1_startsWorkersThenFails(@Namespace("orders-ns") WorkerFactory factory) {
      SEEN.put("test1 factory", factory);
      factory
          .newWorker("orders-tq")
          .registerWorkflowImplementationTypes(GreetingWorkflow.Impl.class);
      factory.start();
      throw new AssertionError("test failed after starting workers");
    }

    @Test
    @Order(2)
    void test2_seesTheFirstTestsWorkersShutDown() {
      SEEN.put(
          "test2: first test's factory terminated",
          ((WorkerFactory) SEEN.get("test1 factory")).isTerminated());
      WorkerFactory classFactory = (WorkerFactory) SEEN.get("class factory");
      SEEN.put(
          "test2: class factory running", classFactory.isStarted() && !classFactory.isShutdown());
    }
  }

  @ExtendWith(OnlyWhenLaunched.class)
  static class FailingExtensionSetup {
    @RegisterExtension
    static final NexusSecurityExtension NEXUS =
        twoNamespaces()
            .setAfterServerStart(
                temporal -> {
                  SEEN.put("temporal", temporal);
                  throw new IllegalStateException("injected failure after the server started");
                })
            .build();

    @Test
    void neverRuns() {}
  }

  @ExtendWith(OnlyWhenLaunched.class)
  @TestMethodOrder(MethodOrderer.OrderAnnotation.class)
  static class StaticField {
    @RegisterExtension static final NexusSecurityExtension NEXUS = twoNamespaces().build();

    @BeforeAll
    static void setUp(@Namespace("orders-ns") WorkerFactory factory) {
      SEEN.put("class factory", factory);
    }

    @Test
    @Order(1)
    void test1(
        NexusSecurityTestEnvironment env,
        @Namespace("orders-ns") WorkerFactory factory,
        @Namespace("orders-ns") WorkerFactory again) {
      SEEN.put("test1 env", env);
      SEEN.put("test1 factory", factory);
      SEEN.put("test1 factory again", again);
    }

    @Test
    @Order(2)
    void test2(NexusSecurityTestEnvironment env, @Namespace("orders-ns") WorkerFactory factory) {
      SEEN.put("test2 env", env);
      SEEN.put("test2 factory", factory);
    }

    @Nested
    class Inner {
      @Test
      void nested(NexusSecurityTestEnvironment env) {
        SEEN.put("nested env", env);
      }
    }
  }

  @ExtendWith(OnlyWhenLaunched.class)
  @TestMethodOrder(MethodOrderer.OrderAnnotation.class)
  static class InstanceField {
    @RegisterExtension final NexusSecurityExtension nexus = twoNamespaces().build();

    @Test
    @Order(1)
    void test1(NexusSecurityTestEnvironment env) {
      SEEN.put("test1 env", env);
    }

    @Test
    @Order(2)
    void test2(NexusSecurityTestEnvironment env) {
      SEEN.put("test2 env", env);
      SEEN.put(
          "test2: test1's env closed",
          ((NexusSecurityTestEnvironment) SEEN.get("test1 env")).isClosed());
    }
  }

  @ExtendWith(OnlyWhenLaunched.class)
  @TestInstance(TestInstance.Lifecycle.PER_CLASS)
  static class InstanceFieldPerClass {
    @RegisterExtension final NexusSecurityExtension nexus = twoNamespaces().build();

    @BeforeAll
    void setUp(NexusSecurityTestEnvironment env) {
      SEEN.put("beforeAll env", env);
    }

    @Test
    void test1(NexusSecurityTestEnvironment env) {
      SEEN.put("test1 env", env);
    }

    @Test
    void test2(NexusSecurityTestEnvironment env) {
      SEEN.put("test2 env", env);
    }
  }

  @ExtendWith(OnlyWhenLaunched.class)
  @TestInstance(TestInstance.Lifecycle.PER_CLASS)
  static class ConstructorInjection {
    @RegisterExtension static final NexusSecurityExtension NEXUS = twoNamespaces().build();

    ConstructorInjection(
        NexusSecurityTestEnvironment env, @Namespace("orders-ns") WorkerFactory factory) {
      SEEN.put("constructor env", env);
      SEEN.put("constructor factory", factory);
    }

    @BeforeAll
    void setUp(@Namespace("orders-ns") WorkerFactory factory) {
      SEEN.put("beforeAll factory", factory);
    }

    @Test
    void test(NexusSecurityTestEnvironment env) {
      SEEN.put("test env", env);
    }
  }

  @ExtendWith(OnlyWhenLaunched.class)
  static class BadParameters {
    @RegisterExtension static final NexusSecurityExtension NEXUS = twoNamespaces().build();

    @Test
    void undeclaredNamespace(@Namespace("nope-ns") WorkflowClient client) {}

    @Test
    void unsupportedType(@Namespace("orders-ns") String name) {}

    @Test
    void testNamespaceWithoutAnnotation(TestNamespace namespace) {}

    @Test
    void clientWithoutAnnotation(WorkflowClient client) {}

    @Test
    void declaredNamespace(@Namespace("orders-ns") WorkflowClient client) {}
  }
}
