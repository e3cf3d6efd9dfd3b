/** Implementation of {@code dev.nexussecurity.connection}; not a public API. */
package dev.nexussecurity.connection.internal;
