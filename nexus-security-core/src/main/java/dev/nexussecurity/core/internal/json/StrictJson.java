package dev.nexussecurity.core.internal.json;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.JsonLocation;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.core.PrettyPrinter;
import com.fasterxml.jackson.core.StreamReadFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.json.JsonMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.nexussecurity.api.internal.UntrustedText;
import java.io.CharConversionException;
import java.io.IOException;
import java.io.StringWriter;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;

/**
 * The one JSON reader and writer behind every format nexus-security parses: identity tokens, signed
 * endpoint policies and registry manifests, the registry file and the namespace key directory.
 *
 * <p>Reading is strict and reports where: invalid syntax, a duplicate key, trailing content after
 * the document, nesting deeper than {@value #MAX_DEPTH}, or a document larger than the caller's
 * limit is a {@link StrictJsonException} naming the source, line, column and JSON path; the
 * resulting {@link JsonValue} tree refuses missing, unknown and mistyped fields in the same way. It
 * uses only Jackson's streaming parser, so it works with every Jackson 2.x version the Temporal SDK
 * brings.
 *
 * <p>Writing produces compact UTF-8 JSON with fields in insertion order, so the bytes of a document
 * are a function of what was put in (the signed formats rely on that).
 *
 * <pre>{@code
 * JsonValue claims = StrictJson.parse(bytes, 4096, "identity token claims");
 * claims.allowOnly(FIELDS);
 * String ns = claims.field("ns").asNonEmptyText();
 * }</pre>
 */
public final class StrictJson {
  /** The deepest nesting any of our formats needs, with room to spare. */
  public static final int MAX_DEPTH = 32;

  private static final JsonFactory FACTORY =
      JsonFactory.builder().enable(StreamReadFeature.STRICT_DUPLICATE_DETECTION).build();
  private static final ObjectMapper WRITER = JsonMapper.builder().build();

  private StrictJson() {}

  /**
   * Parses one complete JSON document of at most {@code maxBytes} bytes.
   *
   * @param source what is read, for messages (e.g. {@code "registry file /etc/registry.json"})
   */
  public static JsonValue parse(byte[] json, int maxBytes, String source)
      throws StrictJsonException {
    if (json.length > maxBytes) {
      throw new StrictJsonException(
          source, "", 0, 0, "is " + json.length + " bytes, more than the limit of " + maxBytes);
    }
    try (JsonParser p = FACTORY.createParser(json)) {
      JsonToken first = p.nextToken();
      if (first == null) {
        throw new StrictJsonException(source, "", 0, 0, "is empty");
      }
      JsonValue root = read(p, first, source, "$", 1);
      JsonToken trailing = p.nextToken();
      if (trailing != null) {
        JsonLocation at = p.currentTokenLocation();
        throw new StrictJsonException(
            source,
            "",
            at.getLineNr(),
            at.getColumnNr(),
            "has content after the end of the JSON document");
      }
      return root;
    } catch (JsonProcessingException e) {
      JsonLocation at = e.getLocation();
      throw new StrictJsonException(
          source,
          "",
          at == null ? 0 : at.getLineNr(),
          at == null ? 0 : at.getColumnNr(),
          "is not valid JSON: " + UntrustedText.quote(e.getOriginalMessage(), 200));
    } catch (CharConversionException e) {
      // Jackson detects UTF-16/UTF-32 from the first bytes; undecodable ones fail while reading
      throw new StrictJsonException(
          source,
          "",
          0,
          0,
          "is not valid JSON: it is not UTF-8 text ("
              + UntrustedText.quote(e.getMessage(), 200)
              + ")");
    } catch (IOException e) {
      throw new UncheckedIOException("reading an in-memory JSON document failed", e);
    }
  }

  /** Parses a JSON document given as text; see {@link #parse(byte[], int, String)}. */
  public static JsonValue parse(String json, int maxBytes, String source)
      throws StrictJsonException {
    return parse(json.getBytes(StandardCharsets.UTF_8), maxBytes, source);
  }

  private static JsonValue read(
      JsonParser p, JsonToken token, String source, String path, int depth)
      throws IOException, StrictJsonException {
    JsonLocation at = p.currentTokenLocation();
    int line = at.getLineNr();
    int col = at.getColumnNr();
    if (depth > MAX_DEPTH) {
      throw new StrictJsonException(
          source, path, line, col, "is nested deeper than " + MAX_DEPTH + " levels");
    }
    switch (token) {
      case START_OBJECT:
        {
          LinkedHashMap<String, JsonValue> fields = new LinkedHashMap<>();
          JsonToken t;
          while ((t = p.nextToken()) == JsonToken.FIELD_NAME) {
            String name = p.currentName();
            JsonToken valueToken = p.nextToken();
            fields.put(name, read(p, valueToken, source, path + pathName(name), depth + 1));
          }
          return JsonValue.object(fields, source, path, line, col);
        }
      case START_ARRAY:
        {
          List<JsonValue> elements = new ArrayList<>();
          JsonToken t;
          while ((t = p.nextToken()) != JsonToken.END_ARRAY) {
            elements.add(read(p, t, source, path + "[" + elements.size() + "]", depth + 1));
          }
          return new JsonValue(
              JsonValue.Type.ARRAY, List.copyOf(elements), source, path, line, col);
        }
      case VALUE_STRING:
        return new JsonValue(JsonValue.Type.STRING, p.getText(), source, path, line, col);
      case VALUE_NUMBER_INT:
        return new JsonValue(
            JsonValue.Type.INTEGER, p.getBigIntegerValue(), source, path, line, col);
      case VALUE_NUMBER_FLOAT:
        return new JsonValue(JsonValue.Type.DECIMAL, p.getDecimalValue(), source, path, line, col);
      case VALUE_TRUE:
        return new JsonValue(JsonValue.Type.BOOLEAN, Boolean.TRUE, source, path, line, col);
      case VALUE_FALSE:
        return new JsonValue(JsonValue.Type.BOOLEAN, Boolean.FALSE, source, path, line, col);
      case VALUE_NULL:
        return new JsonValue(JsonValue.Type.NULL, null, source, path, line, col);
      default:
        throw new StrictJsonException(source, path, line, col, "unexpected JSON token " + token);
    }
  }

  private static String pathName(String name) {
    return isPlainName(name)
        ? "." + name
        : "['" + UntrustedText.quote(name, 40).replace("'", "\\u0027") + "']";
  }

  /**
   * Whether {@code name} matches {@code [A-Za-z_][A-Za-z0-9_-]*}; a loop, not a regular expression:
   * it runs for every field of every document, identity tokens included.
   */
  static boolean isPlainName(String name) {
    if (name.isEmpty()) {
      return false;
    }
    for (int i = 0; i < name.length(); i++) {
      char c = name.charAt(i);
      boolean letter = (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || c == '_';
      if (!letter && (i == 0 || !((c >= '0' && c <= '9') || c == '-'))) {
        return false;
      }
    }
    return true;
  }

  /** A new, empty JSON object to fill and then {@link #write}. */
  public static ObjectNode newObject() {
    return WRITER.createObjectNode();
  }

  /**
   * {@code node} as human-readable JSON text for files: two spaces per level, one field or array
   * element per line, {@code ": "} between name and value, {@code {}} and {@code []} for empty
   * containers, {@code \n} line ends and a final newline; non-ASCII text as is, not escaped. The
   * pretty printer is our own, written against Jackson's {@link PrettyPrinter} interface, which is
   * the same in every 2.x version ({@code DefaultPrettyPrinter}'s separators changed in 2.16).
   */
  public static String writePretty(JsonNode node) {
    StringWriter out = new StringWriter();
    try (JsonGenerator g = WRITER.getFactory().createGenerator(out)) {
      g.setPrettyPrinter(new LinePerValue());
      WRITER.writeTree(g, node);
    } catch (IOException e) {
      throw new IllegalStateException("serializing a JSON tree failed", e);
    }
    return out.append('\n').toString();
  }

  /** One field or array element per line, two spaces per level. One instance per document. */
  private static final class LinePerValue implements PrettyPrinter {
    private int depth;

    private void newLine(JsonGenerator g) throws IOException {
      g.writeRaw('\n');
      for (int i = 0; i < depth; i++) {
        g.writeRaw("  ");
      }
    }

    @Override
    public void writeRootValueSeparator(JsonGenerator g) throws IOException {
      g.writeRaw('\n');
    }

    @Override
    public void writeStartObject(JsonGenerator g) throws IOException {
      g.writeRaw('{');
      depth++;
    }

    @Override
    public void beforeObjectEntries(JsonGenerator g) throws IOException {
      newLine(g);
    }

    @Override
    public void writeObjectFieldValueSeparator(JsonGenerator g) throws IOException {
      g.writeRaw(": ");
    }

    @Override
    public void writeObjectEntrySeparator(JsonGenerator g) throws IOException {
      g.writeRaw(',');
      newLine(g);
    }

    @Override
    public void writeEndObject(JsonGenerator g, int entries) throws IOException {
      depth--;
      if (entries > 0) {
        newLine(g);
      }
      g.writeRaw('}');
    }

    @Override
    public void writeStartArray(JsonGenerator g) throws IOException {
      g.writeRaw('[');
      depth++;
    }

    @Override
    public void beforeArrayValues(JsonGenerator g) throws IOException {
      newLine(g);
    }

    @Override
    public void writeArrayValueSeparator(JsonGenerator g) throws IOException {
      g.writeRaw(',');
      newLine(g);
    }

    @Override
    public void writeEndArray(JsonGenerator g, int values) throws IOException {
      depth--;
      if (values > 0) {
        newLine(g);
      }
      g.writeRaw(']');
    }
  }

  /** Parses trusted JSON text (for example Tink's keyset JSON) into a tree to embed in ours. */
  public static JsonNode readTree(String json) {
    try {
      return WRITER.readTree(json);
    } catch (JsonProcessingException e) {
      throw new IllegalArgumentException("not JSON", e);
    }
  }

  /** {@code node} as compact UTF-8 JSON, fields in insertion order. */
  public static byte[] write(JsonNode node) {
    try {
      return WRITER.writeValueAsBytes(node);
    } catch (JsonProcessingException e) {
      throw new IllegalStateException("serializing a JSON tree failed", e);
    }
  }
}
