package dev.nexussecurity.it.support;

import dev.nexussecurity.api.AccessDecision;
import dev.nexussecurity.api.EndpointRegistry;
import dev.nexussecurity.api.NexusEndpoint;
import dev.nexussecurity.api.ReasonCode;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;

/**
 * A mutable in-memory registry shared by the caller and handler workers of a test, or standing in
 * for the administrators' registry that a reconciler mirrors.
 */
public final class InMemoryRegistry implements EndpointRegistry {
  private final ConcurrentMap<String, NexusEndpoint> endpoints = new ConcurrentHashMap<>();

  /** Adds or replaces {@code endpoint}. */
  public void put(NexusEndpoint endpoint) {
    endpoints.put(endpoint.getName(), endpoint);
  }

  /**
   * Stores {@code endpoint} at the next version of its name (1 when new), as an administrators'
   * registry would, and returns this registry for chaining.
   */
  public InMemoryRegistry store(NexusEndpoint endpoint) {
    endpoints.compute(
        endpoint.getName(),
        (name, old) ->
            endpoint.toBuilder().setVersion(old == null ? 1 : old.getVersion() + 1).build());
    return this;
  }

  /** Removes endpoint {@code name}; a no-op when absent. */
  public InMemoryRegistry remove(String name) {
    endpoints.remove(name);
    return this;
  }

  /** The stored endpoint {@code name}, or null. */
  public NexusEndpoint get(String name) {
    return endpoints.get(name);
  }

  /** Adds {@code namespace} to the allowlist of endpoint {@code name}. */
  public void allow(String name, String namespace) {
    endpoints.computeIfPresent(
        name, (k, e) -> e.toBuilder().addAllowedCallerNamespace(namespace).build());
  }

  /** Removes {@code namespace} from the allowlist of endpoint {@code name}. */
  public void disallow(String name, String namespace) {
    endpoints.computeIfPresent(
        name, (k, e) -> e.toBuilder().removeAllowedCallerNamespace(namespace).build());
  }

  @Override
  public Optional<NexusEndpoint> findEndpoint(String name) {
    return Optional.ofNullable(name == null ? null : endpoints.get(name));
  }

  @Override
  public List<NexusEndpoint> listEndpoints() {
    List<NexusEndpoint> list = new ArrayList<>(endpoints.values());
    list.sort(Comparator.comparing(NexusEndpoint::getName));
    return List.copyOf(list);
  }

  @Override
  public AccessDecision checkAccess(String endpointName, String callerNamespace) {
    NexusEndpoint endpoint = endpointName == null ? null : endpoints.get(endpointName);
    if (endpoint == null) {
      return AccessDecision.denied(ReasonCode.UNKNOWN_ENDPOINT);
    }
    return endpoint.isCallerAllowed(callerNamespace)
        ? AccessDecision.allowed()
        : AccessDecision.denied(ReasonCode.CALLER_NOT_ALLOWED);
  }
}
