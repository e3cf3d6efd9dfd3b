package dev.nexussecurity.loadtests;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashSet;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.NoSuchElementException;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicInteger;
import org.assertj.core.api.SoftAssertions;
import org.junit.jupiter.api.Test;

/**
 * Soak with faults: the four caller namespaces keep calling (sync and workflow-run, allowed and
 * denied) for {@code soak.minutes} while, every {@code soak.cycleSeconds}, the test changes the
 * open endpoint's allowlist, kills a handler process with SIGKILL mid-operation and starts it again
 * with the next payload key as primary, restarts every caller worker with the next identity key and
 * payload key, and makes the server-backed registry's refreshes fail (callers and handlers) for
 * longer than the configured staleness. Every operation is then judged against the policy in force
 * during its whole life (operations that straddle a change are counted, not judged). Writes {@code
 * target/soak-report.md}. Runs only with {@code -Psoak}.
 */
class SoakTest {
  static final double MINUTES = Double.parseDouble(System.getProperty("soak.minutes", "10"));
  static final int CYCLE_SECONDS = Integer.getInteger("soak.cycleSeconds", 60);
  static final int IN_FLIGHT = Integer.getInteger("soak.inFlightPerNamespace", 8);

  /** {@code -Dsoak.restartCallers=false} leaves the caller workers (and their keys) alone. */
  static final boolean RESTART_CALLERS =
      Boolean.parseBoolean(System.getProperty("soak.restartCallers", "true"));

  static final SecuritySetup.Tuning TUNING =
      new SecuritySetup.Tuning(
          Duration.ofSeconds(60),
          Duration.ofSeconds(5),
          Duration.ofSeconds(1),
          Duration.ofSeconds(8));

  /** Time for a change to reach every registry (refresh interval, plus slack on a busy machine). */
  static final long SETTLE_MILLIS = 5_000;

  static final Path DIR =
      Path.of(System.getProperty("load.reportDir", "target")).resolve("soak-run");

  /** A span of time in which the policy (allowlist of the open endpoint, staleness) is known. */
  record Segment(long from, long to, Set<String> openAllowlist, boolean stale, boolean certain) {}

  private final List<Segment> timeline = Collections.synchronizedList(new ArrayList<>());
  private final List<String> events = Collections.synchronizedList(new ArrayList<>());

  @Test
  void soak_withKeyRotation_restarts_allowlistChanges_andRegistryOutages_staysCorrect()
      throws Exception {
    ExecutionLog.deleteRecursively(DIR);
    Files.createDirectories(DIR);
    long durationMillis = (long) (MINUTES * 60_000);
    StringBuilder report = new StringBuilder();
    try (HeapWatch parentHeap = new HeapWatch();
        LoadBed bed = new LoadBed(TUNING, DIR, 2, false)) {
      Instant began = Instant.now();
      long start = System.currentTimeMillis();
      long stop = start + durationMillis;
      Set<String> allowlist = new HashSet<>(Operations.OPEN_ALLOWLIST);
      long segmentStart = start;

      OpRunner runner = new OpRunner(bed::clientFor, IN_FLIGHT);
      Map<String, Iterator<Op>> generators = new LinkedHashMap<>();
      for (String ns : Operations.CALLERS) {
        generators.put(ns, generator(ns, stop));
      }
      CompletableFuture<List<Op>> traffic =
          CompletableFuture.supplyAsync(() -> runner.run(generators, Duration.ofMinutes(4)));

      long baselineAt = start + Math.min(120_000, durationMillis / 3);
      Map<String, String> h1Baseline = null;
      long parentBaseline = -1;
      int generation = 0;
      int kills = 0;
      int callerRestarts = 0;
      int outages = 0;
      int allowlistChanges = 0;
      for (long cycle = start;
          cycle + CYCLE_SECONDS * 1000L <= stop;
          cycle += CYCLE_SECONDS * 1000L) {
        // +0: allowlist change (caller-3 leaves or rejoins the open endpoint)
        sleepUntil(cycle);
        long changeAt = System.currentTimeMillis();
        timeline.add(new Segment(segmentStart, changeAt, Set.copyOf(allowlist), false, true));
        if (!allowlist.remove("caller-3")) {
          allowlist.add("caller-3");
        }
        bed.policy.store(Operations.OPEN_ENDPOINT, allowlist);
        bed.reconcile();
        allowlistChanges++;
        event(start, "allowlist of 'load' is now " + new java.util.TreeSet<>(allowlist));
        timeline.add(
            new Segment(changeAt, changeAt + SETTLE_MILLIS, Set.copyOf(allowlist), false, false));
        segmentStart = changeAt + SETTLE_MILLIS;

        // +10 s: SIGKILL handler h2 mid-operation; start it again with the next payload key primary
        generation = Math.min(generation + 1, SecuritySetup.MAX_GENERATION);
        sleepUntil(cycle + 10_000);
        HandlerProcess h2 = bed.handlers.get(1);
        h2.kill();
        kills++;
        event(start, "killed handler h2 (pid " + h2.pid() + ") with SIGKILL");
        bed.handlers.set(1, bed.startHandler("h2", generation));
        event(start, "handler h2 restarted, payload key generation " + generation + " primary");

        // +20 s: restart every caller worker with the next identity and payload keys
        sleepUntil(cycle + 20_000);
        if (RESTART_CALLERS) {
          for (String ns : Operations.CALLERS) {
            bed.startSecuredCaller(ns, generation, generation);
          }
          callerRestarts++;
          event(
              start, "caller workers restarted: identity and payload key generation " + generation);
        }

        // +30 s: registry refreshes fail (callers and both handlers) past the maximum staleness
        sleepUntil(cycle + 30_000);
        long failOn = System.currentTimeMillis();
        bed.callerRegistryFaults.setFailing(true);
        for (HandlerProcess h : bed.handlers) {
          h.command("refresh-fail on");
        }
        long staleFrom = failOn + TUNING.registryMaxStaleness().toMillis() + 1_500;
        long freshUntil =
            failOn
                + TUNING.registryMaxStaleness().toMillis()
                - TUNING.registryRefreshInterval().toMillis()
                - 1_500;
        event(start, "registry refreshes fail from now");
        sleepUntil(staleFrom + 6_000);
        long failOff = System.currentTimeMillis();
        bed.callerRegistryFaults.setFailing(false);
        try {
          bed.callerRegistry.refresh();
        } catch (RuntimeException e) {
          // the background refresh catches up
        }
        for (HandlerProcess h : bed.handlers) {
          h.command("refresh-fail off");
        }
        outages++;
        event(start, "registry refreshes work again");
        timeline.add(new Segment(segmentStart, freshUntil, Set.copyOf(allowlist), false, true));
        timeline.add(new Segment(freshUntil, staleFrom, Set.copyOf(allowlist), false, false));
        timeline.add(new Segment(staleFrom, failOff, Set.copyOf(allowlist), true, true));
        timeline.add(
            new Segment(failOff, failOff + SETTLE_MILLIS, Set.copyOf(allowlist), false, false));
        segmentStart = failOff + SETTLE_MILLIS;

        if (h1Baseline == null && System.currentTimeMillis() >= baselineAt) {
          h1Baseline = bed.handlers.get(0).status();
          parentBaseline = HeapWatch.usedAfterGc();
          event(start, "memory baseline taken");
        }
      }
      if (h1Baseline == null) {
        sleepUntil(baselineAt);
        h1Baseline = bed.handlers.get(0).status();
        parentBaseline = HeapWatch.usedAfterGc();
      }
      timeline.add(new Segment(segmentStart, Long.MAX_VALUE, Set.copyOf(allowlist), false, true));
      // memory and replay cache when the traffic stops (the drain that follows lets tokens expire)
      sleepUntil(stop);
      Map<String, String> h1End = bed.handlers.get(0).status();
      Map<String, String> h2End = bed.handlers.get(1).status();
      long parentEnd = HeapWatch.usedAfterGc();
      List<Op> ops = traffic.get();
      Map<String, List<ExecutionLog.Execution>> executions =
          ExecutionLog.readAll(DIR.resolve("executions"));

      AtomicInteger staleJudged = new AtomicInteger();
      AtomicInteger staleAllowed = new AtomicInteger();
      AtomicInteger unexpectedReason = new AtomicInteger();
      List<String> unexpected = new ArrayList<>();
      Tally tally =
          Tally.of(
              ops,
              executions,
              op -> {
                Segment s = segmentOf(op);
                if (s == null || !s.certain()) {
                  return Tally.Expected.EITHER;
                }
                String expectedReason;
                Tally.Expected expected;
                if (s.stale()) {
                  staleJudged.incrementAndGet();
                  if (op.isAllowed()) {
                    staleAllowed.incrementAndGet();
                  }
                  expected = Tally.Expected.DENY;
                  expectedReason = "REGISTRY_STALE";
                } else {
                  expected =
                      LoadBed.allowedBy(s.openAllowlist(), op.endpoint, op.namespace)
                          ? Tally.Expected.ALLOW
                          : Tally.Expected.DENY;
                  expectedReason = "CALLER_NOT_ALLOWED";
                }
                if (op.isDenied() && !op.reason().equals(expectedReason)) {
                  unexpectedReason.incrementAndGet();
                  if (unexpected.size() < 10) {
                    unexpected.add(op + " (expected " + expectedReason + ")");
                  }
                }
                return expected;
              });
      double seconds = (System.currentTimeMillis() - start) / 1000.0;

      report.append("# Soak test report\n\n");
      report.append("Run: ").append(began).append(", ").append(LoadTest.machine()).append("\n\n");
      report.append("Identity mode: ").append(SecuritySetup.IDENTITY_MODE).append("\n\n");
      report.append(
          String.format(
              Locale.ROOT,
              "Traffic: %.1f minutes, 4 caller namespaces, at most %d operations in flight each"
                  + " (sync and workflow-run; soak handlers take 50 ms per sync call and 500 ms per"
                  + " workflow), two handler processes. Every %d s: allowlist change, SIGKILL and"
                  + " restart of handler h2 (next payload key primary), restart of all caller"
                  + " workers (next identity and payload key), registry refresh outage of %d s"
                  + " (maximum staleness %d s, refresh every %d s, token lifetime %d s).%n%n",
              MINUTES,
              IN_FLIGHT,
              CYCLE_SECONDS,
              (TUNING.registryMaxStaleness().toMillis() + 7_500) / 1000,
              TUNING.registryMaxStaleness().toSeconds(),
              TUNING.registryRefreshInterval().toSeconds(),
              TUNING.tokenLifetime().toSeconds()));
      report.append(
          String.format(
              Locale.ROOT,
              "Faults injected: %d allowlist changes, %d handler kills and restarts, %d caller"
                  + " worker restarts (each with an identity and payload key rotation), %d"
                  + " registry outages; last key generation %d.%n%n",
              allowlistChanges,
              kills,
              callerRestarts,
              outages,
              generation));
      report.append("| Soak | |\n|---|---:|\n").append(tally.table());
      report.append(
          String.format(
              Locale.ROOT,
              "| operations judged inside a stale-registry window (must be denied) | %d |%n"
                  + "| ... of which allowed (a decision on stale data) | %d |%n"
                  + "| denials with another reason than the policy in force gives | %d |%n"
                  + "| throughput | %.1f operations/s |%n%n",
              staleJudged.get(),
              staleAllowed.get(),
              unexpectedReason.get(),
              ops.size() / seconds));
      report.append(
          "| Memory | baseline | end |\n|---|---:|---:|\n"
              + String.format(
                  Locale.ROOT,
                  "| handler h1 (never restarted): heap after full GC | %s | %s |%n"
                      + "| handler h1: replay cache entries | %s | %s |%n"
                      + "| test JVM (embedded server keeps every history in memory): heap after"
                      + " full GC | %s | %s |%n"
                      + "| handler h2 (last incarnation) at the end: heap after GC / replay cache"
                      + " | | %s / %s |%n%n",
                  LoadTest.mib(h1Baseline.get("heapAfterGc")),
                  LoadTest.mib(h1End.get("heapAfterGc")),
                  h1Baseline.get("replayCache"),
                  h1End.get("replayCache"),
                  LoadTest.mib(Long.toString(parentBaseline)),
                  LoadTest.mib(Long.toString(parentEnd)),
                  LoadTest.mib(h2End.get("heapAfterGc")),
                  h2End.get("replayCache")));
      report.append("Events:\n\n");
      synchronized (events) {
        for (String e : events) {
          report.append("- ").append(e).append('\n');
        }
      }
      List<String> lostHistories = new ArrayList<>();
      for (Op op : ops) {
        if (op.outcome == null && lostHistories.size() < 5) {
          lostHistories.add(bed.describeLost(op));
        }
      }
      if (!lostHistories.isEmpty()) {
        report.append("\nWhere lost operations stopped (last events of their workflows):\n\n");
        for (String h : lostHistories) {
          report.append("- ").append(h).append('\n');
        }
      }
      if (!tally.examples.isEmpty() || !unexpected.isEmpty()) {
        report.append("\nExamples of anomalies:\n\n");
        for (String e : tally.examples) {
          report.append("- ").append(e).append('\n');
        }
        for (String e : unexpected) {
          report.append("- unexpected reason: ").append(e).append('\n');
        }
      }
      Files.writeString(
          DIR.getParent().resolve("soak-report.md"), report.toString(), StandardCharsets.UTF_8);
      System.out.println(report);

      long h1Start = Long.parseLong(h1Baseline.get("heapAfterGc"));
      long h1Stop = Long.parseLong(h1End.get("heapAfterGc"));
      SoftAssertions softly = new SoftAssertions();
      softly.assertThat(kills).as("the soak ran at least one full fault cycle").isPositive();
      softly.assertThat(tally.lost).as("lost operations").isZero();
      softly.assertThat(tally.wrong).as("decisions against the policy in force").isZero();
      softly.assertThat(staleAllowed.get()).as("allowed on stale registry data").isZero();
      softly.assertThat(tally.violations()).as("violations").isZero();
      softly
          .assertThat(tally.duplicated)
          .as("duplicates not explained by a redelivery of the same Nexus request")
          .isEqualTo(tally.duplicatedSameRequest);
      softly
          .assertThat(unexpectedReason.get())
          .as("denials whose reason is not the one the policy in force gives: %s", unexpected)
          .isZero();
      softly
          .assertThat(h1Stop)
          .as("handler h1 heap after GC stays flat (baseline %d bytes)", h1Start)
          .isLessThanOrEqualTo(h1Start + Math.max(32L << 20, h1Start / 2));
      softly.assertAll();
    }
  }

  /** The segment wholly containing the operation's life, or null when it straddles two. */
  private Segment segmentOf(Op op) {
    synchronized (timeline) {
      for (Segment s : timeline) {
        if (op.startMillis >= s.from() && op.endMillis <= s.to()) {
          return s;
        }
      }
    }
    return null;
  }

  private static Iterator<Op> generator(String ns, long stop) {
    return new Iterator<>() {
      private int next;

      @Override
      public boolean hasNext() {
        return System.currentTimeMillis() < stop;
      }

      @Override
      public Op next() {
        if (!hasNext()) {
          throw new NoSuchElementException();
        }
        int i = next++;
        return new Op(
            Operations.SOAK_PREFIX + ns + "-" + i,
            ns,
            Operations.endpointOf(i),
            Operations.operationOf(i),
            true);
      }
    };
  }

  private void event(long start, String what) {
    events.add(
        String.format(
            Locale.ROOT, "+%.1f s: %s", (System.currentTimeMillis() - start) / 1000.0, what));
  }

  private static void sleepUntil(long millis) throws InterruptedException {
    long wait = millis - System.currentTimeMillis();
    if (wait > 0) {
      Thread.sleep(wait);
    }
  }
}
