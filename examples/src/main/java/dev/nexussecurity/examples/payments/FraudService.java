package dev.nexussecurity.examples.payments;

import io.nexusrpc.Operation;
import io.nexusrpc.Service;

/**
 * A second Nexus service of the {@code payments} namespace, behind the same endpoint: a synchronous
 * {@link #screen} of an order before it is charged. Its payloads are protected with their own
 * shared keyset ({@code shared:fraud}, held by the fraud team's workers and the callers they
 * accept), while {@link PaymentsService} uses the default pairwise protection: a per-service key.
 *
 * <pre>{@code
 * FraudService fraud = Workflow.newNexusServiceStub(FraudService.class);
 * Screening screening = fraud.screen(new ScreeningRequest("order-1", 12_000));
 * }</pre>
 */
@Service
public interface FraudService {

  /** Sync operation: screens an order; {@code screenedBy} names the handler's namespace. */
  @Operation
  Screening screen(ScreeningRequest request);

  /** Input of {@link #screen}. */
  record ScreeningRequest(String orderId, long amountCents) {}

  /** Result of {@link #screen}: {@code APPROVED} or {@code REVIEW}. */
  record Screening(String orderId, String verdict, String screenedBy) {}
}
