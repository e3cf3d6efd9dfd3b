package dev.nexussecurity.core.internal.identity;

import com.google.crypto.tink.KeyStatus;
import com.google.crypto.tink.KeysetHandle;
import com.google.crypto.tink.Mac;
import com.google.crypto.tink.PublicKeyVerify;
import com.google.crypto.tink.signature.SignatureConfig2026;
import dev.nexussecurity.api.AccessDecision;
import dev.nexussecurity.api.EndpointRegistry;
import dev.nexussecurity.api.NexusEndpoint;
import dev.nexussecurity.api.ReasonCode;
import dev.nexussecurity.api.internal.UntrustedText;
import dev.nexussecurity.core.HandlerPolicy;
import dev.nexussecurity.core.IdentityMode;
import dev.nexussecurity.core.ReplayStore;
import dev.nexussecurity.core.keys.KeyDirectory;
import dev.nexussecurity.core.keys.NamespacePublicKeys;
import dev.nexussecurity.core.keys.PairwiseKeyException;
import dev.nexussecurity.core.keys.PairwiseKeys;
import io.nexusrpc.Link;
import java.net.URI;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.Provider;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The handler's check of a caller identity token, in stages over one {@link HandlerRequest}; each
 * stage refuses with its own reason code.
 *
 * <p>{@link #checkBeforeDecode}, for start and cancel, before the input is decoded: parse → key
 * lookup → tag (MAC or signature) → audience (this worker's namespace and task queue) → scope
 * (endpoint, service, operation) → issue time → allowlist (the registry's decision, before anything
 * that reveals the handler's layout) → endpoint target.
 *
 * <p>{@link #checkStart}, for starts, before handler code: caller run against the server-built link
 * → expiry (the token's, clamped by the handler's maximum lifetime) → replay (per caller namespace
 * and token id, with the request id of the first admission).
 */
public final class TokenVerifier {
  private final String ownNamespace;
  private final PairwiseKeys pairwise;
  private final KeyDirectory directory;
  private final EndpointRegistry registry;
  private final HandlerPolicy policy;
  private final ReplayStore replayStore;
  private final boolean systemClock;
  private final Provider signatureProvider;
  private final ConcurrentHashMap<String, CachedVerifier[]> signatureVerifiers =
      new ConcurrentHashMap<>();

  private record CachedVerifier(KeysetHandle keyset, int keyId, PublicKeyVerify verify) {}

  /**
   * @param pairwise this namespace's pairwise keys, or null when it has no namespace keys (then
   *     pairwise tokens are refused)
   * @param systemClock whether the handler's time source is the system clock (only shapes the hints
   *     of time denials)
   */
  public TokenVerifier(
      String ownNamespace,
      PairwiseKeys pairwise,
      KeyDirectory directory,
      EndpointRegistry registry,
      HandlerPolicy policy,
      ReplayStore replayStore,
      boolean systemClock) {
    this(ownNamespace, pairwise, directory, registry, policy, replayStore, systemClock, null);
  }

  /**
   * As above, verifying Ed25519 signatures in {@code signatureProvider} (through Tink's {@code
   * createWithProvider}, see {@link Ed25519WithProvider}) when it is not null.
   */
  public TokenVerifier(
      String ownNamespace,
      PairwiseKeys pairwise,
      KeyDirectory directory,
      EndpointRegistry registry,
      HandlerPolicy policy,
      ReplayStore replayStore,
      boolean systemClock,
      Provider signatureProvider) {
    this.signatureProvider = signatureProvider;
    this.ownNamespace = ownNamespace;
    this.pairwise = pairwise;
    this.directory = directory;
    this.registry = registry;
    this.policy = policy;
    this.replayStore = replayStore;
    this.systemClock = systemClock;
  }

  /** The stages that run before the input is decoded, for start and cancel requests. */
  public Verdict checkBeforeDecode(HandlerRequest r) {
    if (r.token() == null) {
      return Verdict.denied(ReasonCode.MISSING_TOKEN, null, "the request has no identity header");
    }
    IdentityTokens.ParsedToken parsed;
    try {
      parsed = IdentityTokens.parse(r.token());
    } catch (MalformedTokenException e) {
      return Verdict.denied(ReasonCode.MALFORMED_TOKEN, null, e.getMessage());
    }
    TokenClaims c = parsed.claims();
    Verdict v = authenticate(parsed);
    if (v == null) {
      v = audience(c, r);
    }
    if (v == null) {
      v = scope(c, r);
    }
    if (v == null) {
      v = notYetValid(c, r.nowMillis());
    }
    if (v == null) {
      v = allowlistAndTarget(c, r);
    }
    return v == null ? Verdict.allowed(c) : v;
  }

  /** Key lookup and tag: null when the token is authentic. */
  private Verdict authenticate(IdentityTokens.ParsedToken parsed) {
    TokenClaims c = parsed.claims();
    if (!policy.getAcceptedModes().contains(c.mode())) {
      return Verdict.denied(
          ReasonCode.UNTRUSTED_CALLER,
          c,
          "the token uses identity mode " + c.mode() + ", which this handler does not accept");
    }
    try {
      if (c.mode() == IdentityMode.PAIRWISE) {
        if (pairwise == null) {
          return Verdict.denied(
              ReasonCode.UNTRUSTED_CALLER,
              c,
              "this handler has no namespace keys, so it cannot verify pairwise tokens; set"
                  + " NexusSecurityOptions.Builder.setNamespaceKeys");
        }
        Mac mac;
        try {
          mac =
              pairwise
                  .get(
                      PairwiseKeys.Purpose.IDENTITY_TOKEN,
                      c.callerNamespace(),
                      c.callerKeyId(),
                      ownNamespace,
                      c.handlerKeyId())
                  .mac();
        } catch (PairwiseKeyException e) {
          return Verdict.denied(keyLookupDenial(), c, e.getMessage());
        }
        mac.verifyMac(parsed.tag(), parsed.signedBytes());
      } else {
        PublicKeyVerify verify;
        try {
          verify = signatureVerifier(c);
        } catch (GeneralSecurityException e) {
          return Verdict.denied(keyLookupDenial(), c, e.getMessage());
        }
        verify.verify(parsed.tag(), parsed.signedBytes());
      }
      return null;
    } catch (GeneralSecurityException e) {
      return Verdict.denied(
          ReasonCode.BAD_SIGNATURE,
          c,
          "the token's "
              + (c.mode() == IdentityMode.PAIRWISE ? "MAC" : "signature")
              + " does not verify under the key of caller namespace '"
              + c.callerNamespace()
              + "' it names");
    }
  }

  /**
   * The reason of a failed key lookup: REGISTRY_STALE while the key directory is stale (a server
   * registry's directory that refuses every lookup until a refresh), else UNTRUSTED_CALLER.
   */
  private ReasonCode keyLookupDenial() {
    return directory.isStale() ? ReasonCode.REGISTRY_STALE : ReasonCode.UNTRUSTED_CALLER;
  }

  private PublicKeyVerify signatureVerifier(TokenClaims c) throws GeneralSecurityException {
    Optional<NamespacePublicKeys> found = directory.findNamespace(c.callerNamespace());
    if (found.isEmpty()) {
      throw new GeneralSecurityException(directory.describeMissing(c.callerNamespace()));
    }
    NamespacePublicKeys keys = found.get();
    Optional<KeysetHandle> published = keys.getSignatureKeys();
    if (published.isEmpty()) {
      throw new GeneralSecurityException(
          "caller namespace '"
              + c.callerNamespace()
              + "' publishes no signature keys in the handler's key directory");
    }
    KeysetHandle keyset = published.get();
    int keyId = c.callerKeyId();
    if (keys.isRevoked(keyId)) {
      throw new GeneralSecurityException(
          "signature key "
              + Integer.toUnsignedString(keyId)
              + " of caller namespace '"
              + c.callerNamespace()
              + "' is revoked");
    }
    // One primitive per (namespace, key id), built once; valid while the directory publishes the
    // same keyset object (a new directory entry builds anew). No allocation on a hit.
    CachedVerifier[] cached = signatureVerifiers.get(c.callerNamespace());
    if (cached != null) {
      for (CachedVerifier v : cached) {
        if (v.keyId() == keyId && v.keyset() == keyset) {
          return v.verify();
        }
      }
    }
    for (int i = 0; i < keyset.size(); i++) {
      KeysetHandle.Entry e = keyset.getAt(i);
      if (e.getId() == keyId && e.getStatus().equals(KeyStatus.ENABLED)) {
        KeysetHandle.Builder.Entry entry = KeysetHandle.importKey(e.getKey());
        entry =
            e.getKey().getIdRequirementOrNull() == null
                ? entry.withRandomId()
                : entry.withFixedId(e.getId());
        PublicKeyVerify verify =
            signatureProvider == null
                ? null
                : Ed25519WithProvider.verifier(e.getKey(), signatureProvider);
        if (verify == null) {
          verify =
              KeysetHandle.newBuilder()
                  .addEntry(entry.makePrimary())
                  .build()
                  .getPrimitive(SignatureConfig2026.get(), PublicKeyVerify.class);
        }
        CachedVerifier fresh = new CachedVerifier(keyset, keyId, verify);
        signatureVerifiers.compute(
            c.callerNamespace(),
            (ns, old) -> {
              // keep the entries of the same keyset, drop those of a replaced one
              List<CachedVerifier> kept = new ArrayList<>();
              if (old != null) {
                for (CachedVerifier v : old) {
                  if (v.keyset() == keyset && v.keyId() != keyId) {
                    kept.add(v);
                  }
                }
              }
              kept.add(fresh);
              return kept.toArray(new CachedVerifier[0]);
            });
        return verify;
      }
    }
    throw new GeneralSecurityException(
        "signature key "
            + Integer.toUnsignedString(keyId)
            + " of caller namespace '"
            + c.callerNamespace()
            + "' is not an enabled key in the handler's key directory");
  }

  private static Verdict audience(TokenClaims c, HandlerRequest r) {
    if (!c.handlerNamespace().equals(r.handlerNamespace())
        || !c.taskQueue().equals(r.handlerTaskQueue())) {
      // Name only what the caller sent, not this worker's layout.
      return Verdict.denied(
          ReasonCode.TOKEN_AUDIENCE_MISMATCH,
          c,
          "the token was issued for handler namespace '"
              + c.handlerNamespace()
              + "' task queue '"
              + UntrustedText.quote(c.taskQueue())
              + "', which is not the worker that received it");
    }
    return null;
  }

  private static Verdict scope(TokenClaims c, HandlerRequest r) {
    if (!c.service().equals(r.service()) || !c.operation().equals(r.operation())) {
      return Verdict.denied(
          ReasonCode.TOKEN_SCOPE_MISMATCH,
          c,
          "the token was issued for service '"
              + UntrustedText.quote(c.service())
              + "' operation '"
              + UntrustedText.quote(c.operation())
              + "' but the request is for service '"
              + UntrustedText.quote(r.service())
              + "' operation '"
              + UntrustedText.quote(r.operation())
              + "'");
    }
    if (r.reportedEndpoint() != null
        && !r.reportedEndpoint().isEmpty()
        && !r.reportedEndpoint().equals(c.endpoint())) {
      return Verdict.denied(
          ReasonCode.TOKEN_SCOPE_MISMATCH,
          c,
          "the token was issued for endpoint '"
              + UntrustedText.quote(c.endpoint())
              + "' but the server delivered the request for endpoint '"
              + UntrustedText.quote(r.reportedEndpoint())
              + "'");
    }
    return null;
  }

  private Verdict notYetValid(TokenClaims c, long now) {
    long skew = policy.getClockSkew().toMillis();
    long ahead = c.issuedAtMillis() - now;
    if (ahead > skew) {
      String cause =
          systemClock && ahead > 3_600_000L
              ? "; the caller's workflow time is far ahead of this handler's system clock, which is"
                  + " what a time-skipping test server does: give the handler the test server's"
                  + " time (NexusSecurityOptions.Builder.setTimeSource(testEnv::currentTimeMillis))"
              : systemClock
                  ? "; the clocks of caller and handler differ: synchronize them (NTP) or raise"
                      + " HandlerPolicy.clockSkew"
                  : "; the handler's time source is behind the caller's workflow time";
      return Verdict.denied(
          ReasonCode.TOKEN_NOT_YET_VALID,
          c,
          "the token was issued "
              + ahead
              + " ms after this handler's current time (allowed clock skew "
              + skew
              + " ms)"
              + cause);
    }
    return null;
  }

  private Verdict allowlistAndTarget(TokenClaims c, HandlerRequest r) {
    AccessDecision d = registry.checkAccess(c.endpoint(), c.callerNamespace());
    if (!d.isAllowed()) {
      String detail =
          switch (d.getReason()) {
            case CALLER_NOT_ALLOWED ->
                "caller namespace '"
                    + c.callerNamespace()
                    + "' is not on the allowlist of endpoint '"
                    + UntrustedText.quote(c.endpoint())
                    + "'";
            case ENDPOINT_POLICY_INVALID ->
                "the policy of endpoint '"
                    + UntrustedText.quote(c.endpoint())
                    + "' in the handler's registry failed verification, so it admits nobody";
            case UNKNOWN_ENDPOINT ->
                "endpoint '"
                    + UntrustedText.quote(c.endpoint())
                    + "' is not in the handler's registry";
            default ->
                "the handler's registry denied endpoint '"
                    + UntrustedText.quote(c.endpoint())
                    + "'";
          };
      return Verdict.denied(d.getReason(), c, detail);
    }
    Optional<NexusEndpoint> found = registry.findEndpoint(c.endpoint());
    if (found.isEmpty()) {
      return Verdict.denied(
          ReasonCode.UNKNOWN_ENDPOINT,
          c,
          "endpoint '" + UntrustedText.quote(c.endpoint()) + "' is not in the handler's registry");
    }
    NexusEndpoint endpoint = found.get();
    if (!endpoint.getTargetNamespace().equals(r.handlerNamespace())
        || !endpoint.getTargetTaskQueue().equals(r.handlerTaskQueue())) {
      return Verdict.denied(
          ReasonCode.TARGET_MISMATCH,
          c,
          "endpoint '"
              + endpoint.getName()
              + "' targets "
              + endpoint.getTargetNamespace()
              + "/"
              + endpoint.getTargetTaskQueue()
              + " but this worker is "
              + r.handlerNamespace()
              + "/"
              + r.handlerTaskQueue());
    }
    return null;
  }

  /**
   * The stages that run for a start once the SDK has parsed the start details, before handler code:
   * caller link, expiry, replay.
   */
  public Verdict checkStart(TokenClaims c, String requestId, List<Link> links, long now) {
    Verdict v = callerLink(c, links);
    if (v != null) {
      return v;
    }
    long skew = policy.getClockSkew().toMillis();
    long notAfter = effectiveNotAfter(c);
    if (now > notAfter + skew) {
      boolean clamped = notAfter < c.notAfterMillis();
      return Verdict.denied(
          ReasonCode.TOKEN_EXPIRED,
          c,
          "the token expired "
              + (now - notAfter)
              + " ms ago"
              + (clamped
                  ? " (its lifetime was clamped to the handler's maximum token lifetime "
                      + policy.getMaxTokenLifetime()
                      + ")"
                  : "")
              + "; allowed clock skew "
              + skew
              + " ms");
    }
    String rid = requestId == null ? "" : requestId;
    ReplayStore.Admission result;
    try {
      result = replayStore.admit(c.callerNamespace(), c.tokenId(), rid, notAfter + skew, now);
    } catch (RuntimeException e) {
      // Fail closed; the store's message may name its address or credentials, so only its type.
      return Verdict.denied(
          ReasonCode.REPLAY_STORE_UNAVAILABLE,
          c,
          "the replay store" + storeName() + " failed (" + e.getClass().getName() + ")");
    }
    if (result == null) {
      return Verdict.denied(
          ReasonCode.REPLAY_STORE_UNAVAILABLE,
          c,
          "the replay store" + storeName() + " returned no admission");
    }
    return switch (result) {
      case ADMITTED, RETRY_OF_ADMITTED -> Verdict.allowed(c);
      case TOKEN_REPLAYED ->
          Verdict.denied(
              ReasonCode.TOKEN_REPLAYED,
              c,
              "token " + c.tokenId() + " was already used for another start request");
      case REQUEST_ID_REUSED ->
          Verdict.denied(
              ReasonCode.TOKEN_REPLAYED,
              c,
              "the start request id was already admitted with another token");
      case FULL ->
          Verdict.denied(
              ReasonCode.REPLAY_CACHE_FULL,
              c,
              replayStore instanceof ReplayCache cache
                  ? "the replay cache holds "
                      + cache.getQuotaPerNamespace()
                      + " live tokens of caller namespace '"
                      + c.callerNamespace()
                      + "', its quota"
                  : "the replay store"
                      + storeName()
                      + " reports the quota of caller namespace '"
                      + c.callerNamespace()
                      + "' full");
    };
  }

  /** " Name" of the store's class, or "" for a lambda or an anonymous class. */
  private String storeName() {
    Class<?> type = replayStore.getClass();
    return type.isHidden() || type.isAnonymousClass() || type.isSynthetic()
        ? ""
        : " " + type.getSimpleName();
  }

  /** The token's not-after time clamped by the handler's maximum token lifetime. */
  public long effectiveNotAfter(TokenClaims c) {
    long cap = c.issuedAtMillis() + policy.getMaxTokenLifetime().toMillis();
    return Math.min(c.notAfterMillis(), cap);
  }

  private Verdict callerLink(TokenClaims c, List<Link> links) {
    boolean matched = false;
    for (Link link : links == null ? List.<Link>of() : links) {
      String[] run = callerRunOf(link.getUri());
      if (run == null) {
        continue;
      }
      if (!run[0].equals(c.callerNamespace())
          || !run[1].equals(c.workflowId())
          || !run[2].equals(c.runId())) {
        return Verdict.denied(
            ReasonCode.CALLER_LINK_MISMATCH,
            c,
            "the token was issued by namespace '"
                + c.callerNamespace()
                + "' workflow '"
                + UntrustedText.quote(c.workflowId())
                + "' run '"
                + UntrustedText.quote(c.runId())
                + "' but the server-built link names namespace '"
                + UntrustedText.quote(run[0])
                + "' workflow '"
                + UntrustedText.quote(run[1])
                + "' run '"
                + UntrustedText.quote(run[2])
                + "'");
      }
      matched = true;
    }
    if (!matched && policy.isRequireCallerLink()) {
      return Verdict.denied(
          ReasonCode.CALLER_LINK_MISMATCH,
          c,
          "the start request carries no server-built caller link, and this handler requires one");
    }
    return null;
  }

  /**
   * Namespace, workflow id and run id of a server-built link {@code
   * temporal:///namespaces/<ns>/workflows/<wf>/<run>/...}, or null for a link of another form.
   */
  static String[] callerRunOf(URI uri) {
    if (uri == null || !"temporal".equals(uri.getScheme())) {
      return null;
    }
    String path = uri.getRawPath();
    if (path == null || !path.startsWith("/namespaces/")) {
      return null;
    }
    String[] parts = path.substring(1).split("/", -1);
    if (parts.length < 5 || !"workflows".equals(parts[2])) {
      return null;
    }
    return new String[] {decode(parts[1]), decode(parts[3]), decode(parts[4])};
  }

  private static String decode(String s) {
    if (s.indexOf('%') < 0) {
      // Nothing escaped ('+' stays '+'): the segment is its own decoding.
      return s;
    }
    return URLDecoder.decode(s.replace("+", "%2B"), StandardCharsets.UTF_8);
  }
}
