package dev.nexussecurity.testing;

import static dev.nexussecurity.testing.NexusSecurityAssertions.assertAllPayloadsEncrypted;
import static dev.nexussecurity.testing.NexusSecurityAssertions.assertCompatible;
import static dev.nexussecurity.testing.NexusSecurityAssertions.assertDenied;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.catchThrowable;
import static org.assertj.core.groups.Tuple.tuple;

import dev.nexussecurity.api.AccessDecisionEvent;
import dev.nexussecurity.api.AccessDecisionEvent.Side;
import dev.nexussecurity.api.ReasonCode;
import dev.nexussecurity.testing.support.CallerWorkflow;
import dev.nexussecurity.testing.support.GreetingServiceImpl;
import dev.nexussecurity.testing.support.GreetingWorkflow;
import dev.nexussecurity.testing.support.HandlerInvocations;
import io.temporal.client.WorkflowClient;
import io.temporal.client.WorkflowOptions;
import io.temporal.common.converter.DataConverter;
import io.temporal.worker.Worker;
import io.temporal.worker.WorkerFactory;
import java.time.Duration;
import java.util.UUID;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.opentest4j.AssertionFailedError;

/**
 * The extension used as a user would: orders-ns may call the endpoint "payments" of payments-ns;
 * billing-ns is declared (and trusted) but not on the allowlist; legacy-ns has no payload codec.
 */
@Timeout(60)
class NexusSecurityExtensionTest {
  // README-EXAMPLE-START extension
  @RegisterExtension
  static final NexusSecurityExtension NEXUS =
      NexusSecurityExtension.newBuilder()
          .addNamespace("orders-ns")
          .addNamespace("billing-ns")
          .addNamespace("payments-ns")
          .addNamespace("legacy-ns", PayloadEncryption.none())
          .addEndpoint("payments", "payments-ns", "payments-tq", "orders-ns")
          .build();

  static final HandlerInvocations HANDLED = new HandlerInvocations();

  @BeforeAll
  static void startWorkers(
      @Namespace("payments-ns") WorkerFactory payments,
      @Namespace("orders-ns") WorkerFactory orders,
      @Namespace("billing-ns") WorkerFactory billing) {
    Worker handler = payments.newWorker("payments-tq");
    handler.registerNexusServiceImplementation(new GreetingServiceImpl(HANDLED));
    handler.registerWorkflowImplementationTypes(GreetingWorkflow.Impl.class);
    orders.newWorker("caller-tq").registerWorkflowImplementationTypes(CallerWorkflow.Impl.class);
    billing.newWorker("caller-tq").registerWorkflowImplementationTypes(CallerWorkflow.Impl.class);
    payments.start();
    orders.start();
    billing.start();
  }

  @Test
  void allowedCaller_syncAndWorkflowRunOperations_succeed(
      @Namespace("orders-ns") WorkflowClient orders, NexusSecurityTestEnvironment env) {
    assertThat(call(orders, "hello", "ada")).isEqualTo("hello ada from payments-ns");
    assertThat(call(orders, "helloWorkflow", "bob")).isEqualTo("workflow hello bob in payments-ns");

    // each call: 3 workflow inputs, the Nexus input and result, the workflow result
    assertThat(assertAllPayloadsEncrypted(env.getNamespace("orders-ns")))
        .isGreaterThanOrEqualTo(12);
    assertAllPayloadsEncrypted(env.getNamespace("payments-ns"));
  }

  @Test
  void callerNotOnAllowlist_isDeniedByItsOwnWorker(
      @Namespace("billing-ns") WorkflowClient billing) {
    Throwable failure = catchThrowable(() -> call(billing, "hello", "eve"));

    assertDenied(failure, ReasonCode.CALLER_NOT_ALLOWED, Side.CALLER);
  }

  // README-EXAMPLE-END extension

  @Test
  void allowedCall_isAuditedOnBothSides_withTheSameToken(NexusSecurityTestEnvironment env) {
    String name = unique("audited");
    call(env.getNamespace("orders-ns").getWorkflowClient(), "hello", name);

    assertThat(env.getNamespace("orders-ns").getAccessDecisions())
        .extracting(
            AccessDecisionEvent::getSide,
            AccessDecisionEvent::getReason,
            AccessDecisionEvent::getEndpoint)
        .containsExactly(tuple(Side.CALLER, ReasonCode.ALLOWED, "payments"));
    assertThat(env.getNamespace("payments-ns").getAccessDecisions())
        .extracting(
            AccessDecisionEvent::getSide,
            AccessDecisionEvent::getReason,
            AccessDecisionEvent::getCallerNamespace)
        .containsExactly(tuple(Side.HANDLER, ReasonCode.ALLOWED, "orders-ns"));
    assertThat(env.getNamespace("payments-ns").getAccessDecisions().get(0).getTokenId())
        .isEqualTo(env.getNamespace("orders-ns").getAccessDecisions().get(0).getTokenId());
    assertThat(HANDLED.forArgument(name)).hasSize(1);
  }

  @Test
  void rogueCallerSkippingItsOwnCheck_isDeniedByTheHandler_beforeHandlerCodeRuns(
      @Namespace("billing-ns") TestNamespace billing, NexusSecurityTestEnvironment env) {
    // README-EXAMPLE-START rogue
    // a caller that skips its own allowlist check: only the handler can stop it
    WorkerFactory rogue =
        billing.newWorkerFactory(billing.newOptionsBuilder().setEnforceOnCaller(false).build());
    // README-EXAMPLE-END rogue
    rogue.newWorker("rogue-tq").registerWorkflowImplementationTypes(CallerWorkflow.Impl.class);
    rogue.start();
    String name = unique("rogue");

    Throwable failure =
        catchThrowable(() -> call(billing.getWorkflowClient(), "rogue-tq", "hello", name));

    assertDenied(failure, ReasonCode.CALLER_NOT_ALLOWED, Side.HANDLER);
    assertThat(HANDLED.forArgument(name)).as("handler code never ran").isEmpty();
    assertThat(env.getNamespace("payments-ns").getAccessDecisions())
        .extracting(AccessDecisionEvent::getReason, AccessDecisionEvent::getCallerNamespace)
        .containsExactly(tuple(ReasonCode.CALLER_NOT_ALLOWED, "billing-ns"));
  }

  @Test
  void allowlistChangedDuringATest_appliesToTheNextCall(
      @Namespace("orders-ns") WorkflowClient orders, NexusSecurityTestEnvironment env) {
    env.setAllowedCallers("payments");
    try {
      assertDenied(
          catchThrowable(() -> call(orders, "hello", "while-removed")),
          ReasonCode.CALLER_NOT_ALLOWED,
          Side.CALLER);
    } finally {
      env.setAllowedCallers("payments", "orders-ns");
    }
    assertThat(call(orders, "hello", "re-added")).isEqualTo("hello re-added from payments-ns");
    assertThat(env.getRegistry().findEndpoint("payments").orElseThrow().getVersion()).isEqualTo(3);
    // the denied call left nexus-security's version marker, which the SDK never encodes
    assertAllPayloadsEncrypted(env.getNamespace("orders-ns"));
  }

  @Test
  void callerWhoseKeyTheHandlerLacks_isDeniedAtOnce_withKeyUnavailable(
      NexusSecurityTestEnvironment env) {
    // README-EXAMPLE-START stale
    // a caller that encrypts with a key the handler lacks (promoted before it was rolled out)
    TestNamespace orders = env.getNamespace("orders-ns");
    DataConverter stale = TestConverters.withKeyTheHandlerLacks(env.getNamespace("payments-ns"));
    WorkflowClient staleClient = orders.newWorkflowClient(stale);
    WorkerFactory staleWorkers =
        orders.newWorkerFactory(
            staleClient, orders.newOptionsBuilder().setDataConverter(stale).build());
    // README-EXAMPLE-END stale
    staleWorkers
        .newWorker("stale-tq")
        .registerWorkflowImplementationTypes(CallerWorkflow.Impl.class);
    staleWorkers.start();
    String name = unique("stale");

    Throwable failure = catchThrowable(() -> call(staleClient, "stale-tq", "hello", name));

    assertDenied(failure, ReasonCode.ENCRYPTION_KEY_UNAVAILABLE, Side.HANDLER);
    assertThat(HANDLED.forArgument(name)).isEmpty();
  }

  @Test
  void namespaceWithoutCodec_failsTheEncryptedHistoryAssertion_namingTheEventButNotTheData(
      @Namespace("legacy-ns") WorkerFactory legacyWorkers,
      @Namespace("legacy-ns") TestNamespace legacy) {
    legacyWorkers
        .newWorker("legacy-tq")
        .registerWorkflowImplementationTypes(GreetingWorkflow.Impl.class);
    legacyWorkers.start();
    String secret = unique("card-4111");
    String result =
        legacy
            .getWorkflowClient()
            .newWorkflowStub(
                GreetingWorkflow.class,
                WorkflowOptions.newBuilder()
                    .setTaskQueue("legacy-tq")
                    .setWorkflowId(unique("legacy"))
                    .build())
            .greet(secret);
    assertThat(result).isEqualTo("workflow hello " + secret + " in legacy-ns");

    assertThatThrownBy(() -> assertAllPayloadsEncrypted(legacy))
        .isInstanceOf(AssertionFailedError.class)
        .hasMessageContaining(
            "namespace 'legacy-ns': 2 of 2 payloads in 1 workflow histories are not encrypted")
        .hasMessageContaining("event 1 EVENT_TYPE_WORKFLOW_EXECUTION_STARTED")
        .hasMessageContaining("field workflow_execution_started_event_attributes.input.payloads[0]")
        .hasMessageContaining("encoding 'json/plain'")
        .message()
        .doesNotContain(secret);
  }

  @Test
  void compatibilityAssertion_passesForSharedKeyset_andFailsForAMismatch(
      NexusSecurityTestEnvironment env) {
    TestNamespace orders = env.getNamespace("orders-ns");
    TestNamespace payments = env.getNamespace("payments-ns");

    assertThat(assertCompatible(orders, payments).isCompatible()).isTrue();
    assertThatThrownBy(
            () ->
                assertCompatible(
                    TestConverters.withKeyTheHandlerLacks(payments), payments.getDataConverter()))
        .isInstanceOf(AssertionFailedError.class)
        .hasMessageStartingWith(
            "expected the caller's and the handler's converters to be compatible")
        .hasMessageContaining("Caller and handler converters are NOT compatible")
        .hasMessageContaining("KEY_UNAVAILABLE");
    assertThatThrownBy(() -> assertCompatible(env.getNamespace("legacy-ns"), payments))
        .isInstanceOf(AssertionFailedError.class)
        .hasMessageContaining("CODEC_MISSING");
  }

  // ---------------------------------------------------------------------------------------------

  static String call(WorkflowClient client, String operation, String name) {
    return call(client, "caller-tq", operation, name);
  }

  static String call(WorkflowClient client, String taskQueue, String operation, String name) {
    return client
        .newWorkflowStub(
            CallerWorkflow.class,
            WorkflowOptions.newBuilder()
                .setTaskQueue(taskQueue)
                .setWorkflowId(unique("caller"))
                .setWorkflowExecutionTimeout(Duration.ofSeconds(50))
                .build())
        .call("payments", operation, name);
  }

  static String unique(String prefix) {
    return prefix + "-" + UUID.randomUUID();
  }
}
