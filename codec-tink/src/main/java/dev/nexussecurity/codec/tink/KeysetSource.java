package dev.nexussecurity.codec.tink;

import com.google.crypto.tink.KeysetHandle;
import com.google.crypto.tink.KmsClient;
import dev.nexussecurity.codec.tink.internal.KeysetFiles;
import java.nio.file.Path;
import java.util.Objects;
import java.util.function.Supplier;

/**
 * Where a {@link TinkPayloadCodec} gets its Tink AEAD keyset. The keyset is loaded once, when the
 * codec is built; to roll out a changed keyset, build a new codec (usually: restart the worker).
 *
 * <ul>
 *   <li>{@link #kmsEncryptedJson} — the production setup: a Tink JSON keyset encrypted under a key
 *       in your KMS, decrypted through Tink's {@link KmsClient}. Only the KMS holds the key that
 *       unlocks it.
 *   <li>{@link #insecureCleartextJson} — a cleartext Tink JSON keyset file, for development and
 *       tests. Anyone who can read the file can read every payload.
 *   <li>{@link #fromKeysetHandle} — a keyset handle your code obtained in any other way.
 * </ul>
 *
 * <p>Loading fails with {@link KeysetLoadException} for problems retrying cannot fix (missing or
 * malformed file, wrong KMS key or associated data, no usable AEAD key) and with {@link
 * io.temporal.payload.codec.PayloadCodecException} when the KMS cannot be reached. Messages name
 * the file and key URI, never key material; the key of a {@code fake-kms://} URI is redacted.
 *
 * <pre>{@code
 * KmsClient kms = new AwsKmsClient().withDefaultCredentials();   // tink-awskms
 * KeysetSource source = KeysetSource.kmsEncryptedJson(
 *     Path.of("/etc/orders/keyset.json"), kms, "aws-kms://arn:aws:kms:eu-west-1:111122223333:key/abcd");
 * TinkPayloadCodec codec = TinkPayloadCodec.newBuilder().setKeysetSource(source).build();
 * }</pre>
 */
public final class KeysetSource {
  private final String description;
  private final Supplier<KeysetHandle> loader;

  private KeysetSource(String description, Supplier<KeysetHandle> loader) {
    this.description = description;
    this.loader = loader;
  }

  /**
   * A keyset stored <b>in cleartext</b> as Tink JSON: for development and tests only. Production
   * keysets belong encrypted under a KMS key ({@link #kmsEncryptedJson}).
   *
   * @param path the JSON keyset file, not null
   */
  public static KeysetSource insecureCleartextJson(Path path) {
    Objects.requireNonNull(path, "path");
    return new KeysetSource(
        "cleartext JSON keyset file " + path, () -> KeysetFiles.readCleartext(path));
  }

  /**
   * A Tink JSON keyset encrypted under the KMS key {@code keyEncryptionKeyUri} with empty
   * associated data, as written by {@code TinkJsonProtoKeysetFormat.serializeEncryptedKeyset},
   * Tinkey's {@code convert-keyset --new-master-key-uri} and {@code KeysetTool wrap}.
   *
   * @param path the encrypted JSON keyset file, not null
   * @param kmsClient a Tink KMS client that supports the URI, not null
   * @param keyEncryptionKeyUri the KMS key URI, e.g. {@code aws-kms://arn:...} or {@code
   *     gcp-kms://projects/...}, not null
   */
  public static KeysetSource kmsEncryptedJson(
      Path path, KmsClient kmsClient, String keyEncryptionKeyUri) {
    return kmsEncryptedJson(path, kmsClient, keyEncryptionKeyUri, new byte[0]);
  }

  /**
   * A Tink JSON keyset encrypted under the KMS key {@code keyEncryptionKeyUri} bound to {@code
   * associatedData}, which must equal the associated data it was encrypted with.
   *
   * @param associatedData copied; not null (use the three-argument overload for none)
   */
  public static KeysetSource kmsEncryptedJson(
      Path path, KmsClient kmsClient, String keyEncryptionKeyUri, byte[] associatedData) {
    Objects.requireNonNull(path, "path");
    Objects.requireNonNull(kmsClient, "kmsClient");
    Objects.requireNonNull(keyEncryptionKeyUri, "keyEncryptionKeyUri");
    Objects.requireNonNull(associatedData, "associatedData");
    if (keyEncryptionKeyUri.isBlank()) {
      throw new IllegalArgumentException("keyEncryptionKeyUri must not be blank");
    }
    byte[] ad = associatedData.clone();
    return new KeysetSource(
        "KMS-encrypted JSON keyset file "
            + path
            + " (key "
            + KeysetFiles.redact(keyEncryptionKeyUri)
            + ")",
        () -> KeysetFiles.readEncrypted(path, kmsClient, keyEncryptionKeyUri, ad));
  }

  /**
   * A keyset handle obtained by your code.
   *
   * @param handle an AEAD keyset with an enabled primary key, not null
   */
  public static KeysetSource fromKeysetHandle(KeysetHandle handle) {
    Objects.requireNonNull(handle, "handle");
    return new KeysetSource("keyset handle given by code", () -> handle);
  }

  /** Loads the keyset; called once per codec build. */
  KeysetHandle load() {
    return loader.get();
  }

  /** Describes the source (file, redacted key URI); never key material. */
  @Override
  public String toString() {
    return "KeysetSource{" + description + "}";
  }
}
