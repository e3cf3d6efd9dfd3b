package dev.nexussecurity.tools;

import static org.assertj.core.api.Assertions.assertThat;

import com.google.crypto.tink.KeyStatus;
import com.google.crypto.tink.KeysetHandle;
import dev.nexussecurity.codec.tink.TinkPayloadCodec;
import dev.nexussecurity.core.internal.keys.KeysetFiles;
import dev.nexussecurity.core.keys.KeysetSource;
import io.temporal.api.common.v1.Payload;
import io.temporal.common.converter.DefaultDataConverter;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermission;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class KeysetToolTest {
  @TempDir Path dir;
  private Path keyset;
  private final ByteArrayOutputStream out = new ByteArrayOutputStream();
  private final ByteArrayOutputStream err = new ByteArrayOutputStream();

  @BeforeEach
  void setUp() {
    keyset = dir.resolve("keyset.json");
  }

  private int run(String... args) {
    out.reset();
    err.reset();
    return new KeysetTool(
            List.of(),
            new PrintStream(out, true, StandardCharsets.UTF_8),
            new PrintStream(err, true, StandardCharsets.UTF_8))
        .run(args);
  }

  private String out() {
    return out.toString(StandardCharsets.UTF_8);
  }

  private String err() {
    return err.toString(StandardCharsets.UTF_8);
  }

  private KeysetHandle read() {
    return KeysetFiles.readCleartext(keyset, dev.nexussecurity.core.keys.KeysetKind.PAYLOAD_AEAD);
  }

  private static String id(KeysetHandle h, int i) {
    return Integer.toUnsignedString(h.getAt(i).getId());
  }

  private String keyMaterial() throws Exception {
    return Files.readString(keyset).replaceAll("(?s).*\"value\":\"([^\"]+)\".*", "$1");
  }

  @Test
  void create_writesAnOwnerOnlyKeysetWithOnePrimaryAes256GcmKey() throws Exception {
    assertThat(run("create", "--keyset", keyset.toString())).isZero();
    KeysetHandle h = read();
    assertThat(h.size()).isEqualTo(1);
    assertThat(h.getAt(0).isPrimary()).isTrue();
    assertThat(h.getAt(0).getKey().getParameters().toString()).contains("AesGcm", "32-byte key");
    assertThat(out()).contains("primary key " + id(h, 0));
    assertThat(Files.getPosixFilePermissions(keyset))
        .containsExactlyInAnyOrder(PosixFilePermission.OWNER_READ, PosixFilePermission.OWNER_WRITE);
  }

  @Test
  void create_overAnExistingFile_failsAndLeavesItUntouched() throws Exception {
    run("create", "--keyset", keyset.toString());
    String before = Files.readString(keyset);
    assertThat(run("create", "--keyset", keyset.toString())).isEqualTo(KeysetTool.EXIT_FAILED);
    assertThat(err()).contains("already exists");
    assertThat(Files.readString(keyset)).isEqualTo(before);
  }

  @Test
  void create_withKeyType_usesIt() {
    assertThat(run("create", "--keyset", keyset.toString(), "--key-type", "CHACHA20_POLY1305"))
        .isZero();
    assertThat(read().getAt(0).getKey().getParameters().toString()).contains("ChaCha20Poly1305");
    assertThat(run("create", "--keyset", dir.resolve("x").toString(), "--key-type", "DES"))
        .isEqualTo(KeysetTool.EXIT_USAGE);
    assertThat(err()).contains("unknown --key-type 'DES'", "AES256_GCM");
  }

  @Test
  void fullRotation_addPromoteDisableEnableDelete_andTheCodecFollows() {
    run("create", "--keyset", keyset.toString());
    Payload p = DefaultDataConverter.newDefaultInstance().toPayload("kept").orElseThrow();
    List<Payload> underA = codec().encode(List.of(p));
    String a = id(read(), 0);

    assertThat(run("add-key", "--keyset", keyset.toString())).isZero();
    KeysetHandle h = read();
    assertThat(h.size()).isEqualTo(2);
    String b = id(h, 1);
    assertThat(out()).contains("added key " + b);
    assertThat(h.getAt(1).isPrimary()).isFalse();
    assertThat(codec().describe().getEncryptionKeyId()).contains("default/" + a);

    assertThat(run("promote", "--keyset", keyset.toString(), "--key-id", b)).isZero();
    h = read();
    assertThat(h.getPrimary().getId()).isEqualTo(h.getAt(1).getId());
    assertThat(h.getAt(0).isPrimary()).isFalse();
    assertThat(codec().describe().getEncryptionKeyId()).contains("default/" + b);
    assertThat(codec().decode(underA)).containsExactly(p);

    assertThat(run("disable", "--keyset", keyset.toString(), "--key-id", a)).isZero();
    assertThat(read().getAt(0).getStatus()).isEqualTo(KeyStatus.DISABLED);
    assertThat(codec().describe().getDecryptionKeyIds()).containsExactly("default/" + b);

    assertThat(run("enable", "--keyset", keyset.toString(), "--key-id", a)).isZero();
    assertThat(codec().decode(underA)).containsExactly(p);

    assertThat(run("delete", "--keyset", keyset.toString(), "--key-id", a)).isZero();
    assertThat(read().size()).isEqualTo(1);
    assertThat(out()).contains("can no longer be decrypted");
  }

  private TinkPayloadCodec codec() {
    return TinkPayloadCodec.newBuilder()
        .setKeysetSource(KeysetSource.insecureCleartextJson(keyset))
        .build();
  }

  @Test
  void refusedChanges_failAndLeaveTheFileUntouched() throws Exception {
    run("create", "--keyset", keyset.toString());
    run("add-key", "--keyset", keyset.toString());
    KeysetHandle h = read();
    String primary = id(h, 0);
    String other = id(h, 1);
    run("disable", "--keyset", keyset.toString(), "--key-id", other);
    String before = Files.readString(keyset);

    List<String[]> refused = new ArrayList<>();
    refused.add(new String[] {"disable", "--keyset", keyset.toString(), "--key-id", primary});
    refused.add(new String[] {"delete", "--keyset", keyset.toString(), "--key-id", primary});
    refused.add(new String[] {"promote", "--keyset", keyset.toString(), "--key-id", other});
    refused.add(new String[] {"promote", "--keyset", keyset.toString(), "--key-id", "12345"});
    List<String> messages =
        List.of(
            "promote another key first",
            "promote another key first",
            "enable it before promoting",
            "has no key 12345");
    for (int i = 0; i < refused.size(); i++) {
      assertThat(run(refused.get(i)))
          .as(String.join(" ", refused.get(i)))
          .isEqualTo(KeysetTool.EXIT_FAILED);
      assertThat(err()).contains(messages.get(i));
      assertThat(Files.readString(keyset)).isEqualTo(before);
    }
  }

  @Test
  void list_printsIdsStatusPrimaryAndType_butNoKeyMaterial() throws Exception {
    run("create", "--keyset", keyset.toString());
    run("add-key", "--keyset", keyset.toString(), "--key-type", "XCHACHA20_POLY1305");
    KeysetHandle h = read();
    run("disable", "--keyset", keyset.toString(), "--key-id", id(h, 1));
    String material = keyMaterial();

    assertThat(run("list", "--keyset", keyset.toString())).isZero();
    assertThat(out())
        .contains("(cleartext)")
        .containsPattern(id(h, 0) + "\\s+ENABLED\\s+yes\\s+AES256_GCM")
        .containsPattern(id(h, 1) + "\\s+DISABLED\\s+no\\s+XCHACHA20_POLY1305")
        .doesNotContain(material);
  }

  @Test
  void wrap_encryptsUnderAFakeKmsKey_thatTheCodecLoads_andNeverOverwrites() throws Exception {
    run("create", "--keyset", keyset.toString());
    String material = keyMaterial();
    assertThat(run("new-fake-kms-uri")).isZero();
    String kek = out().trim();
    assertThat(kek).startsWith("fake-kms://");
    Path wrapped = dir.resolve("wrapped.json");

    assertThat(
            run(
                "wrap",
                "--in",
                keyset.toString(),
                "--out",
                wrapped.toString(),
                "--master-key-uri",
                kek))
        .isZero();
    assertThat(out()).contains("fake-kms://<redacted>").doesNotContain(kek.substring(11));
    assertThat(Files.readString(wrapped)).contains("encryptedKeyset").doesNotContain(material);

    TinkPayloadCodec fromWrapped =
        TinkPayloadCodec.newBuilder()
            .setKeysetSource(
                KeysetSource.kmsEncryptedJson(wrapped, new InsecureFakeKmsClient(), kek))
            .build();
    assertThat(fromWrapped.describe()).isEqualTo(codec().describe());

    String before = Files.readString(wrapped);
    assertThat(
            run(
                "wrap",
                "--in",
                keyset.toString(),
                "--out",
                wrapped.toString(),
                "--master-key-uri",
                kek))
        .isEqualTo(KeysetTool.EXIT_FAILED);
    assertThat(Files.readString(wrapped)).isEqualTo(before);
  }

  @Test
  void encryptedKeysets_areManagedInPlace_andNeedTheRightKmsKey() throws Exception {
    run("new-fake-kms-uri");
    String kek = out().trim();
    run("new-fake-kms-uri");
    String otherKek = out().trim();
    assertThat(run("create", "--keyset", keyset.toString(), "--master-key-uri", kek)).isZero();
    assertThat(Files.readString(keyset)).contains("encryptedKeyset");
    assertThat(run("add-key", "--keyset", keyset.toString(), "--master-key-uri", kek)).isZero();
    assertThat(run("list", "--keyset", keyset.toString(), "--master-key-uri", kek)).isZero();
    assertThat(out())
        .contains("encrypted under fake-kms://<redacted>")
        .doesNotContain(kek.substring(11));

    String before = Files.readString(keyset);
    assertThat(run("add-key", "--keyset", keyset.toString(), "--master-key-uri", otherKek))
        .isEqualTo(KeysetTool.EXIT_FAILED);
    assertThat(err())
        .contains("encrypted under another KMS key")
        .doesNotContain(otherKek.substring(11));
    assertThat(Files.readString(keyset)).isEqualTo(before);
    assertThat(run("list", "--keyset", keyset.toString())).isEqualTo(KeysetTool.EXIT_FAILED);
    assertThat(err()).contains("looks encrypted");
  }

  @Test
  void associatedData_isRequiredToReadWhatWasWrittenWithIt() {
    run("new-fake-kms-uri");
    String kek = out().trim();
    assertThat(
            run(
                "create",
                "--keyset",
                keyset.toString(),
                "--master-key-uri",
                kek,
                "--associated-data",
                "orders"))
        .isZero();
    assertThat(
            run(
                "list",
                "--keyset",
                keyset.toString(),
                "--master-key-uri",
                kek,
                "--associated-data",
                "orders"))
        .isZero();
    assertThat(run("list", "--keyset", keyset.toString(), "--master-key-uri", kek))
        .isEqualTo(KeysetTool.EXIT_FAILED);
  }

  @Test
  void unsupportedKmsUri_failsClearly() {
    assertThat(run("create", "--keyset", keyset.toString(), "--master-key-uri", "aws-kms://arn:x"))
        .isEqualTo(KeysetTool.EXIT_FAILED);
    assertThat(err()).contains("no KMS client supports key URI aws-kms://arn:x");
    assertThat(keyset).doesNotExist();
  }

  @Test
  void badCommandLines_printUsageAndExit2() {
    assertThat(run()).isEqualTo(KeysetTool.EXIT_USAGE);
    assertThat(err()).contains("Usage: KeysetTool");
    assertThat(run("frobnicate")).isEqualTo(KeysetTool.EXIT_USAGE);
    assertThat(err()).contains("unknown command 'frobnicate'");
    assertThat(run("create")).isEqualTo(KeysetTool.EXIT_USAGE);
    assertThat(err()).contains("--keyset is required");
    assertThat(run("create", "--keyset")).isEqualTo(KeysetTool.EXIT_USAGE);
    assertThat(err()).contains("needs a value");
    assertThat(run("list", "--keyset", "a", "--key-id", "1")).isEqualTo(KeysetTool.EXIT_USAGE);
    assertThat(err()).contains("--key-id is not valid");
    assertThat(run("promote", "--keyset", "a", "--key-id", "-5")).isEqualTo(KeysetTool.EXIT_USAGE);
    assertThat(err()).contains("unsigned decimal");
    assertThat(run("list", "--keyset", "a", "--keyset", "b")).isEqualTo(KeysetTool.EXIT_USAGE);
    assertThat(err()).contains("given twice");
    assertThat(run("--help")).isZero();
  }

  @Test
  void missingKeysetFile_failsNamingIt() {
    assertThat(run("list", "--keyset", keyset.toString())).isEqualTo(KeysetTool.EXIT_FAILED);
    assertThat(err()).contains(keyset.toString(), "does not exist");
  }
}
