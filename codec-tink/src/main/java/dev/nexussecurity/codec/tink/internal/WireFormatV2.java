package dev.nexussecurity.codec.tink.internal;

import com.google.protobuf.ByteString;
import java.nio.charset.StandardCharsets;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import javax.annotation.Nullable;

/**
 * Constants and the associated-data encoding of the nexus-security payload format, version 2: four
 * metadata entries (encoding, format, key id and the binary context entry, which holds scheme, key,
 * compression and the payload's encryption context and is the associated data itself). Specified
 * byte by byte in the module README; this class is its single implementation.
 */
public final class WireFormatV2 {
  /** Format version entry value. */
  public static final String FORMAT_V2 = "2";

  /** Encoding of a payload protected by an authenticating (non-encrypting) scheme. */
  public static final String ENCODING_AUTHENTICATED = "binary/authenticated";

  /**
   * The context entry: the associated data itself, i.e. the 14 values (encoding, format, scheme,
   * keyset, key id, compression, direction, position, endpoint, service, operation, caller,
   * handler, binding), each as a 4-byte big-endian length and its UTF-8 bytes.
   */
  public static final String CONTEXT_KEY = "nexus-security-context";

  /** Number of length-prefixed fields in the context entry. */
  public static final int FIELD_COUNT = 14;

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

  /** The context fields' names, in context order (as in the module README). */
  public static final List<String> FIELD_NAMES =
      List.of(
          "encoding",
          "format",
          "scheme",
          "keyset",
          "key-id",
          "compression",
          "direction",
          "position",
          "endpoint",
          "service",
          "operation",
          "caller",
          "handler",
          "binding");

  private WireFormatV2() {}

  /**
   * The fields of a context entry as UTF-8 text, keyed by {@link #FIELD_NAMES} in context order;
   * {@code null} unless {@code context} is exactly 14 length-prefixed fields.
   */
  public static @Nullable Map<String, String> contextFields(ByteString context) {
    Map<String, String> out = new LinkedHashMap<>();
    int at = 0;
    int size = context.size();
    for (String name : FIELD_NAMES) {
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
      out.put(name, context.substring(at, at + (int) n).toStringUtf8());
      at += (int) n;
    }
    return at == size ? Collections.unmodifiableMap(out) : null;
  }

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

  /** Appends {@code value} as a length-prefixed field at {@code at}; returns the next offset. */
  static int put(byte[] out, int at, ByteString value) {
    int n = value.size();
    out[at] = (byte) (n >>> 24);
    out[at + 1] = (byte) (n >>> 16);
    out[at + 2] = (byte) (n >>> 8);
    out[at + 3] = (byte) n;
    value.copyTo(out, at + 4);
    return at + 4 + n;
  }

  static final byte[] ENCODING_ENCRYPTED_ARRAY =
      WireFormat.ENCODING_ENCRYPTED.getBytes(StandardCharsets.UTF_8);
  static final byte[] ENCODING_AUTHENTICATED_ARRAY =
      ENCODING_AUTHENTICATED.getBytes(StandardCharsets.UTF_8);
  static final byte[] FORMAT_V2_ARRAY = FORMAT_V2.getBytes(StandardCharsets.UTF_8);
  static final byte[] COMPRESSION_NONE_ARRAY =
      WireFormat.COMPRESSION_NONE.getBytes(StandardCharsets.UTF_8);
  static final byte[] COMPRESSION_ZLIB_ARRAY =
      WireFormat.COMPRESSION_ZLIB.getBytes(StandardCharsets.UTF_8);
  static final byte[] ONLY_POSITION_ARRAY = "0/1".getBytes(StandardCharsets.UTF_8);

  /**
   * Where the fields of a context entry start: element {@code i} is the offset of field {@code i}'s
   * length prefix, element {@link #FIELD_COUNT} the entry's length; null when the entry is not
   * exactly {@link #FIELD_COUNT} length-prefixed fields.
   */
  @javax.annotation.Nullable
  static int[] offsets(byte[] context) {
    int[] off = new int[FIELD_COUNT + 1];
    int size = context.length;
    int at = 0;
    for (int i = 0; i < FIELD_COUNT; i++) {
      if (size - at < 4) {
        return null;
      }
      off[i] = at;
      long n =
          ((context[at] & 0xffL) << 24)
              | ((context[at + 1] & 0xff) << 16)
              | ((context[at + 2] & 0xff) << 8)
              | (context[at + 3] & 0xff);
      at += 4;
      if (n > size - at) {
        return null;
      }
      at += (int) n;
    }
    off[FIELD_COUNT] = at;
    return at == size ? off : null;
  }

  /** Whether field {@code i} of {@code context} (split by {@link #offsets}) is {@code value}. */
  static boolean fieldEquals(byte[] context, int[] off, int i, byte[] value) {
    int start = off[i] + 4;
    int n = value.length;
    if (off[i + 1] - start != n) {
      return false;
    }
    for (int k = 0; k < n; k++) {
      if (context[start + k] != value[k]) {
        return false;
      }
    }
    return true;
  }

  /** Field {@code i} of {@code context}, copied. */
  static ByteString field(byte[] context, int[] off, int i) {
    int start = off[i] + 4;
    return ByteString.copyFrom(context, start, off[i + 1] - start);
  }
}
