package dev.nexussecurity.codec.tink.internal;

import static org.assertj.core.api.Assertions.assertThat;

import com.google.protobuf.ByteString;
import com.google.protobuf.UnsafeByteOperations;
import io.temporal.api.common.v1.Payload;
import org.junit.jupiter.api.Test;

class EnvelopeKeyTest {
  private static final PayloadCipher NO_CIPHER =
      new PayloadCipher() {
        @Override
        public byte[] encrypt(byte[] plaintext, byte[] associatedData) {
          throw new UnsupportedOperationException();
        }

        @Override
        public byte[] decrypt(byte[] ciphertext, byte[] associatedData) {
          throw new UnsupportedOperationException();
        }
      };

  @Test
  void encodedSize_equalsTheSerializedSizeOfTheBuiltPayload() {
    EnvelopeKey key = new EnvelopeKey("tink-aead", "orders", -7, NO_CIPHER);
    for (boolean zlib : new boolean[] {false, true}) {
      for (int n : new int[] {0, 1, 127, 128, 16_383, 16_384, 2_097_151, 2_097_152}) {
        Payload p =
            Payload.newBuilder()
                .putAllMetadata(key.metadata(zlib))
                .setData(UnsafeByteOperations.unsafeWrap(new byte[n]))
                .build();
        assertThat(key.encodedSize(zlib, n))
            .as("zlib=%s n=%d", zlib, n)
            .isEqualTo(p.getSerializedSize());
      }
    }
  }

  @Test
  void ciphertextOverhead_isMeasuredFromTheCipher_orZeroWhenUnknown() {
    EnvelopeKey tink =
        new TinkAeadKeySelector(dev.nexussecurity.codec.tink.TestKeysets.aes256Gcm(), "k")
            .selectForEncryption(null);
    assertThat(tink.ciphertextOverhead()).isEqualTo(5 + 12 + 16);
    assertThat(new EnvelopeKey("tink-aead", "k", 1, NO_CIPHER).ciphertextOverhead()).isZero();
  }

  @Test
  void metadataAndAssociatedData_followTheFormat() {
    EnvelopeKey key = new EnvelopeKey("tink-aead", "orders", -1, NO_CIPHER);
    assertThat(key.metadata(true))
        .containsEntry("nexus-security-key-id", ByteString.copyFromUtf8("4294967295"))
        .containsEntry("nexus-security-compression", ByteString.copyFromUtf8("zlib"))
        .hasSize(6);
    assertThat(key.associatedData(false)).isNotEqualTo(key.associatedData(true));
    assertThat(key.getQualifiedKeyId()).isEqualTo("orders/4294967295");
    assertThat(key.toString()).isEqualTo("EnvelopeKey{tink-aead, orders/4294967295}");
  }
}
