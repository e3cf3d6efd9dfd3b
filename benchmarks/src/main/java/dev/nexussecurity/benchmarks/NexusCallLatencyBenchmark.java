package dev.nexussecurity.benchmarks;

import dev.nexussecurity.testing.EmbeddedTemporal;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OperationsPerInvocation;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;

/**
 * Latency of a synchronous Nexus operation across two namespaces on the embedded Temporal server,
 * with nexus-security {@code off} (no interceptors), {@code pairwise} (NexusSecurity on caller and
 * handler workers with the default pairwise MAC token), {@code signature} (Ed25519-signed token,
 * Tink's own Ed25519) and {@code signature_provider} (the same with BouncyCastle's provider). Each
 * invocation runs one caller workflow making {@value #OPS} sequential sync operations; JMH reports
 * time per operation, sample mode gives the median.
 *
 * <p>JMH runs each variant in its own JVM, and on a shared 2-core machine the fork-to-fork spread
 * is larger than the difference measured; {@link NexusCallLatencyInterleaved} runs the variants
 * side by side in one JVM instead, and is the figure to compare.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.SampleTime)
@OutputTimeUnit(TimeUnit.MILLISECONDS)
public class NexusCallLatencyBenchmark {
  static final int OPS = 20;

  @Param({"off", "pairwise", "signature", "signature_provider"})
  public String security;

  private EmbeddedTemporal temporal;
  private LatencyBed bed;

  @Setup(Level.Trial)
  public void start() throws Exception {
    temporal = EmbeddedTemporal.newBuilder().start();
    bed =
        new LatencyBed(
            temporal, LatencyBed.Variant.valueOf(security.toUpperCase(java.util.Locale.ROOT)));
    bed.run(OPS); // warm the workers and the routing path before measuring
  }

  @TearDown(Level.Trial)
  public void stop() {
    temporal.close();
  }

  /** One workflow making {@value #OPS} sync Nexus operations; reported per operation. */
  @Benchmark
  @OperationsPerInvocation(OPS)
  public int syncNexusOperation() {
    return bed.run(OPS);
  }
}
