package dev.nexussecurity.core.keys;

import dev.nexussecurity.api.internal.UntrustedText;
import java.util.Optional;
import java.util.Set;

/**
 * Where workers look up other namespaces' public keys: the key-agreement keys pairwise identity and
 * pairwise payload keys are derived from, the keys HPKE payloads are addressed to, the signature
 * keys of the signature identity mode, revocations, and what each namespace decrypts. Caller and
 * handler teams exchange only these public keys; no secret crosses a team boundary.
 *
 * <p>{@link NamespaceKeyDirectory} is the file-backed implementation; {@link
 * dev.nexussecurity.core.server.ServerEndpointRegistry#getKeyDirectory()} is the directory the
 * registry signed and stored on the Temporal server. Implementations are thread-safe; {@link
 * #findNamespace} is on every call's hot path and must not allocate.
 *
 * <pre>{@code
 * KeyDirectory directory = NamespaceKeyDirectory.load(Path.of("key-directory.json"));
 * directory.findNamespace("payments").ifPresent(k -> log.info("payments keys: {}", k));
 * }</pre>
 */
public interface KeyDirectory {
  /** The public keys of {@code namespace}, if the directory has them. */
  Optional<NamespacePublicKeys> findNamespace(String namespace);

  /** The namespaces the directory knows. */
  Set<String> getNamespaces();

  /**
   * Whether the directory refuses every lookup now because its source is stale (a directory read
   * from the server registry that has not verified a current manifest within its maximum
   * staleness): {@link #findNamespace} then finds nothing, and denials say {@code REGISTRY_STALE}.
   * {@code false} for directories that cannot go stale, such as a loaded file. Allocation-free.
   */
  default boolean isStale() {
    return false;
  }

  /**
   * Why {@link #findNamespace} finds no usable keys for {@code namespace}, in words an operator can
   * act on, for denial messages (not on the hot path). Never contains key material.
   */
  default String describeMissing(String namespace) {
    return "the key directory has no keys for namespace '" + UntrustedText.quote(namespace) + "'";
  }
}
