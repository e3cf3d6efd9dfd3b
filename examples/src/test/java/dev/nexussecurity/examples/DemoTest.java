package dev.nexussecurity.examples;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

/**
 * Runs the demo exactly as {@code exec:java} does (minus {@code System.exit}), so a broken demo
 * fails the build before anyone runs the README's first command.
 */
class DemoTest {
  private static final Pattern KEY_DIR = Pattern.compile("keysets in (\\S+)/keys");

  @Test
  void run_everyScenarioBehavesAsExpected_exitsZeroAndDeletesItsKeys() {
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    int status = Demo.run(new String[0], new PrintStream(bytes, true, StandardCharsets.UTF_8));
    String output = bytes.toString(StandardCharsets.UTF_8);

    assertThat(status).as(output).isZero();
    List<String> scenarioLines =
        output
            .lines()
            .filter(l -> l.matches("(PASS|FAIL)  \\d+\\. .*"))
            .collect(Collectors.toList());
    assertThat(scenarioLines)
        .as(output)
        .hasSize(DemoScenarios.SCENARIO_COUNT)
        .allMatch(l -> l.startsWith("PASS"));
    for (int i = 1; i <= DemoScenarios.SCENARIO_COUNT; i++) {
      assertThat(scenarioLines.get(i - 1)).startsWith("PASS  " + i + ". ");
    }
    assertThat(output)
        .contains("All " + DemoScenarios.SCENARIO_COUNT + " scenarios behaved as expected")
        .doesNotContain("Exception\n\tat ")
        .doesNotContain("FAIL");
    Matcher dir = KEY_DIR.matcher(output);
    assertThat(dir.find()).as(output).isTrue();
    assertThat(Files.exists(Path.of(dir.group(1)))).as("work directory deleted").isFalse();
  }

  @Test
  void run_withUnknownOption_isRefused() {
    org.assertj.core.api.Assertions.assertThatThrownBy(
            () -> Demo.run(new String[] {"--fast"}, new PrintStream(new ByteArrayOutputStream())))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("--fast");
  }
}
