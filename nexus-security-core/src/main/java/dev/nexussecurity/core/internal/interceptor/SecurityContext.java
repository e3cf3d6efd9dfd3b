package dev.nexussecurity.core.internal.interceptor;

import dev.nexussecurity.api.EndpointRegistry;
import dev.nexussecurity.api.SecurityAuditListener;
import dev.nexussecurity.core.internal.identity.TokenIssuer;
import dev.nexussecurity.core.internal.identity.TokenVerifier;
import java.time.Clock;
import java.time.Duration;
import java.util.List;

/** Everything the interceptors of one NexusSecurity instance share. Immutable. */
public final class SecurityContext {
  /** The Nexus header that carries the caller identity token. */
  public static final String IDENTITY_HEADER = "nexus-security-identity";
  /** Version marker id recorded once per workflow that makes Nexus calls through nexus-security. */
  public static final String CHANGE_ID = "dev.nexussecurity.caller-check";

  final String namespace;
  final EndpointRegistry registry;
  final TokenIssuer issuer;
  final TokenVerifier verifier;
  final Duration tokenLifetime;
  final boolean enforceOnCaller;
  final Clock clock;
  final DecisionRecorder recorder;

  public SecurityContext(
      String namespace,
      EndpointRegistry registry,
      TokenIssuer issuer,
      TokenVerifier verifier,
      Duration tokenLifetime,
      boolean enforceOnCaller,
      Clock clock,
      List<SecurityAuditListener> listeners) {
    this.namespace = namespace;
    this.registry = registry;
    this.issuer = issuer;
    this.verifier = verifier;
    this.tokenLifetime = tokenLifetime;
    this.enforceOnCaller = enforceOnCaller;
    this.clock = clock;
    this.recorder = new DecisionRecorder(listeners);
  }
}
