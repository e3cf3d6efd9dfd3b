package dev.nexussecurity.core;

import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * A second {@link ReplayStore}, standing for a store outside the handler processes (a database, a
 * key-value service): one map that several {@link NexusSecurity} instances, i.e. handler processes,
 * are given. Each caller namespace's entries change under that namespace's lock, which is what a
 * real store's transaction or conditional write provides. Expired entries are dropped when their
 * namespace is next written.
 */
class SharedMapReplayStore implements ReplayStore {
  private record Entry(String tokenId, String requestId, long forgetAtMillis) {}

  private static final class Namespace {
    final Map<String, Entry> byToken = new HashMap<>();
    final Map<String, Entry> byRequest = new HashMap<>();
  }

  private final int quotaPerNamespace;
  private final ConcurrentHashMap<String, Namespace> namespaces = new ConcurrentHashMap<>();

  SharedMapReplayStore(int quotaPerNamespace) {
    this.quotaPerNamespace = quotaPerNamespace;
  }

  @Override
  public Admission admit(
      String callerNamespace,
      String tokenId,
      String requestId,
      long forgetAtMillis,
      long nowMillis) {
    Namespace ns = namespaces.computeIfAbsent(callerNamespace, n -> new Namespace());
    synchronized (ns) {
      ns.byToken.values().removeIf(e -> e.forgetAtMillis() < nowMillis);
      ns.byRequest.values().removeIf(e -> e.forgetAtMillis() < nowMillis);
      Entry seen = ns.byToken.get(tokenId);
      if (seen != null) {
        return seen.requestId().equals(requestId)
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
      return Admission.ADMITTED;
    }
  }
}
