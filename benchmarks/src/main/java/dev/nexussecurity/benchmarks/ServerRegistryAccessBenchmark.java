package dev.nexussecurity.benchmarks;

import com.google.crypto.tink.KeysetHandle;
import com.google.crypto.tink.signature.PredefinedSignatureParameters;
import com.google.crypto.tink.signature.SignatureConfig2026;
import dev.nexussecurity.api.AccessDecision;
import dev.nexussecurity.api.EndpointRegistry;
import dev.nexussecurity.api.NexusEndpoint;
import dev.nexussecurity.api.ReasonCode;
import dev.nexussecurity.core.InMemoryEndpointRegistry;
import dev.nexussecurity.core.server.EndpointReconciler;
import dev.nexussecurity.core.server.ServerEndpointRegistry;
import dev.nexussecurity.testing.EmbeddedTemporal;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
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
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;

/**
 * Latency of {@link ServerEndpointRegistry#checkAccess} — the registry workers read from the
 * Temporal server, with its staleness check (one clock read) — next to {@link
 * InMemoryEndpointRegistry#checkAccess} over the same endpoints, for an allowed caller (hit), a
 * caller not on the allowlist (miss) and an unknown endpoint. The endpoints (20 allowed callers
 * each) are reconciled onto the embedded Temporal server and read back once; no refresh runs while
 * measuring. Each invocation takes the next of 1,024 pre-built queries spread over all endpoints.
 * Run with {@code -prof gc} to see that neither allocates.
 *
 * <pre>{@code
 * java -jar benchmarks/target/benchmarks.jar ServerRegistryAccessBenchmark -prof gc
 * }</pre>
 */
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@State(Scope.Thread)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(1)
public class ServerRegistryAccessBenchmark {
  /** Allowed caller namespaces per endpoint. */
  public static final int CALLERS_PER_ENDPOINT = 20;

  /** Pre-built queries per kind; a power of two. */
  public static final int QUERIES = 1_024;

  /** A manifest holds about 230 endpoints; 200 is close to the most one registry can have. */
  @Param({"10", "200"})
  public int endpoints;

  EmbeddedTemporal temporal;
  ServerEndpointRegistry server;
  InMemoryEndpointRegistry memory;
  final String[] hitEndpoint = new String[QUERIES];
  final String[] hitCaller = new String[QUERIES];
  final String[] missEndpoint = new String[QUERIES];
  final String[] missCaller = new String[QUERIES];
  final String[] unknownEndpoint = new String[QUERIES];
  private int next;

  @Setup(Level.Trial)
  public void setUp() throws Exception {
    KeysetHandle registryKey =
        KeysetHandle.generateNew(PredefinedSignatureParameters.ED25519, SignatureConfig2026.get());
    List<NexusEndpoint> list = new ArrayList<>(endpoints);
    for (int e = 0; e < endpoints; e++) {
      List<String> callers = new ArrayList<>();
      for (int c = 0; c < CALLERS_PER_ENDPOINT; c++) {
        callers.add("caller-" + e + "-" + c);
      }
      list.add(
          NexusEndpoint.newBuilder()
              .setName("ep-" + e)
              .setTargetNamespace("handler-ns")
              .setTargetTaskQueue("q-" + e)
              .setAllowedCallerNamespaces(callers)
              .setVersion(1)
              .build());
    }
    memory = InMemoryEndpointRegistry.newBuilder().addEndpoints(list).build();
    temporal = EmbeddedTemporal.newBuilder().start();
    if (!EndpointReconciler.newBuilder()
        .setRegistry(memory)
        .setOperatorServiceStubs(temporal.getOperatorServiceStubs())
        .setRegistrySigningKeyset(registryKey)
        .setAudience("bench")
        .build()
        .reconcile()
        .isSuccess()) {
      throw new IllegalStateException("the reconciliation failed");
    }
    server =
        ServerEndpointRegistry.newBuilder()
            .setOperatorServiceStubs(temporal.getOperatorServiceStubs())
            .setRegistryPublicKeyset(registryKey.getPublicKeysetHandle())
            .setAudience("bench")
            .setRefreshInterval(Duration.ZERO)
            .setMaxStaleness(Duration.ofDays(1))
            .start();
    Random random = new Random(42);
    for (int q = 0; q < QUERIES; q++) {
      int e = random.nextInt(endpoints);
      hitEndpoint[q] = new String("ep-" + e);
      hitCaller[q] = new String("caller-" + e + "-" + random.nextInt(CALLERS_PER_ENDPOINT));
      int m = random.nextInt(endpoints);
      missEndpoint[q] = new String("ep-" + m);
      missCaller[q] = new String("caller-" + (m + 1) + "-0");
      unknownEndpoint[q] = "unregistered-" + q;
    }
    for (EndpointRegistry r : List.of(server, memory)) {
      for (int q = 0; q < QUERIES; q++) {
        expect(r.checkAccess(hitEndpoint[q], hitCaller[q]), ReasonCode.ALLOWED);
        expect(r.checkAccess(missEndpoint[q], missCaller[q]), ReasonCode.CALLER_NOT_ALLOWED);
        expect(r.checkAccess(unknownEndpoint[q], hitCaller[q]), ReasonCode.UNKNOWN_ENDPOINT);
      }
    }
  }

  private static void expect(AccessDecision d, ReasonCode reason) {
    if (d.getReason() != reason) {
      throw new IllegalStateException("got " + d + ", expected " + reason);
    }
  }

  @TearDown(Level.Trial)
  public void tearDown() {
    server.close();
    temporal.close();
  }

  private int nextQuery() {
    int q = next;
    next = (q + 1) & (QUERIES - 1);
    return q;
  }

  @Benchmark
  public AccessDecision serverHit() {
    int q = nextQuery();
    return server.checkAccess(hitEndpoint[q], hitCaller[q]);
  }

  @Benchmark
  public AccessDecision serverMissCaller() {
    int q = nextQuery();
    return server.checkAccess(missEndpoint[q], missCaller[q]);
  }

  @Benchmark
  public AccessDecision serverUnknownEndpoint() {
    int q = nextQuery();
    return server.checkAccess(unknownEndpoint[q], hitCaller[q]);
  }

  @Benchmark
  public AccessDecision inMemoryHit() {
    int q = nextQuery();
    return memory.checkAccess(hitEndpoint[q], hitCaller[q]);
  }

  @Benchmark
  public AccessDecision inMemoryMissCaller() {
    int q = nextQuery();
    return memory.checkAccess(missEndpoint[q], missCaller[q]);
  }
}
