package dev.nexussecurity.testing.support;

import io.temporal.workflow.Workflow;
import io.temporal.workflow.WorkflowInterface;
import io.temporal.workflow.WorkflowMethod;

/** Started by the workflow-run operation {@link GreetingService#helloWorkflow}. */
@WorkflowInterface
public interface GreetingWorkflow {
  /** Answers {@code "workflow hello <name> in <namespace>"}. */
  @WorkflowMethod
  String greet(String name);

  /** Implementation. */
  final class Impl implements GreetingWorkflow {
    @Override
    public String greet(String name) {
      return "workflow hello " + name + " in " + Workflow.getInfo().getNamespace();
    }
  }
}
