package dev.nexussecurity.core.internal.interceptor;

import dev.nexussecurity.api.PayloadBinding;
import dev.nexussecurity.api.PayloadBindings;
import io.nexusrpc.handler.OperationContext;
import io.temporal.common.interceptors.NexusOperationInboundCallsInterceptor;
import io.temporal.common.interceptors.WorkerInterceptorBase;
import io.temporal.common.interceptors.WorkflowInboundCallsInterceptor;
import io.temporal.common.interceptors.WorkflowInboundCallsInterceptorBase;
import io.temporal.common.interceptors.WorkflowOutboundCallsInterceptor;
import io.temporal.workflow.Workflow;
import io.temporal.workflow.unsafe.WorkflowUnsafe;

/**
 * The worker interceptor behind NexusSecurity: caller checks on workflows, handler checks on Nexus,
 * and the RESULT binding of workflow-run operations on the handler workflow's thread.
 */
public final class SecurityWorkerInterceptor extends WorkerInterceptorBase {
  private final SecurityContext ctx;

  public SecurityWorkerInterceptor(SecurityContext ctx) {
    this.ctx = ctx;
  }

  private static final long RESULT_BINDING_WAIT_NANOS = 300_000_000L;

  @Override
  public WorkflowInboundCallsInterceptor interceptWorkflow(WorkflowInboundCallsInterceptor next) {
    return new WorkflowInboundCallsInterceptorBase(next) {
      @Override
      public void init(WorkflowOutboundCallsInterceptor outboundCalls) {
        super.init(new CallerOutboundInterceptor(outboundCalls, ctx));
      }

      @Override
      public WorkflowOutput execute(WorkflowInput input) {
        WorkflowOutput output = super.execute(input);
        // The SDK encodes the workflow's result on this thread right after this returns. For a
        // workflow a Nexus operation of this process started, that is the operation's result.
        String workflowId = Workflow.getInfo().getWorkflowId();
        PayloadBinding binding = ctx.resultBinding(workflowId);
        // A workflow that a Nexus start of this process is still starting may complete before
        // that start returns and records the binding: wait briefly (only while a start is in
        // flight, well under the SDK's deadlock detection) instead of encoding without one.
        long deadline = System.nanoTime() + RESULT_BINDING_WAIT_NANOS;
        while (binding == null
            && ctx.startsInFlight.get() > 0
            && System.nanoTime() < deadline
            && !WorkflowUnsafe.isReplaying()) {
          try {
            Thread.sleep(2);
          } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            break;
          }
          binding = ctx.resultBinding(workflowId);
        }
        if (binding != null) {
          PayloadBindings.set(binding);
        } else {
          PayloadBindings.clear();
        }
        return output;
      }
    };
  }

  @Override
  public NexusOperationInboundCallsInterceptor interceptNexusOperation(
      OperationContext context, NexusOperationInboundCallsInterceptor next) {
    return new HandlerInboundInterceptor(next, ctx, context);
  }
}
