package dev.nexussecurity.codec.tink.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import com.google.crypto.tink.KeyStatus;
import com.google.crypto.tink.KeysetHandle;
import com.google.protobuf.ByteString;
import dev.nexussecurity.codec.tink.PayloadDecryptionException;
import dev.nexussecurity.codec.tink.PayloadDecryptionException.Reason;
import dev.nexussecurity.codec.tink.TestKeysets;
import io.temporal.api.common.v1.Payload;
import org.junit.jupiter.api.Test;

class TinkAeadKeySelectorTest {
  private final KeysetHandle handle =
      TestKeysets.withStatus(
          TestKeysets.withNewKey(TestKeysets.aes256Gcm()), 1, KeyStatus.DISABLED);
  private final TinkAeadKeySelector selector = new TinkAeadKeySelector(handle, "ks");

  private static String id(KeysetHandle h, int i) {
    return Integer.toUnsignedString(h.getAt(i).getId());
  }

  private WireHeader header(String scheme, String keyset, String keyId) {
    return WireHeader.parse(
        Payload.newBuilder()
            .putMetadata("encoding", ByteString.copyFromUtf8("binary/encrypted"))
            .putMetadata("nexus-security-format", ByteString.copyFromUtf8("1"))
            .putMetadata("nexus-security-scheme", ByteString.copyFromUtf8(scheme))
            .putMetadata("nexus-security-keyset", ByteString.copyFromUtf8(keyset))
            .putMetadata("nexus-security-key-id", ByteString.copyFromUtf8(keyId))
            .putMetadata("nexus-security-compression", ByteString.copyFromUtf8("none"))
            .build());
  }

  @Test
  void selectForEncryption_isThePrimaryKey() {
    EnvelopeKey key = selector.selectForEncryption(null);
    assertThat(key.getKeyId()).isEqualTo(handle.getAt(0).getId());
    assertThat(key.getScheme()).isEqualTo("tink-aead");
    assertThat(key.getQualifiedKeyId()).isEqualTo("ks/" + id(handle, 0));
    assertThat(selector.getEncryptionKeyId()).isEqualTo("ks/" + id(handle, 0));
    assertThat(selector.getDecryptionKeyIds()).containsExactly("ks/" + id(handle, 0));
  }

  @Test
  void resolveForDecryption_enabledKey_isFound() {
    assertThat(selector.resolveForDecryption(header("tink-aead", "ks", id(handle, 0))).getKeyId())
        .isEqualTo(handle.getAt(0).getId());
  }

  @Test
  void resolveForDecryption_eachMismatch_hasItsReason() {
    assertThat(reason(header("tink-hpke", "ks", id(handle, 0))))
        .isEqualTo(Reason.UNSUPPORTED_SCHEME);
    assertThat(reason(header("tink-aead", "other", id(handle, 0)))).isEqualTo(Reason.UNKNOWN_KEY);
    assertThat(reason(header("tink-aead", "ks", id(handle, 1)))).isEqualTo(Reason.DISABLED_KEY);
    assertThat(reason(header("tink-aead", "ks", "1"))).isEqualTo(Reason.UNKNOWN_KEY);
    assertThat(reason(header("tink-aead", "ks", "+" + id(handle, 0))))
        .isEqualTo(Reason.UNKNOWN_KEY);
  }

  @Test
  void destroyedKey_isReportedAsNotEnabled() {
    KeysetHandle destroyed = TestKeysets.withStatus(handle, 1, KeyStatus.DESTROYED);
    TinkAeadKeySelector s = new TinkAeadKeySelector(destroyed, "ks");
    PayloadDecryptionException e =
        catchThrowableOfType(
            PayloadDecryptionException.class,
            () -> s.resolveForDecryption(header("tink-aead", "ks", id(destroyed, 1))));
    assertThat(e.getReason()).isEqualTo(Reason.DISABLED_KEY);
  }

  private Reason reason(WireHeader h) {
    PayloadDecryptionException e =
        catchThrowableOfType(
            PayloadDecryptionException.class, () -> selector.resolveForDecryption(h));
    assertThat(e).isNotNull();
    return e.getReason();
  }
}
