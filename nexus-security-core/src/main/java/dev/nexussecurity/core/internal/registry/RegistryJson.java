package dev.nexussecurity.core.internal.registry;

import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.JsonLocation;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.core.StreamReadFeature;
import com.fasterxml.jackson.core.exc.StreamReadException;
import com.fasterxml.jackson.core.util.DefaultIndenter;
import com.fasterxml.jackson.core.util.DefaultPrettyPrinter;
import com.fasterxml.jackson.databind.ObjectWriter;
import com.fasterxml.jackson.databind.json.JsonMapper;
import dev.nexussecurity.api.EndpointValidationException;
import dev.nexussecurity.api.NexusEndpoint;
import dev.nexussecurity.api.internal.UntrustedText;
import dev.nexussecurity.core.RegistryFileException;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Collections;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

/**
 * Reads and writes the registry file format (schema version 1) with Jackson.
 *
 * <p>Reading uses Jackson's streaming parser rather than data binding so that every error can name
 * the exact line and column of the offending value. It is strict: unknown fields, missing required
 * fields, values of the wrong JSON type (no coercion of {@code "3"} to 3 or of 3 to {@code "3"}),
 * duplicate JSON keys, duplicate endpoint names, duplicate allowed callers, an unsupported schema
 * version, trailing content and every {@link NexusEndpoint} validation rule are errors. The first
 * error found is thrown as a {@link RegistryFileException} naming the file, the line and column,
 * the endpoint and the field; nothing is returned for a file with an error.
 *
 * <p>Writing binds {@link RegistryDocument} with Jackson and is deterministic: endpoints sorted by
 * name, allowlists sorted, fields in a fixed order, two-space indentation, one array element per
 * line, {@code \n} line ends and a final newline.
 *
 * <pre>{@code
 * byte[] json = RegistryJson.write(endpoints);
 * List<NexusEndpoint> back = RegistryJson.read(path, json);
 * }</pre>
 */
public final class RegistryJson {
  /** The schema version this class reads and writes. */
  public static final int SCHEMA_VERSION = 1;

  private static final String SCHEMA_VERSION_FIELD = "schemaVersion";
  private static final String ENDPOINTS_FIELD = "endpoints";
  private static final int MAX_VALUE_CHARS = 80;

  private static final JsonMapper MAPPER =
      JsonMapper.builder().enable(StreamReadFeature.STRICT_DUPLICATE_DETECTION).build();

  private static final ObjectWriter DOCUMENT_WRITER =
      MAPPER.writerFor(RegistryDocument.class).with(prettyPrinter());

  private RegistryJson() {}

  private static DefaultPrettyPrinter prettyPrinter() {
    return new RegistryPrettyPrinter();
  }

  /**
   * Two-space indentation with {@code \n}, {@code "name": value}, and {@code {}} and {@code []} for
   * empty containers. Written against the API of Jackson 2.15 (the version Temporal's SDK brings)
   * so that the output is the same on every Jackson 2.x from 2.15 on; {@code Separators.Spacing},
   * which would say the same, exists only since 2.16.
   */
  static final class RegistryPrettyPrinter extends DefaultPrettyPrinter {
    private static final long serialVersionUID = 1L;

    RegistryPrettyPrinter() {
      DefaultIndenter newlineIndent = new DefaultIndenter("  ", "\n");
      _objectIndenter = newlineIndent;
      _arrayIndenter = newlineIndent;
    }

    private RegistryPrettyPrinter(RegistryPrettyPrinter base) {
      super(base);
    }

    @Override
    public RegistryPrettyPrinter createInstance() {
      return new RegistryPrettyPrinter(this);
    }

    @Override
    public void writeObjectFieldValueSeparator(JsonGenerator g) throws IOException {
      g.writeRaw(": ");
    }

    @Override
    public void writeEndObject(JsonGenerator g, int nrOfEntries) throws IOException {
      if (!_objectIndenter.isInline()) {
        --_nesting;
      }
      if (nrOfEntries > 0) {
        _objectIndenter.writeIndentation(g, _nesting);
      }
      g.writeRaw('}');
    }

    @Override
    public void writeEndArray(JsonGenerator g, int nrOfValues) throws IOException {
      if (!_arrayIndenter.isInline()) {
        --_nesting;
      }
      if (nrOfValues > 0) {
        _arrayIndenter.writeIndentation(g, _nesting);
      }
      g.writeRaw(']');
    }
  }

  /**
   * Writes {@code endpoints} as a registry document (UTF-8 JSON with a final newline).
   *
   * @throws IllegalArgumentException if two endpoints share a name or an endpoint was never stored
   *     (version 0)
   */
  public static byte[] write(Collection<NexusEndpoint> endpoints) {
    List<NexusEndpoint> sorted = new ArrayList<>(endpoints);
    sorted.sort(Comparator.comparing(NexusEndpoint::getName));
    List<EndpointRecord> records = new ArrayList<>(sorted.size());
    String previous = null;
    for (NexusEndpoint e : sorted) {
      if (e.getName().equals(previous)) {
        throw new IllegalArgumentException(
            "Duplicate Nexus endpoint name '" + e.getName() + "'; endpoint names must be unique");
      }
      if (e.getVersion() < 1) {
        throw new IllegalArgumentException(
            "Nexus endpoint '"
                + e.getName()
                + "' has version "
                + e.getVersion()
                + "; only stored endpoints (version 1 or greater) can be written to a registry file");
      }
      previous = e.getName();
      records.add(
          new EndpointRecord(
              e.getName(),
              e.getTargetNamespace(),
              e.getTargetTaskQueue(),
              List.copyOf(new TreeSet<>(e.getAllowedCallerNamespaces())),
              e.getDescription(),
              e.getVersion()));
    }
    try {
      byte[] json =
          DOCUMENT_WRITER.writeValueAsBytes(new RegistryDocument(SCHEMA_VERSION, records));
      byte[] withNewline = new byte[json.length + 1];
      System.arraycopy(json, 0, withNewline, 0, json.length);
      withNewline[json.length] = '\n';
      return withNewline;
    } catch (JsonProcessingException e) {
      throw new UncheckedIOException("Cannot write the registry document", e);
    }
  }

  /**
   * Reads a registry document. {@code file} is used only in error messages.
   *
   * @return the endpoints in file order, unmodifiable
   * @throws RegistryFileException at the first error; nothing is returned for a file with an error
   */
  public static List<NexusEndpoint> read(Path file, byte[] content) {
    List<Entry> entries;
    try (JsonParser p = MAPPER.createParser(content)) {
      entries = readDocument(file, p);
    } catch (StreamReadException e) {
      throw error(
          file, e.getLocation(), null, null, "malformed JSON: " + e.getOriginalMessage(), e);
    } catch (JsonProcessingException e) {
      throw error(
          file, e.getLocation(), null, null, "cannot be read: " + e.getOriginalMessage(), e);
    } catch (IOException e) {
      throw error(file, null, null, null, "cannot be read: " + e, e);
    }
    List<NexusEndpoint> endpoints = new ArrayList<>(entries.size());
    Map<String, Entry> byName = new HashMap<>();
    for (Entry entry : entries) {
      NexusEndpoint endpoint = toEndpoint(file, entry);
      Entry first = byName.putIfAbsent(endpoint.getName(), entry);
      if (first != null) {
        throw error(
            file,
            entry.location,
            endpoint.getName(),
            "name",
            "duplicate endpoint name: "
                + entry.where()
                + " has the same name as "
                + first.where()
                + " at line "
                + first.location.getLineNr()
                + "; endpoint names must be unique",
            null);
      }
      endpoints.add(endpoint);
    }
    return Collections.unmodifiableList(endpoints);
  }

  private static List<Entry> readDocument(Path file, JsonParser p) throws IOException {
    JsonToken token = p.nextToken();
    JsonLocation start = p.currentTokenLocation();
    if (token == null) {
      throw error(
          file,
          null,
          null,
          null,
          "is empty; expected a JSON object with the fields \"schemaVersion\" and \"endpoints\"",
          null);
    }
    if (token != JsonToken.START_OBJECT) {
      throw error(
          file,
          start,
          null,
          null,
          "must be a JSON object with the fields \"schemaVersion\" and \"endpoints\", found "
              + describe(token),
          null);
    }
    boolean sawSchemaVersion = false;
    List<Entry> entries = null;
    while ((token = p.nextToken()) == JsonToken.FIELD_NAME) {
      String field = p.currentName();
      JsonLocation fieldLocation = p.currentTokenLocation();
      token = p.nextToken();
      if (SCHEMA_VERSION_FIELD.equals(field)) {
        checkSchemaVersion(file, p, token);
        sawSchemaVersion = true;
      } else if (ENDPOINTS_FIELD.equals(field)) {
        entries = readEndpoints(file, p, token);
      } else {
        throw error(
            file,
            fieldLocation,
            null,
            field,
            "unknown field; a registry file has only the fields \"schemaVersion\" and \"endpoints\"",
            null);
      }
    }
    if (p.nextToken() != null) {
      throw error(
          file,
          p.currentTokenLocation(),
          null,
          null,
          "unexpected content after the registry object; a registry file holds exactly one JSON object",
          null);
    }
    if (!sawSchemaVersion) {
      throw error(
          file,
          start,
          null,
          SCHEMA_VERSION_FIELD,
          "required field is missing; add \"schemaVersion\": " + SCHEMA_VERSION,
          null);
    }
    if (entries == null) {
      throw error(
          file,
          start,
          null,
          ENDPOINTS_FIELD,
          "required field is missing; add \"endpoints\": [] (an empty registry) or the endpoints",
          null);
    }
    return entries;
  }

  private static void checkSchemaVersion(Path file, JsonParser p, JsonToken token)
      throws IOException {
    if (token != JsonToken.VALUE_NUMBER_INT) {
      throw error(
          file,
          p.currentTokenLocation(),
          null,
          SCHEMA_VERSION_FIELD,
          "must be the integer " + SCHEMA_VERSION + ", found " + describe(token),
          null);
    }
    if (p.getNumberType() != JsonParser.NumberType.INT || p.getIntValue() != SCHEMA_VERSION) {
      throw error(
          file,
          p.currentTokenLocation(),
          null,
          SCHEMA_VERSION_FIELD,
          "unsupported schema version "
              + UntrustedText.quote(p.getText(), MAX_VALUE_CHARS)
              + "; this version of nexus-security reads schema version "
              + SCHEMA_VERSION,
          null);
    }
  }

  private static List<Entry> readEndpoints(Path file, JsonParser p, JsonToken token)
      throws IOException {
    if (token != JsonToken.START_ARRAY) {
      throw error(
          file,
          p.currentTokenLocation(),
          null,
          ENDPOINTS_FIELD,
          "must be an array of endpoint objects, found " + describe(token),
          null);
    }
    List<Entry> entries = new ArrayList<>();
    while ((token = p.nextToken()) != JsonToken.END_ARRAY) {
      Entry entry = new Entry(entries.size(), p.currentTokenLocation());
      if (token != JsonToken.START_OBJECT) {
        throw error(
            file,
            entry.location,
            null,
            null,
            entry.where() + " must be a JSON object, found " + describe(token),
            null);
      }
      readEndpointFields(file, p, entry);
      entries.add(entry);
    }
    return entries;
  }

  /** Reads the fields of one endpoint object, remembering where each value starts. */
  private static void readEndpointFields(Path file, JsonParser p, Entry entry) throws IOException {
    while (p.nextToken() == JsonToken.FIELD_NAME) {
      String field = p.currentName();
      JsonLocation fieldLocation = p.currentTokenLocation();
      JsonToken token = p.nextToken();
      entry.locations.put(field, p.currentTokenLocation());
      switch (field) {
        case "name":
          entry.name = readString(file, p, token, entry, field);
          break;
        case "targetNamespace":
          entry.targetNamespace = readString(file, p, token, entry, field);
          break;
        case "targetTaskQueue":
          entry.targetTaskQueue = readString(file, p, token, entry, field);
          break;
        case "allowedCallerNamespaces":
          entry.allowedCallerNamespaces = readStringArray(file, p, token, entry, field);
          break;
        case "description":
          entry.description = readString(file, p, token, entry, field);
          break;
        case "version":
          entry.version = readLong(file, p, token, entry, field);
          break;
        default:
          throw error(
              file,
              fieldLocation,
              entry.knownName(),
              field,
              "unknown field in "
                  + entry.where()
                  + "; an endpoint has only the fields "
                  + String.join(", ", EndpointRecord.FIELDS),
              null);
      }
    }
  }

  private static String readString(
      Path file, JsonParser p, JsonToken token, Entry entry, String field) throws IOException {
    if (token == JsonToken.VALUE_NULL) {
      return null;
    }
    if (token != JsonToken.VALUE_STRING) {
      throw wrongType(file, p, token, entry, field, "a string");
    }
    return p.getText();
  }

  private static Long readLong(Path file, JsonParser p, JsonToken token, Entry entry, String field)
      throws IOException {
    if (token == JsonToken.VALUE_NULL) {
      return null;
    }
    if (token != JsonToken.VALUE_NUMBER_INT) {
      throw wrongType(file, p, token, entry, field, "an integer");
    }
    if (p.getNumberType() == JsonParser.NumberType.BIG_INTEGER) {
      throw error(
          file,
          p.currentTokenLocation(),
          entry.knownName(),
          field,
          "value '"
              + UntrustedText.quote(p.getText(), MAX_VALUE_CHARS)
              + "' is too large ("
              + entry.where()
              + ")",
          null);
    }
    return p.getLongValue();
  }

  private static List<String> readStringArray(
      Path file, JsonParser p, JsonToken token, Entry entry, String field) throws IOException {
    if (token == JsonToken.VALUE_NULL) {
      return null;
    }
    if (token != JsonToken.START_ARRAY) {
      throw wrongType(file, p, token, entry, field, "an array of strings");
    }
    List<String> values = new ArrayList<>();
    while ((token = p.nextToken()) != JsonToken.END_ARRAY) {
      if (token != JsonToken.VALUE_STRING) {
        throw error(
            file,
            p.currentTokenLocation(),
            entry.knownName(),
            field,
            "must be an array of strings, found "
                + describe(token)
                + " at index "
                + values.size()
                + " ("
                + entry.where()
                + ")",
            null);
      }
      values.add(p.getText());
    }
    return values;
  }

  private static RegistryFileException wrongType(
      Path file, JsonParser p, JsonToken token, Entry entry, String field, String expected) {
    return error(
        file,
        p.currentTokenLocation(),
        entry.knownName(),
        field,
        "must be " + expected + ", found " + describe(token) + " (" + entry.where() + ")",
        null);
  }

  private static NexusEndpoint toEndpoint(Path file, Entry entry) {
    if (entry.name == null) {
      throw missing(file, entry, null, "name");
    }
    NexusEndpoint.Builder builder = NexusEndpoint.newBuilder();
    try {
      builder.setName(entry.name);
    } catch (EndpointValidationException e) {
      throw invalid(file, entry, null, e);
    }
    String name = entry.name;
    if (entry.targetNamespace == null) {
      throw missing(file, entry, name, "targetNamespace");
    }
    if (entry.targetTaskQueue == null) {
      throw missing(file, entry, name, "targetTaskQueue");
    }
    if (entry.allowedCallerNamespaces == null) {
      throw missing(file, entry, name, "allowedCallerNamespaces");
    }
    if (entry.version == null) {
      throw missing(file, entry, name, "version");
    }
    try {
      builder
          .setTargetNamespace(entry.targetNamespace)
          .setTargetTaskQueue(entry.targetTaskQueue)
          .setAllowedCallerNamespaces(entry.allowedCallerNamespaces)
          .setDescription(entry.description)
          .setVersion(entry.version);
    } catch (EndpointValidationException e) {
      throw invalid(file, entry, name, e);
    }
    Set<String> seen = new HashSet<>();
    for (String caller : entry.allowedCallerNamespaces) {
      if (!seen.add(caller)) {
        throw error(
            file,
            entry.locationOf("allowedCallerNamespaces"),
            name,
            "allowedCallerNamespaces",
            "lists '"
                + UntrustedText.quote(caller, MAX_VALUE_CHARS)
                + "' more than once ("
                + entry.where()
                + ")",
            null);
      }
    }
    if (entry.version < 1) {
      throw error(
          file,
          entry.locationOf("version"),
          name,
          "version",
          "value '"
              + entry.version
              + "' must be 1 or greater; versions in a registry file start at 1 ("
              + entry.where()
              + ")",
          null);
    }
    return builder.build();
  }

  private static RegistryFileException missing(
      Path file, Entry entry, String endpointName, String field) {
    return error(
        file,
        entry.location,
        endpointName,
        field,
        "required field is missing or null (" + entry.where() + ")",
        null);
  }

  private static RegistryFileException invalid(
      Path file, Entry entry, String endpointName, EndpointValidationException e) {
    String value =
        e.getValue() == null
            ? ""
            : "value '" + UntrustedText.quote(e.getValue(), MAX_VALUE_CHARS) + "' ";
    return error(
        file,
        entry.locationOf(e.getField()),
        endpointName,
        e.getField(),
        value + e.getRule() + " (" + entry.where() + ")",
        e);
  }

  private static RegistryFileException error(
      Path file,
      JsonLocation location,
      String endpointName,
      String field,
      String problem,
      Throwable cause) {
    int line = location == null ? -1 : location.getLineNr();
    int column = location == null ? -1 : location.getColumnNr();
    return new RegistryFileException(file, line, column, endpointName, field, problem, cause);
  }

  private static String describe(JsonToken token) {
    if (token == null) {
      return "end of input";
    }
    switch (token) {
      case START_OBJECT:
        return "an object";
      case START_ARRAY:
        return "an array";
      case VALUE_STRING:
        return "a string";
      case VALUE_NUMBER_INT:
        return "an integer";
      case VALUE_NUMBER_FLOAT:
        return "a decimal number";
      case VALUE_TRUE:
      case VALUE_FALSE:
        return "a boolean";
      case VALUE_NULL:
        return "null";
      default:
        return token.toString();
    }
  }

  /** One endpoint object of the file: its raw values and where it and each value start. */
  private static final class Entry {
    final int index;
    final JsonLocation location;
    final Map<String, JsonLocation> locations = new HashMap<>();
    String name;
    String targetNamespace;
    String targetTaskQueue;
    List<String> allowedCallerNamespaces;
    String description;
    Long version;

    Entry(int index, JsonLocation location) {
      this.index = index;
      this.location = location;
    }

    String where() {
      return "endpoints[" + index + "]";
    }

    /** The endpoint's name if it was read already and is valid, else {@code null}. */
    String knownName() {
      return name != null
              && name.length() <= NexusEndpoint.MAX_NAME_LENGTH
              && NexusEndpoint.NAME_PATTERN.matcher(name).matches()
          ? name
          : null;
    }

    /** Where the value of {@code field} starts, or where the endpoint starts if it is absent. */
    JsonLocation locationOf(String field) {
      return locations.getOrDefault(field, location);
    }
  }
}
