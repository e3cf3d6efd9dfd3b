package dev.nexussecurity.core.keys;

import java.util.Optional;
import java.util.Set;

/**
 * Where workers look up other namespaces' public keys: the key-agreement keys pairwise identity and
 * pairwise payload keys are derived from, the keys HPKE payloads are addressed to, the signature
 * keys of the signature identity mode, revocations, and what each namespace decrypts. Caller and
 * handler teams exchange only these public keys; no secret crosses a team boundary.
 *
 * <p>{@link NamespaceKeyDirectory} is the file-backed implementation. Implementations are
 * thread-safe; {@link #findNamespace} is on every call's hot path and must not allocate.
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
}
