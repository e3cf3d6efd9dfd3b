package dev.nexussecurity.benchmarks;

import java.security.GeneralSecurityException;
import java.util.Arrays;
import java.util.Locale;

/**
 * A cross-check of {@link PayloadCodecBenchmark} for machines shared with other work: instead of
 * measuring each implementation for seconds one after the other (so that a change in background
 * load lands on one implementation only), it alternates between them in short batches, many rounds,
 * and reports per implementation the fastest and the median round (ns per encode+decode) and their
 * ratio to raw JCE. Not a JMH benchmark; the JMH results stay the reference.
 *
 * <pre>{@code
 * java -cp benchmarks/target/benchmarks.jar dev.nexussecurity.benchmarks.InterleavedComparison
 * }</pre>
 */
public final class InterleavedComparison {
  private static final String[] NAMES = {
    "rawJceAesGcm", "tinkAeadOnly", "tinkPayloadCodec", "sampleStyleCodec"
  };

  private InterleavedComparison() {}

  /** Runs the comparison for each size given (default: 100, 1024, 65536, 1048576 bytes). */
  public static void main(String[] args) throws GeneralSecurityException {
    int[] sizes =
        args.length == 0
            ? new int[] {100, 1024, 65536, 1048576}
            : Arrays.stream(args).mapToInt(Integer::parseInt).toArray();
    System.out.println(
        "| payload data | implementation | fastest round ns/op | median round ns/op | fastest vs raw | median vs raw |");
    System.out.println("|---|---|---|---|---|---|");
    for (int size : sizes) {
      compare(size);
    }
  }

  private static void compare(int size) throws GeneralSecurityException {
    PayloadCodecBenchmark b = new PayloadCodecBenchmark();
    b.size = size;
    b.setUp();
    int batch = Math.max(10, 4_000_000 / Math.max(size, 256));
    int rounds = 40;
    double[][] nsPerOp = new double[NAMES.length][rounds];
    for (int round = 0; round < rounds + 5; round++) {
      for (int impl = 0; impl < NAMES.length; impl++) {
        long start = System.nanoTime();
        for (int i = 0; i < batch; i++) {
          run(b, impl);
        }
        if (round >= 5) { // the first rounds are warm-up
          nsPerOp[impl][round - 5] = (System.nanoTime() - start) / (double) batch;
        }
      }
    }
    for (double[] x : nsPerOp) {
      Arrays.sort(x);
    }
    double rawMin = nsPerOp[0][0];
    double rawMedian = nsPerOp[0][rounds / 2];
    for (int impl = 0; impl < NAMES.length; impl++) {
      System.out.println(
          String.format(
              Locale.ROOT,
              "| %d B | %s | %.0f | %.0f | %.2f | %.2f |",
              size,
              NAMES[impl],
              nsPerOp[impl][0],
              nsPerOp[impl][rounds / 2],
              nsPerOp[impl][0] / rawMin,
              nsPerOp[impl][rounds / 2] / rawMedian));
    }
  }

  private static Object run(PayloadCodecBenchmark b, int impl) throws GeneralSecurityException {
    switch (impl) {
      case 0:
        return b.rawJceAesGcm();
      case 1:
        return b.tinkAeadOnly();
      case 2:
        return b.tinkPayloadCodec();
      default:
        return b.sampleStyleCodec();
    }
  }
}
