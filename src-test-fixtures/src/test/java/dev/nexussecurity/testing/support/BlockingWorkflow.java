package dev.nexussecurity.testing.support;

import io.temporal.workflow.Workflow;
import io.temporal.workflow.WorkflowInterface;
import io.temporal.workflow.WorkflowMethod;

/** Started by {@link GreetingService#waitForCancel}; waits until it is cancelled. */
@WorkflowInterface
public interface BlockingWorkflow {
  /** Never returns normally; ends cancelled. */
  @WorkflowMethod
  String block(String id);

  /** Implementation. */
  final class Impl implements BlockingWorkflow {
    @Override
    public String block(String id) {
      Workflow.await(() -> false);
      return "not reached";
    }
  }
}
