package dev.nexussecurity.core.internal.server;

import dev.nexussecurity.api.NexusEndpoint;
import dev.nexussecurity.core.keys.NamespacePublicKeys;
import dev.nexussecurity.core.server.ReconcileAction;
import io.temporal.api.nexus.v1.Endpoint;
import io.temporal.api.nexus.v1.EndpointSpec;
import java.util.Objects;
import java.util.SortedMap;

/**
 * One planned step of a reconciliation: what to do with one endpoint name, with the endpoint of one
 * namespace's key directory entry, or with the registry manifest, and why. Immutable.
 */
public final class PlannedStep {
  private final ReconcileAction.Type type;
  private final String endpointName;
  private final String reason;
  private final NexusEndpoint desired;
  private final Endpoint server;
  private final EndpointSpec spec;
  private final SortedMap<String, String> manifestListing;
  private final String keyNamespace;
  private final NamespacePublicKeys desiredKeys;
  private final SortedMap<String, String> directoryListing;

  PlannedStep(
      ReconcileAction.Type type,
      String endpointName,
      String reason,
      NexusEndpoint desired,
      Endpoint server,
      EndpointSpec spec,
      SortedMap<String, String> manifestListing) {
    this(type, endpointName, reason, desired, server, spec, manifestListing, null, null, null);
  }

  PlannedStep(
      ReconcileAction.Type type,
      String endpointName,
      String reason,
      NexusEndpoint desired,
      Endpoint server,
      EndpointSpec spec,
      SortedMap<String, String> manifestListing,
      String keyNamespace,
      NamespacePublicKeys desiredKeys,
      SortedMap<String, String> directoryListing) {
    this.keyNamespace = keyNamespace;
    this.desiredKeys = desiredKeys;
    this.directoryListing = directoryListing;
    this.type = Objects.requireNonNull(type);
    this.endpointName = Objects.requireNonNull(endpointName);
    this.reason = Objects.requireNonNull(reason);
    this.desired = desired;
    this.server = server;
    this.spec = spec;
    this.manifestListing = manifestListing;
  }

  public ReconcileAction.Type getType() {
    return type;
  }

  public String getEndpointName() {
    return endpointName;
  }

  /** Why this step: what differs, or why nothing is done. */
  public String getReason() {
    return reason;
  }

  /** The registry's endpoint, or {@code null} when the registry has none of this name. */
  public NexusEndpoint getDesired() {
    return desired;
  }

  /** The server's endpoint as read, or {@code null} when the server has none of this name. */
  public Endpoint getServer() {
    return server;
  }

  /** The spec to write for CREATE and UPDATE, with the signed document; otherwise {@code null}. */
  public EndpointSpec getSpec() {
    return spec;
  }

  /** Whether this step is about the registry manifest rather than a registry endpoint. */
  public boolean isManifest() {
    return manifestListing != null;
  }

  /** For the manifest step: the endpoints (name to policy digest) the manifest lists. */
  public SortedMap<String, String> getManifestListing() {
    return manifestListing;
  }

  /** Whether this step is about one namespace's key directory entry. */
  public boolean isKeyDirectoryEntry() {
    return keyNamespace != null;
  }

  /** For a key directory entry step: the namespace; otherwise {@code null}. */
  public String getKeyNamespace() {
    return keyNamespace;
  }

  /**
   * For a key directory entry step: the directory's keys of the namespace, or {@code null} when the
   * directory no longer has it.
   */
  public NamespacePublicKeys getDesiredKeys() {
    return desiredKeys;
  }

  /**
   * For the manifest step: the key directory entries (namespace to entry digest) the manifest
   * lists, or {@code null} when it publishes no key directory.
   */
  public SortedMap<String, String> getDirectoryListing() {
    return directoryListing;
  }

  @Override
  public String toString() {
    return type + " " + endpointName + ": " + reason;
  }
}
