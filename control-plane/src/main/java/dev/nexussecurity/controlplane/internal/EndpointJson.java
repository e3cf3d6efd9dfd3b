package dev.nexussecurity.controlplane.internal;

import com.fasterxml.jackson.databind.JsonNode;
import dev.nexussecurity.api.EndpointValidationException;
import dev.nexussecurity.api.NexusEndpoint;
import dev.nexussecurity.api.PayloadProtection;
import dev.nexussecurity.api.internal.UntrustedText;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

/**
 * The management API's JSON for Nexus endpoints, in the shape of the Temporal Cloud Ops API's
 * {@code temporal.api.cloud.nexus.v1.Endpoint} (proto3 JSON names):
 *
 * <pre>{@code
 * {"id": "payments", "resourceVersion": "3",
 *  "spec": {"name": "payments",
 *           "targetSpec": {"workerTargetSpec": {"namespaceId": "payments-ns", "taskQueue": "payments-nexus"}},
 *           "policySpecs": [{"allowedCloudNamespacePolicySpec": {"namespaceId": "orders-ns"}}],
 *           "description": "Charges cards for orders",
 *           "payloadProtection": "pairwise",
 *           "servicePayloadProtections": {"refunds": "shared:refunds-key"}}}
 * }</pre>
 *
 * <p>Differences from Cloud: the id is the endpoint's name (names are immutable here), the resource
 * version is the registry version as a decimal string, the description is a string (Cloud: a
 * Payload holding the text), and the payload protection fields are ours (Cloud has none): the
 * endpoint-wide {@code payloadProtection} and per-service {@code servicePayloadProtections}, in
 * {@link PayloadProtection}'s text form, returned only when set. An update replaces the whole spec:
 * a client that leaves the protection out of an update removes it. Parsing is strict: unknown
 * fields are errors, and every problem is reported as a field error with the field's JSON path.
 */
final class EndpointJson {
  static final String WORKER_TARGET = "spec.targetSpec.workerTargetSpec";

  private EndpointJson() {}

  /** One problem with one field of a request. */
  record FieldError(String field, String message) {
    Map<String, Object> toJson() {
      Map<String, Object> m = new LinkedHashMap<>();
      m.put("field", field);
      m.put("message", message);
      return m;
    }
  }

  /** The endpoint as the API returns it. */
  static Map<String, Object> toJson(NexusEndpoint e) {
    Map<String, Object> worker = new LinkedHashMap<>();
    worker.put("namespaceId", e.getTargetNamespace());
    worker.put("taskQueue", e.getTargetTaskQueue());
    List<Object> policies = new ArrayList<>();
    for (String ns : e.getAllowedCallerNamespaces()) {
      policies.add(Map.of("allowedCloudNamespacePolicySpec", Map.of("namespaceId", ns)));
    }
    Map<String, Object> spec = new LinkedHashMap<>();
    spec.put("name", e.getName());
    spec.put("targetSpec", Map.of("workerTargetSpec", worker));
    spec.put("policySpecs", policies);
    spec.put("description", e.getDescription());
    e.getDefaultPayloadProtection().ifPresent(p -> spec.put("payloadProtection", p.toString()));
    if (!e.getServicePayloadProtections().isEmpty()) {
      Map<String, Object> services = new LinkedHashMap<>();
      e.getServicePayloadProtections().forEach((svc, p) -> services.put(svc, p.toString()));
      spec.put("servicePayloadProtections", services);
    }
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("id", e.getName());
    m.put("resourceVersion", Long.toString(e.getVersion()));
    m.put("spec", spec);
    return m;
  }

  /**
   * The endpoint described by {@code spec}; {@code pathName} is the name from the URL on updates
   * (the spec may omit the name then, and must not change it), {@code null} on create.
   */
  static NexusEndpoint parseSpec(JsonNode spec, String pathName, List<FieldError> errors) {
    if (spec == null || spec.isNull()) {
      errors.add(new FieldError("spec", "is required: the endpoint's name, target and policies"));
      return null;
    }
    if (!spec.isObject()) {
      errors.add(new FieldError("spec", "must be a JSON object"));
      return null;
    }
    unknownFields(
        spec,
        "spec",
        Set.of(
            "name",
            "targetSpec",
            "policySpecs",
            "description",
            "payloadProtection",
            "servicePayloadProtections"),
        errors);
    NexusEndpoint.Builder b = NexusEndpoint.newBuilder();
    String name = text(spec, "name", "spec.name", pathName == null, errors);
    if (pathName != null) {
      if (name == null) {
        name = pathName;
      } else if (!name.equals(pathName)) {
        errors.add(
            new FieldError(
                "spec.name",
                "is '"
                    + UntrustedText.quote(name, 80)
                    + "' but the endpoint is '"
                    + UntrustedText.quote(pathName, 80)
                    + "': names are immutable; create a new endpoint to rename"));
        name = null;
      }
    }
    String finalName = name;
    boolean ok = finalName != null && set(errors, "spec.name", () -> b.setName(finalName));
    JsonNode target = object(spec, "targetSpec", "spec.targetSpec", true, errors);
    if (target != null) {
      unknownFields(target, "spec.targetSpec", Set.of("workerTargetSpec"), errors);
      JsonNode worker = object(target, "workerTargetSpec", WORKER_TARGET, true, errors);
      if (worker != null) {
        unknownFields(worker, WORKER_TARGET, Set.of("namespaceId", "taskQueue"), errors);
        String ns = text(worker, "namespaceId", WORKER_TARGET + ".namespaceId", true, errors);
        String tq = text(worker, "taskQueue", WORKER_TARGET + ".taskQueue", true, errors);
        ok &=
            ns != null
                && set(errors, WORKER_TARGET + ".namespaceId", () -> b.setTargetNamespace(ns));
        ok &=
            tq != null && set(errors, WORKER_TARGET + ".taskQueue", () -> b.setTargetTaskQueue(tq));
      } else {
        ok = false;
      }
    } else {
      ok = false;
    }
    JsonNode policies = spec.get("policySpecs");
    if (policies != null && !policies.isNull()) {
      if (!policies.isArray()) {
        errors.add(new FieldError("spec.policySpecs", "must be a JSON array"));
        ok = false;
      } else {
        for (int i = 0; i < policies.size(); i++) {
          String path = "spec.policySpecs[" + i + "]";
          JsonNode p = policies.get(i);
          if (!p.isObject()) {
            errors.add(new FieldError(path, "must be a JSON object"));
            ok = false;
            continue;
          }
          unknownFields(p, path, Set.of("allowedCloudNamespacePolicySpec"), errors);
          JsonNode allowed =
              object(
                  p,
                  "allowedCloudNamespacePolicySpec",
                  path + ".allowedCloudNamespacePolicySpec",
                  true,
                  errors);
          if (allowed == null) {
            ok = false;
            continue;
          }
          String apath = path + ".allowedCloudNamespacePolicySpec";
          unknownFields(allowed, apath, Set.of("namespaceId"), errors);
          String ns = text(allowed, "namespaceId", apath + ".namespaceId", true, errors);
          ok &=
              ns != null
                  && set(errors, apath + ".namespaceId", () -> b.addAllowedCallerNamespace(ns));
        }
      }
    }
    String description = text(spec, "description", "spec.description", false, errors);
    if (description != null) {
      ok &= set(errors, "spec.description", () -> b.setDescription(description));
    }
    ok &= protections(spec, b, errors);
    if (!ok || !errors.isEmpty()) {
      return null;
    }
    try {
      return b.build();
    } catch (EndpointValidationException e) {
      errors.add(new FieldError(field(e.getField()), rule(e)));
      return null;
    }
  }

  private static boolean protections(
      JsonNode spec, NexusEndpoint.Builder b, List<FieldError> errors) {
    boolean ok = true;
    String text = text(spec, "payloadProtection", "spec.payloadProtection", false, errors);
    if (text != null) {
      PayloadProtection p = protection(text, "spec.payloadProtection", errors);
      ok = p != null && set(errors, "spec.payloadProtection", () -> b.setPayloadProtection(p));
    } else if (spec.hasNonNull("payloadProtection")) {
      ok = false;
    }
    JsonNode services =
        object(spec, "servicePayloadProtections", "spec.servicePayloadProtections", false, errors);
    if (services == null) {
      return ok && (!spec.hasNonNull("servicePayloadProtections"));
    }
    for (Map.Entry<String, JsonNode> entry : services.properties()) {
      String service = entry.getKey();
      String path = "spec.servicePayloadProtections." + UntrustedText.quote(service, 80);
      String value = text(services, service, path, true, errors);
      PayloadProtection p = value == null ? null : protection(value, path, errors);
      ok &= p != null && set(errors, path, () -> b.putServicePayloadProtection(service, p));
    }
    return ok;
  }

  private static PayloadProtection protection(String text, String path, List<FieldError> errors) {
    try {
      return PayloadProtection.parse(text);
    } catch (IllegalArgumentException e) {
      errors.add(
          new FieldError(
              path,
              "value '"
                  + UntrustedText.quote(text, 80)
                  + "' is not a payload protection; use shared:<keyset> (1 to 64 characters of"
                  + " [A-Za-z0-9._-]), pairwise, hpke or authenticated, or leave it out for the"
                  + " workers' default"));
      return null;
    }
  }

  /** A resource version: a decimal string (or JSON number) of at least 1. */
  static Long resourceVersion(JsonNode v, String field, List<FieldError> errors) {
    if (v == null || v.isNull()) {
      errors.add(
          new FieldError(
              field,
              "is required: the resourceVersion you last read (get the endpoint to see the current"
                  + " one)"));
      return null;
    }
    String text = v.isTextual() ? v.textValue() : v.isIntegralNumber() ? v.asText() : null;
    return resourceVersion(text, field, errors);
  }

  /** A resource version from text (a query parameter). */
  static Long resourceVersion(String text, String field, List<FieldError> errors) {
    if (text == null) {
      errors.add(
          new FieldError(
              field,
              "is required: the resourceVersion you last read (get the endpoint to see the current"
                  + " one)"));
      return null;
    }
    if (!text.matches("[1-9][0-9]{0,17}")) {
      errors.add(
          new FieldError(
              field,
              "must be a resource version such as \"3\", got '" + UntrustedText.quote(text) + "'"));
      return null;
    }
    return Long.parseLong(text);
  }

  static void unknownFields(
      JsonNode node, String path, Set<String> known, List<FieldError> errors) {
    for (Iterator<String> it = node.fieldNames(); it.hasNext(); ) {
      String f = it.next();
      if (!known.contains(f)) {
        errors.add(
            new FieldError(
                path.isEmpty() ? UntrustedText.quote(f) : path + "." + UntrustedText.quote(f),
                "is not a known field; known fields here are " + new TreeSet<>(known)));
      }
    }
  }

  private static JsonNode object(
      JsonNode parent, String field, String path, boolean required, List<FieldError> errors) {
    JsonNode v = parent.get(field);
    if (v == null || v.isNull()) {
      if (required) {
        errors.add(new FieldError(path, "is required"));
      }
      return null;
    }
    if (!v.isObject()) {
      errors.add(new FieldError(path, "must be a JSON object"));
      return null;
    }
    return v;
  }

  private static String text(
      JsonNode parent, String field, String path, boolean required, List<FieldError> errors) {
    JsonNode v = parent.get(field);
    if (v == null || v.isNull()) {
      if (required) {
        errors.add(new FieldError(path, "is required"));
      }
      return null;
    }
    if (!v.isTextual()) {
      errors.add(new FieldError(path, "must be a string"));
      return null;
    }
    return v.textValue();
  }

  private static boolean set(List<FieldError> errors, String path, Runnable setter) {
    try {
      setter.run();
      return true;
    } catch (EndpointValidationException e) {
      errors.add(new FieldError(path, rule(e)));
      return false;
    }
  }

  /** The rule with the rejected value, e.g. "value 'a_b' must start with a letter, ...". */
  private static String rule(EndpointValidationException e) {
    return (e.getValue() == null ? "" : "value '" + UntrustedText.quote(e.getValue(), 80) + "' ")
        + e.getRule();
  }

  /** The API path of a {@link NexusEndpoint} field. */
  private static String field(String endpointField) {
    return switch (endpointField) {
      case "name" -> "spec.name";
      case "targetNamespace" -> WORKER_TARGET + ".namespaceId";
      case "targetTaskQueue" -> WORKER_TARGET + ".taskQueue";
      case "allowedCallerNamespaces" -> "spec.policySpecs";
      case "description" -> "spec.description";
      default -> "spec." + endpointField;
    };
  }
}
