package dev.nexussecurity.core.keys;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.catchThrowable;

import com.google.crypto.tink.Aead;
import com.google.crypto.tink.InsecureSecretKeyAccess;
import com.google.crypto.tink.KeysetHandle;
import com.google.crypto.tink.KmsClient;
import com.google.crypto.tink.TinkJsonProtoKeysetFormat;
import com.google.crypto.tink.aead.AeadConfig2026;
import io.temporal.payload.codec.PayloadCodecException;
import java.io.IOException;
import java.net.ConnectException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class KeysetSourceTest {
  @TempDir Path dir;

  private final KeysetHandle keyset = aes256Gcm();
  private final TestKmsClient kms = new TestKmsClient();

  private String cleartextJson(KeysetHandle h) throws GeneralSecurityException {
    return TinkJsonProtoKeysetFormat.serializeKeyset(
        h, AeadConfig2026.get(), InsecureSecretKeyAccess.get());
  }

  private String keyValue(KeysetHandle h) throws GeneralSecurityException {
    return cleartextJson(h).replaceAll("(?s).*\"value\":\"([^\"]+)\".*", "$1");
  }

  private Path encryptedFile(String kekUri, byte[] ad) throws Exception {
    Path f = dir.resolve("encrypted.json");
    Files.writeString(
        f,
        TinkJsonProtoKeysetFormat.serializeEncryptedKeyset(
            keyset, kms.getAead(kekUri), ad, AeadConfig2026.get()));
    return f;
  }

  private static KeysetHandle aes256Gcm() {
    try {
      return KeysetHandle.generateNew(
          com.google.crypto.tink.aead.PredefinedAeadParameters.AES256_GCM, AeadConfig2026.get());
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException(e);
    }
  }

  private KeysetHandle build(KeysetSource source) {
    return source.load(KeysetKind.PAYLOAD_AEAD);
  }

  private void assertInteroperatesWithKeyset(KeysetHandle loaded) {
    assertThat(loaded.equalsKeyset(keyset)).as("the loaded keyset equals the written one").isTrue();
  }

  @Test
  void insecureCleartextJson_loadsTheKeyset() throws Exception {
    Path f = dir.resolve("keyset.json");
    Files.writeString(f, cleartextJson(keyset));
    assertInteroperatesWithKeyset(build(KeysetSource.insecureCleartextJson(f)));
  }

  @Test
  void insecureCleartextJson_missingFile_failsNamingIt() {
    Path f = dir.resolve("nope.json");
    assertThatThrownBy(() -> build(KeysetSource.insecureCleartextJson(f)))
        .isInstanceOf(KeysetLoadException.class)
        .hasMessageContaining(f.toString())
        .hasMessageContaining("does not exist");
  }

  @Test
  void insecureCleartextJson_malformedFile_failsNamingIt() throws Exception {
    Path f = dir.resolve("bad.json");
    Files.writeString(f, "{\"primaryKeyId\": 1, \"key\": []}");
    assertThatThrownBy(() -> build(KeysetSource.insecureCleartextJson(f)))
        .isInstanceOf(KeysetLoadException.class)
        .hasMessageContaining(f.toString())
        .hasMessageContaining("not a valid Tink JSON payload AEAD keyset");
    assertThat(f).hasContent("{\"primaryKeyId\": 1, \"key\": []}");
  }

  @Test
  void insecureCleartextJson_givenAnEncryptedFile_saysSo() throws Exception {
    Path f = encryptedFile(TestKmsClient.newKeyUri(), new byte[0]);
    assertThatThrownBy(() -> build(KeysetSource.insecureCleartextJson(f)))
        .isInstanceOf(KeysetLoadException.class)
        .hasMessageContaining("kmsEncryptedJson");
  }

  @Test
  void kmsEncryptedJson_loadsWithTheFakeKms_andTheFileHoldsNoKeyMaterial() throws Exception {
    String kek = TestKmsClient.newKeyUri();
    Path f = encryptedFile(kek, new byte[0]);
    assertThat(Files.readString(f)).doesNotContain(keyValue(keyset));
    assertInteroperatesWithKeyset(build(KeysetSource.kmsEncryptedJson(f, kms, kek)));
  }

  @Test
  void kmsEncryptedJson_withAssociatedData_needsTheSameAssociatedData() throws Exception {
    String kek = TestKmsClient.newKeyUri();
    byte[] ad = "orders-keyset".getBytes(StandardCharsets.UTF_8);
    Path f = encryptedFile(kek, ad);
    assertInteroperatesWithKeyset(build(KeysetSource.kmsEncryptedJson(f, kms, kek, ad)));
    assertThatThrownBy(() -> build(KeysetSource.kmsEncryptedJson(f, kms, kek)))
        .isInstanceOf(KeysetLoadException.class)
        .hasMessageContaining("associated data");
  }

  @Test
  void kmsEncryptedJson_withTheWrongKmsKey_failsClearlyWithoutLeakingEitherKey() throws Exception {
    String rightKek = TestKmsClient.newKeyUri();
    String wrongKek = TestKmsClient.newKeyUri();
    Path f = encryptedFile(rightKek, new byte[0]);
    String before = Files.readString(f);
    Throwable e = catchThrowable(() -> build(KeysetSource.kmsEncryptedJson(f, kms, wrongKek)));
    assertThat(e)
        .isInstanceOf(KeysetLoadException.class)
        .hasMessageContaining(f.toString())
        .hasMessageContaining("encrypted under another KMS key")
        .hasMessageContaining("fake-kms://<redacted>");
    StringBuilder chain = new StringBuilder();
    for (Throwable t = e; t != null; t = t.getCause()) {
      chain.append(t).append('\n');
    }
    assertThat(chain.toString())
        .doesNotContain(rightKek.substring(11))
        .doesNotContain(wrongKek.substring(11))
        .doesNotContain(keyValue(keyset));
    assertThat(Files.readString(f)).isEqualTo(before);
  }

  @Test
  void kmsEncryptedJson_givenACleartextFile_failsClearly() throws Exception {
    Path f = dir.resolve("clear.json");
    Files.writeString(f, cleartextJson(keyset));
    assertThatThrownBy(
            () -> build(KeysetSource.kmsEncryptedJson(f, kms, TestKmsClient.newKeyUri())))
        .isInstanceOf(KeysetLoadException.class)
        .hasMessageContaining("not a valid KMS-encrypted Tink JSON payload AEAD keyset");
  }

  /** A KMS client whose KMS cannot be reached. */
  private static final class UnreachableKms implements KmsClient {
    @Override
    public boolean doesSupport(String keyUri) {
      return keyUri.startsWith("aws-kms://");
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
      throw new GeneralSecurityException("connect timed out", new ConnectException("timed out"));
    }
  }

  @Test
  void kmsUnreachable_isATransientPayloadCodecException() throws Exception {
    Path f = encryptedFile(TestKmsClient.newKeyUri(), new byte[0]);
    String uri = "aws-kms://arn:aws:kms:eu-west-1:111122223333:key/abcd";
    assertThatThrownBy(() -> build(KeysetSource.kmsEncryptedJson(f, new UnreachableKms(), uri)))
        .isInstanceOf(PayloadCodecException.class)
        .isNotInstanceOf(KeysetLoadException.class)
        .hasMessageContaining(uri)
        .hasMessageContaining("unreachable");
  }

  @Test
  void kmsDecryptFailingWithAnIoError_isATransientPayloadCodecException() throws Exception {
    String kek = TestKmsClient.newKeyUri();
    Path f = encryptedFile(kek, new byte[0]);
    KmsClient flaky =
        new KmsClient() {
          @Override
          public boolean doesSupport(String keyUri) {
            return true;
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
          public Aead getAead(String keyUri) {
            return new Aead() {
              @Override
              public byte[] encrypt(byte[] plaintext, byte[] associatedData) {
                throw new UnsupportedOperationException();
              }

              @Override
              public byte[] decrypt(byte[] ciphertext, byte[] associatedData)
                  throws GeneralSecurityException {
                throw new GeneralSecurityException("decryption failed", new IOException("reset"));
              }
            };
          }
        };
    assertThatThrownBy(() -> build(KeysetSource.kmsEncryptedJson(f, flaky, kek)))
        .isInstanceOf(PayloadCodecException.class)
        .hasMessageContaining("could not be reached")
        .hasMessageContaining("retry later");
  }

  @Test
  void kmsEncryptedJson_withUnsupportedUri_failsClearly() throws Exception {
    Path f = encryptedFile(TestKmsClient.newKeyUri(), new byte[0]);
    assertThatThrownBy(() -> build(KeysetSource.kmsEncryptedJson(f, kms, "gcp-kms://projects/p")))
        .isInstanceOf(KeysetLoadException.class)
        .hasMessageContaining("does not support key URI gcp-kms://projects/p");
  }

  @Test
  void kmsEncryptedJson_validatesArguments() {
    Path f = dir.resolve("x");
    assertThatThrownBy(() -> KeysetSource.kmsEncryptedJson(f, kms, " "))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("keyEncryptionKeyUri");
    assertThatThrownBy(() -> KeysetSource.kmsEncryptedJson(f, null, "fake-kms://x"))
        .hasMessageContaining("kmsClient");
    assertThatThrownBy(() -> KeysetSource.kmsEncryptedJson(null, kms, "fake-kms://x"))
        .hasMessageContaining("path");
  }

  @Test
  void fromKeysetHandle_usesTheHandle() {
    assertInteroperatesWithKeyset(build(KeysetSource.fromKeysetHandle(keyset)));
    assertThatThrownBy(() -> KeysetSource.fromKeysetHandle(null)).hasMessageContaining("handle");
  }

  @Test
  void toString_namesTheSourceButNeverTheFakeKmsKey() throws Exception {
    String kek = TestKmsClient.newKeyUri();
    String s = KeysetSource.kmsEncryptedJson(dir.resolve("k.json"), kms, kek).toString();
    assertThat(s).contains("k.json", "fake-kms://<redacted>").doesNotContain(kek.substring(11));
    assertThat(KeysetSource.insecureCleartextJson(dir.resolve("c.json")).toString())
        .contains("cleartext", "c.json");
  }

  @Test
  void load_checksTheKindOfEveryKey_andNamesWhatWasFound() throws Exception {
    Path f = dir.resolve("keyset.json");
    Files.writeString(f, cleartextJson(keyset));
    KeysetSource source = KeysetSource.insecureCleartextJson(f);
    assertThatThrownBy(() -> source.load(KeysetKind.SIGNING))
        .isInstanceOf(KeysetLoadException.class)
        .hasMessageContaining(f.toString())
        .hasMessageContaining("not a private signature key")
        .hasMessageContaining("KeysetKind.SIGNING");
    assertThatThrownBy(() -> source.load(KeysetKind.MAC))
        .isInstanceOf(KeysetLoadException.class)
        .hasMessageContaining("not a MAC key");
    assertThatThrownBy(() -> source.load(KeysetKind.KEY_AGREEMENT))
        .isInstanceOf(KeysetLoadException.class)
        .hasMessageContaining("HPKE");
    assertThatThrownBy(() -> KeysetSource.fromKeysetHandle(keyset).load(KeysetKind.SIGNING))
        .isInstanceOf(KeysetLoadException.class)
        .hasMessageContaining("given by code");
  }

  @Test
  void load_signingMacAndAgreementKeysets_fromCleartextAndKms() throws Exception {
    KeysetHandle signing =
        KeysetHandle.generateNew(
            com.google.crypto.tink.signature.PredefinedSignatureParameters.ED25519,
            com.google.crypto.tink.signature.SignatureConfig2026.get());
    KeysetHandle mac =
        KeysetHandle.generateNew(
            com.google.crypto.tink.mac.PredefinedMacParameters.HMAC_SHA256_256BITTAG,
            com.google.crypto.tink.mac.MacConfig2026.get());
    KeysetHandle agreement = NamespaceKeys.generate("orders", false).getAgreementKeys();
    String kek = TestKmsClient.newKeyUri();
    int n = 0;
    for (var c :
        java.util.Map.of(
                KeysetKind.SIGNING,
                signing,
                KeysetKind.MAC,
                mac,
                KeysetKind.KEY_AGREEMENT,
                agreement)
            .entrySet()) {
      Path clear = dir.resolve("clear" + n + ".json");
      Files.writeString(
          clear,
          TinkJsonProtoKeysetFormat.serializeKeyset(
              c.getValue(),
              com.google.crypto.tink.config.TinkConfig2026.get(),
              InsecureSecretKeyAccess.get()));
      Path wrapped = dir.resolve("wrapped" + n++ + ".json");
      Files.writeString(
          wrapped,
          TinkJsonProtoKeysetFormat.serializeEncryptedKeyset(
              c.getValue(),
              kms.getAead(kek),
              new byte[0],
              com.google.crypto.tink.config.TinkConfig2026.get()));
      assertThat(
              KeysetSource.insecureCleartextJson(clear).load(c.getKey()).equalsKeyset(c.getValue()))
          .isTrue();
      assertThat(
              KeysetSource.kmsEncryptedJson(wrapped, kms, kek)
                  .load(c.getKey())
                  .equalsKeyset(c.getValue()))
          .isTrue();
      assertThatThrownBy(
              () -> KeysetSource.insecureCleartextJson(clear).load(KeysetKind.PAYLOAD_AEAD))
          .isInstanceOf(KeysetLoadException.class)
          .hasMessageContaining("not an AEAD key");
    }
  }
}
