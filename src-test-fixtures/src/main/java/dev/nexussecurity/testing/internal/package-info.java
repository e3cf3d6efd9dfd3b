/**
 * Implementation of {@link dev.nexussecurity.testing.EmbeddedTemporal}: the in-process server build and
 * the re-targeting of Nexus polls that gives it cross-namespace routing.
 *
 * <p>Not a public API: types here may change in any release. Only {@link
 * dev.nexussecurity.testing.internal.InProcessTemporalServer} touches the Temporal test server's internal
 * classes ({@code io.temporal.internal.testservice}); those are pinned to temporal-testing 1.38.0.
 */
package dev.nexussecurity.testing.internal;
