package dev.nexussecurity.controlplane;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The command line: the README's development configuration, usage errors, refusals. */
class ControlPlaneServerMainTest {
  final ByteArrayOutputStream out = new ByteArrayOutputStream();
  final ByteArrayOutputStream err = new ByteArrayOutputStream();

  private int run(String... args) {
    return ControlPlaneServer.run(
        args,
        new PrintStream(out, true, StandardCharsets.UTF_8),
        new PrintStream(err, true, StandardCharsets.UTF_8));
  }

  @Test
  void readmeDevelopmentConfiguration_isValid_andItsKeysLoad() {
    assertThat(run("--config", "config/dev-server.json", "--check")).isEqualTo(0);
    assertThat(out.toString(StandardCharsets.UTF_8)).contains("is valid; keys loaded");
  }

  @Test
  void productionExample_parses_andFailsOnlyOnItsMissingFiles() {
    assertThat(run("--config", "config/production-example.json", "--check")).isEqualTo(1);
    // secure as written: the only problem is that its keyset files and KMS are not here
    assertThat(err.toString(StandardCharsets.UTF_8))
        .contains("no KMS client supports kmsKeyUri")
        .doesNotContain("INSECURE")
        .doesNotContain("insecureDevelopmentMode");
  }

  @Test
  void insecureConfiguration_exits1_sayingHowToFixIt(@TempDir Path dir) throws Exception {
    Path config = dir.resolve("server.json");
    Files.writeString(
        config,
        "{\"listen\": {\"host\": \"0.0.0.0\"}, \"codec\": {\"namespaces\": [{\"namespace\": \"a\","
            + " \"keysets\": [{\"name\": \"k\", \"file\": \"k.json\"}]}]}}");

    assertThat(run("--config", config.toString())).isEqualTo(1);
    assertThat(err.toString(StandardCharsets.UTF_8))
        .contains("tls is not configured")
        .contains("Configure authentication.oidc")
        .contains("insecureDevelopmentMode");
  }

  @Test
  void badCommandLine_exits2() {
    assertThat(run()).isEqualTo(2);
    assertThat(run("--config")).isEqualTo(2);
    assertThat(run("--verbose")).isEqualTo(2);
    assertThat(err.toString(StandardCharsets.UTF_8)).contains("usage:");
  }
}
