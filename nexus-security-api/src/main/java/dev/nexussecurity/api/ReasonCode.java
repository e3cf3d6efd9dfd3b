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
      "Publish the caller namespace's public keys (including the key id the token names, not revoked)"
          + " in the handler's key directory; in pairwise mode the handler also needs its own"
          + " key-agreement key named by the token."),
  /** The token's signature does not verify. */
  BAD_SIGNATURE(
      Kind.UNAUTHENTICATED,
      "The token was not authenticated by the caller namespace's key or was edited; check that the"
          + " caller's keys match the public keys in the handler's key directory."),
  /** The token expired before the handler received the request. */
  TOKEN_EXPIRED(
      Kind.UNAUTHENTICATED,
      "The request reached the handler after the token's lifetime (the operation's schedule-to-close,"
          + " capped by the caller's and the handler's maximum token lifetime); raise the cap if"
          + " handler outages last longer. In tests with time skipping, give the handler the test"
          + " server's clock (NexusSecurityOptions.Builder.setTimeSource)."),
  /** The token's issue time is in the future beyond the allowed clock skew. */
  TOKEN_NOT_YET_VALID(
      Kind.UNAUTHENTICATED,
      "The token's issue time (the caller's workflow time) is ahead of the handler's clock. Under"
          + " time skipping (TestWorkflowEnvironment, NexusSecurityExtension.setTimeSkipping) give the"
          + " handler the test server's clock with NexusSecurityOptions.Builder.setTimeSource; in"
          + " production synchronize the clocks (NTP) or raise the handler's allowed clock skew."),
  /** The token was issued for another endpoint, service or operation. */
  TOKEN_SCOPE_MISMATCH(
      Kind.UNAUTHENTICATED,
      "The token belongs to another endpoint, service or operation; tokens cannot be reused across"
          + " operations."),
  /** The token was already used for a different start request. */
  TOKEN_REPLAYED(
      Kind.UNAUTHENTICATED,
      "Each token admits one operation; the same token was presented for a different request."),
  /**
   * The server-built start link names another caller namespace, workflow or run than the token, or
   * the start carries no link while the handler requires one.
   */
  CALLER_LINK_MISMATCH(
      Kind.UNAUTHENTICATED,
      "The server reports a different caller workflow run than the token claims, or none: the token"
          + " was copied from another run. If your server sends no caller links, turn the check off"
          + " with HandlerPolicy.Builder.setRequireCallerLink(false) (weaker)."),

  /** The handler's replay cache is full; the server retries the request later. */
  REPLAY_CACHE_FULL(
      Kind.UNAVAILABLE,
      "The handler's replay cache is at capacity; raise its capacity or lower the caller's token"
          + " lifetime. The server retries the request."),

  /**
   * The handler's replay store (a {@code ReplayStore} shared by handler processes) could not
   * answer; the start is refused without running handler code and the server retries it later.
   */
  REPLAY_STORE_UNAVAILABLE(
      Kind.UNAVAILABLE,
      "The handler's replay store could not answer (unreachable or failing); make it reachable"
          + " again. The server retries the request."),

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
   * The token names another audience: a handler namespace or task queue other than this worker's.
   */
  TOKEN_AUDIENCE_MISMATCH(
      Kind.UNAUTHENTICATED,
      "The token was issued for another handler namespace or task queue; tokens cannot be moved"
          + " between handlers. Check that caller and handler registries agree on the endpoint's"
          + " target."),
  /**
   * The operation input that reached the handler was not verified as the one the caller sent with
   * its token: no binding-aware payload codec verified it, or the handler's codec refused it (it
   * was made for another call, operation, direction or position, or under a protection the handler
   * does not select for the endpoint; the denial's message names the codec's reason).
   */
  INPUT_NOT_BOUND(
      Kind.UNAUTHENTICATED,
      "Install the Tink payload codec in authenticate or encrypt mode on caller and handler, so that"
          + " the input is bound to the caller's token; or set"
          + " HandlerPolicy.Builder.setAllowUnboundInput(true), which admits any input sent with a"
          + " valid token (weaker). If the message says the codec refused the input, it was not the"
          + " one sent with this token (moved, swapped or forged), or caller and handler select"
          + " different payload protections for the endpoint: align their registries and key"
          + " policies."),
  /**
   * A cancel names an operation that the token's namespace and call did not start (the operation
   * token is not bound to them, or was not issued by this handler namespace).
   */
  OPERATION_BINDING_MISMATCH(
      Kind.UNAUTHORIZED,
      "Only the caller run that started an operation can cancel it; cancel from the workflow that"
          + " started it."),
  /** The caller refused to issue a token longer than the handler accepts. */
  TOKEN_TOO_LARGE(
      Kind.INCOMPATIBLE,
      "Shorten the field the message names (endpoint, service, operation, workflow id or task"
          + " queue names) so that the identity token fits the handler's limit."),
  /**
   * nexus-security's interceptor is not the outermost Nexus interceptor of the handler worker, so
   * other interceptors would see requests before they are checked.
   */
  SECURITY_NOT_OUTERMOST(
      Kind.UNAVAILABLE,
      "Put NexusSecurity's worker interceptor LAST in WorkerFactoryOptions.setWorkerInterceptors (the"
          + " SDK makes the last one outermost), or build the options with"
          + " NexusSecurity.workerFactoryOptions. The server retries the request."),

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
