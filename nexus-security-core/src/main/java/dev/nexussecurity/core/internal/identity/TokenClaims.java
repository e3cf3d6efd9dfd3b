package dev.nexussecurity.core.internal.identity;

import dev.nexussecurity.core.IdentityMode;
import java.util.Objects;

/**
 * The claims of a version-2 caller identity token (docs/identity-tokens.md): who calls (caller
 * namespace, workflow id, run id), for whom (audience: handler namespace and task queue), what
 * (endpoint, service, operation), when (issued-at and not-after, caller workflow time), a random
 * token id, and the ids of the keys that authenticate it.
 *
 * @param handlerKeyId the handler's key-agreement key id in pairwise mode; 0 (and absent from the
 *     token) in signature mode
 */
public record TokenClaims(
    IdentityMode mode,
    String callerNamespace,
    String handlerNamespace,
    String taskQueue,
    String endpoint,
    String service,
    String operation,
    String workflowId,
    String runId,
    long issuedAtMillis,
    long notAfterMillis,
    String tokenId,
    int callerKeyId,
    int handlerKeyId) {

  public TokenClaims {
    Objects.requireNonNull(mode, "mode");
    requireText("ns", callerNamespace);
    requireText("hns", handlerNamespace);
    requireText("htq", taskQueue);
    requireText("ep", endpoint);
    requireText("svc", service);
    requireText("op", operation);
    requireText("wf", workflowId);
    requireText("run", runId);
    requireText("jti", tokenId);
    if (notAfterMillis < issuedAtMillis) {
      throw new IllegalArgumentException(
          "token claim 'exp' " + notAfterMillis + " is before 'iat' " + issuedAtMillis);
    }
  }

  private static void requireText(String field, String value) {
    if (value == null || value.isEmpty()) {
      throw new IllegalArgumentException("token claim '" + field + "' must not be empty");
    }
  }

  /** These claims with the key ids the issuer chose. */
  public TokenClaims withKeyIds(int newCallerKeyId, int newHandlerKeyId) {
    return new TokenClaims(
        mode,
        callerNamespace,
        handlerNamespace,
        taskQueue,
        endpoint,
        service,
        operation,
        workflowId,
        runId,
        issuedAtMillis,
        notAfterMillis,
        tokenId,
        newCallerKeyId,
        newHandlerKeyId);
  }

  @Override
  public String toString() {
    return "TokenClaims{"
        + mode
        + " "
        + callerNamespace
        + " -> "
        + handlerNamespace
        + "/"
        + taskQueue
        + " "
        + endpoint
        + "/"
        + service
        + "/"
        + operation
        + ", jti="
        + tokenId
        + ", iat="
        + issuedAtMillis
        + ", exp="
        + notAfterMillis
        + "}";
  }
}
