package dev.nexussecurity.examples.payments;

import dev.nexussecurity.examples.payments.PaymentsService.ChargeReceipt;
import dev.nexussecurity.examples.payments.PaymentsService.ChargeRequest;
import dev.nexussecurity.examples.payments.PaymentsService.Quote;
import dev.nexussecurity.examples.payments.PaymentsService.QuoteRequest;
import io.nexusrpc.handler.HandlerException;
import io.nexusrpc.handler.OperationHandler;
import io.nexusrpc.handler.OperationImpl;
import io.nexusrpc.handler.ServiceImpl;
import io.temporal.client.WorkflowOptions;
import io.temporal.nexus.Nexus;
import io.temporal.nexus.NexusOperationContext;
import io.temporal.nexus.WorkflowRunOperation;
import java.util.Objects;

/**
 * The handler of {@link PaymentsService}, registered on the payments namespace's worker. It
 * contains no security code: NexusSecurity's worker interceptor has checked the caller before any
 * of this runs.
 *
 * <pre>{@code
 * worker.registerNexusServiceImplementation(new PaymentsServiceImpl(new OperationCounter()));
 * worker.registerWorkflowImplementationTypes(ChargeWorkflowImpl.class);
 * }</pre>
 */
@ServiceImpl(service = PaymentsService.class)
public final class PaymentsServiceImpl {
  /** Fee: 2.9% of the amount (rounded half up) plus 30 minor units. */
  static final long FEE_BASIS_POINTS = 290;

  static final long FEE_FIXED_CENTS = 30;

  private final OperationCounter counter;

  /** Creates the handler; {@code counter} records every run of handler code. */
  public PaymentsServiceImpl(OperationCounter counter) {
    this.counter = Objects.requireNonNull(counter, "counter");
  }

  /** The fee for {@code amountCents}. */
  public static long feeCents(long amountCents) {
    return (amountCents * FEE_BASIS_POINTS + 5_000) / 10_000 + FEE_FIXED_CENTS;
  }

  @OperationImpl
  public OperationHandler<QuoteRequest, Quote> quote() {
    return OperationHandler.sync(
        (context, details, request) -> {
          counter.increment("quote");
          if (request.amountCents() <= 0) {
            throw new HandlerException(
                HandlerException.ErrorType.BAD_REQUEST,
                "amountCents must be positive, got " + request.amountCents(),
                null,
                HandlerException.RetryBehavior.NON_RETRYABLE);
          }
          return new Quote(
              request.orderId(),
              request.amountCents(),
              feeCents(request.amountCents()),
              request.currency(),
              Nexus.getOperationContext().getInfo().getNamespace());
        });
  }

  @OperationImpl
  public OperationHandler<ChargeRequest, ChargeReceipt> charge() {
    return WorkflowRunOperation.fromWorkflowMethod(
        (context, details, request) -> {
          counter.increment("charge");
          NexusOperationContext nexus = Nexus.getOperationContext();
          return nexus
                  .getWorkflowClient()
                  .newWorkflowStub(
                      ChargeWorkflow.class,
                      WorkflowOptions.newBuilder()
                          .setWorkflowId(ChargeWorkflow.workflowId(request.orderId()))
                          .setTaskQueue(nexus.getInfo().getTaskQueue())
                          .build())
              ::charge;
        });
  }
}
