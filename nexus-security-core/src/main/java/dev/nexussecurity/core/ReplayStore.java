package dev.nexussecurity.core;

import dev.nexussecurity.core.internal.identity.ReplayCache;

/**
 * The handler's replay memory: which start request each caller identity token admitted. The default
 * ({@link #inMemory}) lives in one handler process; a deployment with several handler processes, or
 * one that restarts them, can give all of them one shared store (a database row per token, a
 * key-value store with put-if-absent and expiry) so that a token copied from a caller's history and
 * re-sent to another process with another request id is refused there too.
 *
 * <p>Contract for implementations:
 *
 * <ul>
 *   <li><b>Keyed by caller namespace.</b> Token ids and request ids of one caller namespace never
 *       collide with another's; the quota, if any, is per caller namespace.
 *   <li><b>Atomic.</b> For one (caller namespace, token id), concurrent calls from any number of
 *       processes see one order: {@link Admission#ADMITTED} is returned at most once for a token
 *       while it is remembered, and never for the same token with two different request ids.
 *   <li><b>Remembers until {@code forgetAtMillis}.</b> An admitted (token id, request id) pair is
 *       remembered at least until {@code nowMillis > forgetAtMillis} (the handler passes the
 *       token's clamped expiry plus clock skew, after which the handler refuses the token as
 *       expired anyway); afterwards it may be forgotten.
 *   <li><b>Both directions.</b> A request id admitted with one token is refused with another token
 *       ({@link Admission#REQUEST_ID_REUSED}).
 *   <li><b>Fail closed.</b> When the store cannot answer (unreachable, timeout), {@code admit}
 *       throws. The handler then refuses the start with the retryable reason {@code
 *       REPLAY_STORE_UNAVAILABLE} (the server retries it later) and never runs handler code.
 *       Returning {@code null} is treated the same way.
 * </ul>
 *
 * <p>The store sees caller namespaces, token ids and request ids, never tokens, keys or payloads.
 *
 * <pre>{@code
 * // every handler process of the namespace is built with the same shared store
 * ReplayStore shared = new MyDatabaseReplayStore(dataSource);
 * NexusSecurityOptions options = NexusSecurityOptions.newBuilder()
 *     // ... namespace keys, registry ...
 *     .setHandlerPolicy(HandlerPolicy.newBuilder().setReplayStore(shared).build())
 *     .build();
 * }</pre>
 *
 * <p>Implementations must be thread-safe.
 */
public interface ReplayStore {
  /** The outcome of {@link #admit}. */
  enum Admission {
    /** Neither the token nor the request id was remembered; both are now. The start goes on. */
    ADMITTED,
    /**
     * The same token with the same request id was admitted before: a server retry (or a duplicate
     * delivery) of the admitted start. The start goes on.
     */
    RETRY_OF_ADMITTED,
    /** The token was admitted before for another request id. Refused ({@code TOKEN_REPLAYED}). */
    TOKEN_REPLAYED,
    /** The request id was admitted before with another token. Refused ({@code TOKEN_REPLAYED}). */
    REQUEST_ID_REUSED,
    /**
     * The caller namespace's quota of remembered tokens is full; nothing was recorded. Refused with
     * the retryable {@code REPLAY_CACHE_FULL}.
     */
    FULL
  }

  /**
   * Records that {@code callerNamespace}'s token {@code tokenId} admits the start request {@code
   * requestId} until {@code forgetAtMillis}, or reports why it does not (see the class contract).
   *
   * @param callerNamespace the namespace the token was issued by (verified)
   * @param tokenId the token's unique id (verified)
   * @param requestId the start's request id ({@code ""} when the request has none)
   * @param forgetAtMillis the time after which the entry may be forgotten (epoch millis)
   * @param nowMillis the handler's current time (epoch millis, from its time source)
   * @return the outcome, never null
   * @throws RuntimeException when the store cannot answer; the handler refuses the start
   */
  Admission admit(
      String callerNamespace,
      String tokenId,
      String requestId,
      long forgetAtMillis,
      long nowMillis);

  /**
   * A store in this process's memory remembering at most {@code quotaPerNamespace} live tokens per
   * caller namespace (the default of every handler worker, with {@link
   * HandlerPolicy#getReplayQuotaPerNamespace()}). Share one instance between the handler workers of
   * one process to share their memory.
   *
   * @throws IllegalArgumentException when {@code quotaPerNamespace} is below 1
   */
  static ReplayStore inMemory(int quotaPerNamespace) {
    return new ReplayCache(quotaPerNamespace);
  }
}
