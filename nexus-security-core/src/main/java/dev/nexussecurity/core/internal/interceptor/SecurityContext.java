package dev.nexussecurity.core.internal.interceptor;

import dev.nexussecurity.api.EndpointRegistry;
import dev.nexussecurity.api.PayloadBinding;
import dev.nexussecurity.core.CallerPolicy;
import dev.nexussecurity.core.ConverterFingerprint;
import dev.nexussecurity.core.HandlerPolicy;
import dev.nexussecurity.core.NexusSecurityOptions;
import dev.nexussecurity.core.ReplayStore;
import dev.nexussecurity.core.internal.identity.OperationTokenBinder;
import dev.nexussecurity.core.internal.identity.TokenIssuer;
import dev.nexussecurity.core.internal.identity.TokenVerifier;
import dev.nexussecurity.core.keys.KeyDirectory;
import dev.nexussecurity.core.keys.NamespaceKeys;
import dev.nexussecurity.core.keys.PairwiseKeys;
import io.temporal.common.converter.DataConverter;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.LongSupplier;

/**
 * Everything the interceptors of one NexusSecurity instance share, built once from its options.
 * Final fields; the only mutable state is the derived-fingerprint holder (one immutable value
 * swapped atomically) and the bounded map of workflow-run result bindings.
 */
public final class SecurityContext {
  /** The Nexus header that carries the caller identity token. */
  public static final String IDENTITY_HEADER = "nexus-security-identity";

  /** Version marker id recorded once per workflow that makes Nexus calls through nexus-security. */
  public static final String CHANGE_ID = "dev.nexussecurity.caller-check";

  /** Workflow-run result bindings remembered per handler process. */
  static final int MAX_RESULT_BINDINGS = 10_000;

  final String namespace;
  final EndpointRegistry registry;
  final TokenIssuer issuer;
  final String issuerProblem;
  final TokenVerifier verifier;
  final OperationTokenBinder operationTokens;
  final CallerPolicy callerPolicy;
  final HandlerPolicy handlerPolicy;
  final boolean enforceOnCaller;
  final LongSupplier timeSource;
  final DecisionRecorder recorder;
  final boolean checkConverters;

  /** The namespaces' public keys and stated payload acceptance (caller fail-fast check). */
  final KeyDirectory keyDirectory;

  /** The caller's fingerprint header value, or null when not sent. */
  final String callerFingerprintHeader;

  /** The configured converter's fingerprint, or null to derive it from the handler's client. */
  private final ConverterFingerprint configuredFingerprint;

  private record Derived(DataConverter from, ConverterFingerprint fingerprint) {}

  private final AtomicReference<Derived> lastDerived = new AtomicReference<>();

  /** Nexus starts of this process whose handler code is running (for result bindings). */
  final java.util.concurrent.atomic.AtomicInteger startsInFlight =
      new java.util.concurrent.atomic.AtomicInteger();

  private final Map<String, PayloadBinding> resultBindings =
      new LinkedHashMap<>(16, 0.75f, true) {
        private static final long serialVersionUID = 1L;

        @Override
        protected boolean removeEldestEntry(Map.Entry<String, PayloadBinding> eldest) {
          return size() > MAX_RESULT_BINDINGS;
        }
      };

  public SecurityContext(NexusSecurityOptions options) {
    this.namespace = options.getNamespace();
    this.registry = options.getRegistry();
    this.callerPolicy = options.getCallerPolicy();
    this.handlerPolicy = options.getHandlerPolicy();
    this.enforceOnCaller = options.isEnforceOnCaller();
    this.timeSource = options.getTimeSource();
    this.recorder = new DecisionRecorder(options.getAuditListeners());
    this.checkConverters = options.isCheckConverterCompatibility();
    this.keyDirectory = options.getKeyDirectory();
    NamespaceKeys keys = options.getNamespaceKeys().orElse(null);
    PairwiseKeys pairwise =
        keys == null ? null : PairwiseKeys.create(keys, options.getKeyDirectory());
    if (keys == null) {
      this.issuer = null;
      this.issuerProblem =
          "this worker has no namespace keys, so it cannot prove its namespace '"
              + namespace
              + "'; set NexusSecurityOptions.Builder.setNamespaceKeys";
      this.operationTokens = null;
    } else {
      this.issuer =
          TokenIssuer.create(
              keys,
              pairwise,
              callerPolicy.getIdentityMode(),
              options.getSignatureProvider().orElse(null));
      this.issuerProblem = null;
      this.operationTokens = OperationTokenBinder.create(keys);
    }
    this.verifier =
        new TokenVerifier(
            namespace,
            pairwise,
            options.getKeyDirectory(),
            registry,
            handlerPolicy,
            handlerPolicy
                .getReplayStore()
                .orElseGet(() -> ReplayStore.inMemory(handlerPolicy.getReplayQuotaPerNamespace())),
            options.isSystemTimeSource(),
            options.getSignatureProvider().orElse(null));
    this.configuredFingerprint =
        options.getDataConverter().map(ConverterFingerprint::of).orElse(null);
    String header = configuredFingerprint == null ? null : configuredFingerprint.toHeaderValue();
    this.callerFingerprintHeader =
        checkConverters
                && header != null
                && header.length() <= ConverterFingerprint.MAX_HEADER_CHARS
            ? header
            : null;
  }

  /**
   * The handler's fingerprint: the configured converter's, or that of the worker's client converter
   * (derived once per converter; the holder is swapped as one immutable value).
   */
  ConverterFingerprint handlerFingerprint(DataConverter clientConverter) {
    if (configuredFingerprint != null) {
      return configuredFingerprint;
    }
    if (clientConverter == null) {
      return ConverterFingerprint.unknown();
    }
    Derived d = lastDerived.get();
    if (d != null && d.from() == clientConverter) {
      return d.fingerprint();
    }
    ConverterFingerprint fp = ConverterFingerprint.of(clientConverter);
    lastDerived.set(new Derived(clientConverter, fp));
    return fp;
  }

  synchronized void rememberResultBinding(String workflowId, PayloadBinding binding) {
    resultBindings.put(workflowId, binding);
  }

  synchronized PayloadBinding resultBinding(String workflowId) {
    return resultBindings.get(workflowId);
  }
}
