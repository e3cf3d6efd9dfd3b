package dev.nexussecurity.api.internal;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import java.util.function.Function;

/**
 * The one way nexus-security keeps a value fresh (TLS material read from files, endpoints read from
 * the Temporal server): a named task that loads the value every interval on its own daemon thread
 * and on demand, keeps the last good value when a load fails, and reports a {@link Status} (last
 * good value, last error, consecutive failures, times of the last attempt and the last success).
 *
 * <p>Loads never overlap: {@link #refresh()} waits for one in progress. A failed load changes
 * nothing but the status; readers keep the last good value. A loader that installs what was valid
 * and refuses the rest (for example a good certificate next to a broken CA bundle) returns the
 * partly new value and names the refusal through {@link Builder#setPartialFailure}: the value is
 * kept and the refresh still counts as failed.
 *
 * <p>Reads ({@link #value()}, {@link #status()}) never block and allocate nothing: the status is
 * one immutable snapshot, replaced after every refresh and then given to the listener. Thread-safe.
 * Not part of the public API.
 *
 * <pre>{@code
 * PeriodicRefresher<Snapshot> refresher =
 *     PeriodicRefresher.newBuilder("nexus-security-registry-refresh", previous -> readServer(previous))
 *         .setInterval(Duration.ofSeconds(30))
 *         .setListener(status -> metrics.record(status.consecutiveFailures()))
 *         .build();
 * refresher.refresh(); // the first load; throws when it fails
 * refresher.start();   // then every 30 seconds
 * Snapshot current = refresher.value().orElseThrow();
 * }</pre>
 *
 * @param <T> the refreshed value; immutable
 */
public final class PeriodicRefresher<T> implements AutoCloseable {
  /** How long {@link #close()} waits for a load in progress to give up after interrupting it. */
  static final Duration CLOSE_TIMEOUT = Duration.ofSeconds(5);

  private static final System.Logger log = System.getLogger(PeriodicRefresher.class.getName());

  /**
   * Loads the next value.
   *
   * @param <T> the refreshed value
   */
  @FunctionalInterface
  public interface Loader<T> {
    /**
     * Returns the next value, or throws to keep {@code lastGood}. Runs on the refreshing thread,
     * never concurrently with itself; may be interrupted by {@link PeriodicRefresher#close()}.
     *
     * @param lastGood the value in use; empty before the first successful load
     */
    T load(Optional<T> lastGood);
  }

  /**
   * An immutable snapshot of a refresher's state.
   *
   * @param name the refresher's name
   * @param value the last good value; empty before the first successful load
   * @param lastAttemptTime when the last load started; empty before the first
   * @param lastSuccessTime when the load that produced {@code value} started; empty before the
   *     first success
   * @param lastError the error of the most recent failed load, kept after later successes as
   *     history; see {@link #currentError()}
   * @param consecutiveFailures how many loads failed since the last success; 0 when the last load
   *     succeeded
   * @param <T> the refreshed value
   */
  public record Status<T>(
      String name,
      Optional<T> value,
      Optional<Instant> lastAttemptTime,
      Optional<Instant> lastSuccessTime,
      Optional<RuntimeException> lastError,
      long consecutiveFailures) {

    /** Validates the components. */
    public Status {
      Objects.requireNonNull(name, "name");
      Objects.requireNonNull(value, "value");
      Objects.requireNonNull(lastAttemptTime, "lastAttemptTime");
      Objects.requireNonNull(lastSuccessTime, "lastSuccessTime");
      Objects.requireNonNull(lastError, "lastError");
      if (consecutiveFailures < 0) {
        throw new IllegalArgumentException(
            "consecutiveFailures must not be negative, got " + consecutiveFailures);
      }
    }

    /** Whether a load has succeeded and the latest one did. */
    public boolean isHealthy() {
      return lastSuccessTime.isPresent() && consecutiveFailures == 0;
    }

    /** The error of the latest load when it failed; empty when it succeeded. */
    public Optional<RuntimeException> currentError() {
      return consecutiveFailures > 0 ? lastError : Optional.empty();
    }

    /**
     * How old the value is at {@code now}: the time since the load that produced it started (zero
     * if the clock went back); empty before the first success.
     */
    public Optional<Duration> lastSuccessAge(Instant now) {
      Objects.requireNonNull(now, "now");
      return lastSuccessTime.map(
          success -> {
            Duration age = Duration.between(success, now);
            return age.isNegative() ? Duration.ZERO : age;
          });
    }
  }

  private final String name;
  private final Loader<T> loader;
  private final Duration interval;
  private final Clock clock;
  private final Consumer<? super Status<T>> listener;
  private final Function<? super T, Optional<? extends RuntimeException>> partialFailure;
  private final Object refreshLock = new Object();
  private final Object schedulerLock = new Object();

  private volatile Status<T> status;
  private volatile boolean closed;
  private volatile Thread schedulerThread;

  // Guarded by schedulerLock.
  private ScheduledExecutorService scheduler;

  private PeriodicRefresher(Builder<T> b) {
    this.name = b.name;
    this.loader = b.loader;
    this.interval = b.interval;
    this.clock = b.clock;
    this.listener = b.listener;
    this.partialFailure = b.partialFailure;
    this.status =
        new Status<>(
            name, Optional.empty(), Optional.empty(), Optional.empty(), Optional.empty(), 0);
  }

  /**
   * Returns a builder for a refresher named {@code name} (also the name of its thread) that loads
   * with {@code loader}.
   */
  public static <T> Builder<T> newBuilder(String name, Loader<T> loader) {
    return new Builder<>(name, loader);
  }

  /**
   * Loads now and returns the new value. Waits for a load already in progress. The status has been
   * replaced and the listener called when this returns or throws.
   *
   * @throws RuntimeException what the loader threw, or the partial failure the loaded value names;
   *     the status records it
   * @throws IllegalStateException if this refresher is closed
   */
  public T refresh() {
    synchronized (refreshLock) {
      if (closed) {
        throw new IllegalStateException(name + " is closed");
      }
      Status<T> previous = status;
      Instant started = clock.instant();
      T next;
      try {
        next = Objects.requireNonNull(loader.load(previous.value()), "the loaded value");
      } catch (RuntimeException e) {
        publish(
            new Status<>(
                name,
                previous.value(),
                Optional.of(started),
                previous.lastSuccessTime(),
                Optional.of(e),
                previous.consecutiveFailures() + 1));
        throw e;
      }
      Optional<? extends RuntimeException> refused = partialFailure.apply(next);
      if (refused.isPresent()) {
        RuntimeException e = refused.get();
        publish(
            new Status<>(
                name,
                Optional.of(next),
                Optional.of(started),
                previous.lastSuccessTime(),
                Optional.of(e),
                previous.consecutiveFailures() + 1));
        throw e;
      }
      publish(
          new Status<>(
              name,
              Optional.of(next),
              Optional.of(started),
              Optional.of(started),
              previous.lastError(),
              0));
      return next;
    }
  }

  /**
   * Starts loading every interval on a daemon thread named after this refresher, the first time one
   * interval from now. Does nothing when the interval is zero or when already started.
   *
   * @throws IllegalStateException if this refresher is closed
   */
  public void start() {
    synchronized (schedulerLock) {
      if (closed) {
        throw new IllegalStateException(name + " is closed");
      }
      if (scheduler != null || interval.isZero()) {
        return;
      }
      scheduler =
          Executors.newSingleThreadScheduledExecutor(
              runnable -> {
                Thread t = new Thread(runnable, name);
                t.setDaemon(true);
                schedulerThread = t;
                return t;
              });
      long nanos = interval.toNanos();
      scheduler.scheduleWithFixedDelay(
          this::refreshInBackground, nanos, nanos, TimeUnit.NANOSECONDS);
    }
  }

  /** The last good value; empty before the first successful load. Never blocks. */
  public Optional<T> value() {
    return status.value();
  }

  /** The current status; never blocks. */
  public Status<T> status() {
    return status;
  }

  /** How old the value is now, by this refresher's clock; empty before the first success. */
  public Optional<Duration> lastSuccessAge() {
    return status.lastSuccessAge(clock.instant());
  }

  /** This refresher's name. */
  public String name() {
    return name;
  }

  /** The interval between background loads; zero when there are none. */
  public Duration interval() {
    return interval;
  }

  /** Whether {@link #close()} was called. */
  public boolean isClosed() {
    return closed;
  }

  /**
   * Stops background loads, interrupting one in progress and waiting up to five seconds for it to
   * end (not when called from the refreshing thread itself). The last good value and the status
   * stay readable; {@link #refresh()} throws. Idempotent.
   */
  @Override
  public void close() {
    closed = true;
    ScheduledExecutorService s;
    synchronized (schedulerLock) {
      s = scheduler;
    }
    if (s == null) {
      return;
    }
    s.shutdownNow();
    if (Thread.currentThread() != schedulerThread) {
      try {
        s.awaitTermination(CLOSE_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    }
  }

  @Override
  public String toString() {
    Status<T> s = status;
    return "PeriodicRefresher{"
        + name
        + ", interval="
        + interval
        + ", lastSuccess="
        + s.lastSuccessTime().map(Instant::toString).orElse("never")
        + ", consecutiveFailures="
        + s.consecutiveFailures()
        + (closed ? ", closed" : "")
        + "}";
  }

  private void publish(Status<T> next) {
    status = next;
    try {
      listener.accept(next);
    } catch (RuntimeException e) {
      log.log(System.Logger.Level.WARNING, name + ": the status listener failed", e);
    }
  }

  private void refreshInBackground() {
    if (closed) {
      return;
    }
    try {
      refresh();
    } catch (RuntimeException e) {
      // A failed load is recorded in the status and given to the listener by refresh(); an
      // IllegalStateException here may also mean the refresher was closed meanwhile.
    }
  }

  /**
   * Configures a {@link PeriodicRefresher}. Only the name and the loader are required.
   *
   * @param <T> the refreshed value
   */
  public static final class Builder<T> {
    private final String name;
    private final Loader<T> loader;
    private Duration interval = Duration.ZERO;
    private Clock clock = Clock.systemUTC();
    private Consumer<? super Status<T>> listener = status -> {};
    private Function<? super T, Optional<? extends RuntimeException>> partialFailure =
        value -> Optional.empty();

    private Builder(String name, Loader<T> loader) {
      Objects.requireNonNull(name, "name");
      if (name.isBlank()) {
        throw new IllegalArgumentException("name must not be blank");
      }
      this.name = name;
      this.loader = Objects.requireNonNull(loader, "loader");
    }

    /**
     * The delay between the end of one background load and the start of the next; {@link
     * Duration#ZERO} (the default) for on-demand loads only.
     */
    public Builder<T> setInterval(Duration interval) {
      Objects.requireNonNull(interval, "interval");
      if (interval.isNegative()) {
        throw new IllegalArgumentException("interval must not be negative, got " + interval);
      }
      this.interval = interval;
      return this;
    }

    /** The clock of the status times (default: the UTC system clock). */
    public Builder<T> setClock(Clock clock) {
      this.clock = Objects.requireNonNull(clock, "clock");
      return this;
    }

    /**
     * Called with the new status after every load, successful or not, on the loading thread while
     * no other load can start (so calls arrive in order). It must not block or call {@link
     * PeriodicRefresher#refresh()}; what it throws is logged and otherwise ignored.
     */
    public Builder<T> setListener(Consumer<? super Status<T>> listener) {
      this.listener = Objects.requireNonNull(listener, "listener");
      return this;
    }

    /**
     * For loaders that install the valid part of what they read and refuse the rest: returns the
     * refusal a loaded value carries. When present, the value is kept as the new last good value
     * and the load still counts as failed with that error (default: never).
     */
    public Builder<T> setPartialFailure(
        Function<? super T, Optional<? extends RuntimeException>> partialFailure) {
      this.partialFailure = Objects.requireNonNull(partialFailure, "partialFailure");
      return this;
    }

    /** Builds the refresher; nothing is loaded and no thread is started until asked. */
    public PeriodicRefresher<T> build() {
      return new PeriodicRefresher<>(this);
    }
  }
}
