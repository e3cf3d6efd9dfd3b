/**
 * JMH benchmarks of nexus-security's hot paths, and {@code main} harnesses for the measurements
 * that need one JVM ({@link dev.nexussecurity.benchmarks.NexusCallLatencyInterleaved}, {@link
 * dev.nexussecurity.benchmarks.RoutedNexusLatency}). Not published, and not run by {@code mvn
 * verify}; method and figures in {@code BENCHMARKS.md}.
 *
 * <p>They measure the library through its public API, as a user runs it: the module applies the
 * shared module-boundary rules, so a benchmark that needs an internal class either gets a public
 * entry point or moves into the owning module's tests. The one exception, listed with its reason in
 * {@code BenchmarksArchitectureTest}, is temporary: {@link
 * dev.nexussecurity.benchmarks.IdentityTokenBenchmark} drives core's token classes while they are
 * rewritten.
 *
 * <p>Build and run:
 *
 * <pre>{@code
 * mvn -B -Pbenchmarks -pl benchmarks -am package -DskipTests
 * java -jar benchmarks/target/benchmarks.jar AccessDecisionBenchmark -prof gc
 * }</pre>
 */
package dev.nexussecurity.benchmarks;
