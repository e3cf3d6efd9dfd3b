package dev.nexussecurity.testing.support;

import io.nexusrpc.handler.OperationHandler;
import io.nexusrpc.handler.OperationImpl;
import io.nexusrpc.handler.ServiceImpl;
import io.temporal.client.WorkflowOptions;
import io.temporal.nexus.Nexus;
import io.temporal.nexus.WorkflowHandle;
import io.temporal.nexus.WorkflowRunOperation;

/** Handler of {@link RaceService}: a {@link RaceWorkflow} in this handler's namespace. */
@ServiceImpl(service = RaceService.class)
public final class RaceServiceImpl {
  /** Workflow-run operation. */
  @OperationImpl
  public OperationHandler<String, String> run() {
    return WorkflowRunOperation.fromWorkflowHandle(
        (context, details, input) -> {
          int colon = input.lastIndexOf(':');
          String id = input.substring(0, colon);
          String mode = input.substring(colon + 1);
          RaceWorkflow workflow =
              Nexus.getOperationContext()
                  .getWorkflowClient()
                  .newWorkflowStub(
                      RaceWorkflow.class,
                      WorkflowOptions.newBuilder()
                          .setWorkflowId("race-" + id)
                          .setTaskQueue(Nexus.getOperationContext().getInfo().getTaskQueue())
                          .build());
          return WorkflowHandle.fromWorkflowMethod(workflow::run, id, mode);
        });
  }
}
