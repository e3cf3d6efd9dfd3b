package dev.nexussecurity.controlplane.internal;

import dev.nexussecurity.api.NexusEndpoint;
import dev.nexussecurity.api.internal.UntrustedText;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * One audit line of the endpoint management API, in the shape of a Temporal Cloud audit log record
 * ({@code temporal.api.cloud.auditlog.v1.LogRecord} as Cloud exports it: {@code emit_time}, {@code
 * level}, {@code user_email}, {@code caller_ip_address}, {@code operation}, {@code details}, {@code
 * status}, {@code category}, {@code version}, {@code log_id}, {@code request_id}, {@code
 * principal}), with the endpoint change in {@code details.nexus_endpoint}: its name, a summary of
 * the endpoint before and after (target, allowlist, version, and the description's size and
 * SHA-256, never its text), and the fields that changed. Operations are Cloud's names ({@code
 * CreateNexusEndpoint}, {@code UpdateNexusEndpoint}, {@code DeleteNexusEndpoint}, {@code
 * GetNexusEndpoint}, {@code GetNexusEndpoints}) plus {@code UserLogin} and {@code UserLogout} for
 * the browse page's sessions. No token, cookie or CSRF token is ever part of a record; text from
 * requests and tokens is quoted with {@link UntrustedText}.
 *
 * @param identity who made the request, or {@code null} when authentication failed
 * @param endpointName the endpoint concerned, or {@code null} (list, login)
 * @param namespace the endpoint's target namespace (after the change, or before a delete), or
 *     {@code null}
 * @param before the endpoint before the change, or {@code null}
 * @param after the endpoint after the change, or {@code null}
 * @param reason {@code ok} or the refusal's error code
 * @param message what happened, in words (for a refusal: the message the caller got)
 */
public record EndpointAuditEvent(
    Instant time,
    String logId,
    String requestId,
    String operation,
    Identity identity,
    String remoteAddress,
    String origin,
    String endpointName,
    String namespace,
    NexusEndpoint before,
    NexusEndpoint after,
    int status,
    String reason,
    String message,
    long durationMillis)
    implements AuditRecord {

  /** Version of this record's format, in {@code version}. */
  public static final int FORMAT_VERSION = 1;

  /** {@code allowed} for a 2xx answer, {@code refused} for 4xx, {@code failed} for 5xx. */
  public String outcome() {
    return status < 300 ? "allowed" : status < 500 ? "refused" : "failed";
  }

  @Override
  public Map<String, Object> toJson() {
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("emit_time", time.toString());
    m.put(
        "level",
        status < 300 ? "LOG_LEVEL_INFO" : status < 500 ? "LOG_LEVEL_WARN" : "LOG_LEVEL_ERROR");
    if (identity != null) {
      email(identity).ifPresent(e -> m.put("user_email", UntrustedText.quote(e, 256)));
    }
    m.put("caller_ip_address", UntrustedText.quote(remoteAddress, 64));
    m.put("operation", operation);
    Map<String, Object> details = new LinkedHashMap<>();
    if (namespace != null) {
      details.put("namespace", UntrustedText.quote(namespace, 256));
    }
    details.put("additional_message", UntrustedText.quote(message, 1000));
    if (endpointName != null) {
      Map<String, Object> endpoint = new LinkedHashMap<>();
      endpoint.put("name", UntrustedText.quote(endpointName, 256));
      if (before != null) {
        endpoint.put("before", summary(before));
      }
      if (after != null) {
        endpoint.put("after", summary(after));
      }
      if (before != null && after != null) {
        endpoint.put("changed_fields", changedFields(before, after));
      }
      details.put("nexus_endpoint", endpoint);
    }
    m.put("details", details);
    m.put("status", grpcStatus());
    m.put("http_status", status);
    m.put("reason", reason);
    m.put("category", "LOG_CATEGORY_ADMIN");
    m.put("version", FORMAT_VERSION);
    m.put("log_id", logId);
    m.put("request_id", requestId);
    if (identity != null) {
      Map<String, Object> principal = new LinkedHashMap<>();
      principal.put("id", UntrustedText.quote(identity.id(), 256));
      principal.put("type", identity.method());
      principal.put("name", UntrustedText.quote(displayName(identity), 256));
      m.put("principal", principal);
    }
    if (origin != null) {
      m.put("origin", UntrustedText.quote(origin, 256));
    }
    m.put("duration_ms", durationMillis);
    return m;
  }

  /** The gRPC status name Temporal's APIs would answer with, as Cloud records it. */
  String grpcStatus() {
    if (status < 300) {
      return "OK";
    }
    return switch (status) {
      case 400, 413, 415 -> "INVALID_ARGUMENT";
      case 401 -> "UNAUTHENTICATED";
      case 403 -> "PERMISSION_DENIED";
      case 404 -> "NOT_FOUND";
      case 409 ->
          reason.equals("endpoint_already_exists") ? "ALREADY_EXISTS" : "FAILED_PRECONDITION";
      case 429 -> "RESOURCE_EXHAUSTED";
      case 502, 503 -> "UNAVAILABLE";
      default -> status < 500 ? "INVALID_ARGUMENT" : "INTERNAL";
    };
  }

  private static java.util.Optional<String> email(Identity identity) {
    List<String> emails = identity.claimValues("email");
    return emails.isEmpty() ? java.util.Optional.empty() : java.util.Optional.of(emails.get(0));
  }

  private static String displayName(Identity identity) {
    for (String claim : List.of("name", "preferred_username", "email")) {
      List<String> v = identity.claimValues(claim);
      if (!v.isEmpty()) {
        return v.get(0);
      }
    }
    return identity.id();
  }

  /** The endpoint without its description text: target, allowlist, version, description digest. */
  static Map<String, Object> summary(NexusEndpoint e) {
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("target_namespace", UntrustedText.quote(e.getTargetNamespace(), 256));
    m.put("target_task_queue", UntrustedText.quote(e.getTargetTaskQueue(), 256));
    List<String> callers = new ArrayList<>();
    e.getAllowedCallerNamespaces().forEach(ns -> callers.add(UntrustedText.quote(ns, 256)));
    m.put("allowed_caller_namespaces", callers);
    byte[] description = e.getDescription().getBytes(StandardCharsets.UTF_8);
    m.put("description_bytes", description.length);
    m.put("description_sha256", sha256(description));
    m.put(
        "payload_protection",
        e.getDefaultPayloadProtection().map(Object::toString).orElse("(workers' default)"));
    if (!e.getServicePayloadProtections().isEmpty()) {
      Map<String, String> services = new LinkedHashMap<>();
      e.getServicePayloadProtections()
          .forEach((svc, p) -> services.put(UntrustedText.quote(svc, 256), p.toString()));
      m.put("service_payload_protections", services);
    }
    m.put("resource_version", Long.toString(e.getVersion()));
    return m;
  }

  static List<String> changedFields(NexusEndpoint before, NexusEndpoint after) {
    List<String> changed = new ArrayList<>();
    if (!before.getTargetNamespace().equals(after.getTargetNamespace())) {
      changed.add("target_namespace");
    }
    if (!before.getTargetTaskQueue().equals(after.getTargetTaskQueue())) {
      changed.add("target_task_queue");
    }
    if (!before.getAllowedCallerNamespaces().equals(after.getAllowedCallerNamespaces())) {
      changed.add("allowed_caller_namespaces");
    }
    if (!before.getDescription().equals(after.getDescription())) {
      changed.add("description");
    }
    if (!before.getDefaultPayloadProtection().equals(after.getDefaultPayloadProtection())) {
      changed.add("payload_protection");
    }
    if (!before.getServicePayloadProtections().equals(after.getServicePayloadProtections())) {
      changed.add("service_payload_protections");
    }
    return changed;
  }

  private static String sha256(byte[] bytes) {
    try {
      return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(bytes));
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("SHA-256 is always available", e);
    }
  }
}
