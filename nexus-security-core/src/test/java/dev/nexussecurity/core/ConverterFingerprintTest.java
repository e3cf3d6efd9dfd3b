package dev.nexussecurity.core;

import static org.assertj.core.api.Assertions.assertThat;

import dev.nexussecurity.api.CodecDescriptor;
import dev.nexussecurity.api.PayloadProtection;
import io.temporal.common.converter.CodecDataConverter;
import io.temporal.common.converter.DataConverter;
import io.temporal.common.converter.DefaultDataConverter;
import io.temporal.common.converter.PayloadConverter;
import java.util.Arrays;
import java.util.List;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

class ConverterFingerprintTest {

  static List<String> standardEncodings() {
    return Arrays.stream(DefaultDataConverter.STANDARD_PAYLOAD_CONVERTERS)
        .map(PayloadConverter::getEncodingType)
        .collect(Collectors.toList());
  }

  @Test
  void defaultConverter_hasTheStandardEncodingsInOrder_andNoCodecs() {
    ConverterFingerprint fp = ConverterFingerprint.of(DefaultDataConverter.newDefaultInstance());
    assertThat(fp.getEncodings()).contains(standardEncodings());
    assertThat(fp.getEncodings().orElseThrow()).contains("json/plain", "binary/plain");
    assertThat(fp.getCodecs()).contains(List.of());
  }

  @Test
  void codecConverter_listsDescribedCodecsAndClassNamesOutermostFirst() {
    DataConverter inner =
        new CodecDataConverter(
            DefaultDataConverter.newDefaultInstance(), List.of(new TestCodecs.PlainWrapCodec()));
    DataConverter outer = new CodecDataConverter(inner, List.of(TestCodecs.keyed("k2", "k1")));
    ConverterFingerprint fp = ConverterFingerprint.of(outer);
    assertThat(fp.getCodecs().orElseThrow())
        .extracting(CodecDescriptor::getCodecId)
        .containsExactly("test/keyed", TestCodecs.PlainWrapCodec.class.getName());
    CodecDescriptor keyed = fp.getCodecs().orElseThrow().get(0);
    assertThat(keyed.getEncryptionKeyId()).contains("k2");
    assertThat(keyed.getDecryptionKeyIds()).containsExactly("k1", "k2");
    assertThat(keyed.isAcceptingUnencodedPayloads()).isFalse();
    assertThat(fp.getEncodings()).contains(standardEncodings());
  }

  @Test
  void unreadableConverter_isUnknown_notEmpty() {
    DataConverter custom =
        new CodecDataConverter(DefaultDataConverter.newDefaultInstance(), List.of()) {};
    ConverterFingerprint fp = ConverterFingerprint.of(new ForwardingConverter(custom));
    assertThat(fp.getEncodings()).isEmpty();
  }

  @Test
  void headerValue_roundTrips() {
    ConverterFingerprint fp =
        ConverterFingerprint.of(
            new CodecDataConverter(
                DefaultDataConverter.newDefaultInstance(), List.of(TestCodecs.keyed("k2", "k1"))));
    assertThat(ConverterFingerprint.fromHeaderValue(fp.toHeaderValue())).isEqualTo(fp);
    assertThat(fp.toHeaderValue()).doesNotContain("\n").hasSizeLessThan(400);
  }

  @Test
  void unreadableHeader_isUnknown_soItNeverDenies() {
    assertThat(ConverterFingerprint.fromHeaderValue("{not json"))
        .isEqualTo(ConverterFingerprint.unknown());
    assertThat(ConverterFingerprint.fromHeaderValue("{\"v\":2,\"codecs\":[]}"))
        .isEqualTo(ConverterFingerprint.unknown());
    assertThat(ConverterFingerprint.fromHeaderValue(null))
        .isEqualTo(ConverterFingerprint.unknown());
    assertThat(ConverterFingerprint.fromHeaderValue("x".repeat(5000)))
        .isEqualTo(ConverterFingerprint.unknown());
  }

  /** A converter of a class the introspection does not know. */
  static final class ForwardingConverter implements DataConverter {
    private final DataConverter d;

    ForwardingConverter(DataConverter d) {
      this.d = d;
    }

    @Override
    public <T> java.util.Optional<io.temporal.api.common.v1.Payload> toPayload(T value) {
      return d.toPayload(value);
    }

    @Override
    public <T> T fromPayload(
        io.temporal.api.common.v1.Payload payload, Class<T> valueClass, java.lang.reflect.Type t) {
      return d.fromPayload(payload, valueClass, t);
    }

    @Override
    public java.util.Optional<io.temporal.api.common.v1.Payloads> toPayloads(Object... values) {
      return d.toPayloads(values);
    }

    @Override
    public <T> T fromPayloads(
        int index,
        java.util.Optional<io.temporal.api.common.v1.Payloads> content,
        Class<T> valueType,
        java.lang.reflect.Type valueGenericType) {
      return d.fromPayloads(index, content, valueType, valueGenericType);
    }
  }

  @Test
  void headerValue_carriesThePayloadProtections_andRoundTrips() {
    CodecDescriptor v2 =
        CodecDescriptor.newBuilder("tink-aead")
            .setEncryptionKeyId("pairwise/orders:1")
            .addDecryptionKeyId("pairwise/orders:1")
            .addPayloadProtection(PayloadProtection.pairwise())
            .addPayloadProtection(PayloadProtection.hpke())
            .addPayloadProtection(PayloadProtection.authenticated())
            .addPayloadProtection(PayloadProtection.shared("payments"))
            .build();
    ConverterFingerprint fp =
        ConverterFingerprint.newBuilder().setCodecs(java.util.List.of(v2)).build();

    String header = fp.toHeaderValue();
    ConverterFingerprint back = ConverterFingerprint.fromHeaderValue(header);

    assertThat(header)
        .contains("\"pp\":[\"authenticated\",\"hpke\",\"pairwise\",\"shared:payments\"]");
    assertThat(back).isEqualTo(fp);
    assertThat(back.getCodecs().orElseThrow().get(0).accepts(PayloadProtection.hpke())).isTrue();
  }

  @Test
  void headerValue_withAProtectionOfANewerVersion_dropsOnlyThatOne() {
    ConverterFingerprint fp =
        ConverterFingerprint.fromHeaderValue(
            "{\"v\":1,\"codecs\":[{\"id\":\"tink-aead\",\"pp\":[\"pairwise\",\"quantum\"]}]}");

    assertThat(fp.getCodecs().orElseThrow().get(0).getPayloadProtections())
        .containsExactly("pairwise");
  }
}
