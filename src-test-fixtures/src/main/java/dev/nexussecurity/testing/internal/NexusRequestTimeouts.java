package dev.nexussecurity.testing.internal;

import com.google.protobuf.ByteString;
import io.grpc.StatusRuntimeException;
import io.grpc.stub.StreamObserver;
import io.temporal.api.enums.v1.NexusHandlerErrorRetryBehavior;
import io.temporal.api.failure.v1.Failure;
import io.temporal.api.failure.v1.NexusHandlerFailureInfo;
import io.temporal.api.workflowservice.v1.PollNexusTaskQueueResponse;
import io.temporal.api.workflowservice.v1.RespondNexusTaskFailedRequest;
import io.temporal.api.workflowservice.v1.RespondNexusTaskFailedResponse;
import java.io.DataInputStream;
import java.io.IOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.BiConsumer;
import java.util.function.LongSupplier;

/**
 * Times out every attempt of a Nexus start request that a handler took and never answered, as a
 * real Temporal server does.
 *
 * <p>The stock test server arms the request timeout of a Nexus operation only for its first
 * attempt. When a retry (after a timeout or a retryable handler error) is handed to a handler that
 * then dies (a killed process), nothing retries it again: the operation waits for its
 * schedule-to-close timeout and fails with it, although a handler was there all along.
 *
 * <p>{@link #delivered} records each start task handed to a poller with the deadline its {@code
 * request-timeout} header gives; {@link #answered} forgets it when the handler responds; {@link
 * #expire} fails each task still unanswered {@link #GRACE} after its deadline, on behalf of the
 * handler, with a retryable {@code UPSTREAM_TIMEOUT} handler error, so the server schedules the
 * next attempt. When the server's own timer got there first (first attempts), the task's attempt
 * has moved on and the server ignores the late failure. Cancel requests and injected tasks are left
 * alone.
 *
 * <p>Thread-safe.
 */
final class NexusRequestTimeouts {
  /** How long after a task's deadline the fixture fails it (the server's own timer goes first). */
  static final Duration GRACE = Duration.ofSeconds(2);

  /** The identity the failures are reported under. */
  static final String IDENTITY = "embedded-temporal nexus request timeout";

  private record Pending(String namespace, long deadlineNanos, String operation) {}

  private final BiConsumer<
          RespondNexusTaskFailedRequest, StreamObserver<RespondNexusTaskFailedResponse>>
      fail;
  private final LongSupplier nanoTime;
  private final Map<ByteString, Pending> pending = new ConcurrentHashMap<>();

  /**
   * @param fail the stock {@code RespondNexusTaskFailed}
   * @param nanoTime the clock ({@code System::nanoTime})
   */
  NexusRequestTimeouts(
      BiConsumer<RespondNexusTaskFailedRequest, StreamObserver<RespondNexusTaskFailedResponse>>
          fail,
      LongSupplier nanoTime) {
    this.fail = Objects.requireNonNull(fail, "fail");
    this.nanoTime = Objects.requireNonNull(nanoTime, "nanoTime");
  }

  /** Records {@code task}, about to be handed to a poller; returns it unchanged. */
  PollNexusTaskQueueResponse delivered(PollNexusTaskQueueResponse task) {
    if (!task.getRequest().hasStartOperation()
        || InjectedNexusTasks.isInjected(task.getTaskToken())) {
      return task;
    }
    Optional<String> namespace = startTokenNamespace(task.getTaskToken());
    Optional<Duration> timeout =
        requestTimeout(task.getRequest().getHeaderMap().get("request-timeout"));
    if (namespace.isPresent() && timeout.isPresent()) {
      pending.put(
          task.getTaskToken(),
          new Pending(
              namespace.get(),
              nanoTime.getAsLong() + timeout.get().toNanos(),
              task.getRequest().getStartOperation().getService()
                  + "/"
                  + task.getRequest().getStartOperation().getOperation()));
    }
    return task;
  }

  /** Forgets the task of {@code token}: its handler answered. */
  void answered(ByteString token) {
    pending.remove(token);
  }

  /** How many delivered start tasks wait for an answer. */
  int pendingCount() {
    return pending.size();
  }

  /**
   * Fails, with a retryable handler error, every task unanswered {@link #GRACE} after its deadline;
   * returns how many.
   */
  int expire() {
    long now = nanoTime.getAsLong();
    List<Map.Entry<ByteString, Pending>> due = new ArrayList<>();
    for (Map.Entry<ByteString, Pending> e : pending.entrySet()) {
      if (now - (e.getValue().deadlineNanos() + GRACE.toNanos()) >= 0) {
        due.add(e);
      }
    }
    int failed = 0;
    for (Map.Entry<ByteString, Pending> e : due) {
      if (!pending.remove(e.getKey(), e.getValue())) {
        continue; // answered meanwhile
      }
      try {
        InJvmCalls.unary(
            fail,
            RespondNexusTaskFailedRequest.newBuilder()
                .setNamespace(e.getValue().namespace())
                .setIdentity(IDENTITY)
                .setTaskToken(e.getKey())
                .setFailure(
                    Failure.newBuilder()
                        .setMessage(
                            "StartNexusOperation of "
                                + e.getValue().operation()
                                + " timed out: the handler that took it did not answer within"
                                + " its request timeout")
                        .setSource("EmbeddedTemporal")
                        .setNexusHandlerFailureInfo(
                            NexusHandlerFailureInfo.newBuilder()
                                .setType("UPSTREAM_TIMEOUT")
                                .setRetryBehavior(
                                    NexusHandlerErrorRetryBehavior
                                        .NEXUS_HANDLER_ERROR_RETRY_BEHAVIOR_RETRYABLE)))
                .build());
        failed++;
      } catch (StatusRuntimeException | IllegalStateException ex) {
        // the operation ended or moved on meanwhile: nothing to retry
      }
    }
    return failed;
  }

  /**
   * The namespace of a start-request token of the temporal-testing 1.38.0 server ({@code
   * NexusTaskToken}: namespace, workflow id, run id, scheduled event id, attempt, is-cancel); empty
   * for a cancel request or anything else.
   */
  static Optional<String> startTokenNamespace(ByteString token) {
    try (DataInputStream in = new DataInputStream(token.newInput())) {
      String namespace = in.readUTF();
      in.readUTF(); // workflow id
      in.readUTF(); // run id
      in.readLong(); // scheduled event id
      in.readInt(); // attempt
      boolean cancel = in.readBoolean();
      if (in.available() != 0 || cancel || namespace.isEmpty()) {
        return Optional.empty();
      }
      return Optional.of(namespace);
    } catch (IOException e) {
      return Optional.empty();
    }
  }

  /** Parses a Nexus {@code request-timeout} header value ("9s", "1500ms", "2m"). */
  static Optional<Duration> requestTimeout(String header) {
    if (header == null) {
      return Optional.empty();
    }
    String v = header.trim().toLowerCase(Locale.ROOT);
    try {
      Duration d;
      if (v.endsWith("ms")) {
        d = Duration.ofMillis(Long.parseLong(v.substring(0, v.length() - 2)));
      } else if (v.endsWith("s")) {
        d =
            Duration.ofMillis(
                Math.round(Double.parseDouble(v.substring(0, v.length() - 1)) * 1000));
      } else if (v.endsWith("m")) {
        d = Duration.ofSeconds(Long.parseLong(v.substring(0, v.length() - 1)) * 60);
      } else {
        return Optional.empty();
      }
      return Optional.of(d.isNegative() ? Duration.ZERO : d); // already past: due at once
    } catch (NumberFormatException e) {
      return Optional.empty();
    }
  }
}
