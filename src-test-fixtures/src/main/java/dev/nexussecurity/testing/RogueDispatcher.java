package dev.nexussecurity.testing;

import com.google.protobuf.Message;
import com.google.protobuf.Timestamp;
import dev.nexussecurity.api.ReasonCode;
import dev.nexussecurity.testing.internal.InProcessTemporalServer;
import dev.nexussecurity.testing.internal.TaskQueueKey;
import io.temporal.api.common.v1.Payload;
import io.temporal.api.history.v1.HistoryEvent;
import io.temporal.api.history.v1.NexusOperationScheduledEventAttributes;
import io.temporal.api.nexus.v1.CancelOperationRequest;
import io.temporal.api.nexus.v1.Link;
import io.temporal.api.nexus.v1.StartOperationRequest;
import io.temporal.api.workflowservice.v1.RespondNexusTaskCompletedRequest;
import io.temporal.api.workflowservice.v1.RespondNexusTaskFailedRequest;
import io.temporal.client.WorkflowClient;
import io.temporal.common.WorkflowExecutionHistory;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.UnaryOperator;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Plays the adversary that nexus-security's threat model names, on an {@link EmbeddedTemporal}: a
 * party that reads every caller's history (Nexus headers, and so identity tokens, are clear text
 * there) and dispatches Nexus start and cancel requests to a handler <b>directly</b>, with the
 * headers, links, request id and input of its choosing, or alters a genuine request in flight.
 *
 * <p><b>How a request reaches the handler.</b> {@link #dispatch} hands the request to the server's
 * Nexus task routing as a task of the endpoint's target namespace and task queue. A real handler
 * worker receives it from its ordinary {@code PollNexusTaskQueue} long poll and runs its whole
 * Nexus pipeline on it (worker interceptors, nexus-security, the data converter, handler code),
 * exactly as for a task the server made from a caller's command; only the answer is different: the
 * server captures the worker's {@code RespondNexusTaskCompleted}/{@code RespondNexusTaskFailed} and
 * returns it as an {@link Outcome}. On a real Temporal server, the same request could come from
 * anyone who can reach the endpoint through the server's Nexus HTTP API, from a server operator, or
 * from a compromised frontend; none of those is bound to the links or request ids an honest server
 * builds.
 *
 * <p>To run more handler processes, or a restarted one (a new process has empty in-memory state,
 * such as a replay cache), create another worker factory on the same task queue, for example {@link
 * TestNamespace#newWorkerFactory TestNamespace.newWorkerFactory(ns.newOptionsBuilder().build())},
 * and shut the old factory down if the test wants only the new one to receive tasks.
 *
 * <pre>{@code
 * RogueDispatcher rogue = RogueDispatcher.of(env.getTemporal());
 * RogueDispatcher.CopiedCall copied = rogue.readNexusCalls("orders-ns", orderWorkflowId).get(0);
 * RogueDispatcher.Outcome outcome =
 *     rogue.dispatch(copied.newStart().setRequestId(UUID.randomUUID().toString()).build());
 * assertThat(outcome.getDenialReason()).contains(ReasonCode.TOKEN_REPLAYED);
 * }</pre>
 *
 * <p>Thread-safe. Test-only: it exists to attack nexus-security, and works only on the embedded
 * server.
 */
public final class RogueDispatcher {
  /** The link type of a server-built workflow-event link. */
  public static final String WORKFLOW_EVENT_LINK_TYPE = "temporal.api.common.v1.Link.WorkflowEvent";

  /** How long {@link #dispatch} waits for a worker's answer unless the request says otherwise. */
  public static final Duration DEFAULT_TIMEOUT = Duration.ofSeconds(20);

  private static final Pattern ERROR_TYPE = Pattern.compile("error_type: \"([A-Z_]+)\"");
  private static final Pattern DENIAL = Pattern.compile("NexusSecurityDenied\\.([A-Z_]+)");

  private final EmbeddedTemporal temporal;

  private RogueDispatcher(EmbeddedTemporal temporal) {
    this.temporal = temporal;
  }

  /** A dispatcher on {@code temporal}'s server. */
  public static RogueDispatcher of(EmbeddedTemporal temporal) {
    return new RogueDispatcher(Objects.requireNonNull(temporal, "temporal"));
  }

  /**
   * Everything a reader of {@code workflowId}'s history in {@code callerNamespace} learns about its
   * Nexus calls, in schedule order: endpoint, service, operation, request id, headers (identity
   * token included), input, operation token and result (still encoded).
   */
  public List<CopiedCall> readNexusCalls(String callerNamespace, String workflowId) {
    WorkflowClient client = temporal.newWorkflowClient(callerNamespace);
    WorkflowExecutionHistory history = client.fetchHistory(workflowId);
    // The run id as the history's first event records it (a history fetched by workflow id alone
    // carries a placeholder run id in its WorkflowExecution).
    String runId =
        history.getEvents().isEmpty()
                || !history.getEvents().get(0).hasWorkflowExecutionStartedEventAttributes()
            ? history.getWorkflowExecution().getRunId()
            : history
                .getEvents()
                .get(0)
                .getWorkflowExecutionStartedEventAttributes()
                .getOriginalExecutionRunId();
    Map<Long, CopiedCall.Builder> calls = new LinkedHashMap<>();
    for (HistoryEvent event : history.getEvents()) {
      switch (event.getEventType()) {
        case EVENT_TYPE_NEXUS_OPERATION_SCHEDULED -> {
          NexusOperationScheduledEventAttributes a =
              event.getNexusOperationScheduledEventAttributes();
          CopiedCall.Builder b = new CopiedCall.Builder();
          b.callerNamespace = callerNamespace;
          b.workflowId = workflowId;
          b.runId = runId;
          b.scheduledEventId = event.getEventId();
          b.endpoint = a.getEndpoint();
          b.service = a.getService();
          b.operation = a.getOperation();
          b.requestId = a.getRequestId();
          b.headers = Map.copyOf(a.getNexusHeaderMap());
          b.input = a.hasInput() ? a.getInput() : null;
          calls.put(event.getEventId(), b);
        }
        case EVENT_TYPE_NEXUS_OPERATION_STARTED -> {
          CopiedCall.Builder b =
              calls.get(event.getNexusOperationStartedEventAttributes().getScheduledEventId());
          if (b != null) {
            b.operationToken = event.getNexusOperationStartedEventAttributes().getOperationToken();
          }
        }
        case EVENT_TYPE_NEXUS_OPERATION_COMPLETED -> {
          CopiedCall.Builder b =
              calls.get(event.getNexusOperationCompletedEventAttributes().getScheduledEventId());
          if (b != null && event.getNexusOperationCompletedEventAttributes().hasResult()) {
            b.result = event.getNexusOperationCompletedEventAttributes().getResult();
          }
        }
        default -> {}
      }
    }
    List<CopiedCall> out = new ArrayList<>();
    for (CopiedCall.Builder b : calls.values()) {
      out.add(new CopiedCall(b));
    }
    return List.copyOf(out);
  }

  /**
   * Sends {@code request} to a handler worker of its endpoint's target and waits for the worker's
   * answer.
   *
   * @throws IllegalArgumentException if the server has no endpoint of that name
   * @throws IllegalStateException if no worker answered within the request's timeout (no handler
   *     worker polls the target, or it is stuck)
   */
  public Outcome dispatch(Request request) {
    Objects.requireNonNull(request, "request");
    InProcessTemporalServer server = temporal.server();
    TaskQueueKey target =
        server
            .getRoutes()
            .targetOf(request.endpoint)
            .orElseThrow(
                () ->
                    new IllegalArgumentException(
                        "the server has no endpoint '" + request.endpoint + "'"));
    try {
      Message answer =
          server
              .getInjectedNexusTasks()
              .inject(target.namespace(), target.taskQueue(), request.toProto())
              .get(request.timeout.toMillis(), TimeUnit.MILLISECONDS);
      return new Outcome(answer);
    } catch (TimeoutException e) {
      throw new IllegalStateException(
          "no handler worker of "
              + target
              + " answered the "
              + request.kind
              + " request within "
              + request.timeout
              + "; is a worker polling that task queue?",
          e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted while waiting for the handler", e);
    } catch (ExecutionException e) {
      throw new IllegalStateException("dispatch failed", e.getCause());
    }
  }

  /**
   * Alters the next genuine Nexus request the server delivers for {@code endpoint} (once), as a
   * server operator could: {@code rewrite} gets the request the server built from the caller's
   * command (headers, links, request id, input) and returns what the handler receives instead.
   */
  public void rewriteNextRequest(
      String endpoint, UnaryOperator<io.temporal.api.nexus.v1.Request> rewrite) {
    Objects.requireNonNull(rewrite, "rewrite");
    temporal.server().getInjectedNexusTasks().rewriteNext(endpoint, rewrite);
  }

  /**
   * Alters every genuine Nexus request the server delivers for {@code endpoint}, the server's
   * retries included, until the returned handle is closed: a server operator that keeps altering a
   * request however often it is retried.
   */
  public AutoCloseable rewriteRequests(
      String endpoint, UnaryOperator<io.temporal.api.nexus.v1.Request> rewrite) {
    return temporal.server().getInjectedNexusTasks().rewriteAll(endpoint, rewrite);
  }

  /** The link a server builds for a Nexus operation scheduled by the given event. */
  public static String serverLink(
      String callerNamespace, String workflowId, String runId, long scheduledEventId) {
    return "temporal:///namespaces/"
        + callerNamespace
        + "/workflows/"
        + workflowId
        + "/"
        + runId
        + "/history?referenceType=EventReference&eventID="
        + scheduledEventId
        + "&eventType=NexusOperationScheduled";
  }

  /** What a history reader learns about one Nexus call. Immutable. */
  public static final class CopiedCall {
    private final String callerNamespace;
    private final String workflowId;
    private final String runId;
    private final long scheduledEventId;
    private final String endpoint;
    private final String service;
    private final String operation;
    private final String requestId;
    private final Map<String, String> headers;
    private final Payload input;
    private final String operationToken;
    private final Payload result;

    private CopiedCall(Builder b) {
      callerNamespace = b.callerNamespace;
      workflowId = b.workflowId;
      runId = b.runId;
      scheduledEventId = b.scheduledEventId;
      endpoint = b.endpoint;
      service = b.service;
      operation = b.operation;
      requestId = b.requestId;
      headers = b.headers;
      input = b.input;
      operationToken = b.operationToken;
      result = b.result;
    }

    public String getCallerNamespace() {
      return callerNamespace;
    }

    public String getWorkflowId() {
      return workflowId;
    }

    public String getRunId() {
      return runId;
    }

    public String getEndpoint() {
      return endpoint;
    }

    public String getService() {
      return service;
    }

    public String getOperation() {
      return operation;
    }

    /** The request id the server sent with the original start (and every retry of it). */
    public String getRequestId() {
      return requestId;
    }

    /** The Nexus headers the caller set, as stored in its history (lower-case keys). */
    public Map<String, String> getHeaders() {
      return headers;
    }

    /** The encoded input, if the call had one. */
    public Optional<Payload> getInput() {
      return Optional.ofNullable(input);
    }

    /** The operation token of an asynchronous operation, once it started. */
    public Optional<String> getOperationToken() {
      return Optional.ofNullable(operationToken);
    }

    /** The encoded result, once the operation completed with one. */
    public Optional<Payload> getResult() {
      return Optional.ofNullable(result);
    }

    /** The link the server built for this call's start request. */
    public String getServerLink() {
      return serverLink(callerNamespace, workflowId, runId, scheduledEventId);
    }

    /**
     * A start request identical to the one the server sent for this call (same request id, link,
     * headers and input), to be changed as the attack needs.
     */
    public Request.Builder newStart() {
      Request.Builder b =
          Request.newStart(endpoint, service, operation)
              .setRequestId(requestId)
              .setHeaders(headers)
              .setLinks(getServerLink());
      if (input != null) {
        b.setInput(input);
      }
      return b;
    }

    /**
     * A cancel request for this call's operation with this call's headers, as the server sends when
     * the caller cancels.
     *
     * @throws IllegalStateException if the operation has no operation token (it is synchronous or
     *     has not started)
     */
    public Request.Builder newCancel() {
      if (operationToken == null) {
        throw new IllegalStateException(
            "call " + scheduledEventId + " of " + workflowId + " has no operation token");
      }
      return Request.newCancel(endpoint, service, operation, operationToken).setHeaders(headers);
    }

    @Override
    public String toString() {
      return "CopiedCall{"
          + callerNamespace
          + "/"
          + workflowId
          + " #"
          + scheduledEventId
          + " "
          + endpoint
          + " "
          + service
          + "."
          + operation
          + "}";
    }

    private static final class Builder {
      String callerNamespace;
      String workflowId;
      String runId;
      long scheduledEventId;
      String endpoint;
      String service;
      String operation;
      String requestId;
      Map<String, String> headers = Map.of();
      Payload input;
      String operationToken;
      Payload result;
    }
  }

  /** A Nexus start or cancel request of the adversary's choosing. Immutable. */
  public static final class Request {
    /** Start or cancel. */
    public enum Kind {
      START,
      CANCEL
    }

    private final Kind kind;
    private final String endpoint;
    private final String service;
    private final String operation;
    private final String requestId;
    private final String operationToken;
    private final Map<String, String> headers;
    private final List<String> links;
    private final Payload input;
    private final String callbackUrl;
    private final Duration timeout;

    private Request(Builder b) {
      kind = b.kind;
      endpoint = b.endpoint;
      service = b.service;
      operation = b.operation;
      requestId = b.requestId;
      operationToken = b.operationToken;
      headers = Map.copyOf(b.headers);
      links = List.copyOf(b.links);
      input = b.input;
      callbackUrl = b.callbackUrl;
      timeout = b.timeout;
    }

    /** A start request with a random request id, no headers, no links and an empty input. */
    public static Builder newStart(String endpoint, String service, String operation) {
      Builder b = new Builder(Kind.START, endpoint, service, operation);
      b.requestId = UUID.randomUUID().toString();
      return b;
    }

    /** A cancel request for the operation {@code operationToken} names, with no headers. */
    public static Builder newCancel(
        String endpoint, String service, String operation, String operationToken) {
      Builder b = new Builder(Kind.CANCEL, endpoint, service, operation);
      b.operationToken = Objects.requireNonNull(operationToken, "operationToken");
      return b;
    }

    public Builder toBuilder() {
      Builder b = new Builder(kind, endpoint, service, operation);
      b.requestId = requestId;
      b.operationToken = operationToken;
      b.headers = new LinkedHashMap<>(headers);
      b.links = new ArrayList<>(links);
      b.input = input;
      b.callbackUrl = callbackUrl;
      b.timeout = timeout;
      return b;
    }

    public Kind getKind() {
      return kind;
    }

    public String getRequestId() {
      return requestId;
    }

    public Map<String, String> getHeaders() {
      return headers;
    }

    public List<String> getLinks() {
      return links;
    }

    private static Timestamp now() {
      long millis = System.currentTimeMillis();
      return Timestamp.newBuilder()
          .setSeconds(Math.floorDiv(millis, 1000))
          .setNanos(Math.floorMod(millis, 1000) * 1_000_000)
          .build();
    }

    io.temporal.api.nexus.v1.Request toProto() {
      io.temporal.api.nexus.v1.Request.Builder b =
          io.temporal.api.nexus.v1.Request.newBuilder()
              .setEndpoint(endpoint)
              .putAllHeader(headers)
              .putHeader("request-timeout", timeout.toMillis() + "ms")
              .setScheduledTime(now());
      if (kind == Kind.START) {
        StartOperationRequest.Builder start =
            StartOperationRequest.newBuilder()
                .setService(service)
                .setOperation(operation)
                .setRequestId(requestId)
                .setCallback(callbackUrl);
        if (input != null) {
          start.setPayload(input);
        }
        for (String link : links) {
          start.addLinks(Link.newBuilder().setUrl(link).setType(WORKFLOW_EVENT_LINK_TYPE));
        }
        b.setStartOperation(start);
      } else {
        b.setCancelOperation(
            CancelOperationRequest.newBuilder()
                .setService(service)
                .setOperation(operation)
                .setOperationToken(operationToken));
      }
      return b.build();
    }

    @Override
    public String toString() {
      return "RogueDispatcher.Request{"
          + kind
          + " "
          + endpoint
          + " "
          + service
          + "."
          + operation
          + ", requestId="
          + requestId
          + ", links="
          + links
          + ", headers="
          + headers.keySet()
          + "}";
    }

    /** Builds a {@link Request}. */
    public static final class Builder {
      private final Kind kind;
      private final String endpoint;
      private final String service;
      private final String operation;
      private String requestId = "";
      private String operationToken;
      private Map<String, String> headers = new LinkedHashMap<>();
      private List<String> links = new ArrayList<>();
      private Payload input;
      private String callbackUrl = "http://rogue.invalid/callback";
      private Duration timeout = DEFAULT_TIMEOUT;

      private Builder(Kind kind, String endpoint, String service, String operation) {
        this.kind = kind;
        this.endpoint = requireText("endpoint", endpoint);
        this.service = requireText("service", service);
        this.operation = requireText("operation", operation);
      }

      /** The start's request id; the server sends the same one with every retry of a start. */
      public Builder setRequestId(String requestId) {
        this.requestId = Objects.requireNonNull(requestId, "requestId");
        return this;
      }

      /** Replaces all headers (keys as the server sends them: lower case). */
      public Builder setHeaders(Map<String, String> headers) {
        this.headers = new LinkedHashMap<>(Objects.requireNonNull(headers, "headers"));
        return this;
      }

      /** Sets one header, or removes it when {@code value} is null. */
      public Builder setHeader(String name, String value) {
        Objects.requireNonNull(name, "name");
        if (value == null) {
          headers.remove(name);
        } else {
          headers.put(name, value);
        }
        return this;
      }

      /**
       * Replaces the start's links (URIs of type {@link #WORKFLOW_EVENT_LINK_TYPE}); none = no
       * link.
       */
      public Builder setLinks(String... linkUris) {
        this.links = new ArrayList<>(Arrays.asList(linkUris));
        return this;
      }

      /** The start's encoded input. */
      public Builder setInput(Payload input) {
        this.input = Objects.requireNonNull(input, "input");
        return this;
      }

      /** The start's completion callback URL; a URL that leads nowhere by default. */
      public Builder setCallbackUrl(String callbackUrl) {
        this.callbackUrl = Objects.requireNonNull(callbackUrl, "callbackUrl");
        return this;
      }

      /** How long {@link RogueDispatcher#dispatch} waits for the worker's answer. */
      public Builder setTimeout(Duration timeout) {
        if (timeout == null || timeout.isNegative() || timeout.isZero()) {
          throw new IllegalArgumentException("timeout must be positive, got " + timeout);
        }
        this.timeout = timeout;
        return this;
      }

      public Request build() {
        if (kind == Kind.START && requestId.isEmpty()) {
          throw new IllegalStateException("a start needs a request id, got ''");
        }
        return new Request(this);
      }

      private static String requireText(String field, String value) {
        if (value == null || value.isEmpty()) {
          throw new IllegalArgumentException(field + " must be non-empty, got " + value);
        }
        return value;
      }
    }
  }

  /** A handler worker's answer to a dispatched request. Immutable. */
  public static final class Outcome {
    private final Message answer;

    private Outcome(Message answer) {
      this.answer = answer;
    }

    /**
     * Whether the handler accepted the request: a start that completed (synchronously with a
     * result, or asynchronously with an operation token) or a cancel that was acknowledged.
     */
    public boolean isAdmitted() {
      if (!(answer instanceof RespondNexusTaskCompletedRequest completed)) {
        return false;
      }
      io.temporal.api.nexus.v1.Response response = completed.getResponse();
      if (response.hasCancelOperation()) {
        return true;
      }
      return response.hasStartOperation()
          && (response.getStartOperation().hasSyncSuccess()
              || response.getStartOperation().hasAsyncSuccess());
    }

    /** The nexus-security reason a denial carries, if the answer is one this version knows. */
    public Optional<ReasonCode> getDenialReason() {
      Optional<String> name = getDenialReasonName();
      for (ReasonCode code : ReasonCode.values()) {
        if (name.isPresent() && code.name().equals(name.get())) {
          return Optional.of(code);
        }
      }
      return Optional.empty();
    }

    /**
     * The name of the nexus-security reason a denial carries (the {@code
     * NexusSecurityDenied.<NAME>} failure type), if the answer is one.
     */
    public Optional<String> getDenialReasonName() {
      Matcher m = DENIAL.matcher(answer.toString());
      return m.find() ? Optional.of(m.group(1)) : Optional.empty();
    }

    /** The Nexus handler error type ({@code UNAUTHENTICATED}, {@code INTERNAL}...), if any. */
    public Optional<String> getHandlerErrorType() {
      if (answer instanceof RespondNexusTaskFailedRequest failed) {
        if (failed.hasFailure() && failed.getFailure().hasNexusHandlerFailureInfo()) {
          return Optional.of(failed.getFailure().getNexusHandlerFailureInfo().getType());
        }
        Matcher m = ERROR_TYPE.matcher(failed.toString()); // the older HandlerError field
        if (m.find()) {
          return Optional.of(m.group(1));
        }
      }
      return Optional.empty();
    }

    /** The failure message the worker reported, if it reported a failure. */
    public Optional<String> getFailureMessage() {
      if (answer instanceof RespondNexusTaskFailedRequest failed && failed.hasFailure()) {
        return Optional.of(failed.getFailure().getMessage());
      }
      if (answer instanceof RespondNexusTaskCompletedRequest completed
          && completed.getResponse().getStartOperation().hasFailure()) {
        return Optional.of(completed.getResponse().getStartOperation().getFailure().getMessage());
      }
      return Optional.empty();
    }

    /** The synchronous result of an admitted start, still encoded. */
    public Optional<Payload> getSyncResult() {
      if (answer instanceof RespondNexusTaskCompletedRequest completed
          && completed.getResponse().getStartOperation().hasSyncSuccess()) {
        return Optional.of(
            completed.getResponse().getStartOperation().getSyncSuccess().getPayload());
      }
      return Optional.empty();
    }

    /**
     * The worker's answer as sent: a {@code RespondNexusTaskCompletedRequest} or {@code
     * ...FailedRequest}.
     */
    public Message getAnswer() {
      return answer;
    }

    @Override
    public String toString() {
      return "RogueDispatcher.Outcome{admitted="
          + isAdmitted()
          + ", reason="
          + getDenialReason().map(Enum::name).orElse("none")
          + ", "
          + answer.getClass().getSimpleName()
          + getHandlerErrorType().map(t -> " " + t).orElse("")
          + getFailureMessage().map(m -> ": " + m).orElse("")
          + "}";
    }
  }
}
