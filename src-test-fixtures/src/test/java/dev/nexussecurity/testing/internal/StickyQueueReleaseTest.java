package dev.nexussecurity.testing.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.google.protobuf.ByteString;
import io.temporal.api.common.v1.WorkflowExecution;
import io.temporal.api.enums.v1.TaskQueueKind;
import io.temporal.api.enums.v1.WorkflowExecutionStatus;
import io.temporal.api.enums.v1.WorkflowTaskFailedCause;
import io.temporal.api.taskqueue.v1.StickyExecutionAttributes;
import io.temporal.api.taskqueue.v1.TaskQueue;
import io.temporal.api.workflow.v1.WorkflowExecutionInfo;
import io.temporal.api.workflowservice.v1.DescribeWorkflowExecutionResponse;
import io.temporal.api.workflowservice.v1.PollWorkflowTaskQueueRequest;
import io.temporal.api.workflowservice.v1.PollWorkflowTaskQueueResponse;
import io.temporal.api.workflowservice.v1.RespondQueryTaskCompletedResponse;
import io.temporal.api.workflowservice.v1.RespondWorkflowTaskCompletedRequest;
import io.temporal.api.workflowservice.v1.RespondWorkflowTaskFailedRequest;
import io.temporal.api.workflowservice.v1.RespondWorkflowTaskFailedResponse;
import io.temporal.api.workflowservice.v1.ShutdownWorkerRequest;
import java.io.ByteArrayOutputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.Executors;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class StickyQueueReleaseTest {
  private static final String NS = "ns";
  private static final TaskQueueKey STICKY = new TaskQueueKey(NS, "sticky-1");

  private final ScheduledExecutorService deadlines = Executors.newSingleThreadScheduledExecutor();
  private final BlockingQueue<PollWorkflowTaskQueueResponse> stickyTasks =
      new LinkedBlockingQueue<>();
  private final List<PollWorkflowTaskQueueRequest> polls = new CopyOnWriteArrayList<>();
  private final List<RespondWorkflowTaskFailedRequest> failed = new CopyOnWriteArrayList<>();
  private final AtomicReference<WorkflowExecutionStatus> status =
      new AtomicReference<>(WorkflowExecutionStatus.WORKFLOW_EXECUTION_STATUS_RUNNING);
  private final StickyQueueRelease release =
      new StickyQueueRelease(
          new StickyQueueRelease.Calls(
              (request, observer) -> {
                polls.add(request);
                PollWorkflowTaskQueueResponse task = null;
                try {
                  task = stickyTasks.poll(50, TimeUnit.MILLISECONDS);
                } catch (InterruptedException e) {
                  Thread.currentThread().interrupt();
                }
                observer.onNext(
                    task == null ? PollWorkflowTaskQueueResponse.getDefaultInstance() : task);
                observer.onCompleted();
              },
              (request, observer) -> {
                failed.add(request);
                observer.onNext(RespondWorkflowTaskFailedResponse.getDefaultInstance());
                observer.onCompleted();
              },
              (request, observer) -> {
                observer.onNext(RespondQueryTaskCompletedResponse.getDefaultInstance());
                observer.onCompleted();
              },
              (request, observer) -> {
                observer.onNext(
                    DescribeWorkflowExecutionResponse.newBuilder()
                        .setWorkflowExecutionInfo(
                            WorkflowExecutionInfo.newBuilder().setStatus(status.get()))
                        .build());
                observer.onCompleted();
              }),
          Duration.ofMillis(200),
          deadlines);

  @AfterEach
  void close() {
    release.close();
    deadlines.shutdownNow();
  }

  @Test
  void onCompletion_withStickyAttributes_bindsTheExecutionToThatQueue() throws IOException {
    RespondWorkflowTaskCompletedRequest request = completion("wf-1", "sticky-1");

    assertThat(release.onCompletion(request)).isSameAs(request);
    assertThat(release.isBound(STICKY)).isTrue();

    release.onCompletion(completion("wf-1", null));
    assertThat(release.isBound(STICKY)).isFalse();
  }

  @Test
  void onCompletion_namingAStoppedStickyQueue_losesItsStickyAttributes() throws IOException {
    release.onShutdownWorker(shutdown("sticky-1"));

    RespondWorkflowTaskCompletedRequest stripped =
        release.onCompletion(completion("wf-1", "sticky-1"));

    assertThat(stripped.hasStickyAttributes()).isFalse();
    assertThat(stripped.getTaskToken()).isEqualTo(token("wf-1"));
    assertThat(release.isBound(STICKY)).isFalse();
    // another worker's queue keeps its stickiness
    assertThat(release.onCompletion(completion("wf-2", "sticky-2")).hasStickyAttributes()).isTrue();
  }

  @Test
  void onShutdownWorker_failsEachTaskOfTheStoppedQueue_withResetStickyCause() throws Exception {
    release.onCompletion(completion("wf-1", "sticky-1"));
    stickyTasks.add(task("wf-1"));

    release.onShutdownWorker(shutdown("sticky-1"));

    awaitUntil(() -> !failed.isEmpty());
    RespondWorkflowTaskFailedRequest fail = failed.get(0);
    assertThat(fail.getTaskToken()).isEqualTo(token("wf-1"));
    assertThat(fail.getNamespace()).isEqualTo(NS);
    assertThat(fail.getIdentity()).isEqualTo(StickyQueueRelease.IDENTITY);
    assertThat(fail.getCause())
        .isEqualTo(WorkflowTaskFailedCause.WORKFLOW_TASK_FAILED_CAUSE_RESET_STICKY_TASK_QUEUE);
    assertThat(fail.getFailure().getMessage()).contains("ns/sticky-1").contains("normal queue");
    assertThat(release.releasedTasks()).isEqualTo(1);
    assertThat(release.isBound(STICKY)).isFalse();
    PollWorkflowTaskQueueRequest poll = polls.get(0);
    assertThat(poll.getTaskQueue().getName()).isEqualTo("sticky-1");
    assertThat(poll.getTaskQueue().getKind()).isEqualTo(TaskQueueKind.TASK_QUEUE_KIND_STICKY);
    assertThat(poll.getTaskQueue().getNormalName()).isEqualTo("normal");
  }

  @Test
  void drain_keepsPollingWhileAnOpenExecutionIsBound_andStopsWhenItCloses() throws Exception {
    release.onCompletion(completion("wf-1", "sticky-1"));
    release.onCompletion(completion("wf-2", "sticky-1"));
    release.onShutdownWorker(shutdown("sticky-1"));
    awaitUntil(() -> polls.size() >= 3);
    assertThat(failed).isEmpty();

    // a task that lands later (the operation the workflow waited for completed) is still released
    stickyTasks.add(task("wf-1"));
    awaitUntil(() -> failed.size() == 1);
    assertThat(release.isBound(STICKY)).isTrue(); // wf-2 is still bound
    int pollsBefore = polls.size();
    awaitUntil(() -> polls.size() > pollsBefore + 2);

    status.set(WorkflowExecutionStatus.WORKFLOW_EXECUTION_STATUS_COMPLETED); // wf-2 ends
    awaitUntil(() -> !release.isBound(STICKY));
    int pollsWhenUnbound = polls.size();
    Thread.sleep(600);
    assertThat(polls.size()).isLessThanOrEqualTo(pollsWhenUnbound + 1);
    assertThat(failed).hasSize(1);
  }

  @Test
  void onShutdownWorker_withoutAStickyQueue_pollsNothing() throws Exception {
    release.onShutdownWorker(ShutdownWorkerRequest.newBuilder().setNamespace(NS).build());
    Thread.sleep(300);
    assertThat(polls).isEmpty();
  }

  @Test
  void newRelease_withNonPositivePollSlice_isRejectedNamingTheValue() {
    StickyQueueRelease.Calls calls =
        new StickyQueueRelease.Calls((q, o) -> {}, (q, o) -> {}, (q, o) -> {}, (q, o) -> {});
    assertThatThrownBy(() -> new StickyQueueRelease(calls, Duration.ZERO, deadlines))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("pollSlice")
        .hasMessageContaining("PT0S");
  }

  private static void awaitUntil(java.util.function.BooleanSupplier condition)
      throws InterruptedException {
    long giveUp = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
    while (!condition.getAsBoolean()) {
      if (System.nanoTime() > giveUp) {
        throw new AssertionError("condition not met in 10 s");
      }
      Thread.sleep(10);
    }
  }

  private static ShutdownWorkerRequest shutdown(String stickyQueue) {
    return ShutdownWorkerRequest.newBuilder()
        .setNamespace(NS)
        .setTaskQueue("normal")
        .setStickyTaskQueue(stickyQueue)
        .build();
  }

  private static RespondWorkflowTaskCompletedRequest completion(
      String workflowId, String stickyQueue) throws IOException {
    RespondWorkflowTaskCompletedRequest.Builder b =
        RespondWorkflowTaskCompletedRequest.newBuilder()
            .setNamespace(NS)
            .setTaskToken(token(workflowId));
    if (stickyQueue != null) {
      b.setStickyAttributes(
          StickyExecutionAttributes.newBuilder()
              .setWorkerTaskQueue(TaskQueue.newBuilder().setName(stickyQueue)));
    }
    return b.build();
  }

  private static PollWorkflowTaskQueueResponse task(String workflowId) throws IOException {
    return PollWorkflowTaskQueueResponse.newBuilder()
        .setTaskToken(token(workflowId))
        .setWorkflowExecution(
            WorkflowExecution.newBuilder().setWorkflowId(workflowId).setRunId("run-" + workflowId))
        .build();
  }

  /**
   * A workflow task token in the test server's format (see InProcessTemporalServer.executionOf).
   */
  private static ByteString token(String workflowId) throws IOException {
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    try (DataOutputStream out = new DataOutputStream(bytes)) {
      out.writeUTF(NS);
      out.writeUTF(workflowId);
      out.writeUTF("run-" + workflowId);
      out.writeInt(7);
    }
    return ByteString.copyFrom(bytes.toByteArray());
  }
}
