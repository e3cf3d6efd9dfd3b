package dev.nexussecurity.testing;

import dev.nexussecurity.api.NexusEndpoint;
import dev.nexussecurity.testing.internal.ResourceStack;
import dev.nexussecurity.testing.internal.WorkerFactoryScope;
import io.temporal.client.WorkflowClient;
import io.temporal.worker.WorkerFactory;
import java.lang.reflect.Executable;
import java.lang.reflect.Parameter;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.function.Consumer;
import org.junit.jupiter.api.extension.AfterAllCallback;
import org.junit.jupiter.api.extension.AfterEachCallback;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.BeforeEachCallback;
import org.junit.jupiter.api.extension.ExtensionContext;
import org.junit.jupiter.api.extension.ParameterContext;
import org.junit.jupiter.api.extension.ParameterResolutionException;
import org.junit.jupiter.api.extension.ParameterResolver;

/**
 * A JUnit 5 extension that runs Temporal Nexus tests with nexus-security on every worker: one
 * embedded Temporal server with true cross-namespace Nexus routing ({@link EmbeddedTemporal}), any
 * number of namespaces, endpoints with allowlists, and test keys, all made for the test class and
 * released after it.
 *
 * <pre>{@code
 * class PaymentsTest {
 *   @RegisterExtension
 *   static final NexusSecurityExtension NEXUS = NexusSecurityExtension.newBuilder()
 *       .addNamespace("orders-ns")
 *       .addNamespace("payments-ns")
 *       .addEndpoint("payments", "payments-ns", "payments-tq", "orders-ns")
 *       .build();
 *
 *   @BeforeAll
 *   static void startWorkers(
 *       @Namespace("payments-ns") WorkerFactory payments,
 *       @Namespace("orders-ns") WorkerFactory orders) {
 *     Worker handler = payments.newWorker("payments-tq");
 *     handler.registerNexusServiceImplementation(new PaymentsServiceImpl());
 *     orders.newWorker("orders-tq").registerWorkflowImplementationTypes(OrderWorkflowImpl.class);
 *     payments.start();
 *     orders.start();
 *   }
 *
 *   @Test
 *   void order_isCharged(@Namespace("orders-ns") WorkflowClient orders) { ... }
 * }
 * }</pre>
 *
 * <h2>What it sets up</h2>
 *
 * <ul>
 *   <li><b>Keys</b>, fresh for every run ({@link TestKeys}): an Ed25519 signing keyset per
 *       namespace, and an AES256-GCM payload keyset per keyset name ({@link PayloadEncryption}; by
 *       default all namespaces share one). Every namespace trusts every declared namespace's public
 *       signing key; whether a caller may call an endpoint is decided by the endpoint's allowlist
 *       alone.
 *   <li><b>Endpoints</b>, each created on the server (through its OperatorService, so that Temporal
 *       routes it to its target namespace and task queue) and in an {@link
 *       dev.nexussecurity.core.InMemoryEndpointRegistry} with its allowlist.
 *   <li><b>Per namespace</b>: a {@code WorkflowClient} whose converter encrypts with the
 *       namespace's payload keyset, and a {@link dev.nexussecurity.core.NexusSecurity} configured
 *       with the registry, the namespace's signing keyset, the trust store and that converter, with
 *       an audit listener ({@link TestNamespace#getAccessDecisions()}).
 * </ul>
 *
 * <h2>Parameters it resolves</h2>
 *
 * In test, lifecycle and constructor parameters: {@link NexusSecurityTestEnvironment}; and, with
 * {@link Namespace @Namespace("...")}, a namespace's {@link WorkflowClient}, {@link WorkerFactory}
 * or {@link TestNamespace}. An undeclared namespace, a missing {@code @Namespace} on a {@link
 * TestNamespace}, or {@code @Namespace} on another type fails with a {@link
 * ParameterResolutionException} saying what to fix. A {@code WorkflowClient} or {@code
 * WorkerFactory} without {@code @Namespace} is left to other resolvers.
 *
 * <h2>Worker factories</h2>
 *
 * A {@code @Namespace WorkerFactory} comes with the namespace's NexusSecurity interceptor and has
 * no workers yet: register workflows, activities and Nexus services, then call {@code start()}
 * yourself, as with any {@code WorkerFactory}. Its lifetime is that of the place it was resolved
 * in: one resolved in a {@code @BeforeAll} method (or the constructor of a {@code PER_CLASS} test)
 * lives until the end of the class; one resolved in a {@code @BeforeEach}, test or
 * {@code @AfterEach} method lives until that test method ends. Within one scope, a namespace always
 * resolves to the same factory. Do not poll the same task queue from a class-wide and a per-test
 * factory with different registrations. Factories made with {@link TestNamespace#newWorkerFactory}
 * live until the environment closes.
 *
 * <h2>Lifecycle</h2>
 *
 * Register the extension in a <b>static</b> field: the server starts before the class's first
 * {@code @BeforeAll} method and is closed after its last {@code @AfterAll} method, so all tests of
 * the class share one server. In an instance field it starts a server per test method instead
 * (unless the class is {@code @TestInstance(PER_CLASS)}, where an instance field behaves like a
 * static one). A {@code @Nested} class uses its enclosing class's environment.
 *
 * <p>Everything is released even when a test, a lifecycle method or the setup itself fails: the
 * per-test worker factories after each test method, then the class's worker factories, every worker
 * factory made on the server, and the server after the class. A setup that fails half-way releases
 * what it had acquired before the error is reported. Access decisions are cleared before each test
 * method.
 *
 * <p>The server is {@link EmbeddedTemporal}; see there for where it differs from a real Temporal
 * server. Immutable configuration; one instance may serve several test classes, each with its own
 * environment.
 */
public final class NexusSecurityExtension
    implements BeforeAllCallback,
        BeforeEachCallback,
        AfterEachCallback,
        AfterAllCallback,
        ParameterResolver {
  private static final ExtensionContext.Namespace STORE =
      ExtensionContext.Namespace.create(NexusSecurityExtension.class);

  private final Config config;

  private NexusSecurityExtension(Config config) {
    this.config = config;
  }

  /** Returns a builder with no namespaces and no endpoints. */
  public static Builder newBuilder() {
    return new Builder();
  }

  /** The declared namespaces, in declaration order; unmodifiable. */
  public List<String> getNamespaceNames() {
    return List.copyOf(config.namespaces.keySet());
  }

  /** The declared endpoints with their allowlists, in declaration order; unmodifiable. */
  public List<NexusEndpoint> getEndpoints() {
    return config.endpoints;
  }

  // ---------------------------------------------------------------- lifecycle

  @Override
  public void beforeAll(ExtensionContext context) {
    environment(context);
  }

  @Override
  public void beforeEach(ExtensionContext context) {
    environment(context).clearAccessDecisions();
  }

  @Override
  public void afterEach(ExtensionContext context) {
    release(context);
  }

  @Override
  public void afterAll(ExtensionContext context) {
    release(context);
  }

  /**
   * The environment visible from {@code context}, started and stored there if there is none yet.
   * Synchronized so that tests running in parallel never start two environments for one context.
   */
  private synchronized NexusSecurityTestEnvironment environment(ExtensionContext context) {
    ExtensionContext.Store store = context.getStore(STORE);
    OwnedEnvironment owned = store.get(new EnvironmentKey(this), OwnedEnvironment.class);
    if (owned == null) {
      owned =
          new OwnedEnvironment(NexusSecurityTestEnvironment.start(config, config.afterServerStart));
      store.put(new EnvironmentKey(this), owned);
    }
    return owned.environment;
  }

  /**
   * Shuts down the worker factories of {@code context}'s scope, then the environment if it was
   * started in {@code context}; both even if one fails.
   */
  private void release(ExtensionContext context) {
    ExtensionContext.Store store = context.getStore(STORE);
    // remove() only looks at this context, never at its ancestors.
    WorkerFactoryScope scope =
        store.remove(new ScopeKey(this, context.getUniqueId()), WorkerFactoryScope.class);
    OwnedEnvironment owned = store.remove(new EnvironmentKey(this), OwnedEnvironment.class);
    ResourceStack stack = new ResourceStack();
    if (owned != null) {
      stack.push("nexus-security test environment", owned::close);
    }
    if (scope != null) {
      stack.push("worker factories of " + context.getDisplayName(), scope::close);
    }
    stack.close();
  }

  // ---------------------------------------------------------------- parameters

  @Override
  public boolean supportsParameter(ParameterContext parameterContext, ExtensionContext context) {
    Class<?> type = parameterContext.getParameter().getType();
    return type == NexusSecurityTestEnvironment.class
        || type == TestNamespace.class
        || parameterContext.isAnnotated(Namespace.class);
  }

  @Override
  public Object resolveParameter(ParameterContext parameterContext, ExtensionContext context) {
    Parameter parameter = parameterContext.getParameter();
    Class<?> type = parameter.getType();
    NexusSecurityTestEnvironment env = environment(context);
    if (type == NexusSecurityTestEnvironment.class) {
      return env;
    }
    Namespace annotation = parameterContext.findAnnotation(Namespace.class).orElse(null);
    if (annotation == null) {
      throw new ParameterResolutionException(
          describe(parameterContext)
              + " needs @Namespace(\"...\") to say which namespace; declared: "
              + env.getNamespaceNames());
    }
    if (type != WorkflowClient.class
        && type != WorkerFactory.class
        && type != TestNamespace.class) {
      throw new ParameterResolutionException(
          describe(parameterContext)
              + " is a "
              + type.getName()
              + "; @Namespace parameters must be a WorkflowClient, a WorkerFactory or a TestNamespace");
    }
    TestNamespace namespace;
    try {
      namespace = env.getNamespace(annotation.value());
    } catch (IllegalArgumentException e) {
      throw new ParameterResolutionException(describe(parameterContext) + ": " + e.getMessage(), e);
    }
    if (type == WorkflowClient.class) {
      return namespace.getWorkflowClient();
    }
    if (type == TestNamespace.class) {
      return namespace;
    }
    WorkerFactoryScope scope =
        context
            .getStore(STORE)
            .getOrComputeIfAbsent(
                new ScopeKey(this, context.getUniqueId()),
                key -> new WorkerFactoryScope(context.getDisplayName()),
                WorkerFactoryScope.class);
    return scope.get(namespace.getName(), name -> namespace.newDefaultWorkerFactory());
  }

  private static String describe(ParameterContext parameterContext) {
    Executable executable = parameterContext.getDeclaringExecutable();
    return "parameter '"
        + parameterContext.getParameter().getName()
        + "' of "
        + executable.getDeclaringClass().getSimpleName()
        + "."
        + executable.getName();
  }

  @Override
  public String toString() {
    return "NexusSecurityExtension{namespaces="
        + config.namespaces.keySet()
        + ", endpoints="
        + config.endpoints.stream().map(NexusEndpoint::getName).toList()
        + "}";
  }

  /** Store key of the environment of this extension instance. */
  private record EnvironmentKey(NexusSecurityExtension owner) {}

  /** Store key of the worker factories resolved in one extension context. */
  private record ScopeKey(NexusSecurityExtension owner, String contextId) {}

  /**
   * The environment as stored in an extension context. AutoCloseable, so that JUnit closes it when
   * the context ends even if no after-callback ran; closing twice does nothing. Also a {@code
   * CloseableResource} (deprecated since JUnit 5.13), which JUnit closes even when a project turns
   * off the closing of stored AutoCloseables ({@code
   * junit.jupiter.extensions.store.close.autocloseable.enabled=false}, which Temporal's
   * TestWorkflowExtension 1.38.0 needs on JUnit 5.13 and later).
   */
  @SuppressWarnings("deprecation")
  private static final class OwnedEnvironment
      implements AutoCloseable, ExtensionContext.Store.CloseableResource {
    private final NexusSecurityTestEnvironment environment;

    OwnedEnvironment(NexusSecurityTestEnvironment environment) {
      this.environment = environment;
    }

    @Override
    public void close() {
      environment.close();
    }
  }

  /** The validated configuration. */
  static final class Config {
    final Map<String, PayloadEncryption> namespaces;
    final List<NexusEndpoint> endpoints;
    final byte[] keySeed;
    final boolean timeSkipping;
    final Consumer<EmbeddedTemporal> afterServerStart;

    private Config(Builder b) {
      this.namespaces = Collections.unmodifiableMap(new LinkedHashMap<>(b.namespaces));
      this.endpoints = List.copyOf(b.endpoints.values());
      this.keySeed = b.keySeed == null ? null : b.keySeed.clone();
      this.timeSkipping = b.timeSkipping;
      this.afterServerStart = b.afterServerStart;
    }
  }

  /**
   * Declares the namespaces, endpoints and keys of a {@link NexusSecurityExtension}. Setters
   * validate their arguments at once; {@link #build()} checks that every endpoint's target and
   * allowed callers are declared namespaces, so the order of declarations does not matter.
   *
   * <pre>{@code
   * NexusSecurityExtension.newBuilder()
   *     .addNamespace("orders-ns")
   *     .addNamespace("billing-ns")
   *     .addNamespace("payments-ns")
   *     .addEndpoint("payments", "payments-ns", "payments-tq", "orders-ns")   // billing-ns may not call
   *     .build();
   * }</pre>
   */
  public static final class Builder {
    private final Map<String, PayloadEncryption> namespaces = new LinkedHashMap<>();
    private final Map<String, NexusEndpoint> endpoints = new LinkedHashMap<>();
    private byte[] keySeed;
    private boolean timeSkipping;
    private Consumer<EmbeddedTemporal> afterServerStart = temporal -> {};

    private Builder() {}

    /**
     * Declares {@code namespace}, encrypting its payloads with the shared keyset ({@link
     * PayloadEncryption#sharedKeyset()}).
     *
     * @throws IllegalArgumentException if the name is blank or already declared
     */
    public Builder addNamespace(String namespace) {
      return addNamespace(namespace, PayloadEncryption.sharedKeyset());
    }

    /**
     * Declares {@code namespace} with its payload protection.
     *
     * @throws IllegalArgumentException if the name is blank or already declared
     */
    public Builder addNamespace(String namespace, PayloadEncryption payloadEncryption) {
      if (namespace == null || namespace.isBlank()) {
        throw new IllegalArgumentException(
            "namespace must be non-blank, got "
                + (namespace == null ? "null" : "'" + namespace + "'"));
      }
      Objects.requireNonNull(payloadEncryption, "payloadEncryption");
      if (namespaces.containsKey(namespace)) {
        throw new IllegalArgumentException("namespace '" + namespace + "' is already declared");
      }
      namespaces.put(namespace, payloadEncryption);
      return this;
    }

    /**
     * Declares an endpoint routed to {@code targetTaskQueue} in {@code targetNamespace}, callable
     * by {@code allowedCallerNamespaces} (none: nobody may call it).
     *
     * @throws dev.nexussecurity.api.EndpointValidationException if a value breaks the server's
     *     rules (name pattern, task queue)
     * @throws IllegalArgumentException if an endpoint of that name is already declared
     */
    public Builder addEndpoint(
        String name,
        String targetNamespace,
        String targetTaskQueue,
        String... allowedCallerNamespaces) {
      Objects.requireNonNull(allowedCallerNamespaces, "allowedCallerNamespaces");
      return addEndpoint(
          NexusEndpoint.newBuilder()
              .setName(name)
              .setTargetNamespace(targetNamespace)
              .setTargetTaskQueue(targetTaskQueue)
              .setAllowedCallerNamespaces(Arrays.asList(allowedCallerNamespaces))
              .build());
    }

    /**
     * Declares {@code endpoint} (name, target, allowlist, description); its version is ignored.
     *
     * @throws IllegalArgumentException if an endpoint of that name is already declared
     */
    public Builder addEndpoint(NexusEndpoint endpoint) {
      Objects.requireNonNull(endpoint, "endpoint");
      if (endpoints.containsKey(endpoint.getName())) {
        throw new IllegalArgumentException(
            "endpoint '" + endpoint.getName() + "' is already declared");
      }
      endpoints.put(endpoint.getName(), endpoint.toBuilder().setVersion(1).build());
      return this;
    }

    /**
     * Derives every key from {@code seed} instead of a fresh random seed, to reproduce the keys of
     * a run ({@link TestKeys#fromSeed}). Test key material only.
     *
     * @param seed exactly {@value TestKeys#SEED_BYTES} bytes; copied
     * @throws IllegalArgumentException if the seed has another length
     */
    public Builder setKeySeed(byte[] seed) {
      TestKeys.fromSeed(seed); // validates
      this.keySeed = seed.clone();
      return this;
    }

    /**
     * Whether the server skips time whenever no work is in progress ({@link
     * EmbeddedTemporal.Builder#setTimeSkipping}); default {@code false}, wall-clock time.
     */
    public Builder setTimeSkipping(boolean timeSkipping) {
      this.timeSkipping = timeSkipping;
      return this;
    }

    /** Runs {@code hook} once the server has started, before endpoints are created; for tests. */
    Builder setAfterServerStart(Consumer<EmbeddedTemporal> hook) {
      this.afterServerStart = Objects.requireNonNull(hook, "hook");
      return this;
    }

    /**
     * Builds the extension.
     *
     * @throws IllegalStateException if no namespace is declared, or an endpoint's target namespace
     *     or an allowed caller namespace is not declared
     */
    public NexusSecurityExtension build() {
      if (namespaces.isEmpty()) {
        throw new IllegalStateException(
            "declare at least one namespace with addNamespace(...) before build()");
      }
      List<String> problems = new ArrayList<>();
      for (NexusEndpoint endpoint : endpoints.values()) {
        if (!namespaces.containsKey(endpoint.getTargetNamespace())) {
          problems.add(
              "endpoint '"
                  + endpoint.getName()
                  + "' targets namespace '"
                  + endpoint.getTargetNamespace()
                  + "', which is not declared");
        }
        for (String caller : endpoint.getAllowedCallerNamespaces()) {
          if (!namespaces.containsKey(caller)) {
            problems.add(
                "endpoint '"
                    + endpoint.getName()
                    + "' allows caller namespace '"
                    + caller
                    + "', which is not declared");
          }
        }
      }
      if (!problems.isEmpty()) {
        throw new IllegalStateException(
            String.join("; ", problems)
                + ". Declared namespaces: "
                + namespaces.keySet()
                + "; declare them with addNamespace(...)");
      }
      return new NexusSecurityExtension(new Config(this));
    }
  }
}
