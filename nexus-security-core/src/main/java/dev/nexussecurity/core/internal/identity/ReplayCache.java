package dev.nexussecurity.core.internal.identity;

import java.util.HashMap;
import java.util.Map;
import java.util.PriorityQueue;

/**
 * Remembers, per caller namespace, which start request each token admitted, until the token can no
 * longer be accepted. Keyed by (caller namespace, token id), so one namespace can neither pre-empt
 * another's token ids nor exhaust another's room: each namespace has its own quota, and when its
 * live entries fill it, only that namespace's new tokens are refused ({@link Result#FULL}) rather
 * than live entries forgotten (which would reopen the replay window). Both the token id and the
 * request id of the first admission are recorded: a retry is admitted only when both match.
 * Thread-safe.
 */
public final class ReplayCache {
  /** The outcome of {@link #admit}. */
  public enum Result {
    /** Neither the token nor the request was seen before; both are now recorded. */
    FIRST_USE,
    /** The same token with the same request id: a server retry of the admitted request. */
    SAME_REQUEST,
    /** The token was admitted before for another request id. */
    REPLAYED,
    /** The request id was admitted before with another token. */
    REQUEST_REUSED,
    /** This namespace's quota is full of live entries. */
    FULL
  }

  private record Entry(String tokenId, String requestId, long forgetAtMillis) {}

  private static final class NamespaceEntries {
    final Map<String, Entry> byToken = new HashMap<>();
    final Map<String, Entry> byRequest = new HashMap<>();
    final PriorityQueue<Entry> byExpiry =
        new PriorityQueue<>((a, b) -> Long.compare(a.forgetAtMillis, b.forgetAtMillis));
  }

  private final int quotaPerNamespace;
  private final Map<String, NamespaceEntries> byNamespace = new HashMap<>();

  public ReplayCache(int quotaPerNamespace) {
    if (quotaPerNamespace < 1) {
      throw new IllegalArgumentException(
          "replay quota per namespace must be at least 1, got " + quotaPerNamespace);
    }
    this.quotaPerNamespace = quotaPerNamespace;
  }

  /**
   * Records that {@code callerNamespace}'s token {@code tokenId} admitted {@code requestId} until
   * {@code forgetAtMillis}, or reports why it cannot.
   */
  public synchronized Result admit(
      String callerNamespace,
      String tokenId,
      String requestId,
      long forgetAtMillis,
      long nowMillis) {
    NamespaceEntries ns = byNamespace.computeIfAbsent(callerNamespace, n -> new NamespaceEntries());
    while (!ns.byExpiry.isEmpty() && ns.byExpiry.peek().forgetAtMillis < nowMillis) {
      Entry e = ns.byExpiry.poll();
      ns.byToken.remove(e.tokenId);
      ns.byRequest.remove(e.requestId, e);
    }
    Entry byToken = ns.byToken.get(tokenId);
    if (byToken != null) {
      return byToken.requestId.equals(requestId) ? Result.SAME_REQUEST : Result.REPLAYED;
    }
    if (ns.byRequest.containsKey(requestId)) {
      return Result.REQUEST_REUSED;
    }
    if (ns.byToken.size() >= quotaPerNamespace) {
      return Result.FULL;
    }
    Entry e = new Entry(tokenId, requestId, forgetAtMillis);
    ns.byToken.put(tokenId, e);
    ns.byRequest.put(requestId, e);
    ns.byExpiry.add(e);
    return Result.FIRST_USE;
  }

  public int getQuotaPerNamespace() {
    return quotaPerNamespace;
  }

  /**
   * Live entries of {@code callerNamespace} (expired ones may still count until the next admit).
   */
  public synchronized int size(String callerNamespace) {
    NamespaceEntries ns = byNamespace.get(callerNamespace);
    return ns == null ? 0 : ns.byToken.size();
  }
}
