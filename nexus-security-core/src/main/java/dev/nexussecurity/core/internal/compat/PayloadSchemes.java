package dev.nexussecurity.core.internal.compat;

import com.google.protobuf.ByteString;
import dev.nexussecurity.api.PayloadProtection;
import dev.nexussecurity.api.ReasonCode;
import io.temporal.api.common.v1.Payload;
import java.util.Optional;

/**
 * Reads which {@link PayloadProtection} protected an encoded payload from the clear-text metadata
 * of the Tink codec's documented wire formats (see the codec-tink README), so that a payload the
 * decoding side cannot read is reported with the protection it arrived under. Format 2: fields 3
 * (scheme) and 4 (keyset) of the {@code nexus-security-context} entry; format 1: the {@code
 * nexus-security-scheme} and {@code nexus-security-keyset} entries. Reads metadata only; decides
 * nothing.
 */
public final class PayloadSchemes {
  static final String CONTEXT_KEY = "nexus-security-context";
  static final String SCHEME_KEY_V1 = "nexus-security-scheme";
  static final String KEYSET_KEY_V1 = "nexus-security-keyset";

  /** Number of length-prefixed fields in the format-2 context entry. */
  static final int CONTEXT_FIELDS = 14;

  /** Zero-based index of the scheme field in the context entry. */
  static final int SCHEME_FIELD = 2;

  /** Zero-based index of the keyset field in the context entry. */
  static final int KEYSET_FIELD = 3;

  private PayloadSchemes() {}

  /** The protection named by {@code payload}'s metadata, if it names one this version knows. */
  public static Optional<PayloadProtection> protectionOf(Payload payload) {
    String scheme;
    String keyset;
    ByteString context = payload.getMetadataMap().get(CONTEXT_KEY);
    if (context != null) {
      String[] fields = contextFields(context);
      if (fields == null) {
        return Optional.empty();
      }
      scheme = fields[SCHEME_FIELD];
      keyset = fields[KEYSET_FIELD];
    } else {
      scheme = text(payload, SCHEME_KEY_V1);
      keyset = text(payload, KEYSET_KEY_V1);
    }
    if (scheme == null) {
      return Optional.empty();
    }
    switch (scheme) {
      case "pairwise-aes256gcm":
        return Optional.of(PayloadProtection.pairwise());
      case "hpke-x25519-aes256gcm":
        return Optional.of(PayloadProtection.hpke());
      case "pairwise-gmac":
        return Optional.of(PayloadProtection.authenticated());
      case "tink-aead":
        try {
          return keyset == null ? Optional.empty() : Optional.of(PayloadProtection.shared(keyset));
        } catch (IllegalArgumentException e) {
          return Optional.empty();
        }
      default:
        return Optional.empty();
    }
  }

  /**
   * The fields of a format-2 context entry as UTF-8 text, or {@code null} unless it is exactly
   * {@value #CONTEXT_FIELDS} fields, each a 4-byte big-endian length followed by that many bytes.
   */
  static String[] contextFields(ByteString context) {
    String[] out = new String[CONTEXT_FIELDS];
    int size = context.size();
    int at = 0;
    for (int i = 0; i < CONTEXT_FIELDS; i++) {
      if (size - at < 4) {
        return null;
      }
      long n =
          ((context.byteAt(at) & 0xffL) << 24)
              | ((context.byteAt(at + 1) & 0xff) << 16)
              | ((context.byteAt(at + 2) & 0xff) << 8)
              | (context.byteAt(at + 3) & 0xff);
      at += 4;
      if (n > size - at) {
        return null;
      }
      out[i] = context.substring(at, at + (int) n).toStringUtf8();
      at += (int) n;
    }
    return at == size ? out : null;
  }

  private static String text(Payload payload, String key) {
    ByteString v = payload.getMetadataMap().get(key);
    return v == null ? null : v.toStringUtf8();
  }

  /**
   * The reason code for an input the handler's codec refused, from the codec's own reason name: a
   * key the handler does not hold and an encoding it cannot read say what to fix on which side; a
   * payload that fails authentication or names another call is not the caller's input.
   */
  public static ReasonCode reasonForRefusedInput(String codecReason) {
    return switch (codecReason) {
      case "UNKNOWN_KEY", "DISABLED_KEY" -> ReasonCode.ENCRYPTION_KEY_UNAVAILABLE;
      case "PLAINTEXT_REJECTED",
          "UNSUPPORTED_SCHEME",
          "UNSUPPORTED_FORMAT_VERSION",
          "LEGACY_FORMAT_REFUSED" ->
          ReasonCode.PAYLOAD_ENCODING_UNSUPPORTED;
      case "PROTECTION_MISMATCH" -> ReasonCode.PAYLOAD_PROTECTION_NOT_ACCEPTED;
      default -> ReasonCode.INPUT_NOT_BOUND;
    };
  }
}
