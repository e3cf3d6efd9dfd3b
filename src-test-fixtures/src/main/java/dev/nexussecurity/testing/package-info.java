/**
 * Test fixtures for applications that use nexus-security.
 *
 * <ul>
 *   <li>{@link dev.nexussecurity.testing.NexusSecurityExtension}: a JUnit 5 extension that runs a
 *       test class against one embedded Temporal server with any number of namespaces, endpoints
 *       with allowlists, and test keys, and injects each namespace's {@code WorkflowClient} (with
 *       the Tink payload codec) and {@code WorkerFactory} (with the namespace's NexusSecurity
 *       interceptor).
 *   <li>{@link dev.nexussecurity.testing.NexusSecurityAssertions}: "this call was denied with
 *       reason X", "every payload in this namespace's histories is encrypted", "these converters
 *       are compatible".
 *   <li>{@link dev.nexussecurity.testing.TestKeys} and {@link
 *       dev.nexussecurity.testing.TestConverters}: keys derived per run, and converters that do not
 *       match on purpose.
 *   <li>{@link dev.nexussecurity.testing.EmbeddedTemporal}: the in-process Temporal server with
 *       true cross-namespace Nexus routing underneath, usable on its own.
 * </ul>
 *
 * <pre>{@code
 * @RegisterExtension
 * static final NexusSecurityExtension NEXUS = NexusSecurityExtension.newBuilder()
 *     .addNamespace("orders-ns")
 *     .addNamespace("payments-ns")
 *     .addEndpoint("payments", "payments-ns", "payments-tq", "orders-ns")
 *     .build();
 * }</pre>
 *
 * <p>Everything under {@code dev.nexussecurity.testing.internal} is implementation detail with no
 * compatibility promise.
 */
package dev.nexussecurity.testing;
