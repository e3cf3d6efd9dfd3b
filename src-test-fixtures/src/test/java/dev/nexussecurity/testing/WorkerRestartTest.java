package dev.nexussecurity.testing;

import static org.assertj.core.api.Assertions.assertThat;

import dev.nexussecurity.testing.support.RaceWorkflow;
import io.temporal.api.enums.v1.EventType;
import io.temporal.api.enums.v1.WorkflowTaskFailedCause;
import io.temporal.api.history.v1.HistoryEvent;
import io.temporal.client.WorkflowClient;
import io.temporal.client.WorkflowOptions;
import io.temporal.client.WorkflowStub;
import io.temporal.worker.WorkerFactory;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * A workflow whose worker stops (as a deployment restarts its workers: {@code shutdown()} or {@code
 * shutdownNow()}, then {@code awaitTermination}) goes on on the worker that replaces it. The worker
 * keeps workflows on its sticky queue; the embedded server must hand the next task back to the
 * normal queue when the worker announces its shutdown, as a real server does.
 */
class WorkerRestartTest {
  private static final String TASK_QUEUE = "restart-tq";

  @ParameterizedTest
  @ValueSource(booleans = {false, true})
  void workflowTask_scheduledAfterItsStickyWorkerStopped_runsOnTheNewWorker(boolean now)
      throws Exception {
    try (EmbeddedTemporal temporal = EmbeddedTemporal.newBuilder().start()) {
      WorkflowClient client = temporal.newWorkflowClient("restart-ns");
      WorkerFactory first = startWorker(temporal, client);
      String id = "restart-" + UUID.randomUUID();
      RaceWorkflow workflow =
          client.newWorkflowStub(
              RaceWorkflow.class,
              WorkflowOptions.newBuilder().setTaskQueue(TASK_QUEUE).setWorkflowId(id).build());
      WorkflowClient.start(workflow::run, id, RaceWorkflow.UNTIL_FINISHED);
      awaitFirstWorkflowTaskCompleted(client, id);

      if (now) {
        first.shutdownNow();
      } else {
        first.shutdown();
      }
      first.awaitTermination(30, TimeUnit.SECONDS);
      startWorker(temporal, client);
      client.newWorkflowStub(RaceWorkflow.class, id).finish();

      WorkflowStub stub = client.newUntypedWorkflowStub(id);
      String result;
      try {
        result = stub.getResult(20, TimeUnit.SECONDS, String.class);
      } catch (TimeoutException e) {
        throw new AssertionError("workflow stuck; last events " + lastEvents(client, id), e);
      }
      assertThat(result).isEqualTo("done " + id);
      // the task that waited on the stopped worker's sticky queue was handed back, visibly
      assertThat(client.fetchHistory(id).getEvents())
          .filteredOn(e -> e.getEventType() == EventType.EVENT_TYPE_WORKFLOW_TASK_FAILED)
          .singleElement()
          .satisfies(
              e ->
                  assertThat(e.getWorkflowTaskFailedEventAttributes().getCause())
                      .isEqualTo(
                          WorkflowTaskFailedCause
                              .WORKFLOW_TASK_FAILED_CAUSE_RESET_STICKY_TASK_QUEUE));
    }
  }

  private static WorkerFactory startWorker(EmbeddedTemporal temporal, WorkflowClient client) {
    WorkerFactory factory = temporal.newWorkerFactory(client);
    factory.newWorker(TASK_QUEUE).registerWorkflowImplementationTypes(RaceWorkflow.Impl.class);
    factory.start();
    return factory;
  }

  private static void awaitFirstWorkflowTaskCompleted(WorkflowClient client, String id)
      throws InterruptedException {
    for (int i = 0; i < 500; i++) {
      for (HistoryEvent e : client.fetchHistory(id).getEvents()) {
        if (e.getEventType() == EventType.EVENT_TYPE_WORKFLOW_TASK_COMPLETED) {
          return;
        }
      }
      Thread.sleep(20);
    }
    throw new AssertionError("first workflow task never completed");
  }

  private static List<String> lastEvents(WorkflowClient client, String id) {
    return client.fetchHistory(id).getEvents().stream()
        .map(e -> e.getEventId() + ":" + e.getEventType())
        .toList();
  }
}
