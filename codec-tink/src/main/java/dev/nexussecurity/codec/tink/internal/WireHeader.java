package dev.nexussecurity.codec.tink.internal;

import com.google.protobuf.ByteString;
import dev.nexussecurity.api.internal.UntrustedText;
import dev.nexussecurity.codec.tink.PayloadDecryptionException;
import dev.nexussecurity.codec.tink.PayloadDecryptionException.Reason;
import io.temporal.api.common.v1.Payload;
import java.util.Map;

/**
 * The codec's metadata entries of one incoming encrypted payload, checked for presence and version.
 */
public final class WireHeader {
  private final ByteString scheme;
  private final ByteString keysetName;
  private final ByteString keyId;
  private final ByteString compression;

  private WireHeader(
      ByteString scheme, ByteString keysetName, ByteString keyId, ByteString compression) {
    this.scheme = scheme;
    this.keysetName = keysetName;
    this.keyId = keyId;
    this.compression = compression;
  }

  /**
   * Reads the header of a payload whose encoding is {@code binary/encrypted}.
   *
   * @throws PayloadDecryptionException if an entry is missing or the format version is not 1
   */
  static WireHeader parse(Payload payload) {
    Map<String, ByteString> m = payload.getMetadataMap();
    ByteString format = m.get(WireFormat.FORMAT_KEY);
    ByteString scheme = m.get(WireFormat.SCHEME_KEY);
    ByteString keyset = m.get(WireFormat.KEYSET_KEY);
    ByteString keyId = m.get(WireFormat.KEY_ID_KEY);
    ByteString compression = m.get(WireFormat.COMPRESSION_KEY);
    if (format == null) {
      throw malformed(
          payload,
          "it has no '"
              + WireFormat.FORMAT_KEY
              + "' metadata entry, so it was not encrypted by a nexus-security codec or the entry"
              + " was removed.");
    }
    if (!WireFormat.FORMAT_V1_BYTES.equals(format)) {
      throw new PayloadDecryptionException(
          Reason.UNSUPPORTED_FORMAT_VERSION,
          WireFormat.ENCODING_ENCRYPTED,
          qualified(keyset, keyId),
          "format version '"
              + printable(format)
              + "' is not supported; this codec reads version 1.",
          null);
    }
    String missing =
        scheme == null
            ? WireFormat.SCHEME_KEY
            : keyset == null
                ? WireFormat.KEYSET_KEY
                : keyId == null
                    ? WireFormat.KEY_ID_KEY
                    : compression == null ? WireFormat.COMPRESSION_KEY : null;
    if (missing != null) {
      throw malformed(payload, "the '" + missing + "' metadata entry is missing.");
    }
    return new WireHeader(scheme, keyset, keyId, compression);
  }

  private static PayloadDecryptionException malformed(Payload payload, String detail) {
    ByteString keyset = payload.getMetadataMap().get(WireFormat.KEYSET_KEY);
    ByteString keyId = payload.getMetadataMap().get(WireFormat.KEY_ID_KEY);
    return new PayloadDecryptionException(
        Reason.MALFORMED, WireFormat.ENCODING_ENCRYPTED, qualified(keyset, keyId), detail, null);
  }

  private static String qualified(ByteString keyset, ByteString keyId) {
    if (keyId == null) {
      return null;
    }
    return (keyset == null ? "<no keyset>" : printable(keyset)) + "/" + printable(keyId);
  }

  /** The metadata value as text for messages: see {@link UntrustedText#quote(String)}. */
  static String printable(ByteString value) {
    return UntrustedText.quote(value.toStringUtf8());
  }

  /** The scheme entry's bytes. */
  public ByteString getScheme() {
    return scheme;
  }

  /** The keyset name entry's bytes. */
  public ByteString getKeysetName() {
    return keysetName;
  }

  /** The key id entry's bytes. */
  public ByteString getKeyId() {
    return keyId;
  }

  ByteString getCompression() {
    return compression;
  }

  /** {@code <keyset>/<key id>} as the payload names them, for messages. */
  public String qualifiedKeyIdForMessages() {
    return printable(keysetName) + "/" + printable(keyId);
  }
}
