package dev.nexussecurity.core.internal.server;

import dev.nexussecurity.api.NexusEndpoint;
import dev.nexussecurity.api.internal.UntrustedText;
import dev.nexussecurity.core.server.ReconcileAction.Type;
import io.temporal.api.common.v1.Payload;
import io.temporal.api.nexus.v1.Endpoint;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.TreeMap;
import java.util.TreeSet;

/**
 * Compares the registry with the server's endpoints and decides, per endpoint name, what to do.
 * Pure: it reads nothing and writes nothing; it signs the policies it would write. Thread-safe.
 *
 * <p>Rules:
 *
 * <ul>
 *   <li>In the registry, absent on the server: CREATE.
 *   <li>In both, the server endpoint carries a nexus-security policy: UNCHANGED when its policy
 *       verifies under the registry key, names this endpoint and the server's target, says what the
 *       registry says (target, allowlist, description, registry version) and is signed by the
 *       primary key; otherwise UPDATE, with every difference in the reason.
 *   <li>In both, the server endpoint carries no nexus-security policy: ERROR (the name is taken by
 *       an endpoint nexus-security does not manage), or UPDATE when taking over unmanaged
 *       endpoints.
 *   <li>On the server only, with a policy that verifies under the registry key: DELETE when
 *       deleting removed endpoints, otherwise SKIP.
 *   <li>On the server only, otherwise (no policy, or one this key cannot verify): SKIP, or DELETE
 *       when both deleting removed endpoints and taking over unmanaged endpoints.
 *   <li>A policy that would not fit the server's description limit: ERROR naming the size.
 * </ul>
 */
public final class ReconcilePlanner {
  private final PolicySigner signer;
  private final boolean deleteRemoved;
  private final boolean takeOverUnmanaged;

  public ReconcilePlanner(PolicySigner signer, boolean deleteRemoved, boolean takeOverUnmanaged) {
    this.signer = Objects.requireNonNull(signer, "signer");
    this.deleteRemoved = deleteRemoved;
    this.takeOverUnmanaged = takeOverUnmanaged;
  }

  /** Plans every endpoint name of the registry and the server, in name order. */
  public List<PlannedStep> plan(
      Collection<NexusEndpoint> registry, Collection<Endpoint> server, Instant now) {
    Map<String, NexusEndpoint> desired = new TreeMap<>();
    for (NexusEndpoint e : registry) {
      if (desired.put(e.getName(), e) != null) {
        throw new IllegalArgumentException(
            "the registry lists endpoint '" + e.getName() + "' twice");
      }
    }
    Map<String, Endpoint> actual = new TreeMap<>();
    for (Endpoint e : server) {
      actual.put(e.getSpec().getName(), e);
    }
    TreeSet<String> names = new TreeSet<>(desired.keySet());
    names.addAll(actual.keySet());
    List<PlannedStep> steps = new ArrayList<>(names.size());
    for (String name : names) {
      steps.add(planOne(name, desired.get(name), actual.get(name), now));
    }
    return steps;
  }

  /**
   * Plans one endpoint name.
   *
   * @param desired the registry's endpoint, or {@code null}
   * @param server the server's endpoint, or {@code null}
   */
  public PlannedStep planOne(String name, NexusEndpoint desired, Endpoint server, Instant now) {
    if (desired == null && server == null) {
      return step(
          Type.UNCHANGED, name, "in neither the registry nor on the server", null, null, null);
    }
    if (desired == null) {
      return planRemoved(name, server);
    }
    if (server == null) {
      return write(Type.CREATE, desired, null, "not on the server", now);
    }
    if (!PolicyCodec.isManaged(server)) {
      if (takeOverUnmanaged) {
        return write(
            Type.UPDATE,
            desired,
            server,
            "the server endpoint carries no nexus-security policy; taking it over"
                + " (takeOverUnmanagedEndpoints is set)",
            now);
      }
      return step(
          Type.ERROR,
          name,
          "the server already has an endpoint '"
              + name
              + "' that nexus-security does not manage (its description holds no nexus-security"
              + " policy); rename one of them, or let the reconciler take it over with"
              + " setTakeOverUnmanagedEndpoints(true)",
          desired,
          server,
          null);
    }
    List<String> differences = new ArrayList<>();
    String serverTarget = PolicyCodec.targetOf(server);
    String desiredTarget = desired.getTargetNamespace() + "/" + desired.getTargetTaskQueue();
    if (!serverTarget.equals(desiredTarget)) {
      differences.add(
          "target: server has "
              + UntrustedText.quote(serverTarget)
              + ", registry has "
              + desiredTarget);
    }
    VerifiedPolicy verified = null;
    try {
      verified = PolicyCodec.decode(server.getSpec().getDescription(), signer.getVerifier());
    } catch (InvalidPolicyException e) {
      differences.add("policy invalid: " + e.getMessage());
    }
    Instant issuedAt = now;
    if (verified != null) {
      PolicyDocument doc = verified.getDocument();
      try {
        PolicyCodec.checkBinding(doc, server);
      } catch (InvalidPolicyException e) {
        differences.add("policy invalid: " + e.getMessage());
      }
      differences.addAll(contentDifferences(doc.getEndpoint(), desired));
      Integer primary = signer.getPrimaryKeyId();
      if (differences.isEmpty() && primary != null && !primary.equals(verified.getKeyId())) {
        differences.add(
            "signed with key id "
                + (verified.getKeyId() == null
                    ? "(none)"
                    : Integer.toUnsignedString(verified.getKeyId()))
                + ", re-signing with the primary key id "
                + Integer.toUnsignedString(primary));
      }
      // Issue times of one endpoint only grow, even if this reconciler's clock is behind the last
      // one's.
      Instant next = doc.getIssuedAt().plusMillis(1);
      if (next.isAfter(issuedAt)) {
        issuedAt = next;
      }
    }
    if (differences.isEmpty()) {
      return step(
          Type.UNCHANGED,
          name,
          "in step (server version " + server.getVersion() + ")",
          desired,
          server,
          null);
    }
    return write(Type.UPDATE, desired, server, String.join("; ", differences), issuedAt);
  }

  private PlannedStep planRemoved(String name, Endpoint server) {
    if (!PolicyCodec.isManaged(server)) {
      if (deleteRemoved && takeOverUnmanaged) {
        return step(
            Type.DELETE,
            name,
            "not in the registry and not managed by nexus-security; deleting because both"
                + " deleteRemovedEndpoints and takeOverUnmanagedEndpoints are set",
            null,
            server,
            null);
      }
      return step(
          Type.SKIP,
          name,
          "not managed by nexus-security (no policy in its description); left alone",
          null,
          server,
          null);
    }
    try {
      PolicyCodec.decode(server.getSpec().getDescription(), signer.getVerifier());
    } catch (InvalidPolicyException e) {
      if (deleteRemoved && takeOverUnmanaged) {
        return step(
            Type.DELETE,
            name,
            "not in the registry, and its policy does not verify under the registry key ("
                + e.getMessage()
                + "); deleting because both deleteRemovedEndpoints and takeOverUnmanagedEndpoints"
                + " are set",
            null,
            server,
            null);
      }
      return step(
          Type.SKIP,
          name,
          "not in the registry, and its policy does not verify under the registry key, so it may"
              + " belong to another registry; left alone ("
              + e.getMessage()
              + ")",
          null,
          server,
          null);
    }
    if (deleteRemoved) {
      return step(Type.DELETE, name, "not in the registry", null, server, null);
    }
    return step(
        Type.SKIP,
        name,
        "not in the registry; kept because deleting removed endpoints is off"
            + " (setDeleteRemovedEndpoints(true) deletes it)",
        null,
        server,
        null);
  }

  private PlannedStep write(
      Type type, NexusEndpoint desired, Endpoint server, String reason, Instant issuedAt) {
    Payload description;
    try {
      description = PolicyCodec.encode(new PolicyDocument(desired, issuedAt), signer);
    } catch (PolicyTooLargeException e) {
      return step(Type.ERROR, desired.getName(), e.getMessage(), desired, server, null);
    }
    return step(
        type, desired.getName(), reason, desired, server, PolicyCodec.specOf(desired, description));
  }

  private static List<String> contentDifferences(NexusEndpoint signed, NexusEndpoint desired) {
    List<String> differences = new ArrayList<>();
    if (!signed.getTargetNamespace().equals(desired.getTargetNamespace())
        || !signed.getTargetTaskQueue().equals(desired.getTargetTaskQueue())) {
      differences.add(
          "policy target: server policy has "
              + signed.getTargetNamespace()
              + "/"
              + signed.getTargetTaskQueue()
              + ", registry has "
              + desired.getTargetNamespace()
              + "/"
              + desired.getTargetTaskQueue());
    }
    if (!signed.getAllowedCallerNamespaces().equals(desired.getAllowedCallerNamespaces())) {
      differences.add(
          "allowed callers: server policy has "
              + signed.getAllowedCallerNamespaces()
              + ", registry has "
              + desired.getAllowedCallerNamespaces());
    }
    if (!signed.getDescription().equals(desired.getDescription())) {
      differences.add("description text differs");
    }
    if (signed.getVersion() != desired.getVersion()) {
      differences.add(
          "registry version: server policy has "
              + signed.getVersion()
              + ", registry has "
              + desired.getVersion());
    }
    return differences;
  }

  private static PlannedStep step(
      Type type,
      String name,
      String reason,
      NexusEndpoint desired,
      Endpoint server,
      io.temporal.api.nexus.v1.EndpointSpec spec) {
    return new PlannedStep(type, name, reason, desired, server, spec);
  }
}
