package dev.nexussecurity.core;

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

/** A minimal mutable registry for tests of the interceptors. */
public final class MapRegistry implements EndpointRegistry {
  private final Map<String, NexusEndpoint> endpoints = new ConcurrentHashMap<>();

  public MapRegistry put(NexusEndpoint e) {
    endpoints.put(e.getName(), e);
    return this;
  }

  public void remove(String name) {
    endpoints.remove(name);
  }

  @Override
  public Optional<NexusEndpoint> findEndpoint(String name) {
    return Optional.ofNullable(name == null ? null : endpoints.get(name));
  }

  @Override
  public List<NexusEndpoint> listEndpoints() {
    List<NexusEndpoint> list = new ArrayList<>(endpoints.values());
    list.sort(Comparator.comparing(NexusEndpoint::getName));
    return list;
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
