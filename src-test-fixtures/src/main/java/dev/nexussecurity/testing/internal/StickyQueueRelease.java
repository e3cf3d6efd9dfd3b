package dev.nexussecurity.testing.internal;

import io.grpc.Context;
import io.grpc.StatusRuntimeException;
import io.grpc.stub.StreamObserver;
import io.temporal.api.enums.v1.QueryResultType;
import io.temporal.api.enums.v1.TaskQueueKind;
import io.temporal.api.enums.v1.WorkflowExecutionStatus;
import io.temporal.api.enums.v1.WorkflowTaskFailedCause;
import io.temporal.api.failure.v1.Failure;
import io.temporal.api.taskqueue.v1.TaskQueue;
import io.temporal.api.workflowservice.v1.DescribeWorkflowExecutionRequest;
import io.temporal.api.workflowservice.v1.DescribeWorkflowExecutionResponse;
import io.temporal.api.workflowservice.v1.PollWorkflowTaskQueueRequest;
import io.temporal.api.workflowservice.v1.PollWorkflowTaskQueueResponse;
import io.temporal.api.workflowservice.v1.RespondQueryTaskCompletedRequest;
import io.temporal.api.workflowservice.v1.RespondQueryTaskCompletedResponse;
import io.temporal.api.workflowservice.v1.RespondWorkflowTaskCompletedRequest;
import io.temporal.api.workflowservice.v1.RespondWorkflowTaskFailedRequest;
import io.temporal.api.workflowservice.v1.RespondWorkflowTaskFailedResponse;
import io.temporal.api.workflowservice.v1.ShutdownWorkerRequest;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.BiConsumer;

/**
 * Gives the workflow tasks bound to a stopped worker's sticky queue back to the normal queue, as a
 * real Temporal server does when a worker announces its shutdown ({@code ShutdownWorker}).
 *
 * <p>The stock test server answers {@code ShutdownWorker} and does nothing else, and never moves a
 * task off a sticky queue (no sticky schedule-to-start timeout). A workflow whose last workflow
 * task completed on a worker that then stopped stays bound to that worker's sticky queue: its next
 * workflow task waits there forever, and its history ends in a {@code WorkflowTaskScheduled} event,
 * which names the normal queue although the task went to the sticky one. The SDK sends {@code
 * ShutdownWorker}, naming its sticky queue, on both {@code shutdown()} and {@code shutdownNow()}.
 *
 * <p>What this does, fed by the embedded WorkflowService:
 *
 * <ul>
 *   <li>{@link #onCompletion} records which sticky queue each execution's last completed workflow
 *       task bound it to, and strips the sticky attributes naming a stopped queue (completions the
 *       stopping worker still sends while it drains);
 *   <li>{@link #onShutdownWorker} marks the worker's sticky queue stopped and drains it on a
 *       background thread: each workflow task that lands there is taken and failed with cause
 *       {@code RESET_STICKY_TASK_QUEUE}, so the server clears the stickiness and schedules the task
 *       again on the normal queue (the history shows a {@code WorkflowTaskStarted} and {@code
 *       WorkflowTaskFailed} pair by identity {@value #IDENTITY}); a legacy query task there is
 *       answered as failed. The drain ends once no open execution is bound to the queue.
 * </ul>
 *
 * <p>A worker that dies without {@code ShutdownWorker} (SIGKILL) still strands its sticky queue:
 * tests that kill workers turn sticky execution off.
 *
 * <p>Thread-safe.
 */
final class StickyQueueRelease implements AutoCloseable {
  /** The identity the release polls and fails tasks under. */
  static final String IDENTITY = "embedded-temporal sticky-queue release";

  /** The stock WorkflowService calls the release uses. */
  record Calls(
      BiConsumer<PollWorkflowTaskQueueRequest, StreamObserver<PollWorkflowTaskQueueResponse>> poll,
      BiConsumer<
              RespondWorkflowTaskFailedRequest, StreamObserver<RespondWorkflowTaskFailedResponse>>
          fail,
      BiConsumer<
              RespondQueryTaskCompletedRequest, StreamObserver<RespondQueryTaskCompletedResponse>>
          answerQuery,
      BiConsumer<
              DescribeWorkflowExecutionRequest, StreamObserver<DescribeWorkflowExecutionResponse>>
          describe) {
    Calls {
      Objects.requireNonNull(poll, "poll");
      Objects.requireNonNull(fail, "fail");
      Objects.requireNonNull(answerQuery, "answerQuery");
      Objects.requireNonNull(describe, "describe");
    }
  }

  /** An execution: namespace, workflow id and run id. */
  private record Execution(String namespace, String workflowId, String runId) {}

  private static final AtomicInteger THREADS = new AtomicInteger();

  private final Calls calls;
  private final Duration pollSlice;
  private final ScheduledExecutorService deadlines;
  private final ExecutorService drains;
  private final Map<Execution, TaskQueueKey> boundTo = new HashMap<>();
  private final Set<TaskQueueKey> stopped = new HashSet<>();
  private final AtomicInteger released = new AtomicInteger();
  private volatile boolean closed;

  /**
   * @param pollSlice how long one poll of a stopped sticky queue waits before the drain checks
   *     whether an open execution is still bound to it; positive
   * @param deadlines runs the poll deadlines; must outlive this object
   */
  StickyQueueRelease(Calls calls, Duration pollSlice, ScheduledExecutorService deadlines) {
    this.calls = Objects.requireNonNull(calls, "calls");
    this.pollSlice = Objects.requireNonNull(pollSlice, "pollSlice");
    if (pollSlice.isZero() || pollSlice.isNegative()) {
      throw new IllegalArgumentException("pollSlice must be positive, got " + pollSlice);
    }
    this.deadlines = Objects.requireNonNull(deadlines, "deadlines");
    this.drains =
        Executors.newCachedThreadPool(
            runnable -> {
              Thread thread =
                  new Thread(
                      runnable, "embedded-temporal-sticky-release-" + THREADS.incrementAndGet());
              thread.setDaemon(true);
              return thread;
            });
  }

  /**
   * Records the sticky queue {@code request} binds its execution to, and returns {@code request}
   * without sticky attributes if they name a stopped queue (else unchanged). Call before the stock
   * handler.
   */
  synchronized RespondWorkflowTaskCompletedRequest onCompletion(
      RespondWorkflowTaskCompletedRequest request) {
    Optional<Execution> execution = executionOf(request.getTaskToken());
    RespondWorkflowTaskCompletedRequest result = request;
    TaskQueueKey sticky = null;
    if (request.hasStickyAttributes()) {
      TaskQueueKey key =
          new TaskQueueKey(
              execution.map(Execution::namespace).orElse(request.getNamespace()),
              request.getStickyAttributes().getWorkerTaskQueue().getName());
      if (stopped.contains(key)) {
        result = request.toBuilder().clearStickyAttributes().build();
      } else {
        sticky = key;
      }
    }
    if (execution.isPresent()) {
      if (sticky != null) {
        boundTo.put(execution.get(), sticky);
      } else {
        boundTo.remove(execution.get());
      }
    }
    return result;
  }

  /**
   * If {@code request} names a sticky queue, marks it stopped and starts draining it. Call before
   * the stock handler.
   */
  void onShutdownWorker(ShutdownWorkerRequest request) {
    if (request.getStickyTaskQueue().isEmpty() || request.getNamespace().isEmpty()) {
      return;
    }
    TaskQueueKey queue = new TaskQueueKey(request.getNamespace(), request.getStickyTaskQueue());
    synchronized (this) {
      if (closed || !stopped.add(queue)) {
        return;
      }
    }
    try {
      drains.execute(() -> drain(queue, request.getTaskQueue()));
    } catch (RejectedExecutionException e) {
      // closed meanwhile: nothing is polled any more
    }
  }

  /** How many workflow tasks were taken off stopped sticky queues so far. */
  int releasedTasks() {
    return released.get();
  }

  /** Whether an execution is still recorded as bound to {@code queue}. */
  synchronized boolean isBound(TaskQueueKey queue) {
    return boundTo.containsValue(queue);
  }

  private void drain(TaskQueueKey queue, String normalQueue) {
    PollWorkflowTaskQueueRequest poll =
        PollWorkflowTaskQueueRequest.newBuilder()
            .setNamespace(queue.namespace())
            .setTaskQueue(
                TaskQueue.newBuilder()
                    .setName(queue.taskQueue())
                    .setKind(TaskQueueKind.TASK_QUEUE_KIND_STICKY)
                    .setNormalName(normalQueue))
            .setIdentity(IDENTITY)
            .build();
    while (!closed) {
      Optional<PollWorkflowTaskQueueResponse> task = pollOnce(poll);
      if (task.isPresent()) {
        release(queue, task.get());
      } else if (!anyOpenBound(queue)) {
        return;
      }
    }
  }

  private Optional<PollWorkflowTaskQueueResponse> pollOnce(PollWorkflowTaskQueueRequest poll) {
    Context.CancellableContext slice =
        Context.ROOT.withDeadlineAfter(pollSlice.toNanos(), TimeUnit.NANOSECONDS, deadlines);
    try {
      PollWorkflowTaskQueueResponse response =
          slice.call(() -> InJvmCalls.unary(calls.poll(), poll));
      return response.getTaskToken().isEmpty() ? Optional.empty() : Optional.of(response);
    } catch (Exception e) {
      return Optional.empty(); // the server is closing, or the slice ended
    } finally {
      slice.cancel(null);
    }
  }

  private void release(TaskQueueKey queue, PollWorkflowTaskQueueResponse task) {
    String message =
        "the worker polling sticky queue "
            + queue
            + " shut down; the task goes back to the normal queue";
    try {
      if (task.hasQuery()) {
        InJvmCalls.unary(
            calls.answerQuery(),
            RespondQueryTaskCompletedRequest.newBuilder()
                .setNamespace(queue.namespace())
                .setTaskToken(task.getTaskToken())
                .setCompletedType(QueryResultType.QUERY_RESULT_TYPE_FAILED)
                .setErrorMessage(message)
                .build());
        return;
      }
      InJvmCalls.unary(
          calls.fail(),
          RespondWorkflowTaskFailedRequest.newBuilder()
              .setNamespace(queue.namespace())
              .setTaskToken(task.getTaskToken())
              .setIdentity(IDENTITY)
              .setCause(WorkflowTaskFailedCause.WORKFLOW_TASK_FAILED_CAUSE_RESET_STICKY_TASK_QUEUE)
              .setFailure(Failure.newBuilder().setMessage(message).setSource("EmbeddedTemporal"))
              .build());
      released.incrementAndGet();
      synchronized (this) {
        boundTo.remove(
            new Execution(
                queue.namespace(),
                task.getWorkflowExecution().getWorkflowId(),
                task.getWorkflowExecution().getRunId()));
      }
    } catch (StatusRuntimeException | IllegalStateException e) {
      // the execution closed or moved on meanwhile: nothing is left to release
    }
  }

  /** Forgets executions bound to {@code queue} that are closed; whether any open one is left. */
  private boolean anyOpenBound(TaskQueueKey queue) {
    List<Execution> bound = new ArrayList<>();
    synchronized (this) {
      boundTo.forEach(
          (execution, key) -> {
            if (key.equals(queue)) {
              bound.add(execution);
            }
          });
    }
    boolean open = false;
    for (Execution execution : bound) {
      if (isOpen(execution)) {
        open = true;
      } else {
        synchronized (this) {
          boundTo.remove(execution, queue);
        }
      }
    }
    return open;
  }

  private boolean isOpen(Execution execution) {
    try {
      DescribeWorkflowExecutionResponse description =
          InJvmCalls.unary(
              calls.describe(),
              DescribeWorkflowExecutionRequest.newBuilder()
                  .setNamespace(execution.namespace())
                  .setExecution(
                      io.temporal.api.common.v1.WorkflowExecution.newBuilder()
                          .setWorkflowId(execution.workflowId())
                          .setRunId(execution.runId()))
                  .build());
      return description.getWorkflowExecutionInfo().getStatus()
          == WorkflowExecutionStatus.WORKFLOW_EXECUTION_STATUS_RUNNING;
    } catch (StatusRuntimeException | IllegalStateException e) {
      return false; // unknown: nothing to wait for
    }
  }

  private static Optional<Execution> executionOf(com.google.protobuf.ByteString token) {
    return InProcessTemporalServer.executionOf(token)
        .map(
            ref ->
                new Execution(
                    ref.namespace(), ref.execution().getWorkflowId(), ref.execution().getRunId()));
  }

  /** Stops the drains; their polls end at their slice deadline. Idempotent. */
  @Override
  public void close() {
    closed = true;
    drains.shutdownNow();
    try {
      drains.awaitTermination(pollSlice.toMillis() + 5_000, TimeUnit.MILLISECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }
}
