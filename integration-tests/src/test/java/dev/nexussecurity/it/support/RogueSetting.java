package dev.nexussecurity.it.support;

import static org.assertj.core.api.Assertions.assertThat;

import dev.nexussecurity.api.AccessDecisionEvent;
import dev.nexussecurity.api.AccessDecisionEvent.Side;
import dev.nexussecurity.api.ReasonCode;
import dev.nexussecurity.testing.NexusSecurityExtension;
import dev.nexussecurity.testing.NexusSecurityTestEnvironment;
import dev.nexussecurity.testing.RogueDispatcher;
import dev.nexussecurity.testing.TestNamespace;
import io.temporal.api.common.v1.Payload;
import io.temporal.client.WorkflowClient;
import io.temporal.client.WorkflowOptions;
import io.temporal.worker.Worker;
import io.temporal.worker.WorkerFactory;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.TimeUnit;

/**
 * The cast of the attack suite, on one {@link NexusSecurityExtension} environment: {@code caller-a}
 * and {@code caller-b} on the allowlist of endpoint {@code probe} (handler-ns/probe-tq), {@code
 * caller-c} trusted (its key is published) but not on the allowlist, whose workers skip the
 * caller-side check so that its calls (and tokens) reach the handler; and the rogue party, a {@link
 * RogueDispatcher}.
 */
public final class RogueSetting {
  public static final String CALLER_A = "caller-a";
  public static final String CALLER_B = "caller-b";
  public static final String OUTSIDER = "caller-c";
  public static final String HANDLER_NS = "handler-ns";
  public static final String HANDLER_TQ = "probe-tq";
  public static final String ENDPOINT = "probe";
  public static final String SERVICE = "ProbeService";

  private final NexusSecurityTestEnvironment env;
  private final RogueDispatcher rogue;

  private RogueSetting(NexusSecurityTestEnvironment env) {
    this.env = env;
    this.rogue = RogueDispatcher.of(env.getTemporal());
  }

  /** The extension every attack class registers (each class gets its own server). */
  public static NexusSecurityExtension extension(boolean timeSkipping) {
    return NexusSecurityExtension.newBuilder()
        .addNamespace(CALLER_A)
        .addNamespace(CALLER_B)
        .addNamespace(OUTSIDER)
        .addNamespace(HANDLER_NS)
        .addEndpoint(ENDPOINT, HANDLER_NS, HANDLER_TQ, CALLER_A, CALLER_B)
        .setTimeSkipping(timeSkipping)
        .build();
  }

  /** Starts the caller workers of every caller namespace; handler processes are started apart. */
  public static RogueSetting start(NexusSecurityTestEnvironment env) {
    RogueSetting setting = new RogueSetting(env);
    for (String caller : List.of(CALLER_A, CALLER_B, OUTSIDER)) {
      TestNamespace ns = env.getNamespace(caller);
      WorkerFactory factory =
          ns.newWorkerFactory(
              ns.newOptionsBuilder().setEnforceOnCaller(!caller.equals(OUTSIDER)).build());
      factory
          .newWorker(callerTaskQueue(caller))
          .registerWorkflowImplementationTypes(
              CallerWorkflows.OneCallImpl.class,
              CallerWorkflows.TimedCallImpl.class,
              CallerWorkflows.SleepThenCallImpl.class,
              CallerWorkflows.CancellingCallerImpl.class);
      factory.start();
    }
    return setting;
  }

  /**
   * Starts one more handler process on handler-ns/probe-tq: a new worker factory with a new
   * NexusSecurity (so fresh in-memory state, such as the replay cache), as a second replica or a
   * restarted process has.
   */
  public WorkerFactory startHandlerProcess() {
    TestNamespace ns = env.getNamespace(HANDLER_NS);
    // Inputs must be bound to the caller's token (the library's default; the extension relaxes it).
    return startHandlerProcess(
        ns.newOptionsBuilder()
            .setHandlerPolicy(
                ns.newOptionsBuilder().build().getHandlerPolicy().toBuilder()
                    .setAllowUnboundInput(false)
                    .build())
            .build());
  }

  /** Starts a handler process with these options (of handler-ns). */
  public WorkerFactory startHandlerProcess(dev.nexussecurity.core.NexusSecurityOptions options) {
    WorkerFactory factory = env.getNamespace(HANDLER_NS).newWorkerFactory(options);
    Worker worker = factory.newWorker(HANDLER_TQ);
    worker.registerNexusServiceImplementation(new ProbeServiceImpl());
    worker.registerWorkflowImplementationTypes(
        HandlerWorkflows.QuickImpl.class, HandlerWorkflows.WaitingImpl.class);
    factory.start();
    return factory;
  }

  /** Stops a handler process and waits until its pollers are gone. */
  public static void stop(WorkerFactory process) {
    process.shutdownNow();
    process.awaitTermination(10, TimeUnit.SECONDS);
  }

  public NexusSecurityTestEnvironment env() {
    return env;
  }

  public RogueDispatcher rogue() {
    return rogue;
  }

  public static String callerTaskQueue(String namespace) {
    return namespace + "-tq";
  }

  /** A unique id with a readable prefix. */
  public static String uniqueId(String prefix) {
    return prefix + "-" + UUID.randomUUID();
  }

  public WorkflowClient client(String namespace) {
    return env.getNamespace(namespace).getWorkflowClient();
  }

  /** A typed stub of a new caller workflow. */
  public <T> T newCaller(String namespace, Class<T> type, String workflowId) {
    return client(namespace)
        .newWorkflowStub(
            type,
            WorkflowOptions.newBuilder()
                .setTaskQueue(callerTaskQueue(namespace))
                .setWorkflowId(workflowId)
                .setWorkflowExecutionTimeout(Duration.ofDays(60))
                .build());
  }

  /** One call of {@code operation} from a new workflow of {@code namespace}; returns its result. */
  public String call(String namespace, String workflowId, String operation, String input) {
    return newCaller(namespace, CallerWorkflows.OneCall.class, workflowId)
        .call(ENDPOINT, operation, input);
  }

  /** What the rogue copies from the history of {@code workflowId}: its first Nexus call. */
  public RogueDispatcher.CopiedCall copy(String namespace, String workflowId) {
    List<RogueDispatcher.CopiedCall> calls = rogue.readNexusCalls(namespace, workflowId);
    assertThat(calls).as("Nexus calls in %s/%s", namespace, workflowId).isNotEmpty();
    return calls.get(0);
  }

  /** {@code value} encoded with {@code namespace}'s converter (encrypted, as in its histories). */
  public Payload encode(String namespace, String value) {
    return env.getNamespace(namespace).getDataConverter().toPayload(value).orElseThrow();
  }

  /** {@code payload} decoded with {@code namespace}'s converter. */
  public String decode(String namespace, Payload payload) {
    return env.getNamespace(namespace)
        .getDataConverter()
        .fromPayload(payload, String.class, String.class);
  }

  /** The handler-side decisions recorded since the test began. */
  public List<AccessDecisionEvent> handlerDecisions() {
    return env.getNamespace(HANDLER_NS).getAccessDecisions().stream()
        .filter(e -> e.getSide() == Side.HANDLER)
        .toList();
  }

  /**
   * Asserts the rogue's request was denied with one of {@code reasons} (names, so that reasons of
   * later versions can be named before they exist) and that no handler code ran for {@code input}
   * beyond the {@code invocationsBefore} it had already.
   */
  public static void assertDeniedBeforeHandlerCode(
      RogueDispatcher.Outcome outcome, String input, int invocationsBefore, String... reasons) {
    assertThat(outcome.isAdmitted()).as("admitted: %s", outcome).isFalse();
    assertThat(HandlerInvocations.count(input) - invocationsBefore)
        .as("handler code that ran for '%s' because of the rogue request", input)
        .isZero();
    assertThat(outcome.getDenialReasonName())
        .as("denial reason (non-retryable, with a reason code) of %s", outcome)
        .hasValueSatisfying(r -> assertThat(r).isIn((Object[]) reasons));
  }

  /**
   * The nexus-security reason name ({@code NexusSecurityDenied.<NAME>}) anywhere in {@code
   * failure}'s cause chain, by name so that reasons of later versions can be read before they
   * exist.
   */
  public static java.util.Optional<String> denialReasonName(Throwable failure) {
    for (Throwable t : DenialAssertions.chain(failure)) {
      if (t instanceof io.temporal.failure.ApplicationFailure af
          && af.getType() != null
          && af.getType().startsWith("NexusSecurityDenied.")) {
        return java.util.Optional.of(af.getType().substring("NexusSecurityDenied.".length()));
      }
    }
    return java.util.Optional.empty();
  }

  /** The names of {@code codes}. */
  public static String[] names(ReasonCode... codes) {
    return Arrays.stream(codes).map(Enum::name).toArray(String[]::new);
  }
}
