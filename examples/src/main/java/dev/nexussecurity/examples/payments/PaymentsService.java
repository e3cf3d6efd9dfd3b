package dev.nexussecurity.examples.payments;

import io.nexusrpc.Operation;
import io.nexusrpc.Service;

/**
 * The Nexus service the {@code payments} namespace offers to other namespaces: a synchronous {@link
 * #quote} and a workflow-run {@link #charge}. Caller and handler both compile against this
 * interface; the handler is {@link PaymentsServiceImpl}.
 *
 * <p>Operation inputs and results travel as payloads, so they are encrypted by the payload codec of
 * both workers: the Temporal server and everyone who reads a history see ciphertext.
 *
 * <pre>{@code
 * // in a caller workflow (the endpoint is set in the worker's WorkflowImplementationOptions)
 * PaymentsService payments = Workflow.newNexusServiceStub(PaymentsService.class);
 * Quote quote = payments.quote(new QuoteRequest("order-1", 12_000, "EUR"));
 * }</pre>
 */
@Service
public interface PaymentsService {

  /** Sync operation: the fee for charging {@code request}, computed while the caller waits. */
  @Operation
  Quote quote(QuoteRequest request);

  /**
   * Workflow-run operation: starts {@link ChargeWorkflow} in the handler's namespace and completes
   * when it completes.
   */
  @Operation
  ChargeReceipt charge(ChargeRequest request);

  /** Input of {@link #quote}: an amount in the currency's minor unit (cents). */
  record QuoteRequest(String orderId, long amountCents, String currency) {}

  /** Result of {@link #quote}; {@code quotedBy} is the namespace of the handler that answered. */
  record Quote(String orderId, long amountCents, long feeCents, String currency, String quotedBy) {}

  /** Input of {@link #charge}: the total to charge, in the currency's minor unit. */
  record ChargeRequest(String orderId, long totalCents, String currency) {}

  /**
   * Result of {@link #charge}; {@code chargedIn} and {@code workflowId} name the handler namespace
   * and the workflow that did the charge.
   */
  record ChargeReceipt(
      String orderId,
      String receiptId,
      long totalCents,
      String currency,
      String chargedIn,
      String workflowId) {}
}
