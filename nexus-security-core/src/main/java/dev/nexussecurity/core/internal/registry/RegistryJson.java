package dev.nexussecurity.core.internal.registry;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.nexussecurity.api.EndpointValidationException;
import dev.nexussecurity.api.NamespaceNames;
import dev.nexussecurity.api.NexusEndpoint;
import dev.nexussecurity.api.PayloadProtection;
import dev.nexussecurity.api.internal.UntrustedText;
import dev.nexussecurity.core.RegistryFileException;
import dev.nexussecurity.core.internal.json.JsonValue;
import dev.nexussecurity.core.internal.json.StrictJson;
import dev.nexussecurity.core.internal.json.StrictJsonException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Collections;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;

/**
 * Reads and writes the registry file format (schema version 1) through the one strict JSON layer
 * ({@link StrictJson}).
 *
 * <p>Reading is strict: invalid JSON, duplicate JSON keys, trailing content, unknown fields,
 * missing required fields, values of the wrong JSON type (no coercion of {@code "3"} to 3 or of 3
 * to {@code "3"}), an unsupported schema version, duplicate endpoint names, duplicate allowed
 * callers, invalid namespace names ({@link NamespaceNames}), two spellings of one namespace name
 * that differ only in case anywhere in the file, and every {@link NexusEndpoint} validation rule
 * are errors. The first error found is thrown as a {@link RegistryFileException} naming the file,
 * the line and column of the offending value, the endpoint and the field; nothing is returned for a
 * file with an error.
 *
 * <p>Writing is deterministic: endpoints sorted by name, allowlists sorted, fields in a fixed
 * order, two-space indentation, one array element per line, {@code \n} line ends and a final
 * newline ({@link StrictJson#writePretty}).
 *
 * <pre>{@code
 * byte[] json = RegistryJson.write(endpoints);
 * List<NexusEndpoint> back = RegistryJson.read(path, json);
 * }</pre>
 */
public final class RegistryJson {
  /** The schema version this class reads and writes. */
  public static final int SCHEMA_VERSION = 1;

  /** Registry files larger than this are refused before parsing (64 MiB). */
  public static final int MAX_FILE_BYTES = 64 * 1024 * 1024;

  private static final String SCHEMA_VERSION_FIELD = "schemaVersion";
  private static final String ENDPOINTS_FIELD = "endpoints";
  private static final String CALLERS_FIELD = "allowedCallerNamespaces";
  private static final String PROTECTION_FIELD = "payloadProtection";
  private static final String SERVICE_PROTECTIONS_FIELD = "servicePayloadProtections";
  private static final List<String> ENDPOINT_FIELDS =
      List.of(
          "name",
          "targetNamespace",
          "targetTaskQueue",
          CALLERS_FIELD,
          "description",
          PROTECTION_FIELD,
          SERVICE_PROTECTIONS_FIELD,
          "version");
  private static final int MAX_VALUE_CHARS = 80;

  private RegistryJson() {}

  /**
   * Writes {@code endpoints} as a registry document (UTF-8 JSON with a final newline).
   *
   * @throws IllegalArgumentException if two endpoints share a name or an endpoint was never stored
   *     (version 0)
   * @throws dev.nexussecurity.api.EndpointValidationException if two endpoints spell one namespace
   *     name in ways that differ only in case, which {@link #read} refuses
   */
  public static byte[] write(Collection<NexusEndpoint> endpoints) {
    List<NexusEndpoint> sorted = new ArrayList<>(endpoints);
    sorted.sort(Comparator.comparing(NexusEndpoint::getName));
    ObjectNode document = StrictJson.newObject();
    document.put(SCHEMA_VERSION_FIELD, SCHEMA_VERSION);
    ArrayNode list = document.putArray(ENDPOINTS_FIELD);
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
      ObjectNode o = list.addObject();
      o.put("name", e.getName());
      o.put("targetNamespace", e.getTargetNamespace());
      o.put("targetTaskQueue", e.getTargetTaskQueue());
      ArrayNode callers = o.putArray(CALLERS_FIELD);
      new TreeSet<>(e.getAllowedCallerNamespaces()).forEach(callers::add);
      o.put("description", e.getDescription());
      e.getDefaultPayloadProtection().ifPresent(p -> o.put(PROTECTION_FIELD, p.toString()));
      if (!e.getServicePayloadProtections().isEmpty()) {
        ObjectNode services = o.putObject(SERVICE_PROTECTIONS_FIELD);
        e.getServicePayloadProtections().forEach((svc, p) -> services.put(svc, p.toString()));
      }
      o.put("version", e.getVersion());
    }
    // what read() refuses is never written: a saved registry always loads again
    NamespaceSpellings.requireConsistent(sorted);
    return StrictJson.writePretty(document).getBytes(StandardCharsets.UTF_8);
  }

  /**
   * Reads a registry document. {@code file} is used only in error messages.
   *
   * @return the endpoints in file order, unmodifiable
   * @throws RegistryFileException at the first error; nothing is returned for a file with an error
   */
  public static List<NexusEndpoint> read(Path file, byte[] content) {
    if (isBlank(content)) {
      throw new RegistryFileException(
          file,
          -1,
          -1,
          null,
          null,
          "is empty; expected a JSON object with the fields \"schemaVersion\" and \"endpoints\"",
          null);
    }
    JsonValue document;
    try {
      document = StrictJson.parse(content, MAX_FILE_BYTES, "registry file");
    } catch (StrictJsonException e) {
      throw error(file, e, null, null, e.getProblem());
    }
    return new Reader(file).readDocument(document);
  }

  private static boolean isBlank(byte[] content) {
    int start =
        content.length >= 3
                && content[0] == (byte) 0xEF
                && content[1] == (byte) 0xBB
                && content[2] == (byte) 0xBF
            ? 3
            : 0;
    for (int i = start; i < content.length; i++) {
      byte b = content[i];
      if (b != ' ' && b != '\t' && b != '\n' && b != '\r') {
        return false;
      }
    }
    return true;
  }

  /** Reads one parsed document; remembers every namespace spelling seen, for the case check. */
  private static final class Reader {
    private final Path file;
    private final Map<String, Occurrence> namespaceSpellings = new HashMap<>();

    Reader(Path file) {
      this.file = file;
    }

    /** Where a namespace name was first seen. */
    private record Occurrence(String name, String where, int line) {}

    List<NexusEndpoint> readDocument(JsonValue document) {
      if (document.getType() != JsonValue.Type.OBJECT) {
        throw error(
            file,
            document,
            null,
            null,
            "must be a JSON object with the fields \"schemaVersion\" and \"endpoints\", found "
                + describe(document.getType()));
      }
      Map<String, JsonValue> fields = fieldsOf(document);
      for (Map.Entry<String, JsonValue> f : fields.entrySet()) {
        if (!f.getKey().equals(SCHEMA_VERSION_FIELD) && !f.getKey().equals(ENDPOINTS_FIELD)) {
          throw error(
              file,
              f.getValue(),
              null,
              UntrustedText.quote(f.getKey(), MAX_VALUE_CHARS),
              "unknown field; a registry file has only the fields \"schemaVersion\" and"
                  + " \"endpoints\"");
        }
      }
      checkSchemaVersion(document, fields.get(SCHEMA_VERSION_FIELD));
      JsonValue list = fields.get(ENDPOINTS_FIELD);
      if (list == null || list.getType() == JsonValue.Type.NULL) {
        throw error(
            file,
            document,
            null,
            ENDPOINTS_FIELD,
            "required field is missing; add \"endpoints\": [] (an empty registry) or the endpoints");
      }
      if (list.getType() != JsonValue.Type.ARRAY) {
        throw error(
            file,
            list,
            null,
            ENDPOINTS_FIELD,
            "must be an array of endpoint objects, found " + describe(list.getType()));
      }
      List<JsonValue> elements = elementsOf(list);
      List<NexusEndpoint> endpoints = new ArrayList<>(elements.size());
      Map<String, Integer> firstIndexByName = new HashMap<>();
      for (int i = 0; i < elements.size(); i++) {
        JsonValue entry = elements.get(i);
        NexusEndpoint endpoint = readEndpoint(i, entry);
        Integer first = firstIndexByName.putIfAbsent(endpoint.getName(), i);
        if (first != null) {
          throw error(
              file,
              entry,
              endpoint.getName(),
              "name",
              "duplicate endpoint name: "
                  + where(i)
                  + " has the same name as "
                  + where(first)
                  + " at line "
                  + elements.get(first).getLine()
                  + "; endpoint names must be unique");
        }
        endpoints.add(endpoint);
      }
      return Collections.unmodifiableList(endpoints);
    }

    private void checkSchemaVersion(JsonValue document, JsonValue version) {
      if (version == null || version.getType() == JsonValue.Type.NULL) {
        throw error(
            file,
            document,
            null,
            SCHEMA_VERSION_FIELD,
            "required field is missing; add \"schemaVersion\": " + SCHEMA_VERSION);
      }
      if (version.getType() != JsonValue.Type.INTEGER) {
        throw error(
            file,
            version,
            null,
            SCHEMA_VERSION_FIELD,
            "must be the integer " + SCHEMA_VERSION + ", found " + describe(version.getType()));
      }
      long value;
      try {
        value = version.asLong();
      } catch (StrictJsonException e) {
        throw error(
            file, e, null, SCHEMA_VERSION_FIELD, "unsupported schema version: " + e.getProblem());
      }
      if (value != SCHEMA_VERSION) {
        throw error(
            file,
            version,
            null,
            SCHEMA_VERSION_FIELD,
            "unsupported schema version "
                + value
                + "; this version of nexus-security reads schema version "
                + SCHEMA_VERSION);
      }
    }

    private NexusEndpoint readEndpoint(int index, JsonValue entry) {
      String where = where(index);
      if (entry.getType() != JsonValue.Type.OBJECT) {
        throw error(
            file,
            entry,
            null,
            null,
            where + " must be a JSON object, found " + describe(entry.getType()));
      }
      Map<String, JsonValue> fields = fieldsOf(entry);
      String name = knownName(fields.get("name"));
      for (Map.Entry<String, JsonValue> f : fields.entrySet()) {
        if (!ENDPOINT_FIELDS.contains(f.getKey())) {
          throw error(
              file,
              f.getValue(),
              name,
              UntrustedText.quote(f.getKey(), MAX_VALUE_CHARS),
              "unknown field in "
                  + where
                  + "; an endpoint has only the fields "
                  + String.join(", ", ENDPOINT_FIELDS));
        }
      }
      for (String required : List.of("name", "targetNamespace", "targetTaskQueue", CALLERS_FIELD)) {
        JsonValue v = fields.get(required);
        if (v == null || v.getType() == JsonValue.Type.NULL) {
          throw error(
              file, entry, name, required, "required field is missing or null (" + where + ")");
        }
      }
      NexusEndpoint.Builder builder = NexusEndpoint.newBuilder();
      String rawName = text(fields.get("name"), name, "name", where);
      try {
        builder.setName(rawName);
      } catch (EndpointValidationException e) {
        throw invalid(fields.get("name"), null, e, where);
      }
      JsonValue versionValue = fields.get("version");
      if (versionValue == null || versionValue.getType() == JsonValue.Type.NULL) {
        throw error(
            file, entry, name, "version", "required field is missing or null (" + where + ")");
      }
      String targetNamespace = text(fields.get("targetNamespace"), name, "targetNamespace", where);
      namespace(targetNamespace, fields.get("targetNamespace"), name, "targetNamespace", where);
      String targetTaskQueue = text(fields.get("targetTaskQueue"), name, "targetTaskQueue", where);
      List<String> callers = callers(fields.get(CALLERS_FIELD), name, where);
      JsonValue descriptionValue = fields.get("description");
      String description =
          descriptionValue == null || descriptionValue.getType() == JsonValue.Type.NULL
              ? ""
              : text(descriptionValue, name, "description", where);
      long version;
      try {
        version = versionValue.asLong();
      } catch (StrictJsonException e) {
        throw error(file, e, name, "version", e.getProblem() + " (" + where + ")");
      }
      try {
        builder.setTargetNamespace(targetNamespace);
      } catch (EndpointValidationException e) {
        throw invalid(fields.get("targetNamespace"), name, e, where);
      }
      try {
        builder.setTargetTaskQueue(targetTaskQueue);
      } catch (EndpointValidationException e) {
        throw invalid(fields.get("targetTaskQueue"), name, e, where);
      }
      try {
        builder.setAllowedCallerNamespaces(callers);
      } catch (EndpointValidationException e) {
        throw invalid(fields.get(CALLERS_FIELD), name, e, where);
      }
      try {
        builder.setDescription(description);
      } catch (EndpointValidationException e) {
        throw invalid(descriptionValue, name, e, where);
      }
      JsonValue protectionValue = fields.get(PROTECTION_FIELD);
      if (protectionValue != null && protectionValue.getType() != JsonValue.Type.NULL) {
        builder.setPayloadProtection(
            protection(protectionValue, name, PROTECTION_FIELD, where, "the endpoint"));
      }
      JsonValue servicesValue = fields.get(SERVICE_PROTECTIONS_FIELD);
      if (servicesValue != null && servicesValue.getType() != JsonValue.Type.NULL) {
        serviceProtections(builder, servicesValue, name, where);
      }
      if (version < 1) {
        throw error(
            file,
            versionValue,
            name,
            "version",
            "value '"
                + version
                + "' must be 1 or greater; versions in a registry file start at 1 ("
                + where
                + ")");
      }
      builder.setVersion(version);
      try {
        return builder.build();
      } catch (EndpointValidationException e) {
        throw invalid(entry, name, e, where);
      }
    }

    private List<String> callers(JsonValue value, String name, String where) {
      if (value.getType() != JsonValue.Type.ARRAY) {
        throw error(
            file,
            value,
            name,
            CALLERS_FIELD,
            "must be an array of strings, found " + describe(value.getType()) + " (" + where + ")");
      }
      List<JsonValue> elements = elementsOf(value);
      List<String> callers = new ArrayList<>(elements.size());
      Set<String> seen = new HashSet<>();
      for (int i = 0; i < elements.size(); i++) {
        JsonValue element = elements.get(i);
        String caller;
        try {
          caller = element.asText();
        } catch (StrictJsonException e) {
          throw error(
              file,
              e,
              name,
              CALLERS_FIELD,
              "must be an array of strings: element "
                  + i
                  + " "
                  + e.getProblem()
                  + " ("
                  + where
                  + ")");
        }
        namespace(caller, element, name, CALLERS_FIELD, where);
        if (!seen.add(caller)) {
          throw error(
              file,
              element,
              name,
              CALLERS_FIELD,
              "lists '"
                  + UntrustedText.quote(caller, MAX_VALUE_CHARS)
                  + "' more than once ("
                  + where
                  + ")");
        }
        callers.add(caller);
      }
      return callers;
    }

    private PayloadProtection protection(
        JsonValue value, String name, String field, String where, String of) {
      String text = text(value, name, field, where);
      try {
        return PayloadProtection.parse(text);
      } catch (IllegalArgumentException e) {
        throw error(
            file,
            value,
            name,
            field,
            "value '"
                + UntrustedText.quote(text, MAX_VALUE_CHARS)
                + "' is not a payload protection of "
                + of
                + ": use shared:<keyset> (1 to 64 characters of [A-Za-z0-9._-]), pairwise, hpke"
                + " or authenticated ("
                + where
                + ")");
      }
    }

    private void serviceProtections(
        NexusEndpoint.Builder builder, JsonValue value, String name, String where) {
      if (value.getType() != JsonValue.Type.OBJECT) {
        throw error(
            file,
            value,
            name,
            SERVICE_PROTECTIONS_FIELD,
            "must be an object from Nexus service name to payload protection, found "
                + describe(value.getType())
                + " ("
                + where
                + ")");
      }
      for (Map.Entry<String, JsonValue> entry : fieldsOf(value).entrySet()) {
        String service = entry.getKey();
        String field =
            SERVICE_PROTECTIONS_FIELD + "." + UntrustedText.quote(service, MAX_VALUE_CHARS);
        PayloadProtection p =
            protection(
                entry.getValue(),
                name,
                field,
                where,
                "service '" + UntrustedText.quote(service, MAX_VALUE_CHARS) + "'");
        try {
          builder.putServicePayloadProtection(service, p);
        } catch (EndpointValidationException e) {
          throw invalid(entry.getValue(), name, e, where);
        }
      }
    }

    /**
     * Checks one namespace name where it stands: the name rule, and that no other spelling of it
     * that differs only in case appeared earlier in the file.
     */
    private void namespace(String ns, JsonValue at, String name, String field, String where) {
      Optional<String> problem = NamespaceNames.problem(ns);
      if (problem.isPresent()) {
        throw error(
            file,
            at,
            name,
            field,
            "value '"
                + UntrustedText.quote(ns, MAX_VALUE_CHARS)
                + "' is not a valid namespace name: it "
                + problem.get()
                + " ("
                + where
                + ")");
      }
      Occurrence first =
          namespaceSpellings.putIfAbsent(
              ns.toLowerCase(Locale.ROOT), new Occurrence(ns, where + "." + field, at.getLine()));
      if (first != null && !first.name().equals(ns)) {
        throw error(
            file,
            at,
            name,
            field,
            "namespace '"
                + ns
                + "' differs only in case from '"
                + first.name()
                + "' ("
                + first.where()
                + ", line "
                + first.line()
                + "); Temporal compares namespace names exactly, so these are two different"
                + " namespaces and one of them would never match: use the namespace's exact"
                + " spelling ("
                + where
                + ")");
      }
    }

    private String text(JsonValue value, String name, String field, String where) {
      try {
        return value.asText();
      } catch (StrictJsonException e) {
        throw error(file, e, name, field, e.getProblem() + " (" + where + ")");
      }
    }

    private RegistryFileException invalid(
        JsonValue at, String endpointName, EndpointValidationException e, String where) {
      String value =
          e.getValue() == null
              ? ""
              : "value '" + UntrustedText.quote(e.getValue(), MAX_VALUE_CHARS) + "' ";
      return new RegistryFileException(
          file,
          at.getLine(),
          at.getColumn(),
          endpointName,
          e.getField(),
          value + e.getRule() + " (" + where + ")",
          e);
    }
  }

  /** The endpoint's name if it is a valid one, for messages; otherwise {@code null}. */
  private static String knownName(JsonValue name) {
    if (name == null || name.getType() != JsonValue.Type.STRING) {
      return null;
    }
    try {
      String n = name.asText();
      return n.length() <= NexusEndpoint.MAX_NAME_LENGTH
              && NexusEndpoint.NAME_PATTERN.matcher(n).matches()
          ? n
          : null;
    } catch (StrictJsonException e) {
      return null;
    }
  }

  private static Map<String, JsonValue> fieldsOf(JsonValue object) {
    try {
      return object.fields();
    } catch (StrictJsonException e) {
      throw new IllegalStateException("checked to be an object", e);
    }
  }

  private static List<JsonValue> elementsOf(JsonValue array) {
    try {
      return array.elements();
    } catch (StrictJsonException e) {
      throw new IllegalStateException("checked to be an array", e);
    }
  }

  private static String where(int index) {
    return "endpoints[" + index + "]";
  }

  private static String describe(JsonValue.Type type) {
    return switch (type) {
      case OBJECT -> "an object";
      case ARRAY -> "an array";
      case STRING -> "a string";
      case INTEGER -> "an integer";
      case DECIMAL -> "a decimal number";
      case BOOLEAN -> "a boolean";
      case NULL -> "null";
    };
  }

  private static RegistryFileException error(
      Path file, JsonValue at, String endpointName, String field, String problem) {
    return new RegistryFileException(
        file, at.getLine(), at.getColumn(), endpointName, field, problem, null);
  }

  private static RegistryFileException error(
      Path file, StrictJsonException e, String endpointName, String field, String problem) {
    int line = e.getLine() > 0 ? e.getLine() : -1;
    int column = e.getLine() > 0 ? e.getColumn() : -1;
    return new RegistryFileException(file, line, column, endpointName, field, problem, e);
  }
}
