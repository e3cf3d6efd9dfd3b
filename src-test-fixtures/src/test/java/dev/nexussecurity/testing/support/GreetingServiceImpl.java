package dev.nexussecurity.testing.support;

import io.nexusrpc.handler.OperationHandler;
import io.nexusrpc.handler.OperationImpl;
import io.nexusrpc.handler.ServiceImpl;
import io.temporal.client.WorkflowOptions;
import io.temporal.nexus.Nexus;
import io.temporal.nexus.NexusOperationInfo;
import io.temporal.nexus.WorkflowRunOperation;

/** Handler of {@link GreetingService}; records each start in a {@link HandlerInvocations}. */
@ServiceImpl(service = GreetingService.class)
public final class GreetingServiceImpl {
  private final HandlerInvocations invocations;

  /** A handler that records into {@code invocations}. */
  public GreetingServiceImpl(HandlerInvocations invocations) {
    this.invocations = invocations;
  }

  /** Sync operation. */
  @OperationImpl
  public OperationHandler<String, String> hello() {
    return OperationHandler.sync(
        (context, details, name) -> {
          String namespace = record("hello", name);
          return "hello " + name + " from " + namespace;
        });
  }

  /** Workflow-run operation: a {@link GreetingWorkflow} in this handler's namespace. */
  @OperationImpl
  public OperationHandler<String, String> helloWorkflow() {
    return WorkflowRunOperation.fromWorkflowMethod(
        (context, details, name) -> {
          record("helloWorkflow", name);
          NexusOperationInfo info = Nexus.getOperationContext().getInfo();
          return Nexus.getOperationContext()
                  .getWorkflowClient()
                  .newWorkflowStub(
                      GreetingWorkflow.class,
                      WorkflowOptions.newBuilder()
                          .setWorkflowId("greeting-" + name)
                          .setTaskQueue(info.getTaskQueue())
                          .build())
              ::greet;
        });
  }

  /** Workflow-run operation: a {@link BlockingWorkflow} that waits until cancelled. */
  @OperationImpl
  public OperationHandler<String, String> waitForCancel() {
    return WorkflowRunOperation.fromWorkflowMethod(
        (context, details, id) -> {
          record("waitForCancel", id);
          NexusOperationInfo info = Nexus.getOperationContext().getInfo();
          return Nexus.getOperationContext()
                  .getWorkflowClient()
                  .newWorkflowStub(
                      BlockingWorkflow.class,
                      WorkflowOptions.newBuilder()
                          .setWorkflowId("blocking-" + id)
                          .setTaskQueue(info.getTaskQueue())
                          .build())
              ::block;
        });
  }

  private String record(String operation, String argument) {
    NexusOperationInfo info = Nexus.getOperationContext().getInfo();
    invocations.record(
        new HandlerInvocations.Invocation(
            operation, argument, info.getNamespace(), info.getEndpoint()));
    return info.getNamespace();
  }
}
