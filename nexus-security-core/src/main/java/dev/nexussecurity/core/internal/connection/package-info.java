/** Implementation of {@code dev.nexussecurity.core.connection}; not a public API. */
package dev.nexussecurity.core.internal.connection;
