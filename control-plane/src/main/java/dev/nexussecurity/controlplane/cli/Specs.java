package dev.nexussecurity.controlplane.cli;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/** Builds and reads the API's endpoint specs (Cloud Ops API shape). */
final class Specs {
  private Specs() {}

  static Map<String, Object> spec(
      String name, String namespace, String taskQueue, List<String> allowed, String description) {
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
    return spec;
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
    Map<String, Object> spec = Json.object(current.get("spec"));
    Set<String> callers = new LinkedHashSet<>(allow != null ? allow : callers(current));
    callers.addAll(add);
    callers.removeAll(remove);
    return spec(
        (String) spec.get("name"),
        namespace != null ? namespace : namespace(current),
        taskQueue != null ? taskQueue : taskQueue(current),
        new ArrayList<>(callers),
        description != null ? description : String.valueOf(spec.getOrDefault("description", "")));
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
