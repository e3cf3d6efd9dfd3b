package dev.nexussecurity.codec.tink;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.nexussecurity.codec.tink.PayloadDecryptionException.Reason;
import io.temporal.common.converter.DataConverterException;
import org.junit.jupiter.api.Test;

class PayloadDecryptionExceptionTest {

  @Test
  void message_namesReasonEncodingKeyDetailAndHint() {
    var e =
        new PayloadDecryptionException(
            Reason.UNKNOWN_KEY,
            "binary/encrypted",
            "orders/42",
            "keyset 'orders' has no key with this id.",
            null);
    assertThat(e).isInstanceOf(DataConverterException.class);
    assertThat(e.getMessage())
        .isEqualTo(
            "Cannot decode payload [UNKNOWN_KEY, encoding='binary/encrypted', key='orders/42']: keyset"
                + " 'orders' has no key with this id. "
                + Reason.UNKNOWN_KEY.getHint());
    assertThat(e.getReason()).isEqualTo(Reason.UNKNOWN_KEY);
    assertThat(e.getEncoding()).contains("binary/encrypted");
    assertThat(e.getKeyId()).contains("orders/42");
  }

  @Test
  void missingEncodingAndKey_areShownAsNone() {
    var e =
        new PayloadDecryptionException(
            Reason.PLAINTEXT_REJECTED, null, null, "not encrypted.", null);
    assertThat(e.getMessage()).contains("encoding=<none>", "key=<none>");
    assertThat(e.getEncoding()).isEmpty();
    assertThat(e.getKeyId()).isEmpty();
  }

  @Test
  void everyReason_hasAHint() {
    for (Reason r : Reason.values()) {
      assertThat(r.getHint()).as(r.name()).isNotBlank();
    }
  }

  @Test
  void nullReasonOrDetail_isRefused() {
    assertThatThrownBy(() -> new PayloadDecryptionException(null, null, null, "x", null))
        .hasMessageContaining("reason");
    assertThatThrownBy(
            () -> new PayloadDecryptionException(Reason.MALFORMED, null, null, null, null))
        .hasMessageContaining("detail");
  }

  @Test
  void payloadTooLarge_namesSizeAndLimit() {
    var e = new PayloadTooLargeException(2_097_153, 2_097_152);
    assertThat(e).isInstanceOf(DataConverterException.class);
    assertThat(e.getMessage()).contains("2097153 bytes", "limit of 2097152 bytes");
    assertThat(e.getSize()).isEqualTo(2_097_153);
    assertThat(e.getLimit()).isEqualTo(2_097_152);
  }
}
