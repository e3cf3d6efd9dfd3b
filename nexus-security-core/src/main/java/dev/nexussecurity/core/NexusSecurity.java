package dev.nexussecurity.core;

import dev.nexussecurity.core.internal.identity.ReplayCache;
import dev.nexussecurity.core.internal.identity.TokenIssuer;
import dev.nexussecurity.core.internal.identity.TokenVerifier;
import dev.nexussecurity.core.internal.identity.TrustedVerifiers;
import dev.nexussecurity.core.internal.interceptor.SecurityContext;
import dev.nexussecurity.core.internal.interceptor.SecurityWorkerInterceptor;
import io.temporal.common.interceptors.WorkerInterceptor;

/**
 * Runtime access control for the Nexus calls of one namespace's workers: the single object to wire
 * into worker bootstrap code. The same instance serves caller and handler workers.
 *
 * <p><b>Caller side</b> (workflows calling Nexus): before the ScheduleNexusOperation command leaves
 * the worker, the endpoint is resolved in the registry and this namespace is checked against its
 * allowlist; a denied or unknown endpoint fails that call at once with a non-retryable {@code
 * NexusOperationFailure} whose cause is an {@code ApplicationFailure} of type {@code
 * NexusSecurityDenied.<REASON>}, and no command is sent. Allowed calls carry a signed identity
 * token in the {@value #IDENTITY_HEADER} header: caller namespace, endpoint, service, operation,
 * token id, issue and expiry time. Denials are recorded in the workflow history (a version marker
 * per denied call; allowed calls add nothing), so replay reproduces every decision even when the
 * registry has changed since.
 *
 * <p><b>Handler side</b> (workers serving Nexus operations): before any handler code runs and
 * before the input is decoded, for start and cancel, the token's signature is verified with the
 * caller namespace's public key from the {@link TrustStore}, its validity, that it was issued for
 * this endpoint, service and operation, that this worker's namespace and task queue are the
 * endpoint's target, and that the caller is on the endpoint's allowlist now. Starts are further
 * bound to their request id (server retries are admitted, reuse for another request is refused) and
 * cross-checked against the caller namespace in the server-built link. Denials are non-retryable
 * {@code HandlerException}s (UNAUTHENTICATED or UNAUTHORIZED) naming the reason code and what to
 * fix.
 *
 * <p>Every decision emits an {@link dev.nexussecurity.api.AccessDecisionEvent} to the audit
 * listeners and the {@code dev.nexussecurity.audit} logger, and increments the counter {@code
 * nexus_security_access_decisions} (tags side, action, outcome, reason) in the worker's metrics
 * scope. Tokens and keys are never logged.
 *
 * <pre>{@code
 * NexusSecurity security = NexusSecurity.newInstance(NexusSecurityOptions.newBuilder()
 *     .setNamespace("orders-ns")
 *     .setRegistry(registry)
 *     .setSigningKeyset(ordersPrivateKeyset)
 *     .setTrustStore(trustStore)
 *     .build());
 * WorkerFactory factory = WorkerFactory.newInstance(client,
 *     WorkerFactoryOptions.newBuilder().setWorkerInterceptors(security.getWorkerInterceptor()).build());
 * }</pre>
 *
 * <p>Thread-safe. Create one instance per namespace and process: it holds the replay cache that
 * handler workers share.
 */
public final class NexusSecurity {
  /** The Nexus header that carries the caller identity token. Not a secret, but never logged. */
  public static final String IDENTITY_HEADER = SecurityContext.IDENTITY_HEADER;

  private final NexusSecurityOptions options;
  private final WorkerInterceptor interceptor;

  private NexusSecurity(NexusSecurityOptions options) {
    this.options = options;
    TokenIssuer issuer =
        options.getSigningKeyset() != null
            ? TokenIssuer.fromPrivateKeyset(options.getSigningKeyset())
            : options.getIdentityMacKeyset() != null
                ? TokenIssuer.fromMacKeyset(options.getIdentityMacKeyset())
                : null;
    TokenVerifier verifier =
        new TokenVerifier(
            new TrustedVerifiers(options.getTrustStore()),
            options.getRegistry(),
            options.getClockSkew(),
            options.getCancelGracePeriod(),
            new ReplayCache(options.getReplayCacheCapacity()),
            options.isRequireCallerLink());
    this.interceptor =
        new SecurityWorkerInterceptor(
            new SecurityContext(
                options.getNamespace(),
                options.getRegistry(),
                issuer,
                verifier,
                options.getTokenLifetime(),
                options.isEnforceOnCaller(),
                options.getClock(),
                options.getAuditListeners(),
                options.getDataConverter(),
                options.isCheckConverterCompatibility()));
  }

  /**
   * Creates the security layer for {@code options}.
   *
   * @throws IllegalArgumentException if the signing keyset is not a private signature keyset
   */
  public static NexusSecurity newInstance(NexusSecurityOptions options) {
    return new NexusSecurity(options);
  }

  /**
   * The worker interceptor to add to {@code WorkerFactoryOptions} of caller and handler workers.
   */
  public WorkerInterceptor getWorkerInterceptor() {
    return interceptor;
  }

  /** The options this instance was created with. */
  public NexusSecurityOptions getOptions() {
    return options;
  }
}
