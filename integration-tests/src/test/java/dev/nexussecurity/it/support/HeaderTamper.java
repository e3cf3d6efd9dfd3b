package dev.nexussecurity.it.support;

import dev.nexussecurity.core.NexusSecurity;
import io.temporal.common.interceptors.WorkerInterceptorBase;
import io.temporal.common.interceptors.WorkflowInboundCallsInterceptor;
import io.temporal.common.interceptors.WorkflowInboundCallsInterceptorBase;
import io.temporal.common.interceptors.WorkflowOutboundCallsInterceptor;
import io.temporal.common.interceptors.WorkflowOutboundCallsInterceptorBase;
import io.temporal.workflow.Workflow;
import io.temporal.workflow.unsafe.WorkflowUnsafe;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.UnaryOperator;

/**
 * TEST ONLY: an attacker inside a caller worker. Registered after NexusSecurity's interceptor
 * ({@code setWorkerInterceptors(security, tamper)}), so for outbound workflow calls it runs inside
 * it and sees the identity header NexusSecurity has just set: it records every value it sees and,
 * for workflows with a plan, rewrites the header before the ScheduleNexusOperation command is
 * issued.
 *
 * <p>Plans are keyed by workflow id, so concurrent workflows never share one.
 */
public final class HeaderTamper extends WorkerInterceptorBase {
  private final Map<String, UnaryOperator<String>> plans = new ConcurrentHashMap<>();
  private final Map<String, List<String>> seen = new ConcurrentHashMap<>();

  /**
   * Rewrites the identity header of every Nexus call of workflow {@code workflowId}: {@code
   * rewrite} receives the value NexusSecurity set (or {@code null}) and returns the value to send,
   * or {@code null} to remove the header.
   */
  public void plan(String workflowId, UnaryOperator<String> rewrite) {
    plans.put(workflowId, rewrite);
  }

  /** The identity header values NexusSecurity set on the calls of {@code workflowId}, in order. */
  public List<String> seenBy(String workflowId) {
    List<String> values = seen.get(workflowId);
    return values == null ? List.of() : List.copyOf(values);
  }

  @Override
  public WorkflowInboundCallsInterceptor interceptWorkflow(WorkflowInboundCallsInterceptor next) {
    return new WorkflowInboundCallsInterceptorBase(next) {
      @Override
      public void init(WorkflowOutboundCallsInterceptor outboundCalls) {
        super.init(new Outbound(outboundCalls));
      }
    };
  }

  private final class Outbound extends WorkflowOutboundCallsInterceptorBase {
    Outbound(WorkflowOutboundCallsInterceptor next) {
      super(next);
    }

    @Override
    public <R> ExecuteNexusOperationOutput<R> executeNexusOperation(
        ExecuteNexusOperationInput<R> input) {
      String workflowId = Workflow.getInfo().getWorkflowId();
      String value = input.getHeaders().get(NexusSecurity.IDENTITY_HEADER);
      if (!WorkflowUnsafe.isReplaying()) {
        seen.computeIfAbsent(workflowId, k -> new CopyOnWriteArrayList<>())
            .add(value == null ? "<none>" : value);
      }
      UnaryOperator<String> rewrite = plans.get(workflowId);
      if (rewrite != null) {
        String replacement = rewrite.apply(value);
        if (replacement == null) {
          input.getHeaders().remove(NexusSecurity.IDENTITY_HEADER);
        } else {
          input.getHeaders().put(NexusSecurity.IDENTITY_HEADER, replacement);
        }
      }
      return super.executeNexusOperation(input);
    }
  }
}
