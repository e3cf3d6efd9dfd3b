package dev.nexussecurity.core.keys;

import com.google.crypto.tink.KeysetHandle;
import com.google.crypto.tink.KmsClient;
import dev.nexussecurity.core.internal.keys.KeysetFiles;
import java.nio.file.Path;
import java.util.Objects;

/**
 * Where a Tink keyset (or a namespace keys file) comes from: a file in cleartext for development, a
 * file encrypted under a KMS key for production, or a keyset handle your code already holds. The
 * same source loads a plain Tink keyset of any {@link KeysetKind} ({@link #load(KeysetKind)}: the
 * payload codec's AEAD keyset, a signing or MAC keyset) and a namespace's own keys ({@link
 * NamespaceKeys#load(KeysetSource)}). Tink's hermetic configurations are used for parsing: no Tink
 * registration is needed first.
 *
 * <ul>
 *   <li>{@link #kmsEncryptedJson} — the production setup: a Tink JSON keyset encrypted under a key
 *       in your KMS, decrypted through Tink's {@link KmsClient}. Only the KMS holds the key that
 *       unlocks it.
 *   <li>{@link #insecureCleartextJson} — a cleartext Tink JSON keyset file, for development and
 *       tests. Anyone who can read the file holds the keys.
 *   <li>{@link #fromKeysetHandle} — a keyset handle your code obtained in any other way.
 * </ul>
 *
 * <p>Loading fails with {@link KeysetLoadException} for problems retrying cannot fix (missing or
 * malformed file, wrong KMS key or associated data, a keyset of another kind) and with {@link
 * io.temporal.payload.codec.PayloadCodecException} when the KMS cannot be reached. Messages name
 * the file and key URI, never key material; the key of a {@code fake-kms://} URI is redacted.
 * Create and rotate keysets with the {@code nexus-security-keys} command of the
 * nexus-security-tools artifact ({@code docs/keys.md}) or with Tinkey.
 *
 * <pre>{@code
 * KmsClient kms = new AwsKmsClient().withDefaultCredentials();   // tink-awskms
 * KeysetSource source = KeysetSource.kmsEncryptedJson(
 *     Path.of("/etc/orders/keyset.json"), kms, "aws-kms://arn:aws:kms:eu-west-1:111122223333:key/abcd");
 * TinkPayloadCodec codec = TinkPayloadCodec.newBuilder().setKeysetSource(source).build();
 * KeysetHandle signing = KeysetSource.insecureCleartextJson(devSigningFile).load(KeysetKind.SIGNING);
 * }</pre>
 */
public final class KeysetSource {
  /** How the source holds its keys. */
  enum Storage {
    CLEARTEXT_FILE,
    KMS_ENCRYPTED_FILE,
    HANDLE
  }

  private final Storage storage;
  private final Path path;
  private final KmsClient kmsClient;
  private final String keyEncryptionKeyUri;
  private final byte[] associatedData;
  private final KeysetHandle handle;

  private KeysetSource(
      Storage storage,
      Path path,
      KmsClient kmsClient,
      String keyEncryptionKeyUri,
      byte[] associatedData,
      KeysetHandle handle) {
    this.storage = storage;
    this.path = path;
    this.kmsClient = kmsClient;
    this.keyEncryptionKeyUri = keyEncryptionKeyUri;
    this.associatedData = associatedData;
    this.handle = handle;
  }

  /**
   * A keyset stored <b>in cleartext</b> as Tink JSON: for development and tests only. Production
   * keysets belong encrypted under a KMS key ({@link #kmsEncryptedJson}).
   *
   * @param path the JSON keyset file, not null
   */
  public static KeysetSource insecureCleartextJson(Path path) {
    Objects.requireNonNull(path, "path");
    return new KeysetSource(Storage.CLEARTEXT_FILE, path, null, null, null, null);
  }

  /**
   * A Tink JSON keyset encrypted under the KMS key {@code keyEncryptionKeyUri} with empty
   * associated data, as written by {@code TinkJsonProtoKeysetFormat.serializeEncryptedKeyset},
   * Tinkey's {@code convert-keyset --new-master-key-uri} and {@code nexus-security-keys keyset
   * wrap}.
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
    return new KeysetSource(
        Storage.KMS_ENCRYPTED_FILE,
        path,
        kmsClient,
        keyEncryptionKeyUri,
        associatedData.clone(),
        null);
  }

  /**
   * A keyset handle obtained by your code.
   *
   * @param handle a keyset with an enabled primary key, not null
   */
  public static KeysetSource fromKeysetHandle(KeysetHandle handle) {
    Objects.requireNonNull(handle, "handle");
    return new KeysetSource(Storage.HANDLE, null, null, null, null, handle);
  }

  /**
   * Loads the keyset and checks that every key in it is of {@code kind}.
   *
   * @param kind what the keyset must hold, not null
   * @return the keyset
   * @throws KeysetLoadException if the file is missing or malformed, was encrypted under another
   *     KMS key or associated data, or holds a key of another kind; the message names the file and
   *     what to fix
   * @throws io.temporal.payload.codec.PayloadCodecException if the KMS could not be reached
   *     (retrying may succeed)
   */
  public KeysetHandle load(KeysetKind kind) {
    Objects.requireNonNull(kind, "kind");
    switch (storage) {
      case CLEARTEXT_FILE:
        return KeysetFiles.readCleartext(path, kind);
      case KMS_ENCRYPTED_FILE:
        return KeysetFiles.readEncrypted(
            path, kmsClient, keyEncryptionKeyUri, associatedData, kind);
      case HANDLE:
        KeysetFiles.requireKind(handle, kind, "The keyset handle given by code");
        return handle;
      default:
        throw new AssertionError(storage);
    }
  }

  Storage storage() {
    return storage;
  }

  /** The file, or null for a handle. */
  Path path() {
    return path;
  }

  KmsClient kmsClient() {
    return kmsClient;
  }

  String keyEncryptionKeyUri() {
    return keyEncryptionKeyUri;
  }

  byte[] associatedData() {
    return associatedData.clone();
  }

  /** Describes the source (file, redacted key URI); never key material. */
  @Override
  public String toString() {
    switch (storage) {
      case CLEARTEXT_FILE:
        return "KeysetSource{cleartext JSON keyset file " + path + "}";
      case KMS_ENCRYPTED_FILE:
        return "KeysetSource{KMS-encrypted JSON keyset file "
            + path
            + " (key "
            + KeysetFiles.redact(keyEncryptionKeyUri)
            + ")}";
      default:
        return "KeysetSource{keyset handle given by code}";
    }
  }
}
