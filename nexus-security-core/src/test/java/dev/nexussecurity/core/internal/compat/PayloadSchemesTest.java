package dev.nexussecurity.core.internal.compat;

import static org.assertj.core.api.Assertions.assertThat;

import com.google.protobuf.ByteString;
import dev.nexussecurity.api.PayloadProtection;
import io.temporal.api.common.v1.Payload;
import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class PayloadSchemesTest {
  /** A context entry written from the codec-tink README (14 length-prefixed UTF-8 fields). */
  static ByteString context(String... fields) {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    for (String f : fields) {
      byte[] b = f.getBytes(StandardCharsets.UTF_8);
      out.writeBytes(ByteBuffer.allocate(4).putInt(b.length).array());
      out.writeBytes(b);
    }
    return ByteString.copyFrom(out.toByteArray());
  }

  static ByteString context(String scheme, String keyset) {
    return context(
        "binary/encrypted",
        "2",
        scheme,
        keyset,
        "2129129762",
        "none",
        "INPUT",
        "0/1",
        "payments",
        "PaymentsService",
        "charge",
        "orders",
        "payments",
        "kat-token-1");
  }

  static Payload v2(ByteString context) {
    return Payload.newBuilder()
        .putMetadata("encoding", ByteString.copyFromUtf8("binary/encrypted"))
        .putMetadata("nexus-security-format", ByteString.copyFromUtf8("2"))
        .putMetadata(PayloadSchemes.CONTEXT_KEY, context)
        .build();
  }

  static Payload v1(String scheme, String keyset) {
    Payload.Builder b = Payload.newBuilder();
    if (scheme != null) {
      b.putMetadata(PayloadSchemes.SCHEME_KEY_V1, ByteString.copyFromUtf8(scheme));
    }
    if (keyset != null) {
      b.putMetadata(PayloadSchemes.KEYSET_KEY_V1, ByteString.copyFromUtf8(keyset));
    }
    return b.build();
  }

  static Optional<PayloadProtection> expected(String expected) {
    return expected == null ? Optional.empty() : Optional.of(PayloadProtection.parse(expected));
  }

  @ParameterizedTest(name = "{0} / {1} -> {2}")
  @CsvSource(
      nullValues = "-",
      value = {
        "pairwise-aes256gcm, pairwise, pairwise",
        "hpke-x25519-aes256gcm, hpke, hpke",
        "pairwise-gmac, pairwise, authenticated",
        "tink-aead, payments, shared:payments",
        "tink-aead, '', -",
        "tink-aead, bad name, -",
        "rot13, x, -",
      })
  void protectionOf_format2_readsSchemeAndKeysetFieldsOfTheContextEntry(
      String scheme, String keyset, String expected) {
    assertThat(PayloadSchemes.protectionOf(v2(context(scheme, keyset))))
        .isEqualTo(expected(expected));
  }

  @ParameterizedTest(name = "{0} / {1} -> {2}")
  @CsvSource(
      nullValues = "-",
      value = {
        "tink-aead, payments, shared:payments",
        "tink-aead, -, -",
        "tink-aead, bad name, -",
        "rot13, -, -",
        "-, -, -",
      })
  void protectionOf_format1_readsTheSchemeAndKeysetEntries(
      String scheme, String keyset, String expected) {
    assertThat(PayloadSchemes.protectionOf(v1(scheme, keyset))).isEqualTo(expected(expected));
  }

  @Test
  void protectionOf_readmeExample_isSharedKat() {
    assertThat(PayloadSchemes.protectionOf(v2(context("tink-aead", "kat"))))
        .contains(PayloadProtection.shared("kat"));
  }

  @Test
  void contextFields_withThirteenOrFifteenFields_isNull() {
    ByteString fourteen = context("tink-aead", "kat");
    ByteString oneField = context("x");
    assertThat(PayloadSchemes.contextFields(fourteen)).hasSize(14);
    assertThat(PayloadSchemes.contextFields(fourteen.concat(oneField))).isNull();
    assertThat(
            PayloadSchemes.contextFields(
                fourteen.substring(0, fourteen.size() - oneField.size() + 1)))
        .isNull();
  }

  @Test
  void contextFields_withLengthPastTheEnd_isNull() {
    ByteString c = context("tink-aead", "kat");
    byte[] b = c.toByteArray();
    b[0] = 0x7f; // first field claims ~2 GiB
    assertThat(PayloadSchemes.contextFields(ByteString.copyFrom(b))).isNull();
    assertThat(PayloadSchemes.contextFields(ByteString.copyFrom(new byte[] {0, 0, 0}))).isNull();
  }

  @Test
  void protectionOf_malformedContext_isEmptyEvenWithFormat1Entries() {
    Payload p =
        v2(ByteString.copyFromUtf8("garbage")).toBuilder()
            .putMetadata(PayloadSchemes.SCHEME_KEY_V1, ByteString.copyFromUtf8("tink-aead"))
            .putMetadata(PayloadSchemes.KEYSET_KEY_V1, ByteString.copyFromUtf8("payments"))
            .build();
    assertThat(PayloadSchemes.protectionOf(p)).isEmpty();
  }

  @org.junit.jupiter.params.ParameterizedTest
  @org.junit.jupiter.params.provider.CsvSource({
    "UNKNOWN_KEY, ENCRYPTION_KEY_UNAVAILABLE",
    "DISABLED_KEY, ENCRYPTION_KEY_UNAVAILABLE",
    "PLAINTEXT_REJECTED, PAYLOAD_ENCODING_UNSUPPORTED",
    "UNSUPPORTED_SCHEME, PAYLOAD_ENCODING_UNSUPPORTED",
    "LEGACY_FORMAT_REFUSED, PAYLOAD_ENCODING_UNSUPPORTED",
    "PROTECTION_MISMATCH, PAYLOAD_PROTECTION_NOT_ACCEPTED",
    "CONTEXT_MISMATCH, INPUT_NOT_BOUND",
    "AUTHENTICATION_FAILED, INPUT_NOT_BOUND",
    "REVOKED_KEY, INPUT_NOT_BOUND",
    "SOMETHING_NEW, INPUT_NOT_BOUND"
  })
  void reasonForRefusedInput_namesWhatToFix_andDefaultsToNotBound(
      String codecReason, dev.nexussecurity.api.ReasonCode expected) {
    org.assertj.core.api.Assertions.assertThat(PayloadSchemes.reasonForRefusedInput(codecReason))
        .isEqualTo(expected);
  }
}
