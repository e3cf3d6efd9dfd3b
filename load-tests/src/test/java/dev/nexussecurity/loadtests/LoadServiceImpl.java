package dev.nexussecurity.loadtests;

import io.nexusrpc.handler.OperationHandler;
import io.nexusrpc.handler.OperationImpl;
import io.nexusrpc.handler.ServiceImpl;
import io.temporal.client.WorkflowOptions;
import io.temporal.nexus.Nexus;
import io.temporal.nexus.WorkflowRunOperation;
import java.util.Objects;

/**
 * Handler of {@link LoadService} in a handler process: every execution of a start handler is
 * appended to the process's {@link ExecutionLog} before it does anything else, so the test can
 * count executions per operation across processes, including those of a process that is killed.
 */
@ServiceImpl(service = LoadService.class)
public final class LoadServiceImpl {
  /** Soak sync operations take this long, so that a killed process leaves some in flight. */
  static final long SOAK_SYNC_DELAY_MILLIS = 50;

  private final ExecutionLog log;

  LoadServiceImpl(ExecutionLog log) {
    this.log = Objects.requireNonNull(log, "log");
  }

  @OperationImpl
  public OperationHandler<String, String> echo() {
    return OperationHandler.sync(
        (context, details, operationId) -> {
          log.record(operationId, "echo", details.getRequestId());
          if (operationId.startsWith(Operations.SOAK_PREFIX)) {
            sleep(SOAK_SYNC_DELAY_MILLIS);
          }
          return "echo:" + operationId + ":" + log.getProcessName();
        });
  }

  @OperationImpl
  public OperationHandler<String, String> run() {
    return WorkflowRunOperation.fromWorkflowMethod(
        (context, details, operationId) -> {
          log.record(operationId, "run", details.getRequestId());
          return Nexus.getOperationContext()
                  .getWorkflowClient()
                  .newWorkflowStub(
                      HandlerWorkflow.class,
                      WorkflowOptions.newBuilder()
                          .setWorkflowId("h-" + operationId)
                          .setTaskQueue(Nexus.getOperationContext().getInfo().getTaskQueue())
                          .build())
              ::run;
        });
  }

  private static void sleep(long millis) {
    try {
      Thread.sleep(millis);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }
}
