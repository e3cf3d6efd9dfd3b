package dev.nexussecurity.testing.support;

import io.temporal.workflow.SignalMethod;
import io.temporal.workflow.Workflow;
import io.temporal.workflow.WorkflowInterface;
import io.temporal.workflow.WorkflowMethod;

/** Started by {@link RaceService#run}. */
@WorkflowInterface
public interface RaceWorkflow {
  /** Answers at once. */
  String NOW = "now";

  /** Waits until cancelled. */
  String UNTIL_CANCELLED = "until-cancelled";

  /** Waits for {@link #finish()}, then answers (or until cancelled). */
  String UNTIL_FINISHED = "until-finished";

  /**
   * Answers {@code "done <id>"}, when {@code mode} says.
   *
   * @param mode {@link #NOW}, {@link #UNTIL_CANCELLED} or {@link #UNTIL_FINISHED}
   */
  @WorkflowMethod
  String run(String id, String mode);

  /** Lets an {@link #UNTIL_FINISHED} run answer. */
  @SignalMethod
  void finish();

  /** Implementation. */
  final class Impl implements RaceWorkflow {
    private boolean finished;

    @Override
    public String run(String id, String mode) {
      switch (mode) {
        case NOW -> {}
        case UNTIL_CANCELLED -> Workflow.await(() -> false);
        case UNTIL_FINISHED -> Workflow.await(() -> finished);
        default -> throw new IllegalArgumentException("unknown mode " + mode);
      }
      return "done " + id;
    }

    @Override
    public void finish() {
      finished = true;
    }
  }
}
