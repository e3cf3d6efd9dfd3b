package dev.nexussecurity.testing;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

/**
 * The example in the module README is compiled, tested code: it must equal the region between {@code
 * README-EXAMPLE-START} and {@code README-EXAMPLE-END} of the test it names (class indentation removed).
 */
class ReadmeExampleTest {
  private static final Pattern EXAMPLE =
      Pattern.compile("<!-- example: (\\S+) -->\\n```java\\n(.*?)\\n```", Pattern.DOTALL);

  @Test
  void readmeExample_isTheCodeOfTheTestItNames() throws IOException {
    String readme = Files.readString(Path.of("README.md"), StandardCharsets.UTF_8);
    Matcher matcher = EXAMPLE.matcher(readme);

    assertThat(matcher.find()).as("README has an <!-- example: ... --> java block").isTrue();
    String source = Files.readString(Path.of(matcher.group(1)), StandardCharsets.UTF_8);
    int start = source.indexOf("// README-EXAMPLE-START\n");
    int end = source.indexOf("// README-EXAMPLE-END");
    assertThat(start).as("README-EXAMPLE-START in %s", matcher.group(1)).isNotNegative();
    assertThat(end).as("README-EXAMPLE-END in %s", matcher.group(1)).isGreaterThan(start);
    String region =
        source
            .substring(start + "// README-EXAMPLE-START\n".length(), end)
            .stripTrailing()
            .lines()
            .map(line -> line.startsWith("  ") ? line.substring(2) : line)
            .collect(Collectors.joining("\n"));
    assertThat(matcher.group(2)).isEqualTo(region);
  }
}
