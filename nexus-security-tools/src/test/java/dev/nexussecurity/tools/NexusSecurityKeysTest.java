package dev.nexussecurity.tools;

import static org.assertj.core.api.Assertions.assertThat;

import com.google.crypto.tink.Aead;
import com.google.crypto.tink.KmsClient;
import dev.nexussecurity.core.keys.KeysetKind;
import dev.nexussecurity.core.keys.KeysetSource;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The command as a whole: help, usage errors, KMS clients and exit codes. */
class NexusSecurityKeysTest {
  @TempDir Path dir;
  private final Cli cli = new Cli();

  @Test
  void help_listsEveryCommandGroupAndTheExitCodes() {
    Cli.Result r = cli.run("--help");
    assertThat(r.exit()).isZero();
    assertThat(r.out())
        .contains("keyset", "namespace-keys", "directory", "kms")
        .contains("Exit codes:", "3", "--force", "4", "retry");
  }

  @Test
  void exitCodeConstants_areTheDocumentedNumbers() {
    assertThat(
            new int[] {
              NexusSecurityKeys.OK,
              NexusSecurityKeys.FAILED,
              NexusSecurityKeys.USAGE,
              NexusSecurityKeys.EXISTS,
              NexusSecurityKeys.KMS_UNAVAILABLE
            })
        .containsExactly(0, 1, 2, 3, 4);
  }

  @Test
  void badCommandLines_exit2WithUsage() {
    assertThat(cli.run().exit()).isEqualTo(NexusSecurityKeys.USAGE);
    Cli.Result unknown = cli.run("frobnicate");
    assertThat(unknown.exit()).isEqualTo(NexusSecurityKeys.USAGE);
    assertThat(unknown.err()).contains("frobnicate");
    Cli.Result missing = cli.run("keyset", "create", "--insecure-cleartext");
    assertThat(missing.exit()).isEqualTo(NexusSecurityKeys.USAGE);
    assertThat(missing.err()).contains("--out");
    Cli.Result badId =
        cli.run("keyset", "promote", "--keyset", "a", "--key-id", "-5", "--insecure-cleartext");
    assertThat(badId.exit()).isEqualTo(NexusSecurityKeys.USAGE);
    assertThat(badId.err()).contains("unsigned decimal");
    Cli.Result badKind =
        cli.run(
            "keyset", "create", "--out", dir.resolve("k"), "--kind", "rsa", "--insecure-cleartext");
    assertThat(badKind.exit()).isEqualTo(NexusSecurityKeys.USAGE);
    assertThat(badKind.err()).contains("--kind");
  }

  @Test
  void usageErrors_neverEchoAFakeKmsKey() {
    String kek = cli.newKmsUri();
    Cli.Result r = cli.run("keyset", "create", "--kms-uri", kek, "--bogus", kek);
    assertThat(r.exit()).isEqualTo(NexusSecurityKeys.USAGE);
    assertThat(r.all()).doesNotContain(kek.substring(11));
  }

  @Test
  void kmsNewFakeUri_printsAUriTheFakeClientAccepts_andWarns() throws Exception {
    Cli.Result r = cli.run("kms", "new-fake-uri");
    assertThat(r.exit()).isZero();
    assertThat(r.err()).contains("local trials only");
    assertThat(new InsecureFakeKmsClient().getAead(r.out().trim())).isNotNull();
  }

  /** A KMS that cannot be reached. */
  static final class UnreachableKms implements KmsClient {
    @Override
    public boolean doesSupport(String keyUri) {
      return keyUri.startsWith("test-kms://");
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
      throw new GeneralSecurityException("connect timed out", new java.net.ConnectException());
    }
  }

  /** A KMS client loaded by class name: wraps keys with the fake KMS under its own URI scheme. */
  public static final class ByNameKms implements KmsClient {
    static volatile String credentialsSeen;

    @Override
    public boolean doesSupport(String keyUri) {
      return keyUri.startsWith("byname-kms://");
    }

    @Override
    public KmsClient withCredentials(String credentialPath) {
      credentialsSeen = credentialPath;
      return this;
    }

    @Override
    public KmsClient withDefaultCredentials() {
      credentialsSeen = "default";
      return this;
    }

    @Override
    public Aead getAead(String keyUri) throws GeneralSecurityException {
      return new InsecureFakeKmsClient()
          .getAead("fake-kms://" + keyUri.substring("byname-kms://".length()));
    }
  }

  @Test
  void unreachableKms_exits4_andWritesNothing() throws Exception {
    Cli withKms = new Cli(new UnreachableKms());
    Cli.Result r =
        withKms.run(
            "keyset", "create", "--out", dir.resolve("k.json"), "--kms-uri", "test-kms://key1");
    assertThat(r.exit()).as(r.all()).isEqualTo(NexusSecurityKeys.KMS_UNAVAILABLE);
    assertThat(r.err()).contains("test-kms://key1", "retry");
    assertThat(Cli.files(dir)).isEmpty();
  }

  @Test
  void kmsClientClass_isLoadedByName_withCredentials() {
    String fake = cli.newKmsUri();
    String uri = "byname-kms://" + fake.substring("fake-kms://".length());
    Path k = dir.resolve("k.json");

    Cli.Result r =
        cli.run(
            "keyset",
            "create",
            "--out",
            k,
            "--kms-uri",
            uri,
            "--kms-client-class",
            ByNameKms.class.getName(),
            "--kms-credentials",
            "/etc/creds.json");

    assertThat(r.exit()).as(r.all()).isZero();
    assertThat(ByNameKms.credentialsSeen).isEqualTo("/etc/creds.json");
    assertThat(
            KeysetSource.kmsEncryptedJson(k, new ByNameKms(), uri)
                .load(KeysetKind.PAYLOAD_AEAD)
                .size())
        .isEqualTo(1);
    Cli.Result missingClass =
        cli.run(
            "keyset",
            "list",
            "--keyset",
            k,
            "--kms-uri",
            uri,
            "--kms-client-class",
            "com.example.NoSuchKms");
    assertThat(missingClass.exit()).isEqualTo(NexusSecurityKeys.USAGE);
    assertThat(missingClass.err()).contains("not on the class path");
    Cli.Result notAClient =
        cli.run(
            "keyset",
            "list",
            "--keyset",
            k,
            "--kms-uri",
            uri,
            "--kms-client-class",
            String.class.getName());
    assertThat(notAClient.exit()).isEqualTo(NexusSecurityKeys.USAGE);
    assertThat(notAClient.err()).contains("not a com.google.crypto.tink.KmsClient");
  }

  /** The fake KMS under another scheme, which can be switched off to play an outage. */
  static final class SwitchableKms implements KmsClient {
    volatile boolean reachable = true;

    @Override
    public boolean doesSupport(String keyUri) {
      return keyUri.startsWith("switch-kms://");
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
      if (!reachable) {
        throw new GeneralSecurityException("connect timed out", new java.net.ConnectException());
      }
      return new InsecureFakeKmsClient()
          .getAead("fake-kms://" + keyUri.substring("switch-kms://".length()));
    }
  }

  @Test
  void kmsOutageDuringARotation_exits4_andTheNamespaceKeysFileIsUnchanged() throws Exception {
    SwitchableKms kms = new SwitchableKms();
    Cli withKms = new Cli(kms);
    String uri = "switch-kms://" + cli.newKmsUri().substring("fake-kms://".length());
    Path keys = dir.resolve("orders.keys.json");
    Cli.Result created =
        withKms.run(
            "namespace-keys", "create", "--namespace", "orders", "--out", keys, "--kms-uri", uri);
    assertThat(created.exit()).as(created.all()).isZero();
    String before = java.nio.file.Files.readString(keys);

    kms.reachable = false;
    Cli.Result r = withKms.run("namespace-keys", "rotate", "--keys", keys, "--kms-uri", uri);

    assertThat(r.exit()).as(r.all()).isEqualTo(NexusSecurityKeys.KMS_UNAVAILABLE);
    assertThat(java.nio.file.Files.readString(keys)).isEqualTo(before);
    assertThat(Cli.files(dir)).containsExactly("orders.keys.json");
  }
}
