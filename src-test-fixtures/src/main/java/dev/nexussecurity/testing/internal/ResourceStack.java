package dev.nexussecurity.testing.internal;

import java.util.ArrayDeque;
import java.util.Deque;
import java.util.Objects;

/**
 * Closes what was acquired, in reverse order, exactly once, even when some closes fail.
 *
 * <p>Used to build a server step by step: each acquired resource is pushed with its release action;
 * if a later step fails, {@link #close()} releases everything acquired so far. The first failure is
 * rethrown with later ones attached as suppressed exceptions. Thread-safe.
 *
 * <pre>{@code
 * ResourceStack stack = new ResourceStack();
 * try {
 *   ExecutorService pool = Executors.newSingleThreadExecutor();
 *   stack.push("pool", pool::shutdownNow);
 *   ...
 * } catch (RuntimeException e) {
 *   stack.closeQuietlyInto(e);
 *   throw e;
 * }
 * }</pre>
 */
public final class ResourceStack implements AutoCloseable {
  /** A release action that may throw any exception. */
  @FunctionalInterface
  public interface Release {
    /** Releases the resource. */
    void release() throws Exception;
  }

  private record Entry(String name, Release release) {}

  private final Deque<Entry> entries = new ArrayDeque<>();
  private boolean closed;

  /**
   * Registers a release action, run by {@link #close()} before the ones pushed earlier.
   *
   * @param name what is released, used in error messages; not null
   * @param release the release action; not null
   * @throws IllegalStateException if this stack is already closed (the action is then run at once)
   */
  public synchronized void push(String name, Release release) {
    Objects.requireNonNull(name, "name");
    Objects.requireNonNull(release, "release");
    if (closed) {
      RuntimeException failure = runOne(new Entry(name, release), null);
      IllegalStateException e =
          new IllegalStateException("resource stack already closed; released " + name + " at once");
      if (failure != null) {
        e.addSuppressed(failure);
      }
      throw e;
    }
    entries.push(new Entry(name, release));
  }

  /** Whether {@link #close()} has run. */
  public synchronized boolean isClosed() {
    return closed;
  }

  /**
   * Runs every release action, last pushed first. Idempotent: later calls do nothing.
   *
   * @throws IllegalStateException wrapping the first failure (later failures suppressed)
   */
  @Override
  public void close() {
    RuntimeException failure = closeAll(null);
    if (failure != null) {
      throw failure;
    }
  }

  /**
   * Runs every release action and attaches any failure to {@code primary} as suppressed; never
   * throws. For use on a failure path, where {@code primary} is the error being propagated.
   */
  public void closeQuietlyInto(Throwable primary) {
    RuntimeException failure = closeAll(null);
    if (failure != null) {
      primary.addSuppressed(failure);
    }
  }

  private RuntimeException closeAll(RuntimeException initial) {
    Deque<Entry> toRun;
    synchronized (this) {
      if (closed) {
        return initial;
      }
      closed = true;
      toRun = new ArrayDeque<>(entries);
      entries.clear();
    }
    RuntimeException failure = initial;
    for (Entry entry : toRun) {
      failure = runOne(entry, failure);
    }
    return failure;
  }

  private static RuntimeException runOne(Entry entry, RuntimeException previous) {
    try {
      entry.release().release();
      return previous;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return accumulate(previous, entry, e);
    } catch (Exception | Error e) {
      return accumulate(previous, entry, e);
    }
  }

  private static RuntimeException accumulate(
      RuntimeException previous, Entry entry, Throwable failure) {
    if (previous == null) {
      return new IllegalStateException(
          "failed to release " + entry.name() + ": " + failure, failure);
    }
    previous.addSuppressed(failure);
    return previous;
  }
}
