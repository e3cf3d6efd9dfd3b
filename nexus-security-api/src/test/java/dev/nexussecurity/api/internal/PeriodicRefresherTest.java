package dev.nexussecurity.api.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.nexussecurity.api.internal.PeriodicRefresher.Status;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class PeriodicRefresherTest {
  private static final Instant T0 = Instant.parse("2030-01-01T00:00:00Z");

  private static final AtomicInteger instances = new AtomicInteger();

  /** Unique per test, so that a thread another test left behind is never counted. */
  private final String name = "test-refresh-" + instances.incrementAndGet();

  private final TestClock clock = new TestClock(T0);
  private final List<Status<String>> seen = new CopyOnWriteArrayList<>();
  private final List<PeriodicRefresher<?>> opened = new ArrayList<>();

  @AfterEach
  void closeAll() {
    opened.forEach(PeriodicRefresher::close);
  }

  private PeriodicRefresher.Builder<String> builder(PeriodicRefresher.Loader<String> loader) {
    return PeriodicRefresher.newBuilder(name, loader).setClock(clock).setListener(seen::add);
  }

  private <T> PeriodicRefresher<T> track(PeriodicRefresher<T> refresher) {
    opened.add(refresher);
    return refresher;
  }

  @Test
  void newRefresher_hasNoValueAndHasNotRun() {
    PeriodicRefresher<String> refresher = builder(last -> "v1").build();
    Status<String> status = refresher.status();
    assertThat(status.name()).isEqualTo(name);
    assertThat(status.value()).isEmpty();
    assertThat(status.lastAttemptTime()).isEmpty();
    assertThat(status.lastSuccessTime()).isEmpty();
    assertThat(status.lastError()).isEmpty();
    assertThat(status.consecutiveFailures()).isZero();
    assertThat(status.isHealthy()).isFalse();
    assertThat(refresher.lastSuccessAge()).isEmpty();
    assertThat(seen).isEmpty();
  }

  @Test
  void refresh_withSuccessfulLoad_returnsAndPublishesTheValue() {
    PeriodicRefresher<String> refresher = builder(last -> "v1").build();
    assertThat(refresher.refresh()).isEqualTo("v1");
    Status<String> status = refresher.status();
    assertThat(status.value()).contains("v1");
    assertThat(refresher.value()).contains("v1");
    assertThat(status.lastAttemptTime()).contains(T0);
    assertThat(status.lastSuccessTime()).contains(T0);
    assertThat(status.isHealthy()).isTrue();
    assertThat(seen).containsExactly(status);
  }

  @Test
  void refresh_givesTheLoaderTheLastGoodValue() {
    List<Optional<String>> given = new ArrayList<>();
    AtomicInteger n = new AtomicInteger();
    PeriodicRefresher<String> refresher =
        builder(
                last -> {
                  given.add(last);
                  if (n.incrementAndGet() == 2) {
                    throw new IllegalStateException("second load fails");
                  }
                  return "v" + n.get();
                })
            .build();
    refresher.refresh();
    assertThatThrownBy(refresher::refresh).hasMessage("second load fails");
    refresher.refresh();
    assertThat(given).containsExactly(Optional.empty(), Optional.of("v1"), Optional.of("v1"));
    assertThat(refresher.value()).contains("v3");
  }

  @Test
  void refresh_withFailingLoad_keepsLastGoodValueAndCountsFailures() {
    RuntimeException boom = new IllegalArgumentException("file is half written");
    AtomicReference<RuntimeException> fail = new AtomicReference<>();
    PeriodicRefresher<String> refresher =
        builder(
                last -> {
                  if (fail.get() != null) {
                    throw fail.get();
                  }
                  return "good";
                })
            .build();
    refresher.refresh();
    fail.set(boom);
    for (int attempt = 1; attempt <= 3; attempt++) {
      clock.advance(Duration.ofSeconds(10));
      assertThatThrownBy(refresher::refresh).isSameAs(boom);
      Status<String> status = refresher.status();
      assertThat(status.value()).contains("good");
      assertThat(status.consecutiveFailures()).isEqualTo(attempt);
      assertThat(status.lastError()).containsSame(boom);
      assertThat(status.currentError()).containsSame(boom);
      assertThat(status.lastAttemptTime()).contains(clock.instant());
      assertThat(status.lastSuccessTime()).contains(T0);
      assertThat(status.isHealthy()).isFalse();
    }
    assertThat(refresher.lastSuccessAge()).contains(Duration.ofSeconds(30));
    assertThat(seen).hasSize(4);
    assertThat(seen.get(3)).isSameAs(refresher.status());
  }

  @Test
  void refresh_afterFailures_resetsTheCountAndKeepsTheErrorAsHistory() {
    RuntimeException boom = new IllegalStateException("server unreachable");
    AtomicInteger n = new AtomicInteger();
    PeriodicRefresher<String> refresher =
        builder(
                last -> {
                  if (n.incrementAndGet() == 1) {
                    throw boom;
                  }
                  return "v" + n.get();
                })
            .build();
    assertThatThrownBy(refresher::refresh).isSameAs(boom);
    assertThat(refresher.status().value()).isEmpty();
    assertThat(refresher.status().lastSuccessTime()).isEmpty();

    clock.advance(Duration.ofSeconds(1));
    refresher.refresh();
    Status<String> status = refresher.status();
    assertThat(status.value()).contains("v2");
    assertThat(status.consecutiveFailures()).isZero();
    assertThat(status.lastError()).containsSame(boom);
    assertThat(status.currentError()).isEmpty();
    assertThat(status.lastSuccessTime()).contains(T0.plusSeconds(1));
    assertThat(status.isHealthy()).isTrue();
  }

  @Test
  void refresh_withNullFromLoader_isRecordedAsFailure() {
    PeriodicRefresher<String> refresher = builder(last -> null).build();
    assertThatThrownBy(refresher::refresh)
        .isInstanceOf(NullPointerException.class)
        .hasMessageContaining("the loaded value");
    assertThat(refresher.status().consecutiveFailures()).isEqualTo(1);
    assertThat(refresher.value()).isEmpty();
  }

  @Test
  void refresh_withPartialFailure_keepsTheNewValueAndCountsTheFailure() {
    RuntimeException refused = new IllegalArgumentException("CA bundle refused");
    PeriodicRefresher<String> refresher =
        builder(last -> last.isEmpty() ? "identity-a+ca-1" : "identity-b+ca-1")
            .setPartialFailure(
                value -> value.startsWith("identity-b") ? Optional.of(refused) : Optional.empty())
            .build();
    refresher.refresh();
    clock.advance(Duration.ofSeconds(5));
    assertThatThrownBy(refresher::refresh).isSameAs(refused);
    Status<String> status = refresher.status();
    assertThat(status.value()).contains("identity-b+ca-1");
    assertThat(status.consecutiveFailures()).isEqualTo(1);
    assertThat(status.currentError()).containsSame(refused);
    assertThat(status.lastSuccessTime()).contains(T0);
    assertThat(status.lastAttemptTime()).contains(T0.plusSeconds(5));
  }

  @Test
  void listener_thatThrows_doesNotBreakTheRefresh() {
    PeriodicRefresher<String> refresher =
        builder(last -> "v")
            .setListener(
                status -> {
                  throw new IllegalStateException("listener bug");
                })
            .build();
    assertThat(refresher.refresh()).isEqualTo("v");
    assertThat(refresher.status().isHealthy()).isTrue();
  }

  @Test
  void lastSuccessAge_withClockGoneBack_isZero() {
    PeriodicRefresher<String> refresher = builder(last -> "v").build();
    refresher.refresh();
    clock.set(T0.minusSeconds(60));
    assertThat(refresher.lastSuccessAge()).contains(Duration.ZERO);
    assertThat(refresher.status().lastSuccessAge(T0.plusSeconds(7)))
        .contains(Duration.ofSeconds(7));
  }

  @Test
  void refresh_whileAnotherIsRunning_waitsForIt() throws Exception {
    CountDownLatch firstEntered = new CountDownLatch(1);
    CountDownLatch releaseFirst = new CountDownLatch(1);
    AtomicInteger inside = new AtomicInteger();
    AtomicInteger maxInside = new AtomicInteger();
    AtomicInteger calls = new AtomicInteger();
    PeriodicRefresher<String> refresher =
        builder(
                last -> {
                  maxInside.accumulateAndGet(inside.incrementAndGet(), Math::max);
                  try {
                    if (calls.incrementAndGet() == 1) {
                      firstEntered.countDown();
                      await(releaseFirst);
                    }
                    return "v" + calls.get();
                  } finally {
                    inside.decrementAndGet();
                  }
                })
            .build();
    Thread first = new Thread(refresher::refresh);
    first.start();
    await(firstEntered);
    Thread second = new Thread(refresher::refresh);
    second.start();
    awaitState(second, Thread.State.BLOCKED);
    assertThat(calls).hasValue(1);
    releaseFirst.countDown();
    first.join(10_000);
    second.join(10_000);
    assertThat(calls).hasValue(2);
    assertThat(maxInside).hasValue(1);
    assertThat(refresher.value()).contains("v2");
  }

  @Test
  void start_loadsEveryIntervalOnANamedDaemonThread() throws Exception {
    CountDownLatch threeLoads = new CountDownLatch(3);
    AtomicReference<Thread> loadingThread = new AtomicReference<>();
    PeriodicRefresher<String> refresher =
        track(
            builder(
                    last -> {
                      loadingThread.set(Thread.currentThread());
                      threeLoads.countDown();
                      return "v";
                    })
                .setInterval(Duration.ofMillis(1))
                .build());
    refresher.start();
    refresher.start(); // idempotent: still one thread
    await(threeLoads);
    assertThat(loadingThread.get().getName()).isEqualTo(name);
    assertThat(loadingThread.get().isDaemon()).isTrue();
    assertThat(threadsNamed(name)).isEqualTo(1);
  }

  @Test
  void start_backgroundFailures_areRecordedAndLoadingGoesOn() throws Exception {
    CountDownLatch recovered = new CountDownLatch(1);
    AtomicInteger n = new AtomicInteger();
    List<Long> failureCounts = new CopyOnWriteArrayList<>();
    PeriodicRefresher<String> refresher =
        track(
            PeriodicRefresher.<String>newBuilder(
                    name,
                    last -> {
                      if (n.incrementAndGet() <= 2) {
                        throw new IllegalStateException("down " + n.get());
                      }
                      return "up";
                    })
                .setInterval(Duration.ofMillis(1))
                .setListener(
                    status -> {
                      failureCounts.add(status.consecutiveFailures());
                      if (status.isHealthy()) {
                        recovered.countDown();
                      }
                    })
                .build());
    refresher.start();
    await(recovered);
    assertThat(failureCounts).startsWith(1L, 2L, 0L);
    assertThat(refresher.status().lastError().orElseThrow()).hasMessage("down 2");
  }

  @Test
  void start_withZeroInterval_startsNoThread() {
    PeriodicRefresher<String> refresher = track(builder(last -> "v").build());
    refresher.start();
    assertThat(refresher.interval()).isZero();
    assertThat(threadsNamed(name)).isZero();
  }

  @Test
  void close_interruptsALoadInProgressAndStopsTheThread() throws Exception {
    CountDownLatch entered = new CountDownLatch(1);
    CountDownLatch never = new CountDownLatch(1);
    AtomicReference<Thread> loadingThread = new AtomicReference<>();
    PeriodicRefresher<String> refresher =
        builder(
                last -> {
                  if (last.isEmpty()) {
                    return "initial";
                  }
                  loadingThread.set(Thread.currentThread());
                  entered.countDown();
                  try {
                    never.await();
                    return "unreachable";
                  } catch (InterruptedException e) {
                    throw new IllegalStateException("load interrupted");
                  }
                })
            .setInterval(Duration.ofMillis(1))
            .build();
    refresher.refresh();
    refresher.start();
    await(entered);
    refresher.close();
    loadingThread.get().join(10_000);
    assertThat(loadingThread.get().isAlive()).isFalse();
    assertThat(refresher.isClosed()).isTrue();
    assertThat(refresher.value()).contains("initial");
    assertThat(refresher.status().lastError().orElseThrow()).hasMessage("load interrupted");
    assertThatThrownBy(refresher::refresh)
        .isInstanceOf(IllegalStateException.class)
        .hasMessage(name + " is closed");
    assertThatThrownBy(refresher::start).isInstanceOf(IllegalStateException.class);
    refresher.close(); // idempotent
  }

  @Test
  void close_fromTheListenerOnTheRefreshingThread_doesNotWaitForItself() throws Exception {
    CountDownLatch closed = new CountDownLatch(1);
    AtomicReference<PeriodicRefresher<String>> self = new AtomicReference<>();
    PeriodicRefresher<String> refresher =
        PeriodicRefresher.<String>newBuilder(name, last -> "v")
            .setInterval(Duration.ofMillis(1))
            .setListener(
                status -> {
                  long started = System.nanoTime();
                  self.get().close();
                  if (System.nanoTime() - started < PeriodicRefresher.CLOSE_TIMEOUT.toNanos() / 2) {
                    closed.countDown();
                  }
                })
            .build();
    self.set(refresher);
    refresher.start();
    await(closed);
    assertThat(refresher.isClosed()).isTrue();
  }

  @Test
  void builder_refusesBadArguments() {
    assertThatThrownBy(() -> PeriodicRefresher.newBuilder(" ", last -> "v"))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("name");
    assertThatThrownBy(() -> PeriodicRefresher.newBuilder("x", null))
        .isInstanceOf(NullPointerException.class)
        .hasMessage("loader");
    assertThatThrownBy(() -> builder(last -> "v").setInterval(Duration.ofMillis(-1)))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("interval must not be negative, got PT-0.001S");
    assertThatThrownBy(() -> builder(last -> "v").setClock(null))
        .isInstanceOf(NullPointerException.class)
        .hasMessage("clock");
  }

  @Test
  void status_refusesNegativeFailureCount() {
    assertThatThrownBy(
            () ->
                new Status<String>(
                    "x",
                    Optional.empty(),
                    Optional.empty(),
                    Optional.empty(),
                    Optional.empty(),
                    -1))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("consecutiveFailures");
  }

  @Test
  void toString_namesTheRefresherAndItsHealth() {
    PeriodicRefresher<String> refresher = builder(last -> "secret-value").build();
    refresher.refresh();
    assertThat(refresher.toString())
        .contains(name, "2030-01-01T00:00:00Z", "consecutiveFailures=0")
        .doesNotContain("secret-value");
  }

  // ---------------------------------------------------------------- helpers

  private static void await(CountDownLatch latch) {
    try {
      if (!latch.await(10, TimeUnit.SECONDS)) {
        throw new AssertionError("timed out waiting for " + latch);
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new AssertionError(e);
    }
  }

  private static void awaitState(Thread thread, Thread.State state) {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
    while (thread.getState() != state) {
      if (System.nanoTime() > deadline) {
        throw new AssertionError(thread + " never reached " + state);
      }
      Thread.onSpinWait();
    }
  }

  private static long threadsNamed(String name) {
    return Thread.getAllStackTraces().keySet().stream()
        .filter(t -> t.getName().equals(name) && t.isAlive())
        .count();
  }

  /** A clock the test moves by hand. */
  private static final class TestClock extends Clock {
    private volatile Instant now;

    TestClock(Instant now) {
      this.now = now;
    }

    void advance(Duration d) {
      now = now.plus(d);
    }

    void set(Instant instant) {
      now = instant;
    }

    @Override
    public ZoneId getZone() {
      return ZoneOffset.UTC;
    }

    @Override
    public Clock withZone(ZoneId zone) {
      return this;
    }

    @Override
    public Instant instant() {
      return now;
    }
  }
}
