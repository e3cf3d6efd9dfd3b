package dev.nexussecurity.testing;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

/**
 * The examples in the module README are compiled, tested code: each block marked {@code <!--
 * example: FILE#NAME -->} must equal the region between {@code // README-EXAMPLE-START NAME} and
 * {@code // README-EXAMPLE-END NAME} of that file, with the region's common indentation removed.
 */
class ReadmeExampleTest {
  private static final Pattern EXAMPLE =
      Pattern.compile("<!-- example: (\\S+)#(\\S+) -->\\n```java\\n(.*?)\\n```", Pattern.DOTALL);

  @Test
  void everyReadmeExample_isTheCodeOfTheRegionItNames() throws IOException {
    String readme = Files.readString(Path.of("README.md"), StandardCharsets.UTF_8);
    Matcher matcher = EXAMPLE.matcher(readme);
    int examples = 0;
    while (matcher.find()) {
      examples++;
      String region = region(Path.of(matcher.group(1)), matcher.group(2));
      assertThat(matcher.group(3)).as("README example %s", matcher.group(2)).isEqualTo(region);
    }
    assertThat(examples).as("examples in the README").isEqualTo(5);
  }

  private static String region(Path file, String name) throws IOException {
    String source = Files.readString(file, StandardCharsets.UTF_8);
    String startMarker = "// README-EXAMPLE-START " + name + "\n";
    int start = source.indexOf(startMarker);
    int end = source.indexOf("// README-EXAMPLE-END " + name);
    assertThat(start).as("%s in %s", startMarker.strip(), file).isNotNegative();
    assertThat(end).as("README-EXAMPLE-END %s in %s", name, file).isGreaterThan(start);
    List<String> lines =
        source.substring(start + startMarker.length(), end).stripTrailing().lines().toList();
    int indent =
        lines.stream()
            .filter(line -> !line.isBlank())
            .mapToInt(line -> line.length() - line.stripLeading().length())
            .min()
            .orElse(0);
    return lines.stream()
        .map(line -> line.length() < indent ? "" : line.substring(indent))
        .collect(Collectors.joining("\n"));
  }
}
