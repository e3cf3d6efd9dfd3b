package dev.nexussecurity.core.internal.identity;

import java.util.Objects;

/**
 * The claims of a caller identity token: who calls (caller namespace), what (endpoint, service,
 * operation), a unique token id, and the validity window in epoch milliseconds.
 */
public final class IdentityClaims {
  private final String callerNamespace;
  private final String endpoint;
  private final String service;
  private final String operation;
  private final String tokenId;
  private final long issuedAtMillis;
  private final long expiresAtMillis;

  public IdentityClaims(
      String callerNamespace,
      String endpoint,
      String service,
      String operation,
      String tokenId,
      long issuedAtMillis,
      long expiresAtMillis) {
    this.callerNamespace = requireText("callerNamespace", callerNamespace);
    this.endpoint = requireText("endpoint", endpoint);
    this.service = requireText("service", service);
    this.operation = requireText("operation", operation);
    this.tokenId = requireText("tokenId", tokenId);
    if (expiresAtMillis < issuedAtMillis) {
      throw new IllegalArgumentException(
          "token expiry " + expiresAtMillis + " is before its issue time " + issuedAtMillis);
    }
    this.issuedAtMillis = issuedAtMillis;
    this.expiresAtMillis = expiresAtMillis;
  }

  private static String requireText(String field, String value) {
    if (value == null || value.isEmpty()) {
      throw new IllegalArgumentException("token claim '" + field + "' must not be empty");
    }
    return value;
  }

  public String getCallerNamespace() {
    return callerNamespace;
  }

  public String getEndpoint() {
    return endpoint;
  }

  public String getService() {
    return service;
  }

  public String getOperation() {
    return operation;
  }

  public String getTokenId() {
    return tokenId;
  }

  public long getIssuedAtMillis() {
    return issuedAtMillis;
  }

  public long getExpiresAtMillis() {
    return expiresAtMillis;
  }

  @Override
  public boolean equals(Object o) {
    if (this == o) {
      return true;
    }
    if (!(o instanceof IdentityClaims)) {
      return false;
    }
    IdentityClaims c = (IdentityClaims) o;
    return issuedAtMillis == c.issuedAtMillis
        && expiresAtMillis == c.expiresAtMillis
        && callerNamespace.equals(c.callerNamespace)
        && endpoint.equals(c.endpoint)
        && service.equals(c.service)
        && operation.equals(c.operation)
        && tokenId.equals(c.tokenId);
  }

  @Override
  public int hashCode() {
    return Objects.hash(
        callerNamespace, endpoint, service, operation, tokenId, issuedAtMillis, expiresAtMillis);
  }

  @Override
  public String toString() {
    return "IdentityClaims{caller="
        + callerNamespace
        + ", endpoint="
        + endpoint
        + ", service="
        + service
        + ", operation="
        + operation
        + ", tokenId="
        + tokenId
        + ", iat="
        + issuedAtMillis
        + ", exp="
        + expiresAtMillis
        + "}";
  }
}
