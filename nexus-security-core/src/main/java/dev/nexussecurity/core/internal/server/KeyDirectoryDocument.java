package dev.nexussecurity.core.internal.server;

import dev.nexussecurity.core.keys.NamespacePublicKeys;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.Objects;

/**
 * The content of one signed key directory entry: the cluster it is for (audience), one namespace's
 * public keys (its entry of the key directory) and the time the entry was issued. Immutable.
 *
 * @param audience the cluster the entry is for
 * @param keys the namespace's public keys; {@code keys.getNamespace()} is the namespace
 * @param issuedAt when it was signed; truncated to milliseconds
 */
public record KeyDirectoryDocument(String audience, NamespacePublicKeys keys, Instant issuedAt) {
  public KeyDirectoryDocument {
    Objects.requireNonNull(audience, "audience");
    Objects.requireNonNull(keys, "keys");
    issuedAt = Objects.requireNonNull(issuedAt, "issuedAt").truncatedTo(ChronoUnit.MILLIS);
  }

  /** The namespace whose keys these are. */
  public String namespace() {
    return keys.getNamespace();
  }
}
