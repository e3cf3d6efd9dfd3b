package dev.nexussecurity.it;

import static dev.nexussecurity.it.support.RogueSetting.CALLER_A;
import static dev.nexussecurity.it.support.RogueSetting.ENDPOINT;
import static dev.nexussecurity.it.support.RogueSetting.HANDLER_NS;
import static dev.nexussecurity.it.support.RogueSetting.denialReasonName;
import static dev.nexussecurity.it.support.RogueSetting.uniqueId;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;

import dev.nexussecurity.it.support.CallerWorkflows;
import dev.nexussecurity.it.support.HandlerInvocations;
import dev.nexussecurity.it.support.RogueSetting;
import dev.nexussecurity.testing.NexusSecurityExtension;
import dev.nexussecurity.testing.NexusSecurityTestEnvironment;
import dev.nexussecurity.testing.RogueDispatcher;
import io.grpc.CallOptions;
import io.grpc.Channel;
import io.grpc.ClientCall;
import io.grpc.ClientInterceptor;
import io.grpc.ForwardingClientCall;
import io.grpc.MethodDescriptor;
import io.temporal.api.common.v1.Payload;
import io.temporal.api.common.v1.Payloads;
import io.temporal.api.enums.v1.EventType;
import io.temporal.api.workflowservice.v1.StartWorkflowExecutionRequest;
import io.temporal.client.WorkflowClient;
import io.temporal.client.WorkflowClientOptions;
import io.temporal.client.WorkflowOptions;
import io.temporal.client.WorkflowStub;
import io.temporal.serviceclient.WorkflowServiceStubs;
import io.temporal.serviceclient.WorkflowServiceStubsOptions;
import io.temporal.worker.WorkerFactory;
import io.temporal.workflow.WorkflowInterface;
import io.temporal.workflow.WorkflowMethod;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.parallel.Execution;
import org.junit.jupiter.api.parallel.ExecutionMode;

/**
 * Ciphertexts moved to another context by a party that stores or relays them (a server operator):
 * the input of one Nexus call put into another call of another operation or of the same one, a
 * result put back as an input, and two workflow arguments swapped. Payloads are encrypted under one
 * shared keyset, so only context bound into each ciphertext (and the token) can tell. Each is
 * refused before handler code runs; untouched calls still pass.
 */
@Execution(ExecutionMode.SAME_THREAD)
@Timeout(120)
class PayloadTransplantAttacksTest {
  @RegisterExtension static final NexusSecurityExtension NEXUS = RogueSetting.extension(false);

  /** Short, so that a refusal that were retryable fails the test in seconds, not minutes. */
  private static final long SCHEDULE_TO_CLOSE_MILLIS = 8_000;

  /**
   * Reasons a moved input may be refused with: the token's input binding, or the codec's context
   * check (named by the branch that adds it).
   */
  private static final String[] MOVED_INPUT_REASONS = {
    "INPUT_NOT_BOUND",
    "INPUT_BINDING_MISMATCH",
    "PAYLOAD_BINDING_MISMATCH",
    "PAYLOAD_CONTEXT_MISMATCH"
  };

  private static RogueSetting setting;
  private static RogueDispatcher rogue;
  private static WorkerFactory handler;

  @BeforeAll
  static void start(NexusSecurityTestEnvironment env) {
    setting = RogueSetting.start(env);
    rogue = setting.rogue();
    handler = setting.startHandlerProcess();
    WorkerFactory twoArgs =
        env.getNamespace(CALLER_A)
            .newWorkerFactory(env.getNamespace(CALLER_A).newOptionsBuilder().build());
    twoArgs.newWorker(TWO_ARGS_TQ).registerWorkflowImplementationTypes(TwoArgsImpl.class);
    twoArgs.start();
  }

  @AfterAll
  static void stop() {
    RogueSetting.stop(handler);
  }

  /** Calls {@code operation} from a new caller-a workflow; returns its workflow id. */
  private static String completedCall(String operation, String input) {
    String workflowId = uniqueId("donor");
    setting.call(CALLER_A, workflowId, operation, input);
    return workflowId;
  }

  /**
   * Calls echo with {@code input} while the server swaps its input for {@code moved} in every
   * delivery of the request (retries included).
   */
  private static Throwable echoWithInputReplacedBy(String input, Payload moved) {
    AutoCloseable relay =
        rogue.rewriteRequests(
            ENDPOINT,
            request ->
                request.toBuilder()
                    .setStartOperation(request.getStartOperation().toBuilder().setPayload(moved))
                    .build());
    try {
      return catchThrowable(
          () ->
              setting
                  .newCaller(CALLER_A, CallerWorkflows.TimedCall.class, uniqueId("victim"))
                  .call(ENDPOINT, "echo", input, SCHEDULE_TO_CLOSE_MILLIS));
    } finally {
      try {
        relay.close();
      } catch (Exception e) {
        throw new IllegalStateException(e);
      }
    }
  }

  private static void assertRefused(Throwable failure, String movedInput, int echoesBefore) {
    assertThat(failure).as("the call with the moved input completed").isNotNull();
    assertThat(HandlerInvocations.of(movedInput).stream().filter("echo"::equals).count())
        .as("echo ran with the moved input")
        .isEqualTo(echoesBefore);
    assertThat(denialReasonName(failure))
        .as("denial reason (a non-retryable refusal, not a timeout) of %s", chainMessages(failure))
        .hasValueSatisfying(r -> assertThat(r).isIn((Object[]) MOVED_INPUT_REASONS));
  }

  private static String chainMessages(Throwable failure) {
    StringBuilder b = new StringBuilder();
    for (Throwable t : dev.nexussecurity.it.support.DenialAssertions.chain(failure)) {
      b.append(" <- ").append(t.getClass().getSimpleName()).append(": ").append(t.getMessage());
    }
    return b.toString();
  }

  @Test
  void inputOfAnotherOperation_movedIntoAnEchoCall_isRefusedBeforeHandlerCode() {
    String donorInput = uniqueId("echo-again-input");
    String donor = completedCall("echoAgain", donorInput);
    Payload moved = setting.copy(CALLER_A, donor).getInput().orElseThrow();

    Throwable failure = echoWithInputReplacedBy(uniqueId("victim-input"), moved);

    assertRefused(failure, donorInput, 0);
  }

  @Test
  void inputOfAnotherCallOfTheSameOperation_isRefusedBeforeHandlerCode() {
    String donorInput = uniqueId("earlier-echo-input");
    String donor = completedCall("echo", donorInput);
    Payload moved = setting.copy(CALLER_A, donor).getInput().orElseThrow();

    Throwable failure = echoWithInputReplacedBy(uniqueId("victim-input"), moved);

    assertRefused(failure, donorInput, 1);
  }

  @Test
  void resultOfACall_movedIntoTheInputDirection_isRefusedBeforeHandlerCode() {
    String donorInput = uniqueId("result-donor");
    String donor = completedCall("echo", donorInput);
    Payload result = setting.copy(CALLER_A, donor).getResult().orElseThrow();
    String resultText = "echo " + donorInput + " from " + HANDLER_NS;
    assertThat(setting.decode(CALLER_A, result)).isEqualTo(resultText);

    Throwable failure = echoWithInputReplacedBy(uniqueId("victim-input"), result);

    assertRefused(failure, resultText, 0);
  }

  @Test
  void allowed_aRelayThatChangesNothing_stillPasses() {
    rogue.rewriteNextRequest(ENDPOINT, request -> request);
    String input = uniqueId("untouched");

    String result =
        setting
            .newCaller(CALLER_A, CallerWorkflows.TimedCall.class, uniqueId("wf"))
            .call(ENDPOINT, "echo", input, SCHEDULE_TO_CLOSE_MILLIS);

    assertThat(result).isEqualTo("echo " + input + " from " + HANDLER_NS);
  }

  // Swapped workflow arguments ------------------------------------------------------------------

  static final String TWO_ARGS_TQ = "two-args-tq";
  static final Map<String, String> SEEN = new ConcurrentHashMap<>();

  /** A workflow of two arguments that records what it was given. */
  @WorkflowInterface
  public interface TwoArgs {
    @WorkflowMethod
    String run(String from, String to);
  }

  /** Implementation of {@link TwoArgs}. */
  public static final class TwoArgsImpl implements TwoArgs {
    @Override
    public String run(String from, String to) {
      SEEN.put(io.temporal.workflow.Workflow.getInfo().getWorkflowId(), from + "->" + to);
      return from + "->" + to;
    }
  }

  /** Swaps the first two input payloads of every StartWorkflowExecution it relays. */
  static final class SwappingRelay implements ClientInterceptor {
    @Override
    public <Q, R> ClientCall<Q, R> interceptCall(
        MethodDescriptor<Q, R> method, CallOptions options, Channel next) {
      return new ForwardingClientCall.SimpleForwardingClientCall<>(next.newCall(method, options)) {
        @Override
        @SuppressWarnings("unchecked")
        public void sendMessage(Q message) {
          if (message instanceof StartWorkflowExecutionRequest start
              && start.getInput().getPayloadsCount() == 2) {
            List<Payload> p = start.getInput().getPayloadsList();
            message =
                (Q)
                    start.toBuilder()
                        .setInput(Payloads.newBuilder().addPayloads(p.get(1)).addPayloads(p.get(0)))
                        .build();
          }
          super.sendMessage(message);
        }
      };
    }
  }

  @Test
  void swappedWorkflowArguments_areRefusedBeforeWorkflowCode() throws Exception {
    NexusSecurityTestEnvironment env = setting.env();
    WorkflowServiceStubs relayed =
        WorkflowServiceStubs.newServiceStubs(
            WorkflowServiceStubsOptions.newBuilder()
                .setChannel(env.getTemporal().getWorkflowServiceStubs().getRawChannel())
                .setGrpcClientInterceptors(List.of(new SwappingRelay()))
                .validateAndBuildWithDefaults());
    try {
      WorkflowClient client =
          WorkflowClient.newInstance(
              relayed,
              WorkflowClientOptions.newBuilder()
                  .setNamespace(CALLER_A)
                  .setDataConverter(env.getNamespace(CALLER_A).getDataConverter())
                  .build());
      String workflowId = uniqueId("two-args");
      WorkflowStub stub =
          client.newUntypedWorkflowStub(
              "TwoArgs",
              WorkflowOptions.newBuilder()
                  .setTaskQueue(TWO_ARGS_TQ)
                  .setWorkflowId(workflowId)
                  .setWorkflowRunTimeout(Duration.ofSeconds(30))
                  .build());
      stub.start("alice", "bob");

      // Decoding the swapped arguments must fail: the workflow task fails and is retried, and the
      // workflow code never sees "bob->alice".
      awaitWorkflowTaskFailedOrRan(client, workflowId);
      assertThat(SEEN.get(workflowId)).as("what the workflow code was given").isNull();
      client.newUntypedWorkflowStub(workflowId).terminate("test over");
    } finally {
      relayed.shutdownNow();
    }
  }

  private static void awaitWorkflowTaskFailedOrRan(WorkflowClient client, String workflowId) {
    dev.nexussecurity.it.support.SecurityTestBed.awaitCondition(
        "the swapped workflow task failed or the workflow ran",
        () ->
            SEEN.containsKey(workflowId)
                || client.fetchHistory(workflowId).getEvents().stream()
                    .anyMatch(e -> e.getEventType() == EventType.EVENT_TYPE_WORKFLOW_TASK_FAILED));
  }
}
