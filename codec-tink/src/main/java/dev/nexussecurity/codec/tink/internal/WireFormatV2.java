package dev.nexussecurity.codec.tink.internal;

import com.google.protobuf.ByteString;

/**
 * Constants and the associated-data encoding of the nexus-security payload format, version 2: the
 * six entries of version 1 plus the payload's encryption context (direction, position, endpoint,
 * service, operation, caller and handler namespace, binding id). Specified byte by byte in the
 * module README; this class is its single implementation.
 */
public final class WireFormatV2 {
  /** Format version entry value. */
  public static final String FORMAT_V2 = "2";

  /** Encoding of a payload protected by an authenticating (non-encrypting) scheme. */
  public static final String ENCODING_AUTHENTICATED = "binary/authenticated";

  /** Direction entry: NONE, INPUT, RESULT or FAILURE. */
  public static final String DIRECTION_KEY = "nexus-security-direction";

  /** Position entry: {@code <index>/<count>}, unsigned decimals. */
  public static final String POSITION_KEY = "nexus-security-position";

  /** Endpoint entry (empty for context-free payloads). */
  public static final String ENDPOINT_KEY = "nexus-security-endpoint";

  /** Service entry. */
  public static final String SERVICE_KEY = "nexus-security-service";

  /** Operation entry. */
  public static final String OPERATION_KEY = "nexus-security-operation";

  /** Caller namespace entry. */
  public static final String CALLER_KEY = "nexus-security-caller";

  /** Handler namespace entry. */
  public static final String HANDLER_KEY = "nexus-security-handler";

  /** Binding id entry (the caller identity token's id). */
  public static final String BINDING_KEY = "nexus-security-binding";

  /** Scheme: AEAD under a named shared Tink keyset. */
  public static final String SCHEME_SHARED = WireFormat.SCHEME_TINK_AEAD;

  /** Scheme: AES-256-GCM under the pairwise payload key of sender and recipient. */
  public static final String SCHEME_PAIRWISE = "pairwise-aes256gcm";

  /** Scheme: Tink HPKE (X25519, HKDF-SHA256, AES-256-GCM) to the recipient's public key. */
  public static final String SCHEME_HPKE = "hpke-x25519-aes256gcm";

  /** Scheme: no encryption, AES-256-GCM over an empty plaintext (GMAC) under the pairwise key. */
  public static final String SCHEME_PAIRWISE_MAC = "pairwise-gmac";

  /** Keyset entry value of the pairwise schemes. */
  public static final String KEYSET_PAIRWISE = "pairwise";

  /** Keyset entry value of the HPKE scheme. */
  public static final String KEYSET_HPKE = "hpke";

  /** Length of the GMAC tag (IV and tag) that starts an authenticated payload's data. */
  public static final int MAC_LENGTH = 28;

  static final ByteString FORMAT_V2_BYTES = ByteString.copyFromUtf8(FORMAT_V2);
  static final ByteString ENCODING_AUTHENTICATED_BYTES =
      ByteString.copyFromUtf8(ENCODING_AUTHENTICATED);

  private WireFormatV2() {}

  /**
   * The associated data of a version-2 payload: for each of the 14 values (encoding, format,
   * scheme, keyset, key id, compression, direction, position, endpoint, service, operation, caller,
   * handler, binding), its length as a 4-byte big-endian unsigned integer, then its bytes.
   */
  public static byte[] associatedData(ByteString... values) {
    int length = 0;
    for (ByteString v : values) {
      length += 4 + v.size();
    }
    byte[] out = new byte[length];
    int at = 0;
    for (ByteString v : values) {
      int n = v.size();
      out[at++] = (byte) (n >>> 24);
      out[at++] = (byte) (n >>> 16);
      out[at++] = (byte) (n >>> 8);
      out[at++] = (byte) n;
      v.copyTo(out, at);
      at += n;
    }
    return out;
  }
}
