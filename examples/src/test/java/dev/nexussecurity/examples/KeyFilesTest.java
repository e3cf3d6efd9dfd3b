package dev.nexussecurity.examples;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.google.crypto.tink.InsecureSecretKeyAccess;
import com.google.crypto.tink.KeysetHandle;
import com.google.crypto.tink.TinkJsonProtoKeysetFormat;
import com.google.crypto.tink.aead.AeadConfig2026;
import com.google.crypto.tink.signature.SignatureConfig2026;
import com.google.crypto.tink.signature.SignaturePrivateKey;
import dev.nexussecurity.core.TrustStoreException;
import dev.nexussecurity.core.keys.KeysetLoadException;
import dev.nexussecurity.tools.InsecureFakeKmsClient;
import io.temporal.api.common.v1.Payload;
import io.temporal.common.converter.DataConverter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class KeyFilesTest {
  @TempDir Path dir;
  private DevKeys keys;

  @BeforeEach
  void generateKeys() {
    keys = DevKeys.generate(dir.resolve("keys"), "payments", List.of("orders"), "payments");
  }

  @Test
  void loadSigningKeyset_cleartext_returnsTheNamespacesPrivateKeyset() {
    KeysetHandle handle = KeyFiles.loadSigningKeyset(DevKeysTest.callerSettings(keys, "orders"));

    assertThat(handle.getPrimary().getKey()).isInstanceOf(SignaturePrivateKey.class);
  }

  @Test
  void loadSigningKeyset_ofAPayloadKeyset_isRejectedNamingTheFileButNoKeyMaterial()
      throws Exception {
    WorkerSettings settings =
        DevKeysTest.callerSettings(keys, "orders").toBuilder()
            .setSigningKeysetFile(keys.getPayloadKeysetFile())
            .build();
    String secret = keyValueOf(keys.getPayloadKeysetFile());

    assertThatThrownBy(() -> KeyFiles.loadSigningKeyset(settings))
        .isInstanceOf(KeysetLoadException.class)
        .hasMessageContaining(keys.getPayloadKeysetFile().toString())
        .hasMessageContaining("private signature keyset")
        .satisfies(e -> assertThat(e.getMessage()).doesNotContain(secret));
  }

  @Test
  void loadSigningKeyset_ofAPublicKeyset_isRejected() throws Exception {
    KeysetHandle privateKeyset =
        KeyFiles.loadSigningKeyset(DevKeysTest.callerSettings(keys, "orders"));
    Path publicFile = dir.resolve("orders-public.json");
    Files.writeString(
        publicFile,
        TinkJsonProtoKeysetFormat.serializeKeysetWithoutSecret(
            privateKeyset.getPublicKeysetHandle(), SignatureConfig2026.get()));
    WorkerSettings settings =
        DevKeysTest.callerSettings(keys, "orders").toBuilder()
            .setSigningKeysetFile(publicFile)
            .build();

    assertThatThrownBy(() -> KeyFiles.loadSigningKeyset(settings))
        .isInstanceOf(KeysetLoadException.class)
        .hasMessageContaining(publicFile.toString())
        .hasMessageContaining("PublicKey");
  }

  @Test
  void loadSigningKeyset_malformedOrMissingFile_isRejectedNamingTheFile() throws Exception {
    Path malformed = dir.resolve("malformed.json");
    Files.writeString(malformed, "{\"primaryKeyId\": 1, \"key\": [");
    Path missing = dir.resolve("missing.json");

    assertThatThrownBy(
            () ->
                KeyFiles.loadSigningKeyset(
                    DevKeysTest.callerSettings(keys, "orders").toBuilder()
                        .setSigningKeysetFile(malformed)
                        .build()))
        .isInstanceOf(KeysetLoadException.class)
        .hasMessageContaining(malformed.toString())
        .hasMessageContaining("cleartext Tink JSON keyset");
    assertThatThrownBy(
            () ->
                KeyFiles.loadSigningKeyset(
                    DevKeysTest.callerSettings(keys, "orders").toBuilder()
                        .setSigningKeysetFile(missing)
                        .build()))
        .isInstanceOf(KeysetLoadException.class)
        .hasMessageContaining("Cannot read keyset file " + missing)
        .hasMessageContaining("NoSuchFileException");
  }

  @Test
  void loadSigningKeyset_withoutASigningKeysetFile_namesTheNamespace() {
    assertThatThrownBy(() -> KeyFiles.loadSigningKeyset(DevKeysTest.handlerSettings(keys)))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("namespace 'payments' has no signing keyset file");
  }

  @Test
  void kmsEncryptedKeysets_loadWithTheKmsKey_andNotWithAnother() throws Exception {
    InsecureFakeKmsClient kms = new InsecureFakeKmsClient();
    String keyUri = InsecureFakeKmsClient.newKeyUri();
    Path signing = dir.resolve("orders-signing.encrypted.json");
    Path payload = dir.resolve("payments-payload.encrypted.json");
    KeysetHandle signingKeyset =
        KeyFiles.loadSigningKeyset(DevKeysTest.callerSettings(keys, "orders"));
    Files.writeString(
        signing,
        TinkJsonProtoKeysetFormat.serializeEncryptedKeyset(
            signingKeyset, kms.getAead(keyUri), new byte[0], SignatureConfig2026.get()));
    Files.writeString(
        payload,
        TinkJsonProtoKeysetFormat.serializeEncryptedKeyset(
            DevKeysTest.readAead(keys.getPayloadKeysetFile()),
            kms.getAead(keyUri),
            new byte[0],
            AeadConfig2026.get()));
    WorkerSettings encrypted =
        WorkerSettings.newBuilder()
            .setNamespace("orders")
            .setTaskQueue("checkout")
            .setSigningKeysetFile(signing)
            .setPayloadKeysetFile(payload)
            .setKms(kms, keyUri)
            .build();

    assertThat(KeyFiles.loadSigningKeyset(encrypted).getPrimary().getId())
        .isEqualTo(signingKeyset.getPrimary().getId());
    DataConverter fromKms = WorkerBootstrap.newDataConverter(encrypted);
    DataConverter fromCleartext =
        WorkerBootstrap.newDataConverter(DevKeysTest.callerSettings(keys, "orders"));
    Payload p = fromKms.toPayload("hello").orElseThrow();
    assertThat(fromCleartext.fromPayload(p, String.class, String.class)).isEqualTo("hello");

    WorkerSettings otherKey =
        encrypted.toBuilder().setKms(kms, InsecureFakeKmsClient.newKeyUri()).build();
    assertThatThrownBy(() -> KeyFiles.loadSigningKeyset(otherKey))
        .isInstanceOf(KeysetLoadException.class)
        .hasMessageContaining(signing.toString())
        .hasMessageContaining("encrypted under the configured KMS key");
    WorkerSettings cleartextReadAsEncrypted =
        encrypted.toBuilder().setSigningKeysetFile(keys.getSigningKeysetFile("orders")).build();
    assertThatThrownBy(() -> KeyFiles.loadSigningKeyset(cleartextReadAsEncrypted))
        .isInstanceOf(KeysetLoadException.class);
  }

  @Test
  void loadTrustStore_withoutAFile_trustsNobody() {
    assertThat(KeyFiles.loadTrustStore(DevKeysTest.callerSettings(keys, "orders")).getNamespaces())
        .isEmpty();
  }

  @Test
  void loadTrustStore_holdingAPrivateKeyset_isRejected() throws Exception {
    Path trust = dir.resolve("bad-trust-store.json");
    Files.writeString(
        trust,
        "{\"schemaVersion\": 1, \"namespaces\": {\"orders\": "
            + Files.readString(keys.getSigningKeysetFile("orders"))
            + "}}");
    WorkerSettings settings =
        DevKeysTest.handlerSettings(keys).toBuilder().setTrustStoreFile(trust).build();

    assertThatThrownBy(() -> KeyFiles.loadTrustStore(settings))
        .isInstanceOf(TrustStoreException.class)
        .hasMessageContaining("'orders'")
        .hasMessageContaining("private or symmetric keys are refused");
  }

  /** The base64 key value of the first key in a cleartext keyset file. */
  private static String keyValueOf(Path keysetFile) throws Exception {
    String json = Files.readString(keysetFile);
    int i = json.indexOf("\"value\"");
    int start = json.indexOf('"', json.indexOf(':', i) + 1) + 1;
    String value = json.substring(start, json.indexOf('"', start));
    assertThat(value).hasSizeGreaterThan(20);
    // sanity: it really is the secret that parses as this keyset
    TinkJsonProtoKeysetFormat.parseKeyset(
        json, AeadConfig2026.get(), InsecureSecretKeyAccess.get());
    return value;
  }
}
