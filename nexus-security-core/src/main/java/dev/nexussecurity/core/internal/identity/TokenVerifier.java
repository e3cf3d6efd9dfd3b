package dev.nexussecurity.core.internal.identity;

import dev.nexussecurity.api.EndpointRegistry;
import dev.nexussecurity.api.NexusEndpoint;
import dev.nexussecurity.api.ReasonCode;
import io.nexusrpc.Link;
import java.net.URI;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Optional;

/**
 * The handler-side checks of a caller identity token, in two stages.
 *
 * <p>{@link #checkBeforeDecode} runs for start and cancel requests before the input is decoded:
 * token present and well-formed, caller namespace trusted, signature valid, issue time not in the
 * future, token not older than its expiry plus the cancel grace period, bound to this request's
 * service, operation and endpoint, endpoint registered and targeting this worker, caller on the
 * allowlist now.
 *
 * <p>{@link #checkStart} runs for start requests once the SDK has parsed the start details and
 * before any handler code: strict expiry, the server-built caller link, and single use per request
 * id.
 */
public final class TokenVerifier {
  private final TrustedVerifiers verifiers;
  private final EndpointRegistry registry;
  private final long clockSkewMillis;
  private final long cancelGraceMillis;
  private final ReplayCache replayCache;
  private final boolean requireCallerLink;

  public TokenVerifier(
      TrustedVerifiers verifiers,
      EndpointRegistry registry,
      Duration clockSkew,
      Duration cancelGrace,
      ReplayCache replayCache,
      boolean requireCallerLink) {
    this.verifiers = verifiers;
    this.registry = registry;
    this.clockSkewMillis = clockSkew.toMillis();
    this.cancelGraceMillis = cancelGrace.toMillis();
    this.replayCache = replayCache;
    this.requireCallerLink = requireCallerLink;
  }

  /**
   * Checks a request before its input is decoded.
   *
   * @param token the identity header value, or {@code null}
   * @param reportedEndpoint the endpoint the server reports for the request; empty if unknown
   */
  public Verdict checkBeforeDecode(
      String token,
      String service,
      String operation,
      String reportedEndpoint,
      String handlerNamespace,
      String handlerTaskQueue,
      long nowMillis) {
    if (token == null) {
      return Verdict.denied(ReasonCode.MISSING_TOKEN, null, "the request has no identity header");
    }
    IdentityTokens.ParsedToken parsed;
    try {
      parsed = IdentityTokens.parse(token);
    } catch (MalformedTokenException e) {
      return Verdict.denied(ReasonCode.MALFORMED_TOKEN, null, e.getMessage());
    }
    IdentityClaims claims = parsed.getClaims();
    TrustedVerifiers.NamespaceVerifier verifier =
        verifiers.forNamespace(claims.getCallerNamespace());
    if (verifier == null) {
      return Verdict.denied(
          ReasonCode.UNTRUSTED_CALLER,
          claims,
          "the handler's trust store has no public keyset for caller namespace '"
              + claims.getCallerNamespace()
              + "'");
    }
    Integer keyId = parsed.getSignatureKeyId();
    if (!verifier.knowsKey(keyId)) {
      return Verdict.denied(
          ReasonCode.UNTRUSTED_CALLER,
          claims,
          "the token is signed with key id "
              + (keyId == null ? "(none)" : Integer.toUnsignedString(keyId))
              + ", which is not an enabled key in the trusted keyset of caller namespace '"
              + claims.getCallerNamespace()
              + "'");
    }
    if (!verifier.verifies(parsed)) {
      return Verdict.denied(
          ReasonCode.BAD_SIGNATURE,
          claims,
          "the token's signature does not verify under the trusted keyset of caller namespace '"
              + claims.getCallerNamespace()
              + "'");
    }
    if (claims.getIssuedAtMillis() > nowMillis + clockSkewMillis) {
      return Verdict.denied(
          ReasonCode.TOKEN_NOT_YET_VALID,
          claims,
          "the token was issued "
              + (claims.getIssuedAtMillis() - nowMillis)
              + " ms in the future; allowed clock skew is "
              + clockSkewMillis
              + " ms");
    }
    if (nowMillis > claims.getExpiresAtMillis() + clockSkewMillis + cancelGraceMillis) {
      return expired(claims, nowMillis);
    }
    if (!claims.getService().equals(service) || !claims.getOperation().equals(operation)) {
      return Verdict.denied(
          ReasonCode.TOKEN_SCOPE_MISMATCH,
          claims,
          "the token was issued for service '"
              + claims.getService()
              + "' operation '"
              + claims.getOperation()
              + "' but the request is for service '"
              + service
              + "' operation '"
              + operation
              + "'");
    }
    if (reportedEndpoint != null
        && !reportedEndpoint.isEmpty()
        && !reportedEndpoint.equals(claims.getEndpoint())) {
      return Verdict.denied(
          ReasonCode.TOKEN_SCOPE_MISMATCH,
          claims,
          "the token was issued for endpoint '"
              + claims.getEndpoint()
              + "' but the server delivered the request for endpoint '"
              + reportedEndpoint
              + "'");
    }
    Optional<NexusEndpoint> found = registry.findEndpoint(claims.getEndpoint());
    if (found.isEmpty()) {
      // The registry may know why (a server-backed registry reports an endpoint whose signed policy
      // failed verification); anything else, including a registry that changed in between, is
      // unknown.
      ReasonCode why =
          registry.checkAccess(claims.getEndpoint(), claims.getCallerNamespace()).getReason();
      if (why == ReasonCode.ENDPOINT_POLICY_INVALID) {
        return Verdict.denied(
            why,
            claims,
            "the policy of endpoint '"
                + claims.getEndpoint()
                + "' in the handler's registry failed verification, so it admits nobody");
      }
      return Verdict.denied(
          ReasonCode.UNKNOWN_ENDPOINT,
          claims,
          "endpoint '" + claims.getEndpoint() + "' is not in the handler's registry");
    }
    NexusEndpoint endpoint = found.get();
    if (!endpoint.getTargetNamespace().equals(handlerNamespace)
        || !endpoint.getTargetTaskQueue().equals(handlerTaskQueue)) {
      return Verdict.denied(
          ReasonCode.TARGET_MISMATCH,
          claims,
          "endpoint '"
              + endpoint.getName()
              + "' targets "
              + endpoint.getTargetNamespace()
              + "/"
              + endpoint.getTargetTaskQueue()
              + " but this worker is "
              + handlerNamespace
              + "/"
              + handlerTaskQueue);
    }
    if (!endpoint.isCallerAllowed(claims.getCallerNamespace())) {
      return Verdict.denied(
          ReasonCode.CALLER_NOT_ALLOWED,
          claims,
          "caller namespace '"
              + claims.getCallerNamespace()
              + "' is not on the allowlist of endpoint '"
              + endpoint.getName()
              + "'");
    }
    return Verdict.allowed(claims);
  }

  /**
   * Checks a start request that passed {@link #checkBeforeDecode}: strict expiry, caller link, and
   * single use.
   */
  public Verdict checkStart(
      IdentityClaims claims, String requestId, List<Link> links, long nowMillis) {
    if (nowMillis > claims.getExpiresAtMillis() + clockSkewMillis) {
      return expired(claims, nowMillis);
    }
    String linkNamespace = null;
    for (Link link : links) {
      String ns = callerNamespaceOf(link.getUri());
      if (ns == null) {
        continue;
      }
      if (!ns.equals(claims.getCallerNamespace())) {
        return Verdict.denied(
            ReasonCode.CALLER_LINK_MISMATCH,
            claims,
            "the token claims caller namespace '"
                + claims.getCallerNamespace()
                + "' but the server-built link names namespace '"
                + ns
                + "'");
      }
      linkNamespace = ns;
    }
    if (linkNamespace == null && requireCallerLink) {
      return Verdict.denied(
          ReasonCode.CALLER_LINK_MISMATCH,
          claims,
          "the start request carries no server-built caller link, and this handler requires one");
    }
    String rid = requestId == null ? "" : requestId;
    ReplayCache.Result r =
        replayCache.admit(
            claims.getTokenId(), rid, claims.getExpiresAtMillis() + clockSkewMillis, nowMillis);
    switch (r) {
      case REPLAYED:
        return Verdict.denied(
            ReasonCode.TOKEN_REPLAYED,
            claims,
            "token " + claims.getTokenId() + " was already used for another start request");
      case FULL:
        return Verdict.denied(
            ReasonCode.REPLAY_CACHE_FULL,
            claims,
            "the replay cache holds " + replayCache.getCapacity() + " live tokens");
      default:
        return Verdict.allowed(claims);
    }
  }

  private Verdict expired(IdentityClaims claims, long nowMillis) {
    return Verdict.denied(
        ReasonCode.TOKEN_EXPIRED,
        claims,
        "the token expired "
            + (nowMillis - claims.getExpiresAtMillis())
            + " ms ago (allowed clock skew "
            + clockSkewMillis
            + " ms)");
  }

  /**
   * The caller namespace in a server-built link {@code temporal:///namespaces/<ns>/workflows/...},
   * or {@code null} when the link is not of that form.
   */
  static String callerNamespaceOf(URI uri) {
    if (uri == null || !"temporal".equals(uri.getScheme())) {
      return null;
    }
    String path = uri.getRawPath();
    String prefix = "/namespaces/";
    if (path == null || !path.startsWith(prefix)) {
      return null;
    }
    int end = path.indexOf('/', prefix.length());
    if (end <= prefix.length()) {
      return null;
    }
    return URLDecoder.decode(path.substring(prefix.length(), end), StandardCharsets.UTF_8);
  }
}
