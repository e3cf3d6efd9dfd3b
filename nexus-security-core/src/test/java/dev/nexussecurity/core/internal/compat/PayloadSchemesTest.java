package dev.nexussecurity.core.internal.compat;

import static org.assertj.core.api.Assertions.assertThat;

import com.google.protobuf.ByteString;
import dev.nexussecurity.api.PayloadProtection;
import io.temporal.api.common.v1.Payload;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class PayloadSchemesTest {
  static Payload payload(String scheme, String keyset) {
    Payload.Builder b = Payload.newBuilder();
    if (scheme != null) {
      b.putMetadata(PayloadSchemes.SCHEME_KEY, ByteString.copyFromUtf8(scheme));
    }
    if (keyset != null) {
      b.putMetadata(PayloadSchemes.KEYSET_KEY, ByteString.copyFromUtf8(keyset));
    }
    return b.build();
  }

  @ParameterizedTest(name = "{0} / {1} -> {2}")
  @CsvSource(
      nullValues = "-",
      value = {
        "pairwise-aes256gcm, pairwise, pairwise",
        "hpke-x25519-aes256gcm, hpke, hpke",
        "pairwise-gmac, pairwise, authenticated",
        "tink-aead, payments, shared:payments",
        "tink-aead, -, -",
        "tink-aead, bad name, -",
        "rot13, -, -",
        "-, -, -",
      })
  void protectionOf_readsTheDocumentedMetadata(String scheme, String keyset, String expected) {
    assertThat(PayloadSchemes.protectionOf(payload(scheme, keyset)))
        .isEqualTo(
            expected == null
                ? java.util.Optional.empty()
                : java.util.Optional.of(PayloadProtection.parse(expected)));
  }
}
