package dev.nexussecurity.core.internal.identity;

import com.google.crypto.tink.KeysetHandle;
import com.google.crypto.tink.RegistryConfiguration;
import com.google.crypto.tink.signature.SignatureConfig;
import com.google.crypto.tink.signature.SignaturePrivateKey;
import java.security.GeneralSecurityException;

/**
 * The Tink key types identity tokens use (signatures and MACs): registration, and re-reading
 * keysets that were parsed before Tink knew those types.
 */
public final class TinkKeyTypes {
  private TinkKeyTypes() {}

  /**
   * Registers Tink's signature and MAC key types and primitives (idempotent). Parsing a keyset
   * before this reads its keys as unknown legacy keys, so every entry point that parses or uses
   * such keysets calls it.
   */
  public static void register() {
    try {
      SignatureConfig.register();
      com.google.crypto.tink.mac.MacConfig.register();
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("cannot register Tink signature and MAC primitives", e);
    }
  }

  /**
   * {@code keyset}, read again now that the key types are registered if any of its keys is neither
   * a signature nor a MAC key (Tink reads keys of unregistered types as opaque legacy keys);
   * otherwise {@code keyset} itself. Callers still check the key types of the result.
   *
   * @param withSecrets whether the keyset holds private keys (read with {@code
   *     InsecureSecretKeyAccess}, in memory only)
   */
  public static KeysetHandle recognized(KeysetHandle keyset, boolean withSecrets) {
    register();
    boolean legacy = false;
    for (int i = 0; i < keyset.size(); i++) {
      com.google.crypto.tink.Key key = keyset.getAt(i).getKey();
      legacy |=
          !(key instanceof SignaturePrivateKey)
              && !(key instanceof com.google.crypto.tink.signature.SignaturePublicKey)
              && !(key instanceof com.google.crypto.tink.mac.MacKey);
    }
    if (!legacy) {
      return keyset;
    }
    try {
      if (withSecrets) {
        com.google.crypto.tink.SecretKeyAccess access =
            com.google.crypto.tink.InsecureSecretKeyAccess.get();
        return com.google.crypto.tink.TinkProtoKeysetFormat.parseKeyset(
            com.google.crypto.tink.TinkProtoKeysetFormat.serializeKeyset(
                keyset, access, RegistryConfiguration.get()),
            access,
            RegistryConfiguration.get());
      }
      return com.google.crypto.tink.TinkProtoKeysetFormat.parseKeysetWithoutSecret(
          com.google.crypto.tink.TinkProtoKeysetFormat.serializeKeysetWithoutSecret(
              keyset, RegistryConfiguration.get()),
          RegistryConfiguration.get());
    } catch (GeneralSecurityException e) {
      return keyset;
    }
  }
}
