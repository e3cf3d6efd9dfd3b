/**
 * The nexus-security runtime: the in-memory endpoint registry with Cloud-style RBAC and its JSON
 * file format.
 *
 * <p>Start with {@link dev.nexussecurity.core.InMemoryEndpointRegistry} and {@link
 * dev.nexussecurity.core.RegistryFiles}. Types in {@code dev.nexussecurity.core.internal}
 * subpackages are implementation detail: they may change in any release and must not be used by
 * applications.
 */
package dev.nexussecurity.core;
