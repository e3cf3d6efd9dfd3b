package dev.nexussecurity.api;

import java.util.List;
import java.util.Optional;

/**
 * The read-only view of the endpoint registry that workers consult on every Nexus call.
 *
 * <p>Implementations are thread-safe; reads never block and always see one consistent snapshot.
 * {@link #checkAccess} runs on every Nexus call on both sides, so implementations make it O(1) in
 * the number of endpoints and allocation-free.
 *
 * <pre>{@code
 * EndpointRegistry registry = ...;
 * AccessDecision d = registry.checkAccess("payments", "orders-ns");
 * Optional<NexusEndpoint> e = registry.findEndpoint("payments");
 * }</pre>
 */
public interface EndpointRegistry {

  /** The endpoint named {@code name}, or empty when there is none (or {@code name} is null). */
  Optional<NexusEndpoint> findEndpoint(String name);

  /** All endpoints of one snapshot, sorted by name, unmodifiable. */
  List<NexusEndpoint> listEndpoints();

  /**
   * Decides whether {@code callerNamespace} may call endpoint {@code endpointName}: {@link
   * ReasonCode#UNKNOWN_ENDPOINT} when the endpoint is not registered, {@link
   * ReasonCode#CALLER_NOT_ALLOWED} when the caller is not on its allowlist (an empty allowlist
   * admits nobody), otherwise allowed. Registries that verify a signed policy per endpoint answer
   * {@link ReasonCode#ENDPOINT_POLICY_INVALID} for an endpoint whose policy failed verification (it
   * admits nobody). Null arguments are denied, never thrown.
   */
  AccessDecision checkAccess(String endpointName, String callerNamespace);
}
