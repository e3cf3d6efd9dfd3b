package dev.nexussecurity.core.internal.json;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.nexussecurity.core.EndpointArbitraries;
import dev.nexussecurity.core.Mutations;
import java.nio.charset.StandardCharsets;
import java.util.List;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.Tuple;

/**
 * Properties of {@link StrictJson}, the reader behind every file and signed document: any bytes
 * either parse or are refused with a {@link StrictJsonException} (never another exception), and
 * every tree it writes parses back to the same tree.
 */
class StrictJsonPropertiesTest {
  private static final JsonNodeFactory NODES = JsonNodeFactory.instance;

  @Property(tries = 1000)
  void parse_ofArbitraryBytes_returnsAValueOrThrowsStrictJsonException(
      @ForAll("inputs") byte[] input) {
    Throwable thrown = catchThrowable(() -> StrictJson.parse(input, 4096, "the test document"));
    if (thrown != null) {
      assertThat(thrown).isExactlyInstanceOf(StrictJsonException.class);
      assertThat(thrown.getMessage()).startsWith("the test document").doesNotContain("\n");
    }
  }

  @Property(tries = 500)
  void write_thenParse_returnsTheSameTree(@ForAll("trees") JsonNode tree) throws Exception {
    byte[] written = StrictJson.write(tree);
    JsonValue parsed = StrictJson.parse(written, Integer.MAX_VALUE, "tree");
    assertThat(StrictJson.readTree(parsed.toJson())).isEqualTo(tree);
    assertThat(StrictJson.readTree(StrictJson.writePretty(tree))).isEqualTo(tree);
  }

  @Property(tries = 200)
  void parse_refusesDuplicateKeysAnywhere(
      @ForAll("trees") JsonNode tree, @ForAll("keys") String key) {
    ObjectNode holder = NODES.objectNode();
    holder.set("inner", tree);
    String json = new String(StrictJson.write(holder), StandardCharsets.UTF_8);
    String keyJson = new String(StrictJson.write(NODES.textNode(key)), StandardCharsets.UTF_8);
    String duplicated =
        "{" + keyJson + ":1," + json.substring(1, json.length() - 1) + "," + keyJson + ":2}";
    assertThat(catchThrowable(() -> StrictJson.parse(duplicated, 1 << 20, "doc")))
        .isExactlyInstanceOf(StrictJsonException.class)
        .hasMessageContaining("uplicate");
  }

  @Provide
  Arbitrary<String> keys() {
    return EndpointArbitraries.text(6);
  }

  @Provide
  Arbitrary<JsonNode> trees() {
    return tree(4);
  }

  private Arbitrary<JsonNode> tree(int depth) {
    Arbitrary<JsonNode> leaf =
        Arbitraries.oneOf(
            EndpointArbitraries.text(10).map(NODES::textNode),
            Arbitraries.integers().map(NODES::numberNode),
            Arbitraries.of(true, false).map(NODES::booleanNode),
            Arbitraries.just(NODES.nullNode()));
    if (depth == 0) {
      return leaf;
    }
    Arbitrary<JsonNode> child = Arbitraries.lazy(() -> tree(depth - 1));
    Arbitrary<JsonNode> array =
        child
            .list()
            .ofMaxSize(3)
            .map(
                l -> {
                  ArrayNode a = NODES.arrayNode();
                  l.forEach(a::add);
                  return a;
                });
    Arbitrary<JsonNode> object =
        Combinators.combine(
                EndpointArbitraries.text(6).list().ofMaxSize(3).uniqueElements(),
                child.list().ofSize(3))
            .as(
                (List<String> ks, List<JsonNode> vs) -> {
                  ObjectNode o = NODES.objectNode();
                  for (int i = 0; i < ks.size(); i++) {
                    o.set(ks.get(i), vs.get(i));
                  }
                  return o;
                });
    return Arbitraries.frequencyOf(Tuple.of(2, leaf), Tuple.of(1, array), Tuple.of(1, object));
  }

  @Provide
  Arbitrary<byte[]> inputs() {
    Arbitrary<byte[]> valid = trees().map(StrictJson::write);
    return Arbitraries.frequencyOf(
        Tuple.of(4, Mutations.of(valid)),
        Tuple.of(2, Arbitraries.bytes().array(byte[].class).ofMaxSize(32)),
        Tuple.of(
            1,
            Combinators.combine(
                    Arbitraries.of(
                        new byte[] {0, 0, 0},
                        new byte[] {0, 0},
                        new byte[] {(byte) 0xfe, (byte) 0xff},
                        new byte[] {(byte) 0xff, (byte) 0xfe},
                        new byte[] {(byte) 0xef, (byte) 0xbb, (byte) 0xbf},
                        new byte[] {0, 0, (byte) 0xfe, (byte) 0xff},
                        new byte[] {(byte) 0xff, (byte) 0xfe, 0, 0}),
                    Arbitraries.bytes().array(byte[].class).ofMaxSize(16))
                .as(StrictJsonPropertiesTest::concat)),
        Tuple.of(
            1,
            Arbitraries.of(
                    "[".repeat(40) + "]".repeat(40),
                    "{\"a\":".repeat(40) + "1" + "}".repeat(40),
                    "1e999999999",
                    "-1e-999999999",
                    "123456789012345678901234567890123456789012345678901234567890",
                    "0." + "1".repeat(1200),
                    "1".repeat(1200),
                    "\"\\ud800\"",
                    "\"\\u0000\"",
                    "x".repeat(5000))
                .map(s -> s.getBytes(StandardCharsets.UTF_8))));
  }

  private static byte[] concat(byte[] a, byte[] b) {
    byte[] out = new byte[a.length + b.length];
    System.arraycopy(a, 0, out, 0, a.length);
    System.arraycopy(b, 0, out, a.length, b.length);
    return out;
  }
}
