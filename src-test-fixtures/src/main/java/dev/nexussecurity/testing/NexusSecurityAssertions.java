package dev.nexussecurity.testing;

import com.google.protobuf.ByteString;
import dev.nexussecurity.api.AccessDecisionEvent;
import dev.nexussecurity.api.ReasonCode;
import dev.nexussecurity.core.AccessDenials;
import dev.nexussecurity.core.CompatibilityReport;
import dev.nexussecurity.core.ConverterCompatibilityCheck;
import dev.nexussecurity.testing.internal.HistoryPayloadScanner;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.temporal.api.common.v1.WorkflowExecution;
import io.temporal.api.history.v1.HistoryEvent;
import io.temporal.api.workflow.v1.WorkflowExecutionInfo;
import io.temporal.api.workflowservice.v1.GetWorkflowExecutionHistoryRequest;
import io.temporal.api.workflowservice.v1.GetWorkflowExecutionHistoryResponse;
import io.temporal.api.workflowservice.v1.ListClosedWorkflowExecutionsRequest;
import io.temporal.api.workflowservice.v1.ListClosedWorkflowExecutionsResponse;
import io.temporal.api.workflowservice.v1.ListOpenWorkflowExecutionsRequest;
import io.temporal.api.workflowservice.v1.ListOpenWorkflowExecutionsResponse;
import io.temporal.api.workflowservice.v1.WorkflowServiceGrpc;
import io.temporal.common.converter.DataConverter;
import io.temporal.failure.TimeoutFailure;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.StringJoiner;
import org.opentest4j.AssertionFailedError;

/**
 * Assertions for tests of Nexus services secured by nexus-security. Each throws an {@link
 * AssertionFailedError} whose message says what was expected and what was found; none needs a
 * particular assertion library.
 *
 * <pre>{@code
 * WorkflowFailedException e = assertThrows(WorkflowFailedException.class, () -> caller.order("o-1"));
 * assertDenied(e, ReasonCode.CALLER_NOT_ALLOWED, AccessDecisionEvent.Side.HANDLER);
 *
 * assertAllPayloadsEncrypted(env.getNamespace("orders-ns"));
 * assertCompatible(env.getNamespace("orders-ns"), env.getNamespace("payments-ns"));
 * }</pre>
 *
 * <p>Messages never contain payload data or key material.
 */
public final class NexusSecurityAssertions {
  private static final int PAGE_SIZE = 1000;

  private NexusSecurityAssertions() {}

  /**
   * Asserts that {@code failure} (typically the {@code WorkflowFailedException} of a caller
   * workflow, or the {@code NexusOperationFailure} a workflow caught) is a nexus-security denial
   * with reason {@code expected}, read with {@link AccessDenials#reasonOf}, and not a timeout: a
   * failure that was retried until its schedule-to-close timeout has a {@link TimeoutFailure} in
   * its cause chain, even if an attempt was denied.
   *
   * @throws AssertionFailedError if not, with the failure attached as cause
   */
  public static void assertDenied(Throwable failure, ReasonCode expected) {
    Objects.requireNonNull(expected, "expected");
    if (failure == null) {
      throw new AssertionFailedError(
          "expected a nexus-security denial with reason "
              + expected
              + ", but there was no failure");
    }
    List<Throwable> chain = chain(failure);
    Optional<ReasonCode> reason = AccessDenials.reasonOf(failure);
    if (chain.stream().anyMatch(TimeoutFailure.class::isInstance)) {
      throw new AssertionFailedError(
          "expected a nexus-security denial with reason "
              + expected
              + ", but the call timed out"
              + reason.map(r -> " (an attempt was denied with " + r + ")").orElse("")
              + ": a denial must fail the call at once. Failure chain: "
              + describe(chain),
          failure);
    }
    if (reason.isEmpty()) {
      throw new AssertionFailedError(
          "expected a nexus-security denial with reason "
              + expected
              + ", but the failure is not a nexus-security denial. Failure chain: "
              + describe(chain),
          expected,
          null,
          failure);
    }
    if (reason.get() != expected) {
      throw new AssertionFailedError(
          "expected a nexus-security denial with reason "
              + expected
              + ", but it was denied with "
              + reason.get()
              + ". Failure chain: "
              + describe(chain),
          expected,
          reason.get(),
          failure);
    }
  }

  /**
   * Like {@link #assertDenied(Throwable, ReasonCode)}, and also that the denial was made on {@code
   * side}: by the caller's own worker before anything was scheduled, or by the handler's worker
   * before any handler code ran.
   *
   * @throws AssertionFailedError if not, with the failure attached as cause
   */
  public static void assertDenied(
      Throwable failure, ReasonCode expected, AccessDecisionEvent.Side side) {
    Objects.requireNonNull(side, "side");
    assertDenied(failure, expected);
    String marker = "nexus-security DENIED [" + expected.name() + "]";
    String sideText = "(" + side.name().toLowerCase(Locale.ROOT) + " side)";
    for (Throwable t : chain(failure)) {
      String message = t.getMessage();
      if (message != null && message.contains(marker) && message.contains(sideText)) {
        return;
      }
    }
    AccessDecisionEvent.Side other =
        side == AccessDecisionEvent.Side.CALLER
            ? AccessDecisionEvent.Side.HANDLER
            : AccessDecisionEvent.Side.CALLER;
    throw new AssertionFailedError(
        "expected the denial with reason "
            + expected
            + " to be made on the "
            + side.name().toLowerCase(Locale.ROOT)
            + " side, but no denial message says "
            + sideText
            + (chain(failure).stream()
                    .anyMatch(
                        t ->
                            t.getMessage() != null
                                && t.getMessage()
                                    .contains(
                                        "(" + other.name().toLowerCase(Locale.ROOT) + " side)"))
                ? "; it was made on the " + other.name().toLowerCase(Locale.ROOT) + " side"
                : ""),
        side,
        other,
        failure);
  }

  /**
   * Asserts that every payload in every workflow history of {@code namespace} is encrypted by the
   * nexus-security Tink codec; see {@link #assertAllPayloadsEncrypted(EmbeddedTemporal, String)}.
   *
   * @return the number of payloads checked
   */
  public static int assertAllPayloadsEncrypted(TestNamespace namespace) {
    Objects.requireNonNull(namespace, "namespace");
    return assertAllPayloadsEncrypted(namespace.getTemporal(), namespace.getName());
  }

  /**
   * Asserts that every payload in every workflow history of {@code namespace} (open and closed
   * workflows, listed through the server) is encrypted by the nexus-security Tink codec: encoding
   * {@code binary/encrypted} with the codec's {@code nexus-security-format} and {@code
   * nexus-security-key-id} metadata. Checked: inputs and results of workflows, activities and child
   * workflows, Nexus operation inputs and results, signals, updates, memos, headers, markers, and
   * the details of failures and their causes.
   *
   * <p>Not checked, since the Temporal SDK writes them with its standard converter and never
   * through a codec and they hold no application data: search attributes, and the SDK's bookkeeping
   * entries of its {@code Version}, {@code MutableSideEffect} and {@code LocalActivity} markers
   * (change id and version; side effect id and skip count; local activity id, type, time and
   * metadata). Side effect data and local activity inputs and results are checked.
   *
   * <p>Fails if the histories hold no payload at all, since that usually means the namespace name
   * is wrong or nothing ran yet. Call it once the workflows of interest have completed: payloads of
   * a still-running workflow that are not yet in its history cannot be checked.
   *
   * @return the number of payloads checked
   * @throws AssertionFailedError naming the first unencrypted payload by workflow, event id, event
   *     type and field, with its encoding (never its data), and how many payloads were not
   *     encrypted
   */
  public static int assertAllPayloadsEncrypted(EmbeddedTemporal temporal, String namespace) {
    Objects.requireNonNull(temporal, "temporal");
    Objects.requireNonNull(namespace, "namespace");
    WorkflowServiceGrpc.WorkflowServiceBlockingStub stub =
        temporal.getWorkflowServiceStubs().blockingStub();
    int workflows = 0;
    int checked = 0;
    int unencrypted = 0;
    String first = null;
    for (WorkflowExecution execution : listExecutions(stub, namespace)) {
      List<HistoryEvent> events = history(stub, namespace, execution);
      if (events == null) {
        continue; // a workflow of another namespace: the embedded server lists all namespaces
      }
      workflows++;
      List<HistoryPayloadScanner.Found> found = new ArrayList<>();
      for (HistoryEvent event : events) {
        HistoryPayloadScanner.scan(event, found::add);
      }
      for (HistoryPayloadScanner.Found payload : found) {
        checked++;
        if (!payload.isEncrypted()) {
          unencrypted++;
          if (first == null) {
            first =
                "workflow '"
                    + execution.getWorkflowId()
                    + "' (run "
                    + execution.getRunId()
                    + "), event "
                    + payload.getEventId()
                    + " "
                    + payload.getEventType().name()
                    + ", field "
                    + payload.getPath()
                    + ": encoding '"
                    + payload.getEncoding()
                    + "'";
          }
        }
      }
    }
    if (checked == 0) {
      throw new AssertionFailedError(
          "namespace '"
              + namespace
              + "': found no payloads to check in "
              + workflows
              + " workflow histories; run workflows in this namespace first, or check its name");
    }
    if (unencrypted > 0) {
      throw new AssertionFailedError(
          "namespace '"
              + namespace
              + "': "
              + unencrypted
              + " of "
              + checked
              + " payloads in "
              + workflows
              + " workflow histories are not encrypted. First: "
              + first
              + ". An encrypted payload has encoding '"
              + HistoryPayloadScanner.ENCRYPTED_ENCODING
              + "' and nexus-security-* metadata; give the namespace's workers and clients a"
              + " DataConverter with the TinkPayloadCodec");
    }
    return checked;
  }

  /**
   * Asserts that a caller using {@code callerConverter} and a handler using {@code
   * handlerConverter} interoperate in both directions, by running {@link
   * ConverterCompatibilityCheck} with its built-in probes.
   *
   * @return the report, all OK
   * @throws AssertionFailedError carrying the report ({@link CompatibilityReport#format()}) if not
   */
  public static CompatibilityReport assertCompatible(
      DataConverter callerConverter, DataConverter handlerConverter) {
    CompatibilityReport report =
        ConverterCompatibilityCheck.newBuilder(callerConverter, handlerConverter).build().run();
    if (!report.isCompatible()) {
      throw new AssertionFailedError(
          "expected the caller's and the handler's converters to be compatible:\n"
              + report.format());
    }
    return report;
  }

  /** {@link #assertCompatible(DataConverter, DataConverter)} for two namespaces' converters. */
  public static CompatibilityReport assertCompatible(TestNamespace caller, TestNamespace handler) {
    Objects.requireNonNull(caller, "caller");
    Objects.requireNonNull(handler, "handler");
    return assertCompatible(caller.getDataConverter(), handler.getDataConverter());
  }

  // ---------------------------------------------------------------------------------------------

  private static List<Throwable> chain(Throwable failure) {
    List<Throwable> chain = new ArrayList<>();
    for (Throwable t = failure; t != null && !chain.contains(t); t = t.getCause()) {
      chain.add(t);
    }
    return chain;
  }

  private static String describe(List<Throwable> chain) {
    StringJoiner joiner = new StringJoiner(" <- ");
    for (Throwable t : chain) {
      joiner.add(t.getClass().getSimpleName());
    }
    return joiner + " (see the cause of this error)";
  }

  /** Open and closed executions, deduplicated by run id. */
  private static List<WorkflowExecution> listExecutions(
      WorkflowServiceGrpc.WorkflowServiceBlockingStub stub, String namespace) {
    Map<String, WorkflowExecution> executions = new LinkedHashMap<>();
    ByteString token = ByteString.EMPTY;
    do {
      ListOpenWorkflowExecutionsResponse open =
          stub.listOpenWorkflowExecutions(
              ListOpenWorkflowExecutionsRequest.newBuilder()
                  .setNamespace(namespace)
                  .setMaximumPageSize(PAGE_SIZE)
                  .setNextPageToken(token)
                  .build());
      for (WorkflowExecutionInfo info : open.getExecutionsList()) {
        executions.putIfAbsent(info.getExecution().getRunId(), info.getExecution());
      }
      token = open.getNextPageToken();
    } while (!token.isEmpty());
    do {
      ListClosedWorkflowExecutionsResponse closed =
          stub.listClosedWorkflowExecutions(
              ListClosedWorkflowExecutionsRequest.newBuilder()
                  .setNamespace(namespace)
                  .setMaximumPageSize(PAGE_SIZE)
                  .setNextPageToken(token)
                  .build());
      for (WorkflowExecutionInfo info : closed.getExecutionsList()) {
        executions.putIfAbsent(info.getExecution().getRunId(), info.getExecution());
      }
      token = closed.getNextPageToken();
    } while (!token.isEmpty());
    return new ArrayList<>(executions.values());
  }

  /**
   * The events of {@code execution} in {@code namespace}, or null if it is not in that namespace.
   */
  private static List<HistoryEvent> history(
      WorkflowServiceGrpc.WorkflowServiceBlockingStub stub,
      String namespace,
      WorkflowExecution execution) {
    List<HistoryEvent> events = new ArrayList<>();
    ByteString token = ByteString.EMPTY;
    do {
      GetWorkflowExecutionHistoryResponse response;
      try {
        response =
            stub.getWorkflowExecutionHistory(
                GetWorkflowExecutionHistoryRequest.newBuilder()
                    .setNamespace(namespace)
                    .setExecution(execution)
                    .setNextPageToken(token)
                    .build());
      } catch (StatusRuntimeException e) {
        if (e.getStatus().getCode() == Status.Code.NOT_FOUND) {
          return null;
        }
        throw e;
      }
      events.addAll(response.getHistory().getEventsList());
      token = response.getNextPageToken();
    } while (!token.isEmpty());
    return events;
  }
}
