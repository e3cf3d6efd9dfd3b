package dev.nexussecurity.controlplane.internal;

import com.google.crypto.tink.KeysetHandle;
import dev.nexussecurity.core.keys.KeyDirectory;
import dev.nexussecurity.core.keys.NamespacePublicKeys;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeSet;

/**
 * The key directory as the management API shows it: per namespace (sorted, at most {@link
 * #MAX_NAMESPACES}), the ids of its agreement and signature keys with whether each is the primary
 * and revoked, and its revoked key ids. Key ids only: no key material, although a directory holds
 * public keys only.
 *
 * <pre>{@code
 * {"stale": false, "namespaceCount": 1, "truncated": false, "problems": [],
 *  "namespaces": [{"namespace": "orders-ns",
 *    "agreementKeys": [{"keyId": "1234", "primary": true, "revoked": false}],
 *    "signatureKeys": [...], "revokedKeyIds": ["987"]}]}
 * }</pre>
 */
final class KeyDirectoryJson {
  /** The most namespaces one answer lists. */
  static final int MAX_NAMESPACES = 1000;

  /** The most keys listed per keyset. */
  static final int MAX_KEYS = 100;

  private KeyDirectoryJson() {}

  static Map<String, Object> toJson(KeyDirectory directory, List<String> problems) {
    TreeSet<String> names = new TreeSet<>(directory.getNamespaces());
    List<Map<String, Object>> namespaces = new ArrayList<>();
    for (String ns : names) {
      if (namespaces.size() == MAX_NAMESPACES) {
        break;
      }
      directory.findNamespace(ns).ifPresent(k -> namespaces.add(namespace(k)));
    }
    Map<String, Object> out = new LinkedHashMap<>();
    out.put("stale", directory.isStale());
    out.put("namespaceCount", names.size());
    out.put("truncated", names.size() > MAX_NAMESPACES);
    out.put("problems", problems.stream().limit(MAX_NAMESPACES).toList());
    out.put("namespaces", namespaces);
    return out;
  }

  private static Map<String, Object> namespace(NamespacePublicKeys k) {
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("namespace", k.getNamespace());
    m.put("agreementKeys", keys(k.getAgreementKeys(), k));
    m.put("signatureKeys", keys(k.getSignatureKeys(), k));
    m.put(
        "revokedKeyIds",
        new TreeSet<>(k.getRevokedKeyIds())
            .stream().limit(MAX_KEYS).map(Integer::toUnsignedString).toList());
    return m;
  }

  private static List<Map<String, Object>> keys(
      Optional<KeysetHandle> keyset, NamespacePublicKeys k) {
    List<Map<String, Object>> out = new ArrayList<>();
    if (keyset.isEmpty()) {
      return out;
    }
    KeysetHandle h = keyset.get();
    for (int i = 0; i < h.size() && i < MAX_KEYS; i++) {
      KeysetHandle.Entry e = h.getAt(i);
      Map<String, Object> key = new LinkedHashMap<>();
      key.put("keyId", Integer.toUnsignedString(e.getId()));
      key.put("primary", e.isPrimary());
      key.put("revoked", k.isRevoked(e.getId()));
      out.add(key);
    }
    return out;
  }
}
