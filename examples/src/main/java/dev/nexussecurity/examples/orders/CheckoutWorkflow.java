package dev.nexussecurity.examples.orders;

import dev.nexussecurity.api.ReasonCode;
import dev.nexussecurity.examples.payments.FraudService.Screening;
import dev.nexussecurity.examples.payments.PaymentsService.ChargeReceipt;
import dev.nexussecurity.examples.payments.PaymentsService.Quote;
import io.temporal.workflow.WorkflowInterface;
import io.temporal.workflow.WorkflowMethod;

/**
 * The caller workflow: runs in the {@code orders} namespace and pays for an order through the
 * {@code payments} namespace's Nexus service (a {@code quote}, then a {@code charge}), after a
 * {@code screen} by its fraud service.
 *
 * <pre>{@code
 * CheckoutWorkflow checkout = client.newWorkflowStub(CheckoutWorkflow.class,
 *     WorkflowOptions.newBuilder()
 *         .setTaskQueue("checkout")
 *         .setWorkflowId("checkout-order-1")
 *         .build());
 * CheckoutResult result = checkout.checkout(new Order("order-1", 12_000, "EUR"));
 * }</pre>
 */
@WorkflowInterface
public interface CheckoutWorkflow {

  /** Quotes and charges {@code order}; a call denied by nexus-security ends in a denied result. */
  @WorkflowMethod
  CheckoutResult checkout(Order order);

  /** An order to pay, with its amount in the currency's minor unit (cents). */
  record Order(String orderId, long amountCents, String currency) {}

  /**
   * The outcome of a checkout: the quote, the fraud screening and the receipt when it completed;
   * the reason code and the denial message when nexus-security denied a Nexus call (then {@code
   * receipt}, and {@code quote} if the quote was denied, are null).
   */
  record CheckoutResult(
      String orderId,
      Quote quote,
      Screening screening,
      ChargeReceipt receipt,
      ReasonCode deniedReason,
      String deniedOperation,
      String deniedMessage) {

    /** A completed checkout. */
    public static CheckoutResult completed(
        String orderId, Quote quote, Screening screening, ChargeReceipt receipt) {
      return new CheckoutResult(orderId, quote, screening, receipt, null, null, null);
    }

    /** A checkout stopped because {@code operation} was denied for {@code reason}. */
    public static CheckoutResult denied(
        String orderId, Quote quote, String operation, ReasonCode reason, String message) {
      return new CheckoutResult(orderId, quote, null, null, reason, operation, message);
    }

    /** Whether a Nexus call was denied. */
    public boolean wasDenied() {
      return deniedReason != null;
    }
  }
}
