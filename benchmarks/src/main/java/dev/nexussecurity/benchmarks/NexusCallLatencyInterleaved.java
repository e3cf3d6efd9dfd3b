package dev.nexussecurity.benchmarks;

import dev.nexussecurity.testing.EmbeddedTemporal;
import java.util.ArrayList;
import java.util.Collections;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.Random;

/**
 * Sync Nexus call latency with nexus-security off, pairwise (the default), signature (Ed25519 in
 * Tink's own code) and signature-provider (Ed25519 in BouncyCastle's provider through Tink),
 * measured side by side: one embedded server hosts all the variants, and each round runs one
 * workflow of {@value #OPS} operations per variant, in a shuffled order, so that background load
 * and JIT drift hit all variants alike. Prints, per variant, the median and 90th percentile of the
 * per-operation time over the rounds, and the median's ratio to {@code off}.
 *
 * <pre>{@code
 * java -cp benchmarks/target/benchmarks.jar dev.nexussecurity.benchmarks.NexusCallLatencyInterleaved [rounds] [variants]
 * }</pre>
 *
 * <p>{@code variants} is an optional comma-separated subset (e.g. {@code PAIRWISE} or {@code
 * OFF,SIGNATURE,SIGNATURE_PROVIDER}), for profiling one variant alone; the default is all of them.
 */
public final class NexusCallLatencyInterleaved {
  static final int OPS = 20;

  private NexusCallLatencyInterleaved() {}

  public static void main(String[] args) throws Exception {
    int rounds = args.length > 0 ? Integer.parseInt(args[0]) : 300;
    int warmup = Math.max(20, rounds / 10);
    List<LatencyBed.Variant> variants = new ArrayList<>();
    if (args.length > 1) {
      for (String name : args[1].split(",")) {
        variants.add(LatencyBed.Variant.valueOf(name.trim().toUpperCase(java.util.Locale.ROOT)));
      }
    } else {
      variants.addAll(List.of(LatencyBed.Variant.values()));
    }
    Map<LatencyBed.Variant, List<Double>> perOpMillis = new EnumMap<>(LatencyBed.Variant.class);
    try (EmbeddedTemporal temporal = EmbeddedTemporal.newBuilder().start()) {
      Map<LatencyBed.Variant, LatencyBed> beds = new EnumMap<>(LatencyBed.Variant.class);
      for (LatencyBed.Variant v : variants) {
        beds.put(v, new LatencyBed(temporal, v));
        perOpMillis.put(v, new ArrayList<>());
      }
      List<LatencyBed.Variant> order = new ArrayList<>(beds.keySet());
      Random random = new Random(42);
      for (int r = 0; r < warmup + rounds; r++) {
        Collections.shuffle(order, random);
        for (LatencyBed.Variant v : order) {
          long start = System.nanoTime();
          beds.get(v).run(OPS);
          double millis = (System.nanoTime() - start) / 1e6 / OPS;
          if (r >= warmup) {
            perOpMillis.get(v).add(millis);
          }
        }
      }
    }
    List<Double> off = perOpMillis.get(LatencyBed.Variant.OFF);
    double offMedian = off == null ? Double.NaN : percentile(off, 0.5);
    System.out.printf(
        "%d rounds of %d sync Nexus operations per variant (after %d warm-up rounds)%n",
        rounds, OPS, warmup);
    System.out.printf(
        "%-18s %12s %12s %14s%n", "variant", "median ms/op", "p90 ms/op", "median vs off");
    for (Map.Entry<LatencyBed.Variant, List<Double>> e : perOpMillis.entrySet()) {
      double median = percentile(e.getValue(), 0.5);
      System.out.printf(
          "%-18s %12.3f %12.3f %14.3f%n",
          e.getKey().name().toLowerCase(),
          median,
          percentile(e.getValue(), 0.9),
          median / offMedian);
    }
  }

  private static double percentile(List<Double> values, double p) {
    List<Double> sorted = new ArrayList<>(values);
    Collections.sort(sorted);
    return sorted.get(Math.min(sorted.size() - 1, (int) Math.floor(p * sorted.size())));
  }
}
