package dev.nexussecurity.testing.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.google.protobuf.ByteString;
import io.grpc.Context;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.grpc.stub.ServerCallStreamObserver;
import io.grpc.stub.StreamObserver;
import io.temporal.api.nexus.v1.Endpoint;
import io.temporal.api.nexus.v1.EndpointSpec;
import io.temporal.api.nexus.v1.EndpointTarget;
import io.temporal.api.nexus.v1.Request;
import io.temporal.api.taskqueue.v1.TaskQueue;
import io.temporal.api.workflowservice.v1.PollNexusTaskQueueRequest;
import io.temporal.api.workflowservice.v1.PollNexusTaskQueueResponse;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class NexusPollRouterTest {
  private static final String TQ = "tq";
  private static final TaskQueueKey HANDLER = new TaskQueueKey("handler", TQ);
  private static final TaskQueueKey HANDLER_TWO = new TaskQueueKey("handler-two", TQ);
  private static final TaskQueueKey CALLER = new TaskQueueKey("caller", TQ);

  private final ScheduledExecutorService deadlines = Executors.newSingleThreadScheduledExecutor();
  private final ExecutorService pollers = Executors.newCachedThreadPool();
  private final QueueStock stock = new QueueStock();
  private final NamespaceRecorder namespaces = new NamespaceRecorder();
  private NexusPollRouter router = newRouter(stock);

  @AfterEach
  void shutdown() {
    router.close();
    pollers.shutdownNow();
    deadlines.shutdownNow();
  }

  @Test
  void constructor_withNonPositiveSlice_isRejected() {
    assertThatThrownBy(() -> new NexusPollRouter(stock, namespaces, Duration.ZERO, deadlines))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("slice must be positive, got PT0S");
  }

  @Test
  void pollOnTargetQueue_findsTaskQueuedUnderCallerNamespace() throws Exception {
    router.setRoutes(routes(endpoint("ep", HANDLER)));
    namespaces.record(CALLER.namespace());
    stock.add(CALLER, task("t1", "ep"));

    Recorder result = poll(HANDLER, Duration.ofSeconds(10)).get(5, TimeUnit.SECONDS);

    assertThat(result.token()).isEqualTo("t1");
    assertThat(stock.polled).contains(CALLER);
  }

  @Test
  void pollNotTargeted_waitsOnItsOwnNamespaceOnly() throws Exception {
    namespaces.record(CALLER.namespace());
    stock.add(CALLER, task("t1", "ep"));

    Recorder result = poll(HANDLER, Duration.ofMillis(300)).get(5, TimeUnit.SECONDS);

    assertThat(result.isEmptyAnswer()).isTrue();
    assertThat(stock.polled).containsOnly(HANDLER);
    assertThat(stock.size(CALLER)).isEqualTo(1);
  }

  @Test
  void taskHandedOutAsTheSliceExpires_isStillDelivered() throws Exception {
    LateStock late = new LateStock(CALLER, task("late", "ep"));
    router.close();
    router = newRouter(late);
    router.setRoutes(routes(endpoint("ep", HANDLER)));
    namespaces.record(CALLER.namespace());

    Recorder result = poll(HANDLER, Duration.ofSeconds(10)).get(5, TimeUnit.SECONDS);

    assertThat(result.token()).isEqualTo("late");
    assertThat(late.handedOutAfterCancel).isTrue();
  }

  @Test
  void taskOfAnotherTarget_isParkedForThatTargetAndDeliveredThere() throws Exception {
    router.setRoutes(routes(endpoint("one", HANDLER), endpoint("two", HANDLER_TWO)));
    namespaces.record(CALLER.namespace());
    stock.add(CALLER, task("for-two", "two"));

    Recorder first = poll(HANDLER, Duration.ofMillis(300)).get(5, TimeUnit.SECONDS);
    assertThat(first.isEmptyAnswer()).isTrue();
    assertThat(router.parkedCount(HANDLER_TWO)).isEqualTo(1);

    Recorder second = poll(HANDLER_TWO, Duration.ofSeconds(10)).get(5, TimeUnit.SECONDS);
    assertThat(second.token()).isEqualTo("for-two");
    assertThat(router.parkedCount(HANDLER_TWO)).isZero();
  }

  @Test
  void pollOfCallerNamespaceOnRoutedQueueName_handsTheTaskToTheTarget() throws Exception {
    router.setRoutes(routes(endpoint("ep", HANDLER)));
    stock.add(CALLER, task("t1", "ep"));
    CompletableFuture<Recorder> handler = poll(HANDLER, Duration.ofSeconds(10));

    Recorder caller = poll(CALLER, Duration.ofMillis(300)).get(5, TimeUnit.SECONDS);

    assertThat(caller.isEmptyAnswer()).isTrue();
    assertThat(handler.get(5, TimeUnit.SECONDS).token()).isEqualTo("t1");
  }

  @Test
  void setRoutes_wakesAWaitingPollSoItFindsTheNowRoutedTask() throws Exception {
    namespaces.record(CALLER.namespace());
    stock.add(CALLER, task("t1", "ep"));
    CompletableFuture<Recorder> waiting = poll(HANDLER, Duration.ofSeconds(50));
    stock.awaitPoll(HANDLER);

    router.setRoutes(routes(endpoint("ep", HANDLER)));

    // Without the wake-up the poll would sit out its 50 s deadline on its own namespace.
    assertThat(waiting.get(5, TimeUnit.SECONDS).token()).isEqualTo("t1");
  }

  @Test
  void pollerGoneBeforeDelivery_taskIsKeptForTheNextPoller() throws Exception {
    router.setRoutes(routes(endpoint("ep", HANDLER)));
    namespaces.record(CALLER.namespace());
    stock.add(CALLER, task("t1", "ep"));
    CancelledObserver gone = new CancelledObserver();

    Context.current()
        .withDeadlineAfter(10, TimeUnit.SECONDS, deadlines)
        .run(() -> router.pollNexusTaskQueue(request(HANDLER), gone));

    assertThat(gone.received).isEmpty();
    assertThat(router.parkedCount(HANDLER)).isEqualTo(1);
    assertThat(poll(HANDLER, Duration.ofSeconds(10)).get(5, TimeUnit.SECONDS).token())
        .isEqualTo("t1");
  }

  @Test
  void onNexusCommands_sendsATargetPollStraightToTheSchedulingNamespace() throws Exception {
    // Slices of 30 s: only the hint can get the task out within the 5 s the test waits.
    router.close();
    router = new NexusPollRouter(stock, namespaces, Duration.ofSeconds(30), deadlines);
    router.setRoutes(routes(endpoint("ep", HANDLER)));
    namespaces.record("caller-a");
    namespaces.record("caller-b");
    CompletableFuture<Recorder> waiting = poll(HANDLER, Duration.ofSeconds(50));
    stock.awaitPoll(HANDLER);
    TaskQueueKey callerB = new TaskQueueKey("caller-b", TQ);
    stock.add(callerB, task("t1", "ep"));

    router.onNexusCommands("caller-b", List.of("ep"), false);

    assertThat(waiting.get(5, TimeUnit.SECONDS).token()).isEqualTo("t1");
  }

  @Test
  void onNexusCommands_withCancel_sendsEveryTargetToTheNamespace() throws Exception {
    router.close();
    router = new NexusPollRouter(stock, namespaces, Duration.ofSeconds(30), deadlines);
    router.setRoutes(routes(endpoint("one", HANDLER), endpoint("two", HANDLER_TWO)));
    namespaces.record("caller-a");
    namespaces.record("caller-b");
    CompletableFuture<Recorder> waiting = poll(HANDLER_TWO, Duration.ofSeconds(50));
    stock.awaitPoll(HANDLER_TWO);
    stock.add(new TaskQueueKey("caller-b", TQ), task("cancel-1", "two"));

    router.onNexusCommands("caller-b", List.of(), true);

    assertThat(waiting.get(5, TimeUnit.SECONDS).token()).isEqualTo("cancel-1");
  }

  @Test
  void onNexusCommands_forUnknownEndpoint_changesNothing() {
    router.setRoutes(routes(endpoint("ep", HANDLER)));
    router.onNexusCommands("caller-b", List.of("unknown"), false);
    assertThat(router.parkedCount(HANDLER)).isZero();
  }

  @Test
  void stockError_isPassedToThePoller() throws Exception {
    router.close();
    router =
        newRouter(
            (request, observer) ->
                observer.onError(Status.UNAVAILABLE.withDescription("down").asRuntimeException()));

    Recorder result = poll(HANDLER, Duration.ofSeconds(10)).get(5, TimeUnit.SECONDS);

    assertThat(result.error).isInstanceOf(StatusRuntimeException.class);
    assertThat(Status.fromThrowable(result.error).getCode()).isEqualTo(Status.Code.UNAVAILABLE);
  }

  @Test
  void close_answersWaitingAndLaterPollsEmpty() throws Exception {
    CompletableFuture<Recorder> waiting = poll(HANDLER, Duration.ofSeconds(50));
    stock.awaitPoll(HANDLER);

    router.close();

    assertThat(waiting.get(5, TimeUnit.SECONDS).isEmptyAnswer()).isTrue();
    assertThat(poll(HANDLER, Duration.ofSeconds(50)).get(5, TimeUnit.SECONDS).isEmptyAnswer())
        .isTrue();
  }

  // ---------------------------------------------------------------------------------------------

  private NexusPollRouter newRouter(NexusPollRouter.StockPoll source) {
    return new NexusPollRouter(source, namespaces, Duration.ofMillis(5), deadlines);
  }

  private CompletableFuture<Recorder> poll(TaskQueueKey key, Duration deadline) {
    return CompletableFuture.supplyAsync(
        () -> {
          Recorder recorder = new Recorder();
          Context.current()
              .withDeadlineAfter(deadline.toMillis(), TimeUnit.MILLISECONDS, deadlines)
              .run(() -> router.pollNexusTaskQueue(request(key), recorder));
          return recorder;
        },
        pollers);
  }

  private static PollNexusTaskQueueRequest request(TaskQueueKey key) {
    return PollNexusTaskQueueRequest.newBuilder()
        .setNamespace(key.namespace())
        .setTaskQueue(TaskQueue.newBuilder().setName(key.taskQueue()))
        .build();
  }

  private static PollNexusTaskQueueResponse task(String token, String endpoint) {
    return PollNexusTaskQueueResponse.newBuilder()
        .setTaskToken(ByteString.copyFromUtf8(token))
        .setRequest(Request.newBuilder().setEndpoint(endpoint))
        .build();
  }

  private static Endpoint endpoint(String name, TaskQueueKey target) {
    return Endpoint.newBuilder()
        .setId(name + "-id")
        .setVersion(1)
        .setSpec(
            EndpointSpec.newBuilder()
                .setName(name)
                .setTarget(
                    EndpointTarget.newBuilder()
                        .setWorker(
                            EndpointTarget.Worker.newBuilder()
                                .setNamespace(target.namespace())
                                .setTaskQueue(target.taskQueue()))))
        .build();
  }

  private static NexusRoutes routes(Endpoint... endpoints) {
    return NexusRoutes.of(List.of(endpoints));
  }

  /** In-memory task queues honouring the caller's {@link Context} deadline and cancel. */
  private static final class QueueStock implements NexusPollRouter.StockPoll {
    final Map<TaskQueueKey, LinkedBlockingQueue<PollNexusTaskQueueResponse>> queues =
        new ConcurrentHashMap<>();
    final List<TaskQueueKey> polled = new CopyOnWriteArrayList<>();

    void add(TaskQueueKey key, PollNexusTaskQueueResponse task) {
      queue(key).add(task);
    }

    int size(TaskQueueKey key) {
      return queue(key).size();
    }

    void awaitPoll(TaskQueueKey key) throws InterruptedException {
      long giveUp = System.nanoTime() + TimeUnit.SECONDS.toNanos(5);
      while (!polled.contains(key) && System.nanoTime() < giveUp) {
        Thread.sleep(5);
      }
      assertThat(polled).contains(key);
    }

    private LinkedBlockingQueue<PollNexusTaskQueueResponse> queue(TaskQueueKey key) {
      return queues.computeIfAbsent(key, k -> new LinkedBlockingQueue<>());
    }

    @Override
    public void pollNexusTaskQueue(
        PollNexusTaskQueueRequest request, StreamObserver<PollNexusTaskQueueResponse> observer) {
      TaskQueueKey key = new TaskQueueKey(request.getNamespace(), request.getTaskQueue().getName());
      polled.add(key);
      LinkedBlockingQueue<PollNexusTaskQueueResponse> queue = queue(key);
      try {
        while (!Context.current().isCancelled()) {
          PollNexusTaskQueueResponse task = queue.poll(1, TimeUnit.MILLISECONDS);
          if (task != null) {
            observer.onNext(task);
            observer.onCompleted();
            return;
          }
        }
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
      observer.onNext(PollNexusTaskQueueResponse.getDefaultInstance());
      observer.onCompleted();
    }
  }

  /**
   * Hands out its one task only after the inner poll's context has been cancelled, as the embedded
   * server does when a task is matched to a poll just as the poll's deadline fires.
   */
  private static final class LateStock implements NexusPollRouter.StockPoll {
    private final TaskQueueKey from;
    private PollNexusTaskQueueResponse task;
    volatile boolean handedOutAfterCancel;

    LateStock(TaskQueueKey from, PollNexusTaskQueueResponse task) {
      this.from = from;
      this.task = task;
    }

    @Override
    public synchronized void pollNexusTaskQueue(
        PollNexusTaskQueueRequest request, StreamObserver<PollNexusTaskQueueResponse> observer) {
      TaskQueueKey key = new TaskQueueKey(request.getNamespace(), request.getTaskQueue().getName());
      while (!Context.current().isCancelled()) {
        Thread.onSpinWait();
      }
      if (key.equals(from) && task != null) {
        handedOutAfterCancel = true;
        observer.onNext(task);
        task = null;
      } else {
        observer.onNext(PollNexusTaskQueueResponse.getDefaultInstance());
      }
      observer.onCompleted();
    }
  }

  /** Records the answer a poller got. */
  private static final class Recorder implements StreamObserver<PollNexusTaskQueueResponse> {
    final List<PollNexusTaskQueueResponse> received = new CopyOnWriteArrayList<>();
    volatile Throwable error;
    volatile boolean completed;

    @Override
    public void onNext(PollNexusTaskQueueResponse value) {
      received.add(value);
    }

    @Override
    public void onError(Throwable t) {
      error = t;
    }

    @Override
    public void onCompleted() {
      completed = true;
    }

    String token() {
      assertThat(error).isNull();
      assertThat(completed).isTrue();
      assertThat(received).hasSize(1);
      return received.get(0).getTaskToken().toStringUtf8();
    }

    boolean isEmptyAnswer() {
      return error == null
          && completed
          && received.size() == 1
          && received.get(0).getTaskToken().isEmpty();
    }
  }

  /** A server-side observer whose call the client has already cancelled. */
  private static final class CancelledObserver
      extends ServerCallStreamObserver<PollNexusTaskQueueResponse> {
    final List<PollNexusTaskQueueResponse> received = new CopyOnWriteArrayList<>();

    @Override
    public boolean isCancelled() {
      return true;
    }

    @Override
    public void setOnCancelHandler(Runnable onCancelHandler) {}

    @Override
    public void setCompression(String compression) {}

    @Override
    public boolean isReady() {
      return false;
    }

    @Override
    public void setOnReadyHandler(Runnable onReadyHandler) {}

    @Override
    public void request(int count) {}

    @Override
    public void setMessageCompression(boolean enable) {}

    @Override
    public void disableAutoInboundFlowControl() {}

    @Override
    public void onNext(PollNexusTaskQueueResponse value) {
      received.add(value);
    }

    @Override
    public void onError(Throwable t) {}

    @Override
    public void onCompleted() {}
  }
}
