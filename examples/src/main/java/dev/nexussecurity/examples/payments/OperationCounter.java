package dev.nexussecurity.examples.payments;

import java.util.Map;
import java.util.Objects;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Counts how often each operation's handler code ran. The demo uses it to show that a denied
 * request never reaches handler code; in your own service, count with the worker's metrics instead.
 *
 * <pre>{@code
 * OperationCounter counter = new OperationCounter();
 * worker.registerNexusServiceImplementation(new PaymentsServiceImpl(counter));
 * long before = counter.total();
 * // ... a denied call ...
 * counter.total() == before; // handler code never ran
 * }</pre>
 *
 * <p>Thread-safe.
 */
public final class OperationCounter {
  private final Map<String, AtomicLong> counts = new ConcurrentHashMap<>();

  /** Records one run of {@code operation}'s handler code. */
  public void increment(String operation) {
    counts
        .computeIfAbsent(Objects.requireNonNull(operation, "operation"), k -> new AtomicLong())
        .incrementAndGet();
  }

  /** How many times {@code operation}'s handler code ran. */
  public long get(String operation) {
    AtomicLong count = counts.get(operation);
    return count == null ? 0 : count.get();
  }

  /** How many times any operation's handler code ran. */
  public long total() {
    return counts.values().stream().mapToLong(AtomicLong::get).sum();
  }

  @Override
  public String toString() {
    return "OperationCounter" + counts;
  }
}
