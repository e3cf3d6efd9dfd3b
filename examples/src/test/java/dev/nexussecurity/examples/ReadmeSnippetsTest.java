package dev.nexussecurity.examples;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * The Java snippets of the root README are compiled code: each {@code // [snippet:NAME]} ... {@code
 * // [/snippet]} region of the example sources must appear verbatim (dedented) in a {@code ```java}
 * block right after {@code <!-- snippet:NAME -->} in README.md, and every such README marker must
 * have a region. On failure the message shows the block to paste.
 *
 * <p>Snippets compile from the published artifacts alone: they may name the example application's
 * own types (packages {@code orders} and {@code payments}, which stand for the reader's code) but
 * no class of the examples' bootstrap package {@code dev.nexussecurity.examples} itself ({@code
 * WorkerSettings}, {@code WorkerBootstrap}, {@code RunningWorker}, ...), which is not published.
 */
class ReadmeSnippetsTest {
  private static final Path SOURCES = Path.of("src", "main", "java");
  private static final Path README = Path.of("..", "README.md");
  private static final Pattern START = Pattern.compile("^\\s*// \\[snippet:([a-z0-9-]+)\\]\\s*$");
  private static final Pattern END = Pattern.compile("^\\s*// \\[/snippet\\]\\s*$");
  private static final Pattern README_MARKER = Pattern.compile("<!-- snippet:([a-z0-9-]+) -->");

  /** The snippets the README's "Use it in your workers" section is built from. */
  private static final List<String> REQUIRED =
      List.of(
          "registry",
          "namespace-keys",
          "payload-codec",
          "nexus-security",
          "handler-worker",
          "caller-worker",
          "handle-denial",
          "startup-check",
          "connection",
          "registry-update");

  @Test
  void everySnippetRegion_appearsVerbatimInTheReadme() throws IOException {
    Map<String, String> snippets = snippets();
    String readme = Files.readString(README, StandardCharsets.UTF_8);

    assertThat(snippets.keySet()).containsAll(REQUIRED);
    List<String> problems = new ArrayList<>();
    for (Map.Entry<String, String> s : snippets.entrySet()) {
      String block = "<!-- snippet:" + s.getKey() + " -->\n```java\n" + s.getValue() + "```\n";
      if (!readme.contains(block)) {
        problems.add(
            "README.md does not contain snippet '"
                + s.getKey()
                + "' as in the sources; expected:\n"
                + block);
      }
    }
    assertThat(problems).as(String.join("\n", problems)).isEmpty();
  }

  @Test
  void noSnippet_namesAnUnpublishedExamplesClass() throws IOException {
    Map<String, String> snippets = snippets();
    Set<String> unpublished = unpublishedClassNames();
    assertThat(unpublished).contains("WorkerSettings", "WorkerBootstrap", "DemoKeys");

    List<String> problems = new ArrayList<>();
    for (Map.Entry<String, String> s : snippets.entrySet()) {
      for (String name : namedClasses(s.getValue(), unpublished)) {
        problems.add("snippet '" + s.getKey() + "' names " + name + " of the examples module");
      }
    }
    assertThat(problems).as(String.join("\n", problems)).isEmpty();
  }

  @Test
  void namedClasses_findsAnUnpublishedClassButNotAVariableOrAPublishedOne() {
    Set<String> unpublished = Set.of("WorkerSettings", "RunningWorker");

    assertThat(namedClasses("WorkerSettings s = x;\nfoo(settings);", unpublished))
        .containsExactly("WorkerSettings");
    assertThat(namedClasses("return new RunningWorker(a);", unpublished))
        .containsExactly("RunningWorker");
    assertThat(namedClasses("settings.getNamespace(); NexusSecurity.newInstance(o);", unpublished))
        .isEmpty();
  }

  /** Simple names of the top-level classes of the examples' bootstrap package (not published). */
  private static Set<String> unpublishedClassNames() throws IOException {
    Set<String> names = new TreeSet<>();
    try (Stream<Path> files =
        Files.list(SOURCES.resolve(Path.of("dev", "nexussecurity", "examples")))) {
      files
          .map(p -> p.getFileName().toString())
          .filter(n -> n.endsWith(".java") && !n.equals("package-info.java"))
          .forEach(n -> names.add(n.substring(0, n.length() - ".java".length())));
    }
    return names;
  }

  private static List<String> namedClasses(String snippet, Set<String> unpublished) {
    List<String> found = new ArrayList<>();
    Matcher word = Pattern.compile("\\b[A-Z][A-Za-z0-9_]*\\b").matcher(snippet);
    while (word.find()) {
      if (unpublished.contains(word.group()) && !found.contains(word.group())) {
        found.add(word.group());
      }
    }
    return found;
  }

  @Test
  void everyReadmeSnippetMarker_hasASourceRegion() throws IOException {
    Map<String, String> snippets = snippets();
    String readme = Files.readString(README, StandardCharsets.UTF_8);
    Matcher m = README_MARKER.matcher(readme);
    List<String> markers = new ArrayList<>();
    while (m.find()) {
      markers.add(m.group(1));
    }

    assertThat(markers).isNotEmpty().doesNotHaveDuplicates();
    assertThat(snippets.keySet()).containsAll(markers);
  }

  @Test
  void extract_dedentsTheRegionAndRejectsUnclosedOrDuplicateOnes() {
    Map<String, String> found = new LinkedHashMap<>();
    extract(
        Path.of("A.java"),
        List.of(
            "class A {",
            "  void f() {",
            "    // [snippet:x]",
            "    int a = 1;",
            "",
            "      a++;",
            "    // [/snippet]",
            "  }"),
        found);
    assertThat(found).containsExactly(Map.entry("x", "int a = 1;\n\n  a++;\n"));

    org.assertj.core.api.Assertions.assertThatThrownBy(
            () ->
                extract(
                    Path.of("B.java"), List.of("// [snippet:y]", "int b;"), new LinkedHashMap<>()))
        .hasMessageContaining("B.java: snippet 'y' is not closed");
    org.assertj.core.api.Assertions.assertThatThrownBy(
            () ->
                extract(
                    Path.of("C.java"),
                    List.of("// [snippet:x]", "int c;", "// [/snippet]"),
                    new LinkedHashMap<>(Map.of("x", "int a;\n"))))
        .hasMessageContaining("C.java: snippet 'x' is defined twice");
  }

  private static Map<String, String> snippets() throws IOException {
    Map<String, String> found = new LinkedHashMap<>();
    List<Path> files;
    try (Stream<Path> walk = Files.walk(SOURCES)) {
      files =
          walk.filter(p -> p.toString().endsWith(".java")).sorted().collect(Collectors.toList());
    }
    for (Path file : files) {
      extract(file, Files.readAllLines(file, StandardCharsets.UTF_8), found);
    }
    return found;
  }

  private static void extract(Path file, List<String> lines, Map<String, String> found) {
    String name = null;
    List<String> body = new ArrayList<>();
    for (String line : lines) {
      Matcher start = START.matcher(line);
      if (name == null && start.matches()) {
        name = start.group(1);
        body.clear();
        if (found.containsKey(name)) {
          throw new IllegalStateException(file + ": snippet '" + name + "' is defined twice");
        }
      } else if (name != null && END.matcher(line).matches()) {
        found.put(name, dedent(body));
        name = null;
      } else if (name != null) {
        if (START.matcher(line).matches()) {
          throw new IllegalStateException(
              file + ": snippet '" + name + "' contains another snippet");
        }
        body.add(line);
      }
    }
    if (name != null) {
      throw new IllegalStateException(file + ": snippet '" + name + "' is not closed");
    }
  }

  private static String dedent(List<String> lines) {
    int indent = Integer.MAX_VALUE;
    for (String line : lines) {
      if (!line.isBlank()) {
        indent = Math.min(indent, line.length() - line.stripLeading().length());
      }
    }
    StringBuilder sb = new StringBuilder();
    for (String line : lines) {
      sb.append(line.isBlank() ? "" : line.substring(indent)).append('\n');
    }
    return sb.toString();
  }
}
