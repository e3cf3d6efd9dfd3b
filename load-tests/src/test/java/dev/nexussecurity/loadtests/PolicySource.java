package dev.nexussecurity.loadtests;

import dev.nexussecurity.api.AccessDecision;
import dev.nexussecurity.api.EndpointRegistry;
import dev.nexussecurity.api.NexusEndpoint;
import dev.nexussecurity.api.ReasonCode;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;

/**
 * The administrators' registry the test edits (allowlist changes) and the reconciler mirrors to the
 * server; each store raises the endpoint's version by one.
 */
final class PolicySource implements EndpointRegistry {
  private final ConcurrentMap<String, NexusEndpoint> endpoints = new ConcurrentHashMap<>();

  /** Stores endpoint {@code name} on the secured task queue with {@code allowlist}. */
  void store(String name, Collection<String> allowlist) {
    endpoints.compute(
        name,
        (k, old) ->
            NexusEndpoint.newBuilder()
                .setName(name)
                .setTargetNamespace(Operations.HANDLER_NS)
                .setTargetTaskQueue(Operations.SECURE_TQ)
                .setAllowedCallerNamespaces(allowlist)
                .setDescription("load-tests endpoint " + name)
                .setVersion(old == null ? 1 : old.getVersion() + 1)
                .build());
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
