package dev.nexussecurity.core.internal.json;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;

class JsonValueTest {
  private static JsonValue parse(String json) throws StrictJsonException {
    return StrictJson.parse(json, 10_000, "doc");
  }

  @Test
  void field_missing_namesTheFieldAndTheObjectsPlace() throws Exception {
    JsonValue v = parse("{\"outer\":\n  {\"a\":1}}");

    assertThatThrownBy(() -> v.field("outer").field("b"))
        .isInstanceOf(StrictJsonException.class)
        .hasMessage("doc, line 2 column 3 ($.outer): missing field 'b'");
  }

  @Test
  void field_explicitNull_isRefused() throws Exception {
    JsonValue v = parse("{\"a\":null}");

    assertThatThrownBy(() -> v.field("a")).hasMessageContaining("field 'a' must not be null");
    assertThatThrownBy(() -> v.optionalField("a"))
        .hasMessageContaining("field 'a' must not be null");
  }

  @Test
  void optionalField_absent_isEmpty() throws Exception {
    assertThat(parse("{}").optionalField("a")).isEmpty();
  }

  @Test
  void allowOnly_unknownField_isRefusedAtItsPlace() throws Exception {
    JsonValue v = parse("{\"a\":1,\n\"b\\n\":2}");

    assertThatThrownBy(() -> v.allowOnly(Set.of("a")))
        .isInstanceOf(StrictJsonException.class)
        .hasMessage("doc, line 2 column 7 ($['b\\u000A']): unknown field 'b\\u000A'");
  }

  @Test
  void asText_onANumber_isRefusedWithoutCoercion() throws Exception {
    JsonValue v = parse("{\"a\":3}");

    assertThatThrownBy(() -> v.field("a").asText())
        .hasMessage("doc, line 1 column 6 ($.a): must be a string, got a whole number");
  }

  @Test
  void asLong_onAStringOrDecimal_isRefused() throws Exception {
    JsonValue v = parse("{\"a\":\"3\",\"b\":3.0}");

    assertThatThrownBy(() -> v.field("a").asLong()).hasMessageEndingWith("got a string");
    assertThatThrownBy(() -> v.field("b").asLong()).hasMessageEndingWith("got a decimal number");
  }

  @Test
  void asLong_beyond64Bits_isRefused() throws Exception {
    JsonValue v = parse("{\"a\":9223372036854775808}");

    assertThatThrownBy(() -> v.field("a").asLong())
        .hasMessageEndingWith("must fit a 64-bit integer, got 9223372036854775808");
  }

  @Test
  void asInt_beyond32Bits_isRefused() throws Exception {
    JsonValue v = parse("{\"a\":2147483648}");

    assertThatThrownBy(() -> v.field("a").asInt())
        .hasMessageEndingWith("must fit a 32-bit integer, got 2147483648");
  }

  @Test
  void asNonEmptyText_empty_isRefused() throws Exception {
    assertThatThrownBy(() -> parse("{\"a\":\"\"}").field("a").asNonEmptyText())
        .hasMessageEndingWith("must not be empty");
  }

  @Test
  void asTextList_namesTheOffendingElement() throws Exception {
    JsonValue v = parse("{\"l\":[\"x\",2]}");

    assertThatThrownBy(() -> v.field("l").asTextList())
        .hasMessage("doc, line 1 column 11 ($.l[1]): must be a string, got a whole number");
  }

  @Test
  void fieldNames_onAnArray_isRefused() throws Exception {
    assertThatThrownBy(() -> parse("[]").fieldNames())
        .hasMessage("doc, line 1 column 1 ($): must be an object, got an array");
  }

  @Test
  void asInt_acceptsTheIntRangeAndRefusesOneBeyond() throws Exception {
    assertThat(parse("2147483647").asInt()).isEqualTo(Integer.MAX_VALUE);
    assertThat(parse("-2147483648").asInt()).isEqualTo(Integer.MIN_VALUE);
    assertThatThrownBy(() -> parse("2147483648").asInt())
        .isInstanceOf(StrictJsonException.class)
        .hasMessageContaining("must fit a 32-bit integer, got 2147483648");
    assertThatThrownBy(() -> parse("-2147483649").asInt())
        .isInstanceOf(StrictJsonException.class)
        .hasMessageContaining("must fit a 32-bit integer, got -2147483649");
  }

  @Test
  void asBoolean_readsBothValuesAndRefusesOtherTypes() throws Exception {
    assertThat(parse("false").asBoolean()).isFalse();
    assertThat(parse("true").asBoolean()).isTrue();
    assertThatThrownBy(() -> parse("\"true\"").asBoolean())
        .isInstanceOf(StrictJsonException.class)
        .hasMessageContaining("must be true or false, got a string");
  }

  @Test
  void elements_ofAnObject_isRefused() {
    assertThatThrownBy(() -> parse("{\"a\":1}").elements())
        .isInstanceOf(StrictJsonException.class)
        .hasMessageContaining("must be an array, got an object");
  }

  @Test
  void optionalField_returnsAPresentFieldAndAllowOnlyReturnsTheObject() throws Exception {
    JsonValue v = parse("{\"a\":7}");
    assertThat(v.optionalField("a").orElseThrow().asInt()).isEqualTo(7);
    assertThat(v.optionalField("b")).isEmpty();
    assertThat(v.allowOnly(Set.of("a"))).isSameAs(v);
  }

  @Test
  void toJson_escapesControlCharactersAndLineSeparatorsOnly() throws Exception {
    JsonValue v = parse("\"a\\u001f \\u2028\\u2029\\u007f\u00e9\"");
    assertThat(v.toJson()).isEqualTo("\"a\\u001f \\u2028\\u2029\u007f\u00e9\"");
    assertThat(v.toString()).isEqualTo("JsonValue{STRING at $}");
    assertThat(v.getPath()).isEqualTo("$");
  }

  @Test
  void fields_returnsEveryFieldInDocumentOrder_andCannotBeChanged() throws Exception {
    JsonValue v = parse("{\"z\":1,\"a\":\"x\"}");

    assertThat(v.fields()).containsOnlyKeys("z", "a");
    assertThat(v.fields().keySet()).containsExactly("z", "a");
    assertThat(v.fields().get("a").asText()).isEqualTo("x");
    assertThatThrownBy(() -> v.fields().remove("z"))
        .isInstanceOf(UnsupportedOperationException.class);
    assertThatThrownBy(() -> parse("[1]").fields())
        .hasMessage("doc, line 1 column 1 ($): must be an object, got an array");
  }

  @Test
  void asTextList_ofStrings_returnsThemInOrder() throws Exception {
    assertThat(parse("{\"l\":[\"b\",\"a\",\"\"]}").field("l").asTextList())
        .isEqualTo(List.of("b", "a", ""));
    assertThat(parse("[]").asTextList()).isEmpty();
  }

  @Test
  void asNonEmptyText_returnsTheText() throws Exception {
    assertThat(parse("{\"a\":\"orders\"}").field("a").asNonEmptyText()).isEqualTo("orders");
  }

  @Test
  void lineAndColumn_areWhereTheValueStarts() throws Exception {
    JsonValue v = parse("{\n  \"a\": [\n    true]}");

    assertThat(v.getLine()).isEqualTo(1);
    assertThat(v.getColumn()).isEqualTo(1);
    assertThat(v.field("a").getLine()).isEqualTo(2);
    assertThat(v.field("a").getColumn()).isEqualTo(8);
    assertThat(v.field("a").elements().get(0).getLine()).isEqualTo(3);
    assertThat(v.field("a").elements().get(0).getColumn()).isEqualTo(5);
    assertThat(v.field("a").elements().get(0).getPath()).isEqualTo("$.a[0]");
  }
}
