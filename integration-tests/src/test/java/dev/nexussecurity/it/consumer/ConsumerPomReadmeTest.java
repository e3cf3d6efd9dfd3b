package dev.nexussecurity.it.consumer;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * The consumer project built by the invoker plugin ({@code src/it/consumer-bom}) uses exactly the
 * XML of the root README's "Install" section: each {@code ```xml} block right after {@code <!--
 * consumer-pom:NAME -->} in README.md is, dedented, the region between {@code <!-- [snippet:NAME]
 * -->} and {@code <!-- [/snippet] -->} of the project's pom.xml, and every README block has a
 * region. On failure the message shows the block to paste.
 */
class ConsumerPomReadmeTest {
  private static final Path README = Path.of("..", "README.md");
  private static final Path CONSUMER_POM = Path.of("src", "it", "consumer-bom", "pom.xml");
  private static final Pattern README_BLOCK =
      Pattern.compile("<!-- consumer-pom:([a-z0-9-]+) -->\n```xml\n(.*?)```\n", Pattern.DOTALL);
  private static final Pattern OUR_VERSION =
      Pattern.compile(
          "<groupId>dev\\.nexussecurity</groupId>\\s*<artifactId>([^<]+)</artifactId>\\s*"
              + "<version>([^<]+)</version>");
  private static final Pattern POM_REGION =
      Pattern.compile(
          "\n([ ]*)<!-- \\[snippet:([a-z0-9-]+)\\] -->\n(.*?)\n[ ]*<!-- \\[/snippet\\] -->",
          Pattern.DOTALL);

  @Test
  void readmeInstallXml_isTheConsumerProjectsXml() throws IOException {
    Map<String, String> readme = readmeBlocks();
    Map<String, String> pom = pomRegions();

    assertThat(readme).containsOnlyKeys("bom", "dependencies");
    for (Map.Entry<String, String> block : readme.entrySet()) {
      assertThat(pom.get(block.getKey()))
          .as(
              "region '%s' of %s; the README's block, to paste there (indented):%n%s",
              block.getKey(), CONSUMER_POM, block.getValue())
          .isEqualTo(block.getValue());
    }
    assertThat(pom.keySet()).containsExactlyInAnyOrderElementsOf(readme.keySet());
  }

  @Test
  void readmeInstallXml_namesTheVersionBeingBuilt() throws IOException {
    String parentVersion = PomFiles.projectVersion(Path.of("..", "pom.xml"));

    assertThat(readmeBlocks().get("bom"))
        .contains("<version>" + parentVersion + "</version>")
        .contains("<artifactId>nexus-security-bom</artifactId>");
  }

  @Test
  void everyVersionOfOurArtifactsInTheDocs_isTheVersionBeingBuilt() throws IOException {
    String version = PomFiles.projectVersion(Path.of("..", "pom.xml"));
    List<Path> docs;
    try (Stream<Path> files = Files.walk(Path.of(".."), 3)) {
      docs =
          files
              .filter(p -> p.getFileName().toString().endsWith(".md"))
              .filter(p -> !p.toString().contains("target"))
              .toList();
    }

    assertThat(docs).contains(README);
    for (Path doc : docs) {
      Matcher m = OUR_VERSION.matcher(Files.readString(doc, StandardCharsets.UTF_8));
      while (m.find()) {
        assertThat(m.group(2)).as("version of %s in %s", m.group(1), doc).isEqualTo(version);
      }
    }
  }

  private static Map<String, String> readmeBlocks() throws IOException {
    String readme = Files.readString(README, StandardCharsets.UTF_8);
    Map<String, String> blocks = new LinkedHashMap<>();
    Matcher m = README_BLOCK.matcher(readme);
    while (m.find()) {
      assertThat(blocks.put(m.group(1), m.group(2))).as("duplicate README block").isNull();
    }
    return blocks;
  }

  private static Map<String, String> pomRegions() throws IOException {
    String pom = Files.readString(CONSUMER_POM, StandardCharsets.UTF_8);
    Map<String, String> regions = new LinkedHashMap<>();
    Matcher m = POM_REGION.matcher(pom);
    while (m.find()) {
      regions.put(m.group(2), dedent(m.group(3), m.group(1).length()) + "\n");
    }
    return regions;
  }

  private static String dedent(String text, int columns) {
    StringBuilder out = new StringBuilder();
    List<String> lines = text.lines().toList();
    for (int i = 0; i < lines.size(); i++) {
      String line = lines.get(i);
      int strip = Math.min(columns, line.length() - line.stripLeading().length());
      out.append(line.substring(strip));
      if (i < lines.size() - 1) {
        out.append('\n');
      }
    }
    return out.toString();
  }
}
