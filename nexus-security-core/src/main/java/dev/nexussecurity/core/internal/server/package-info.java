/** Implementation of {@code dev.nexussecurity.core.server}; not a public API. */
package dev.nexussecurity.core.internal.server;
