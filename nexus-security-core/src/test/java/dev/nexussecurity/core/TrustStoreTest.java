package dev.nexussecurity.core;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.google.crypto.tink.InsecureSecretKeyAccess;
import com.google.crypto.tink.KeysetHandle;
import com.google.crypto.tink.TinkJsonProtoKeysetFormat;
import com.google.crypto.tink.aead.AeadConfig;
import com.google.crypto.tink.aead.PredefinedAeadParameters;
import com.google.crypto.tink.signature.PredefinedSignatureParameters;
import com.google.crypto.tink.signature.SignatureConfig;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class TrustStoreTest {
  static KeysetHandle ordersPrivate;
  static KeysetHandle billingPrivate;

  @BeforeAll
  static void keys() throws Exception {
    SignatureConfig.register();
    AeadConfig.register();
    ordersPrivate = KeysetHandle.generateNew(PredefinedSignatureParameters.ED25519);
    billingPrivate = KeysetHandle.generateNew(PredefinedSignatureParameters.ECDSA_P256);
  }

  static TrustStore store() throws Exception {
    return TrustStore.newBuilder()
        .addNamespace("orders-ns", ordersPrivate.getPublicKeysetHandle())
        .addNamespace("billing-ns", billingPrivate.getPublicKeysetHandle())
        .build();
  }

  @Test
  void json_roundTrips_namespacesAndKeys(@TempDir Path dir) throws Exception {
    Path file = dir.resolve("trust.json");
    Files.writeString(file, store().toJson());
    TrustStore loaded = TrustStore.fromJsonFile(file);
    assertThat(loaded.getNamespaces()).containsExactly("billing-ns", "orders-ns");
    assertThat(
            loaded
                .getPublicKeyset("orders-ns")
                .orElseThrow()
                .equalsKeyset(ordersPrivate.getPublicKeysetHandle()))
        .isTrue();
  }

  @Test
  void jsonFile_loadsInAFreshJvm_whereNothingRegisteredTinkSignaturesYet(@TempDir Path dir)
      throws Exception {
    Path file = dir.resolve("trust.json");
    Files.writeString(file, store().toJson());
    assertThat(runFreshJvm("file", file.toString())).contains("OK [billing-ns, orders-ns]");
  }

  @Test
  void keysetsParsedBeforeTinkKnewSignatureKeys_areAcceptedByBuilderAndSigner(@TempDir Path dir)
      throws Exception {
    Path pub = dir.resolve("public.json");
    Path priv = dir.resolve("private.json");
    Files.writeString(
        pub,
        TinkJsonProtoKeysetFormat.serializeKeysetWithoutSecret(
            ordersPrivate.getPublicKeysetHandle()));
    Files.writeString(
        priv,
        TinkJsonProtoKeysetFormat.serializeKeyset(ordersPrivate, InsecureSecretKeyAccess.get()));
    assertThat(runFreshJvm("keysets", pub.toString(), priv.toString())).contains("OK [orders-ns]");
  }

  /** Runs {@link TrustStoreFreshJvmCheck} in a new JVM and returns its output; asserts exit 0. */
  private static String runFreshJvm(String... args) throws Exception {
    java.util.List<String> command =
        new java.util.ArrayList<>(
            java.util.List.of(
                Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-cp",
                System.getProperty("java.class.path"),
                TrustStoreFreshJvmCheck.class.getName()));
    command.addAll(java.util.List.of(args));
    Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
    String out =
        new String(p.getInputStream().readAllBytes(), java.nio.charset.StandardCharsets.UTF_8);
    assertThat(p.waitFor()).as(out).isZero();
    return out;
  }

  @Test
  void privateKeyset_isRefusedByBuilder_withHowToFix() {
    assertThatThrownBy(() -> TrustStore.newBuilder().addNamespace("orders-ns", ordersPrivate))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("orders-ns")
        .hasMessageContaining("only public signature keys")
        .hasMessageContaining("getPublicKeysetHandle");
  }

  @Test
  void sharedSecretNamespace_acceptsOnlyMacKeys_andIsNeverWrittenToJson() throws Exception {
    com.google.crypto.tink.mac.MacConfig.register();
    KeysetHandle mac =
        KeysetHandle.generateNew(
            com.google.crypto.tink.mac.PredefinedMacParameters.HMAC_SHA256_256BITTAG);
    TrustStore t =
        TrustStore.newBuilder()
            .addNamespace("orders-ns", ordersPrivate.getPublicKeysetHandle())
            .addSharedSecretNamespace("batch-ns", mac)
            .build();
    assertThat(t.getNamespaces()).containsExactly("batch-ns", "orders-ns");
    assertThat(t.getSharedSecretKeyset("batch-ns")).isPresent();
    assertThat(t.getPublicKeyset("batch-ns")).isEmpty();
    assertThat(t.toString()).contains("sharedSecretNamespaces=[batch-ns]");
    assertThatThrownBy(t::toJson)
        .isInstanceOf(TrustStoreException.class)
        .hasMessageContaining("[batch-ns]")
        .hasMessageContaining("never written");
    assertThatThrownBy(() -> TrustStore.newBuilder().addSharedSecretNamespace("x", ordersPrivate))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("only MAC keys");
    assertThatThrownBy(() -> TrustStore.newBuilder().addNamespace("x", mac))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("only public signature keys");
  }

  @Test
  void symmetricKeyset_isRefusedByBuilder() throws Exception {
    KeysetHandle aead = KeysetHandle.generateNew(PredefinedAeadParameters.AES256_GCM);
    assertThatThrownBy(() -> TrustStore.newBuilder().addNamespace("orders-ns", aead))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("only public signature keys");
  }

  @Test
  void privateKeyMaterialInJson_isRefused_namingTheNamespace() throws Exception {
    String privateJson =
        TinkJsonProtoKeysetFormat.serializeKeyset(ordersPrivate, InsecureSecretKeyAccess.get());
    String json = "{\"schemaVersion\":1,\"namespaces\":{\"orders-ns\":" + privateJson + "}}";
    assertThatThrownBy(() -> TrustStore.fromJson(json))
        .isInstanceOf(TrustStoreException.class)
        .hasMessageContaining("'orders-ns'")
        .hasMessageContaining("not a valid Tink public keyset");
  }

  @Test
  void malformedJson_namesLineAndColumn(@TempDir Path dir) throws Exception {
    Path file = dir.resolve("bad.json");
    Files.writeString(file, "{\n  \"schemaVersion\": 1,\n  \"namespaces\": {\n}");
    assertThatThrownBy(() -> TrustStore.fromJsonFile(file))
        .isInstanceOf(TrustStoreException.class)
        .hasMessageContaining(file.toString())
        .hasMessageContaining("line 4");
  }

  @Test
  void unknownField_isRefused() {
    assertThatThrownBy(
            () -> TrustStore.fromJson("{\"schemaVersion\":1,\"namespaces\":{},\"extra\":true}"))
        .isInstanceOf(TrustStoreException.class)
        .hasMessageContaining("unknown field 'extra'");
  }

  @Test
  void unsupportedSchemaVersion_isRefused() {
    assertThatThrownBy(() -> TrustStore.fromJson("{\"schemaVersion\":2,\"namespaces\":{}}"))
        .isInstanceOf(TrustStoreException.class)
        .hasMessageContaining("schemaVersion 2");
  }

  @Test
  void missingNamespaces_isRefused() {
    assertThatThrownBy(() -> TrustStore.fromJson("{\"schemaVersion\":1}"))
        .isInstanceOf(TrustStoreException.class)
        .hasMessageContaining("'namespaces'");
  }

  @Test
  void missingFile_isAClearError(@TempDir Path dir) {
    assertThatThrownBy(() -> TrustStore.fromJsonFile(dir.resolve("nope.json")))
        .isInstanceOf(TrustStoreException.class)
        .hasMessageContaining("nope.json");
  }

  @Test
  void blankNamespace_isRefused() throws Exception {
    assertThatThrownBy(
            () -> TrustStore.newBuilder().addNamespace(" ", ordersPrivate.getPublicKeysetHandle()))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("non-blank");
  }

  @Test
  void toString_listsNamespacesOnly() throws Exception {
    assertThat(store().toString()).isEqualTo("TrustStore{namespaces=[billing-ns, orders-ns]}");
  }

  @Test
  void emptyStore_trustsNobody() {
    assertThat(TrustStore.empty().getNamespaces()).isEmpty();
    assertThat(TrustStore.empty().getPublicKeyset("orders-ns")).isEmpty();
  }
}
