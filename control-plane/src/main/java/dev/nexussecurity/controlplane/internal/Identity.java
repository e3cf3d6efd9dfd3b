package dev.nexussecurity.controlplane.internal;

import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * Who a request comes from, as proven by its credentials, before authorization: an id, how it was
 * proven, and the claims that grants can match (JSON values from a verified token, or the
 * certificate's subject).
 *
 * @param id the principal id: the token's principal claim, the certificate's subject DN, or the
 *     configured anonymous principal
 * @param method {@code oidc}, {@code client-certificate} or {@code anonymous}
 * @param claims verified claims: strings, lists and nested maps as in the token's JSON
 */
public record Identity(String id, String method, Map<String, Object> claims) {
  /** Validates and copies. */
  public Identity {
    Objects.requireNonNull(id, "id");
    Objects.requireNonNull(method, "method");
    claims = Map.copyOf(claims);
  }

  /**
   * The string values of the claim at {@code path} ({@code groups}, or a dotted path into nested
   * objects such as {@code realm_access.roles}): a string gives one value, an array its string
   * elements; anything else none.
   */
  public List<String> claimValues(String path) {
    Object v = claims;
    for (String part : path.split("\\.", -1)) {
      if (!(v instanceof Map<?, ?> m)) {
        return List.of();
      }
      v = m.get(part);
    }
    if (v instanceof String s) {
      return List.of(s);
    }
    if (v instanceof List<?> l) {
      return l.stream().filter(String.class::isInstance).map(String.class::cast).toList();
    }
    return List.of();
  }
}
