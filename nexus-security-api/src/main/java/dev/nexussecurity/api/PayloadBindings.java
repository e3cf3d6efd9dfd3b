package dev.nexussecurity.api;

import java.util.Objects;
import java.util.Optional;

/**
 * The channel between nexus-security's interceptors and a binding-aware payload codec, per thread.
 *
 * <p>Temporal's SDK calls the payload codec for a Nexus operation's input on the thread that runs
 * the caller's {@code executeNexusOperation} interceptor, and on the handler on the Nexus task
 * thread right after {@code interceptNexusOperation}; the sync result is encoded on that same
 * thread after the operation returns. The interceptors {@link #set set} the call's binding there;
 * the codec reads it with {@link #current()} and, after it has verified that an input payload was
 * made for the binding in force, reports so with {@link #recordVerifiedInput(String)}. The
 * handler's interceptor then {@link #takeVerifiedInput(String) takes} that record before any
 * handler code runs, so an input that no binding-aware codec verified is refused (fail closed).
 *
 * <p>When the handler's codec refuses the input of the call in force (its binding or protection
 * does not match), it reports why with {@link #recordRejectedInput} and lets the input decode to
 * null instead of throwing, so that the handler's interceptor can deny the call at once, with that
 * reason, rather than the SDK reporting a retryable deserialization failure; the interceptor {@link
 * #takeRejectedInput takes} that record before any handler code runs.
 *
 * <pre>{@code
 * // caller side, around the SDK call that encodes the input
 * PayloadBinding previous = PayloadBindings.set(binding);
 * try {
 *   return super.executeNexusOperation(input);
 * } finally {
 *   PayloadBindings.restore(previous);
 * }
 * }</pre>
 *
 * <p>Only nexus-security's own interceptors and codecs call the setters; applications never need
 * to.
 */
public final class PayloadBindings {
  private static final ThreadLocal<PayloadBinding> CURRENT = new ThreadLocal<>();
  private static final ThreadLocal<String> VERIFIED_INPUT = new ThreadLocal<>();
  private static final ThreadLocal<RejectedInput> REJECTED_INPUT = new ThreadLocal<>();

  private PayloadBindings() {}

  /** The binding of the Nexus call this thread is serving, if any. */
  public static Optional<PayloadBinding> current() {
    return Optional.ofNullable(CURRENT.get());
  }

  /**
   * Makes {@code binding} current on this thread and forgets any verified-input record; returns the
   * binding that was current before (null if none), for {@link #restore}.
   */
  public static PayloadBinding set(PayloadBinding binding) {
    PayloadBinding previous = CURRENT.get();
    CURRENT.set(binding);
    VERIFIED_INPUT.remove();
    REJECTED_INPUT.remove();
    return previous;
  }

  /** Makes {@code previous} (possibly null) current again. */
  public static void restore(PayloadBinding previous) {
    if (previous == null) {
      CURRENT.remove();
    } else {
      CURRENT.set(previous);
    }
  }

  /** Removes the current binding and any verified- or rejected-input record from this thread. */
  public static void clear() {
    CURRENT.remove();
    VERIFIED_INPUT.remove();
    REJECTED_INPUT.remove();
  }

  /**
   * Records, for the current thread, that an input payload bound to {@code bindingId} was verified.
   * Called by a binding-aware codec after it authenticated the payload's binding.
   */
  public static void recordVerifiedInput(String bindingId) {
    VERIFIED_INPUT.set(bindingId);
  }

  /**
   * Returns whether an input bound to {@code bindingId} was verified on this thread since the
   * binding was set, and removes the record.
   */
  public static boolean takeVerifiedInput(String bindingId) {
    String verified = VERIFIED_INPUT.get();
    VERIFIED_INPUT.remove();
    return verified != null && verified.equals(bindingId);
  }

  /**
   * Records, for the current thread, that the input bound to {@code bindingId} was refused by a
   * binding-aware codec, with the refusal's reason name and a detail that holds no secret (it ends
   * up in the denial's message). Called by the codec instead of throwing, on the handler only.
   *
   * @throws NullPointerException if an argument is null
   */
  public static void recordRejectedInput(String bindingId, String reasonName, String safeDetail) {
    REJECTED_INPUT.set(new RejectedInput(bindingId, reasonName, safeDetail));
    VERIFIED_INPUT.remove();
  }

  /**
   * Returns the refusal of the input bound to {@code bindingId} recorded on this thread since the
   * binding was set, if any, and removes the record (of whichever binding).
   */
  public static Optional<RejectedInput> takeRejectedInput(String bindingId) {
    RejectedInput rejected = REJECTED_INPUT.get();
    REJECTED_INPUT.remove();
    return rejected != null && rejected.bindingId.equals(bindingId)
        ? Optional.of(rejected)
        : Optional.empty();
  }

  /**
   * A codec's refusal of a call's input: why (the codec's reason name, e.g. {@code
   * CONTEXT_MISMATCH}) and a detail that holds no secret.
   *
   * <pre>{@code
   * PayloadBindings.takeRejectedInput(tokenId)
   *     .ifPresent(r -> deny(r.getReasonName() + ": " + r.getDetail()));
   * }</pre>
   */
  public static final class RejectedInput {
    private final String bindingId;
    private final String reasonName;
    private final String detail;

    private RejectedInput(String bindingId, String reasonName, String detail) {
      this.bindingId = Objects.requireNonNull(bindingId, "bindingId");
      this.reasonName = Objects.requireNonNull(reasonName, "reasonName");
      this.detail = Objects.requireNonNull(detail, "detail");
    }

    /** The binding id of the refused input's call. */
    public String getBindingId() {
      return bindingId;
    }

    /** The codec's reason, e.g. {@code CONTEXT_MISMATCH}. */
    public String getReasonName() {
      return reasonName;
    }

    /** What the codec found, without secrets. */
    public String getDetail() {
      return detail;
    }

    @Override
    public String toString() {
      return "RejectedInput{" + reasonName + ": " + detail + "}";
    }
  }
}
