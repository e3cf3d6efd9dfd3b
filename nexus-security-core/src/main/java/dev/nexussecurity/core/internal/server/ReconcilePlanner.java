package dev.nexussecurity.core.internal.server;

import dev.nexussecurity.api.NexusEndpoint;
import dev.nexussecurity.api.internal.UntrustedText;
import dev.nexussecurity.core.keys.NamespacePublicKeys;
import dev.nexussecurity.core.server.ReconcileAction.Type;
import io.temporal.api.common.v1.Payload;
import io.temporal.api.nexus.v1.Endpoint;
import io.temporal.api.nexus.v1.EndpointSpec;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.SortedMap;
import java.util.TreeMap;
import java.util.TreeSet;

/**
 * Compares the registry with the server's endpoints and decides, per endpoint name, what to do, and
 * what the registry manifest must say. Pure: it reads nothing and writes nothing; it signs the
 * policies and the manifest it would write. Thread-safe.
 *
 * <p>Rules for endpoints:
 *
 * <ul>
 *   <li>In the registry, absent on the server: CREATE.
 *   <li>In both, the server endpoint carries a nexus-security policy: UNCHANGED when its policy
 *       verifies under the registry key for this cluster, names this endpoint and the server's
 *       target, says what the registry says (target, allowlist, description, registry version), is
 *       signed by the primary key and was not issued after now plus the clock skew; otherwise
 *       UPDATE, with every difference in the reason.
 *   <li>In both, the server endpoint carries no nexus-security policy: ERROR (the name is taken by
 *       an endpoint nexus-security does not manage), or UPDATE when taking over unmanaged
 *       endpoints.
 *   <li>On the server only, with a policy that verifies under the registry key: DELETE when
 *       deleting removed endpoints, otherwise SKIP (the manifest no longer lists it, so workers
 *       treat it as unknown either way).
 *   <li>On the server only, otherwise (no policy, or one this key cannot verify): SKIP, or DELETE
 *       when both deleting removed endpoints and taking over unmanaged endpoints.
 *   <li>A policy that would not fit the server's description limit, or a registry endpoint with the
 *       manifest endpoint's reserved name: ERROR.
 * </ul>
 *
 * <p>Rules for key directory entries (when the reconciler publishes a key directory), one reserved
 * endpoint per namespace ({@link KeyDirectoryCodec#endpointName}): CREATE when missing; UNCHANGED
 * when the entry on the server verifies for this cluster and namespace, holds exactly the
 * directory's keys, is signed by the primary key and not issued in the future, otherwise UPDATE; an
 * entry endpoint of a namespace the directory no longer has: DELETE when deleting removed
 * endpoints, otherwise SKIP (the manifest no longer lists it); an entry's name taken by an endpoint
 * that is not an entry, or an entry too large for a description: ERROR. Registry endpoints may not
 * use the entries' reserved name prefix ({@code <manifest name>-keys-}). A reconciler that
 * publishes no key directory leaves the entries alone (SKIP) and keeps the manifest's listing of
 * those still on the server unchanged.
 *
 * <p>The manifest ({@link #planManifest}) lists every registry endpoint whose server endpoint will
 * hold its policy (UNCHANGED, CREATE, UPDATE), with that policy's digest, and, when a key directory
 * is published, every namespace whose entry endpoint will hold its entry, with that entry's digest;
 * it is rewritten when those lists differ from the verified manifest on the server, when the
 * server's manifest is missing or invalid, signed by another key than the primary, issued in the
 * future, or has less than half its lifetime left.
 */
public final class ReconcilePlanner {
  /** Where the manifest lives and how long it is valid. */
  public record ManifestSettings(
      String endpointName, String targetNamespace, String taskQueue, Duration lifetime) {
    public ManifestSettings {
      Objects.requireNonNull(endpointName, "endpointName");
      Objects.requireNonNull(targetNamespace, "targetNamespace");
      Objects.requireNonNull(taskQueue, "taskQueue");
      Objects.requireNonNull(lifetime, "lifetime");
    }
  }

  private final PolicySigner signer;
  private final String audience;
  private final ManifestSettings manifest;
  private final Duration clockSkew;
  private final boolean deleteRemoved;
  private final boolean takeOverUnmanaged;

  public ReconcilePlanner(
      PolicySigner signer,
      String audience,
      ManifestSettings manifest,
      Duration clockSkew,
      boolean deleteRemoved,
      boolean takeOverUnmanaged) {
    this.signer = Objects.requireNonNull(signer, "signer");
    this.audience = Objects.requireNonNull(audience, "audience");
    this.manifest = Objects.requireNonNull(manifest, "manifest");
    this.clockSkew = Objects.requireNonNull(clockSkew, "clockSkew");
    this.deleteRemoved = deleteRemoved;
    this.takeOverUnmanaged = takeOverUnmanaged;
  }

  /** The manifest endpoint's reserved name. */
  public String getManifestEndpointName() {
    return manifest.endpointName();
  }

  /**
   * Plans every endpoint name of the registry and the server, in name order, then the manifest
   * (last), publishing no key directory.
   */
  public List<PlannedStep> plan(
      Collection<NexusEndpoint> registry, Collection<Endpoint> server, Instant now) {
    return plan(registry, null, server, now);
  }

  /**
   * Plans every endpoint name of the registry and the server, in name order, then every key
   * directory entry, in namespace order, then the manifest (last).
   *
   * @param directory the key directory to publish, by namespace, or {@code null} to leave the
   *     directory alone: entry endpoints on the server are skipped (never deleted), and the
   *     manifest keeps listing those entries the verified manifest on the server lists and the
   *     server still holds unchanged (so a reconciler without a directory, such as the control
   *     plane's, does not undo one another tool publishes)
   */
  public List<PlannedStep> plan(
      Collection<NexusEndpoint> registry,
      Map<String, NamespacePublicKeys> directory,
      Collection<Endpoint> server,
      Instant now) {
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
    Endpoint serverManifest = actual.remove(manifest.endpointName());
    Map<String, Endpoint> entries = new TreeMap<>();
    for (Iterator<Map.Entry<String, Endpoint>> it = actual.entrySet().iterator(); it.hasNext(); ) {
      Map.Entry<String, Endpoint> e = it.next();
      if (KeyDirectoryCodec.isEntryName(manifest.endpointName(), e.getKey())
          && KeyDirectoryCodec.isEntry(e.getValue())) {
        entries.put(e.getKey(), e.getValue());
        it.remove();
      }
    }
    TreeSet<String> names = new TreeSet<>(desired.keySet());
    names.addAll(actual.keySet());
    List<PlannedStep> steps = new ArrayList<>(names.size() + entries.size() + 1);
    for (String name : names) {
      steps.add(planOne(name, desired.get(name), actual.get(name), now));
    }
    if (directory != null) {
      for (Map.Entry<String, NamespacePublicKeys> d : new TreeMap<>(directory).entrySet()) {
        String name = KeyDirectoryCodec.endpointName(manifest.endpointName(), d.getKey());
        Endpoint onServer = entries.remove(name);
        if (onServer == null) {
          onServer = actual.get(name);
        }
        steps.add(planEntry(d.getKey(), d.getValue(), onServer, now));
      }
    }
    if (directory == null) {
      for (Endpoint left : entries.values()) {
        steps.add(
            entryStep(
                Type.SKIP,
                left.getSpec().getName(),
                left.getSpec().getName(),
                null,
                "a key directory entry; this reconciler publishes no key directory"
                    + " (setKeyDirectory), so it leaves the directory as the server holds it",
                left,
                null));
      }
      steps.add(
          planManifest(
              listing(steps), carriedDirectory(serverManifest, entries), serverManifest, now));
      return steps;
    }
    for (Endpoint left : entries.values()) {
      steps.add(planRemovedEntry(left));
    }
    steps.add(planManifest(listing(steps), directoryListing(steps, true), serverManifest, now));
    return steps;
  }

  /**
   * For a reconciler that publishes no key directory: the directory listing of the verified
   * manifest on the server, restricted to the entries the server still holds unchanged (so that
   * another tool's directory survives this reconciler's manifests); {@code null} when the server's
   * manifest lists none or does not verify.
   */
  private SortedMap<String, String> carriedDirectory(
      Endpoint serverManifest, Map<String, Endpoint> entries) {
    if (serverManifest == null || !ManifestCodec.isManifest(serverManifest)) {
      return null;
    }
    VerifiedManifest previous;
    try {
      previous =
          ManifestCodec.decode(
              serverManifest.getSpec().getDescription(), signer.getVerifier(), audience);
    } catch (InvalidSignedDocumentException e) {
      return null;
    }
    if (previous.manifest().keyDirectory() == null) {
      return null;
    }
    SortedMap<String, String> carried = new TreeMap<>();
    previous
        .manifest()
        .keyDirectory()
        .forEach(
            (namespace, digest) -> {
              Endpoint e =
                  entries.get(KeyDirectoryCodec.endpointName(manifest.endpointName(), namespace));
              if (e != null
                  && KeyDirectoryCodec.digest(e.getSpec().getDescription()).equals(digest)) {
                carried.put(namespace, digest);
              }
            });
    return carried;
  }

  /**
   * What the manifest lists of the key directory after {@code steps} are applied as planned: every
   * namespace whose entry endpoint holds (UNCHANGED) or will hold (CREATE, UPDATE) its entry, with
   * that entry's digest; {@code null} when no directory is published.
   */
  public static SortedMap<String, String> directoryListing(
      List<PlannedStep> steps, boolean published) {
    if (!published) {
      return null;
    }
    SortedMap<String, String> listing = new TreeMap<>();
    for (PlannedStep step : steps) {
      if (!step.isKeyDirectoryEntry() || step.getDesiredKeys() == null) {
        continue;
      }
      switch (step.getType()) {
        case UNCHANGED ->
            listing.put(
                step.getKeyNamespace(),
                KeyDirectoryCodec.digest(step.getServer().getSpec().getDescription()));
        case CREATE, UPDATE ->
            listing.put(
                step.getKeyNamespace(), KeyDirectoryCodec.digest(step.getSpec().getDescription()));
        default -> {}
      }
    }
    return listing;
  }

  /**
   * Plans the entry endpoint of {@code namespace}.
   *
   * @param desired the directory's keys of the namespace (not null)
   * @param server the server endpoint of the entry's name, or {@code null}
   */
  public PlannedStep planEntry(
      String namespace, NamespacePublicKeys desired, Endpoint server, Instant now) {
    String name = KeyDirectoryCodec.endpointName(manifest.endpointName(), namespace);
    if (server == null) {
      return writeEntry(Type.CREATE, namespace, desired, null, "not on the server", now);
    }
    if (!KeyDirectoryCodec.isEntry(server)) {
      return entryStep(
          Type.ERROR,
          name,
          namespace,
          desired,
          "the server already has an endpoint '"
              + name
              + "' that is not a key directory entry (its description has no '"
              + KeyDirectoryCodec.METADATA_KEY
              + "' metadata); rename or delete it, it holds the name reserved for namespace '"
              + UntrustedText.quote(namespace)
              + "''s keys",
          server,
          null);
    }
    List<String> differences = new ArrayList<>();
    String target = PolicyCodec.targetOf(server);
    String wanted = manifest.targetNamespace() + "/" + name;
    if (!target.equals(wanted)) {
      differences.add(
          "target: server has " + UntrustedText.quote(target) + ", configured " + wanted);
    }
    VerifiedKeyDirectoryEntry verified = null;
    try {
      verified = KeyDirectoryCodec.verifyFor(server, namespace, signer.getVerifier(), audience);
    } catch (InvalidSignedDocumentException e) {
      differences.add("entry invalid: " + e.getMessage());
    }
    if (verified != null) {
      NamespacePublicKeys onServer = verified.document().keys();
      if (!onServer.equals(desired)) {
        differences.add("keys: server has " + onServer + ", directory has " + desired);
      }
      signingDifferences(
          differences, "entry", verified.document().issuedAt(), verified.keyId(), now);
    }
    if (differences.isEmpty()) {
      return entryStep(
          Type.UNCHANGED,
          name,
          namespace,
          desired,
          "in step (server version " + server.getVersion() + ")",
          server,
          null);
    }
    return writeEntry(Type.UPDATE, namespace, desired, server, String.join("; ", differences), now);
  }

  /** Plans an entry endpoint of this registry whose namespace the directory does not have. */
  public PlannedStep planRemovedEntry(Endpoint server) {
    String name = server.getSpec().getName();
    VerifiedKeyDirectoryEntry verified;
    try {
      verified =
          KeyDirectoryCodec.decode(
              server.getSpec().getDescription(), signer.getVerifier(), audience);
    } catch (InvalidSignedDocumentException e) {
      boolean delete = deleteRemoved && takeOverUnmanaged;
      return entryStep(
          delete ? Type.DELETE : Type.SKIP,
          name,
          name,
          null,
          "a key directory entry that does not verify under the registry key for this cluster ("
              + e.getMessage()
              + ")"
              + (delete
                  ? "; deleting because both deleteRemovedEndpoints and takeOverUnmanagedEndpoints"
                      + " are set"
                  : "; left alone"),
          server,
          null);
    }
    String namespace = verified.document().namespace();
    if (deleteRemoved) {
      return entryStep(
          Type.DELETE, name, namespace, null, "not in the key directory", server, null);
    }
    return entryStep(
        Type.SKIP,
        name,
        namespace,
        null,
        "not in the key directory; the manifest no longer lists it, so workers have no keys for"
            + " the namespace; kept on the server because deleting removed endpoints is off"
            + " (setDeleteRemovedEndpoints(true) deletes it)",
        server,
        null);
  }

  private PlannedStep writeEntry(
      Type type,
      String namespace,
      NamespacePublicKeys desired,
      Endpoint server,
      String reason,
      Instant issuedAt) {
    String name = KeyDirectoryCodec.endpointName(manifest.endpointName(), namespace);
    Payload description;
    try {
      description =
          KeyDirectoryCodec.encode(new KeyDirectoryDocument(audience, desired, issuedAt), signer);
    } catch (DescriptionTooLargeException e) {
      return entryStep(Type.ERROR, name, namespace, desired, e.getMessage(), server, null);
    }
    return entryStep(
        type,
        name,
        namespace,
        desired,
        reason,
        server,
        PolicyCodec.specOf(name, manifest.targetNamespace(), name, description));
  }

  private static PlannedStep entryStep(
      Type type,
      String name,
      String namespace,
      NamespacePublicKeys desired,
      String reason,
      Endpoint server,
      EndpointSpec spec) {
    return new PlannedStep(type, name, reason, null, server, spec, null, namespace, desired, null);
  }

  /**
   * What the manifest lists after {@code steps} are applied as planned: every registry endpoint
   * whose server endpoint holds (UNCHANGED) or will hold (CREATE, UPDATE) its policy, with that
   * policy's digest.
   */
  public static SortedMap<String, String> listing(List<PlannedStep> steps) {
    SortedMap<String, String> listing = new TreeMap<>();
    for (PlannedStep step : steps) {
      if (step.isManifest() || step.getDesired() == null) {
        continue;
      }
      switch (step.getType()) {
        case UNCHANGED ->
            listing.put(
                step.getEndpointName(),
                PolicyCodec.digest(step.getServer().getSpec().getDescription()));
        case CREATE, UPDATE ->
            listing.put(
                step.getEndpointName(), PolicyCodec.digest(step.getSpec().getDescription()));
        default -> {}
      }
    }
    return listing;
  }

  /**
   * Plans one endpoint name.
   *
   * @param desired the registry's endpoint, or {@code null}
   * @param server the server's endpoint, or {@code null}
   */
  public PlannedStep planOne(String name, NexusEndpoint desired, Endpoint server, Instant now) {
    if (name.equals(manifest.endpointName())) {
      return step(
          Type.ERROR,
          name,
          "the name '"
              + name
              + "' is reserved for the registry manifest; rename the registry endpoint, or give"
              + " the reconciler and the workers another manifest endpoint name",
          desired,
          server,
          null);
    }
    if (desired != null && KeyDirectoryCodec.isEntryName(manifest.endpointName(), name)) {
      return step(
          Type.ERROR,
          name,
          "names starting with '"
              + manifest.endpointName()
              + KeyDirectoryCodec.NAME_INFIX
              + "' are reserved for the key directory's entries; rename the registry endpoint",
          desired,
          server,
          null);
    }
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
      verified =
          PolicyCodec.decode(server.getSpec().getDescription(), signer.getVerifier(), audience);
    } catch (InvalidSignedDocumentException e) {
      differences.add("policy invalid: " + e.getMessage());
    }
    if (verified != null) {
      PolicyDocument doc = verified.getDocument();
      try {
        PolicyCodec.checkBinding(doc, server);
      } catch (InvalidSignedDocumentException e) {
        differences.add("policy invalid: " + e.getMessage());
      }
      differences.addAll(contentDifferences(doc.getEndpoint(), desired));
      signingDifferences(differences, "policy", doc.getIssuedAt(), verified.keyId(), now);
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
    return write(Type.UPDATE, desired, server, String.join("; ", differences), now);
  }

  /**
   * Plans the manifest that lists {@code listing}, given the manifest endpoint on the server
   * ({@code null} when there is none).
   */
  public PlannedStep planManifest(
      SortedMap<String, String> listing, Endpoint serverManifest, Instant now) {
    return planManifest(listing, null, serverManifest, now);
  }

  /**
   * Plans the manifest that lists {@code listing} and the key directory entries {@code
   * directoryListing} ({@code null}: no key directory), given the manifest endpoint on the server
   * ({@code null} when there is none).
   */
  public PlannedStep planManifest(
      SortedMap<String, String> listing,
      SortedMap<String, String> directoryListing,
      Endpoint serverManifest,
      Instant now) {
    String name = manifest.endpointName();
    VerifiedManifest previous = null;
    List<String> differences = new ArrayList<>();
    if (serverManifest != null) {
      if (!ManifestCodec.isManifest(serverManifest)) {
        return manifestStep(
            Type.ERROR,
            "the server endpoint '"
                + name
                + "' is not a registry manifest (its description has no '"
                + ManifestCodec.METADATA_KEY
                + "' metadata); rename it, or give the reconciler and the workers another manifest"
                + " endpoint name",
            serverManifest,
            null,
            listing,
            directoryListing);
      }
      try {
        previous =
            ManifestCodec.decode(
                serverManifest.getSpec().getDescription(), signer.getVerifier(), audience);
      } catch (InvalidSignedDocumentException e) {
        differences.add(
            "the manifest on the server is invalid ("
                + e.getProblem()
                + ": "
                + e.getMessage()
                + ")");
      }
    }
    long epoch = now.toEpochMilli();
    if (previous != null) {
      RegistryManifest m = previous.manifest();
      Instant latest = now.plus(clockSkew);
      if (m.issuedAt().isAfter(latest) || m.epoch() > latest.toEpochMilli()) {
        differences.add(
            "the manifest on the server (epoch "
                + m.epoch()
                + ") was issued after now plus the allowed clock skew, so workers refuse it");
      } else {
        epoch = Math.max(epoch, m.epoch() + 1);
        if (!m.endpoints().equals(listing)) {
          differences.add(listingDifferences(m.endpoints(), listing));
        }
        if (!Objects.equals(m.keyDirectory(), directoryListing)) {
          differences.add(directoryDifferences(m.keyDirectory(), directoryListing));
        }
        Instant renewAt =
            m.issuedAt().plus(Duration.between(m.issuedAt(), m.expiresAt()).dividedBy(2));
        if (!now.isBefore(renewAt)) {
          differences.add(
              "renewing: the manifest expires at "
                  + m.expiresAt()
                  + ", less than half its lifetime left");
        }
        Integer primary = signer.getPrimaryKeyId();
        if (differences.isEmpty() && primary != null && !primary.equals(previous.keyId())) {
          differences.add(
              "signed with key id "
                  + (previous.keyId() == null
                      ? "(none)"
                      : Integer.toUnsignedString(previous.keyId()))
                  + ", re-signing with the primary key id "
                  + Integer.toUnsignedString(primary));
        }
      }
      String target = PolicyCodec.targetOf(serverManifest);
      String wanted = manifest.targetNamespace() + "/" + manifest.taskQueue();
      if (differences.isEmpty() && !target.equals(wanted)) {
        differences.add(
            "target: server has " + UntrustedText.quote(target) + ", configured " + wanted);
      }
    }
    if (serverManifest != null && differences.isEmpty()) {
      return manifestStep(
          Type.UNCHANGED,
          "in step (epoch "
              + previous.manifest().epoch()
              + ", "
              + listing.size()
              + " endpoints"
              + directorySummary(directoryListing)
              + ", expires at "
              + previous.manifest().expiresAt()
              + ")",
          serverManifest,
          null,
          listing,
          directoryListing);
    }
    RegistryManifest next =
        new RegistryManifest(
            audience, epoch, now, now.plus(manifest.lifetime()), listing, directoryListing);
    Payload description;
    try {
      description = ManifestCodec.encode(next, signer);
    } catch (DescriptionTooLargeException e) {
      return manifestStep(
          Type.ERROR, e.getMessage(), serverManifest, null, listing, directoryListing);
    }
    EndpointSpec spec =
        PolicyCodec.specOf(name, manifest.targetNamespace(), manifest.taskQueue(), description);
    String summary =
        "epoch "
            + epoch
            + ", "
            + listing.size()
            + " endpoints"
            + directorySummary(directoryListing)
            + ", expires at "
            + next.expiresAt();
    if (serverManifest == null) {
      return manifestStep(
          Type.CREATE,
          "no manifest on the server; " + summary,
          null,
          spec,
          listing,
          directoryListing);
    }
    return manifestStep(
        Type.UPDATE,
        String.join("; ", differences) + "; " + summary,
        serverManifest,
        spec,
        listing,
        directoryListing);
  }

  private static String directorySummary(SortedMap<String, String> directoryListing) {
    return directoryListing == null
        ? ""
        : ", " + directoryListing.size() + " key directory namespaces";
  }

  private static String directoryDifferences(
      Map<String, String> before, Map<String, String> after) {
    if (before == null) {
      return "publishes the key directory";
    }
    if (after == null) {
      return "no longer publishes a key directory";
    }
    String text = listingDifferences(before, after);
    return "key directory: " + text.replace("new policies of", "new entries of");
  }

  private static String listingDifferences(Map<String, String> before, Map<String, String> after) {
    List<String> added = new ArrayList<>();
    List<String> removed = new ArrayList<>();
    List<String> changed = new ArrayList<>();
    for (Map.Entry<String, String> e : after.entrySet()) {
      String old = before.get(e.getKey());
      if (old == null) {
        added.add(e.getKey());
      } else if (!old.equals(e.getValue())) {
        changed.add(e.getKey());
      }
    }
    for (String name : before.keySet()) {
      if (!after.containsKey(name)) {
        removed.add(name);
      }
    }
    List<String> parts = new ArrayList<>();
    if (!added.isEmpty()) {
      parts.add("lists " + added);
    }
    if (!removed.isEmpty()) {
      parts.add("no longer lists " + removed);
    }
    if (!changed.isEmpty()) {
      parts.add("new policies of " + changed);
    }
    return String.join(", ", parts);
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
      PolicyCodec.decode(server.getSpec().getDescription(), signer.getVerifier(), audience);
    } catch (InvalidSignedDocumentException e) {
      if (deleteRemoved && takeOverUnmanaged) {
        return step(
            Type.DELETE,
            name,
            "not in the registry, and its policy does not verify under the registry key for this"
                + " cluster ("
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
          "not in the registry, and its policy does not verify under the registry key for this"
              + " cluster, so it may belong to another registry; left alone ("
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
        "not in the registry; the manifest no longer lists it, so workers treat it as unknown;"
            + " kept on the server because deleting removed endpoints is off"
            + " (setDeleteRemovedEndpoints(true) deletes it)",
        null,
        server,
        null);
  }

  private PlannedStep write(
      Type type, NexusEndpoint desired, Endpoint server, String reason, Instant issuedAt) {
    Payload description;
    try {
      description = PolicyCodec.encode(new PolicyDocument(audience, desired, issuedAt), signer);
    } catch (DescriptionTooLargeException e) {
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
    if (!signed.getDefaultPayloadProtection().equals(desired.getDefaultPayloadProtection())
        || !signed.getServicePayloadProtections().equals(desired.getServicePayloadProtections())) {
      differences.add(
          "payload protection: server policy has "
              + protectionOf(signed)
              + ", registry has "
              + protectionOf(desired));
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

  private static String protectionOf(NexusEndpoint e) {
    return e.getDefaultPayloadProtection().map(Object::toString).orElse("none")
        + (e.getServicePayloadProtections().isEmpty()
            ? ""
            : " " + e.getServicePayloadProtections());
  }

  private static PlannedStep step(
      Type type,
      String name,
      String reason,
      NexusEndpoint desired,
      Endpoint server,
      EndpointSpec spec) {
    return new PlannedStep(type, name, reason, desired, server, spec, null);
  }

  private PlannedStep manifestStep(
      Type type,
      String reason,
      Endpoint server,
      EndpointSpec spec,
      SortedMap<String, String> listing,
      SortedMap<String, String> directoryListing) {
    return new PlannedStep(
        type,
        manifest.endpointName(),
        reason,
        null,
        server,
        spec,
        listing,
        null,
        null,
        directoryListing);
  }

  /**
   * Adds what makes a signed document on the server need re-signing although its content is in
   * step: issued after now plus the clock skew (workers refuse it), or, when nothing else differs,
   * signed with a key other than the signer's primary.
   */
  private void signingDifferences(
      List<String> differences, String what, Instant issuedAt, Integer keyId, Instant now) {
    if (issuedAt.isAfter(now.plus(clockSkew))) {
      differences.add(
          what
              + " issued at "
              + issuedAt
              + ", after now plus the allowed clock skew, so workers refuse it");
    }
    Integer primary = signer.getPrimaryKeyId();
    if (differences.isEmpty() && primary != null && !primary.equals(keyId)) {
      differences.add(
          "signed with key id "
              + (keyId == null ? "(none)" : Integer.toUnsignedString(keyId))
              + ", re-signing with the primary key id "
              + Integer.toUnsignedString(primary));
    }
  }
}
