package dev.nexussecurity.loadtests;

import io.temporal.workflow.WorkflowInterface;
import io.temporal.workflow.WorkflowMethod;

/** The caller side of one load operation: one Nexus call, its outcome as a string. */
@WorkflowInterface
public interface CallerWorkflow {
  /**
   * Calls {@code operation} ({@code echo} or {@code run}) on {@code endpoint} and returns {@code
   * "OK <result>"}, {@code "DENIED <ReasonCode>"} for a nexus-security denial, or {@code "FAILED
   * <failure>"} for anything else.
   */
  @WorkflowMethod
  String call(String endpoint, String operation, String operationId);
}
