package dev.nexussecurity.tools;

import static org.assertj.core.api.Assertions.assertThat;

import com.google.crypto.tink.KeysetHandle;
import dev.nexussecurity.core.keys.KeysetSource;
import dev.nexussecurity.core.keys.NamespaceKeyDirectory;
import dev.nexussecurity.core.keys.NamespaceKeys;
import dev.nexussecurity.core.keys.NamespacePublicKeys;
import dev.nexussecurity.core.keys.PayloadAcceptance;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code nexus-security-keys directory ...} end to end, in this JVM. */
class DirectoryCommandsTest {
  @TempDir Path dir;
  private final Cli cli = new Cli();
  private Path directory;
  private Path ordersKeys;
  private Path ordersPublic;

  @BeforeEach
  void setUp() {
    directory = dir.resolve("key-directory.json");
    ordersKeys = dir.resolve("orders.keys.json");
    ordersPublic = dir.resolve("orders.public.json");
    ok(
        "namespace-keys",
        "create",
        "--namespace",
        "orders",
        "--out",
        ordersKeys,
        "--with-signature-key",
        "--insecure-cleartext");
    ok(
        "namespace-keys",
        "export-public",
        "--keys",
        ordersKeys,
        "--out",
        ordersPublic,
        "--insecure-cleartext");
  }

  private Cli.Result ok(Object... args) {
    Cli.Result r = cli.run(args);
    assertThat(r.exit()).as(r.all()).isZero();
    return r;
  }

  private NamespacePublicKeys orders() {
    return NamespaceKeyDirectory.load(directory).findNamespace("orders").orElseThrow();
  }

  private NamespaceKeys ordersPrivate() {
    return NamespaceKeys.load(KeysetSource.insecureCleartextJson(ordersKeys));
  }

  private static String id(KeysetHandle h, int i) {
    return Integer.toUnsignedString(h.getAt(i).getId());
  }

  @Test
  void add_createsTheDirectory_thenAddsMoreNamespaces_andRefusesADuplicate() throws Exception {
    Cli.Result created = ok("directory", "add", "--directory", directory, "--from", ordersPublic);
    assertThat(created.out()).contains("created", "orders");
    assertThat(orders()).isEqualTo(ordersPrivate().toPublicKeys());

    Path paymentsKeys = dir.resolve("payments.keys.json");
    Path paymentsPublic = dir.resolve("payments.public.json");
    ok(
        "namespace-keys",
        "create",
        "--namespace",
        "payments",
        "--out",
        paymentsKeys,
        "--insecure-cleartext");
    ok(
        "namespace-keys",
        "export-public",
        "--keys",
        paymentsKeys,
        "--out",
        paymentsPublic,
        "--insecure-cleartext");
    ok("directory", "add", "--directory", directory, "--from", paymentsPublic);
    assertThat(NamespaceKeyDirectory.load(directory).getNamespaces())
        .containsExactlyInAnyOrder("orders", "payments");

    String before = Files.readString(directory);
    Cli.Result dup = cli.run("directory", "add", "--directory", directory, "--from", ordersPublic);
    assertThat(dup.exit()).isEqualTo(NexusSecurityKeys.FAILED);
    assertThat(dup.err()).contains("already in", "directory rotate");
    assertThat(Files.readString(directory)).isEqualTo(before);
  }

  @Test
  void rotate_replacesTheKeys_keepingRevokedIdsAndPayloadSettings() {
    ok("directory", "add", "--directory", directory, "--from", ordersPublic);
    String signatureId = id(ordersPrivate().getSignatureKeys().get(), 0);
    NamespaceKeyDirectory d = NamespaceKeyDirectory.load(directory);
    d.toBuilder()
        .put(
            orders().toBuilder()
                .setPayloadAcceptance(PayloadAcceptance.newBuilder().setHpke(true).build())
                .build())
        .build()
        .save(directory);
    ok("namespace-keys", "rotate", "--keys", ordersKeys, "--signature", "--insecure-cleartext");
    String newSignatureId = id(ordersPrivate().getSignatureKeys().get(), 1);
    ok(
        "namespace-keys",
        "promote",
        "--keys",
        ordersKeys,
        "--key-id",
        newSignatureId,
        "--insecure-cleartext");
    ok(
        "directory",
        "revoke",
        "--directory",
        directory,
        "--namespace",
        "orders",
        "--key-id",
        signatureId);
    ok(
        "namespace-keys",
        "export-public",
        "--keys",
        ordersKeys,
        "--out",
        ordersPublic,
        "--insecure-cleartext",
        "--force");

    Cli.Result r = ok("directory", "rotate", "--directory", directory, "--from", ordersPublic);

    assertThat(r.out()).contains("replaced the keys of orders");
    NamespacePublicKeys now = orders();
    assertThat(now.getSignatureKeys().get().size()).isEqualTo(2);
    assertThat(now.isRevoked(Integer.parseUnsignedInt(signatureId))).isTrue();
    assertThat(now.getPayloadAcceptance().orElseThrow().isHpke()).isTrue();
  }

  @Test
  void rotate_ofAnUnknownNamespace_isRefused() throws Exception {
    Path paymentsKeys = dir.resolve("payments.keys.json");
    Path paymentsPublic = dir.resolve("payments.public.json");
    ok(
        "namespace-keys",
        "create",
        "--namespace",
        "payments",
        "--out",
        paymentsKeys,
        "--insecure-cleartext");
    ok(
        "namespace-keys",
        "export-public",
        "--keys",
        paymentsKeys,
        "--out",
        paymentsPublic,
        "--insecure-cleartext");
    ok("directory", "add", "--directory", directory, "--from", ordersPublic);
    String before = Files.readString(directory);

    Cli.Result r =
        cli.run("directory", "rotate", "--directory", directory, "--from", paymentsPublic);

    assertThat(r.exit()).isEqualTo(NexusSecurityKeys.FAILED);
    assertThat(r.err()).contains("payments is not in", "directory add");
    assertThat(Files.readString(directory)).isEqualTo(before);
  }

  @Test
  void revoke_marksAKeyRevoked_refusesThePrimaryAgreementKeyAndUnknownIds() throws Exception {
    ok("directory", "add", "--directory", directory, "--from", ordersPublic);
    ok("namespace-keys", "rotate", "--keys", ordersKeys, "--insecure-cleartext");
    ok(
        "namespace-keys",
        "export-public",
        "--keys",
        ordersKeys,
        "--out",
        ordersPublic,
        "--insecure-cleartext",
        "--force");
    ok("directory", "rotate", "--directory", directory, "--from", ordersPublic);
    String primary = id(ordersPrivate().getAgreementKeys(), 0);
    String second = id(ordersPrivate().getAgreementKeys(), 1);
    String before = Files.readString(directory);

    Cli.Result primaryRevoked =
        cli.run(
            "directory",
            "revoke",
            "--directory",
            directory,
            "--namespace",
            "orders",
            "--key-id",
            primary);
    assertThat(primaryRevoked.exit()).isEqualTo(NexusSecurityKeys.FAILED);
    assertThat(primaryRevoked.err()).contains("is revoked; promote another key first");
    Cli.Result unknown =
        cli.run(
            "directory",
            "revoke",
            "--directory",
            directory,
            "--namespace",
            "orders",
            "--key-id",
            "42");
    assertThat(unknown.exit()).isEqualTo(NexusSecurityKeys.FAILED);
    assertThat(unknown.err()).contains("has no key 42");
    Cli.Result unknownNamespace =
        cli.run(
            "directory",
            "revoke",
            "--directory",
            directory,
            "--namespace",
            "billing",
            "--key-id",
            second);
    assertThat(unknownNamespace.exit()).isEqualTo(NexusSecurityKeys.FAILED);
    assertThat(Files.readString(directory)).isEqualTo(before);

    ok(
        "directory",
        "revoke",
        "--directory",
        directory,
        "--namespace",
        "orders",
        "--key-id",
        second);
    assertThat(orders().isRevoked(Integer.parseUnsignedInt(second))).isTrue();
    assertThat(orders().usableAgreementKey(Integer.parseUnsignedInt(second))).isNull();
  }

  @Test
  void show_listsNamespacesKeysAndRevocations() {
    ok("directory", "add", "--directory", directory, "--from", ordersPublic);
    String agreement = id(ordersPrivate().getAgreementKeys(), 0);
    String signature = id(ordersPrivate().getSignatureKeys().get(), 0);

    Cli.Result r = ok("directory", "show", "--directory", directory);

    assertThat(r.out())
        .contains("1 namespace(s)")
        .containsPattern("orders\\s+agreement\\s+" + agreement + "\\s+ENABLED\\s+yes\\s+no")
        .containsPattern("orders\\s+signature\\s+" + signature + "\\s+ENABLED\\s+yes\\s+no");
  }

  @Test
  void remove_dropsANamespace() {
    ok("directory", "add", "--directory", directory, "--from", ordersPublic);
    ok("directory", "remove", "--directory", directory, "--namespace", "orders");
    assertThat(NamespaceKeyDirectory.load(directory).getNamespaces()).isEmpty();
  }

  @Test
  void malformedOrPrivateInput_exit1NamingTheFile_andNothingIsWritten() throws Exception {
    Files.writeString(
        directory, "{\"schemaVersion\": 1, \"namespaces\": {\"orders\": {\"x\": 1}}}");
    Cli.Result malformed = cli.run("directory", "show", "--directory", directory);
    assertThat(malformed.exit()).isEqualTo(NexusSecurityKeys.FAILED);
    assertThat(malformed.err()).contains(directory.toString(), "line 1");

    Path emptyDirectory = dir.resolve("d2.json");
    Cli.Result privateAsPublic =
        cli.run("directory", "add", "--directory", emptyDirectory, "--from", ordersKeys);
    assertThat(privateAsPublic.exit()).isEqualTo(NexusSecurityKeys.FAILED);
    assertThat(privateAsPublic.err()).contains(ordersKeys.toString());
    assertThat(emptyDirectory).doesNotExist();

    Cli.Result missing = cli.run("directory", "show", "--directory", dir.resolve("nope.json"));
    assertThat(missing.exit()).isEqualTo(NexusSecurityKeys.FAILED);
    assertThat(missing.err()).contains("nope.json", "does not exist");
  }
}
