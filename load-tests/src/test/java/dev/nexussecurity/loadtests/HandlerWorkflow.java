package dev.nexussecurity.loadtests;

import io.temporal.workflow.WorkflowInterface;
import io.temporal.workflow.WorkflowMethod;

/** The workflow behind {@link LoadService#run}, run by the handler processes. */
@WorkflowInterface
public interface HandlerWorkflow {
  /** Returns {@code run:<operationId>}; soak operations first sleep a little (durable timer). */
  @WorkflowMethod
  String run(String operationId);
}
