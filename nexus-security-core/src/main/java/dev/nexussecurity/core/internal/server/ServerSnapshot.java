package dev.nexussecurity.core.internal.server;

import dev.nexussecurity.api.AccessDecision;
import dev.nexussecurity.api.NexusEndpoint;
import dev.nexussecurity.api.ReasonCode;
import dev.nexussecurity.api.internal.UntrustedText;
import dev.nexussecurity.core.keys.NamespacePublicKeys;
import io.temporal.api.nexus.v1.Endpoint;
import io.temporal.api.nexus.v1.EndpointSpec;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.SortedSet;
import java.util.TreeMap;
import java.util.TreeSet;

/**
 * One immutable view of the server's endpoints as workers see them, built from one listing and the
 * registry manifest verified in it: the endpoints the manifest lists whose policy verified (they
 * admit their allowlist), those whose policy did not (they admit nobody), and the rest (unknown).
 * It answers until {@link #getFreshUntilMillis()}; after that every call is denied {@link
 * ReasonCode#REGISTRY_STALE}. Thread-safe; {@link #checkAccess} is O(1) and allocates nothing.
 *
 * <p>An endpoint is allowed only through a policy whose digest the manifest lists, bound to the
 * server endpoint's current name and target, signed for this cluster. The policy comes from the
 * server endpoint's description or, while a reconciliation writes policies ahead of the manifest
 * that will list them, from the previous snapshot: when the server holds another validly signed
 * policy than the listed one and the previous snapshot verified exactly the listed one for the same
 * target, that one stays in use (the manifest is the authority, and the worker holds the document
 * it names).
 *
 * <p>The snapshot also holds the key directory the manifest publishes ({@link #findKeys}): for each
 * namespace the manifest lists, the keys of the entry whose digest it lists, read from that
 * namespace's entry endpoint ({@link KeyDirectoryCodec#endpointName}) and verified (signature,
 * cluster, namespace). When the server's copy is refused for any reason (edited, moved, another
 * validly signed entry, a reconciliation writing entries ahead of their manifest) and the previous
 * snapshot verified exactly the entry the manifest lists, that entry stays in use: unlike a
 * policy's, an entry is needed by every call from and to its namespace, and the digest pins the
 * document the worker holds. A namespace the manifest does not list, whose entry endpoint is
 * missing, or whose entry is refused with no listed entry from before, has no keys; {@link
 * #describeMissingKeys} says why.
 */
public final class ServerSnapshot {
  private static final AccessDecision ALLOWED = AccessDecision.allowed();
  private static final AccessDecision UNKNOWN = AccessDecision.denied(ReasonCode.UNKNOWN_ENDPOINT);
  private static final AccessDecision NOT_ALLOWED =
      AccessDecision.denied(ReasonCode.CALLER_NOT_ALLOWED);
  private static final AccessDecision POLICY_INVALID =
      AccessDecision.denied(ReasonCode.ENDPOINT_POLICY_INVALID);
  private static final AccessDecision STALE = AccessDecision.denied(ReasonCode.REGISTRY_STALE);

  /**
   * One endpoint the manifest lists: a verified endpoint (with the spec and digest of the policy it
   * came from) or the problem with its policy.
   */
  private record Entry(
      EndpointSpec source,
      NexusEndpoint endpoint,
      String digest,
      String problem,
      Optional<NexusEndpoint> found) {
    Entry(EndpointSpec source, NexusEndpoint endpoint, String digest, String problem) {
      // The Optional is made once, so that find() allocates nothing.
      this(source, endpoint, digest, problem, Optional.ofNullable(endpoint));
    }

    boolean valid() {
      return endpoint != null;
    }
  }

  /**
   * One namespace the manifest's key directory lists: its verified keys (with the spec and digest
   * of the entry they came from) or the problem with its entry.
   */
  private record KeyEntry(
      EndpointSpec source,
      NamespacePublicKeys keys,
      String digest,
      String problem,
      Optional<NamespacePublicKeys> found) {
    KeyEntry(EndpointSpec source, NamespacePublicKeys keys, String digest, String problem) {
      this(source, keys, digest, problem, Optional.ofNullable(keys));
    }

    boolean valid() {
      return keys != null;
    }
  }

  /** What the snapshot holds of the key directory. */
  private record Directory(
      Map<String, KeyEntry> entries, Set<String> namespaces, Map<String, String> problems) {
    static final Directory NONE = new Directory(Map.of(), Set.of(), Map.of());
  }

  /** The snapshot before anything was verified: stale, so every call is denied. */
  private static final ServerSnapshot EMPTY =
      new ServerSnapshot(
          Map.of(),
          List.of(),
          Map.of(),
          Map.of(),
          Collections.emptySortedSet(),
          0,
          null,
          Long.MIN_VALUE,
          Directory.NONE);

  private final Map<String, Entry> entries;
  private final List<NexusEndpoint> endpoints;
  private final Map<String, String> invalid;
  private final Map<String, String> warnings;
  private final SortedSet<String> unlisted;
  private final int unmanagedCount;
  private final VerifiedManifest manifest;
  private final long freshUntilMillis;
  private final Directory directory;

  private ServerSnapshot(
      Map<String, Entry> entries,
      List<NexusEndpoint> endpoints,
      Map<String, String> invalid,
      Map<String, String> warnings,
      SortedSet<String> unlisted,
      int unmanagedCount,
      VerifiedManifest manifest,
      long freshUntilMillis,
      Directory directory) {
    this.directory = directory;
    this.entries = entries;
    this.endpoints = endpoints;
    this.invalid = invalid;
    this.warnings = warnings;
    this.unlisted = unlisted;
    this.unmanagedCount = unmanagedCount;
    this.manifest = manifest;
    this.freshUntilMillis = freshUntilMillis;
  }

  /** The snapshot before anything was verified: every call is denied as stale. */
  public static ServerSnapshot empty() {
    return EMPTY;
  }

  /** What a snapshot is built from, besides the listing. */
  public record Context(
      String audience,
      String manifestEndpointName,
      PolicyVerifier verifier,
      Instant now,
      Duration clockSkew) {}

  /**
   * Builds the snapshot of {@code server}'s endpoints under {@code manifest} (already verified and
   * checked to be current).
   *
   * @param freshUntilMillis until when (exclusive, milliseconds since 1970) the snapshot answers
   * @param previous the snapshot in use, whose verified policies may be taken over
   */
  public static ServerSnapshot build(
      List<Endpoint> server,
      VerifiedManifest manifest,
      Context context,
      long freshUntilMillis,
      ServerSnapshot previous) {
    Map<String, Endpoint> byName = new HashMap<>();
    SortedSet<String> unlisted = new TreeSet<>();
    int unmanaged = 0;
    Map<String, String> listed = manifest.manifest().endpoints();
    for (Endpoint e : server) {
      String name = e.getSpec().getName();
      if (name.equals(context.manifestEndpointName())) {
        continue;
      }
      byName.put(name, e);
      if (!listed.containsKey(name)) {
        if (PolicyCodec.isManaged(e)) {
          unlisted.add(name);
        } else if (!KeyDirectoryCodec.isEntry(e)) {
          unmanaged++;
        }
      }
    }
    Map<String, Entry> entries = new HashMap<>();
    Map<String, String> warnings = new TreeMap<>();
    for (Map.Entry<String, String> l : listed.entrySet()) {
      String name = l.getKey();
      Endpoint e = byName.get(name);
      if (e == null) {
        warnings.put(
            name,
            "listed in the registry manifest but not on the server (not created yet, or deleted"
                + " on the server); unknown until it is there");
        continue;
      }
      Entry entry = resolve(e, l.getValue(), manifest, context, previous.entries.get(name));
      entries.put(name, entry);
      if (entry.valid() && !entry.source().equals(e.getSpec())) {
        warnings.put(
            name,
            "the server holds another validly signed policy than the one the manifest of epoch "
                + manifest.manifest().epoch()
                + " lists; still using the listed policy verified earlier (a reconciliation is"
                + " probably writing policies ahead of its manifest)");
      }
    }
    List<NexusEndpoint> valid = new ArrayList<>();
    Map<String, String> invalid = new TreeMap<>();
    for (Map.Entry<String, Entry> en : entries.entrySet()) {
      if (en.getValue().valid()) {
        valid.add(en.getValue().endpoint());
      } else {
        invalid.put(en.getKey(), en.getValue().problem());
      }
    }
    valid.sort(Comparator.comparing(NexusEndpoint::getName));
    return new ServerSnapshot(
        Collections.unmodifiableMap(entries),
        Collections.unmodifiableList(valid),
        Collections.unmodifiableMap(invalid),
        Collections.unmodifiableMap(warnings),
        Collections.unmodifiableSortedSet(unlisted),
        unmanaged,
        manifest,
        freshUntilMillis,
        buildDirectory(byName, manifest, context, previous.directory));
  }

  private static Directory buildDirectory(
      Map<String, Endpoint> byName,
      VerifiedManifest manifest,
      Context context,
      Directory previous) {
    Map<String, String> listed = manifest.manifest().keyDirectory();
    if (listed == null) {
      return Directory.NONE;
    }
    Map<String, KeyEntry> entries = new HashMap<>();
    Set<String> valid = new TreeSet<>();
    Map<String, String> problems = new TreeMap<>();
    for (Map.Entry<String, String> l : listed.entrySet()) {
      String namespace = l.getKey();
      String name = KeyDirectoryCodec.endpointName(context.manifestEndpointName(), namespace);
      KeyEntry entry =
          resolveKeys(
              namespace,
              byName.get(name),
              l.getValue(),
              manifest,
              context,
              previous.entries().get(namespace));
      entries.put(namespace, entry);
      if (entry.valid()) {
        valid.add(namespace);
      }
      if (entry.problem() != null) {
        problems.put(namespace, entry.problem());
      }
    }
    return new Directory(
        Collections.unmodifiableMap(entries),
        Collections.unmodifiableSet(valid),
        Collections.unmodifiableMap(problems));
  }

  private static KeyEntry resolveKeys(
      String namespace,
      Endpoint e,
      String listedDigest,
      VerifiedManifest manifest,
      Context context,
      KeyEntry before) {
    if (e == null) {
      return new KeyEntry(
          null,
          null,
          null,
          "the registry manifest of epoch "
              + manifest.manifest().epoch()
              + " lists the namespace's key directory entry, but its endpoint '"
              + KeyDirectoryCodec.endpointName(context.manifestEndpointName(), namespace)
              + "' is not on the server (deleted on the server, or not created yet)");
    }
    if (before != null
        && before.valid()
        && e.getSpec().equals(before.source())
        && before.digest().equals(listedDigest)) {
      return before;
    }
    if (!KeyDirectoryCodec.isEntry(e)) {
      return refusedKeys(
          e,
          InvalidSignedDocumentException.Problem.MALFORMED,
          "the registry manifest lists the namespace's key directory entry, but its endpoint's"
              + " description holds no key directory entry",
          listedDigest,
          before);
    }
    VerifiedKeyDirectoryEntry verified;
    try {
      verified = KeyDirectoryCodec.verifyFor(e, namespace, context.verifier(), context.audience());
      Instant issuedAt = verified.document().issuedAt();
      if (issuedAt.isAfter(context.now().plus(context.clockSkew()))) {
        throw new InvalidSignedDocumentException(
            InvalidSignedDocumentException.Problem.ISSUED_IN_FUTURE,
            "the key directory entry was issued at "
                + issuedAt
                + ", after now ("
                + context.now()
                + ") plus the allowed clock skew ("
                + context.clockSkew()
                + "); check the reconciler's clock");
      }
    } catch (InvalidSignedDocumentException ex) {
      return refusedKeys(e, ex.getProblem(), ex.getMessage(), listedDigest, before);
    }
    if (verified.digest().equals(listedDigest)) {
      return new KeyEntry(e.getSpec(), verified.document().keys(), verified.digest(), null);
    }
    return refusedKeys(
        e,
        InvalidSignedDocumentException.Problem.NOT_IN_MANIFEST,
        "the key directory entry on the server (issued at "
            + verified.document().issuedAt()
            + ") is not the one the registry manifest of epoch "
            + manifest.manifest().epoch()
            + " lists for this namespace: a reconciliation may be in progress (its manifest will"
            + " list it), or someone put another validly signed entry (an older one, say) on the"
            + " server",
        listedDigest,
        before);
  }

  /**
   * The entry of a namespace whose entry on the server is refused: the entry the previous snapshot
   * verified, when it is exactly the one the manifest lists (the manifest is the authority and the
   * worker holds the document it names; a change on the server cannot take its keys away, nor add
   * any), else no keys.
   */
  private static KeyEntry refusedKeys(
      Endpoint e,
      InvalidSignedDocumentException.Problem problem,
      String message,
      String listedDigest,
      KeyEntry before) {
    if (before != null && before.valid() && before.digest().equals(listedDigest)) {
      return new KeyEntry(
          before.source(),
          before.keys(),
          before.digest(),
          problem
              + ": "
              + message
              + "; still using the entry the manifest lists, which this worker verified earlier");
    }
    return invalidKeys(e, problem, message);
  }

  private static KeyEntry invalidKeys(
      Endpoint e, InvalidSignedDocumentException.Problem problem, String message) {
    return new KeyEntry(e.getSpec(), null, null, problem + ": " + message);
  }

  /**
   * The verified keys of {@code namespace} in the published key directory; empty when the manifest
   * lists none for it, its entry failed, or the snapshot is stale. O(1), allocation-free.
   */
  public Optional<NamespacePublicKeys> findKeys(String namespace, long nowMillis) {
    if (namespace == null || nowMillis >= freshUntilMillis) {
      return Optional.empty();
    }
    KeyEntry entry = directory.entries().get(namespace);
    return entry == null ? Optional.empty() : entry.found();
  }

  /** The namespaces with verified keys, sorted, unmodifiable (also when stale). */
  public Set<String> getKeyNamespaces() {
    return directory.namespaces();
  }

  /**
   * Namespaces the manifest's key directory lists whose entry on the server is missing or refused,
   * with the problem (which says when the worker keeps the listed entry it verified earlier);
   * sorted, unmodifiable.
   */
  public Map<String, String> getKeyProblems() {
    return directory.problems();
  }

  /** Whether the manifest publishes a key directory. */
  public boolean publishesKeyDirectory() {
    return manifest != null && manifest.manifest().keyDirectory() != null;
  }

  /**
   * Why {@link #findKeys} finds nothing for {@code namespace} (apart from staleness, which the
   * caller words): no directory published, the entry's problem, or that the directory does not list
   * the namespace.
   */
  public String describeMissingKeys(String namespace) {
    String quoted = "'" + UntrustedText.quote(String.valueOf(namespace)) + "'";
    if (!publishesKeyDirectory()) {
      return "the registry on the Temporal server publishes no key directory, so it has no keys for"
          + " namespace "
          + quoted
          + " (run the EndpointReconciler with setKeyDirectory)";
    }
    String problem = namespace == null ? null : directory.problems().get(namespace);
    if (problem != null && !directory.namespaces().contains(namespace)) {
      return "the key directory entry of namespace "
          + quoted
          + " on the Temporal server is refused, so the namespace has no keys: "
          + problem;
    }
    if (namespace != null && directory.namespaces().contains(namespace)) {
      return "the key directory has keys for namespace " + quoted;
    }
    return "the key directory published by the registry manifest of epoch "
        + manifest.manifest().epoch()
        + " has no entry for namespace "
        + quoted
        + " (not in the reconciler's key directory, or removed from it)";
  }

  private static Entry resolve(
      Endpoint e, String listedDigest, VerifiedManifest manifest, Context context, Entry before) {
    if (before != null
        && before.valid()
        && before.source().equals(e.getSpec())
        && before.digest().equals(listedDigest)) {
      return before;
    }
    if (!PolicyCodec.isManaged(e)) {
      return invalid(
          e,
          InvalidSignedDocumentException.Problem.MALFORMED,
          "the registry manifest lists this endpoint, but its description holds no nexus-security"
              + " policy");
    }
    VerifiedPolicy verified;
    try {
      verified = PolicyCodec.verifyFor(e, context.verifier(), context.audience());
      Instant issuedAt = verified.getDocument().getIssuedAt();
      if (issuedAt.isAfter(context.now().plus(context.clockSkew()))) {
        throw new InvalidSignedDocumentException(
            InvalidSignedDocumentException.Problem.ISSUED_IN_FUTURE,
            "the policy was issued at "
                + issuedAt
                + ", after now ("
                + context.now()
                + ") plus the allowed clock skew ("
                + context.clockSkew()
                + "); check the reconciler's clock");
      }
    } catch (InvalidSignedDocumentException ex) {
      return invalid(e, ex.getProblem(), ex.getMessage());
    }
    if (verified.digest().equals(listedDigest)) {
      return new Entry(e.getSpec(), verified.getDocument().getEndpoint(), verified.digest(), null);
    }
    if (before != null
        && before.valid()
        && before.digest().equals(listedDigest)
        && sameTarget(before.endpoint(), e)) {
      return before;
    }
    return invalid(
        e,
        InvalidSignedDocumentException.Problem.NOT_IN_MANIFEST,
        "the policy on the server (issued at "
            + verified.getDocument().getIssuedAt()
            + ") is not the one the registry manifest of epoch "
            + manifest.manifest().epoch()
            + " lists for this endpoint: a reconciliation may be in progress (its manifest will"
            + " list it), or someone put another validly signed policy on the server");
  }

  private static boolean sameTarget(NexusEndpoint endpoint, Endpoint server) {
    return PolicyCodec.targetOf(server)
        .equals(endpoint.getTargetNamespace() + "/" + endpoint.getTargetTaskQueue());
  }

  private static Entry invalid(
      Endpoint e, InvalidSignedDocumentException.Problem problem, String message) {
    return new Entry(e.getSpec(), null, null, problem + ": " + message);
  }

  /**
   * The access decision for {@code callerNamespace} on {@code endpointName} at {@code nowMillis};
   * null arguments deny. O(1), allocation-free.
   */
  public AccessDecision checkAccess(String endpointName, String callerNamespace, long nowMillis) {
    if (nowMillis >= freshUntilMillis) {
      return STALE;
    }
    if (endpointName == null) {
      return UNKNOWN;
    }
    Entry entry = entries.get(endpointName);
    if (entry == null) {
      return UNKNOWN;
    }
    if (entry.endpoint() == null) {
      return POLICY_INVALID;
    }
    return entry.endpoint().isCallerAllowed(callerNamespace) ? ALLOWED : NOT_ALLOWED;
  }

  /**
   * The verified endpoint named {@code name}; empty when unknown, invalid or stale. O(1),
   * allocation-free.
   */
  public Optional<NexusEndpoint> find(String name, long nowMillis) {
    if (name == null || nowMillis >= freshUntilMillis) {
      return Optional.empty();
    }
    Entry entry = entries.get(name);
    return entry == null ? Optional.empty() : entry.found();
  }

  /** Whether the snapshot is stale at {@code nowMillis}. */
  public boolean isStale(long nowMillis) {
    return nowMillis >= freshUntilMillis;
  }

  /** The verified endpoints, sorted by name, unmodifiable (also when stale). */
  public List<NexusEndpoint> getEndpoints() {
    return endpoints;
  }

  /** Listed endpoints whose policy failed, by name, with the problem; sorted, unmodifiable. */
  public Map<String, String> getInvalid() {
    return invalid;
  }

  /**
   * Listed endpoints that are missing on the server or served from an earlier verification, by
   * name, with what is going on; sorted, unmodifiable.
   */
  public Map<String, String> getWarnings() {
    return warnings;
  }

  /**
   * Server endpoints with a nexus-security policy that the manifest does not list (removed from the
   * registry, re-created by hand, or not published yet): unknown; sorted, unmodifiable.
   */
  public SortedSet<String> getUnlisted() {
    return unlisted;
  }

  /** How many server endpoints carry no nexus-security policy and are not listed. */
  public int getUnmanagedCount() {
    return unmanagedCount;
  }

  /** The manifest this snapshot was built under; empty for the initial snapshot. */
  public Optional<VerifiedManifest> getManifest() {
    return Optional.ofNullable(manifest);
  }

  /** Until when (exclusive, milliseconds since 1970) the snapshot answers. */
  public long getFreshUntilMillis() {
    return freshUntilMillis;
  }
}
