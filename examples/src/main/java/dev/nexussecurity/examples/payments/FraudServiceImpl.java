package dev.nexussecurity.examples.payments;

import dev.nexussecurity.examples.payments.FraudService.Screening;
import dev.nexussecurity.examples.payments.FraudService.ScreeningRequest;
import io.nexusrpc.handler.OperationHandler;
import io.nexusrpc.handler.OperationImpl;
import io.nexusrpc.handler.ServiceImpl;
import io.temporal.nexus.Nexus;
import java.util.Objects;

/**
 * The handler of {@link FraudService}; no security code in it. Orders above {@value
 * #REVIEW_THRESHOLD_CENTS} minor units are sent to review, all others approved.
 *
 * <pre>{@code
 * worker.registerNexusServiceImplementation(
 *     new PaymentsServiceImpl(counter), new FraudServiceImpl(counter));
 * }</pre>
 */
@ServiceImpl(service = FraudService.class)
public final class FraudServiceImpl {
  /** Amounts above this many minor units go to review. */
  public static final long REVIEW_THRESHOLD_CENTS = 1_000_000;

  private final OperationCounter counter;

  /** Creates the handler; {@code counter} records every run of handler code. */
  public FraudServiceImpl(OperationCounter counter) {
    this.counter = Objects.requireNonNull(counter, "counter");
  }

  @OperationImpl
  public OperationHandler<ScreeningRequest, Screening> screen() {
    return OperationHandler.sync(
        (context, details, request) -> {
          counter.increment("screen");
          return new Screening(
              request.orderId(),
              request.amountCents() > REVIEW_THRESHOLD_CENTS ? "REVIEW" : "APPROVED",
              Nexus.getOperationContext().getInfo().getNamespace());
        });
  }
}
