package dev.nexussecurity.core.keys;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.catchThrowable;

import com.google.crypto.tink.InsecureSecretKeyAccess;
import com.google.crypto.tink.KeysetHandle;
import com.google.crypto.tink.TinkJsonProtoKeysetFormat;
import com.google.crypto.tink.aead.AeadConfig2026;
import com.google.crypto.tink.aead.PredefinedAeadParameters;
import com.google.crypto.tink.hybrid.HybridConfig2026;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermission;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class NamespaceKeysTest {
  @TempDir Path dir;

  private final TestKmsClient kms = new TestKmsClient();
  private final NamespaceKeys orders = NamespaceKeys.generate("orders", true);

  private static String secretOf(KeysetHandle privateKeyset) throws Exception {
    String json =
        TinkJsonProtoKeysetFormat.serializeKeyset(
            privateKeyset, HybridConfig2026.get(), InsecureSecretKeyAccess.get());
    Matcher m = Pattern.compile("\"value\":\"([^\"]+)\"").matcher(json);
    assertThat(m.find()).isTrue();
    return m.group(1);
  }

  private static void assertSameKeys(NamespaceKeys a, NamespaceKeys b) {
    assertThat(a.getNamespace()).isEqualTo(b.getNamespace());
    assertThat(a.getAgreementKeys().equalsKeyset(b.getAgreementKeys())).isTrue();
    assertThat(a.getSignatureKeys().isPresent()).isEqualTo(b.getSignatureKeys().isPresent());
    a.getSignatureKeys()
        .ifPresent(s -> assertThat(s.equalsKeyset(b.getSignatureKeys().get())).isTrue());
  }

  @Test
  void saveAndLoad_insecureCleartext_roundTrips_ownerReadableOnly() throws Exception {
    Path f = dir.resolve("orders.keys.json");
    orders.save(KeysetSource.insecureCleartextJson(f));

    assertSameKeys(NamespaceKeys.load(KeysetSource.insecureCleartextJson(f)), orders);
    assertThat(Files.readString(f))
        .contains(
            "\"schemaVersion\": 1", "\"namespace\": \"orders\"", "\"protection\": \"cleartext\"");
    assertThat(Files.getPosixFilePermissions(f))
        .containsExactlyInAnyOrder(PosixFilePermission.OWNER_READ, PosixFilePermission.OWNER_WRITE);
  }

  @Test
  void saveAndLoad_kmsEncrypted_roundTrips_andTheFileHoldsNoKeyMaterial() throws Exception {
    String kek = TestKmsClient.newKeyUri();
    Path f = dir.resolve("orders.keys.json");
    orders.save(KeysetSource.kmsEncryptedJson(f, kms, kek));

    String text = Files.readString(f);
    assertThat(text).contains("\"protection\": \"kms\"", "encryptedKeyset");
    assertThat(text).doesNotContain(secretOf(orders.getAgreementKeys()));
    assertSameKeys(NamespaceKeys.load(KeysetSource.kmsEncryptedJson(f, kms, kek)), orders);
  }

  @Test
  void load_withoutSignatureKeys_hasNone() {
    Path f = dir.resolve("k.json");
    NamespaceKeys keys = NamespaceKeys.generate("payments", false);
    keys.save(KeysetSource.insecureCleartextJson(f));
    assertThat(NamespaceKeys.load(KeysetSource.insecureCleartextJson(f)).getSignatureKeys())
        .isEmpty();
  }

  @Test
  void load_kmsFileAsCleartext_isRefusedNamingTheLoaderToUse() throws Exception {
    Path f = dir.resolve("k.json");
    orders.save(KeysetSource.kmsEncryptedJson(f, kms, TestKmsClient.newKeyUri()));
    assertThatThrownBy(() -> NamespaceKeys.load(KeysetSource.insecureCleartextJson(f)))
        .isInstanceOf(KeysetLoadException.class)
        .hasMessageContaining(f.toString())
        .hasMessageContaining("KeysetSource.kmsEncryptedJson");
  }

  @Test
  void load_cleartextFileWithAKmsSource_isRefused() throws Exception {
    Path f = dir.resolve("k.json");
    orders.save(KeysetSource.insecureCleartextJson(f));
    assertThatThrownBy(
            () ->
                NamespaceKeys.load(
                    KeysetSource.kmsEncryptedJson(f, kms, TestKmsClient.newKeyUri())))
        .isInstanceOf(KeysetLoadException.class)
        .hasMessageContaining("in cleartext")
        .hasMessageContaining("fake-kms://<redacted>");
  }

  @Test
  void load_withTheWrongKmsKey_failsWithoutLeakingKeys() throws Exception {
    String right = TestKmsClient.newKeyUri();
    String wrong = TestKmsClient.newKeyUri();
    Path f = dir.resolve("k.json");
    orders.save(KeysetSource.kmsEncryptedJson(f, kms, right));

    Throwable e =
        catchThrowable(() -> NamespaceKeys.load(KeysetSource.kmsEncryptedJson(f, kms, wrong)));

    assertThat(e)
        .isInstanceOf(KeysetLoadException.class)
        .hasMessageContaining("agreementKeys")
        .hasMessageContaining(f.toString())
        .hasMessageContaining("encrypted under another KMS key");
    StringBuilder chain = new StringBuilder();
    for (Throwable t = e; t != null; t = t.getCause()) {
      chain.append(t).append('\n');
    }
    assertThat(chain.toString())
        .doesNotContain(right.substring(11))
        .doesNotContain(wrong.substring(11))
        .doesNotContain(secretOf(orders.getAgreementKeys()));
  }

  @Test
  void load_kmsFileMovedToAnotherNamespace_isRefused() throws Exception {
    String kek = TestKmsClient.newKeyUri();
    Path f = dir.resolve("k.json");
    orders.save(KeysetSource.kmsEncryptedJson(f, kms, kek));
    Files.writeString(
        f, Files.readString(f).replace("\"namespace\": \"orders\"", "\"namespace\": \"payments\""));

    assertThatThrownBy(() -> NamespaceKeys.load(KeysetSource.kmsEncryptedJson(f, kms, kek)))
        .isInstanceOf(KeysetLoadException.class)
        .hasMessageContaining("could not be decrypted");
  }

  @Test
  void load_kmsFileWithSwappedKeysets_isRefused() throws Exception {
    String kek = TestKmsClient.newKeyUri();
    Path f = dir.resolve("k.json");
    orders.save(KeysetSource.kmsEncryptedJson(f, kms, kek));
    String text = Files.readString(f);
    String swapped =
        text.replace("\"agreementKeys\"", "\"tmp\"")
            .replace("\"signatureKeys\"", "\"agreementKeys\"")
            .replace("\"tmp\"", "\"signatureKeys\"");
    Files.writeString(f, swapped);

    assertThatThrownBy(() -> NamespaceKeys.load(KeysetSource.kmsEncryptedJson(f, kms, kek)))
        .isInstanceOf(KeysetLoadException.class)
        .hasMessageContaining("could not be decrypted");
  }

  @Test
  void load_tamperedCiphertext_isRefused() throws Exception {
    String kek = TestKmsClient.newKeyUri();
    Path f = dir.resolve("k.json");
    orders.save(KeysetSource.kmsEncryptedJson(f, kms, kek));
    String text = Files.readString(f);
    Matcher m = Pattern.compile("\"encryptedKeyset\": \"([^\"]{20})").matcher(text);
    assertThat(m.find()).isTrue();
    String original = m.group(1);
    char c = original.charAt(10);
    String changed = original.substring(0, 10) + (c == 'A' ? 'B' : 'A') + original.substring(11);
    Files.writeString(f, text.replace(original, changed));

    assertThatThrownBy(() -> NamespaceKeys.load(KeysetSource.kmsEncryptedJson(f, kms, kek)))
        .isInstanceOf(KeysetLoadException.class)
        .hasMessageContaining("altered");
  }

  @Test
  void load_payloadKeysetWhereAgreementKeysBelong_namesFieldAndPlace() throws Exception {
    KeysetHandle aead =
        KeysetHandle.generateNew(PredefinedAeadParameters.AES256_GCM, AeadConfig2026.get());
    String aeadJson =
        TinkJsonProtoKeysetFormat.serializeKeyset(
            aead, AeadConfig2026.get(), InsecureSecretKeyAccess.get());
    Path f = dir.resolve("k.json");
    Files.writeString(
        f,
        "{\"schemaVersion\": 1, \"namespace\": \"orders\", \"protection\": \"cleartext\",\n"
            + " \"agreementKeys\": "
            + aeadJson
            + "}");

    Throwable e = catchThrowable(() -> NamespaceKeys.load(KeysetSource.insecureCleartextJson(f)));
    assertThat(e)
        .isInstanceOf(KeysetLoadException.class)
        .hasMessageContaining(f.toString())
        .hasMessageContaining("line 2")
        .hasMessageContaining("agreementKeys")
        .hasMessageContaining("key-agreement")
        .hasMessageContaining("namespace-keys create");
    assertThat(e.getMessage())
        .doesNotContain(aeadJson.replaceAll("(?s).*\"value\":\"([^\"]+)\".*", "$1"));
  }

  @Test
  void load_malformedFiles_areRefusedNamingWhatToFix() throws Exception {
    Path f = dir.resolve("k.json");
    Files.writeString(f, "{\"schemaVersion\": 1, \"namespace\": \"orders\"");
    assertThatThrownBy(() -> NamespaceKeys.load(KeysetSource.insecureCleartextJson(f)))
        .isInstanceOf(KeysetLoadException.class)
        .hasMessageContaining(f.toString());

    Files.writeString(
        f,
        "{\"schemaVersion\": 2, \"namespace\": \"orders\", \"protection\": \"cleartext\","
            + " \"agreementKeys\": {}}");
    assertThatThrownBy(() -> NamespaceKeys.load(KeysetSource.insecureCleartextJson(f)))
        .isInstanceOf(KeysetLoadException.class)
        .hasMessageContaining("unsupported schema version 2");

    Files.writeString(
        f,
        "{\"schemaVersion\": 1, \"namespace\": \"orders\", \"protection\": \"cleartext\","
            + " \"agreementKeys\": {}, \"privateKey\": 1}");
    assertThatThrownBy(() -> NamespaceKeys.load(KeysetSource.insecureCleartextJson(f)))
        .isInstanceOf(KeysetLoadException.class)
        .hasMessageContaining("privateKey");

    Files.writeString(
        f, "{\"schemaVersion\": 1, \"namespace\": \"orders\", \"protection\": \"cleartext\"}");
    assertThatThrownBy(() -> NamespaceKeys.load(KeysetSource.insecureCleartextJson(f)))
        .isInstanceOf(KeysetLoadException.class)
        .hasMessageContaining("agreementKeys");

    Files.writeString(
        f,
        "{\"schemaVersion\": 1, \"namespace\": \"orders\", \"protection\": \"rot13\","
            + " \"agreementKeys\": {}}");
    assertThatThrownBy(() -> NamespaceKeys.load(KeysetSource.insecureCleartextJson(f)))
        .isInstanceOf(KeysetLoadException.class)
        .hasMessageContaining("protection must be");
  }

  @Test
  void load_missingFile_namesIt() {
    Path f = dir.resolve("missing.json");
    assertThatThrownBy(() -> NamespaceKeys.load(KeysetSource.insecureCleartextJson(f)))
        .isInstanceOf(KeysetLoadException.class)
        .hasMessageContaining(f.toString())
        .hasMessageContaining("does not exist");
  }

  @Test
  void loadAndSave_withAKeysetHandleSource_areRefused() {
    KeysetSource handle = KeysetSource.fromKeysetHandle(orders.getAgreementKeys());
    assertThatThrownBy(() -> NamespaceKeys.load(handle))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("kmsEncryptedJson");
    assertThatThrownBy(() -> orders.save(handle)).isInstanceOf(IllegalArgumentException.class);
  }

  @Test
  void save_intoAMissingDirectory_failsAndWritesNothing() {
    Path f = dir.resolve("missing/k.json");
    assertThatThrownBy(() -> orders.save(KeysetSource.insecureCleartextJson(f)))
        .isInstanceOf(UncheckedIOException.class)
        .hasMessageContaining(f.toString());
    assertThat(dir.resolve("missing")).doesNotExist();
  }

  @Test
  void save_replacesAnExistingFileAtomically() throws Exception {
    Path f = dir.resolve("k.json");
    NamespaceKeys.generate("orders", false).save(KeysetSource.insecureCleartextJson(f));
    orders.save(KeysetSource.insecureCleartextJson(f));
    assertSameKeys(NamespaceKeys.load(KeysetSource.insecureCleartextJson(f)), orders);
    try (var files = Files.list(dir)) {
      assertThat(files).as("no temporary file left").containsExactly(f);
    }
  }

  @Test
  void toString_showsKeyIdsOnly() throws Exception {
    assertThat(orders.toString())
        .contains("orders")
        .doesNotContain(secretOf(orders.getAgreementKeys()));
  }
}
