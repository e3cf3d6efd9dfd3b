package dev.nexussecurity.core.internal.identity;

import com.google.crypto.tink.KeysetHandle;
import com.google.crypto.tink.PublicKeyVerify;
import com.google.crypto.tink.RegistryConfiguration;
import dev.nexussecurity.core.TrustStore;
import java.security.GeneralSecurityException;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Map;
import java.util.Set;

/** The verification primitives of a {@link TrustStore}, built once. Immutable and thread-safe. */
public final class TrustedVerifiers {
  static {
    TinkKeyTypes.register();
  }

  private final Map<String, NamespaceVerifier> byNamespace;

  public TrustedVerifiers(TrustStore trustStore) {
    Map<String, NamespaceVerifier> map = new HashMap<>();
    for (String ns : trustStore.getNamespaces()) {
      java.util.Optional<KeysetHandle> mac = trustStore.getSharedSecretKeyset(ns);
      KeysetHandle handle = mac.orElseGet(() -> trustStore.getPublicKeyset(ns).orElseThrow());
      Set<Integer> ids = new HashSet<>();
      boolean hasRaw = false;
      for (int i = 0; i < handle.size(); i++) {
        KeysetHandle.Entry entry = handle.getAt(i);
        if (!entry.getStatus().equals(com.google.crypto.tink.KeyStatus.ENABLED)) {
          continue;
        }
        ids.add(entry.getId());
        if (entry.getKey().getIdRequirementOrNull() == null) {
          hasRaw = true;
        }
      }
      try {
        Check check;
        if (mac.isPresent()) {
          com.google.crypto.tink.Mac m =
              handle.getPrimitive(
                  com.google.crypto.tink.mac.MacConfig2026.get(), com.google.crypto.tink.Mac.class);
          check = m::verifyMac;
        } else {
          check = handle.getPrimitive(RegistryConfiguration.get(), PublicKeyVerify.class)::verify;
        }
        map.put(ns, new NamespaceVerifier(check, ids, hasRaw));
      } catch (GeneralSecurityException e) {
        throw new IllegalArgumentException(
            "the public keyset of namespace '" + ns + "' cannot create a verifier: " + e, e);
      }
    }
    this.byNamespace = map;
  }

  /** The verifier for {@code namespace}, or {@code null} when it is not trusted. */
  NamespaceVerifier forNamespace(String namespace) {
    return byNamespace.get(namespace);
  }

  /** Verifies a tag over data; throws when it does not verify. */
  @FunctionalInterface
  interface Check {
    void verify(byte[] tag, byte[] data) throws GeneralSecurityException;
  }

  static final class NamespaceVerifier {
    private final Check verify;
    private final Set<Integer> enabledKeyIds;
    private final boolean hasRawKey;

    NamespaceVerifier(Check verify, Set<Integer> enabledKeyIds, boolean hasRawKey) {
      this.verify = verify;
      this.enabledKeyIds = enabledKeyIds;
      this.hasRawKey = hasRawKey;
    }

    /** Whether a signature naming {@code keyId} (null: no prefix) could be verified here. */
    boolean knowsKey(Integer keyId) {
      return hasRawKey || (keyId != null && enabledKeyIds.contains(keyId));
    }

    boolean verifies(IdentityTokens.ParsedToken token) {
      try {
        verify.verify(token.getSignature(), token.getSignedBytes());
        return true;
      } catch (GeneralSecurityException e) {
        return false;
      }
    }
  }
}
