package dev.nexussecurity.examples.orders;

import dev.nexussecurity.api.ReasonCode;
import dev.nexussecurity.core.AccessDenials;
import dev.nexussecurity.examples.payments.FraudService;
import dev.nexussecurity.examples.payments.FraudService.Screening;
import dev.nexussecurity.examples.payments.FraudService.ScreeningRequest;
import dev.nexussecurity.examples.payments.PaymentsService;
import dev.nexussecurity.examples.payments.PaymentsService.ChargeReceipt;
import dev.nexussecurity.examples.payments.PaymentsService.ChargeRequest;
import dev.nexussecurity.examples.payments.PaymentsService.Quote;
import dev.nexussecurity.examples.payments.PaymentsService.QuoteRequest;
import io.temporal.failure.ApplicationFailure;
import io.temporal.failure.NexusOperationFailure;
import io.temporal.workflow.Workflow;
import java.util.Optional;

/**
 * Implementation of {@link CheckoutWorkflow}. The Nexus endpoint and the operation timeouts are not
 * in this code: the worker sets them for {@link PaymentsService} and {@link FraudService} in its
 * {@code WorkflowImplementationOptions} (see {@code WorkerBootstrap.startCallerWorker}).
 */
public final class CheckoutWorkflowImpl implements CheckoutWorkflow {
  private final PaymentsService payments = Workflow.newNexusServiceStub(PaymentsService.class);
  private final FraudService fraud = Workflow.newNexusServiceStub(FraudService.class);

  @Override
  public CheckoutResult checkout(Order order) {
    String id = order.orderId();
    Quote quote = null;
    String operation = "quote";
    // [snippet:handle-denial]
    try {
      quote = payments.quote(new QuoteRequest(id, order.amountCents(), order.currency()));
      operation = "screen";
      Screening screening = fraud.screen(new ScreeningRequest(id, order.amountCents()));
      operation = "charge";
      ChargeReceipt receipt =
          payments.charge(
              new ChargeRequest(id, quote.amountCents() + quote.feeCents(), quote.currency()));
      return CheckoutResult.completed(id, quote, screening, receipt);
    } catch (NexusOperationFailure e) {
      // Denials by nexus-security (caller or handler side) are non-retryable and carry a reason
      // code.
      Optional<ReasonCode> denied = AccessDenials.reasonOf(e);
      if (denied.isEmpty()) {
        throw e; // any other failure fails the workflow as usual
      }
      return CheckoutResult.denied(id, quote, operation, denied.get(), denialMessage(e));
    }
    // [/snippet]
  }

  /**
   * The message of the denial in {@code failure}'s cause chain (it names the reason and the fix).
   */
  private static String denialMessage(Throwable failure) {
    for (Throwable t = failure; t != null; t = t.getCause() == t ? null : t.getCause()) {
      if (t instanceof ApplicationFailure
          && String.valueOf(((ApplicationFailure) t).getType())
              .startsWith("NexusSecurityDenied.")) {
        return ((ApplicationFailure) t).getOriginalMessage();
      }
    }
    return failure.getMessage();
  }
}
