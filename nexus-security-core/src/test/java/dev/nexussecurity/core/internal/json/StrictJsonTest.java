package dev.nexussecurity.core.internal.json;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.File;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

class StrictJsonTest {
  private static JsonValue parse(String json) throws StrictJsonException {
    return StrictJson.parse(json, 10_000, "test document");
  }

  @Test
  void parse_validDocument_readsEveryType() throws Exception {
    JsonValue v =
        parse("{\"s\":\"x\",\"i\":7,\"d\":1.5,\"b\":true,\"n\":null,\"a\":[1,2],\"o\":{}}");

    assertThat(v.getType()).isEqualTo(JsonValue.Type.OBJECT);
    assertThat(v.fieldNames()).containsExactly("s", "i", "d", "b", "n", "a", "o");
    assertThat(v.field("s").asText()).isEqualTo("x");
    assertThat(v.field("i").asLong()).isEqualTo(7);
    assertThat(v.field("d").getType()).isEqualTo(JsonValue.Type.DECIMAL);
    assertThat(v.field("b").asBoolean()).isTrue();
    assertThat(v.field("a").elements()).hasSize(2);
    assertThat(v.field("o").fields()).isEmpty();
  }

  @Test
  void parse_duplicateKey_isRefusedWithItsLocation() {
    assertThatThrownBy(() -> parse("{\"a\":1,\n \"a\":2}"))
        .isInstanceOf(StrictJsonException.class)
        .hasMessageStartingWith("test document, line 2 column")
        .hasMessageContaining("Duplicate field 'a'");
  }

  @Test
  void parse_bytesThatLookLikeUtf32_isRefusedAsInvalidJson() {
    // found by StrictJsonPropertiesTest: Jackson reads these as UTF-32 and fails with an
    // IOException, which escaped as UncheckedIOException instead of the documented exception
    byte[] utf32Looking = {0, 0, 0, 9, 0};

    assertThatThrownBy(() -> StrictJson.parse(utf32Looking, 100, "registry file"))
        .isExactlyInstanceOf(StrictJsonException.class)
        .hasMessageStartingWith("registry file: is not valid JSON: it is not UTF-8 text (");
  }

  @Test
  void parse_trailingContent_isRefused() {
    assertThatThrownBy(() -> parse("{} {}"))
        .isInstanceOf(StrictJsonException.class)
        .hasMessage(
            "test document, line 1 column 4: has content after the end of the JSON document");
  }

  @Test
  void parse_syntaxError_namesLineAndColumn() {
    assertThatThrownBy(() -> parse("{\n\"a\": 1\n\"b\": 2}"))
        .isInstanceOf(StrictJsonException.class)
        .hasMessageStartingWith("test document, line 3 column 1: is not valid JSON");
  }

  @Test
  void parse_emptyDocument_isRefused() {
    assertThatThrownBy(() -> parse("")).hasMessage("test document: is empty");
  }

  @Test
  void parse_overTheSizeLimit_isRefusedBeforeParsing() {
    assertThatThrownBy(() -> StrictJson.parse("[1,2,3]", 6, "doc"))
        .hasMessage("doc: is 7 bytes, more than the limit of 6");
  }

  @Test
  void parse_tooDeeplyNested_isRefused() {
    String deep = "[".repeat(StrictJson.MAX_DEPTH + 1) + "]".repeat(StrictJson.MAX_DEPTH + 1);

    assertThatThrownBy(() -> parse(deep))
        .isInstanceOf(StrictJsonException.class)
        .hasMessageContaining("is nested deeper than " + StrictJson.MAX_DEPTH + " levels");
  }

  @Test
  void parse_maximumNesting_isAccepted() throws Exception {
    String deep = "[".repeat(StrictJson.MAX_DEPTH) + "]".repeat(StrictJson.MAX_DEPTH);

    assertThat(parse(deep).getType()).isEqualTo(JsonValue.Type.ARRAY);
  }

  @Test
  void parse_controlCharacterInAnError_isQuoted() {
    assertThatThrownBy(() -> parse("{\"a\":1}\u0000\n"))
        .isInstanceOf(StrictJsonException.class)
        .satisfies(e -> assertThat(e.getMessage()).doesNotContain("\u0000"));
  }

  @Test
  void write_keepsInsertionOrderAndIsCompact() {
    ObjectNode o = StrictJson.newObject();
    o.put("z", 1);
    o.put("a", "x");
    o.putArray("l").add("p");

    assertThat(new String(StrictJson.write(o), StandardCharsets.UTF_8))
        .isEqualTo("{\"z\":1,\"a\":\"x\",\"l\":[\"p\"]}");
  }

  @Test
  void writePretty_putsEachValueOnItsOwnLine_andEmptyContainersOnOne() {
    ObjectNode o = StrictJson.newObject();
    o.put("s", "caf\u00e9 \"q\"");
    o.putArray("empty");
    o.putObject("none");
    o.putArray("l").add("a").add(2).addObject().put("k", true);
    o.putObject("o").putArray("in").add("x");

    assertThat(StrictJson.writePretty(o))
        .isEqualTo(
            "{\n"
                + "  \"s\": \"caf\u00e9 \\\"q\\\"\",\n"
                + "  \"empty\": [],\n"
                + "  \"none\": {},\n"
                + "  \"l\": [\n"
                + "    \"a\",\n"
                + "    2,\n"
                + "    {\n"
                + "      \"k\": true\n"
                + "    }\n"
                + "  ],\n"
                + "  \"o\": {\n"
                + "    \"in\": [\n"
                + "      \"x\"\n"
                + "    ]\n"
                + "  }\n"
                + "}\n");
  }

  @Test
  void writePretty_ofAnEmptyObject_isOneLine() {
    assertThat(StrictJson.writePretty(StrictJson.newObject())).isEqualTo("{}\n");
  }

  /**
   * Temporal's SDK brings an older Jackson than the one we build with; consumers may run on it. The
   * JSON code runs there too: {@link OldestJacksonCheck} in a JVM whose classpath has the oldest
   * supported Jackson (copied to target/oldest-jackson by the build) instead of ours.
   */
  @Test
  void readersAndWriters_runOnTheOldestSupportedJackson() throws Exception {
    String out = runWithOldestJackson();

    assertThat(out)
        .contains("policy, manifest and state file round-trip")
        .contains("OK jackson 2.15.4");
  }

  @Test
  void oldestJacksonCheck_detectsAnApiTheOldestJacksonLacks() throws Exception {
    Process p = oldestJacksonJvm("canary");
    String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);

    assertThat(p.waitFor()).as(out).isEqualTo(1);
    assertThat(out).contains("FAILED: java.lang.NoClassDefFoundError");
  }

  private static String runWithOldestJackson() throws Exception {
    Process p = oldestJacksonJvm();
    String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    assertThat(p.waitFor()).as(out).isZero();
    return out;
  }

  private static Process oldestJacksonJvm(String... args) throws Exception {
    Path oldest = Path.of("target", "oldest-jackson");
    assertThat(oldest)
        .as("the build copies the oldest supported Jackson here (generate-test-resources)")
        .isDirectory();
    List<String> classpath = new ArrayList<>();
    for (String entry : System.getProperty("java.class.path").split(File.pathSeparator)) {
      if (!Path.of(entry)
          .getFileName()
          .toString()
          .matches("jackson-(core|databind|annotations)-.*")) {
        classpath.add(entry);
      }
    }
    try (Stream<Path> jars = Files.list(oldest)) {
      jars.map(Path::toString).forEach(classpath::add);
    }
    List<String> command =
        new ArrayList<>(
            List.of(
                Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-cp",
                String.join(File.pathSeparator, classpath),
                OldestJacksonCheck.class.getName()));
    command.addAll(List.of(args));
    return new ProcessBuilder(command).redirectErrorStream(true).start();
  }

  @Test
  void writeThenParse_roundTrips() throws Exception {
    ObjectNode o = StrictJson.newObject();
    o.put("ns", "orders\u2028");
    o.put("n", Long.MAX_VALUE);

    JsonValue back = StrictJson.parse(StrictJson.write(o), 1000, "doc");

    assertThat(back.field("ns").asText()).isEqualTo("orders\u2028");
    assertThat(back.field("n").asLong()).isEqualTo(Long.MAX_VALUE);
  }

  @Test
  void parse_atExactlyTheByteLimit_isAcceptedAndOneMoreIsRefused() throws Exception {
    assertThat(StrictJson.parse("[1,2]", 5, "doc").elements()).hasSize(2);
    assertThatThrownBy(() -> StrictJson.parse("[1,22]", 5, "doc"))
        .isExactlyInstanceOf(StrictJsonException.class)
        .hasMessage("doc: is 6 bytes, more than the limit of 5");
  }

  @Test
  void parse_nestingAtExactlyTheDepthLimit_isAcceptedAndOneDeeperIsRefused() throws Exception {
    int max = StrictJson.MAX_DEPTH;
    StrictJson.parse("[".repeat(max) + "]".repeat(max), 1000, "doc");
    assertThatThrownBy(
            () -> StrictJson.parse("[".repeat(max + 1) + "]".repeat(max + 1), 1000, "doc"))
        .isExactlyInstanceOf(StrictJsonException.class)
        .hasMessageContaining("is nested deeper than " + max + " levels");
  }

  @Test
  void parse_objectNestingAtExactlyTheDepthLimit_isAcceptedAndOneDeeperIsRefused()
      throws Exception {
    int max = StrictJson.MAX_DEPTH;
    String atLimit = "{\"a\":".repeat(max - 1) + "{}" + "}".repeat(max - 1);
    assertThat(StrictJson.parse(atLimit, 10_000, "doc").getType()).isEqualTo(JsonValue.Type.OBJECT);
    String deeper = "{\"a\":".repeat(max) + "{}" + "}".repeat(max);
    assertThatThrownBy(() -> StrictJson.parse(deeper, 10_000, "doc"))
        .isExactlyInstanceOf(StrictJsonException.class)
        .hasMessageContaining("is nested deeper than " + max + " levels");
  }

  @Test
  void isPlainName_matchesTheIdentifierPatternOfPaths() {
    for (String plain : List.of("a", "Z", "_", "ns", "agreementKeys", "a1", "a-b", "_x-9")) {
      assertThat(StrictJson.isPlainName(plain)).as(plain).isTrue();
      assertThat(plain.matches("[A-Za-z_][A-Za-z0-9_-]*")).as(plain).isTrue();
    }
    for (String other : List.of("", "1a", "-a", "a b", "a.b", "a'b", "é", "a\n", "$", "a[0]")) {
      assertThat(StrictJson.isPlainName(other)).as(other).isFalse();
      assertThat(other.matches("[A-Za-z_][A-Za-z0-9_-]*")).as(other).isFalse();
    }
  }

  @Test
  void parse_fieldWithAPlainAndAnOtherName_namesEachPathInItsForm() throws Exception {
    JsonValue doc = StrictJson.parse("{\"a-1\":1,\"1 b\":2}", 100, "doc");
    assertThat(doc.field("a-1").getPath()).isEqualTo("$.a-1");
    assertThat(doc.field("1 b").getPath()).isEqualTo("$['1 b']");
  }
}
