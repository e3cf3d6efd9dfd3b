package dev.nexussecurity.benchmarks;

import dev.nexussecurity.api.AccessDecision;
import dev.nexussecurity.api.NexusEndpoint;
import dev.nexussecurity.api.ReasonCode;
import dev.nexussecurity.core.InMemoryEndpointRegistry;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;

/**
 * Latency of {@link InMemoryEndpointRegistry#checkAccess} with N endpoints of 50 allowed callers
 * each, for an allowed caller (hit), a caller not on the allowlist (miss) and an unknown endpoint,
 * against a baseline measured in the same run: the same lookups in a plain {@code HashMap<String,
 * Set<String>>}.
 *
 * <p>Two access patterns are measured. <b>Spread</b> ({@code registryHit}, {@code baselineHit},
 * ...): each invocation takes the next of 1,024 pre-built queries spread at random over all N
 * endpoints, so the working set grows with N as it would with many distinct endpoints in use.
 * <b>Hot</b> ({@code ...Hot}): every invocation repeats one query, the usual shape in a worker that
 * calls a few endpoints. Query strings are distinct instances equal to the stored ones, so {@code
 * equals} compares characters as it does for names parsed from requests. {@link #cursor} measures
 * the cost of picking the query alone.
 *
 * <pre>{@code
 * java -jar benchmarks/target/benchmarks.jar AccessDecisionBenchmark -prof gc
 * }</pre>
 */
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@State(Scope.Thread)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(
    value = 1,
    jvmArgsAppend = {"-Xms3g", "-Xmx3g"})
public class AccessDecisionBenchmark {
  /** Allowed caller namespaces per endpoint. */
  public static final int CALLERS_PER_ENDPOINT = 50;

  /** Distinct caller namespaces that allowlists draw from. */
  public static final int CALLER_POOL = 10_000;

  /** Pre-built queries per kind; a power of two. */
  public static final int QUERIES = 1_024;

  @Param({"100", "1000", "10000", "100000"})
  public int endpoints;

  InMemoryEndpointRegistry registry;
  Map<String, Set<String>> baseline;
  final String[] hitEndpoint = new String[QUERIES];
  final String[] hitCaller = new String[QUERIES];
  final String[] missEndpoint = new String[QUERIES];
  final String[] missCaller = new String[QUERIES];
  final String[] unknownEndpoint = new String[QUERIES];
  final String[] unknownCaller = new String[QUERIES];
  private int next;

  @Setup(Level.Trial)
  public void setUp() {
    Random random = new Random(42);
    String[] pool = new String[CALLER_POOL];
    for (int i = 0; i < CALLER_POOL; i++) {
      pool[i] = "caller-namespace-" + i;
    }
    List<NexusEndpoint> list = new ArrayList<>(endpoints);
    baseline = new HashMap<>();
    List<List<String>> allowlists = new ArrayList<>(endpoints);
    for (int e = 0; e < endpoints; e++) {
      Set<String> chosen = new HashSet<>();
      while (chosen.size() < CALLERS_PER_ENDPOINT) {
        chosen.add(pool[random.nextInt(CALLER_POOL)]);
      }
      String name = "endpoint-" + e;
      list.add(
          NexusEndpoint.newBuilder()
              .setName(name)
              .setTargetNamespace("handler-namespace-" + (e % 100))
              .setTargetTaskQueue("nexus-queue-" + e)
              .setAllowedCallerNamespaces(chosen)
              .setVersion(1)
              .build());
      baseline.put(name, new HashSet<>(chosen));
      allowlists.add(new ArrayList<>(chosen));
    }
    registry = InMemoryEndpointRegistry.newBuilder().addEndpoints(list).build();

    for (int q = 0; q < QUERIES; q++) {
      int e = random.nextInt(endpoints);
      List<String> allowed = allowlists.get(e);
      hitEndpoint[q] = new String("endpoint-" + e);
      hitCaller[q] = new String(allowed.get(random.nextInt(allowed.size())));
      int m = random.nextInt(endpoints);
      String notAllowed;
      do {
        notAllowed = pool[random.nextInt(CALLER_POOL)];
      } while (baseline.get("endpoint-" + m).contains(notAllowed));
      missEndpoint[q] = new String("endpoint-" + m);
      missCaller[q] = new String(notAllowed);
      unknownEndpoint[q] = "unregistered-endpoint-" + q;
      unknownCaller[q] = new String(pool[random.nextInt(CALLER_POOL)]);
    }
    verifyQueries();
  }

  /** Fails the run if a query would not measure what its name says. */
  void verifyQueries() {
    for (int q = 0; q < QUERIES; q++) {
      expect(registry.checkAccess(hitEndpoint[q], hitCaller[q]), ReasonCode.ALLOWED, q);
      expect(
          registry.checkAccess(missEndpoint[q], missCaller[q]), ReasonCode.CALLER_NOT_ALLOWED, q);
      expect(
          registry.checkAccess(unknownEndpoint[q], unknownCaller[q]),
          ReasonCode.UNKNOWN_ENDPOINT,
          q);
    }
  }

  private static void expect(AccessDecision decision, ReasonCode reason, int query) {
    if (decision.getReason() != reason) {
      throw new IllegalStateException(
          "query " + query + " gave " + decision + ", expected " + reason);
    }
  }

  private int nextQuery() {
    int q = next;
    next = (q + 1) & (QUERIES - 1);
    return q;
  }

  /** The floor: picking the next query, without any lookup. */
  @Benchmark
  public int cursor() {
    return nextQuery();
  }

  @Benchmark
  public AccessDecision registryHit() {
    int q = nextQuery();
    return registry.checkAccess(hitEndpoint[q], hitCaller[q]);
  }

  @Benchmark
  public AccessDecision registryMissCaller() {
    int q = nextQuery();
    return registry.checkAccess(missEndpoint[q], missCaller[q]);
  }

  @Benchmark
  public AccessDecision registryUnknownEndpoint() {
    int q = nextQuery();
    return registry.checkAccess(unknownEndpoint[q], unknownCaller[q]);
  }

  @Benchmark
  public AccessDecision registryHitHot() {
    return registry.checkAccess(hitEndpoint[0], hitCaller[0]);
  }

  @Benchmark
  public AccessDecision registryMissCallerHot() {
    return registry.checkAccess(missEndpoint[0], missCaller[0]);
  }

  @Benchmark
  public boolean baselineHit() {
    int q = nextQuery();
    Set<String> allowed = baseline.get(hitEndpoint[q]);
    return allowed != null && allowed.contains(hitCaller[q]);
  }

  @Benchmark
  public boolean baselineMissCaller() {
    int q = nextQuery();
    Set<String> allowed = baseline.get(missEndpoint[q]);
    return allowed != null && allowed.contains(missCaller[q]);
  }

  @Benchmark
  public boolean baselineUnknownEndpoint() {
    int q = nextQuery();
    Set<String> allowed = baseline.get(unknownEndpoint[q]);
    return allowed != null && allowed.contains(unknownCaller[q]);
  }

  @Benchmark
  public boolean baselineHitHot() {
    Set<String> allowed = baseline.get(hitEndpoint[0]);
    return allowed != null && allowed.contains(hitCaller[0]);
  }

  @Benchmark
  public boolean baselineMissCallerHot() {
    Set<String> allowed = baseline.get(missEndpoint[0]);
    return allowed != null && allowed.contains(missCaller[0]);
  }
}
