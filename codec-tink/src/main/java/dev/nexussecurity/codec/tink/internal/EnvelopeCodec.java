package dev.nexussecurity.codec.tink.internal;

import com.google.protobuf.ByteOutput;
import com.google.protobuf.ByteString;
import com.google.protobuf.CodedInputStream;
import com.google.protobuf.InvalidProtocolBufferException;
import com.google.protobuf.UnsafeByteOperations;
import dev.nexussecurity.codec.tink.PayloadDecryptionException;
import dev.nexussecurity.codec.tink.PayloadDecryptionException.Reason;
import dev.nexussecurity.codec.tink.PlaintextPolicy;
import io.temporal.api.common.v1.Payload;
import io.temporal.payload.codec.PayloadCodecException;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.security.GeneralSecurityException;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import javax.annotation.Nullable;

/**
 * The reader of the version-1 wire format (see {@link WireFormat}), with keys from a {@link
 * KeySelector}: payloads written before format 2, read only when the codec accepts format 1 ({@code
 * setAcceptFormat1}); nothing writes format 1 any more. Immutable and thread-safe.
 */
public final class EnvelopeCodec {
  private final KeySelector keys;
  private final PlaintextPolicy plaintextPolicy;

  /** Creates a reader; arguments are validated by the public builder. */
  public EnvelopeCodec(KeySelector keys, PlaintextPolicy plaintextPolicy) {
    this.keys = Objects.requireNonNull(keys, "keys");
    this.plaintextPolicy = Objects.requireNonNull(plaintextPolicy, "plaintextPolicy");
  }

  /** Decrypts every payload, or passes plaintext through as the plaintext policy allows. */
  public List<Payload> decode(List<Payload> payloads) {
    if (payloads.isEmpty()) {
      return payloads;
    }
    List<Payload> out = new ArrayList<>(payloads.size());
    for (Payload p : payloads) {
      out.add(decodeOne(p));
    }
    return out;
  }

  private Payload decodeOne(Payload payload) {
    ByteString encoding = payload.getMetadataMap().get(WireFormat.ENCODING_KEY);
    if (!WireFormat.ENCODING_ENCRYPTED_BYTES.equals(encoding)) {
      return plaintext(payload, encoding);
    }
    WireHeader header = WireHeader.parse(payload);
    EnvelopeKey key = keys.resolveForDecryption(header);
    boolean zlib;
    if (WireFormat.COMPRESSION_NONE_BYTES.equals(header.getCompression())) {
      zlib = false;
    } else if (WireFormat.COMPRESSION_ZLIB_BYTES.equals(header.getCompression())) {
      zlib = true;
    } else {
      throw new PayloadDecryptionException(
          Reason.MALFORMED,
          WireFormat.ENCODING_ENCRYPTED,
          key.getQualifiedKeyId(),
          "compression '"
              + WireHeader.printable(header.getCompression())
              + "' is not supported; expected 'none' or 'zlib'.",
          null);
    }
    byte[] plaintext;
    try {
      plaintext = key.decrypt(bytesOf(payload.getData()), zlib);
    } catch (GeneralSecurityException e) {
      throw new PayloadDecryptionException(
          Reason.AUTHENTICATION_FAILED,
          WireFormat.ENCODING_ENCRYPTED,
          key.getQualifiedKeyId(),
          "the data or its metadata did not authenticate under this key.",
          e);
    }
    if (zlib) {
      try {
        plaintext = Zlib.decompress(plaintext, WireFormat.MAX_DECOMPRESSED_SIZE);
      } catch (Zlib.InvalidStreamException e) {
        throw new PayloadDecryptionException(
            Reason.MALFORMED,
            WireFormat.ENCODING_ENCRYPTED,
            key.getQualifiedKeyId(),
            "the decrypted data is not a valid compressed payload: " + e.getMessage() + ".",
            null);
      }
    }
    try {
      // plaintext is our own fresh array, never modified afterwards: let the data field alias it
      CodedInputStream in = UnsafeByteOperations.unsafeWrap(plaintext).newCodedInput();
      in.enableAliasing(true);
      return Payload.parseFrom(in);
    } catch (InvalidProtocolBufferException e) {
      throw new PayloadDecryptionException(
          Reason.MALFORMED,
          WireFormat.ENCODING_ENCRYPTED,
          key.getQualifiedKeyId(),
          "the decrypted data is not a serialized Temporal payload.",
          null);
    } catch (IOException e) {
      throw new PayloadCodecException("Reading a decrypted payload failed", e);
    }
  }

  private Payload plaintext(Payload payload, @Nullable ByteString encoding) {
    String encodingText = encoding == null ? null : WireHeader.printable(encoding);
    if (payload.containsMetadata(WireFormat.FORMAT_KEY)) {
      throw new PayloadDecryptionException(
          Reason.MALFORMED,
          encodingText,
          null,
          "the payload carries a '"
              + WireFormat.FORMAT_KEY
              + "' entry but its encoding is not '"
              + WireFormat.ENCODING_ENCRYPTED
              + "': an encrypted payload whose metadata was altered.",
          null);
    }
    if (plaintextPolicy.isAcceptingPlaintext()) {
      return payload;
    }
    throw new PayloadDecryptionException(
        Reason.PLAINTEXT_REJECTED,
        encodingText,
        null,
        "the payload is not encrypted and this codec rejects plaintext (PlaintextPolicy.REJECT).",
        null);
  }

  /**
   * The bytes of {@code data} without copying when it is backed by exactly one whole array (the
   * usual case for payloads parsed from the wire or built by this codec); a copy otherwise. The
   * array is only read.
   */
  static byte[] bytesOf(ByteString data) {
    if (data.isEmpty()) {
      return new byte[0];
    }
    WholeArray probe = new WholeArray(data.size());
    try {
      UnsafeByteOperations.unsafeWriteTo(data, probe);
    } catch (IOException e) {
      return data.toByteArray();
    }
    return probe.array != null ? probe.array : data.toByteArray();
  }

  /** Captures the backing array when a ByteString hands over one whole array in one call. */
  private static final class WholeArray extends ByteOutput {
    private final int expected;
    private byte[] array;
    private boolean fragmented;

    WholeArray(int expected) {
      this.expected = expected;
    }

    private void take(byte[] value, int offset, int length) {
      if (!fragmented
          && array == null
          && offset == 0
          && length == expected
          && value.length == expected) {
        array = value;
      } else {
        array = null;
        fragmented = true;
      }
    }

    @Override
    public void write(byte value) {
      array = null;
      fragmented = true;
    }

    @Override
    public void write(byte[] value, int offset, int length) {
      take(value, offset, length);
    }

    @Override
    public void writeLazy(byte[] value, int offset, int length) {
      take(value, offset, length);
    }

    @Override
    public void write(ByteBuffer value) {
      array = null;
      fragmented = true;
    }

    @Override
    public void writeLazy(ByteBuffer value) {
      array = null;
      fragmented = true;
    }
  }
}
