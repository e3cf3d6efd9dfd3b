package dev.nexussecurity.controlplane.internal;

import com.google.crypto.tink.Aead;
import com.google.crypto.tink.InsecureSecretKeyAccess;
import com.google.crypto.tink.KeysetHandle;
import com.google.crypto.tink.KmsClient;
import com.google.crypto.tink.TinkJsonProtoKeysetFormat;
import com.google.crypto.tink.signature.SignatureConfig2026;
import dev.nexussecurity.api.internal.UntrustedText;
import dev.nexussecurity.controlplane.internal.Settings.KeysetSettings;
import java.io.IOException;
import java.nio.file.Files;
import java.security.GeneralSecurityException;
import java.util.List;
import java.util.Optional;

/**
 * Loads the registry's private signature keyset: a Tink JSON keyset encrypted under a KMS key
 * (production: {@code kmsKeyUri} set, decrypted through the first of the KMS clients that supports
 * the URI), or a cleartext Tink JSON keyset (development). Messages name the file and the URI's
 * scheme, never key material.
 */
final class RegistryKeysets {
  private RegistryKeysets() {}

  /**
   * The keyset of {@code settings}.
   *
   * @throws IllegalArgumentException naming the file and what to fix
   */
  static KeysetHandle load(KeysetSettings settings, List<KmsClient> kmsClients) {
    String json;
    try {
      json = Files.readString(settings.file());
    } catch (IOException e) {
      throw new IllegalArgumentException(
          "cannot read the signing keyset file "
              + settings.file()
              + " ("
              + e.getClass().getSimpleName()
              + "); check the path");
    }
    Optional<String> uri = settings.kmsKeyUri();
    try {
      if (uri.isEmpty()) {
        return TinkJsonProtoKeysetFormat.parseKeyset(
            json, SignatureConfig2026.get(), InsecureSecretKeyAccess.get());
      }
      Optional<KmsClient> kms =
          kmsClients.stream().filter(c -> c.doesSupport(uri.get())).findFirst();
      if (kms.isEmpty()) {
        throw new IllegalArgumentException(
            "no KMS client supports kmsKeyUri with scheme '"
                + UntrustedText.quote(scheme(uri.get()))
                + "'; start the server from code with ControlPlaneServer.Builder.addKmsClient"
                + " — the runnable jar knows fake-kms:// in development mode only");
      }
      Aead kek = kms.get().getAead(uri.get());
      return TinkJsonProtoKeysetFormat.parseEncryptedKeyset(
          json, kek, new byte[0], SignatureConfig2026.get());
    } catch (GeneralSecurityException | RuntimeException e) {
      if (e instanceof IllegalArgumentException iae && iae.getMessage().startsWith("no KMS")) {
        throw iae;
      }
      throw new IllegalArgumentException(
          "the signing keyset file "
              + settings.file()
              + (uri.isPresent()
                  ? " cannot be decrypted with the KMS key of scheme '"
                      + UntrustedText.quote(scheme(uri.get()))
                      + "' or is not a Tink JSON signature keyset encrypted under it"
                  : " is not a cleartext Tink JSON signature keyset"
                      + (json.contains("encryptedKeyset")
                          ? " (it looks encrypted: set kmsKeyUri)"
                          : ""))
              + "; generate an Ed25519 keyset with Tinkey or KeysetHandle.generateNew and wrap it"
              + " under your KMS key");
    }
  }

  private static String scheme(String uri) {
    return uri.contains(":") ? uri.substring(0, uri.indexOf(':')) : uri;
  }
}
