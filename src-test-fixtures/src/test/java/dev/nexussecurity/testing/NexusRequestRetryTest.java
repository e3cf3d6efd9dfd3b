package dev.nexussecurity.testing;

import static org.assertj.core.api.Assertions.assertThat;

import dev.nexussecurity.testing.support.StallingService;
import io.temporal.client.WorkflowClient;
import io.temporal.client.WorkflowOptions;
import io.temporal.client.WorkflowStub;
import io.temporal.worker.WorkerFactory;
import java.util.UUID;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.junit.jupiter.api.Test;

/**
 * A Nexus start request whose retry is taken by a handler that never answers (a handler process
 * killed mid-request) is retried again after its request timeout, as on a real server; the stock
 * test server times out only the first attempt, so such an operation waited for its
 * schedule-to-close timeout.
 */
class NexusRequestRetryTest {
  @Test
  void startRequest_whoseRetryIsNeverAnswered_isRetriedAgainAfterItsRequestTimeout()
      throws Exception {
    StallingService.Impl.release = new CountDownLatch(1);
    try (EmbeddedTemporal temporal = EmbeddedTemporal.newBuilder().start()) {
      try {
        run(temporal);
      } finally {
        StallingService.Impl.release.countDown(); // before the workers shut down
      }
    }
  }

  private static void run(EmbeddedTemporal temporal) throws Exception {
    {
      temporal.createNexusEndpoint("stalling", "stall-handler-ns", "stall-tq");
      WorkerFactory handler =
          temporal.newWorkerFactory(temporal.newWorkflowClient("stall-handler-ns"));
      handler.newWorker("stall-tq").registerNexusServiceImplementation(new StallingService.Impl());
      handler.start();
      WorkflowClient caller = temporal.newWorkflowClient("stall-caller-ns");
      WorkerFactory callerWorkers = temporal.newWorkerFactory(caller);
      callerWorkers
          .newWorker("stall-caller-tq")
          .registerWorkflowImplementationTypes(StallingService.Caller.Impl.class);
      callerWorkers.start();

      String input = "x-" + UUID.randomUUID();
      WorkflowStub stub =
          caller.newUntypedWorkflowStub(
              "Caller",
              WorkflowOptions.newBuilder()
                  .setTaskQueue("stall-caller-tq")
                  .setWorkflowId("stall-" + input)
                  .build());
      stub.start("stalling", input);
      String result;
      try {
        // attempt 2's request timeout is 10 s; a retry follows within seconds
        result = stub.getResult(35, TimeUnit.SECONDS, String.class);
      } catch (TimeoutException e) {
        throw new AssertionError(
            "the operation waits for its schedule-to-close timeout; attempts: "
                + StallingService.Impl.ATTEMPTS.get(input),
            e);
      }
      assertThat(result).isEqualTo("ok " + input + " at attempt 3");
    }
  }
}
