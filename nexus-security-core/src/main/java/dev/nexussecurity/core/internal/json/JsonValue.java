package dev.nexussecurity.core.internal.json;

import dev.nexussecurity.api.internal.UntrustedText;
import java.math.BigInteger;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * One value of a JSON document read by {@link StrictJson}, with the line, column and path where it
 * stands, and typed accessors that refuse anything unexpected with a {@link StrictJsonException}
 * naming that place: no coercion of {@code "3"} to 3 or of 3 to {@code "3"}, no silently ignored
 * fields. Immutable.
 *
 * <pre>{@code
 * JsonValue doc = StrictJson.parse(bytes, "key directory " + file);
 * doc.allowOnly(Set.of("schemaVersion", "namespaces"));
 * int version = doc.field("schemaVersion").asInt();
 * }</pre>
 */
public final class JsonValue {
  /** The JSON type of a value; integers and other numbers are told apart. */
  public enum Type {
    OBJECT,
    ARRAY,
    STRING,
    INTEGER,
    DECIMAL,
    BOOLEAN,
    NULL
  }

  private final Type type;
  private final Object value; // Map<String, JsonValue>, List<JsonValue>, String, BigInteger, ...
  private final String source;
  private final String path;
  private final int line;
  private final int column;

  JsonValue(Type type, Object value, String source, String path, int line, int column) {
    this.type = type;
    this.value = value;
    this.source = source;
    this.path = path;
    this.line = line;
    this.column = column;
  }

  public Type getType() {
    return type;
  }

  /** The JSON path of this value, e.g. {@code $.namespaces.orders}. */
  public String getPath() {
    return path;
  }

  public int getLine() {
    return line;
  }

  public int getColumn() {
    return column;
  }

  /** An exception naming this value's place and {@code problem}. */
  public StrictJsonException error(String problem) {
    return new StrictJsonException(source, path, line, column, problem);
  }

  // --- objects ------------------------------------------------------------------------------

  /** The field names of this object, in document order. */
  public Set<String> fieldNames() throws StrictJsonException {
    return Collections.unmodifiableSet(object().keySet());
  }

  /** Refuses any field of this object not in {@code allowed}, naming the first one. */
  public JsonValue allowOnly(Set<String> allowed) throws StrictJsonException {
    for (Map.Entry<String, JsonValue> e : object().entrySet()) {
      if (!allowed.contains(e.getKey())) {
        throw e.getValue().error("unknown field '" + UntrustedText.quote(e.getKey()) + "'");
      }
    }
    return this;
  }

  /** The field {@code name} of this object; refuses a missing field or an explicit null. */
  public JsonValue field(String name) throws StrictJsonException {
    JsonValue v = object().get(name);
    if (v == null) {
      throw error("missing field '" + name + "'");
    }
    if (v.type == Type.NULL) {
      throw v.error("field '" + name + "' must not be null");
    }
    return v;
  }

  /** The field {@code name} of this object, empty when absent; refuses an explicit null. */
  public Optional<JsonValue> optionalField(String name) throws StrictJsonException {
    JsonValue v = object().get(name);
    if (v != null && v.type == Type.NULL) {
      throw v.error("field '" + name + "' must not be null");
    }
    return Optional.ofNullable(v);
  }

  /** The fields of this object, in document order. */
  public Map<String, JsonValue> fields() throws StrictJsonException {
    return Collections.unmodifiableMap(object());
  }

  // --- arrays -------------------------------------------------------------------------------

  /** The elements of this array. */
  public List<JsonValue> elements() throws StrictJsonException {
    expect(Type.ARRAY, "an array");
    @SuppressWarnings("unchecked")
    List<JsonValue> list = (List<JsonValue>) value;
    return list;
  }

  /** The elements of this array, each a string. */
  public List<String> asTextList() throws StrictJsonException {
    List<String> out = new ArrayList<>();
    for (JsonValue v : elements()) {
      out.add(v.asText());
    }
    return Collections.unmodifiableList(out);
  }

  // --- scalars ------------------------------------------------------------------------------

  /** This value as a string. */
  public String asText() throws StrictJsonException {
    expect(Type.STRING, "a string");
    return (String) value;
  }

  /** This value as a non-empty string. */
  public String asNonEmptyText() throws StrictJsonException {
    String s = asText();
    if (s.isEmpty()) {
      throw error("must not be empty");
    }
    return s;
  }

  /** This value as a whole number that fits a {@code long}. */
  public long asLong() throws StrictJsonException {
    expect(Type.INTEGER, "a whole number");
    BigInteger n = (BigInteger) value;
    if (n.bitLength() > 63) {
      throw error("must fit a 64-bit integer, got " + UntrustedText.quote(n.toString()));
    }
    return n.longValue();
  }

  /** This value as a whole number that fits an {@code int}. */
  public int asInt() throws StrictJsonException {
    long n = asLong();
    if (n < Integer.MIN_VALUE || n > Integer.MAX_VALUE) {
      throw error("must fit a 32-bit integer, got " + n);
    }
    return (int) n;
  }

  /** This value as a boolean. */
  public boolean asBoolean() throws StrictJsonException {
    expect(Type.BOOLEAN, "true or false");
    return (Boolean) value;
  }

  @SuppressWarnings("unchecked")
  private Map<String, JsonValue> object() throws StrictJsonException {
    expect(Type.OBJECT, "an object");
    return (Map<String, JsonValue>) value;
  }

  private void expect(Type expected, String what) throws StrictJsonException {
    if (type != expected) {
      throw error("must be " + what + ", got " + describe(type));
    }
  }

  private static String describe(Type t) {
    return switch (t) {
      case OBJECT -> "an object";
      case ARRAY -> "an array";
      case STRING -> "a string";
      case INTEGER -> "a whole number";
      case DECIMAL -> "a decimal number";
      case BOOLEAN -> "a boolean";
      case NULL -> "null";
    };
  }

  /** This value written back as compact JSON text (fields in document order). */
  public String toJson() {
    StringBuilder sb = new StringBuilder();
    appendJson(sb);
    return sb.toString();
  }

  @SuppressWarnings("unchecked")
  private void appendJson(StringBuilder sb) {
    switch (type) {
      case OBJECT -> {
        sb.append('{');
        boolean first = true;
        for (Map.Entry<String, JsonValue> e : ((Map<String, JsonValue>) value).entrySet()) {
          if (!first) {
            sb.append(',');
          }
          first = false;
          appendString(sb, e.getKey());
          sb.append(':');
          e.getValue().appendJson(sb);
        }
        sb.append('}');
      }
      case ARRAY -> {
        sb.append('[');
        boolean first = true;
        for (JsonValue v : (List<JsonValue>) value) {
          if (!first) {
            sb.append(',');
          }
          first = false;
          v.appendJson(sb);
        }
        sb.append(']');
      }
      case STRING -> appendString(sb, (String) value);
      case NULL -> sb.append("null");
      default -> sb.append(value);
    }
  }

  private static void appendString(StringBuilder sb, String s) {
    sb.append('"');
    for (int i = 0; i < s.length(); i++) {
      char c = s.charAt(i);
      switch (c) {
        case '"' -> sb.append("\\\"");
        case '\\' -> sb.append("\\\\");
        default -> {
          if (c < 0x20 || c == 0x2028 || c == 0x2029) {
            sb.append(String.format("\\u%04x", (int) c));
          } else {
            sb.append(c);
          }
        }
      }
    }
    sb.append('"');
  }

  static JsonValue object(
      LinkedHashMap<String, JsonValue> fields, String source, String path, int line, int col) {
    return new JsonValue(Type.OBJECT, fields, source, path, line, col);
  }

  @Override
  public String toString() {
    return "JsonValue{" + type + " at " + path + "}";
  }
}
