package dev.nexussecurity.testing.internal;

import com.google.protobuf.ByteString;
import com.google.protobuf.Message;
import io.temporal.api.nexus.v1.Request;
import io.temporal.api.workflowservice.v1.PollNexusTaskQueueResponse;
import io.temporal.api.workflowservice.v1.RespondNexusTaskCompletedRequest;
import io.temporal.api.workflowservice.v1.RespondNexusTaskFailedRequest;
import java.nio.charset.StandardCharsets;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.UnaryOperator;

/**
 * Nexus tasks that did not come from a workflow: requests made up by a test (a rogue party that
 * dispatches Nexus requests directly), handed to the target's pollers through the {@link
 * NexusPollRouter}, and the handler worker's answer to each, which the server captures instead of
 * passing it to the stock handler (the task token is not one of the stock server's). Also holds
 * rewrites of genuine tasks that a test asked for (a server that alters a request in flight).
 *
 * <p>Thread-safe.
 */
public final class InjectedNexusTasks {
  private static final byte[] TOKEN_PREFIX =
      "nexus-security-injected-task:".getBytes(StandardCharsets.US_ASCII);

  private final AtomicLong ids = new AtomicLong();
  private final ConcurrentMap<ByteString, CompletableFuture<Message>> pending =
      new ConcurrentHashMap<>();
  private final ConcurrentMap<String, Rewrite> rewrites = new ConcurrentHashMap<>();

  /** A planned rewrite: once, or of every request until removed. */
  private record Rewrite(UnaryOperator<Request> operator, boolean once) {}

  private volatile NexusPollRouter router;

  void attach(NexusPollRouter router) {
    this.router = router;
  }

  /**
   * Hands {@code request} to a poller of {@code (namespace, taskQueue)} as a Nexus task and returns
   * the worker's answer: a {@link RespondNexusTaskCompletedRequest} or a {@link
   * RespondNexusTaskFailedRequest}.
   */
  public CompletableFuture<Message> inject(String namespace, String taskQueue, Request request) {
    Objects.requireNonNull(request, "request");
    NexusPollRouter current = router;
    if (current == null) {
      throw new IllegalStateException("server not started");
    }
    ByteString token =
        ByteString.copyFrom(TOKEN_PREFIX)
            .concat(ByteString.copyFromUtf8(Long.toString(ids.incrementAndGet())));
    CompletableFuture<Message> answer = new CompletableFuture<>();
    pending.put(token, answer);
    answer.whenComplete((r, e) -> pending.remove(token));
    current.deliver(
        new TaskQueueKey(namespace, taskQueue),
        PollNexusTaskQueueResponse.newBuilder().setTaskToken(token).setRequest(request).build());
    return answer;
  }

  /**
   * Rewrites the next genuine Nexus task for {@code endpoint} with {@code rewrite} before a handler
   * worker receives it (once).
   */
  public void rewriteNext(String endpoint, UnaryOperator<Request> rewrite) {
    rewrites.put(
        Objects.requireNonNull(endpoint, "endpoint"),
        new Rewrite(Objects.requireNonNull(rewrite, "rewrite"), true));
  }

  /**
   * Rewrites every genuine Nexus task for {@code endpoint} (retries included) with {@code rewrite}
   * until the returned handle is closed.
   */
  public AutoCloseable rewriteAll(String endpoint, UnaryOperator<Request> rewrite) {
    Rewrite planned = new Rewrite(Objects.requireNonNull(rewrite, "rewrite"), false);
    rewrites.put(Objects.requireNonNull(endpoint, "endpoint"), planned);
    return () -> rewrites.remove(endpoint, planned);
  }

  /** Applies and forgets the rewrite planned for {@code task}'s endpoint, if any. */
  PollNexusTaskQueueResponse rewriteIfPlanned(PollNexusTaskQueueResponse task) {
    if (rewrites.isEmpty() || isInjected(task.getTaskToken())) {
      return task;
    }
    String endpoint = task.getRequest().getEndpoint();
    Rewrite rewrite = rewrites.get(endpoint);
    if (rewrite == null || (rewrite.once() && !rewrites.remove(endpoint, rewrite))) {
      return task;
    }
    return task.toBuilder().setRequest(rewrite.operator().apply(task.getRequest())).build();
  }

  /** Whether {@code token} is the token of an injected task. */
  static boolean isInjected(ByteString token) {
    return token.startsWith(ByteString.copyFrom(TOKEN_PREFIX));
  }

  /** Captures a completion of an injected task; false if it is a task of the stock server. */
  boolean capture(RespondNexusTaskCompletedRequest request) {
    return capture(request.getTaskToken(), request);
  }

  /** Captures a failure of an injected task; false if it is a task of the stock server. */
  boolean capture(RespondNexusTaskFailedRequest request) {
    return capture(request.getTaskToken(), request);
  }

  private boolean capture(ByteString token, Message answer) {
    if (!isInjected(token)) {
      return false;
    }
    CompletableFuture<Message> future = pending.get(token);
    if (future != null) {
      future.complete(answer);
    }
    return true;
  }
}
