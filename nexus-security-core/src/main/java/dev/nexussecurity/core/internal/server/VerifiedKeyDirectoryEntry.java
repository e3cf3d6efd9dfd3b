package dev.nexussecurity.core.internal.server;

/**
 * A key directory entry whose signature verified under the registry public keyset and whose
 * audience is this cluster.
 *
 * @param document the verified content
 * @param keyId the Tink key id that signed it, or {@code null} when the signature carries none
 * @param digest the SHA-256 of the description's data (what the manifest lists), unpadded base64url
 */
public record VerifiedKeyDirectoryEntry(
    KeyDirectoryDocument document, Integer keyId, String digest) {}
