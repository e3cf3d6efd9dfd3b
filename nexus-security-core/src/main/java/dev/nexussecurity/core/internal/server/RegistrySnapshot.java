package dev.nexussecurity.core.internal.server;

import dev.nexussecurity.api.AccessDecision;
import dev.nexussecurity.api.NexusEndpoint;
import dev.nexussecurity.api.ReasonCode;
import io.temporal.api.nexus.v1.Endpoint;
import io.temporal.api.nexus.v1.EndpointSpec;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;

/**
 * One immutable view of the server's endpoints as workers see them: the endpoints whose signed
 * policy verified, the endpoints whose policy did not (they admit nobody), and how many endpoints
 * carry no policy at all (unknown to nexus-security). Thread-safe; {@link #checkAccess} is O(1) and
 * allocates nothing.
 */
public final class RegistrySnapshot {
  private static final AccessDecision ALLOWED = AccessDecision.allowed();
  private static final AccessDecision UNKNOWN = AccessDecision.denied(ReasonCode.UNKNOWN_ENDPOINT);
  private static final AccessDecision NOT_ALLOWED =
      AccessDecision.denied(ReasonCode.CALLER_NOT_ALLOWED);
  private static final AccessDecision POLICY_INVALID =
      AccessDecision.denied(ReasonCode.ENDPOINT_POLICY_INVALID);

  /** One managed endpoint: either a verified endpoint or the problem with its policy. */
  private static final class Entry {
    final EndpointSpec source;
    final NexusEndpoint endpoint;
    final Instant issuedAt;
    final String problem;

    Entry(EndpointSpec source, NexusEndpoint endpoint, Instant issuedAt, String problem) {
      this.source = source;
      this.endpoint = endpoint;
      this.issuedAt = issuedAt;
      this.problem = problem;
    }
  }

  private static final RegistrySnapshot EMPTY =
      new RegistrySnapshot(Map.of(), List.of(), Map.of(), 0, Map.of());

  private final Map<String, Entry> entries;
  private final List<NexusEndpoint> endpoints;
  private final Map<String, String> invalid;
  private final int unmanagedCount;
  private final Map<String, Instant> highWater;

  private RegistrySnapshot(
      Map<String, Entry> entries,
      List<NexusEndpoint> endpoints,
      Map<String, String> invalid,
      int unmanagedCount,
      Map<String, Instant> highWater) {
    this.entries = entries;
    this.endpoints = endpoints;
    this.invalid = invalid;
    this.unmanagedCount = unmanagedCount;
    this.highWater = highWater;
  }

  /** The snapshot before anything was read: every endpoint is unknown. */
  public static RegistrySnapshot empty() {
    return EMPTY;
  }

  /**
   * Builds the snapshot of {@code server}'s endpoints.
   *
   * <p>An endpoint without the policy marker is left out (unknown). An endpoint with the marker is
   * verified: signature under {@code verifier}, bound to the endpoint's name and target, and not
   * issued before the newest policy this process already accepted for that name (a server admin
   * putting back an older, once valid policy). Whatever fails is kept as invalid, with the reason.
   * Entries whose spec is byte-for-byte the previous snapshot's are taken over without verifying
   * again.
   */
  public static RegistrySnapshot build(
      List<Endpoint> server, PolicyVerifier verifier, RegistrySnapshot previous) {
    Map<String, Entry> entries = new HashMap<>();
    Map<String, Instant> highWater = new HashMap<>(previous.highWater);
    int unmanaged = 0;
    for (Endpoint e : server) {
      if (!PolicyCodec.isManaged(e)) {
        unmanaged++;
        continue;
      }
      String name = e.getSpec().getName();
      Entry before = previous.entries.get(name);
      Entry entry =
          before != null && before.source.equals(e.getSpec())
              ? before
              : verify(e, verifier, previous.highWater.get(name));
      entries.put(name, entry);
      if (entry.issuedAt != null) {
        highWater.merge(name, entry.issuedAt, (a, b) -> a.isAfter(b) ? a : b);
      }
    }
    List<NexusEndpoint> valid = new ArrayList<>();
    Map<String, String> invalid = new TreeMap<>();
    for (Map.Entry<String, Entry> en : entries.entrySet()) {
      if (en.getValue().endpoint != null) {
        valid.add(en.getValue().endpoint);
      } else {
        invalid.put(en.getKey(), en.getValue().problem);
      }
    }
    valid.sort(Comparator.comparing(NexusEndpoint::getName));
    return new RegistrySnapshot(
        Collections.unmodifiableMap(entries),
        Collections.unmodifiableList(valid),
        Collections.unmodifiableMap(invalid),
        unmanaged,
        Collections.unmodifiableMap(highWater));
  }

  private static Entry verify(Endpoint e, PolicyVerifier verifier, Instant newestSeen) {
    try {
      VerifiedPolicy verified = PolicyCodec.verifyFor(e, verifier);
      PolicyDocument doc = verified.getDocument();
      if (newestSeen != null && doc.getIssuedAt().isBefore(newestSeen)) {
        throw new InvalidPolicyException(
            InvalidPolicyException.Problem.ROLLED_BACK,
            "the policy was issued at "
                + doc.getIssuedAt()
                + ", before the policy issued at "
                + newestSeen
                + " that this worker already accepted: an older policy was put back on the server");
      }
      return new Entry(e.getSpec(), doc.getEndpoint(), doc.getIssuedAt(), null);
    } catch (InvalidPolicyException ex) {
      return new Entry(e.getSpec(), null, null, ex.getProblem() + ": " + ex.getMessage());
    }
  }

  /**
   * The access decision for {@code callerNamespace} on {@code endpointName}; null arguments deny.
   */
  public AccessDecision checkAccess(String endpointName, String callerNamespace) {
    if (endpointName == null) {
      return UNKNOWN;
    }
    Entry entry = entries.get(endpointName);
    if (entry == null) {
      return UNKNOWN;
    }
    if (entry.endpoint == null) {
      return POLICY_INVALID;
    }
    return entry.endpoint.isCallerAllowed(callerNamespace) ? ALLOWED : NOT_ALLOWED;
  }

  /** The verified endpoint named {@code name}; empty when unknown or invalid. */
  public Optional<NexusEndpoint> find(String name) {
    if (name == null) {
      return Optional.empty();
    }
    Entry entry = entries.get(name);
    return entry == null ? Optional.empty() : Optional.ofNullable(entry.endpoint);
  }

  /** The verified endpoints, sorted by name, unmodifiable. */
  public List<NexusEndpoint> getEndpoints() {
    return endpoints;
  }

  /**
   * The endpoints whose policy failed verification, by name, with the problem; sorted,
   * unmodifiable.
   */
  public Map<String, String> getInvalid() {
    return invalid;
  }

  /** How many server endpoints carry no nexus-security policy. */
  public int getUnmanagedCount() {
    return unmanagedCount;
  }
}
