package dev.nexussecurity.core.internal.server;

import dev.nexussecurity.api.AccessDecision;
import dev.nexussecurity.api.NexusEndpoint;
import dev.nexussecurity.api.ReasonCode;
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
          Long.MIN_VALUE);

  private final Map<String, Entry> entries;
  private final List<NexusEndpoint> endpoints;
  private final Map<String, String> invalid;
  private final Map<String, String> warnings;
  private final SortedSet<String> unlisted;
  private final int unmanagedCount;
  private final VerifiedManifest manifest;
  private final long freshUntilMillis;

  private ServerSnapshot(
      Map<String, Entry> entries,
      List<NexusEndpoint> endpoints,
      Map<String, String> invalid,
      Map<String, String> warnings,
      SortedSet<String> unlisted,
      int unmanagedCount,
      VerifiedManifest manifest,
      long freshUntilMillis) {
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
        } else {
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
        freshUntilMillis);
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
