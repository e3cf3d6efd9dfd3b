/** Implementation of the {@code nexus-security-keys} command; not part of the public API. */
package dev.nexussecurity.tools.internal;
