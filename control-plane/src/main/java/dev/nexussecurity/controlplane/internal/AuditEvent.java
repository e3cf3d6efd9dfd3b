package dev.nexussecurity.controlplane.internal;

import dev.nexussecurity.api.internal.UntrustedText;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * One audit line of the codec API (and of refused CORS requests): who did what to which namespace,
 * and the outcome ({@code action} is {@code codec.decode}, {@code codec.encode} or {@code
 * cors.refused}); it has no field for contents, so payloads, tokens and keys cannot end up in it.
 * Text that came with the request is made safe with {@link UntrustedText#quote(String, int)}.
 *
 * @param principal the authenticated principal id, or {@code null} before authentication
 * @param authMethod {@code oidc}, {@code client-certificate}, {@code anonymous} or {@code null}
 * @param resource the namespace (codec API) or endpoint; {@code null} when none was named
 * @param count how many payloads the request carried, or {@code null} when not read
 * @param outcome {@code allowed} or {@code refused}
 * @param reason {@code ok} or the refusal's error code
 */
public record AuditEvent(
    Instant time,
    String requestId,
    String action,
    String principal,
    String authMethod,
    String remoteAddress,
    String origin,
    String resource,
    Integer count,
    int status,
    String outcome,
    String reason,
    long durationMillis)
    implements AuditRecord {

  @Override
  public Map<String, Object> toJson() {
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("time", time.toString());
    m.put("requestId", requestId);
    m.put("action", action);
    put(m, "principal", principal);
    put(m, "authMethod", authMethod);
    put(m, "remoteAddress", remoteAddress);
    put(m, "origin", origin);
    put(m, "namespace", resource);
    if (count != null) {
      m.put("payloads", count);
    }
    m.put("status", status);
    m.put("outcome", outcome);
    m.put("reason", reason);
    m.put("durationMs", durationMillis);
    return m;
  }

  private static void put(Map<String, Object> m, String key, String value) {
    if (value != null) {
      m.put(key, UntrustedText.quote(value, 256));
    }
  }
}
