package dev.nexussecurity.controlplane.internal;

import com.google.common.cache.Cache;
import com.google.common.cache.CacheBuilder;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.function.LongSupplier;

/**
 * Limits the request rate of each principal with a token bucket: it starts full with {@code burst}
 * requests (the Temporal UI sends one decode request per event it shows, in parallel, when a page
 * opens) and refills at {@code permitsPerSecond}. The buckets of at most 10,000 principals are
 * kept, each for ten minutes after its last use, so memory stays bounded whatever ids arrive.
 */
public final class PrincipalRateLimiter {
  private final double permitsPerSecond;
  private final double burst;
  private final LongSupplier nanoTime;
  private final Cache<String, Bucket> buckets =
      CacheBuilder.newBuilder()
          .maximumSize(10_000)
          .expireAfterAccess(Duration.ofMinutes(10))
          .build();

  /** A limiter of {@code permitsPerSecond} requests per second with bursts of {@code burst}. */
  public PrincipalRateLimiter(double permitsPerSecond, double burst) {
    this(permitsPerSecond, burst, System::nanoTime);
  }

  PrincipalRateLimiter(double permitsPerSecond, double burst, LongSupplier nanoTime) {
    this.permitsPerSecond = permitsPerSecond;
    this.burst = Math.max(1, burst);
    this.nanoTime = nanoTime;
  }

  /**
   * Takes one request from {@code principalId}'s bucket.
   *
   * @throws Refusal 429 with {@code Retry-After} when the bucket is empty
   */
  public void acquire(String principalId) {
    Bucket bucket;
    try {
      bucket = buckets.get(principalId, () -> new Bucket(burst, nanoTime.getAsLong()));
    } catch (ExecutionException e) {
      throw new IllegalStateException(e.getCause());
    }
    double wait = bucket.take(nanoTime.getAsLong());
    if (wait > 0) {
      long retryAfter = Math.max(1, (long) Math.ceil(wait));
      throw new Refusal(
          429,
          "rate_limited",
          "Too many requests from this principal (limit "
              + permitsPerSecond
              + " per second, bursts of "
              + (long) burst
              + "); retry after "
              + retryAfter
              + " s.",
          Map.of("Retry-After", Long.toString(retryAfter)));
    }
  }

  private final class Bucket {
    private double tokens;
    private long last;

    Bucket(double tokens, long now) {
      this.tokens = tokens;
      this.last = now;
    }

    /** Takes a token; returns 0, or the seconds until one is available. */
    synchronized double take(long now) {
      tokens = Math.min(burst, tokens + (now - last) / 1e9 * permitsPerSecond);
      last = now;
      if (tokens >= 1) {
        tokens -= 1;
        return 0;
      }
      return (1 - tokens) / permitsPerSecond;
    }
  }
}
