package dev.nexussecurity.codec.tink.internal;

import com.google.protobuf.ByteString;
import com.google.protobuf.CodedOutputStream;
import java.security.GeneralSecurityException;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * A key chosen by a {@link KeySelector}, with the metadata and associated data of both compression
 * variants computed once, so that encoding and decoding do no per-payload string work.
 */
public final class EnvelopeKey {
  private final String scheme;
  private final String keysetName;
  private final int keyId;
  private final String qualifiedKeyId;
  private final ByteString schemeBytes;
  private final ByteString keysetBytes;
  private final ByteString keyIdBytes;
  private final PayloadCipher cipher;
  private final Map<String, ByteString> metadataPlain;
  private final Map<String, ByteString> metadataZlib;
  private final byte[] aadPlain;
  private final byte[] aadZlib;
  private final int metadataSizePlain;
  private final int metadataSizeZlib;
  private final int ciphertextOverhead;

  /**
   * Creates a key.
   *
   * @param scheme the scheme id written to {@link WireFormat#SCHEME_KEY}
   * @param keysetName the keyset name written to {@link WireFormat#KEYSET_KEY}
   * @param keyId the Tink key id written (unsigned decimal) to {@link WireFormat#KEY_ID_KEY}
   * @param cipher the key's operation
   */
  public EnvelopeKey(String scheme, String keysetName, int keyId, PayloadCipher cipher) {
    this.scheme = Objects.requireNonNull(scheme, "scheme");
    this.keysetName = Objects.requireNonNull(keysetName, "keysetName");
    this.keyId = keyId;
    this.cipher = Objects.requireNonNull(cipher, "cipher");
    this.qualifiedKeyId = WireFormat.qualifiedKeyId(keysetName, keyId);
    this.schemeBytes = WireFormat.utf8(scheme);
    this.keysetBytes = WireFormat.utf8(keysetName);
    this.keyIdBytes = WireFormat.utf8(WireFormat.keyIdText(keyId));
    this.metadataPlain = metadata(WireFormat.COMPRESSION_NONE_BYTES);
    this.metadataZlib = metadata(WireFormat.COMPRESSION_ZLIB_BYTES);
    this.aadPlain = WireFormat.associatedData(List.copyOf(metadataPlain.values()));
    this.aadZlib = WireFormat.associatedData(List.copyOf(metadataZlib.values()));
    this.metadataSizePlain = serializedSize(metadataPlain);
    this.metadataSizeZlib = serializedSize(metadataZlib);
    this.ciphertextOverhead = measureOverhead(cipher, aadPlain);
  }

  /**
   * How many bytes the cipher adds to a plaintext (constant for every Tink AEAD: prefix, IV, tag),
   * measured once; 0 if it cannot be measured, which only makes the early size check less early.
   */
  private static int measureOverhead(PayloadCipher cipher, byte[] associatedData) {
    try {
      return cipher.encrypt(new byte[0], associatedData).length;
    } catch (GeneralSecurityException | RuntimeException e) {
      return 0;
    }
  }

  /** Bytes the cipher adds to a plaintext of any length (0 if unknown). */
  int ciphertextOverhead() {
    return ciphertextOverhead;
  }

  /** Serialized size of the metadata map field (field 1 of Payload) holding {@code metadata}. */
  private static int serializedSize(Map<String, ByteString> metadata) {
    int size = 0;
    for (Map.Entry<String, ByteString> e : metadata.entrySet()) {
      int entrySize =
          CodedOutputStream.computeStringSize(1, e.getKey())
              + CodedOutputStream.computeBytesSize(2, e.getValue());
      size +=
          CodedOutputStream.computeTagSize(1)
              + CodedOutputStream.computeUInt32SizeNoTag(entrySize)
              + entrySize;
    }
    return size;
  }

  /**
   * The serialized size of an encoded payload with this key's metadata and {@code dataLength} bytes
   * of data, computed without building it.
   */
  long encodedSize(boolean zlib, int dataLength) {
    long dataSize =
        dataLength == 0
            ? 0
            : CodedOutputStream.computeTagSize(2)
                + CodedOutputStream.computeUInt32SizeNoTag(dataLength)
                + (long) dataLength;
    return (zlib ? metadataSizeZlib : metadataSizePlain) + dataSize;
  }

  private Map<String, ByteString> metadata(ByteString compression) {
    Map<String, ByteString> m = new LinkedHashMap<>();
    m.put(WireFormat.ENCODING_KEY, WireFormat.ENCODING_ENCRYPTED_BYTES);
    m.put(WireFormat.FORMAT_KEY, WireFormat.FORMAT_V1_BYTES);
    m.put(WireFormat.SCHEME_KEY, schemeBytes);
    m.put(WireFormat.KEYSET_KEY, keysetBytes);
    m.put(WireFormat.KEY_ID_KEY, keyIdBytes);
    m.put(WireFormat.COMPRESSION_KEY, compression);
    return java.util.Collections.unmodifiableMap(m);
  }

  /** The scheme id. */
  public String getScheme() {
    return scheme;
  }

  /** The keyset name. */
  public String getKeysetName() {
    return keysetName;
  }

  /** The Tink key id. */
  public int getKeyId() {
    return keyId;
  }

  /** {@code <keyset name>/<unsigned key id>}. */
  public String getQualifiedKeyId() {
    return qualifiedKeyId;
  }

  PayloadCipher cipher() {
    return cipher;
  }

  ByteString schemeBytes() {
    return schemeBytes;
  }

  ByteString keysetBytes() {
    return keysetBytes;
  }

  ByteString keyIdBytes() {
    return keyIdBytes;
  }

  Map<String, ByteString> metadata(boolean zlib) {
    return zlib ? metadataZlib : metadataPlain;
  }

  byte[] associatedData(boolean zlib) {
    return zlib ? aadZlib : aadPlain;
  }

  byte[] encrypt(byte[] plaintext, boolean zlib) throws GeneralSecurityException {
    return cipher.encrypt(plaintext, associatedData(zlib));
  }

  byte[] decrypt(byte[] ciphertext, boolean zlib) throws GeneralSecurityException {
    return cipher.decrypt(ciphertext, associatedData(zlib));
  }

  @Override
  public String toString() {
    return "EnvelopeKey{" + scheme + ", " + qualifiedKeyId + "}";
  }
}
