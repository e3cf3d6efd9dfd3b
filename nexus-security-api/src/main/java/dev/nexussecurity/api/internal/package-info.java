/**
 * Implementation helpers shared by every nexus-security module: the one sanitiser of untrusted text
 * ({@link dev.nexussecurity.api.internal.UntrustedText}), the one atomic file writer ({@link
 * dev.nexussecurity.api.internal.AtomicFileWriter}) and the one periodic refresher ({@link
 * dev.nexussecurity.api.internal.PeriodicRefresher}). Not part of the public API: may change in any
 * release.
 */
package dev.nexussecurity.api.internal;
