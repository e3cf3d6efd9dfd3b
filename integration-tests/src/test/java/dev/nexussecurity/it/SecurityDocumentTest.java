package dev.nexussecurity.it;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * SECURITY.md names, for every guarantee, the test that attacks it ({@code `SomeTest.method`}).
 * This test fails when a named test class or method does not exist in any module's test sources, so
 * a guarantee cannot outlive its attack test.
 */
class SecurityDocumentTest {
  private static final Pattern TEST_REFERENCE =
      Pattern.compile("`([A-Z][A-Za-z0-9]*Test)(?:[.#]([a-z][A-Za-z0-9_]*))?`");

  @Test
  void everyTestNamedInSecurityMd_exists() throws IOException {
    Path root = repositoryRoot();
    String document = Files.readString(root.resolve("SECURITY.md"), StandardCharsets.UTF_8);
    Map<String, String> testSources = testSourcesByClassName(root);

    List<String> missing = new ArrayList<>();
    int references = 0;
    Matcher m = TEST_REFERENCE.matcher(document);
    while (m.find()) {
      references++;
      String source = testSources.get(m.group(1));
      if (source == null) {
        missing.add(m.group(1) + " (no such test class)");
      } else if (m.group(2) != null
          && !Pattern.compile("\\bvoid\\s+" + Pattern.quote(m.group(2)) + "\\s*\\(")
              .matcher(source)
              .find()) {
        missing.add(m.group(1) + "." + m.group(2) + " (no such test method)");
      }
    }
    assertThat(references)
        .as("SECURITY.md names the tests behind its guarantees")
        .isGreaterThanOrEqualTo(10);
    assertThat(missing).as("tests named in SECURITY.md that do not exist").isEmpty();
  }

  @Test
  void referencePattern_findsClassAndMethodReferences_andIgnoresOtherCode() {
    Matcher m =
        TEST_REFERENCE.matcher("see `ReplayTest.replay_isDenied` and `Other` and `AllTest`");
    assertThat(m.find()).isTrue();
    assertThat(m.group(1)).isEqualTo("ReplayTest");
    assertThat(m.group(2)).isEqualTo("replay_isDenied");
    assertThat(m.find()).isTrue();
    assertThat(m.group(1)).isEqualTo("AllTest");
    assertThat(m.group(2)).isNull();
    assertThat(m.find()).isFalse();
  }

  private static Path repositoryRoot() {
    Path dir = Path.of("").toAbsolutePath();
    while (dir != null && !Files.exists(dir.resolve("SECURITY.md"))) {
      dir = dir.getParent();
    }
    assertThat(dir).as("repository root with SECURITY.md above %s", Path.of("")).isNotNull();
    return dir;
  }

  private static Map<String, String> testSourcesByClassName(Path root) throws IOException {
    Map<String, String> sources = new TreeMap<>();
    try (Stream<Path> files = Files.walk(root)) {
      files
          .filter(p -> p.toString().replace('\\', '/').contains("/src/test/java/"))
          .filter(p -> p.getFileName().toString().endsWith(".java"))
          .filter(p -> !p.toString().contains("/target/"))
          .forEach(
              p -> {
                String name = p.getFileName().toString().replace(".java", "");
                try {
                  sources.merge(
                      name, Files.readString(p, StandardCharsets.UTF_8), (a, b) -> a + "\n" + b);
                } catch (IOException e) {
                  throw new UncheckedIOException(e);
                }
              });
    }
    return sources;
  }
}
