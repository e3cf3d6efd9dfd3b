package dev.nexussecurity.controlplane;

import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.nexussecurity.api.AccountRole;
import dev.nexussecurity.api.NamespacePermission;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * Configurations and HTTP calls for the endpoint management API's tests. Grants: group {@code
 * role-<role>} gives that account role (e.g. {@code role-developer}), group {@code <ns>-<perm>}
 * gives that permission on namespace {@code ns} (e.g. {@code payments-ns-admin}), for the
 * namespaces of {@link #NAMESPACES}.
 */
public final class RegistryTestServers {
  public static final List<String> NAMESPACES =
      List.of("target-ns", "old-ns", "new-ns", "payments-ns", "orders-ns", "billing-ns");
  private static final ObjectMapper JSON = new ObjectMapper();

  private RegistryTestServers() {}

  /** A server with only the registry (file {@code dir/registry.json}) trusting {@code idp}. */
  public static Map<String, Object> fileRegistryConfig(TestIdentityProvider idp, Path dir) {
    return config(idp, dir, Map.of("file", dir.resolve("registry.json").toString()));
  }

  /** A server with only the registry, stored as {@code registry} says, trusting {@code idp}. */
  public static Map<String, Object> config(
      TestIdentityProvider idp, Path dir, Map<String, Object> registry) {
    Map<String, Object> c = new LinkedHashMap<>();
    c.put("listen", Map.of("host", "127.0.0.1", "port", 0));
    c.put("management", Map.of("host", "127.0.0.1", "port", 0));
    c.put("authentication", Map.of("oidc", idp.oidcSettings()));
    List<Object> grants = new ArrayList<>();
    for (AccountRole role : AccountRole.values()) {
      if (role != AccountRole.NONE) {
        grants.add(
            Map.of(
                "value",
                "role-" + role.name().toLowerCase(Locale.ROOT),
                "accountRole",
                role.name().toLowerCase(Locale.ROOT)));
      }
    }
    for (String ns : NAMESPACES) {
      for (NamespacePermission p : NamespacePermission.values()) {
        String perm = p.name().toLowerCase(Locale.ROOT);
        grants.add(Map.of("value", ns + "-" + perm, "namespaces", Map.of(ns, perm)));
      }
    }
    c.put("authorization", Map.of("claim", "groups", "grants", grants));
    c.put("limits", Map.of("requestsPerSecondPerPrincipal", 10_000, "burstPerPrincipal", 100_000));
    c.put("audit", Map.of("file", dir.resolve("audit.jsonl").toString()));
    c.put("registry", registry);
    return c;
  }

  /** The groups of a principal with {@code role} and {@code permission} on {@code namespace}. */
  public static List<String> groups(AccountRole role, String namespace, String permission) {
    List<String> groups = new ArrayList<>();
    if (role != AccountRole.NONE) {
      groups.add("role-" + role.name().toLowerCase(Locale.ROOT));
    }
    if (!permission.equals("NONE")) {
      groups.add(namespace + "-" + permission.toLowerCase(Locale.ROOT));
    }
    return groups;
  }

  /** The API's JSON spec of an endpoint. */
  public static Map<String, Object> spec(
      String name, String namespace, String taskQueue, String... callers) {
    List<Object> policies = new ArrayList<>();
    for (String c : callers) {
      policies.add(Map.of("allowedCloudNamespacePolicySpec", Map.of("namespaceId", c)));
    }
    Map<String, Object> spec = new LinkedHashMap<>();
    spec.put("name", name);
    spec.put(
        "targetSpec",
        Map.of("workerTargetSpec", Map.of("namespaceId", namespace, "taskQueue", taskQueue)));
    spec.put("policySpecs", policies);
    spec.put("description", "Endpoint " + name);
    return spec;
  }

  /** An answer: status, parsed JSON body and request id. */
  public record Answer(int status, Map<String, Object> body, String requestId) {
    public String error() {
      return (String) body.get("error");
    }

    @SuppressWarnings("unchecked")
    public Map<String, Object> endpoint() {
      return (Map<String, Object>) body.get("endpoint");
    }

    public String resourceVersion() {
      return (String) endpoint().get("resourceVersion");
    }

    @SuppressWarnings("unchecked")
    public Map<String, Object> missing() {
      return (Map<String, Object>) body.get("missing");
    }
  }

  /** Calls the API at {@code base} with {@code token} (or none). */
  public static Answer call(
      URI base, String method, String pathAndQuery, String token, Object body) {
    HttpRequest.Builder r =
        HttpRequest.newBuilder(URI.create(base + pathAndQuery)).timeout(Duration.ofSeconds(60));
    if (token != null) {
      r.header("Authorization", "Bearer " + token);
    }
    if (body != null) {
      r.header("Content-Type", "application/json")
          .method(method, HttpRequest.BodyPublishers.ofString(TestServers.json(body)));
    } else {
      r.method(method, HttpRequest.BodyPublishers.noBody());
    }
    HttpResponse<String> response = TestServers.send(r.build());
    Map<String, Object> json;
    try {
      json =
          response.body().isEmpty()
              ? Map.of()
              : JSON.readValue(response.body(), new TypeReference<Map<String, Object>>() {});
    } catch (IOException e) {
      throw new UncheckedIOException("not JSON: " + response.body(), e);
    }
    return new Answer(
        response.statusCode(), json, response.headers().firstValue("X-Request-Id").orElse(""));
  }

  public static Answer create(URI base, String token, Map<String, Object> spec) {
    return call(base, "POST", "/api/v1/nexus/endpoints", token, Map.of("spec", spec));
  }

  public static Answer update(
      URI base, String token, String name, Map<String, Object> spec, String version) {
    Map<String, Object> body = new LinkedHashMap<>();
    body.put("spec", spec);
    body.put("resourceVersion", version);
    return call(base, "POST", "/api/v1/nexus/endpoints/" + name, token, body);
  }

  public static Answer delete(URI base, String token, String name, String version) {
    return call(
        base,
        "DELETE",
        "/api/v1/nexus/endpoints/" + name + "?resourceVersion=" + version,
        token,
        null);
  }

  public static Answer get(URI base, String token, String name) {
    return call(base, "GET", "/api/v1/nexus/endpoints/" + name, token, null);
  }

  /** The audit line with {@code request_id}, if any. */
  public static Map<String, Object> auditLine(Path dir, String requestId) {
    try {
      for (String line : Files.readAllLines(dir.resolve("audit.jsonl"))) {
        Map<String, Object> m = JSON.readValue(line, new TypeReference<Map<String, Object>>() {});
        if (requestId.equals(m.get("request_id"))) {
          return m;
        }
      }
      return null;
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
