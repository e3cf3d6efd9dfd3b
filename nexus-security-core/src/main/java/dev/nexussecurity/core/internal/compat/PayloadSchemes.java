package dev.nexussecurity.core.internal.compat;

import com.google.protobuf.ByteString;
import dev.nexussecurity.api.PayloadProtection;
import io.temporal.api.common.v1.Payload;
import java.util.Optional;

/**
 * Reads which {@link PayloadProtection} protected an encoded payload from the clear-text metadata
 * of the Tink codec's documented wire format 2 ({@code nexus-security-scheme}, {@code
 * nexus-security-keyset}; see the codec-tink README), so that a payload the decoding side cannot
 * read is reported with the protection it arrived under. Reads metadata only; decides nothing.
 */
public final class PayloadSchemes {
  static final String SCHEME_KEY = "nexus-security-scheme";
  static final String KEYSET_KEY = "nexus-security-keyset";

  private PayloadSchemes() {}

  /** The protection named by {@code payload}'s metadata, if it names one this version knows. */
  public static Optional<PayloadProtection> protectionOf(Payload payload) {
    String scheme = text(payload, SCHEME_KEY);
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
        String keyset = text(payload, KEYSET_KEY);
        try {
          return keyset == null ? Optional.empty() : Optional.of(PayloadProtection.shared(keyset));
        } catch (IllegalArgumentException e) {
          return Optional.empty();
        }
      default:
        return Optional.empty();
    }
  }

  private static String text(Payload payload, String key) {
    ByteString v = payload.getMetadataMap().get(key);
    return v == null ? null : v.toStringUtf8();
  }
}
