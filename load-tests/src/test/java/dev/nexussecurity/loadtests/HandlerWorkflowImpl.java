package dev.nexussecurity.loadtests;

import io.temporal.workflow.Workflow;
import java.time.Duration;

/** Implementation of {@link HandlerWorkflow}. */
public final class HandlerWorkflowImpl implements HandlerWorkflow {
  /** Soak operations wait this long so that a killed handler process leaves some in flight. */
  static final Duration SOAK_DELAY = Duration.ofMillis(500);

  @Override
  public String run(String operationId) {
    if (operationId.startsWith(Operations.SOAK_PREFIX)) {
      Workflow.sleep(SOAK_DELAY);
    }
    return "run:" + operationId;
  }
}
