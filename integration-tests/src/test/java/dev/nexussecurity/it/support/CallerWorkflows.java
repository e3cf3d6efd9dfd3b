package dev.nexussecurity.it.support;

import dev.nexussecurity.core.AccessDenials;
import io.temporal.failure.ApplicationFailure;
import io.temporal.failure.NexusOperationFailure;
import io.temporal.workflow.CancellationScope;
import io.temporal.workflow.NexusOperationCancellationType;
import io.temporal.workflow.NexusOperationHandle;
import io.temporal.workflow.NexusOperationOptions;
import io.temporal.workflow.NexusServiceOptions;
import io.temporal.workflow.QueryMethod;
import io.temporal.workflow.SignalMethod;
import io.temporal.workflow.Workflow;
import io.temporal.workflow.WorkflowInterface;
import io.temporal.workflow.WorkflowMethod;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/** The caller workflows of the end-to-end tests. */
public final class CallerWorkflows {
  /**
   * Schedule-to-close timeout of every Nexus operation: a denial that were wrongly retryable would
   * end the caller's operation in a {@code TimeoutFailure} after this long instead of hanging the
   * test.
   */
  public static final Duration OPERATION_TIMEOUT = Duration.ofSeconds(15);

  private CallerWorkflows() {}

  static ProbeService stub(String endpoint, NexusOperationCancellationType cancellationType) {
    return stub(endpoint, cancellationType, OPERATION_TIMEOUT);
  }

  static ProbeService stub(
      String endpoint, NexusOperationCancellationType cancellationType, Duration timeout) {
    NexusOperationOptions.Builder operation =
        NexusOperationOptions.newBuilder().setScheduleToCloseTimeout(timeout);
    if (cancellationType != null) {
      operation.setCancellationType(cancellationType);
    }
    return Workflow.newNexusServiceStub(
        ProbeService.class,
        NexusServiceOptions.newBuilder()
            .setEndpoint(endpoint)
            .setOperationOptions(operation.build())
            .build());
  }

  static String invoke(ProbeService service, String operation, String input) {
    switch (operation) {
      case "echo":
        return service.echo(input);
      case "echoAgain":
        return service.echoAgain(input);
      case "runWorkflow":
        return service.runWorkflow(input);
      default:
        throw new IllegalArgumentException("unknown operation " + operation);
    }
  }

  /** Calls one operation; a failure fails the workflow. */
  @WorkflowInterface
  public interface OneCall {
    /**
     * @param operation {@code echo}, {@code echoAgain} or {@code runWorkflow}
     */
    @WorkflowMethod
    String call(String endpoint, String operation, String input);
  }

  /** Implementation of {@link OneCall}. */
  public static final class OneCallImpl implements OneCall {
    @Override
    public String call(String endpoint, String operation, String input) {
      return invoke(stub(endpoint, null), operation, input);
    }
  }

  /**
   * Calls one operation with a schedule-to-close timeout of its own; a failure fails the workflow.
   */
  @WorkflowInterface
  public interface TimedCall {
    /**
     * @param operation {@code echo}, {@code echoAgain} or {@code runWorkflow}
     * @param scheduleToCloseMillis the operation's schedule-to-close timeout
     */
    @WorkflowMethod
    String call(String endpoint, String operation, String input, long scheduleToCloseMillis);
  }

  /** Implementation of {@link TimedCall}. */
  public static final class TimedCallImpl implements TimedCall {
    @Override
    public String call(
        String endpoint, String operation, String input, long scheduleToCloseMillis) {
      return invoke(
          stub(endpoint, null, Duration.ofMillis(scheduleToCloseMillis)), operation, input);
    }
  }

  /**
   * Sleeps for a stretch of workflow time, then calls one operation with the given
   * schedule-to-close timeout; a failure fails the workflow.
   */
  @WorkflowInterface
  public interface SleepThenCall {
    @WorkflowMethod
    String call(
        long sleepMillis,
        String endpoint,
        String operation,
        String input,
        long scheduleToCloseMillis);
  }

  /** Implementation of {@link SleepThenCall}. */
  public static final class SleepThenCallImpl implements SleepThenCall {
    @Override
    public String call(
        long sleepMillis,
        String endpoint,
        String operation,
        String input,
        long scheduleToCloseMillis) {
      Workflow.sleep(Duration.ofMillis(sleepMillis));
      return invoke(
          stub(endpoint, null, Duration.ofMillis(scheduleToCloseMillis)), operation, input);
    }
  }

  /**
   * Calls one operation per input, waiting for a {@link #proceed()} signal before every call but
   * the first, so the test can change the registry while the workflow runs. Each outcome is {@code
   * "ok: <result>"} or {@code "denied <REASON>: <message>"}.
   */
  @WorkflowInterface
  public interface Stepwise {
    @WorkflowMethod
    List<String> run(String endpoint, String operation, List<String> inputs);

    @SignalMethod
    void proceed();

    /** The outcomes so far. */
    @QueryMethod
    List<String> outcomes();
  }

  /** Implementation of {@link Stepwise}. */
  public static final class StepwiseImpl implements Stepwise {
    private final List<String> outcomes = new ArrayList<>();
    private int proceedSignals;

    @Override
    public List<String> run(String endpoint, String operation, List<String> inputs) {
      ProbeService service = stub(endpoint, null);
      for (int i = 0; i < inputs.size(); i++) {
        int step = i;
        Workflow.await(() -> proceedSignals >= step);
        try {
          outcomes.add("ok: " + invoke(service, operation, inputs.get(i)));
        } catch (NexusOperationFailure e) {
          outcomes.add(
              "denied "
                  + AccessDenials.reasonOf(e)
                      .map(Enum::name)
                      .orElse("(not a nexus-security denial)")
                  + ": "
                  + rootMessage(e));
        }
      }
      return outcomes;
    }

    @Override
    public void proceed() {
      proceedSignals++;
    }

    @Override
    public List<String> outcomes() {
      return List.copyOf(outcomes);
    }

    private static String rootMessage(Throwable t) {
      Throwable root = t;
      while (root.getCause() != null && root.getCause() != root) {
        root = root.getCause();
      }
      return root instanceof ApplicationFailure
          ? ((ApplicationFailure) root).getOriginalMessage()
          : root.getMessage();
    }
  }

  /**
   * Starts {@link ProbeService#waitWorkflow} in a cancellation scope, waits until it has started,
   * then waits for {@link #cancelNow()}, cancels the scope and returns the operation's result (or
   * fails with the operation's failure).
   */
  @WorkflowInterface
  public interface CancellingCaller {
    @WorkflowMethod
    String startThenCancel(
        String endpoint, String input, NexusOperationCancellationType cancellationType);

    @SignalMethod
    void cancelNow();
  }

  /** Implementation of {@link CancellingCaller}. */
  public static final class CancellingCallerImpl implements CancellingCaller {
    private boolean cancel;

    @Override
    public String startThenCancel(
        String endpoint, String input, NexusOperationCancellationType cancellationType) {
      ProbeService service = stub(endpoint, cancellationType);
      List<NexusOperationHandle<String>> handle = new ArrayList<>();
      CancellationScope scope =
          Workflow.newCancellationScope(
              () -> handle.add(Workflow.startNexusOperation(service::waitWorkflow, input)));
      scope.run();
      handle.get(0).getExecution().get();
      Workflow.await(() -> cancel);
      scope.cancel();
      return handle.get(0).getResult().get();
    }

    @Override
    public void cancelNow() {
      cancel = true;
    }
  }
}
