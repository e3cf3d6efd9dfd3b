package dev.nexussecurity.it.support;

import io.temporal.workflow.SignalMethod;
import io.temporal.workflow.Workflow;
import io.temporal.workflow.WorkflowInterface;
import io.temporal.workflow.WorkflowMethod;
import io.temporal.workflow.unsafe.WorkflowUnsafe;

/**
 * The workflows that the workflow-run operations of {@link ProbeService} start in the handler
 * namespace.
 */
public final class HandlerWorkflows {
  private HandlerWorkflows() {}

  /** Workflow id of the {@link Quick} workflow started for {@code input}. */
  public static String quickId(String input) {
    return "quick-" + input;
  }

  /** Workflow id of the {@link Waiting} workflow started for {@code input}. */
  public static String waitingId(String input) {
    return "waiting-" + input;
  }

  /** Answers at once with {@code "workflow <input> in <namespace>"}. */
  @WorkflowInterface
  public interface Quick {
    @WorkflowMethod
    String run(String input);
  }

  /**
   * Runs until {@link #release()} is signalled (answers {@code "released <input>"}) or it is
   * cancelled.
   */
  @WorkflowInterface
  public interface Waiting {
    @WorkflowMethod
    String run(String input);

    @SignalMethod
    void release();
  }

  /** Implementation of {@link Quick}. */
  public static final class QuickImpl implements Quick {
    @Override
    public String run(String input) {
      if (!WorkflowUnsafe.isReplaying()) {
        HandlerInvocations.record("Quick", input);
      }
      return "workflow " + input + " in " + Workflow.getInfo().getNamespace();
    }
  }

  /** Implementation of {@link Waiting}. */
  public static final class WaitingImpl implements Waiting {
    private boolean released;

    @Override
    public String run(String input) {
      if (!WorkflowUnsafe.isReplaying()) {
        HandlerInvocations.record("Waiting", input);
      }
      Workflow.await(() -> released);
      return "released " + input;
    }

    @Override
    public void release() {
      released = true;
    }
  }
}
