package dev.nexussecurity.core.keys;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.nexussecurity.core.internal.keys.TinkKeysets;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class NamespaceKeyDirectoryTest {
  static final NamespaceKeys ORDERS = NamespaceKeys.generate("orders", true);
  static final NamespaceKeys PAYMENTS = NamespaceKeys.generate("payments", false);

  @TempDir Path dir;

  private static NamespaceKeyDirectory sample() {
    return NamespaceKeyDirectory.newBuilder()
        .put(ORDERS.toPublicKeys().toBuilder().addRevokedKeyId(42).build())
        .put(
            PAYMENTS.toPublicKeys().toBuilder()
                .setPayloadAcceptance(
                    PayloadAcceptance.newBuilder()
                        .setPairwise(true)
                        .addSharedKeyset("payments")
                        .build())
                .build())
        .build();
  }

  @Test
  void saveThenLoad_givesTheSameDirectory() {
    Path file = dir.resolve("keys.json");
    NamespaceKeyDirectory d = sample();

    d.save(file);
    NamespaceKeyDirectory back = NamespaceKeyDirectory.load(file);

    assertThat(back).isEqualTo(d);
    assertThat(back.findNamespace("orders").get().getRevokedKeyIds()).containsExactly(42);
    assertThat(back.findNamespace("orders").get().getSignatureKeys()).isPresent();
    assertThat(back.findNamespace("payments").get().getPayloadAcceptance().get().isPairwise())
        .isTrue();
  }

  @Test
  void toJson_isDeterministicAndReadable() {
    String json = sample().toJson();

    assertThat(json).isEqualTo(sample().toJson());
    assertThat(json)
        .startsWith("{\n  \"schemaVersion\": 1,\n  \"namespaces\": {\n    \"orders\": {");
    assertThat(json.indexOf("\"orders\"")).isLessThan(json.indexOf("\"payments\""));
    assertThat(json).endsWith("}\n").doesNotContain("PrivateKey");
  }

  @Test
  void findNamespace_unknownOrNull_isEmpty() {
    assertThat(sample().findNamespace("nope")).isEmpty();
    assertThat(sample().findNamespace(null)).isEmpty();
  }

  @Test
  void load_trustStoreFileOfEarlierVersions_readsSignatureKeys() throws Exception {
    String keyset =
        TinkKeysets.toPublicJson(
            ORDERS.getSignatureKeys().get().getPublicKeysetHandle(), TinkKeysets.Kind.SIGNATURE);
    Path file = dir.resolve("trust.json");
    Files.writeString(file, "{\"schemaVersion\":1,\"namespaces\":{\"orders\":" + keyset + "}}");

    NamespacePublicKeys orders = NamespaceKeyDirectory.load(file).findNamespace("orders").get();

    assertThat(orders.getSignatureKeys()).isPresent();
    assertThat(orders.getAgreementKeys()).isEmpty();
  }

  @Test
  void load_privateKeyset_isRefusedAndNothingLoaded() throws Exception {
    String privateJson =
        TinkKeysets.toCleartextPrivateJson(ORDERS.getAgreementKeys(), TinkKeysets.Kind.AGREEMENT);
    Path file = dir.resolve("bad.json");
    Files.writeString(
        file,
        "{\"schemaVersion\":1,\"namespaces\":{\"orders\":{\"agreementKeys\":"
            + privateJson
            + "}}}");

    assertThatThrownBy(() -> NamespaceKeyDirectory.load(file))
        .isInstanceOf(KeyDirectoryException.class)
        .hasMessageStartingWith("Invalid key directory file " + file + ", line 1 column")
        .hasMessageContaining("($.namespaces.orders.agreementKeys)")
        .hasMessageContaining("private and symmetric keys never belong in a key directory")
        .satisfies(e -> assertThat(e.getMessage()).doesNotContain(keyValue(privateJson)));
  }

  private static String keyValue(String keysetJson) {
    java.util.regex.Matcher m =
        java.util.regex.Pattern.compile("\"value\":\"([^\"]+)\"").matcher(keysetJson);
    assertThat(m.find()).isTrue();
    return m.group(1).substring(0, 20);
  }

  @Test
  void load_signatureKeysetWhereAgreementKeysBelong_isRefused() throws Exception {
    String sig =
        TinkKeysets.toPublicJson(
            ORDERS.getSignatureKeys().get().getPublicKeysetHandle(), TinkKeysets.Kind.SIGNATURE);

    assertThatThrownBy(
            () ->
                NamespaceKeyDirectory.fromJson(
                    "{\"schemaVersion\":1,\"namespaces\":{\"orders\":{\"agreementKeys\":"
                        + sig
                        + "}}}"))
        .isInstanceOf(KeyDirectoryException.class)
        .hasMessageContaining("must publish a Tink public key-agreement (HPKE X25519) keyset");
  }

  @Test
  void load_malformedDocuments_areRefusedWithTheirPlace() {
    assertRefused("", "key directory: is empty");
    assertRefused("{\"schemaVersion\":2,\"namespaces\":{}}", "unsupported schema version 2");
    assertRefused("{\"schemaVersion\":1}", "missing field 'namespaces'");
    assertRefused("{\"schemaVersion\":1,\"namespaces\":{},\"extra\":1}", "unknown field 'extra'");
    assertRefused(
        "{\"schemaVersion\":1,\"namespaces\":{\"orders\":{}}}",
        "need the namespace's key-agreement public keyset");
    assertRefused(
        "{\"schemaVersion\":1,\"namespaces\":{\"bad name\":{}}}",
        "is not a valid namespace name: it contains U+0020");
    assertRefused(
        "{\"schemaVersion\":\"1\",\"namespaces\":{}}", "must be a whole number, got a string");
  }

  private static void assertRefused(String json, String problem) {
    assertThatThrownBy(() -> NamespaceKeyDirectory.fromJson(json))
        .isInstanceOf(KeyDirectoryException.class)
        .hasMessageContaining(problem);
  }

  @Test
  void load_missingFile_namesIt() {
    Path file = dir.resolve("missing.json");

    assertThatThrownBy(() -> NamespaceKeyDirectory.load(file))
        .isInstanceOf(KeyDirectoryException.class)
        .hasMessage("Key directory file " + file + " does not exist");
  }

  @Test
  void save_failure_keepsTheOldFile() throws Exception {
    Path file = dir.resolve("keys.json");
    sample().save(file);
    String before = Files.readString(file);
    Path readOnlyDir = dir.resolve("ro");
    Files.createDirectory(readOnlyDir);
    Path target = readOnlyDir.resolve("keys.json");
    Files.writeString(target, before);
    readOnlyDir.toFile().setWritable(false);
    try {
      org.junit.jupiter.api.Assumptions.assumeFalse(
          Files.isWritable(readOnlyDir), "running as root: cannot make a directory read-only");
      assertThatThrownBy(() -> NamespaceKeyDirectory.empty().save(target))
          .isInstanceOf(java.io.UncheckedIOException.class)
          .hasMessageStartingWith("Cannot write key directory file " + target);
      assertThat(Files.readString(target)).isEqualTo(before);
    } finally {
      readOnlyDir.toFile().setWritable(true);
    }
  }

  @Test
  void toString_namesKeyIdsOnly() {
    assertThat(sample().toString()).contains("orders", "payments", "(primary)", "revoked [42]");
  }

  @Test
  void fileDirectory_isNeverStale_andSaysWhichNamespaceItLacks() {
    NamespaceKeyDirectory d = NamespaceKeyDirectory.empty();
    assertThat(d.isStale()).isFalse();
    assertThat(d.describeMissing("orders-ns"))
        .isEqualTo("the key directory has no keys for namespace 'orders-ns'");
    assertThat(d.describeMissing("bad\nname")).doesNotContain("\n");
  }

  @Test
  void revokedKeyIds_areShownUnsigned_asKeyIdsAreEverywhereElse() {
    NamespacePublicKeys keys =
        NamespaceKeys.generate("orders-ns", false).toPublicKeys().toBuilder()
            .addRevokedKeyId((int) 3755797258L)
            .addRevokedKeyId(7)
            .build();
    assertThat(keys.toString()).contains("revoked [7, 3755797258]");
  }
}
