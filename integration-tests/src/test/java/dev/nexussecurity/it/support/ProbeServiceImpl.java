package dev.nexussecurity.it.support;

import io.nexusrpc.handler.OperationHandler;
import io.nexusrpc.handler.OperationImpl;
import io.nexusrpc.handler.ServiceImpl;
import io.temporal.client.WorkflowOptions;
import io.temporal.nexus.Nexus;
import io.temporal.nexus.NexusOperationInfo;
import io.temporal.nexus.WorkflowRunOperation;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/** Handler of {@link ProbeService}; records every invocation in {@link HandlerInvocations}. */
@ServiceImpl(service = ProbeService.class)
public final class ProbeServiceImpl {
  /** Inputs with this prefix make {@link ProbeService#echo} fail retryably the first time. */
  public static final String FAIL_ONCE_PREFIX = "fail-once-";

  private static final Set<String> FAILED_ONCE = ConcurrentHashMap.newKeySet();

  @OperationImpl
  public OperationHandler<String, String> echo() {
    return OperationHandler.sync(
        (context, details, input) -> {
          HandlerInvocations.record("echo", input);
          HandlerInvocations.recordRequestId(input, details.getRequestId());
          if (input.startsWith(FAIL_ONCE_PREFIX) && FAILED_ONCE.add(input)) {
            throw new IllegalStateException("transient failure, first attempt for " + input);
          }
          return "echo " + input + " from " + Nexus.getOperationContext().getInfo().getNamespace();
        });
  }

  @OperationImpl
  public OperationHandler<String, String> echoAgain() {
    return OperationHandler.sync(
        (context, details, input) -> {
          HandlerInvocations.record("echoAgain", input);
          return "again " + input;
        });
  }

  @OperationImpl
  public OperationHandler<String, String> runWorkflow() {
    return WorkflowRunOperation.fromWorkflowMethod(
        (context, details, input) -> {
          HandlerInvocations.record("runWorkflow", input);
          NexusOperationInfo info = Nexus.getOperationContext().getInfo();
          return Nexus.getOperationContext()
                  .getWorkflowClient()
                  .newWorkflowStub(
                      HandlerWorkflows.Quick.class,
                      WorkflowOptions.newBuilder()
                          .setWorkflowId(HandlerWorkflows.quickId(input))
                          .setTaskQueue(info.getTaskQueue())
                          .build())
              ::run;
        });
  }

  @OperationImpl
  public OperationHandler<String, String> waitWorkflow() {
    return WorkflowRunOperation.fromWorkflowMethod(
        (context, details, input) -> {
          HandlerInvocations.record("waitWorkflow", input);
          NexusOperationInfo info = Nexus.getOperationContext().getInfo();
          return Nexus.getOperationContext()
                  .getWorkflowClient()
                  .newWorkflowStub(
                      HandlerWorkflows.Waiting.class,
                      WorkflowOptions.newBuilder()
                          .setWorkflowId(HandlerWorkflows.waitingId(input))
                          .setTaskQueue(info.getTaskQueue())
                          .build())
              ::run;
        });
  }
}
