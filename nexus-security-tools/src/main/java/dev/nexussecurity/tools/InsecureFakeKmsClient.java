package dev.nexussecurity.tools;

import com.google.crypto.tink.Aead;
import com.google.crypto.tink.InsecureSecretKeyAccess;
import com.google.crypto.tink.KeysetHandle;
import com.google.crypto.tink.KmsClient;
import com.google.crypto.tink.TinkProtoKeysetFormat;
import com.google.crypto.tink.aead.AeadConfig2026;
import com.google.crypto.tink.aead.PredefinedAeadParameters;
import java.security.GeneralSecurityException;
import java.util.Base64;
import java.util.Locale;

/**
 * A local Tink {@link KmsClient} for tests and local development whose "KMS key" travels inside its
 * URI: {@code fake-kms://} followed by the unpadded base64url encoding of a binary Tink AEAD keyset
 * (the same URI format as Tink's and Tinkey's fake KMS). It really encrypts, with that keyset, but
 * it is <b>not a KMS</b>: anyone who has the URI can decrypt, so never use it for production
 * keysets.
 *
 * <pre>{@code
 * String kekUri = InsecureFakeKmsClient.newKeyUri();
 * KeysetSource source =
 *     KeysetSource.kmsEncryptedJson(path, new InsecureFakeKmsClient(), kekUri);
 * }</pre>
 */
public final class InsecureFakeKmsClient implements KmsClient {
  /** The URI prefix this client supports. */
  public static final String PREFIX = "fake-kms://";

  /** Creates a client that supports every {@code fake-kms://} URI. */
  public InsecureFakeKmsClient() {}

  /**
   * Returns a new {@code fake-kms://} URI holding a fresh AES256_GCM key. The URI is the secret.
   */
  public static String newKeyUri() throws GeneralSecurityException {
    KeysetHandle handle =
        KeysetHandle.generateNew(PredefinedAeadParameters.AES256_GCM, AeadConfig2026.get());
    byte[] keyset =
        TinkProtoKeysetFormat.serializeKeyset(
            handle, InsecureSecretKeyAccess.get(), AeadConfig2026.get());
    return PREFIX + Base64.getUrlEncoder().withoutPadding().encodeToString(keyset);
  }

  @Override
  public boolean doesSupport(String keyUri) {
    return keyUri != null && keyUri.toLowerCase(Locale.ROOT).startsWith(PREFIX);
  }

  /** Returns this client; a fake KMS has no credentials. */
  @Override
  public KmsClient withCredentials(String credentialPath) {
    return this;
  }

  /** Returns this client; a fake KMS has no credentials. */
  @Override
  public KmsClient withDefaultCredentials() {
    return this;
  }

  /**
   * The AEAD of the keyset inside {@code keyUri}.
   *
   * @throws GeneralSecurityException if the URI is not a {@code fake-kms://} URI holding an AEAD
   *     keyset (the message never repeats the URI)
   */
  @Override
  public Aead getAead(String keyUri) throws GeneralSecurityException {
    if (!doesSupport(keyUri)) {
      throw new GeneralSecurityException("key URI must start with " + PREFIX);
    }
    byte[] keyset;
    try {
      keyset = Base64.getUrlDecoder().decode(keyUri.substring(PREFIX.length()));
    } catch (IllegalArgumentException e) {
      throw new GeneralSecurityException("the fake-kms:// key URI is not valid base64url");
    }
    KeysetHandle handle =
        TinkProtoKeysetFormat.parseKeyset(
            keyset, InsecureSecretKeyAccess.get(), AeadConfig2026.get());
    return handle.getPrimitive(AeadConfig2026.get(), Aead.class);
  }

  @Override
  public String toString() {
    return "InsecureFakeKmsClient";
  }
}
