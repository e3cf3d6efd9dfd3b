package dev.nexussecurity.it;

import dev.nexussecurity.api.AccessDecision;
import dev.nexussecurity.api.EndpointRegistry;
import dev.nexussecurity.api.NexusEndpoint;
import dev.nexussecurity.api.ReasonCode;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;

/** A tiny mutable registry standing in for the administrators' registry that a reconciler mirrors. */
final class TestRegistry implements EndpointRegistry {
  private final Map<String, NexusEndpoint> endpoints = new ConcurrentHashMap<>();

  /** Stores {@code endpoint} at the next version of its name (1 when new). */
  TestRegistry put(NexusEndpoint endpoint) {
    endpoints.compute(
        endpoint.getName(),
        (name, old) -> endpoint.toBuilder().setVersion(old == null ? 1 : old.getVersion() + 1).build());
    return this;
  }

  TestRegistry remove(String name) {
    endpoints.remove(name);
    return this;
  }

  NexusEndpoint get(String name) {
    return endpoints.get(name);
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
    NexusEndpoint e = endpointName == null ? null : endpoints.get(endpointName);
    if (e == null) {
      return AccessDecision.denied(ReasonCode.UNKNOWN_ENDPOINT);
    }
    return e.isCallerAllowed(callerNamespace)
        ? AccessDecision.allowed()
        : AccessDecision.denied(ReasonCode.CALLER_NOT_ALLOWED);
  }
}
