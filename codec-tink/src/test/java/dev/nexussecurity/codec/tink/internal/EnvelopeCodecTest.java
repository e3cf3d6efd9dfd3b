package dev.nexussecurity.codec.tink.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import com.google.protobuf.ByteString;
import com.google.protobuf.UnsafeByteOperations;
import dev.nexussecurity.codec.tink.PayloadDecryptionException;
import dev.nexussecurity.codec.tink.PayloadDecryptionException.Reason;
import dev.nexussecurity.codec.tink.PlaintextPolicy;
import dev.nexussecurity.codec.tink.TestKeysets;
import io.temporal.api.common.v1.Payload;
import java.nio.ByteBuffer;
import java.security.GeneralSecurityException;
import java.util.List;
import java.util.zip.Deflater;
import org.junit.jupiter.api.Test;

class EnvelopeCodecTest {
  private final TinkAeadKeySelector keys =
      new TinkAeadKeySelector(TestKeysets.aes256Gcm(), "default");

  @Test
  void bytesOf_wholeArrayBackedData_isNotCopied() {
    byte[] array = {1, 2, 3};
    assertThat(EnvelopeCodec.bytesOf(UnsafeByteOperations.unsafeWrap(array))).isSameAs(array);
  }

  @Test
  void bytesOf_slicesRopesAndBuffers_areCopiedCorrectly() {
    byte[] array = {1, 2, 3, 4};
    assertThat(EnvelopeCodec.bytesOf(UnsafeByteOperations.unsafeWrap(array, 1, 2)))
        .containsExactly(2, 3);
    ByteString rope =
        ByteString.copyFrom(new byte[] {1}).concat(ByteString.copyFrom(new byte[] {2}));
    assertThat(EnvelopeCodec.bytesOf(rope)).containsExactly(1, 2);
    assertThat(EnvelopeCodec.bytesOf(UnsafeByteOperations.unsafeWrap(ByteBuffer.wrap(array))))
        .containsExactly(1, 2, 3, 4);
    assertThat(EnvelopeCodec.bytesOf(ByteString.EMPTY)).isEmpty();
  }

  /** A correctly encrypted payload whose plaintext is not what the format requires. */
  private Payload encryptedGarbage(byte[] plaintext, boolean zlib) throws GeneralSecurityException {
    EnvelopeKey key = keys.selectForEncryption(null);
    return Payload.newBuilder()
        .putAllMetadata(key.metadata(zlib))
        .setData(ByteString.copyFrom(key.encrypt(plaintext, zlib)))
        .build();
  }

  @Test
  void authenticPlaintextThatIsNotAPayload_isRejectedAsMalformed() throws Exception {
    EnvelopeCodec codec = new EnvelopeCodec(keys, PlaintextPolicy.REJECT);
    Payload p = encryptedGarbage(new byte[] {(byte) 0xff, (byte) 0xff, (byte) 0xff}, false);
    PayloadDecryptionException e =
        catchThrowableOfType(PayloadDecryptionException.class, () -> codec.decode(List.of(p)));
    assertThat(e.getReason()).isEqualTo(Reason.MALFORMED);
    assertThat(e.getMessage()).contains("not a serialized Temporal payload");
  }

  @Test
  void authenticCompressedDataThatDoesNotInflate_isRejectedAsMalformed() throws Exception {
    EnvelopeCodec codec = new EnvelopeCodec(keys, PlaintextPolicy.REJECT);
    Payload p = encryptedGarbage(new byte[] {1, 2, 3, 4, 5}, true);
    PayloadDecryptionException e =
        catchThrowableOfType(PayloadDecryptionException.class, () -> codec.decode(List.of(p)));
    assertThat(e.getReason()).isEqualTo(Reason.MALFORMED);
    assertThat(e.getMessage()).contains("not a valid compressed payload");
  }

  @Test
  void authenticDecompressionBomb_isRejectedAsMalformed() throws Exception {
    EnvelopeCodec codec = new EnvelopeCodec(keys, PlaintextPolicy.REJECT);
    Deflater d = new Deflater(9);
    d.setInput(new byte[WireFormat.MAX_DECOMPRESSED_SIZE + 1]);
    d.finish();
    byte[] buf = new byte[1 << 20];
    int n = d.deflate(buf);
    d.end();
    Payload p = encryptedGarbage(java.util.Arrays.copyOf(buf, n), true);
    PayloadDecryptionException e =
        catchThrowableOfType(PayloadDecryptionException.class, () -> codec.decode(List.of(p)));
    assertThat(e.getReason()).isEqualTo(Reason.MALFORMED);
    assertThat(e.getMessage()).contains("more than " + WireFormat.MAX_DECOMPRESSED_SIZE);
  }

  private static Payload plain(String text) {
    return Payload.newBuilder()
        .putMetadata("encoding", ByteString.copyFromUtf8("json/plain"))
        .setData(ByteString.copyFromUtf8(text))
        .build();
  }

  @Test
  void decode_ofNoPayloads_isNoPayloads() {
    EnvelopeCodec codec = new EnvelopeCodec(keys, PlaintextPolicy.REJECT);
    assertThat(codec.decode(List.of())).isEmpty();
  }

  @Test
  void decode_plaintextUnderReject_isRefusedAsPlaintextRejected_namingThePolicy() {
    EnvelopeCodec codec = new EnvelopeCodec(keys, PlaintextPolicy.REJECT);
    PayloadDecryptionException e =
        catchThrowableOfType(
            PayloadDecryptionException.class, () -> codec.decode(List.of(plain("\"x\""))));
    assertThat(e.getReason()).isEqualTo(Reason.PLAINTEXT_REJECTED);
    assertThat(e.getMessage()).contains("PlaintextPolicy.REJECT");
  }

  @Test
  void decode_plaintextUnderMigration_passesEveryPayloadThroughUnchanged_inOrder() {
    EnvelopeCodec codec = new EnvelopeCodec(keys, PlaintextPolicy.ACCEPT_FOR_MIGRATION);
    List<Payload> in = List.of(plain("\"a\""), plain("\"b\""));
    assertThat(codec.decode(in)).containsExactlyElementsOf(in);
  }

  @Test
  void decode_plaintextCarryingTheFormatEntry_isMalformed_evenWhenPlaintextIsAccepted() {
    EnvelopeCodec codec = new EnvelopeCodec(keys, PlaintextPolicy.ACCEPT_FOR_MIGRATION);
    Payload altered =
        plain("\"x\"").toBuilder()
            .putMetadata(WireFormat.FORMAT_KEY, ByteString.copyFromUtf8("1"))
            .build();
    PayloadDecryptionException e =
        catchThrowableOfType(
            PayloadDecryptionException.class, () -> codec.decode(List.of(altered)));
    assertThat(e.getReason()).isEqualTo(Reason.MALFORMED);
    assertThat(e.getMessage()).contains("an encrypted payload whose metadata was altered");
  }
}
