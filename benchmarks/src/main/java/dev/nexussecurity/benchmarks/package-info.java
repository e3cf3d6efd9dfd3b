/**
 * JMH benchmarks of nexus-security's hot paths. Not published.
 *
 * <p>Build and run:
 *
 * <pre>{@code
 * mvn -B -Pbenchmarks -pl benchmarks -am package -DskipTests
 * java -jar benchmarks/target/benchmarks.jar AccessDecisionBenchmark -prof gc
 * }</pre>
 */
package dev.nexussecurity.benchmarks;
