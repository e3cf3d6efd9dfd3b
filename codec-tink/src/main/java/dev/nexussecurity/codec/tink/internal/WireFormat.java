package dev.nexussecurity.codec.tink.internal;

import com.google.protobuf.ByteString;
import java.util.List;

/**
 * Constants and the canonical associated-data encoding of the nexus-security encrypted payload
 * format, version 1. The format is specified byte by byte in the module's README; this class is its
 * single implementation.
 *
 * <p>An encrypted payload has exactly these metadata entries, all written by the codec and all
 * bound into the associated data in this order: {@link #ENCODING_KEY}, {@link #FORMAT_KEY}, {@link
 * #SCHEME_KEY}, {@link #KEYSET_KEY}, {@link #KEY_ID_KEY}, {@link #COMPRESSION_KEY}.
 */
public final class WireFormat {
  /** Temporal's standard metadata key naming a payload's encoding. */
  public static final String ENCODING_KEY = "encoding";

  /** Format version entry. */
  public static final String FORMAT_KEY = "nexus-security-format";

  /** Encryption scheme entry, e.g. {@code tink-aead}. */
  public static final String SCHEME_KEY = "nexus-security-scheme";

  /** Keyset name entry. */
  public static final String KEYSET_KEY = "nexus-security-keyset";

  /** Key id entry: the Tink key id as an unsigned decimal number. */
  public static final String KEY_ID_KEY = "nexus-security-key-id";

  /** Compression entry: {@code none} or {@code zlib}. */
  public static final String COMPRESSION_KEY = "nexus-security-compression";

  /** Value of the {@code encoding} entry of every encrypted payload. */
  public static final String ENCODING_ENCRYPTED = "binary/encrypted";

  /** The only format version this implementation writes and reads. */
  public static final String FORMAT_V1 = "1";

  /** Scheme id of Tink AEAD (symmetric) encryption. */
  public static final String SCHEME_TINK_AEAD = "tink-aead";

  /** Compression value: the plaintext is the serialized payload as is. */
  public static final String COMPRESSION_NONE = "none";

  /** Compression value: the plaintext is the zlib stream (RFC 1950) of the serialized payload. */
  public static final String COMPRESSION_ZLIB = "zlib";

  /** Largest serialized payload a decoder inflates and an encoder compresses: 64 MiB. */
  public static final int MAX_DECOMPRESSED_SIZE = 64 * 1024 * 1024;

  static final ByteString ENCODING_ENCRYPTED_BYTES = utf8(ENCODING_ENCRYPTED);
  static final ByteString FORMAT_V1_BYTES = utf8(FORMAT_V1);
  static final ByteString COMPRESSION_NONE_BYTES = utf8(COMPRESSION_NONE);
  static final ByteString COMPRESSION_ZLIB_BYTES = utf8(COMPRESSION_ZLIB);

  /** The metadata keys the codec writes, in associated-data order. */
  public static final List<String> ENTRY_ORDER =
      List.of(ENCODING_KEY, FORMAT_KEY, SCHEME_KEY, KEYSET_KEY, KEY_ID_KEY, COMPRESSION_KEY);

  private WireFormat() {}

  /**
   * The associated data of a version-1 payload: for each entry in {@link #ENTRY_ORDER}, the value's
   * length as a 4-byte big-endian unsigned integer followed by the value's bytes. The entries' keys
   * are implied by their position, which the format version fixes.
   *
   * @param values the values of the entries, in {@link #ENTRY_ORDER}
   */
  public static byte[] associatedData(List<ByteString> values) {
    if (values.size() != ENTRY_ORDER.size()) {
      throw new IllegalArgumentException(
          "expected " + ENTRY_ORDER.size() + " metadata values, got " + values.size());
    }
    int length = 0;
    for (ByteString value : values) {
      length += 4 + value.size();
    }
    byte[] out = new byte[length];
    int at = 0;
    for (ByteString value : values) {
      int n = value.size();
      out[at++] = (byte) (n >>> 24);
      out[at++] = (byte) (n >>> 16);
      out[at++] = (byte) (n >>> 8);
      out[at++] = (byte) n;
      value.copyTo(out, at);
      at += n;
    }
    return out;
  }

  /** Formats a Tink key id as this format writes it: unsigned decimal. */
  public static String keyIdText(int tinkKeyId) {
    return Integer.toUnsignedString(tinkKeyId);
  }

  /**
   * The key id the codec reports in descriptors and errors: {@code <keyset name>/<unsigned key
   * id>}.
   */
  public static String qualifiedKeyId(String keysetName, int tinkKeyId) {
    return keysetName + "/" + keyIdText(tinkKeyId);
  }

  static ByteString utf8(String s) {
    return ByteString.copyFromUtf8(s);
  }
}
