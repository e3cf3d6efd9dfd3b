package dev.nexussecurity.controlplane.internal;

import com.google.common.cache.Cache;
import com.google.common.cache.CacheBuilder;
import com.google.common.util.concurrent.RateLimiter;
import java.time.Duration;
import java.util.concurrent.ExecutionException;

/**
 * Limits the request rate of each principal with a token bucket (Guava's {@link RateLimiter}: the
 * configured rate, and bursts of up to one second's worth of requests after a quiet period). The
 * buckets of at most 10,000 principals are kept, each for ten minutes after its last use, so memory
 * stays bounded whatever ids arrive.
 */
@SuppressWarnings("UnstableApiUsage") // RateLimiter is @Beta in name only: unchanged for years
public final class PrincipalRateLimiter {
  private final double permitsPerSecond;
  private final Cache<String, RateLimiter> buckets =
      CacheBuilder.newBuilder()
          .maximumSize(10_000)
          .expireAfterAccess(Duration.ofMinutes(10))
          .build();

  /** A limiter allowing {@code permitsPerSecond} requests per second to each principal. */
  public PrincipalRateLimiter(double permitsPerSecond) {
    this.permitsPerSecond = permitsPerSecond;
  }

  /**
   * Takes one request from {@code principalId}'s bucket.
   *
   * @throws Refusal 429 when the bucket is empty
   */
  public void acquire(String principalId) {
    RateLimiter limiter;
    try {
      limiter = buckets.get(principalId, () -> RateLimiter.create(permitsPerSecond));
    } catch (ExecutionException e) {
      throw new IllegalStateException(e.getCause());
    }
    if (!limiter.tryAcquire()) {
      long retryAfter = Math.max(1, (long) Math.ceil(1 / permitsPerSecond));
      throw new Refusal(
          429,
          "rate_limited",
          "Too many requests from this principal (limit "
              + permitsPerSecond
              + " per second); retry after "
              + retryAfter
              + " s.",
          java.util.Map.of("Retry-After", Long.toString(retryAfter)));
    }
  }
}
