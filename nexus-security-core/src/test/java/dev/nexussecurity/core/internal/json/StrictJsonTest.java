package dev.nexussecurity.core.internal.json;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.node.ObjectNode;
import java.nio.charset.StandardCharsets;
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
  void writeThenParse_roundTrips() throws Exception {
    ObjectNode o = StrictJson.newObject();
    o.put("ns", "orders\u2028");
    o.put("n", Long.MAX_VALUE);

    JsonValue back = StrictJson.parse(StrictJson.write(o), 1000, "doc");

    assertThat(back.field("ns").asText()).isEqualTo("orders\u2028");
    assertThat(back.field("n").asLong()).isEqualTo(Long.MAX_VALUE);
  }
}
