package dev.nexussecurity.core.keys;

import com.google.crypto.tink.Aead;
import com.google.crypto.tink.InsecureSecretKeyAccess;
import com.google.crypto.tink.KeysetHandle;
import com.google.crypto.tink.KmsClient;
import com.google.crypto.tink.TinkProtoKeysetFormat;
import com.google.crypto.tink.aead.AeadConfig2026;
import com.google.crypto.tink.aead.PredefinedAeadParameters;
import java.security.GeneralSecurityException;
import java.util.Base64;

/**
 * A test KMS whose key travels in its {@code fake-kms://} URI (the format of Tink's fake KMS and of
 * nexus-security-tools' InsecureFakeKmsClient, which core's tests cannot depend on).
 */
final class TestKmsClient implements KmsClient {
  static final String PREFIX = "fake-kms://";

  static String newKeyUri() throws GeneralSecurityException {
    KeysetHandle handle =
        KeysetHandle.generateNew(PredefinedAeadParameters.AES256_GCM, AeadConfig2026.get());
    return PREFIX
        + Base64.getUrlEncoder()
            .withoutPadding()
            .encodeToString(
                TinkProtoKeysetFormat.serializeKeyset(
                    handle, InsecureSecretKeyAccess.get(), AeadConfig2026.get()));
  }

  @Override
  public boolean doesSupport(String keyUri) {
    return keyUri != null && keyUri.startsWith(PREFIX);
  }

  @Override
  public KmsClient withCredentials(String credentialPath) {
    return this;
  }

  @Override
  public KmsClient withDefaultCredentials() {
    return this;
  }

  @Override
  public Aead getAead(String keyUri) throws GeneralSecurityException {
    byte[] keyset = Base64.getUrlDecoder().decode(keyUri.substring(PREFIX.length()));
    return TinkProtoKeysetFormat.parseKeyset(
            keyset, InsecureSecretKeyAccess.get(), AeadConfig2026.get())
        .getPrimitive(AeadConfig2026.get(), Aead.class);
  }
}
