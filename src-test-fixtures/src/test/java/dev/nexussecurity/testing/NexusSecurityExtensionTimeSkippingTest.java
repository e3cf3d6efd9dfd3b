package dev.nexussecurity.testing;

import static org.assertj.core.api.Assertions.assertThat;

import dev.nexussecurity.api.AccessDecisionEvent;
import dev.nexussecurity.api.ReasonCode;
import dev.nexussecurity.testing.support.CallerWorkflow;
import dev.nexussecurity.testing.support.GreetingServiceImpl;
import dev.nexussecurity.testing.support.GreetingWorkflow;
import dev.nexussecurity.testing.support.HandlerInvocations;
import io.temporal.client.WorkflowClient;
import io.temporal.client.WorkflowOptions;
import io.temporal.worker.Worker;
import io.temporal.worker.WorkerFactory;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Under time skipping, across namespaces, with nothing but the extension: callers stamp tokens with
 * skipped workflow time and handlers check them against the server's time.
 */
@Timeout(60)
class NexusSecurityExtensionTimeSkippingTest {
  @RegisterExtension
  static final NexusSecurityExtension NEXUS =
      NexusSecurityExtension.newBuilder()
          .addNamespace("orders-ns")
          .addNamespace("payments-ns")
          .addEndpoint("payments", "payments-ns", "payments-tq", "orders-ns")
          .setTimeSkipping(true)
          .build();

  static final HandlerInvocations HANDLED = new HandlerInvocations();

  @BeforeAll
  static void startWorkers(
      @Namespace("payments-ns") WorkerFactory payments,
      @Namespace("orders-ns") WorkerFactory orders) {
    Worker handler = payments.newWorker("payments-tq");
    handler.registerNexusServiceImplementation(new GreetingServiceImpl(HANDLED));
    handler.registerWorkflowImplementationTypes(GreetingWorkflow.Impl.class);
    orders.newWorker("caller-tq").registerWorkflowImplementationTypes(CallerWorkflow.Impl.class);
    payments.start();
    orders.start();
  }

  private static String call(WorkflowClient client, String operation, String argument) {
    return client
        .newWorkflowStub(
            CallerWorkflow.class, WorkflowOptions.newBuilder().setTaskQueue("caller-tq").build())
        .call("payments", operation, argument);
  }

  @Test
  void callAfterTwoHoursOfSkippedSleep_succeeds(
      @Namespace("orders-ns") WorkflowClient orders,
      @Namespace("payments-ns") TestNamespace payments) {
    assertThat(call(orders, "afterPT2H:hello", "ada")).isEqualTo("hello ada from payments-ns");
    assertThat(payments.getAccessDecisions())
        .extracting(AccessDecisionEvent::getReason)
        .containsOnly(ReasonCode.ALLOWED);
  }

  @Test
  void callAfterThirtyDaysOfSkippedSleep_succeeds_syncAndWorkflowRun(
      @Namespace("orders-ns") WorkflowClient orders) {
    assertThat(call(orders, "afterP30D:hello", "bob")).isEqualTo("hello bob from payments-ns");
    assertThat(call(orders, "afterP30D:helloWorkflow", "cy"))
        .isEqualTo("workflow hello cy in payments-ns");
  }
}
