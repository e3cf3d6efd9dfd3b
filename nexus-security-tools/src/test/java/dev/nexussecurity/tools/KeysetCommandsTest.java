package dev.nexussecurity.tools;

import static org.assertj.core.api.Assertions.assertThat;

import com.google.crypto.tink.KeyStatus;
import com.google.crypto.tink.KeysetHandle;
import com.google.crypto.tink.PublicKeySign;
import com.google.crypto.tink.PublicKeyVerify;
import com.google.crypto.tink.TinkJsonProtoKeysetFormat;
import com.google.crypto.tink.signature.SignatureConfig2026;
import dev.nexussecurity.codec.tink.TinkPayloadCodec;
import dev.nexussecurity.core.keys.KeysetKind;
import dev.nexussecurity.core.keys.KeysetSource;
import io.temporal.api.common.v1.Payload;
import io.temporal.common.converter.DefaultDataConverter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermission;
import java.util.List;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code nexus-security-keys keyset ...} end to end, in this JVM. */
class KeysetCommandsTest {
  @TempDir Path dir;
  private Path keyset;
  private final Cli cli = new Cli();

  @BeforeEach
  void setUp() {
    keyset = dir.resolve("keyset.json");
  }

  private KeysetHandle read() {
    return KeysetSource.insecureCleartextJson(keyset).load(KeysetKind.PAYLOAD_AEAD);
  }

  private static String id(KeysetHandle h, int i) {
    return Integer.toUnsignedString(h.getAt(i).getId());
  }

  private TinkPayloadCodec codec() {
    return TinkPayloadCodec.newBuilder()
        .setKeysetSource(KeysetSource.insecureCleartextJson(keyset))
        .build();
  }

  @Test
  void create_writesAnOwnerOnlyPayloadKeysetWithOnePrimaryAes256GcmKey() throws Exception {
    Cli.Result r = cli.run("keyset", "create", "--out", keyset, "--insecure-cleartext");

    assertThat(r.exit()).as(r.all()).isZero();
    KeysetHandle h = read();
    assertThat(h.size()).isEqualTo(1);
    assertThat(h.getAt(0).isPrimary()).isTrue();
    assertThat(r.out()).contains("primary key " + id(h, 0), "AES256_GCM", "in cleartext");
    assertThat(Files.getPosixFilePermissions(keyset))
        .containsExactlyInAnyOrder(PosixFilePermission.OWNER_READ, PosixFilePermission.OWNER_WRITE);
    assertThat(r.all()).doesNotContain(Cli.keyMaterial(Files.readString(keyset)).get(0));
  }

  @Test
  void create_withoutSayingHowKeysAreProtected_isAUsageError_andWritesNothing() throws Exception {
    Cli.Result r = cli.run("keyset", "create", "--out", keyset);

    assertThat(r.exit()).isEqualTo(NexusSecurityKeys.USAGE);
    assertThat(r.err()).contains("--kms-uri", "--insecure-cleartext");
    assertThat(Cli.files(dir)).isEmpty();
    assertThat(
            cli.run(
                    "keyset",
                    "create",
                    "--out",
                    keyset,
                    "--insecure-cleartext",
                    "--kms-uri",
                    "fake-kms://x")
                .exit())
        .isEqualTo(NexusSecurityKeys.USAGE);
    assertThat(Cli.files(dir)).isEmpty();
  }

  @Test
  void create_overAnExistingFile_exits3AndLeavesItUntouched_unlessForced() throws Exception {
    cli.run("keyset", "create", "--out", keyset, "--insecure-cleartext");
    String before = Files.readString(keyset);

    Cli.Result r = cli.run("keyset", "create", "--out", keyset, "--insecure-cleartext");

    assertThat(r.exit()).isEqualTo(NexusSecurityKeys.EXISTS);
    assertThat(r.err()).contains(keyset.toString(), "already exists", "--force");
    assertThat(Files.readString(keyset)).isEqualTo(before);
    assertThat(Cli.files(dir)).containsExactly("keyset.json");

    assertThat(
            cli.run("keyset", "create", "--out", keyset, "--insecure-cleartext", "--force").exit())
        .isZero();
    assertThat(Files.readString(keyset)).isNotEqualTo(before);
  }

  @Test
  void create_withKindAndKeyType_usesThem_andRefusesTypesOfAnotherKind() throws Exception {
    assertThat(
            cli.run(
                    "keyset",
                    "create",
                    "--out",
                    keyset,
                    "--key-type",
                    "CHACHA20_POLY1305",
                    "--insecure-cleartext")
                .exit())
        .isZero();
    assertThat(read().getAt(0).getKey().getParameters().toString()).contains("ChaCha20Poly1305");

    Path signing = dir.resolve("signing.json");
    assertThat(
            cli.run(
                    "keyset",
                    "create",
                    "--kind",
                    "signing",
                    "--out",
                    signing,
                    "--insecure-cleartext")
                .exit())
        .isZero();
    KeysetHandle s = KeysetSource.insecureCleartextJson(signing).load(KeysetKind.SIGNING);
    assertThat(s.getPrimary().getKey().getParameters().toString()).contains("Ed25519");

    Path mac = dir.resolve("mac.json");
    assertThat(
            cli.run("keyset", "create", "--kind", "mac", "--out", mac, "--insecure-cleartext")
                .exit())
        .isZero();
    KeysetSource.insecureCleartextJson(mac).load(KeysetKind.MAC);

    Path hpke = dir.resolve("hpke.json");
    assertThat(
            cli.run("keyset", "create", "--kind", "hpke", "--out", hpke, "--insecure-cleartext")
                .exit())
        .isZero();
    KeysetSource.insecureCleartextJson(hpke).load(KeysetKind.KEY_AGREEMENT);

    Cli.Result wrongType =
        cli.run(
            "keyset",
            "create",
            "--kind",
            "signing",
            "--out",
            dir.resolve("x.json"),
            "--key-type",
            "AES256_GCM",
            "--insecure-cleartext");
    assertThat(wrongType.exit()).isEqualTo(NexusSecurityKeys.USAGE);
    assertThat(wrongType.err()).contains("not a signing key type", "ED25519");
    assertThat(dir.resolve("x.json")).doesNotExist();
  }

  @Test
  void fullRotation_rotatePromoteDisableEnableDelete_andTheCodecFollows() {
    cli.run("keyset", "create", "--out", keyset, "--insecure-cleartext");
    Payload p = DefaultDataConverter.newDefaultInstance().toPayload("kept").orElseThrow();
    List<Payload> underA = codec().encode(List.of(p));
    String a = id(read(), 0);

    Cli.Result rotated = cli.run("keyset", "rotate", "--keyset", keyset, "--insecure-cleartext");
    assertThat(rotated.exit()).as(rotated.all()).isZero();
    KeysetHandle h = read();
    assertThat(h.size()).isEqualTo(2);
    String b = id(h, 1);
    assertThat(rotated.out()).contains("added key " + b, "then promote");
    assertThat(h.getAt(1).isPrimary()).isFalse();
    assertThat(codec().describe().getEncryptionKeyId()).contains("default/" + a);

    assertThat(
            cli.run("keyset", "promote", "--keyset", keyset, "--key-id", b, "--insecure-cleartext")
                .exit())
        .isZero();
    h = read();
    assertThat(h.getPrimary().getId()).isEqualTo(h.getAt(1).getId());
    assertThat(codec().describe().getEncryptionKeyId()).contains("default/" + b);
    assertThat(codec().decode(underA)).containsExactly(p);

    assertThat(
            cli.run("keyset", "disable", "--keyset", keyset, "--key-id", a, "--insecure-cleartext")
                .exit())
        .isZero();
    assertThat(read().getAt(0).getStatus()).isEqualTo(KeyStatus.DISABLED);
    assertThat(codec().describe().getDecryptionKeyIds()).containsExactly("default/" + b);

    assertThat(
            cli.run("keyset", "enable", "--keyset", keyset, "--key-id", a, "--insecure-cleartext")
                .exit())
        .isZero();
    assertThat(codec().decode(underA)).containsExactly(p);

    Cli.Result deleted =
        cli.run("keyset", "delete", "--keyset", keyset, "--key-id", a, "--insecure-cleartext");
    assertThat(deleted.exit()).isZero();
    assertThat(read().size()).isEqualTo(1);
    assertThat(deleted.out()).contains("can no longer be decrypted");
  }

  @Test
  void addKey_isStillAcceptedAsTheOldNameOfRotate() {
    cli.run("keyset", "create", "--out", keyset, "--insecure-cleartext");
    assertThat(cli.run("keyset", "add-key", "--keyset", keyset, "--insecure-cleartext").exit())
        .isZero();
    assertThat(read().size()).isEqualTo(2);
  }

  @Test
  void refusedChanges_exit1AndLeaveTheFileUntouched() throws Exception {
    cli.run("keyset", "create", "--out", keyset, "--insecure-cleartext");
    cli.run("keyset", "rotate", "--keyset", keyset, "--insecure-cleartext");
    KeysetHandle h = read();
    String primary = id(h, 0);
    String other = id(h, 1);
    cli.run("keyset", "disable", "--keyset", keyset, "--key-id", other, "--insecure-cleartext");
    String before = Files.readString(keyset);

    String[][] refused = {
      {"disable", primary, "promote another key first"},
      {"delete", primary, "promote another key first"},
      {"promote", other, "enable it before promoting"},
      {"promote", "12345", "has no key 12345"}
    };
    for (String[] c : refused) {
      Cli.Result r =
          cli.run("keyset", c[0], "--keyset", keyset, "--key-id", c[1], "--insecure-cleartext");
      assertThat(r.exit()).as(String.join(" ", c)).isEqualTo(NexusSecurityKeys.FAILED);
      assertThat(r.err()).contains(c[2]);
      assertThat(Files.readString(keyset)).isEqualTo(before);
    }
    assertThat(Cli.files(dir)).containsExactly("keyset.json");
  }

  @Test
  void list_printsIdsStatusPrimaryAndType_butNoKeyMaterial() throws Exception {
    cli.run("keyset", "create", "--out", keyset, "--insecure-cleartext");
    cli.run(
        "keyset",
        "rotate",
        "--keyset",
        keyset,
        "--key-type",
        "XCHACHA20_POLY1305",
        "--insecure-cleartext");
    KeysetHandle h = read();
    cli.run("keyset", "disable", "--keyset", keyset, "--key-id", id(h, 1), "--insecure-cleartext");

    Cli.Result r = cli.run("keyset", "list", "--keyset", keyset, "--insecure-cleartext");

    assertThat(r.exit()).isZero();
    assertThat(r.out())
        .contains("payload keyset", "in cleartext")
        .containsPattern(id(h, 0) + "\\s+ENABLED\\s+yes\\s+AES256_GCM")
        .containsPattern(id(h, 1) + "\\s+DISABLED\\s+no\\s+XCHACHA20_POLY1305");
    for (String material : Cli.keyMaterial(Files.readString(keyset))) {
      assertThat(r.all()).doesNotContain(material);
    }
  }

  @Test
  void wrap_encryptsUnderAFakeKmsKey_thatTheCodecLoads_andNeverOverwrites() throws Exception {
    cli.run("keyset", "create", "--out", keyset, "--insecure-cleartext");
    List<String> material = Cli.keyMaterial(Files.readString(keyset));
    String kek = cli.newKmsUri();
    Path wrapped = dir.resolve("wrapped.json");

    Cli.Result r = cli.run("keyset", "wrap", "--in", keyset, "--out", wrapped, "--kms-uri", kek);

    assertThat(r.exit()).as(r.all()).isZero();
    assertThat(r.out()).contains("fake-kms://<redacted>").doesNotContain(kek.substring(11));
    assertThat(Files.readString(wrapped))
        .contains("encryptedKeyset")
        .doesNotContain(material.get(0));
    TinkPayloadCodec fromWrapped =
        TinkPayloadCodec.newBuilder()
            .setKeysetSource(
                KeysetSource.kmsEncryptedJson(wrapped, new InsecureFakeKmsClient(), kek))
            .build();
    assertThat(fromWrapped.describe()).isEqualTo(codec().describe());

    String before = Files.readString(wrapped);
    assertThat(cli.run("keyset", "wrap", "--in", keyset, "--out", wrapped, "--kms-uri", kek).exit())
        .isEqualTo(NexusSecurityKeys.EXISTS);
    assertThat(Files.readString(wrapped)).isEqualTo(before);
  }

  @Test
  void wrap_withoutAKmsUri_isAUsageError_namingTheOption_andWritesNothing() throws Exception {
    cli.run("keyset", "create", "--out", keyset, "--insecure-cleartext");
    Path wrapped = dir.resolve("wrapped.json");

    Cli.Result r = cli.run("keyset", "wrap", "--in", keyset, "--out", wrapped);

    assertThat(r.exit()).as(r.all()).isEqualTo(NexusSecurityKeys.USAGE);
    assertThat(r.err()).contains("give --kms-uri URI");
    assertThat(wrapped).doesNotExist();
  }

  @Test
  void encryptedKeysets_areManagedInPlace_andNeedTheRightKmsKey() throws Exception {
    String kek = cli.newKmsUri();
    String otherKek = cli.newKmsUri();
    Cli.Result created = cli.run("keyset", "create", "--out", keyset, "--kms-uri", kek);
    assertThat(created.exit()).as(created.all()).isZero();
    assertThat(Files.readString(keyset)).contains("encryptedKeyset");
    Cli.Result rotated = cli.run("keyset", "rotate", "--keyset", keyset, "--kms-uri", kek);
    assertThat(rotated.exit()).as(rotated.all()).isZero();
    Cli.Result list = cli.run("keyset", "list", "--keyset", keyset, "--master-key-uri", kek);
    assertThat(list.exit()).isZero();
    assertThat(list.out())
        .contains("encrypted under fake-kms://<redacted>")
        .doesNotContain(kek.substring(11));

    String before = Files.readString(keyset);
    Cli.Result wrongKey = cli.run("keyset", "rotate", "--keyset", keyset, "--kms-uri", otherKek);
    assertThat(wrongKey.exit()).isEqualTo(NexusSecurityKeys.FAILED);
    assertThat(wrongKey.err())
        .contains(keyset.toString(), "encrypted under another KMS key")
        .doesNotContain(otherKek.substring(11));
    assertThat(Files.readString(keyset)).isEqualTo(before);
    Cli.Result asCleartext = cli.run("keyset", "list", "--keyset", keyset, "--insecure-cleartext");
    assertThat(asCleartext.exit()).isEqualTo(NexusSecurityKeys.FAILED);
    assertThat(asCleartext.err()).contains("looks encrypted");
  }

  @Test
  void associatedData_isRequiredToReadWhatWasWrittenWithIt() {
    String kek = cli.newKmsUri();
    assertThat(
            cli.run(
                    "keyset",
                    "create",
                    "--out",
                    keyset,
                    "--kms-uri",
                    kek,
                    "--associated-data",
                    "orders")
                .exit())
        .isZero();
    assertThat(
            cli.run(
                    "keyset",
                    "list",
                    "--keyset",
                    keyset,
                    "--kms-uri",
                    kek,
                    "--associated-data",
                    "orders")
                .exit())
        .isZero();
    assertThat(cli.run("keyset", "list", "--keyset", keyset, "--kms-uri", kek).exit())
        .isEqualTo(NexusSecurityKeys.FAILED);
  }

  @Test
  void unsupportedKmsUri_isAUsageErrorNamingWhatToDo_andWritesNothing() throws Exception {
    Cli.Result r = cli.run("keyset", "create", "--out", keyset, "--kms-uri", "aws-kms://arn:x");
    assertThat(r.exit()).isEqualTo(NexusSecurityKeys.USAGE);
    assertThat(r.err())
        .contains("no KMS client supports key URI aws-kms://arn:x", "--kms-client-class");
    assertThat(Cli.files(dir)).isEmpty();
  }

  @Test
  void malformedKeysetFile_exits1NamingIt_andIsLeftAsItWas() throws Exception {
    Files.writeString(keyset, "{\"primaryKeyId\": 1, \"key\": [");
    Cli.Result r = cli.run("keyset", "rotate", "--keyset", keyset, "--insecure-cleartext");
    assertThat(r.exit()).isEqualTo(NexusSecurityKeys.FAILED);
    assertThat(r.err()).contains(keyset.toString(), "not a valid Tink JSON keyset");
    assertThat(Files.readString(keyset)).isEqualTo("{\"primaryKeyId\": 1, \"key\": [");
    assertThat(Cli.files(dir)).containsExactly("keyset.json");
  }

  @Test
  void missingKeysetFile_exits1NamingIt() {
    Cli.Result r = cli.run("keyset", "list", "--keyset", keyset, "--insecure-cleartext");
    assertThat(r.exit()).isEqualTo(NexusSecurityKeys.FAILED);
    assertThat(r.err()).contains(keyset.toString(), "does not exist");
  }

  @Test
  void public_writesTheVerifyingHalfOfASigningKeyset_andRefusesSymmetricKeysets() throws Exception {
    Path signing = dir.resolve("signing.json");
    cli.run("keyset", "create", "--kind", "signing", "--out", signing, "--insecure-cleartext");
    Path pub = dir.resolve("signing.public.json");

    assertThat(
            cli.run("keyset", "public", "--keyset", signing, "--out", pub, "--insecure-cleartext")
                .exit())
        .isZero();

    KeysetHandle priv = KeysetSource.insecureCleartextJson(signing).load(KeysetKind.SIGNING);
    KeysetHandle verifying =
        TinkJsonProtoKeysetFormat.parseKeysetWithoutSecret(
            Files.readString(pub), SignatureConfig2026.get());
    byte[] data = "manifest".getBytes(StandardCharsets.UTF_8);
    byte[] sig = priv.getPrimitive(SignatureConfig2026.get(), PublicKeySign.class).sign(data);
    verifying.getPrimitive(SignatureConfig2026.get(), PublicKeyVerify.class).verify(sig, data);

    cli.run("keyset", "create", "--out", keyset, "--insecure-cleartext");
    Cli.Result r =
        cli.run(
            "keyset",
            "public",
            "--keyset",
            keyset,
            "--out",
            dir.resolve("p.json"),
            "--insecure-cleartext");
    assertThat(r.exit()).isEqualTo(NexusSecurityKeys.FAILED);
    assertThat(r.err()).contains("no public half");
    assertThat(dir.resolve("p.json")).doesNotExist();
  }

  @Test
  void writeIntoAMissingDirectory_exits1AndCreatesNothing() throws Exception {
    Path target = dir.resolve("missing/keyset.json");
    Cli.Result r = cli.run("keyset", "create", "--out", target, "--insecure-cleartext");
    assertThat(r.exit()).isEqualTo(NexusSecurityKeys.FAILED);
    assertThat(r.err()).contains("cannot write", "nothing was changed");
    assertThat(Cli.files(dir)).isEmpty();
  }

  @Test
  void create_everyOfferedKeyType_loadsBackAsItsKind() {
    String[][] types = {
      {
        "payload",
        "PAYLOAD_AEAD",
        "AES256_GCM",
        "AES128_GCM",
        "AES256_CTR_HMAC_SHA256",
        "AES128_CTR_HMAC_SHA256",
        "AES256_EAX",
        "CHACHA20_POLY1305",
        "XCHACHA20_POLY1305",
        "XAES_256_GCM_192_BIT_NONCE"
      },
      {"signing", "SIGNING", "ED25519", "ECDSA_P256", "ECDSA_P384"},
      {"mac", "MAC", "HMAC_SHA256_256BITTAG", "HMAC_SHA512_512BITTAG"},
      {"hpke", "KEY_AGREEMENT", "DHKEM_X25519_HKDF_SHA256_HKDF_SHA256_AES_256_GCM"}
    };
    int n = 0;
    for (String[] kind : types) {
      for (int t = 2; t < kind.length; t++) {
        Path f = dir.resolve("k" + n++ + ".json");
        Cli.Result r =
            cli.run(
                "keyset",
                "create",
                "--kind",
                kind[0],
                "--key-type",
                kind[t],
                "--out",
                f,
                "--insecure-cleartext");
        assertThat(r.exit()).as(kind[t] + ": " + r.all()).isZero();
        KeysetHandle h = KeysetSource.insecureCleartextJson(f).load(KeysetKind.valueOf(kind[1]));
        assertThat(h.size()).isEqualTo(1);
        Cli.Result list = cli.run("keyset", "list", "--keyset", f, "--insecure-cleartext");
        assertThat(list.out()).as(kind[t]).contains(kind[0] + " keyset").contains(kind[t]);
      }
    }
  }
}
