package dev.nexussecurity.tools;

import static org.assertj.core.api.Assertions.assertThat;

import com.google.crypto.tink.KeysetHandle;
import dev.nexussecurity.core.keys.KeysetLoadException;
import dev.nexussecurity.core.keys.KeysetSource;
import dev.nexussecurity.core.keys.NamespaceKeyDirectory;
import dev.nexussecurity.core.keys.NamespaceKeys;
import dev.nexussecurity.core.keys.NamespacePublicKeys;
import java.nio.file.Files;
import java.nio.file.Path;
import org.assertj.core.api.Assertions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code nexus-security-keys namespace-keys ...} end to end, in this JVM. */
class NamespaceKeysCommandsTest {
  @TempDir Path dir;
  private final Cli cli = new Cli();
  private final InsecureFakeKmsClient kms = new InsecureFakeKmsClient();

  private Path keys() {
    return dir.resolve("orders.keys.json");
  }

  private static String id(KeysetHandle h, int i) {
    return Integer.toUnsignedString(h.getAt(i).getId());
  }

  @Test
  void create_withKms_writesAFileThatCoreLoads_withBothKeys_andNoKeyMaterialInIt()
      throws Exception {
    String kek = cli.newKmsUri();

    Cli.Result r =
        cli.run(
            "namespace-keys",
            "create",
            "--namespace",
            "orders",
            "--out",
            keys(),
            "--with-signature-key",
            "--kms-uri",
            kek);

    assertThat(r.exit()).as(r.all()).isZero();
    assertThat(r.out())
        .contains("orders", "encrypted under fake-kms://<redacted>", "export-public");
    assertThat(r.all()).doesNotContain(kek.substring(11)).doesNotContain("<redacted><redacted>");
    NamespaceKeys loaded = NamespaceKeys.load(KeysetSource.kmsEncryptedJson(keys(), kms, kek));
    assertThat(loaded.getNamespace()).isEqualTo("orders");
    assertThat(loaded.getSignatureKeys()).isPresent();
    assertThat(r.out()).contains(id(loaded.getAgreementKeys(), 0));
    Path clear = dir.resolve("clear.json");
    loaded.save(KeysetSource.insecureCleartextJson(clear));
    for (String material : Cli.keyMaterial(Files.readString(clear))) {
      assertThat(Files.readString(keys())).doesNotContain(material);
      assertThat(r.all()).doesNotContain(material);
    }
  }

  @Test
  void create_insecureCleartext_withoutSignatureKey() {
    Cli.Result r =
        cli.run(
            "namespace-keys",
            "create",
            "--namespace",
            "orders",
            "--out",
            keys(),
            "--insecure-cleartext");
    assertThat(r.exit()).as(r.all()).isZero();
    NamespaceKeys loaded = NamespaceKeys.load(KeysetSource.insecureCleartextJson(keys()));
    assertThat(loaded.getSignatureKeys()).isEmpty();
    assertThat(r.out()).contains("in cleartext (development only)");
  }

  @Test
  void create_refusesABadNamespace_andAnExistingFile_unlessForced() throws Exception {
    Cli.Result bad =
        cli.run(
            "namespace-keys",
            "create",
            "--namespace",
            "or ders",
            "--out",
            keys(),
            "--insecure-cleartext");
    assertThat(bad.exit()).isEqualTo(NexusSecurityKeys.USAGE);
    assertThat(bad.err()).contains("not a valid namespace name");
    assertThat(Cli.files(dir)).isEmpty();

    cli.run(
        "namespace-keys",
        "create",
        "--namespace",
        "orders",
        "--out",
        keys(),
        "--insecure-cleartext");
    String before = Files.readString(keys());
    Cli.Result again =
        cli.run(
            "namespace-keys",
            "create",
            "--namespace",
            "orders",
            "--out",
            keys(),
            "--insecure-cleartext");
    assertThat(again.exit()).isEqualTo(NexusSecurityKeys.EXISTS);
    assertThat(Files.readString(keys())).isEqualTo(before);
    assertThat(
            cli.run(
                    "namespace-keys",
                    "create",
                    "--namespace",
                    "orders",
                    "--out",
                    keys(),
                    "--insecure-cleartext",
                    "--force")
                .exit())
        .isZero();
    assertThat(Files.readString(keys())).isNotEqualTo(before);
  }

  @Test
  void rotateThenPromoteThenRemove_changesOnlyTheAgreementKeyset() {
    String kek = cli.newKmsUri();
    cli.run(
        "namespace-keys",
        "create",
        "--namespace",
        "orders",
        "--out",
        keys(),
        "--with-signature-key",
        "--kms-uri",
        kek);
    NamespaceKeys before = NamespaceKeys.load(KeysetSource.kmsEncryptedJson(keys(), kms, kek));
    String oldId = id(before.getAgreementKeys(), 0);

    Cli.Result rotated = cli.run("namespace-keys", "rotate", "--keys", keys(), "--kms-uri", kek);
    assertThat(rotated.exit()).as(rotated.all()).isZero();
    NamespaceKeys afterRotate = NamespaceKeys.load(KeysetSource.kmsEncryptedJson(keys(), kms, kek));
    assertThat(afterRotate.getAgreementKeys().size()).isEqualTo(2);
    String newId = id(afterRotate.getAgreementKeys(), 1);
    assertThat(rotated.out()).contains("added key " + newId, "not primary");
    assertThat(Integer.toUnsignedString(afterRotate.getAgreementKeys().getPrimary().getId()))
        .isEqualTo(oldId);
    assertThat(afterRotate.getSignatureKeys().get().equalsKeyset(before.getSignatureKeys().get()))
        .isTrue();

    assertThat(
            cli.run(
                    "namespace-keys",
                    "promote",
                    "--keys",
                    keys(),
                    "--key-id",
                    newId,
                    "--kms-uri",
                    kek)
                .exit())
        .isZero();
    NamespaceKeys promoted = NamespaceKeys.load(KeysetSource.kmsEncryptedJson(keys(), kms, kek));
    assertThat(Integer.toUnsignedString(promoted.getAgreementKeys().getPrimary().getId()))
        .isEqualTo(newId);

    Cli.Result removePrimary =
        cli.run("namespace-keys", "remove", "--keys", keys(), "--key-id", newId, "--kms-uri", kek);
    assertThat(removePrimary.exit()).isEqualTo(NexusSecurityKeys.FAILED);
    assertThat(removePrimary.err()).contains("primary key");

    assertThat(
            cli.run(
                    "namespace-keys",
                    "remove",
                    "--keys",
                    keys(),
                    "--key-id",
                    oldId,
                    "--kms-uri",
                    kek)
                .exit())
        .isZero();
    assertThat(
            NamespaceKeys.load(KeysetSource.kmsEncryptedJson(keys(), kms, kek))
                .getAgreementKeys()
                .size())
        .isEqualTo(1);
  }

  @Test
  void rotateSignature_onKeysWithoutOne_addsTheFirstSignatureKey() {
    cli.run(
        "namespace-keys",
        "create",
        "--namespace",
        "orders",
        "--out",
        keys(),
        "--insecure-cleartext");
    Cli.Result r =
        cli.run(
            "namespace-keys", "rotate", "--keys", keys(), "--signature", "--insecure-cleartext");
    assertThat(r.exit()).as(r.all()).isZero();
    assertThat(r.out()).contains("first signature key");
    assertThat(NamespaceKeys.load(KeysetSource.insecureCleartextJson(keys())).getSignatureKeys())
        .isPresent();
  }

  @Test
  void list_showsBothKeysetsWithoutKeyMaterial() throws Exception {
    cli.run(
        "namespace-keys",
        "create",
        "--namespace",
        "orders",
        "--out",
        keys(),
        "--with-signature-key",
        "--insecure-cleartext");
    Cli.Result r = cli.run("namespace-keys", "list", "--keys", keys(), "--insecure-cleartext");
    assertThat(r.exit()).isZero();
    assertThat(r.out())
        .contains("namespace keys of orders", "agreement keys (X25519)", "signature keys (Ed25519)")
        .contains("DHKEM_X25519_HKDF_SHA256_HKDF_SHA256_AES_256_GCM", "ED25519");
    for (String material : Cli.keyMaterial(Files.readString(keys()))) {
      assertThat(r.all()).doesNotContain(material);
    }
  }

  @Test
  void exportPublic_writesADirectoryFileWithThePublicKeysOnly() throws Exception {
    String kek = cli.newKmsUri();
    cli.run(
        "namespace-keys",
        "create",
        "--namespace",
        "orders",
        "--out",
        keys(),
        "--with-signature-key",
        "--kms-uri",
        kek);
    Path pub = dir.resolve("orders.public.json");

    Cli.Result r =
        cli.run(
            "namespace-keys", "export-public", "--keys", keys(), "--out", pub, "--kms-uri", kek);

    assertThat(r.exit()).as(r.all()).isZero();
    NamespaceKeys priv = NamespaceKeys.load(KeysetSource.kmsEncryptedJson(keys(), kms, kek));
    NamespacePublicKeys published =
        NamespaceKeyDirectory.load(pub).findNamespace("orders").orElseThrow();
    assertThat(published).isEqualTo(priv.toPublicKeys());
    assertThat(Files.readString(pub))
        .doesNotContain("encryptedKeyset")
        .contains("ASYMMETRIC_PUBLIC");
    assertThat(
            cli.run(
                    "namespace-keys",
                    "export-public",
                    "--keys",
                    keys(),
                    "--out",
                    pub,
                    "--kms-uri",
                    kek)
                .exit())
        .isEqualTo(NexusSecurityKeys.EXISTS);
  }

  @Test
  void wrap_turnsACleartextFileIntoAKmsOne() throws Exception {
    Path clear = dir.resolve("dev.keys.json");
    cli.run(
        "namespace-keys",
        "create",
        "--namespace",
        "orders",
        "--out",
        clear,
        "--insecure-cleartext");
    String kek = cli.newKmsUri();

    Cli.Result r =
        cli.run("namespace-keys", "wrap", "--in", clear, "--out", keys(), "--kms-uri", kek);

    assertThat(r.exit()).as(r.all()).isZero();
    assertThat(
            NamespaceKeys.load(KeysetSource.kmsEncryptedJson(keys(), kms, kek))
                .getAgreementKeys()
                .equalsKeyset(
                    NamespaceKeys.load(KeysetSource.insecureCleartextJson(clear))
                        .getAgreementKeys()))
        .isTrue();
    Assertions.assertThatThrownBy(
            () -> NamespaceKeys.load(KeysetSource.insecureCleartextJson(keys())))
        .isInstanceOf(KeysetLoadException.class);
  }

  @Test
  void badInput_wrongKmsKey_wrongProtection_malformedFile_exit1AndChangeNothing() throws Exception {
    String kek = cli.newKmsUri();
    cli.run("namespace-keys", "create", "--namespace", "orders", "--out", keys(), "--kms-uri", kek);
    String before = Files.readString(keys());

    Cli.Result wrongKey =
        cli.run("namespace-keys", "rotate", "--keys", keys(), "--kms-uri", cli.newKmsUri());
    assertThat(wrongKey.exit()).isEqualTo(NexusSecurityKeys.FAILED);
    assertThat(wrongKey.err()).contains(keys().toString(), "encrypted under another KMS key");

    Cli.Result asCleartext =
        cli.run("namespace-keys", "rotate", "--keys", keys(), "--insecure-cleartext");
    assertThat(asCleartext.exit()).isEqualTo(NexusSecurityKeys.FAILED);
    assertThat(asCleartext.err()).contains("kmsEncryptedJson");
    assertThat(Files.readString(keys())).isEqualTo(before);

    Files.writeString(keys(), before.substring(0, before.length() / 2));
    Cli.Result malformed = cli.run("namespace-keys", "list", "--keys", keys(), "--kms-uri", kek);
    assertThat(malformed.exit()).isEqualTo(NexusSecurityKeys.FAILED);
    assertThat(malformed.err()).contains(keys().toString(), "line");
    assertThat(Cli.files(dir)).containsExactly("orders.keys.json");
  }
}
