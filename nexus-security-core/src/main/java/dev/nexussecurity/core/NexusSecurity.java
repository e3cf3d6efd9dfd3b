package dev.nexussecurity.core;

import dev.nexussecurity.api.CodecDescriptor;
import dev.nexussecurity.core.internal.compat.ConverterIntrospection;
import dev.nexussecurity.core.internal.interceptor.SecurityContext;
import dev.nexussecurity.core.internal.interceptor.SecurityWorkerInterceptor;
import io.temporal.common.interceptors.WorkerInterceptor;
import io.temporal.worker.WorkerFactoryOptions;
import java.util.ArrayList;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Runtime access control for the Nexus calls of one namespace's workers: the single object to wire
 * into worker bootstrap code. The same instance serves caller and handler workers.
 *
 * <p><b>Caller side</b> (workflows calling Nexus): before the ScheduleNexusOperation command leaves
 * the worker, the endpoint is resolved in the registry and this namespace is checked against its
 * allowlist; a denied or unknown endpoint fails that call at once with a non-retryable {@code
 * NexusOperationFailure} whose cause is an {@code ApplicationFailure} of type {@code
 * NexusSecurityDenied.<REASON>}, and no command is sent. Allowed calls carry an identity token
 * (format in {@code docs/identity-tokens.md}) in the {@value #IDENTITY_HEADER} header, naming the
 * caller namespace, workflow and run, the audience (the endpoint's target namespace and task
 * queue), endpoint, service and operation, a random token id and the validity window, and
 * authenticated with the pairwise key of caller and handler namespace (default) or the caller's
 * Ed25519 signature key. The input is bound to the token id for a binding-aware payload codec.
 *
 * <p><b>Handler side</b> (workers serving Nexus operations): before any handler code runs and
 * before the input is decoded, for start and cancel, the token is checked in stages (tag, audience,
 * scope, time, the registry's allowlist, target); a start is then checked against the server-built
 * caller link, its expiry (clamped by the handler's maximum lifetime) and the replay cache, and its
 * input must have been verified by a binding-aware codec as the one sent with this token. The
 * operation token of an asynchronous operation is bound to the starting call, and only that call
 * can cancel it. Denials are non-retryable {@code HandlerException}s naming the reason code and
 * what to fix.
 *
 * <p>Every decision emits an {@link dev.nexussecurity.api.AccessDecisionEvent} to the audit
 * listeners and the {@code dev.nexussecurity.audit} logger (denials rate-limited), and increments
 * the counter {@code nexus_security_access_decisions} (tags side, action, outcome, reason) in the
 * worker's metrics scope. Tokens and keys are never logged.
 *
 * <pre>{@code
 * NexusSecurity security = NexusSecurity.newInstance(NexusSecurityOptions.newBuilder()
 *     .setNamespaceKeys(ordersKeys)
 *     .setKeyDirectory(directory)
 *     .setRegistry(registry)
 *     .build());
 * WorkerFactory factory = WorkerFactory.newInstance(client,
 *     security.workerFactoryOptions(WorkerFactoryOptions.newBuilder().build()));
 * }</pre>
 *
 * <p>nexus-security's interceptor must be the outermost: the SDK makes the LAST interceptor in
 * {@code WorkerFactoryOptions.setWorkerInterceptors} the outermost, and {@link
 * #workerFactoryOptions} puts it there. A handler that finds another interceptor outside it denies
 * every request with {@code SECURITY_NOT_OUTERMOST}.
 *
 * <p>Thread-safe. Create one instance per namespace and process: it holds the replay cache that
 * handler workers share.
 */
public final class NexusSecurity {
  /** The Nexus header that carries the caller identity token. Not a secret, but never logged. */
  public static final String IDENTITY_HEADER = SecurityContext.IDENTITY_HEADER;

  private static final Logger LOG = LoggerFactory.getLogger(NexusSecurity.class);

  private final NexusSecurityOptions options;
  private final WorkerInterceptor interceptor;

  private NexusSecurity(NexusSecurityOptions options) {
    this.options = options;
    warnAboutRolloutSwitches(options);
    this.interceptor = new SecurityWorkerInterceptor(new SecurityContext(options));
  }

  /**
   * Creates the security layer for {@code options}.
   *
   * @throws IllegalArgumentException if the namespace keys cannot be used
   */
  public static NexusSecurity newInstance(NexusSecurityOptions options) {
    return new NexusSecurity(options);
  }

  /**
   * The worker interceptor to add, LAST, to {@code WorkerFactoryOptions} of caller and handler
   * workers; prefer {@link #workerFactoryOptions}.
   */
  public WorkerInterceptor getWorkerInterceptor() {
    return interceptor;
  }

  /**
   * {@code base} with this instance's interceptor as the last (outermost) worker interceptor, after
   * any the options already had.
   */
  public WorkerFactoryOptions workerFactoryOptions(WorkerFactoryOptions base) {
    List<WorkerInterceptor> interceptors = new ArrayList<>();
    WorkerInterceptor[] existing = base.getWorkerInterceptors();
    if (existing != null) {
      for (WorkerInterceptor i : existing) {
        if (i != interceptor) {
          interceptors.add(i);
        }
      }
    }
    interceptors.add(interceptor);
    return WorkerFactoryOptions.newBuilder(base)
        .setWorkerInterceptors(interceptors.toArray(new WorkerInterceptor[0]))
        .build();
  }

  private static void warnAboutRolloutSwitches(NexusSecurityOptions options) {
    if (options.getHandlerPolicy().isRolloutAdmitCallsWithoutToken()) {
      LOG.warn(
          "ROLLOUT SWITCH ON for namespace '{}': HandlerPolicy.rolloutAdmitCallsWithoutToken admits"
              + " Nexus requests that carry no identity token (counted as"
              + " nexus_security_calls_without_token). Not a production setting: turn it off once"
              + " every caller sends tokens (docs/rollout.md).",
          options.getNamespace());
    }
    options
        .getDataConverter()
        .ifPresent(
            converter -> {
              for (CodecDescriptor d : ConverterIntrospection.inspect(converter).getCodecs()) {
                // only codecs that describe themselves (others get a class-name descriptor)
                if (!d.getPayloadProtections().isEmpty() && d.isAcceptingUnencodedPayloads()) {
                  LOG.warn(
                      "ROLLOUT SWITCH ON: payload codec '{}' accepts unencrypted payloads (a"
                          + " rollout or migration plaintext policy). Not a production setting:"
                          + " set it to reject plaintext once no unencrypted payload is read any"
                          + " more (docs/rollout.md).",
                      d.getCodecId());
                }
              }
            });
  }

  /** The options this instance was created with. */
  public NexusSecurityOptions getOptions() {
    return options;
  }
}
