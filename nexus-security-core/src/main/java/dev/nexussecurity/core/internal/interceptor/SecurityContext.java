package dev.nexussecurity.core.internal.interceptor;

import dev.nexussecurity.api.EndpointRegistry;
import dev.nexussecurity.api.SecurityAuditListener;
import dev.nexussecurity.core.ConverterFingerprint;
import dev.nexussecurity.core.internal.identity.TokenIssuer;
import dev.nexussecurity.core.internal.identity.TokenVerifier;
import io.temporal.common.converter.DataConverter;
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
  final boolean checkConverters;

  /** The caller's fingerprint header value, or null when not sent. */
  final String callerFingerprintHeader;

  /** The configured converter's fingerprint, or null to derive it from the handler's client. */
  private final ConverterFingerprint configuredFingerprint;

  private volatile DataConverter lastDerivedFrom;
  private volatile ConverterFingerprint lastDerived;

  public SecurityContext(
      String namespace,
      EndpointRegistry registry,
      TokenIssuer issuer,
      TokenVerifier verifier,
      Duration tokenLifetime,
      boolean enforceOnCaller,
      Clock clock,
      List<SecurityAuditListener> listeners,
      DataConverter dataConverter,
      boolean checkConverters) {
    this.namespace = namespace;
    this.registry = registry;
    this.issuer = issuer;
    this.verifier = verifier;
    this.tokenLifetime = tokenLifetime;
    this.enforceOnCaller = enforceOnCaller;
    this.clock = clock;
    this.recorder = new DecisionRecorder(listeners);
    this.checkConverters = checkConverters;
    this.configuredFingerprint =
        dataConverter == null ? null : ConverterFingerprint.of(dataConverter);
    String header = configuredFingerprint == null ? null : configuredFingerprint.toHeaderValue();
    this.callerFingerprintHeader =
        checkConverters
                && header != null
                && header.length() <= ConverterFingerprint.MAX_HEADER_CHARS
            ? header
            : null;
  }

  /**
   * The handler's fingerprint: the configured converter's, or that of the worker's client
   * converter.
   */
  ConverterFingerprint handlerFingerprint(DataConverter clientConverter) {
    if (configuredFingerprint != null) {
      return configuredFingerprint;
    }
    if (clientConverter == null) {
      return ConverterFingerprint.unknown();
    }
    if (clientConverter != lastDerivedFrom) {
      ConverterFingerprint fp = ConverterFingerprint.of(clientConverter);
      lastDerived = fp;
      lastDerivedFrom = clientConverter;
      return fp;
    }
    ConverterFingerprint fp = lastDerived;
    return fp == null ? ConverterFingerprint.of(clientConverter) : fp;
  }
}
