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
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/** A minimal mutable registry for tests of the interceptors. */
public final class MapRegistry implements EndpointRegistry {
  private final Map<String, NexusEndpoint> endpoints = new ConcurrentHashMap<>();
  private final Set<String> invalidPolicies = ConcurrentHashMap.newKeySet();
  private volatile boolean stale;

  public MapRegistry put(NexusEndpoint e) {
    endpoints.put(e.getName(), e);
    return this;
  }

  public void remove(String name) {
    endpoints.remove(name);
  }

  /**
   * Makes {@code name} answer {@link ReasonCode#ENDPOINT_POLICY_INVALID}, as a server-backed
   * registry does.
   */
  public MapRegistry markPolicyInvalid(String name) {
    invalidPolicies.add(name);
    return this;
  }

  /**
   * Makes every lookup answer as a server-backed registry past its maximum staleness does: no
   * endpoint is found and every access is {@link ReasonCode#REGISTRY_STALE}.
   */
  public MapRegistry setStale(boolean stale) {
    this.stale = stale;
    return this;
  }

  @Override
  public Optional<NexusEndpoint> findEndpoint(String name) {
    if (stale) {
      return Optional.empty();
    }
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
    if (stale) {
      return AccessDecision.denied(ReasonCode.REGISTRY_STALE);
    }
    NexusEndpoint e = endpointName == null ? null : endpoints.get(endpointName);
    if (e == null) {
      return AccessDecision.denied(
          endpointName != null && invalidPolicies.contains(endpointName)
              ? ReasonCode.ENDPOINT_POLICY_INVALID
              : ReasonCode.UNKNOWN_ENDPOINT);
    }
    return e.isCallerAllowed(callerNamespace)
        ? AccessDecision.allowed()
        : AccessDecision.denied(ReasonCode.CALLER_NOT_ALLOWED);
  }
}
