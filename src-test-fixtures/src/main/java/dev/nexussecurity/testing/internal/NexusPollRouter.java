package dev.nexussecurity.testing.internal;

import io.grpc.Context;
import io.grpc.Deadline;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.grpc.stub.ServerCallStreamObserver;
import io.grpc.stub.StreamObserver;
import io.temporal.api.workflowservice.v1.PollNexusTaskQueueRequest;
import io.temporal.api.workflowservice.v1.PollNexusTaskQueueResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Deque;
import java.util.HashSet;
import java.util.List;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedDeque;
import java.util.concurrent.ConcurrentMap;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.UnaryOperator;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Serves {@code PollNexusTaskQueue} so that Nexus tasks reach the endpoint's target namespace, as
 * on a real Temporal server, although the embedded server queues each task under its caller's
 * namespace.
 *
 * <p><b>How a poll on {@code (ns, tq)} is served.</b>
 *
 * <ul>
 *   <li>If some endpoint targets exactly {@code (ns, tq)}, the poll is <em>re-targeted</em>: it
 *       polls {@code tq} in {@code ns} and in every other namespace the server has seen, one
 *       namespace at a time, each for a short slice, round robin (a shared cursor per queue spreads
 *       concurrent pollers over the namespaces), until the long-poll deadline. When a workflow
 *       schedules or cancels a Nexus operation, the namespace it runs in is looked at next ({@link
 *       #onNexusCommands}); the round robin still covers everything else, such as the retries the
 *       server schedules on its own.
 *   <li>Otherwise it polls {@code tq} in {@code ns} only, in one wait for the whole long poll: the
 *       stock behaviour. The wait is woken early when endpoints change, so the poll is re-planned
 *       at once.
 * </ul>
 *
 * <p>Every inner poll is a direct in-JVM call to the stock handler with our own observer, so a task
 * that the stock handler hands out just as a slice expires is still captured: nothing is lost. Each
 * captured task is checked against the endpoint named in its request. A task that belongs to
 * another target (two endpoints targeting different namespaces with the same task-queue name, or a
 * caller namespace that also polls that task-queue name) is parked for that target, whose pollers
 * are woken, and the poll goes on. A task whose poller went away before delivery is parked again
 * for the next poller of the same queue.
 *
 * <p>Thread-safe. {@link #close()} ends all waits; polls arriving later are answered empty.
 */
public final class NexusPollRouter implements AutoCloseable {
  /** The stock poll handler of the embedded server. */
  @FunctionalInterface
  public interface StockPoll {
    /**
     * Polls one task queue; blocks until a task, the current {@link Context}'s deadline or cancel.
     */
    void pollNexusTaskQueue(
        PollNexusTaskQueueRequest request, StreamObserver<PollNexusTaskQueueResponse> observer);
  }

  private static final Logger log = LoggerFactory.getLogger(NexusPollRouter.class);

  /** The real server answers an idle long poll after about a minute; so does the embedded one. */
  static final Duration MAX_LONG_POLL = Duration.ofSeconds(60);

  /**
   * Part of a caller's deadline left free so an answer found at the last moment still reaches it.
   */
  private static final Duration DEADLINE_MARGIN = Duration.ofSeconds(1);

  /** Bound of the per-target queue of namespace hints. */
  private static final int MAX_HINTS = 10_000;

  private final StockPoll stock;
  private final NamespaceRecorder namespaces;
  private final long sliceNanos;
  private final ScheduledExecutorService deadlineScheduler;

  private volatile NexusRoutes routes = NexusRoutes.empty();
  private volatile boolean closed;
  private volatile UnaryOperator<PollNexusTaskQueueResponse> beforeDelivery =
      UnaryOperator.identity();

  private final ConcurrentMap<TaskQueueKey, Deque<PollNexusTaskQueueResponse>> parked =
      new ConcurrentHashMap<>();
  private final ConcurrentMap<TaskQueueKey, Set<Context.CancellableContext>> waits =
      new ConcurrentHashMap<>();
  private final ConcurrentMap<TaskQueueKey, AtomicInteger> cursors = new ConcurrentHashMap<>();
  private final ConcurrentMap<TaskQueueKey, BlockingQueue<String>> hints =
      new ConcurrentHashMap<>();

  /**
   * Creates a router with no routes; give it the server's routes with {@link #setRoutes}.
   *
   * @param stock the embedded server's own poll handler
   * @param namespaces the namespaces seen by the server
   * @param slice how long one inner poll of a re-targeted poll waits; positive
   * @param deadlineScheduler runs slice deadlines; must outlive every poll
   */
  public NexusPollRouter(
      StockPoll stock,
      NamespaceRecorder namespaces,
      Duration slice,
      ScheduledExecutorService deadlineScheduler) {
    this.stock = Objects.requireNonNull(stock, "stock");
    this.namespaces = Objects.requireNonNull(namespaces, "namespaces");
    if (slice == null || slice.isNegative() || slice.isZero()) {
      throw new IllegalArgumentException("slice must be positive, got " + slice);
    }
    this.sliceNanos = slice.toNanos();
    this.deadlineScheduler = Objects.requireNonNull(deadlineScheduler, "deadlineScheduler");
  }

  /** The routes in force. */
  public NexusRoutes getRoutes() {
    return routes;
  }

  /**
   * Puts new routes in force and wakes every waiting poll so it is planned again with them. Call
   * after each endpoint create, update or delete, in change order, before the caller of that change
   * gets its answer.
   */
  public void setRoutes(NexusRoutes newRoutes) {
    routes = Objects.requireNonNull(newRoutes, "newRoutes");
    log.debug("Nexus routes now {}", newRoutes);
    wakeAll();
  }

  /**
   * Tells the router that a workflow in {@code sourceNamespace} has just scheduled Nexus operations
   * on these endpoints, or asked to cancel some ({@code cancelRequested}; a cancel command names no
   * endpoint, so every target is told). Re-targeted polls of each target look in that namespace
   * next instead of waiting for its turn in the round robin. Only a shortcut: the round robin still
   * finds every task, including retries, which the server schedules on its own.
   */
  public void onNexusCommands(
      String sourceNamespace, Collection<String> scheduledEndpoints, boolean cancelRequested) {
    NexusRoutes current = routes;
    Set<TaskQueueKey> targets = new HashSet<>();
    for (String endpoint : scheduledEndpoints) {
      current.targetOf(endpoint).ifPresent(targets::add);
    }
    if (cancelRequested) {
      targets.addAll(current.asMap().values());
    }
    for (TaskQueueKey target : targets) {
      // A full queue only loses a shortcut, never a task.
      hints
          .computeIfAbsent(target, k -> new LinkedBlockingQueue<>(MAX_HINTS))
          .offer(sourceNamespace);
      wake(target);
    }
  }

  /**
   * Hands {@code task} to the next poller of {@code target}, as if the server had queued it there
   * (used by tests that play a party dispatching Nexus requests directly).
   */
  public void deliver(TaskQueueKey target, PollNexusTaskQueueResponse task) {
    park(Objects.requireNonNull(target, "target"), Objects.requireNonNull(task, "task"), false);
  }

  /** Sets what is applied to every task just before a poller receives it; identity by default. */
  public void setBeforeDelivery(UnaryOperator<PollNexusTaskQueueResponse> hook) {
    beforeDelivery = Objects.requireNonNull(hook, "hook");
  }

  /** Serves one {@code PollNexusTaskQueue} call; runs on the gRPC call's thread and context. */
  public void pollNexusTaskQueue(
      PollNexusTaskQueueRequest request, StreamObserver<PollNexusTaskQueueResponse> observer) {
    TaskQueueKey self = new TaskQueueKey(request.getNamespace(), request.getTaskQueue().getName());
    namespaces.record(self.namespace());
    Context call = Context.current();
    long endNanos = System.nanoTime() + longPollNanos(call.getDeadline());
    try {
      while (true) {
        if (closed || call.isCancelled() || Thread.currentThread().isInterrupted()) {
          respond(observer, PollNexusTaskQueueResponse.getDefaultInstance());
          return;
        }
        long remaining = endNanos - System.nanoTime();
        if (remaining <= 0) {
          respond(observer, PollNexusTaskQueueResponse.getDefaultInstance());
          return;
        }
        NexusRoutes current = routes;
        boolean fanOut = current.isTarget(self);
        String source = fanOut ? hintedOrNextSource(self) : self.namespace();
        long wait = fanOut ? Math.min(sliceNanos, remaining) : remaining;

        PollNexusTaskQueueResponse task;
        boolean fromParking = false;
        Context.CancellableContext waitContext =
            call.withDeadlineAfter(wait, TimeUnit.NANOSECONDS, deadlineScheduler);
        Set<Context.CancellableContext> waiting = waitsFor(self);
        waiting.add(waitContext);
        try {
          // Registered before looking at the parking lot: a task parked after this look wakes the
          // wait.
          task = parkedFor(self).pollFirst();
          if (task != null) {
            fromParking = true;
          } else {
            task = pollOnce(request, source, waitContext);
          }
        } finally {
          waiting.remove(waitContext);
          waitContext.cancel(null);
        }
        if (task == null) {
          continue;
        }
        if (!fromParking) {
          TaskQueueKey destination =
              routes.destinationOf(
                  task.getRequest().getEndpoint(), new TaskQueueKey(source, self.taskQueue()));
          if (!destination.equals(self)) {
            log.debug(
                "Nexus task for endpoint {} found by a poll on {}; parked for {}",
                task.getRequest().getEndpoint(),
                self,
                destination);
            park(destination, task, false);
            continue;
          }
        }
        task = beforeDelivery.apply(task);
        if (!respond(observer, task)) {
          // The poller left (cancelled, deadline or shutdown): keep the task for the next one.
          park(self, task, true);
        }
        return;
      }
    } catch (StatusRuntimeException e) {
      observer.onError(e);
    } catch (RuntimeException e) {
      log.warn("Nexus poll on {} failed", self, e);
      observer.onError(
          Status.INTERNAL.withDescription(e.toString()).withCause(e).asRuntimeException());
    }
  }

  /** Ends all waits; later polls are answered empty. Parked tasks are dropped. Idempotent. */
  @Override
  public void close() {
    closed = true;
    wakeAll();
    parked.clear();
    hints.clear();
  }

  /** Number of tasks parked for the given queue (for tests and diagnostics). */
  public int parkedCount(TaskQueueKey key) {
    Deque<PollNexusTaskQueueResponse> deque = parked.get(key);
    return deque == null ? 0 : deque.size();
  }

  private long longPollNanos(Deadline callDeadline) {
    long max = MAX_LONG_POLL.toNanos();
    if (callDeadline == null) {
      return max;
    }
    long remaining = callDeadline.timeRemaining(TimeUnit.NANOSECONDS);
    long margin = Math.min(DEADLINE_MARGIN.toNanos(), remaining / 10);
    return Math.min(max, remaining - margin);
  }

  private String hintedOrNextSource(TaskQueueKey self) {
    BlockingQueue<String> queue = hints.get(self);
    String hinted = queue == null ? null : queue.poll();
    return hinted != null ? hinted : nextSource(self);
  }

  private String nextSource(TaskQueueKey self) {
    List<String> seen = namespaces.snapshot();
    List<String> sources = new ArrayList<>(seen.size() + 1);
    sources.add(self.namespace());
    for (String namespace : seen) {
      if (!namespace.equals(self.namespace())) {
        sources.add(namespace);
      }
    }
    int turn = cursors.computeIfAbsent(self, k -> new AtomicInteger()).getAndIncrement();
    return sources.get(Math.floorMod(turn, sources.size()));
  }

  /** One inner poll of {@code source}, bounded by {@code waitContext}; null when no task came. */
  private PollNexusTaskQueueResponse pollOnce(
      PollNexusTaskQueueRequest request, String source, Context.CancellableContext waitContext) {
    PollNexusTaskQueueRequest inner =
        source.equals(request.getNamespace())
            ? request
            : request.toBuilder().setNamespace(source).build();
    CapturingObserver capture = new CapturingObserver();
    waitContext.run(() -> stock.pollNexusTaskQueue(inner, capture));
    return capture.taskOrNull();
  }

  private boolean respond(
      StreamObserver<PollNexusTaskQueueResponse> observer, PollNexusTaskQueueResponse response) {
    if (observer instanceof ServerCallStreamObserver<?> server && server.isCancelled()) {
      return false;
    }
    if (Context.current().isCancelled()) {
      return false;
    }
    observer.onNext(response);
    observer.onCompleted();
    return true;
  }

  private void park(TaskQueueKey key, PollNexusTaskQueueResponse task, boolean first) {
    if (closed) {
      return;
    }
    Deque<PollNexusTaskQueueResponse> deque = parkedFor(key);
    if (first) {
      deque.addFirst(task);
    } else {
      deque.addLast(task);
    }
    wake(key);
  }

  private Deque<PollNexusTaskQueueResponse> parkedFor(TaskQueueKey key) {
    return parked.computeIfAbsent(key, k -> new ConcurrentLinkedDeque<>());
  }

  private Set<Context.CancellableContext> waitsFor(TaskQueueKey key) {
    return waits.computeIfAbsent(key, k -> ConcurrentHashMap.newKeySet());
  }

  private void wake(TaskQueueKey key) {
    Set<Context.CancellableContext> set = waits.get(key);
    if (set != null) {
      for (Context.CancellableContext context : set) {
        context.cancel(null);
      }
    }
  }

  private void wakeAll() {
    for (TaskQueueKey key : waits.keySet()) {
      wake(key);
    }
  }

  /** Collects the stock handler's single answer. */
  private static final class CapturingObserver
      implements StreamObserver<PollNexusTaskQueueResponse> {
    private PollNexusTaskQueueResponse response;
    private Throwable error;

    @Override
    public void onNext(PollNexusTaskQueueResponse value) {
      response = value;
    }

    @Override
    public void onError(Throwable t) {
      error = t;
    }

    @Override
    public void onCompleted() {}

    PollNexusTaskQueueResponse taskOrNull() {
      if (error != null) {
        throw error instanceof StatusRuntimeException sre
            ? sre
            : Status.fromThrowable(error).asRuntimeException();
      }
      if (response == null || response.getTaskToken().isEmpty()) {
        return null;
      }
      return response;
    }
  }
}
