package dev.nexussecurity.benchmarks;

import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The operations of {@link Ed25519ProviderBenchmark} timed in thread CPU time instead of wall time,
 * interleaved round by round: on a shared machine (other builds preempting the benchmark thread)
 * wall-time scores scatter by more than the differences measured, while the CPU time a thread
 * spends in one operation does not depend on how long it waited for a core. Prints the median CPU
 * µs per operation over the rounds.
 *
 * <pre>{@code
 * java -cp benchmarks/target/benchmarks.jar dev.nexussecurity.benchmarks.Ed25519ProviderCpuTime [rounds] [ops]
 * }</pre>
 */
public final class Ed25519ProviderCpuTime {
  private Ed25519ProviderCpuTime() {}

  /** One measured operation. */
  private interface Op {
    void run() throws Exception;
  }

  public static void main(String[] args) throws Exception {
    int rounds = args.length > 0 ? Integer.parseInt(args[0]) : 30;
    int ops = args.length > 1 ? Integer.parseInt(args[1]) : 200;
    Ed25519ProviderBenchmark b = new Ed25519ProviderBenchmark();
    b.setUp();
    Map<String, Op> all = new LinkedHashMap<>();
    all.put("tinkKeysetSign", b::tinkKeysetSign);
    all.put("tinkKeysetVerify", b::tinkKeysetVerify);
    all.put("tinkPureJavaSign", b::tinkPureJavaSign);
    all.put("tinkPureJavaVerify", b::tinkPureJavaVerify);
    all.put("tinkJceSunEcSign", b::tinkJceSunEcSign);
    all.put("tinkJceSunEcVerify", b::tinkJceSunEcVerify);
    all.put("tinkJceBcSign", b::tinkJceBcSign);
    all.put("tinkJceBcVerify", b::tinkJceBcVerify);
    all.put("bcLightweightSign", b::bcLightweightSign);
    all.put("bcLightweightVerify", b::bcLightweightVerify);
    all.put("bcJcaSign", b::bcJcaSign);
    all.put("bcJcaVerify", b::bcJcaVerify);
    all.put("jdkSunEcSign", b::jdkSunEcSign);
    all.put("jdkSunEcVerify", b::jdkSunEcVerify);
    ThreadMXBean cpu = ManagementFactory.getThreadMXBean();
    Map<String, List<Double>> micros = new LinkedHashMap<>();
    all.keySet().forEach(k -> micros.put(k, new ArrayList<>()));
    int warmup = Math.max(5, rounds / 3);
    for (int r = 0; r < warmup + rounds; r++) {
      for (Map.Entry<String, Op> e : all.entrySet()) {
        long start = cpu.getCurrentThreadCpuTime();
        for (int i = 0; i < ops; i++) {
          e.getValue().run();
        }
        double perOp = (cpu.getCurrentThreadCpuTime() - start) / 1e3 / ops;
        if (r >= warmup) {
          micros.get(e.getKey()).add(perOp);
        }
      }
    }
    System.out.printf(
        "%d rounds of %d operations each (after %d warm-up rounds), thread CPU time%n",
        rounds, ops, warmup);
    System.out.printf("%-22s %14s %14s%n", "operation", "median µs/op", "min µs/op");
    for (Map.Entry<String, List<Double>> e : micros.entrySet()) {
      List<Double> sorted = new ArrayList<>(e.getValue());
      Collections.sort(sorted);
      System.out.printf(
          "%-22s %14.1f %14.1f%n", e.getKey(), sorted.get(sorted.size() / 2), sorted.get(0));
    }
  }
}
