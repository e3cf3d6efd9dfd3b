package dev.nexussecurity.tools;

import static org.assertj.core.api.Assertions.assertThat;

import dev.nexussecurity.core.keys.KeysetSource;
import dev.nexussecurity.core.keys.NamespaceKeyDirectory;
import dev.nexussecurity.core.keys.NamespaceKeys;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The shaded jar ({@code nexus-security-tools-<version>-all.jar}) as a plain {@code java -jar}
 * process, without this module's class path. Runs in the package phase, after the jar is built.
 */
class NexusSecurityKeysJarTest {
  @TempDir Path dir;

  private record Run(int exit, String output) {}

  private Run java(Object... args) throws Exception {
    String jar = System.getProperty("tools.jar");
    assertThat(Path.of(jar)).exists();
    List<String> command = new ArrayList<>();
    command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
    command.add("-jar");
    command.add(jar);
    for (Object a : args) {
      command.add(String.valueOf(a));
    }
    Path out = Files.createTempFile(dir, "out", ".txt");
    ProcessBuilder pb =
        new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(out.toFile());
    pb.environment().remove("CLASSPATH");
    Process p = pb.start();
    assertThat(p.waitFor(60, TimeUnit.SECONDS)).isTrue();
    return new Run(p.exitValue(), Files.readString(out, StandardCharsets.UTF_8));
  }

  @BeforeEach
  void onlyOnceTheJarIsBuilt() {
    // the pom's package-phase execution sets tools.jar; the test-phase run (before the jar exists)
    // skips this class
    Assumptions.assumeTrue(System.getProperty("tools.jar") != null, "tools.jar not built yet");
  }

  private static String uri2() throws Exception {
    return InsecureFakeKmsClient.newKeyUri();
  }

  @Test
  void namespaceKeysToDirectory_withAFakeKms_asPlainJavaProcesses() throws Exception {
    Run version = java("--version");
    assertThat(version.exit()).as(version.output()).isZero();
    assertThat(version.output()).contains("nexus-security-keys", "0.");

    Run uri = java("kms", "new-fake-uri");
    assertThat(uri.exit()).as(uri.output()).isZero();
    String kek =
        uri.output().lines().filter(l -> l.startsWith("fake-kms://")).findFirst().orElseThrow();
    Path keys = dir.resolve("orders.keys.json");
    Path pub = dir.resolve("orders.public.json");
    Path directory = dir.resolve("key-directory.json");

    Run create =
        java(
            "namespace-keys",
            "create",
            "--namespace",
            "orders",
            "--out",
            keys,
            "--with-signature-key",
            "--kms-uri",
            kek);
    assertThat(create.exit()).as(create.output()).isZero();
    assertThat(create.output()).doesNotContain(kek.substring(11));
    Run export =
        java("namespace-keys", "export-public", "--keys", keys, "--out", pub, "--kms-uri", kek);
    assertThat(export.exit()).as(export.output()).isZero();
    Run add = java("directory", "add", "--directory", directory, "--from", pub);
    assertThat(add.exit()).as(add.output()).isZero();

    NamespaceKeys loaded =
        NamespaceKeys.load(KeysetSource.kmsEncryptedJson(keys, new InsecureFakeKmsClient(), kek));
    assertThat(NamespaceKeyDirectory.load(directory).findNamespace("orders").orElseThrow())
        .isEqualTo(loaded.toPublicKeys());

    Path signing = dir.resolve("signing.json");
    Run keyset = java("keyset", "create", "--kind", "signing", "--out", signing, "--kms-uri", kek);
    assertThat(keyset.exit()).as(keyset.output()).isZero();
    Run rotate = java("keyset", "rotate", "--keyset", signing, "--kms-uri", kek);
    assertThat(rotate.exit()).as(rotate.output()).isZero();
    Run list = java("keyset", "list", "--keyset", signing, "--kms-uri", kek);
    assertThat(list.exit()).as(list.output()).isZero();
    assertThat(list.output()).contains("signing keyset", "ED25519");
    Run wrongKek = java("keyset", "list", "--keyset", signing, "--kms-uri", uri2());
    assertThat(wrongKek.exit()).as(wrongKek.output()).isEqualTo(NexusSecurityKeys.FAILED);
    Run show = java("directory", "show", "--directory", directory);
    assertThat(show.exit()).as(show.output()).isZero();
    assertThat(show.output()).contains("orders");

    Run exists =
        java("namespace-keys", "create", "--namespace", "orders", "--out", keys, "--kms-uri", kek);
    assertThat(exists.exit()).isEqualTo(NexusSecurityKeys.EXISTS);
    Run usage = java("keyset", "create", "--out", dir.resolve("k.json"));
    assertThat(usage.exit()).isEqualTo(NexusSecurityKeys.USAGE);
    assertThat(usage.output()).contains("--insecure-cleartext");
  }
}
