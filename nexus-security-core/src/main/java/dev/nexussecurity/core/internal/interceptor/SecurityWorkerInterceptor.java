package dev.nexussecurity.core.internal.interceptor;

import io.nexusrpc.handler.OperationContext;
import io.temporal.common.interceptors.NexusOperationInboundCallsInterceptor;
import io.temporal.common.interceptors.WorkerInterceptorBase;
import io.temporal.common.interceptors.WorkflowInboundCallsInterceptor;
import io.temporal.common.interceptors.WorkflowInboundCallsInterceptorBase;
import io.temporal.common.interceptors.WorkflowOutboundCallsInterceptor;

/**
 * The worker interceptor behind NexusSecurity: caller checks on workflows, handler checks on Nexus.
 */
public final class SecurityWorkerInterceptor extends WorkerInterceptorBase {
  private final SecurityContext ctx;

  public SecurityWorkerInterceptor(SecurityContext ctx) {
    this.ctx = ctx;
  }

  @Override
  public WorkflowInboundCallsInterceptor interceptWorkflow(WorkflowInboundCallsInterceptor next) {
    return new WorkflowInboundCallsInterceptorBase(next) {
      @Override
      public void init(WorkflowOutboundCallsInterceptor outboundCalls) {
        super.init(new CallerOutboundInterceptor(outboundCalls, ctx));
      }
    };
  }

  @Override
  public NexusOperationInboundCallsInterceptor interceptNexusOperation(
      OperationContext context, NexusOperationInboundCallsInterceptor next) {
    return new HandlerInboundInterceptor(next, ctx, context);
  }
}
