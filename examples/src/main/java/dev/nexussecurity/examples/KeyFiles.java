package dev.nexussecurity.examples;

import com.google.crypto.tink.InsecureSecretKeyAccess;
import com.google.crypto.tink.KeysetHandle;
import com.google.crypto.tink.TinkJsonProtoKeysetFormat;
import com.google.crypto.tink.config.TinkConfig2026;
import com.google.crypto.tink.signature.SignaturePrivateKey;
import dev.nexussecurity.core.TrustStore;
import dev.nexussecurity.core.keys.KeysetLoadException;
import dev.nexussecurity.core.keys.KeysetSource;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;

/**
 * Loads a worker's keys from the files its {@link WorkerSettings} name: the private signing keyset
 * (callers), the trust store of caller public keys (handlers) and the payload keyset (both).
 *
 * <p>Keyset files are read as Tink JSON encrypted under the settings' KMS key when one is set, and
 * as cleartext Tink JSON otherwise. Cleartext keysets are for development only: anyone who can read
 * such a file can sign as the namespace, or read every payload.
 *
 * <pre>{@code
 * KeysetHandle signing = KeyFiles.loadSigningKeyset(settings);
 * KeysetSource payloadKeys = KeyFiles.payloadKeysetSource(settings);
 * TrustStore trust = KeyFiles.loadTrustStore(settings);
 * }</pre>
 *
 * <p>Errors name the file, never key material.
 */
public final class KeyFiles {
  private KeyFiles() {}

  /**
   * The namespace's private signing keyset, with which its workers sign caller identity tokens.
   *
   * @throws IllegalArgumentException if the settings name no signing keyset file
   * @throws KeysetLoadException if the file cannot be read or holds no private signature keyset
   */
  public static KeysetHandle loadSigningKeyset(WorkerSettings settings) {
    Path file =
        settings
            .getSigningKeysetFile()
            .orElseThrow(
                () ->
                    new IllegalArgumentException(
                        "Worker of namespace '"
                            + settings.getNamespace()
                            + "' has no signing keyset file; callers need one"));
    String json = read(file);
    KeysetHandle handle;
    try {
      // Tink's hermetic configuration of all its key types (no global registration): keys of
      // another type are read as such, so the check below can name them.
      if (settings.getKmsClient().isPresent()) {
        handle =
            TinkJsonProtoKeysetFormat.parseEncryptedKeyset(
                json,
                settings.getKmsClient().get().getAead(settings.getKmsKeyUri().get()),
                new byte[0],
                TinkConfig2026.get());
      } else {
        handle =
            TinkJsonProtoKeysetFormat.parseKeyset(
                json, TinkConfig2026.get(), InsecureSecretKeyAccess.get());
      }
    } catch (GeneralSecurityException | RuntimeException e) {
      throw new KeysetLoadException(
          "Signing keyset file "
              + file
              + " is not a "
              + (settings.getKmsClient().isPresent()
                  ? "Tink JSON keyset encrypted under the configured KMS key"
                  : "cleartext Tink JSON keyset")
              + " ("
              + e.getClass().getSimpleName()
              + ")",
          e);
    }
    for (int i = 0; i < handle.size(); i++) {
      if (!(handle.getAt(i).getKey() instanceof SignaturePrivateKey)) {
        throw new KeysetLoadException(
            "Signing keyset file "
                + file
                + " holds a "
                + handle.getAt(i).getKey().getClass().getSimpleName()
                + "; a caller needs its namespace's private signature keyset (Ed25519"
                + " recommended)");
      }
    }
    return handle;
  }

  /**
   * Where the payload codec gets its AEAD keyset: {@link KeysetSource#kmsEncryptedJson} with a KMS
   * key, otherwise {@link KeysetSource#insecureCleartextJson} (development only). The file is read
   * when the codec is built.
   */
  public static KeysetSource payloadKeysetSource(WorkerSettings settings) {
    Path file = settings.getPayloadKeysetFile();
    // [snippet:payload-keys]
    KeysetSource payloadKeys =
        settings.getKmsClient().isPresent()
            ? KeysetSource.kmsEncryptedJson( // production: the keyset is encrypted under a KMS key
                file, settings.getKmsClient().get(), settings.getKmsKeyUri().get())
            : KeysetSource.insecureCleartextJson(file); // development only
    // [/snippet]
    return payloadKeys;
  }

  /**
   * The public signing keysets of the caller namespaces this (handler) worker trusts; {@link
   * TrustStore#empty()}, which trusts nobody, when the settings name no trust store file.
   *
   * @throws dev.nexussecurity.core.TrustStoreException if the file is malformed or holds private
   *     keys
   */
  public static TrustStore loadTrustStore(WorkerSettings settings) {
    if (settings.getTrustStoreFile().isEmpty()) {
      return TrustStore.empty();
    }
    return TrustStore.fromJsonFile(settings.getTrustStoreFile().get());
  }

  private static String read(Path file) {
    try {
      return Files.readString(file, StandardCharsets.UTF_8);
    } catch (IOException e) {
      throw new KeysetLoadException(
          "Cannot read keyset file " + file + " (" + e.getClass().getSimpleName() + ")", e);
    }
  }
}
