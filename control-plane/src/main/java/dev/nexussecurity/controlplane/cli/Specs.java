package dev.nexussecurity.controlplane.cli;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;

/** Builds and reads the API's endpoint specs (Cloud Ops API shape). */
final class Specs {
  private Specs() {}

  static Map<String, Object> spec(
      String name, String namespace, String taskQueue, List<String> allowed, String description) {
    return spec(name, namespace, taskQueue, allowed, description, null, Map.of());
  }

  /**
   * A spec with payload protection: {@code protection} endpoint-wide (null: none) and {@code
   * services} per service (empty: none), in the protection's text form; the server validates them.
   */
  static Map<String, Object> spec(
      String name,
      String namespace,
      String taskQueue,
      List<String> allowed,
      String description,
      String protection,
      Map<String, String> services) {
    Map<String, Object> worker = new LinkedHashMap<>();
    worker.put("namespaceId", namespace);
    worker.put("taskQueue", taskQueue);
    List<Object> policies = new ArrayList<>();
    for (String ns : allowed) {
      policies.add(Map.of("allowedCloudNamespacePolicySpec", Map.of("namespaceId", ns)));
    }
    Map<String, Object> spec = new LinkedHashMap<>();
    spec.put("name", name);
    spec.put("targetSpec", Map.of("workerTargetSpec", worker));
    spec.put("policySpecs", policies);
    spec.put("description", description);
    if (protection != null) {
      spec.put("payloadProtection", protection);
    }
    if (!services.isEmpty()) {
      spec.put("servicePayloadProtections", new TreeMap<>(services));
    }
    return spec;
  }

  /**
   * {@code SERVICE=PROTECTION} arguments as a map.
   *
   * @throws IllegalArgumentException naming the argument without an {@code =}
   */
  static Map<String, String> serviceProtections(List<String> args) {
    Map<String, String> out = new TreeMap<>();
    for (String a : args) {
      int eq = a.indexOf('=');
      if (eq < 0) {
        throw new IllegalArgumentException(
            "--service-protection needs SERVICE=PROTECTION (e.g. refunds=shared:refunds-key), got '"
                + a
                + "'");
      }
      out.put(a.substring(0, eq), a.substring(eq + 1));
    }
    return out;
  }

  /** {@code current} (an endpoint resource) with the given changes; null means unchanged. */
  static Map<String, Object> changed(
      Map<String, Object> current,
      String namespace,
      String taskQueue,
      List<String> allow,
      List<String> add,
      List<String> remove,
      String description) {
    return changed(
        current,
        namespace,
        taskQueue,
        allow,
        add,
        remove,
        description,
        null,
        false,
        Map.of(),
        List.of());
  }

  /**
   * {@code current} with the given changes, the payload protection included: {@code protection}
   * replaces the endpoint-wide one (null: unchanged, or removed when {@code clearProtection}),
   * {@code setServices} adds or replaces per-service ones, {@code removeServices} drops them. What
   * is not changed is sent back as it is, so an update never drops a protection by omission.
   */
  static Map<String, Object> changed(
      Map<String, Object> current,
      String namespace,
      String taskQueue,
      List<String> allow,
      List<String> add,
      List<String> remove,
      String description,
      String protection,
      boolean clearProtection,
      Map<String, String> setServices,
      List<String> removeServices) {
    Map<String, Object> spec = Json.object(current.get("spec"));
    Set<String> callers = new LinkedHashSet<>(allow != null ? allow : callers(current));
    callers.addAll(add);
    callers.removeAll(remove);
    String newProtection =
        protection != null ? protection : clearProtection ? null : protection(current);
    Map<String, String> services = new TreeMap<>(serviceProtections(current));
    services.putAll(setServices);
    removeServices.forEach(services::remove);
    return spec(
        (String) spec.get("name"),
        namespace != null ? namespace : namespace(current),
        taskQueue != null ? taskQueue : taskQueue(current),
        new ArrayList<>(callers),
        description != null ? description : String.valueOf(spec.getOrDefault("description", "")),
        newProtection,
        services);
  }

  /** The endpoint-wide payload protection, or null. */
  static String protection(Map<String, Object> endpoint) {
    Object p = Json.object(endpoint.get("spec")).get("payloadProtection");
    return p == null ? null : p.toString();
  }

  /** The per-service payload protections, sorted by service. */
  static Map<String, String> serviceProtections(Map<String, Object> endpoint) {
    Map<String, String> out = new TreeMap<>();
    Json.object(Json.object(endpoint.get("spec")).get("servicePayloadProtections"))
        .forEach((k, v) -> out.put(k, String.valueOf(v)));
    return out;
  }

  /** The protection in one line, e.g. {@code pairwise; refunds: shared:k}. */
  static String protectionSummary(Map<String, Object> endpoint) {
    StringBuilder b = new StringBuilder();
    String p = protection(endpoint);
    b.append(p == null ? "(workers' default)" : p);
    serviceProtections(endpoint).forEach((k, v) -> b.append("; ").append(k).append(": ").append(v));
    return b.toString();
  }

  static String name(Map<String, Object> endpoint) {
    return String.valueOf(Json.object(endpoint.get("spec")).get("name"));
  }

  static String namespace(Map<String, Object> endpoint) {
    return String.valueOf(worker(endpoint).get("namespaceId"));
  }

  static String taskQueue(Map<String, Object> endpoint) {
    return String.valueOf(worker(endpoint).get("taskQueue"));
  }

  static String description(Map<String, Object> endpoint) {
    Object d = Json.object(endpoint.get("spec")).get("description");
    return d == null ? "" : d.toString();
  }

  static List<String> callers(Map<String, Object> endpoint) {
    List<String> out = new ArrayList<>();
    for (Map<String, Object> p :
        Json.objects(Json.object(endpoint.get("spec")).get("policySpecs"))) {
      Object ns = Json.object(p.get("allowedCloudNamespacePolicySpec")).get("namespaceId");
      if (ns != null) {
        out.add(ns.toString());
      }
    }
    return out;
  }

  private static Map<String, Object> worker(Map<String, Object> endpoint) {
    return Json.object(
        Json.object(Json.object(endpoint.get("spec")).get("targetSpec")).get("workerTargetSpec"));
  }
}
