package dev.nexussecurity.codec.tink.internal;

import com.google.crypto.tink.Aead;
import com.google.crypto.tink.InsecureSecretKeyAccess;
import com.google.crypto.tink.KeysetHandle;
import com.google.crypto.tink.KmsClient;
import com.google.crypto.tink.TinkJsonProtoKeysetFormat;
import com.google.crypto.tink.aead.AeadConfig2026;
import dev.nexussecurity.api.internal.AtomicFileWriter;
import dev.nexussecurity.codec.tink.KeysetLoadException;
import io.temporal.payload.codec.PayloadCodecException;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.util.Locale;

/**
 * Reads and writes Tink JSON keyset files, cleartext or encrypted under a KMS key, with Tink's AEAD
 * configuration (no global registry). Writes are atomic: a file is either fully replaced or
 * untouched. Messages name files and (redacted) key URIs, never key material.
 */
public final class KeysetFiles {
  private static final String FAKE_KMS_PREFIX = "fake-kms://";

  private KeysetFiles() {}

  /** Parses a cleartext JSON keyset file. */
  public static KeysetHandle readCleartext(Path path) {
    String json = readString(path);
    try {
      return TinkJsonProtoKeysetFormat.parseKeyset(
          json, AeadConfig2026.get(), InsecureSecretKeyAccess.get());
    } catch (GeneralSecurityException | RuntimeException e) {
      throw new KeysetLoadException(
          "Cleartext keyset file "
              + path
              + " is not a valid Tink JSON AEAD keyset"
              + (json.contains("encryptedKeyset")
                  ? " (it looks encrypted: load it with KeysetSource.kmsEncryptedJson)"
                  : "")
              + "; create one with KeysetTool or Tinkey.",
          e);
    }
  }

  /**
   * Parses a JSON keyset file encrypted under the KMS key {@code kekUri}.
   *
   * @throws PayloadCodecException if the KMS could not be reached (retrying may succeed)
   * @throws KeysetLoadException if the file is malformed or was not encrypted under that key and
   *     associated data
   */
  public static KeysetHandle readEncrypted(
      Path path, KmsClient kmsClient, String kekUri, byte[] associatedData) {
    String json = readString(path);
    Aead kek = kmsAead(kmsClient, kekUri);
    RecordingAead recording = new RecordingAead(kek);
    try {
      return TinkJsonProtoKeysetFormat.parseEncryptedKeyset(
          json, recording, associatedData, AeadConfig2026.get());
    } catch (GeneralSecurityException | RuntimeException e) {
      if (recording.decryptFailure != null && isTransient(recording.decryptFailure)) {
        throw new PayloadCodecException(
            "The KMS could not decrypt keyset file "
                + path
                + " with key "
                + redact(kekUri)
                + " because it could not be reached ("
                + redact(String.valueOf(recording.decryptFailure.getMessage()))
                + "); retry later.",
            recording.decryptFailure);
      }
      if (recording.decryptFailure != null) {
        throw new KeysetLoadException(
            "Keyset file "
                + path
                + " could not be decrypted with KMS key "
                + redact(kekUri)
                + ": it was encrypted under another KMS key or with other associated data, or it was"
                + " altered. Use the key URI and associated data the keyset was wrapped with.",
            e);
      }
      throw new KeysetLoadException(
          "Keyset file "
              + path
              + " is not a valid KMS-encrypted Tink JSON AEAD keyset"
              + (recording.decrypted
                  ? " (it decrypted, but its contents are not an AEAD keyset)"
                  : "")
              + "; wrap a keyset with KeysetTool wrap or Tinkey convert-keyset.",
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
          handle, AeadConfig2026.get(), InsecureSecretKeyAccess.get());
    } catch (GeneralSecurityException e) {
      throw new KeysetLoadException("The keyset cannot be serialized: " + e.getMessage(), e);
    }
  }

  /** Serializes {@code handle} encrypted under {@code kek}. */
  public static String toEncryptedJson(KeysetHandle handle, Aead kek, byte[] associatedData) {
    try {
      return TinkJsonProtoKeysetFormat.serializeEncryptedKeyset(
          handle, kek, associatedData, AeadConfig2026.get());
    } catch (GeneralSecurityException e) {
      throw new PayloadCodecException(
          "Encrypting the keyset with the KMS failed ("
              + redact(String.valueOf(e.getMessage()))
              + ")",
          e);
    }
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
      out.append(text, i, at).append(FAKE_KMS_PREFIX).append("<redacted>");
      int end = at + FAKE_KMS_PREFIX.length();
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
