package dev.nexussecurity.core.internal.keys;

import com.google.crypto.tink.Aead;
import com.google.crypto.tink.Configuration;
import com.google.crypto.tink.InsecureSecretKeyAccess;
import com.google.crypto.tink.Key;
import com.google.crypto.tink.KeysetHandle;
import com.google.crypto.tink.KmsClient;
import com.google.crypto.tink.TinkJsonProtoKeysetFormat;
import com.google.crypto.tink.aead.AeadKey;
import com.google.crypto.tink.config.TinkConfig2026;
import com.google.crypto.tink.mac.MacKey;
import com.google.crypto.tink.signature.SignaturePrivateKey;
import dev.nexussecurity.api.internal.AtomicFileWriter;
import dev.nexussecurity.core.keys.KeysetKind;
import dev.nexussecurity.core.keys.KeysetLoadException;
import io.temporal.payload.codec.PayloadCodecException;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.util.Locale;

/**
 * Reads and writes Tink JSON keyset files, cleartext or encrypted under a KMS key, with Tink's
 * hermetic configuration (no global registry), and checks that a keyset holds keys of the expected
 * {@link KeysetKind}. Writes are atomic: a file is either fully replaced or untouched. Messages
 * name files and (redacted) key URIs, never key material.
 */
public final class KeysetFiles {
  private static final String FAKE_KMS_PREFIX = "fake-kms://";
  private static final String REDACTED = "<redacted>";

  /** Parses and serializes keysets of every kind; {@link #requireKind} then checks the kind. */
  private static final Configuration CONFIG = TinkConfig2026.get();

  private static final String CREATE_HINT =
      "create one with `nexus-security-keys keyset create` (nexus-security-tools) or Tinkey, and"
          + " wrap a cleartext keyset under a KMS key with `nexus-security-keys keyset wrap`.";

  private KeysetFiles() {}

  /** Parses a cleartext JSON keyset file of {@code kind} (null: of any kind). */
  public static KeysetHandle readCleartext(Path path, KeysetKind kind) {
    String json = readString(path);
    KeysetHandle handle;
    try {
      handle = TinkJsonProtoKeysetFormat.parseKeyset(json, CONFIG, InsecureSecretKeyAccess.get());
    } catch (GeneralSecurityException | RuntimeException e) {
      throw new KeysetLoadException(
          "Cleartext keyset file "
              + path
              + " is not a valid Tink JSON "
              + describe(kind)
              + "keyset"
              + (json.contains("encryptedKeyset")
                  ? " (it looks encrypted: load it with KeysetSource.kmsEncryptedJson)"
                  : "")
              + "; "
              + CREATE_HINT,
          e);
    }
    if (kind != null) {
      requireKind(handle, kind, "Keyset file " + path);
    }
    return handle;
  }

  private static String describe(KeysetKind kind) {
    return kind == null ? "" : kind.description() + " ";
  }

  /**
   * Parses a JSON keyset file encrypted under the KMS key {@code kekUri}, with keys of {@code kind}
   * (null: of any kind).
   *
   * @throws PayloadCodecException if the KMS could not be reached (retrying may succeed)
   * @throws KeysetLoadException if the file is malformed or was not encrypted under that key and
   *     associated data
   */
  public static KeysetHandle readEncrypted(
      Path path, KmsClient kmsClient, String kekUri, byte[] associatedData, KeysetKind kind) {
    KeysetHandle handle =
        decrypt(readString(path), "Keyset file " + path, kmsClient, kekUri, associatedData, kind);
    if (kind != null) {
      requireKind(handle, kind, "Keyset file " + path);
    }
    return handle;
  }

  /**
   * Parses the Tink JSON encrypted keyset {@code json} from {@code what} (a description naming the
   * file and field) encrypted under the KMS key {@code kekUri}; does not check its kind.
   */
  public static KeysetHandle decrypt(
      String json,
      String what,
      KmsClient kmsClient,
      String kekUri,
      byte[] associatedData,
      KeysetKind kind) {
    Aead kek = kmsAead(kmsClient, kekUri);
    RecordingAead recording = new RecordingAead(kek);
    try {
      return TinkJsonProtoKeysetFormat.parseEncryptedKeyset(
          json, recording, associatedData, CONFIG);
    } catch (GeneralSecurityException | RuntimeException e) {
      if (recording.decryptFailure != null && isTransient(recording.decryptFailure)) {
        throw new PayloadCodecException(
            "The KMS could not decrypt "
                + lowerFirst(what)
                + " with key "
                + redact(kekUri)
                + " because it could not be reached ("
                + redact(String.valueOf(recording.decryptFailure.getMessage()))
                + "); retry later.",
            recording.decryptFailure);
      }
      if (recording.decryptFailure != null) {
        throw new KeysetLoadException(
            what
                + " could not be decrypted with KMS key "
                + redact(kekUri)
                + ": it was encrypted under another KMS key or with other associated data, or it was"
                + " altered. Use the key URI and associated data the keyset was wrapped with.",
            e);
      }
      throw new KeysetLoadException(
          what
              + " is not a valid KMS-encrypted Tink JSON "
              + describe(kind)
              + "keyset"
              + (recording.decrypted
                  ? " (it decrypted, but its contents are not a Tink keyset)"
                  : "")
              + "; "
              + CREATE_HINT,
          e);
    }
  }

  /** The KMS AEAD for {@code kekUri}. */
  public static Aead kmsAead(KmsClient kmsClient, String kekUri) {
    if (!kmsClient.doesSupport(kekUri)) {
      throw new KeysetLoadException(
          "The KMS client "
              + kmsClient.getClass().getName()
              + " does not support key URI "
              + redact(kekUri)
              + ".");
    }
    try {
      return kmsClient.getAead(kekUri);
    } catch (GeneralSecurityException | RuntimeException e) {
      throw new PayloadCodecException(
          "The KMS client could not provide key "
              + redact(kekUri)
              + " ("
              + e.getClass().getSimpleName()
              + ": "
              + redact(String.valueOf(e.getMessage()))
              + "); the KMS may be unreachable, retry later or check credentials and the key URI.",
          e);
    }
  }

  /** Serializes {@code handle} as cleartext JSON. */
  public static String toCleartextJson(KeysetHandle handle) {
    try {
      return TinkJsonProtoKeysetFormat.serializeKeyset(
          handle, CONFIG, InsecureSecretKeyAccess.get());
    } catch (GeneralSecurityException e) {
      throw new KeysetLoadException("The keyset cannot be serialized: " + e.getMessage(), e);
    }
  }

  /** Serializes {@code handle} encrypted under {@code kek}. */
  public static String toEncryptedJson(KeysetHandle handle, Aead kek, byte[] associatedData) {
    try {
      return TinkJsonProtoKeysetFormat.serializeEncryptedKeyset(
          handle, kek, associatedData, CONFIG);
    } catch (GeneralSecurityException e) {
      throw new PayloadCodecException(
          "Encrypting the keyset with the KMS failed ("
              + redact(String.valueOf(e.getMessage()))
              + ")",
          e);
    }
  }

  /**
   * Checks that {@code handle} holds keys of {@code kind} only and has an enabled primary key.
   *
   * @param what names the keyset in the message ("Keyset file /etc/k.json")
   * @throws KeysetLoadException naming the first key that does not fit and what to do
   */
  public static void requireKind(KeysetHandle handle, KeysetKind kind, String what) {
    if (handle.size() == 0) {
      throw new KeysetLoadException(what + " holds no key; " + CREATE_HINT);
    }
    for (int i = 0; i < handle.size(); i++) {
      KeysetHandle.Entry e = handle.getAt(i);
      if (!isOfKind(e.getKey(), kind)) {
        throw new KeysetLoadException(
            what
                + " holds key "
                + Integer.toUnsignedString(e.getId())
                + " of type "
                + e.getKey().getClass().getSimpleName()
                + ", which is not "
                + keyNoun(kind)
                + ": it is not the keyset expected here (KeysetKind."
                + kind.name()
                + "); check the path, or "
                + CREATE_HINT);
      }
    }
    KeysetHandle.Entry primary;
    try {
      primary = handle.getPrimary();
    } catch (IllegalStateException e) {
      throw new KeysetLoadException(what + " has no primary key; promote an enabled key.", e);
    }
    if (!primary.getStatus().equals(com.google.crypto.tink.KeyStatus.ENABLED)) {
      throw new KeysetLoadException(
          what + "'s primary key is not enabled; promote an enabled key.");
    }
  }

  private static boolean isOfKind(Key key, KeysetKind kind) {
    switch (kind) {
      case PAYLOAD_AEAD:
        return key instanceof AeadKey;
      case KEY_AGREEMENT:
        return key instanceof com.google.crypto.tink.hybrid.HpkePrivateKey priv
            && priv.getParameters()
                .getKemId()
                .equals(
                    com.google.crypto.tink.hybrid.HpkeParameters.KemId.DHKEM_X25519_HKDF_SHA256);
      case SIGNING:
        return key instanceof SignaturePrivateKey;
      case MAC:
        return key instanceof MacKey;
      default:
        throw new AssertionError(kind);
    }
  }

  private static String keyNoun(KeysetKind kind) {
    switch (kind) {
      case PAYLOAD_AEAD:
        return "an AEAD key";
      case KEY_AGREEMENT:
        return "a private HPKE key with KEM DHKEM(X25519, HKDF-SHA256)";
      case SIGNING:
        return "a private signature key";
      case MAC:
        return "a MAC key";
      default:
        throw new AssertionError(kind);
    }
  }

  private static String lowerFirst(String s) {
    return s.isEmpty() ? s : Character.toLowerCase(s.charAt(0)) + s.substring(1);
  }

  /**
   * Writes {@code content} to {@code path} atomically with the project's one atomic writer: a new
   * file is readable by its owner only from the start, and the file and its directory are flushed
   * to disk before the write returns.
   *
   * @param replace whether an existing file may be replaced (it keeps its permissions); without, an
   *     existing file is never overwritten ({@link java.nio.file.FileAlreadyExistsException})
   */
  public static void writeAtomically(Path path, String content, boolean replace)
      throws IOException {
    AtomicFileWriter.DEFAULT.write(
        path,
        content.getBytes(StandardCharsets.UTF_8),
        replace ? AtomicFileWriter.Mode.REPLACE : AtomicFileWriter.Mode.CREATE_NEW,
        true);
  }

  /** Replaces the key material of {@code fake-kms://} URIs (which embed their key) in a text. */
  public static String redact(String text) {
    if (text == null) {
      return null;
    }
    StringBuilder out = new StringBuilder(text.length());
    int i = 0;
    String lower = text.toLowerCase(Locale.ROOT);
    while (true) {
      int at = lower.indexOf(FAKE_KMS_PREFIX, i);
      if (at < 0) {
        out.append(text, i, text.length());
        return out.toString();
      }
      out.append(text, i, at).append(FAKE_KMS_PREFIX).append(REDACTED);
      int end = at + FAKE_KMS_PREFIX.length();
      if (text.startsWith(REDACTED, end)) {
        end += REDACTED.length(); // already redacted
      }
      while (end < text.length() && isBase64Url(text.charAt(end))) {
        end++;
      }
      i = end;
    }
  }

  private static boolean isBase64Url(char c) {
    return (c >= 'A' && c <= 'Z')
        || (c >= 'a' && c <= 'z')
        || (c >= '0' && c <= '9')
        || c == '-'
        || c == '_'
        || c == '=';
  }

  private static String readString(Path path) {
    try {
      return Files.readString(path, StandardCharsets.UTF_8);
    } catch (NoSuchFileException e) {
      throw new KeysetLoadException("Keyset file " + path + " does not exist.", e);
    } catch (IOException e) {
      throw new KeysetLoadException(
          "Keyset file " + path + " cannot be read (" + e.getClass().getSimpleName() + ").", e);
    }
  }

  private static boolean isTransient(Throwable t) {
    for (Throwable c = t; c != null; c = c.getCause()) {
      if (c instanceof IOException) {
        return true;
      }
    }
    return false;
  }

  /** Delegates to the KMS AEAD and remembers whether its decrypt failed or succeeded. */
  private static final class RecordingAead implements Aead {
    private final Aead delegate;
    private volatile Throwable decryptFailure;
    private volatile boolean decrypted;

    RecordingAead(Aead delegate) {
      this.delegate = delegate;
    }

    @Override
    public byte[] encrypt(byte[] plaintext, byte[] associatedData) throws GeneralSecurityException {
      return delegate.encrypt(plaintext, associatedData);
    }

    @Override
    public byte[] decrypt(byte[] ciphertext, byte[] associatedData)
        throws GeneralSecurityException {
      try {
        byte[] result = delegate.decrypt(ciphertext, associatedData);
        decrypted = true;
        return result;
      } catch (GeneralSecurityException | RuntimeException e) {
        decryptFailure = e;
        throw e;
      }
    }
  }
}
