package dev.nexussecurity.core.keys;

import dev.nexussecurity.api.PayloadProtection;
import dev.nexussecurity.api.ReasonCode;
import dev.nexussecurity.api.internal.UntrustedText;
import java.util.Objects;
import java.util.Optional;
import java.util.TreeSet;

/**
 * Decides, on the caller side and before a Nexus call leaves the worker, whether the handler
 * namespace can decrypt (or verify) payloads under the {@link PayloadProtection} the caller is
 * about to use, from what the handler namespace states in the {@link KeyDirectory} ({@link
 * PayloadAcceptance}). A mismatch is a {@link ReasonCode#PAYLOAD_PROTECTION_NOT_ACCEPTED} denial
 * naming the protection, what the handler accepts and what to change: the caller fails in
 * milliseconds instead of retrying an operation the handler reports as a retryable decoding error
 * until its schedule-to-close timeout.
 *
 * <p>Rules, for a handler namespace whose directory entry states its {@link PayloadAcceptance}:
 *
 * <ul>
 *   <li>{@code shared:<keyset>}: accepted when the keyset is among {@link
 *       PayloadAcceptance#getSharedKeysets()};
 *   <li>{@code pairwise}: accepted when {@link PayloadAcceptance#isPairwise()};
 *   <li>{@code hpke}: accepted when {@link PayloadAcceptance#isHpke()};
 *   <li>{@code authenticated}: accepted when {@link PayloadAcceptance#isPairwise()} (the handler
 *       verifies the payload's MAC under the pair's derived key; {@link
 *       PayloadAcceptance#isPlaintext()} alone is not enough, since the payload is wrapped).
 * </ul>
 *
 * <p>The pairwise, HPKE and authenticated modes also need the handler namespace's key-agreement
 * keys: a handler namespace missing from the directory, or publishing no key-agreement keys, is
 * denied for them. A namespace that publishes keys but states no acceptance is not judged (the
 * check allows; the handler's own checks still apply), and neither is a shared keyset for a
 * namespace missing from the directory (shared keysets need no directory entry).
 *
 * <p>Pure and thread-safe; the allowed path allocates nothing.
 *
 * <pre>{@code
 * Optional<PayloadAcceptanceCheck.Denial> denial =
 *     PayloadAcceptanceCheck.check(directory, "payments-ns", PayloadProtection.pairwise());
 * denial.ifPresent(d -> { throw deny(d.getReason(), d.getDetail()); });
 * }</pre>
 */
public final class PayloadAcceptanceCheck {
  private static final int MAX_NAMESPACE_CHARS = 200;

  private PayloadAcceptanceCheck() {}

  /**
   * Checks {@code protection} against the handler namespace's entry in {@code directory}.
   *
   * @return empty when the handler accepts the protection (or states nothing to judge by), else the
   *     denial
   */
  public static Optional<Denial> check(
      KeyDirectory directory, String handlerNamespace, PayloadProtection protection) {
    Objects.requireNonNull(directory, "directory");
    Objects.requireNonNull(handlerNamespace, "handlerNamespace");
    Objects.requireNonNull(protection, "protection");
    Optional<NamespacePublicKeys> keys = directory.findNamespace(handlerNamespace);
    if (keys.isEmpty()) {
      if (protection.getMode() == PayloadProtection.Mode.SHARED) {
        return Optional.empty();
      }
      return deny(
          protection,
          (directory.isStale()
                  ? directory.describeMissing(handlerNamespace)
                  : "the key directory has no entry for handler namespace '"
                      + quote(handlerNamespace)
                      + "'")
              + ", so there is no key to "
              + verb(protection)
              + " for; publish the handler namespace's key-agreement keys in the directory, or"
              + " use shared:<keyset> for this endpoint");
    }
    return check(keys.get(), protection);
  }

  /**
   * Checks {@code protection} against one namespace's directory entry.
   *
   * @return empty when the handler accepts the protection (or states nothing to judge by), else the
   *     denial
   */
  public static Optional<Denial> check(NamespacePublicKeys handler, PayloadProtection protection) {
    Objects.requireNonNull(handler, "handler");
    Objects.requireNonNull(protection, "protection");
    if (protection.getMode() != PayloadProtection.Mode.SHARED
        && handler.getAgreementKeys().isEmpty()) {
      return deny(
          protection,
          "handler namespace '"
              + quote(handler.getNamespace())
              + "' publishes no key-agreement keys in the key directory, so there is no key to "
              + verb(protection)
              + " for; publish them, or use shared:<keyset> for this endpoint");
    }
    Optional<PayloadAcceptance> acceptance = handler.getPayloadAcceptance();
    if (acceptance.isEmpty()) {
      return Optional.empty();
    }
    return check(handler.getNamespace(), acceptance.get(), protection);
  }

  /**
   * Checks {@code protection} against what {@code handlerNamespace} states it accepts.
   *
   * @return empty when accepted, else the denial
   */
  public static Optional<Denial> check(
      String handlerNamespace, PayloadAcceptance acceptance, PayloadProtection protection) {
    Objects.requireNonNull(handlerNamespace, "handlerNamespace");
    Objects.requireNonNull(acceptance, "acceptance");
    Objects.requireNonNull(protection, "protection");
    if (accepts(acceptance, protection)) {
      return Optional.empty();
    }
    String fix;
    switch (protection.getMode()) {
      case SHARED:
        fix =
            acceptance.getSharedKeysets().isEmpty()
                ? "have the handler team add keyset '"
                    + protection.getKeysetName().orElseThrow()
                    + "' to its sharedKeysets (and its codec), or use a protection it accepts"
                : "use one of the shared keysets it accepts, or have the handler team add keyset '"
                    + protection.getKeysetName().orElseThrow()
                    + "' to its sharedKeysets (and its codec)";
        break;
      case AUTHENTICATED:
        fix =
            "authenticated payloads are verified under the pair's derived key: have the handler"
                + " team accept pairwise payloads, or use a protection it accepts";
        break;
      default:
        fix =
            "have the handler team accept "
                + protection
                + " payloads (and configure its codec to decode them), or use a protection it"
                + " accepts";
        break;
    }
    return deny(
        protection,
        "handler namespace '"
            + quote(handlerNamespace)
            + "' does not accept "
            + protection
            + " payloads; it accepts "
            + describe(acceptance)
            + "; "
            + fix);
  }

  /** Whether a handler stating {@code acceptance} decodes payloads under {@code protection}. */
  public static boolean accepts(PayloadAcceptance acceptance, PayloadProtection protection) {
    switch (protection.getMode()) {
      case SHARED:
        return acceptance.getSharedKeysets().contains(protection.getKeysetName().orElseThrow());
      case PAIRWISE:
      case AUTHENTICATED:
        return acceptance.isPairwise();
      case HPKE:
        return acceptance.isHpke();
      default:
        return false;
    }
  }

  /**
   * What {@code acceptance} accepts, in {@link PayloadProtection}'s text form, e.g. {@code
   * [pairwise, shared:payments]} ({@code nothing} when empty).
   */
  public static String describe(PayloadAcceptance acceptance) {
    TreeSet<String> forms = new TreeSet<>();
    if (acceptance.isPairwise()) {
      forms.add(PayloadProtection.pairwise().toString());
      forms.add(PayloadProtection.authenticated().toString());
    }
    if (acceptance.isHpke()) {
      forms.add(PayloadProtection.hpke().toString());
    }
    if (acceptance.isPlaintext()) {
      forms.add("plaintext");
    }
    acceptance.getSharedKeysets().forEach(k -> forms.add("shared:" + k));
    return forms.isEmpty() ? "nothing" : forms.toString();
  }

  private static Optional<Denial> deny(PayloadProtection protection, String detail) {
    return Optional.of(new Denial(protection, detail));
  }

  private static String verb(PayloadProtection protection) {
    return protection.getMode() == PayloadProtection.Mode.AUTHENTICATED
        ? "authenticate " + protection + " payloads"
        : "encrypt " + protection + " payloads";
  }

  private static String quote(String namespace) {
    return UntrustedText.quote(namespace, MAX_NAMESPACE_CHARS);
  }

  /**
   * A caller-side refusal: always {@link ReasonCode#PAYLOAD_PROTECTION_NOT_ACCEPTED}
   * (non-retryable), with a detail naming the protection, what the handler accepts and what to
   * change. Holds no key material.
   */
  public static final class Denial {
    private final PayloadProtection protection;
    private final String detail;

    private Denial(PayloadProtection protection, String detail) {
      this.protection = protection;
      this.detail = detail;
    }

    /** The reason code: {@link ReasonCode#PAYLOAD_PROTECTION_NOT_ACCEPTED}. */
    public ReasonCode getReason() {
      return ReasonCode.PAYLOAD_PROTECTION_NOT_ACCEPTED;
    }

    /** The protection the caller was about to use. */
    public PayloadProtection getProtection() {
      return protection;
    }

    /** What is wrong and what to change, for the denial's message. */
    public String getDetail() {
      return detail;
    }

    @Override
    public String toString() {
      return "Denial{" + getReason() + ": " + detail + "}";
    }
  }
}
