package dev.nexussecurity.core.internal.identity;

import java.util.HashMap;
import java.util.Map;
import java.util.PriorityQueue;

/**
 * Remembers which start request each token admitted, until the token can no longer be accepted.
 * Bounded: when full of live entries it refuses new tokens ({@link Result#FULL}) rather than
 * forgetting live ones, which would reopen the replay window. Thread-safe.
 */
public final class ReplayCache {
  /** The outcome of {@link #admit}. */
  public enum Result {
    /** The token was not seen before; it is now bound to the request. */
    FIRST_USE,
    /** The token was seen with the same request id: a server retry of the same request. */
    SAME_REQUEST,
    /** The token was seen with a different request id. */
    REPLAYED,
    /** The cache is full of live entries. */
    FULL
  }

  private static final class Entry {
    final String tokenId;
    final String requestId;
    final long forgetAtMillis;

    Entry(String tokenId, String requestId, long forgetAtMillis) {
      this.tokenId = tokenId;
      this.requestId = requestId;
      this.forgetAtMillis = forgetAtMillis;
    }
  }

  private final int capacity;
  private final Map<String, Entry> byToken = new HashMap<>();
  private final PriorityQueue<Entry> byExpiry =
      new PriorityQueue<>((a, b) -> Long.compare(a.forgetAtMillis, b.forgetAtMillis));

  public ReplayCache(int capacity) {
    if (capacity < 1) {
      throw new IllegalArgumentException(
          "replay cache capacity must be at least 1, got " + capacity);
    }
    this.capacity = capacity;
  }

  /**
   * Binds {@code tokenId} to {@code requestId} until {@code forgetAtMillis}, or reports that it is
   * bound to another request.
   */
  public synchronized Result admit(
      String tokenId, String requestId, long forgetAtMillis, long nowMillis) {
    evictExpired(nowMillis);
    Entry existing = byToken.get(tokenId);
    if (existing != null) {
      return existing.requestId.equals(requestId) ? Result.SAME_REQUEST : Result.REPLAYED;
    }
    if (byToken.size() >= capacity) {
      return Result.FULL;
    }
    Entry e = new Entry(tokenId, requestId, forgetAtMillis);
    byToken.put(tokenId, e);
    byExpiry.add(e);
    return Result.FIRST_USE;
  }

  private void evictExpired(long nowMillis) {
    Entry head;
    while ((head = byExpiry.peek()) != null && head.forgetAtMillis < nowMillis) {
      byExpiry.poll();
      byToken.remove(head.tokenId);
    }
  }

  /** The number of live entries (after evicting expired ones as of {@code nowMillis}). */
  public synchronized int size(long nowMillis) {
    evictExpired(nowMillis);
    return byToken.size();
  }

  public int getCapacity() {
    return capacity;
  }
}
