/**
 * Test fixtures for applications that use nexus-security: an in-process Temporal server with true
 * cross-namespace Nexus routing ({@link dev.nexussecurity.testing.EmbeddedTemporal}).
 *
 * <p>Everything under {@code dev.nexussecurity.testing.internal} is implementation detail with no
 * compatibility promise.
 */
package dev.nexussecurity.testing;
