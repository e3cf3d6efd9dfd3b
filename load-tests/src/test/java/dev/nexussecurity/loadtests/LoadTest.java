package dev.nexussecurity.loadtests;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * Load: 4 caller namespaces × {@code load.opsPerNamespace} Nexus operations (sync and workflow-run
 * mixed; allowed and denied callers mixed) concurrently through nexus-security on the embedded
 * server served on a loopback port, handled by two handler processes (separate JVMs) on the same
 * endpoint; then the same allowed traffic with and without nexus-security, alternated, for the
 * throughput ratio. Writes {@code target/load-report.md}. Runs only with {@code -Pload}.
 */
class LoadTest {
  static final int OPS_PER_NAMESPACE = Integer.getInteger("load.opsPerNamespace", 2500);
  static final int COMPARE_OPS = Integer.getInteger("load.compareOpsPerNamespace", 500);
  static final int IN_FLIGHT = Integer.getInteger("load.inFlightPerNamespace", 50);
  static final Path DIR =
      Path.of(System.getProperty("load.reportDir", "target")).resolve("load-run");

  @Test
  void load_withTwoHandlerProcesses_losesNothing_andDecidesRight() throws IOException {
    ExecutionLog.deleteRecursively(DIR);
    Files.createDirectories(DIR);
    HeapWatch parentHeap = new HeapWatch();
    StringBuilder report = new StringBuilder();
    try (LoadBed bed = new LoadBed(SecuritySetup.Tuning.LOAD, DIR, 2, true)) {
      OpRunner runner = new OpRunner(bed::clientFor, IN_FLIGHT);
      Instant began = Instant.now();

      // warm-up (not counted): JIT, caches, connections of both modes
      runner.run(ops("warm", Operations.CALLERS, 20, true, false), Duration.ofMinutes(2));
      runner.run(
          ops("warmplain", List.of("caller-1", "caller-2", "caller-3"), 20, false, false),
          Duration.ofMinutes(2));

      // the mix: 4 namespaces, allowed and denied callers, sync and workflow-run
      long t0 = System.nanoTime();
      List<Op> mix =
          runner.run(
              ops("mix", Operations.CALLERS, OPS_PER_NAMESPACE, true, false),
              Duration.ofMinutes(5));
      double mixSeconds = (System.nanoTime() - t0) / 1e9;

      // with vs without nexus-security: the allowed namespaces on the open endpoint, alternated
      List<String> allowedCallers = List.of("caller-1", "caller-2", "caller-3");
      double securedSeconds = 0;
      double plainSeconds = 0;
      List<Op> compared = new ArrayList<>();
      int block = Math.max(1, COMPARE_OPS / 2);
      for (int round = 0; round < 2; round++) {
        long s = System.nanoTime();
        compared.addAll(
            runner.run(
                ops("sec" + round, allowedCallers, block, true, true), Duration.ofMinutes(5)));
        securedSeconds += (System.nanoTime() - s) / 1e9;
        s = System.nanoTime();
        compared.addAll(
            runner.run(
                ops("plain" + round, allowedCallers, block, false, true), Duration.ofMinutes(5)));
        plainSeconds += (System.nanoTime() - s) / 1e9;
      }
      int comparedPerMode = allowedCallers.size() * block * 2;

      List<Map<String, String>> statuses = new ArrayList<>();
      for (HandlerProcess h : bed.handlers) {
        statuses.add(h.status());
      }
      long parentAfterGc = HeapWatch.usedAfterGc();
      Map<String, List<ExecutionLog.Execution>> executions =
          ExecutionLog.readAll(DIR.resolve("executions"));

      Tally mixTally =
          Tally.of(
              mix,
              executions,
              op ->
                  LoadBed.allowedBy(Operations.OPEN_ALLOWLIST, op.endpoint, op.namespace)
                      ? Tally.Expected.ALLOW
                      : Tally.Expected.DENY);
      Tally compareTally =
          Tally.of(
              compared,
              executions,
              op ->
                  !op.secured
                          || LoadBed.allowedBy(Operations.OPEN_ALLOWLIST, op.endpoint, op.namespace)
                      ? Tally.Expected.ALLOW
                      : Tally.Expected.DENY);
      Map<String, Long> byHandler = new LinkedHashMap<>();
      for (Op op : mix) {
        for (ExecutionLog.Execution e : executions.getOrDefault(op.id, List.of())) {
          byHandler.merge(e.process(), 1L, Long::sum);
        }
      }

      double securedRate = comparedPerMode / securedSeconds;
      double plainRate = comparedPerMode / plainSeconds;
      report.append("# Load test report\n\n");
      report.append("Run: ").append(began).append(", ").append(machine()).append("\n\n");
      report.append("Identity mode: ").append(SecuritySetup.IDENTITY_MODE).append("\n\n");
      report.append(
          String.format(
              Locale.ROOT,
              "Mix: %d caller namespaces × %d operations (even: sync `echo`, odd: workflow-run"
                  + " `run`; every tenth to the restricted endpoint), at most %d in flight per"
                  + " namespace, two handler processes on one endpoint. caller-1..3 are on the"
                  + " open endpoint's allowlist, only caller-1 on the restricted one; caller-4 is on"
                  + " neither and its workers skip the caller-side check, so its calls are denied"
                  + " by the handler processes.%n%n",
              Operations.CALLERS.size(),
              OPS_PER_NAMESPACE,
              IN_FLIGHT));
      report.append("| Mix (secured) | |\n|---|---:|\n").append(mixTally.table());
      report.append(
          String.format(
              Locale.ROOT,
              "| wall time | %.1f s |%n| throughput (operations ended per second, all outcomes)"
                  + " | %.1f /s |%n| start-handler executions per process | %s |%n%n",
              mixSeconds,
              mix.size() / mixSeconds,
              byHandler));
      report.append(
          String.format(
              Locale.ROOT,
              "With vs without nexus-security (same run, allowed traffic only: caller-1..3 on"
                  + " the open endpoint vs the plain endpoint, %d operations per mode in two"
                  + " alternating blocks of %d per namespace):%n%n"
                  + "| Mode | operations | seconds | operations/s |%n|---|---:|---:|---:|%n"
                  + "| with nexus-security (identity token, allowlist on both sides, Tink codec)"
                  + " | %d | %.1f | %.1f |%n| without (no interceptor, no codec) | %d | %.1f | %.1f"
                  + " |%n| **ratio with / without** | | | **%.2f** |%n%n",
              comparedPerMode,
              block,
              comparedPerMode,
              securedSeconds,
              securedRate,
              comparedPerMode,
              plainSeconds,
              plainRate,
              securedRate / plainRate));
      report.append("| Comparison phase | |\n|---|---:|\n").append(compareTally.table());
      report.append("\nMemory and replay cache (after the run):\n\n");
      report.append(
          "| JVM | replay cache entries | heap peak (sampled, incl. garbage) | heap after full GC"
              + " |\n|---|---:|---:|---:|\n");
      for (Map<String, String> s : statuses) {
        report.append(
            String.format(
                Locale.ROOT,
                "| handler %s | %s | %s | %s |%n",
                s.get("name"),
                s.get("replayCache"),
                mib(s.get("heapPeak")),
                mib(s.get("heapAfterGc"))));
      }
      report.append(
          String.format(
              Locale.ROOT,
              "| test JVM (embedded server with every history in memory, caller workers) | - | %s"
                  + " | %s |%n%n",
              mib(Long.toString(parentHeap.peakUsed())),
              mib(Long.toString(parentAfterGc))));
      report.append("Handler decisions seen by the audit listeners: ");
      for (Map<String, String> s : statuses) {
        report
            .append(s.get("name"))
            .append(" allowed=")
            .append(s.get("allowed"))
            .append(" denied=")
            .append(s.get("denied"))
            .append("; ");
      }
      report.append("\n\n");
      if (!mixTally.examples.isEmpty() || !compareTally.examples.isEmpty()) {
        report.append("Examples of anomalies:\n\n");
        for (String e : mixTally.examples) {
          report.append("- ").append(e).append('\n');
        }
        for (String e : compareTally.examples) {
          report.append("- ").append(e).append('\n');
        }
      }
      Files.writeString(
          DIR.getParent().resolve("load-report.md"), report.toString(), StandardCharsets.UTF_8);
      System.out.println(report);

      assertThat(mixTally.lost).as("lost operations").isZero();
      assertThat(mixTally.wrong).as("wrong decisions").isZero();
      assertThat(mixTally.deniedButExecuted)
          .as("denied operations that reached a handler")
          .isZero();
      assertThat(mixTally.violations()).as("violations in the mix").isZero();
      assertThat(compareTally.violations()).as("violations in the comparison").isZero();
      assertThat(mixTally.duplicated)
          .as("duplicates not explained by a redelivery of the same Nexus request")
          .isEqualTo(mixTally.duplicatedSameRequest);
      assertThat(mixTally.denied).as("the mix has denials").isPositive();
      assertThat(mixTally.allowed).as("the mix has allowed calls").isPositive();
    } finally {
      parentHeap.close();
    }
  }

  /**
   * {@code perNamespace} operations for each namespace; {@code openOnly} sends all to the open (or,
   * unsecured, the plain) endpoint.
   */
  static Map<String, Iterator<Op>> ops(
      String prefix, List<String> namespaces, int perNamespace, boolean secured, boolean openOnly) {
    Map<String, Iterator<Op>> byNamespace = new LinkedHashMap<>();
    for (String ns : namespaces) {
      List<Op> list = new ArrayList<>();
      for (int i = 0; i < perNamespace; i++) {
        String endpoint =
            !secured
                ? Operations.PLAIN_ENDPOINT
                : openOnly ? Operations.OPEN_ENDPOINT : Operations.endpointOf(i);
        list.add(
            new Op(prefix + "-" + ns + "-" + i, ns, endpoint, Operations.operationOf(i), secured));
      }
      byNamespace.put(ns, list.iterator());
    }
    return byNamespace;
  }

  static String mib(String bytes) {
    if (bytes == null) {
      return "?";
    }
    return String.format(Locale.ROOT, "%.0f MiB", Long.parseLong(bytes) / 1048576.0);
  }

  static String machine() {
    double load = ManagementFactory.getOperatingSystemMXBean().getSystemLoadAverage();
    return String.format(
        Locale.ROOT,
        "%d CPUs, JDK %s, test JVM max heap %d MiB, load average at report time %.2f",
        Runtime.getRuntime().availableProcessors(),
        System.getProperty("java.version"),
        Runtime.getRuntime().maxMemory() / 1048576,
        load);
  }
}
