/**
 * Runnable examples of nexus-security: worker bootstrap code to copy ({@link
 * dev.nexussecurity.examples.WorkerBootstrap}, {@link dev.nexussecurity.examples.WorkerSettings},
 * {@link dev.nexussecurity.examples.WorkerKeys}, {@link
 * dev.nexussecurity.examples.EnvConfigConnections}), per-process worker mains, and the demo ({@link
 * dev.nexussecurity.examples.Demo}).
 *
 * <pre>{@code
 * mvn -B -q -pl examples -am -DskipTests package exec:java   # the demo, from the repository root
 * }</pre>
 */
package dev.nexussecurity.examples;
