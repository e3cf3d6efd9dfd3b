package dev.nexussecurity.testing.internal;

import io.temporal.worker.WorkerFactory;
import java.util.Collection;
import java.util.concurrent.TimeUnit;

/** Shuts worker factories down completely. */
public final class WorkerFactories {
  private WorkerFactories() {}

  /**
   * Calls {@code shutdownNow} on every factory, then waits, within {@code timeoutMillis} in all,
   * until each reports {@link WorkerFactory#isTerminated()}. The SDK's {@code awaitTermination} can
   * return a moment before {@code isTerminated()} turns true, so both are waited for: when this
   * returns, the factories are terminated (or the time is up).
   */
  public static void shutdownNowAndAwait(Collection<WorkerFactory> factories, long timeoutMillis)
      throws InterruptedException {
    for (WorkerFactory factory : factories) {
      factory.shutdownNow();
    }
    long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(timeoutMillis);
    for (WorkerFactory factory : factories) {
      long left = TimeUnit.NANOSECONDS.toMillis(deadline - System.nanoTime());
      factory.awaitTermination(Math.max(0, left), TimeUnit.MILLISECONDS);
      while (!factory.isTerminated() && System.nanoTime() < deadline) {
        Thread.sleep(5);
      }
    }
  }
}
