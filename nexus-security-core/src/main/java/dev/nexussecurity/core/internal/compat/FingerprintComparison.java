package dev.nexussecurity.core.internal.compat;

import dev.nexussecurity.api.CodecDescriptor;
import dev.nexussecurity.api.ReasonCode;
import dev.nexussecurity.core.ConverterFingerprint;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Compares a caller's and a handler's converter fingerprints and reports the definite incompatibilities:
 * a codec one side encodes with and the other lacks, or an encryption key id the decrypting side does not
 * hold, in either direction (input: caller encodes, handler decodes; result: handler encodes, caller
 * decodes). Unknown parts, and codecs that pass through payloads they did not encode, never produce a
 * finding.
 */
public final class FingerprintComparison {
  private FingerprintComparison() {}

  /** One definite incompatibility. */
  public static final class Finding {
    private final ReasonCode reason;
    private final String message;

    Finding(ReasonCode reason, String message) {
      this.reason = reason;
      this.message = message;
    }

    public ReasonCode getReason() {
      return reason;
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
    Optional<List<CodecDescriptor>> c = caller.getCodecs();
    Optional<List<CodecDescriptor>> h = handler.getCodecs();
    if (c.isEmpty() || h.isEmpty()) {
      return findings;
    }
    Map<String, CodecDescriptor> callerById = byId(c.get());
    Map<String, CodecDescriptor> handlerById = byId(h.get());
    for (CodecDescriptor cc : callerById.values()) {
      if (!handlerById.containsKey(cc.getCodecId())) {
        findings.add(
            new Finding(
                ReasonCode.CODEC_MISSING,
                "the caller encodes payloads with codec '"
                    + cc.getCodecId()
                    + "', which the handler's DataConverter does not have; add the same codec to the"
                    + " handler worker's DataConverter"));
      }
    }
    for (CodecDescriptor hc : handlerById.values()) {
      if (!callerById.containsKey(hc.getCodecId())
          && (!hc.isAcceptingUnencodedPayloads() || hc.getEncryptionKeyId().isPresent())) {
        findings.add(
            new Finding(
                ReasonCode.CODEC_MISSING,
                "the handler's DataConverter uses codec '"
                    + hc.getCodecId()
                    + "', which the caller's DataConverter does not have"
                    + (hc.isAcceptingUnencodedPayloads()
                        ? " (the caller could not decode its results)"
                        : " (the handler rejects payloads the codec did not encode)")
                    + "; add the same codec to the caller worker's DataConverter"));
      }
    }
    for (CodecDescriptor cc : callerById.values()) {
      CodecDescriptor hc = handlerById.get(cc.getCodecId());
      if (hc == null) {
        continue;
      }
      keyFinding(cc, hc, "the caller encrypts the operation input", "handler")
          .ifPresent(findings::add);
      keyFinding(hc, cc, "the handler encrypts results and failures", "caller")
          .ifPresent(findings::add);
    }
    return findings;
  }

  private static Optional<Finding> keyFinding(
      CodecDescriptor encoder, CodecDescriptor decoder, String what, String decoderName) {
    Optional<String> key = encoder.getEncryptionKeyId();
    if (key.isEmpty() || decoder.getDecryptionKeyIds().isEmpty() || decoder.canDecrypt(key.get())) {
      return Optional.empty();
    }
    return Optional.of(
        new Finding(
            ReasonCode.ENCRYPTION_KEY_UNAVAILABLE,
            what
                + " with key id '"
                + key.get()
                + "' (codec '"
                + encoder.getCodecId()
                + "'), which the "
                + decoderName
                + " cannot decrypt: it holds "
                + decoder.getDecryptionKeyIds()
                + "; add that key to the "
                + decoderName
                + "'s keyset (roll a new key out to every decrypting side before promoting it)"));
  }

  private static Map<String, CodecDescriptor> byId(List<CodecDescriptor> codecs) {
    Map<String, CodecDescriptor> map = new LinkedHashMap<>();
    for (CodecDescriptor d : codecs) {
      map.putIfAbsent(d.getCodecId(), d);
    }
    return map;
  }
}
