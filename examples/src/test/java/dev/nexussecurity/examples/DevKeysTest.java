package dev.nexussecurity.examples;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.google.crypto.tink.InsecureSecretKeyAccess;
import com.google.crypto.tink.KeyStatus;
import com.google.crypto.tink.KeysetHandle;
import com.google.crypto.tink.TinkJsonProtoKeysetFormat;
import com.google.crypto.tink.aead.AeadConfig2026;
import com.google.crypto.tink.signature.SignaturePublicKey;
import dev.nexussecurity.core.TrustStore;
import java.io.UncheckedIOException;
import java.nio.file.FileSystems;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class DevKeysTest {
  @TempDir Path dir;

  @Test
  void generate_writesOneSigningKeysetPerCaller_aTrustStoreOfTheirPublicKeys_andAPayloadKeyset()
      throws Exception {
    DevKeys keys =
        DevKeys.generate(
            dir.resolve("keys"), "payments", List.of("orders", "analytics"), "payments");

    assertThat(keys.getSigningKeysetFile("orders"))
        .isEqualTo(dir.resolve("keys/DEV-ONLY-orders-signing-keyset.json"))
        .exists();
    assertThat(keys.getSigningKeysetFile("analytics")).exists();
    assertThat(keys.getPayloadKeysetFile())
        .isEqualTo(dir.resolve("keys/DEV-ONLY-payments-payload-keyset.json"))
        .exists();
    assertThat(keys.getTrustStoreFile()).isEqualTo(dir.resolve("keys/payments-trust-store.json"));

    TrustStore trust = KeyFiles.loadTrustStore(handlerSettings(keys));
    assertThat(trust.getNamespaces()).containsExactly("analytics", "orders");
    KeysetHandle ordersPublic = trust.getPublicKeyset("orders").orElseThrow();
    assertThat(ordersPublic.getPrimary().getKey()).isInstanceOf(SignaturePublicKey.class);
    KeysetHandle ordersPrivate = KeyFiles.loadSigningKeyset(callerSettings(keys, "orders"));
    assertThat(ordersPublic.getPrimary().getId()).isEqualTo(ordersPrivate.getPrimary().getId());
  }

  @Test
  void generate_secretFilesAreReadableByTheOwnerOnly() throws Exception {
    DevKeys keys = DevKeys.generate(dir.resolve("keys"), "payments", List.of("orders"), "payments");
    org.junit.jupiter.api.Assumptions.assumeTrue(
        FileSystems.getDefault().supportedFileAttributeViews().contains("posix"));

    assertThat(
            PosixFilePermissions.toString(
                Files.getPosixFilePermissions(keys.getSigningKeysetFile("orders"))))
        .isEqualTo("rw-------");
    assertThat(
            PosixFilePermissions.toString(
                Files.getPosixFilePermissions(keys.getPayloadKeysetFile())))
        .isEqualTo("rw-------");
    assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(keys.getDirectory())))
        .isEqualTo("rwx------");
  }

  @Test
  void generate_intoADirectoryWithKeys_refusesAndLeavesThemUnchanged() throws Exception {
    DevKeys first = DevKeys.generate(dir, "payments", List.of("orders"), "payments");
    String before = Files.readString(first.getSigningKeysetFile("orders"));

    assertThatThrownBy(() -> DevKeys.generate(dir, "payments", List.of("orders"), "payments"))
        .isInstanceOf(UncheckedIOException.class)
        .hasMessageContaining(first.getSigningKeysetFile("orders").toString())
        .hasMessageContaining("must not exist yet");
    assertThat(Files.readString(first.getSigningKeysetFile("orders"))).isEqualTo(before);
  }

  @Test
  void getSigningKeysetFile_ofANamespaceWithoutKeys_namesTheGeneratedOnes() {
    DevKeys keys = DevKeys.generate(dir, "payments", List.of("orders"), "payments");

    assertThatThrownBy(() -> keys.getSigningKeysetFile("billing"))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("'billing'")
        .hasMessageContaining("[orders]");
  }

  @Test
  void writeWithNewPrimaryKey_keepsTheOldKeyEnabledAndMakesANewOnePrimary() throws Exception {
    DevKeys keys = DevKeys.generate(dir, "payments", List.of("orders"), "payments");
    KeysetHandle before = readAead(keys.getPayloadKeysetFile());
    Path rotated = dir.resolve("rotated.json");

    int newPrimary = DevKeys.writeWithNewPrimaryKey(keys.getPayloadKeysetFile(), rotated);

    KeysetHandle after = readAead(rotated);
    assertThat(after.size()).isEqualTo(2);
    assertThat(after.getPrimary().getId())
        .isEqualTo(newPrimary)
        .isNotEqualTo(before.getPrimary().getId());
    Set<Integer> enabled = new HashSet<>();
    for (int i = 0; i < after.size(); i++) {
      if (after.getAt(i).getStatus() == KeyStatus.ENABLED) {
        enabled.add(after.getAt(i).getId());
      }
    }
    assertThat(enabled).containsExactlyInAnyOrder(before.getPrimary().getId(), newPrimary);
    assertThat(readAead(keys.getPayloadKeysetFile()).getPrimary().getId())
        .as("the source keyset is unchanged")
        .isEqualTo(before.getPrimary().getId());
  }

  static KeysetHandle readAead(Path file) throws Exception {
    return TinkJsonProtoKeysetFormat.parseKeyset(
        Files.readString(file), AeadConfig2026.get(), InsecureSecretKeyAccess.get());
  }

  static WorkerSettings callerSettings(DevKeys keys, String namespace) {
    return WorkerSettings.newBuilder()
        .setNamespace(namespace)
        .setTaskQueue("checkout")
        .setSigningKeysetFile(keys.getSigningKeysetFile(namespace))
        .setPayloadKeysetFile(keys.getPayloadKeysetFile())
        .build();
  }

  static WorkerSettings handlerSettings(DevKeys keys) {
    return WorkerSettings.newBuilder()
        .setNamespace("payments")
        .setTaskQueue("payments-nexus")
        .setTrustStoreFile(keys.getTrustStoreFile())
        .setPayloadKeysetFile(keys.getPayloadKeysetFile())
        .build();
  }
}
