package dev.nexussecurity.core;

import static org.assertj.core.api.Assertions.assertThat;

import dev.nexussecurity.api.CodecDescriptor;
import java.nio.charset.StandardCharsets;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.Tuple;

/**
 * Properties of the converter fingerprint header ({@link ConverterFingerprint}): any header value a
 * caller sends parses without an exception (an unreadable one is {@link
 * ConverterFingerprint#unknown()}), and every fingerprint that fits the header round-trips.
 */
class ConverterFingerprintPropertiesTest {

  @Property(tries = 300)
  void fromHeaderValue_ofArbitraryText_neverThrows(@ForAll("headerValues") String value) {
    ConverterFingerprint parsed = ConverterFingerprint.fromHeaderValue(value);
    assertThat(parsed).isNotNull();
    if (value == null || value.length() > ConverterFingerprint.MAX_HEADER_CHARS) {
      assertThat(parsed).isEqualTo(ConverterFingerprint.unknown());
    }
    // whatever was read is written back and read again as the same fingerprint
    String again = parsed.toHeaderValue();
    if (again.length() <= ConverterFingerprint.MAX_HEADER_CHARS) {
      assertThat(ConverterFingerprint.fromHeaderValue(again)).isEqualTo(parsed);
    }
  }

  @Property(tries = 300)
  void toHeaderValue_thenFromHeaderValue_isTheSameFingerprint(
      @ForAll("fingerprints") ConverterFingerprint fingerprint) {
    String header = fingerprint.toHeaderValue();
    ConverterFingerprint parsed = ConverterFingerprint.fromHeaderValue(header);
    if (header.length() <= ConverterFingerprint.MAX_HEADER_CHARS) {
      assertThat(parsed).isEqualTo(fingerprint);
      assertThat(parsed.getEncodings()).isEqualTo(fingerprint.getEncodings());
      assertThat(parsed.getCodecs()).isEqualTo(fingerprint.getCodecs());
    } else {
      assertThat(parsed).isEqualTo(ConverterFingerprint.unknown());
    }
  }

  @Provide
  Arbitrary<ConverterFingerprint> fingerprints() {
    Arbitrary<String> ids = EndpointArbitraries.text(12).filter(s -> !s.isBlank());
    Arbitrary<CodecDescriptor> codec =
        Combinators.combine(
                ids, ids.optional(), ids.list().ofMaxSize(3), Arbitraries.of(true, false))
            .as(
                (id, ek, dks, accepts) -> {
                  CodecDescriptor.Builder b = CodecDescriptor.newBuilder(id);
                  ek.ifPresent(b::setEncryptionKeyId);
                  dks.forEach(b::addDecryptionKeyId);
                  return b.setAcceptingUnencodedPayloads(accepts).build();
                });
    return Combinators.combine(
            EndpointArbitraries.text(12).list().ofMaxSize(4).optional(),
            codec.list().ofMaxSize(3).optional())
        .as(
            (enc, codecs) -> {
              ConverterFingerprint.Builder b = ConverterFingerprint.newBuilder();
              enc.ifPresent(b::setEncodings);
              codecs.ifPresent(b::setCodecs);
              return b.build();
            });
  }

  @Provide
  Arbitrary<String> headerValues() {
    Arbitrary<String> valid = fingerprints().map(ConverterFingerprint::toHeaderValue);
    return Arbitraries.frequencyOf(
        Tuple.of(
            5,
            dev.nexussecurity.core.Mutations.of(valid.map(s -> s.getBytes(StandardCharsets.UTF_8)))
                .map(b -> new String(b, StandardCharsets.UTF_8))),
        Tuple.of(1, valid),
        Tuple.of(
            2,
            Arbitraries.of(
                "{\"v\":1,\"enc\":5}",
                "{\"v\":1,\"codecs\":[5,null,{}]}",
                "{\"v\":1,\"codecs\":[{\"id\":\" \"}]}",
                "{\"v\":1,\"codecs\":{\"id\":\"x\"}}",
                "{\"v\":1,\"codecs\":[{\"id\":\"x\",\"dk\":\"abc\",\"ek\":[1]}]}",
                "{\"v\":\"1\"}",
                "{\"v\":2}",
                "[]",
                "null",
                "1e99999999",
                "{\"v\":1}{",
                "[".repeat(2000),
                "{\"v\":1,\"enc\":[" + "[".repeat(1500) + "]}",
                "x".repeat(ConverterFingerprint.MAX_HEADER_CHARS + 1))),
        Tuple.of(1, Arbitraries.strings().all().ofMaxLength(40)),
        Tuple.of(1, Arbitraries.just(null)));
  }
}
