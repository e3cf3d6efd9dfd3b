/**
 * Implementation of the Tink payload codec: the version-1 wire format, the key-selection seam and
 * the keyset file handling. Not a public API; it may change in any release.
 */
package dev.nexussecurity.codec.tink.internal;
