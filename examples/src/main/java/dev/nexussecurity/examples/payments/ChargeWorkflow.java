package dev.nexussecurity.examples.payments;

import dev.nexussecurity.examples.payments.PaymentsService.ChargeReceipt;
import dev.nexussecurity.examples.payments.PaymentsService.ChargeRequest;
import io.temporal.workflow.WorkflowInterface;
import io.temporal.workflow.WorkflowMethod;

/**
 * The workflow behind the {@link PaymentsService#charge} operation. It runs in the handler's
 * namespace ({@code payments}), on the handler's task queue, started by {@link
 * PaymentsServiceImpl}.
 *
 * <pre>{@code
 * worker.registerWorkflowImplementationTypes(ChargeWorkflowImpl.class);
 * }</pre>
 */
@WorkflowInterface
public interface ChargeWorkflow {
  /** The workflow id used for the charge of {@code orderId}: one charge per order. */
  static String workflowId(String orderId) {
    return "charge-" + orderId;
  }

  /** Charges {@code request} and returns the receipt. */
  @WorkflowMethod
  ChargeReceipt charge(ChargeRequest request);
}
