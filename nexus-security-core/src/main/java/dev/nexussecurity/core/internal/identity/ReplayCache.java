package dev.nexussecurity.core.internal.identity;

import dev.nexussecurity.core.ReplayStore;
import java.util.HashMap;
import java.util.Map;
import java.util.PriorityQueue;

/**
 * Remembers, per caller namespace, which start request each token admitted, until the token can no
 * longer be accepted. Keyed by (caller namespace, token id), so one namespace can neither pre-empt
 * another's token ids nor exhaust another's room: each namespace has its own quota, and when its
 * live entries fill it, only that namespace's new tokens are refused ({@link Admission#FULL})
 * rather than live entries forgotten (which would reopen the replay window). Both the token id and
 * the request id of the first admission are recorded: a retry is admitted only when both match.
 * Thread-safe. The default {@link ReplayStore}: one per {@code NexusSecurity} instance unless the
 * handler policy names a shared store.
 */
public final class ReplayCache implements ReplayStore {
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
  @Override
  public synchronized Admission admit(
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
      return byToken.requestId.equals(requestId)
          ? Admission.RETRY_OF_ADMITTED
          : Admission.TOKEN_REPLAYED;
    }
    if (ns.byRequest.containsKey(requestId)) {
      return Admission.REQUEST_ID_REUSED;
    }
    if (ns.byToken.size() >= quotaPerNamespace) {
      return Admission.FULL;
    }
    Entry e = new Entry(tokenId, requestId, forgetAtMillis);
    ns.byToken.put(tokenId, e);
    ns.byRequest.put(requestId, e);
    ns.byExpiry.add(e);
    return Admission.ADMITTED;
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

  @Override
  public String toString() {
    return "ReplayStore.inMemory(" + quotaPerNamespace + ")";
  }
}
