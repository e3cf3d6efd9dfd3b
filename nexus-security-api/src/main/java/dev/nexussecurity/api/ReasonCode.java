package dev.nexussecurity.api;

/**
 * Why an access decision allowed or denied a Nexus call. Reason codes are stable: they appear in
 * audit events, metric tags and the messages of denials, and users may match on them.
 *
 * <pre>{@code
 * AccessDecision d = registry.checkAccess("payments", "orders-ns");
 * if (!d.isAllowed()) {
 *   log.warn("denied: {} ({})", d.getReason(), d.getReason().getHint());
 * }
 * }</pre>
 */
public enum ReasonCode {
  /** The call is allowed. */
  ALLOWED(Kind.ALLOWED, "Nothing to fix."),

  /**
   * The endpoint is not in the registry (also for endpoints that exist only on the server, and,
   * with the server-backed registry, for endpoints the signed registry manifest does not list).
   */
  UNKNOWN_ENDPOINT(
      Kind.UNAUTHORIZED,
      "Register the endpoint in the nexus-security registry, or correct the endpoint name the caller"
          + " uses."),
  /** The caller namespace is not on the endpoint's allowlist. */
  CALLER_NOT_ALLOWED(
      Kind.UNAUTHORIZED,
      "Add the caller namespace to the endpoint's allowed caller namespaces if it should call this"
          + " endpoint."),
  /**
   * The endpoint's policy, read from the Temporal server, failed verification: it was edited after
   * it was signed, cannot be parsed, is signed by a key the registry does not trust or for another
   * cluster, names another endpoint or target than the server's, was issued in the future, or is
   * not the policy the registry manifest lists. Such an endpoint admits nobody.
   */
  ENDPOINT_POLICY_INVALID(
      Kind.UNAUTHORIZED,
      "The endpoint's signed policy on the Temporal server failed verification and the endpoint admits"
          + " nobody; re-run the EndpointReconciler with the registry signing key to rewrite it, check"
          + " that workers hold the registry's current public keyset, and find out who edited the"
          + " endpoint on the server."),
  /** The handler worker's namespace or task queue is not the endpoint's target. */
  TARGET_MISMATCH(
      Kind.UNAUTHORIZED,
      "Run the handler worker in the endpoint's target namespace and task queue, or correct the"
          + " endpoint's target."),

  /** The request carries no caller identity token. */
  MISSING_TOKEN(
      Kind.UNAUTHENTICATED,
      "Install NexusSecurity's worker interceptor on the caller's worker so that it signs its Nexus"
          + " calls."),
  /** The caller identity token cannot be parsed. */
  MALFORMED_TOKEN(
      Kind.UNAUTHENTICATED,
      "The caller identity header was altered or written by an incompatible version; use matching"
          + " nexus-security versions on caller and handler."),
  /**
   * The handler holds no public key for the caller namespace, or not the key id the token names.
   */
  UNTRUSTED_CALLER(
      Kind.UNAUTHENTICATED,
      "Add the caller namespace's public signing keyset (including its current key) to the handler's"
          + " trust store."),
  /** The token's signature does not verify. */
  BAD_SIGNATURE(
      Kind.UNAUTHENTICATED,
      "The token was not signed by the caller namespace's trusted key or was edited; check that the"
          + " caller's signing keyset matches the public keyset in the handler's trust store."),
  /** The token expired before the handler received the request. */
  TOKEN_EXPIRED(
      Kind.UNAUTHENTICATED,
      "The request reached the handler after the token's lifetime; raise the caller's token lifetime if"
          + " handler outages last longer, and check both clocks."),
  /** The token's issue time is in the future beyond the allowed clock skew. */
  TOKEN_NOT_YET_VALID(
      Kind.UNAUTHENTICATED,
      "The caller's clock is ahead of the handler's; synchronize clocks (NTP) or raise the allowed"
          + " clock skew."),
  /** The token was issued for another endpoint, service or operation. */
  TOKEN_SCOPE_MISMATCH(
      Kind.UNAUTHENTICATED,
      "The token belongs to another endpoint, service or operation; tokens cannot be reused across"
          + " operations."),
  /** The token was already used for a different start request. */
  TOKEN_REPLAYED(
      Kind.UNAUTHENTICATED,
      "Each token admits one operation; the same token was presented for a different request."),
  /** The caller namespace in the server-built start link differs from the token's namespace. */
  CALLER_LINK_MISMATCH(
      Kind.UNAUTHENTICATED,
      "The server reports a different caller namespace than the token claims; the token was copied"
          + " from another namespace."),
  /** The handler's replay cache is full; the server retries the request later. */
  REPLAY_CACHE_FULL(
      Kind.UNAVAILABLE,
      "The handler's replay cache is at capacity; raise its capacity or lower the caller's token"
          + " lifetime. The server retries the request."),

  /**
   * One side encodes payloads with a codec the other side does not have: the caller's operation
   * input, or the handler's results and failures (the denial's message says which).
   */
  CODEC_MISSING(
      Kind.INCOMPATIBLE,
      "Configure the caller's and the handler's DataConverters with the same payload codecs."),
  /**
   * One side encrypts with a key id the other side cannot decrypt: the caller's operation input, or
   * the handler's results and failures (the denial's message says which).
   */
  ENCRYPTION_KEY_UNAVAILABLE(
      Kind.INCOMPATIBLE,
      "Roll a new encryption key out to the keysets of every caller and handler that decrypts with it"
          + " before promoting it."),
  /** The caller's payload encodings cannot be decoded by the handler's payload converters. */
  PAYLOAD_ENCODING_UNSUPPORTED(
      Kind.INCOMPATIBLE,
      "Register, on the decoding side, a payload converter for every encoding the other side writes"
          + " (the denial's message says which side and encoding)."),

  /**
   * The worker's endpoint registry is stale: it has not verified a current signed registry manifest
   * from the Temporal server within its maximum staleness, or the last manifest it verified has
   * expired (or it never verified one). Until a refresh verifies a current manifest, every endpoint
   * is denied, so that a blocked or failing refresh cannot keep revoked callers admitted.
   * Temporary: the request may succeed once the registry refreshes.
   */
  REGISTRY_STALE(
      Kind.UNAVAILABLE,
      "The worker has not verified a current registry manifest from the Temporal server in time;"
          + " check that the worker can call the OperatorService's ListNexusEndpoints, that the"
          + " EndpointReconciler runs often enough to re-sign the manifest before it expires, and"
          + " that the clocks of workers and reconciler agree."),

  /**
   * The caller was about to protect the operation's payloads with a {@link PayloadProtection} (a
   * mode, or a shared keyset) that the handler namespace does not accept, as its entry in the key
   * directory states; refused on the caller side instead of letting the operation retry until it
   * times out (the denial's message names the protection and what the handler accepts).
   */
  PAYLOAD_PROTECTION_NOT_ACCEPTED(
      Kind.INCOMPATIBLE,
      "Give the endpoint (or the service) a payload protection the handler namespace accepts, or"
          + " have the handler team accept this one in its key directory entry (and configure its"
          + " codec to decode it); the denial's message names both.");

  /** The family a reason belongs to; it decides how a denial is reported. */
  public enum Kind {
    /** Not a denial. */
    ALLOWED,
    /** The caller's identity could not be established. */
    UNAUTHENTICATED,
    /** The caller is known but not permitted. */
    UNAUTHORIZED,
    /** Caller and handler data converters cannot interoperate. */
    INCOMPATIBLE,
    /** A temporary condition; the request may succeed when retried. */
    UNAVAILABLE
  }

  private final Kind kind;
  private final String hint;

  ReasonCode(Kind kind, String hint) {
    this.kind = kind;
    this.hint = hint;
  }

  /** The family of this reason. */
  public Kind getKind() {
    return kind;
  }

  /** What to change so that the call is allowed; never contains secrets. */
  public String getHint() {
    return hint;
  }

  /** Whether this reason allows the call. */
  public boolean isAllowed() {
    return kind == Kind.ALLOWED;
  }

  /** Whether a request denied for this reason may succeed if retried unchanged. */
  public boolean isRetryable() {
    return kind == Kind.UNAVAILABLE;
  }
}
