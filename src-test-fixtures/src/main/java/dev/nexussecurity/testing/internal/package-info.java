/**
 * Implementation of the test fixtures: the in-process server build and the re-targeting of Nexus
 * polls behind {@link dev.nexussecurity.testing.EmbeddedTemporal}, and the parts of {@link
 * dev.nexussecurity.testing.NexusSecurityExtension} (worker factory scopes, the access decision
 * log, the history payload scanner).
 *
 * <p>Not a public API: types here may change in any release. Only {@link
 * dev.nexussecurity.testing.internal.InProcessTemporalServer} touches the Temporal test server's
 * internal classes ({@code io.temporal.internal.testservice}); those are pinned to temporal-testing
 * 1.38.0.
 */
package dev.nexussecurity.testing.internal;
