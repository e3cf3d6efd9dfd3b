package dev.nexussecurity.core.internal.compat;

import dev.nexussecurity.api.CodecDescriptor;
import dev.nexussecurity.api.PayloadProtection;
import dev.nexussecurity.api.ReasonCode;
import dev.nexussecurity.core.ConverterFingerprint;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Compares two converter fingerprints and reports the definite incompatibilities, per direction:
 * the input (caller encodes, handler decodes) and the result and failures (handler encodes, caller
 * decodes). In each direction:
 *
 * <ul>
 *   <li>the decoding side lacks a codec the encoding side uses → {@link ReasonCode#CODEC_MISSING};
 *   <li>the encoding side lacks a codec that the decoding side requires (one that rejects payloads
 *       it did not encode) → {@link ReasonCode#CODEC_MISSING};
 *   <li>both have the codec, and the encoding side protects payloads with a {@link
 *       PayloadProtection} mode the decoding side's codec does not list among the protections it
 *       decodes (pairwise against a handler that decodes only shared keysets, say) → {@link
 *       ReasonCode#PAYLOAD_PROTECTION_NOT_ACCEPTED};
 *   <li>both have the codec, the encoding side encrypts under a shared keyset with a key id that
 *       the decoding side does not list among its decryptable key ids → {@link
 *       ReasonCode#ENCRYPTION_KEY_UNAVAILABLE}.
 * </ul>
 *
 * <p>The encoding side's mode is read from its encryption key id: {@code pairwise/<ns>:<id>},
 * {@code hpke/<ns>:<id>} and {@code authenticated/<ns>:<id>} name the key-agreement modes (whose
 * key ids name the encoding namespace's own key, so they are not compared with the decoding side's
 * ids); any other key id is a shared keyset's. {@link #protection} checks an explicitly configured
 * protection (an endpoint's or a service's) against the decoding side.
 *
 * <p>Codecs are matched by id; the order of the chains is not compared. Unknown parts (an
 * unreadable converter, a codec that lists no decryptable keys or no protections) never produce a
 * finding.
 */
public final class FingerprintComparison {
  private FingerprintComparison() {}

  /** One definite incompatibility. */
  public static final class Finding {
    private final ReasonCode reason;
    private final boolean inputDirection;
    private final String message;

    Finding(ReasonCode reason, boolean inputDirection, String message) {
      this.reason = reason;
      this.inputDirection = inputDirection;
      this.message = message;
    }

    public ReasonCode getReason() {
      return reason;
    }

    /** True for the input direction (caller encodes), false for results and failures. */
    public boolean isInputDirection() {
      return inputDirection;
    }

    public String getMessage() {
      return message;
    }

    @Override
    public String toString() {
      return reason + ": " + message;
    }
  }

  /** All definite incompatibilities, input direction first. */
  public static List<Finding> compare(ConverterFingerprint caller, ConverterFingerprint handler) {
    List<Finding> findings = new ArrayList<>();
    findings.addAll(direction(caller, handler, true));
    findings.addAll(direction(handler, caller, false));
    return findings;
  }

  /** The definite incompatibilities of one direction. */
  public static List<Finding> direction(
      ConverterFingerprint encoder, ConverterFingerprint decoder, boolean input) {
    List<Finding> findings = new ArrayList<>();
    Optional<List<CodecDescriptor>> e = encoder.getCodecs();
    Optional<List<CodecDescriptor>> d = decoder.getCodecs();
    if (e.isEmpty() || d.isEmpty()) {
      return findings;
    }
    String enc = input ? "caller" : "handler";
    String dec = input ? "handler" : "caller";
    String what = input ? "the operation input" : "results and failures";
    Map<String, CodecDescriptor> encById = byId(e.get());
    Map<String, CodecDescriptor> decById = byId(d.get());
    for (CodecDescriptor c : encById.values()) {
      if (!decById.containsKey(c.getCodecId())) {
        findings.add(
            new Finding(
                ReasonCode.CODEC_MISSING,
                input,
                "the "
                    + enc
                    + " encodes "
                    + what
                    + " with codec '"
                    + c.getCodecId()
                    + "', which the "
                    + dec
                    + "'s DataConverter does not have; add the same codec to the "
                    + dec
                    + " worker's DataConverter"));
      }
    }
    for (CodecDescriptor c : decById.values()) {
      if (!encById.containsKey(c.getCodecId()) && !c.isAcceptingUnencodedPayloads()) {
        findings.add(
            new Finding(
                ReasonCode.CODEC_MISSING,
                input,
                "the "
                    + dec
                    + "'s codec '"
                    + c.getCodecId()
                    + "' rejects payloads it did not encode, and the "
                    + enc
                    + "'s DataConverter does not have it; add the same codec to the "
                    + enc
                    + " worker's DataConverter"));
      }
    }
    for (CodecDescriptor c : encById.values()) {
      CodecDescriptor other = decById.get(c.getCodecId());
      if (other == null) {
        continue;
      }
      Optional<String> key = c.getEncryptionKeyId();
      if (key.isEmpty()) {
        continue;
      }
      Optional<PayloadProtection.Mode> mode = keyAgreementMode(key.get());
      if (mode.isPresent()) {
        String text = mode.get().name().toLowerCase(java.util.Locale.ROOT);
        if (!other.getPayloadProtections().isEmpty()
            && !other.getPayloadProtections().contains(text)) {
          findings.add(notAccepted(input, enc, dec, what, text, c.getCodecId(), other));
        }
        continue;
      }
      if (!other.getPayloadProtections().isEmpty()
          && other.getPayloadProtections().stream().noneMatch(p -> p.startsWith("shared:"))) {
        findings.add(notAccepted(input, enc, dec, what, "a shared keyset", c.getCodecId(), other));
        continue;
      }
      if (!other.getDecryptionKeyIds().isEmpty() && !other.canDecrypt(key.get())) {
        findings.add(
            new Finding(
                ReasonCode.ENCRYPTION_KEY_UNAVAILABLE,
                input,
                "the "
                    + enc
                    + " encrypts "
                    + what
                    + " with key id '"
                    + key.get()
                    + "' (codec '"
                    + c.getCodecId()
                    + "'), which the "
                    + dec
                    + " cannot decrypt: it holds "
                    + other.getDecryptionKeyIds()
                    + "; add that key to the "
                    + dec
                    + "'s keyset (roll a new key out to every decrypting side before promoting it)"));
      }
    }
    return findings;
  }

  /**
   * Checks that the decoding side decodes payloads under {@code protection}, the protection an
   * endpoint (or a service) is configured with: a finding {@link
   * ReasonCode#PAYLOAD_PROTECTION_NOT_ACCEPTED} when none of the decoding side's codecs that list
   * their protections accepts it; nothing when the decoding side is unknown or lists none.
   */
  public static List<Finding> protection(
      PayloadProtection protection, ConverterFingerprint decoder, boolean input) {
    List<Finding> findings = new ArrayList<>();
    Optional<List<CodecDescriptor>> d = decoder.getCodecs();
    if (d.isEmpty()) {
      return findings;
    }
    CodecDescriptor listing = null;
    for (CodecDescriptor c : d.get()) {
      if (c.getPayloadProtections().isEmpty()) {
        continue;
      }
      if (c.accepts(protection)) {
        return findings;
      }
      listing = c;
    }
    if (listing != null) {
      findings.add(
          notAccepted(
              input,
              input ? "caller" : "handler",
              input ? "handler" : "caller",
              input ? "the operation input" : "results and failures",
              protection.toString(),
              listing.getCodecId(),
              listing));
    }
    return findings;
  }

  /**
   * The key-agreement mode an encryption key id names, if it names one: {@code
   * <mode>/<namespace>:<key id>}. Shared keysets' key ids are {@code <keyset>/<key id>} with a
   * numeric key id, so a shared keyset that happens to be named {@code pairwise} is not mistaken
   * for the mode.
   */
  static Optional<PayloadProtection.Mode> keyAgreementMode(String keyId) {
    int slash = keyId.indexOf('/');
    if (slash < 0 || keyId.indexOf(':', slash) < 0) {
      return Optional.empty();
    }
    switch (keyId.substring(0, slash)) {
      case "pairwise":
        return Optional.of(PayloadProtection.Mode.PAIRWISE);
      case "hpke":
        return Optional.of(PayloadProtection.Mode.HPKE);
      case "authenticated":
        return Optional.of(PayloadProtection.Mode.AUTHENTICATED);
      default:
        return Optional.empty();
    }
  }

  private static Finding notAccepted(
      boolean input,
      String enc,
      String dec,
      String what,
      String protection,
      String codecId,
      CodecDescriptor decoder) {
    return new Finding(
        ReasonCode.PAYLOAD_PROTECTION_NOT_ACCEPTED,
        input,
        "the "
            + enc
            + " protects "
            + what
            + " with "
            + protection
            + " (codec '"
            + codecId
            + "'), which the "
            + dec
            + "'s codec '"
            + decoder.getCodecId()
            + "' does not decode: it accepts "
            + decoder.getPayloadProtections()
            + "; configure the "
            + enc
            + " (the endpoint's or service's payload protection) with one of those, or have the "
            + dec
            + " accept "
            + protection);
  }

  private static Map<String, CodecDescriptor> byId(List<CodecDescriptor> codecs) {
    Map<String, CodecDescriptor> map = new LinkedHashMap<>();
    for (CodecDescriptor c : codecs) {
      map.putIfAbsent(c.getCodecId(), c);
    }
    return map;
  }
}
