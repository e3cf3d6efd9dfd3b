package dev.nexussecurity.examples.payments;

import dev.nexussecurity.examples.payments.PaymentsService.ChargeReceipt;
import dev.nexussecurity.examples.payments.PaymentsService.ChargeRequest;
import io.temporal.workflow.Workflow;
import io.temporal.workflow.WorkflowInfo;

/**
 * Implementation of {@link ChargeWorkflow}. A real one would call a payment provider through an
 * activity; this one issues a receipt id from workflow randomness (deterministic on replay).
 */
public final class ChargeWorkflowImpl implements ChargeWorkflow {
  @Override
  public ChargeReceipt charge(ChargeRequest request) {
    WorkflowInfo info = Workflow.getInfo();
    String receiptId = "rcpt-" + Workflow.randomUUID().toString().substring(0, 8);
    return new ChargeReceipt(
        request.orderId(),
        receiptId,
        request.totalCents(),
        request.currency(),
        info.getNamespace(),
        info.getWorkflowId());
  }
}
