/**
 * Implementation detail of the endpoint registry: immutable snapshots, the RBAC policy, the JSON
 * document mapping and atomic file replacement. Not a public API; it may change in any release.
 */
package dev.nexussecurity.core.internal.registry;
