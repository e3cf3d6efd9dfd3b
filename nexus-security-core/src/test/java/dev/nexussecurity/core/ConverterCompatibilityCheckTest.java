package dev.nexussecurity.core;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatCode;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.core.type.TypeReference;
import com.google.protobuf.ByteString;
import dev.nexussecurity.core.CompatibilityReport.Cause;
import dev.nexussecurity.core.CompatibilityReport.Direction;
import dev.nexussecurity.core.CompatibilityReport.Entry;
import io.temporal.api.common.v1.Payload;
import io.temporal.common.converter.ByteArrayPayloadConverter;
import io.temporal.common.converter.CodecDataConverter;
import io.temporal.common.converter.DataConverter;
import io.temporal.common.converter.DefaultDataConverter;
import io.temporal.common.converter.JacksonJsonPayloadConverter;
import io.temporal.common.converter.NullPayloadConverter;
import io.temporal.common.converter.PayloadConverter;
import io.temporal.common.converter.ProtobufJsonPayloadConverter;
import io.temporal.common.converter.ProtobufPayloadConverter;
import java.lang.reflect.Type;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class ConverterCompatibilityCheckTest {

  static DataConverter plain() {
    return DefaultDataConverter.newDefaultInstance();
  }

  static DataConverter keyed(String encryptWith, String... decrypt) {
    return new CodecDataConverter(plain(), List.of(TestCodecs.keyed(encryptWith, decrypt)));
  }

  static CompatibilityReport run(DataConverter caller, DataConverter handler) {
    return ConverterCompatibilityCheck.newBuilder(caller, handler).build().run();
  }

  /** A user type without equals: compared through its JSON form. */
  public static final class Receipt {
    public String orderId;
    public long cents;

    public Receipt() {}

    Receipt(String orderId, long cents) {
      this.orderId = orderId;
      this.cents = cents;
    }
  }

  @Test
  void identicalDefaultConverters_areCompatible_forEveryProbe() {
    CompatibilityReport r = run(plain(), plain());
    assertThat(r.getFailures()).isEmpty();
    assertThat(r.isCompatible()).isTrue();
    assertThat(r.getEntries())
        .extracting(Entry::getProbe)
        .contains(
            "null",
            "int",
            "Integer",
            "char",
            "string (non-ASCII)",
            "byte[] (all 256 values)",
            "enum",
            "record",
            "POJO with nested generics",
            "Optional<String>",
            "protobuf message",
            "byte[] near the payload size limit",
            "application failure with details");
    assertThat(r.getEntries()).extracting(Entry::getDirection).contains(Direction.values());
    assertThatCode(r::assertCompatible).doesNotThrowAnyException();
  }

  @Test
  void sameKeyOnBothSides_isCompatible() {
    assertThat(run(keyed("k1"), keyed("k1")).getFailures()).isEmpty();
  }

  @Test
  void handlerHoldingASupersetOfKeys_isCompatible() {
    CompatibilityReport r = run(keyed("k2", "k1"), keyed("k2", "k1", "k0"));
    assertThat(r.isCompatible()).as(r.format()).isTrue();
  }

  @Test
  void differentButCompatiblePayloadConverterOrderings_areCompatible() {
    DataConverter reordered =
        new DefaultDataConverter(
            new NullPayloadConverter(),
            new ByteArrayPayloadConverter(),
            new ProtobufPayloadConverter(),
            new ProtobufJsonPayloadConverter(),
            new JacksonJsonPayloadConverter());
    CompatibilityReport r = run(reordered, plain());
    assertThat(r.isCompatible()).as(r.format()).isTrue();
  }

  @Test
  void callerKeyTheHandlerLacks_isKeyUnavailable_inBothDirections() {
    CompatibilityReport r = run(keyed("new"), keyed("old"));
    assertThat(r.isCompatible()).isFalse();
    assertThat(r.getFindings()).hasSize(2);
    assertThat(failures(r, Direction.INPUT))
        .allSatisfy(
            e -> {
              assertThat(e.getCause()).isEqualTo(Cause.KEY_UNAVAILABLE);
              assertThat(e.getExplanation())
                  .contains("key id 'new'")
                  .contains("handler cannot decrypt");
            });
    assertThat(failures(r, Direction.RESULT))
        .allSatisfy(e -> assertThat(e.getCause()).isEqualTo(Cause.KEY_UNAVAILABLE));
  }

  @Test
  void callerKeyTheHandlerLacks_reportShowsEachDistinctFailureOnce() {
    CompatibilityReport r = run(keyed("new"), keyed("old"));
    long inputFailures = failures(r, Direction.INPUT).size();

    assertThat(inputFailures).isGreaterThan(20);
    assertThat(r.getFailureGroups())
        .filteredOn(g -> g.getDirection() == Direction.INPUT)
        .singleElement()
        .satisfies(g -> assertThat(g.getProbeCount()).isEqualTo(inputFailures));
    // verdict, two findings, and one line per distinct failure, not one per probe
    assertThat(r.format().lines()).hasSize(3 + r.getFailureGroups().size());
    assertThat(r.format().lines().filter(l -> l.contains("key id 'new'"))).hasSizeLessThan(4);
  }

  @Test
  void codecMissingOnTheHandler_isCodecMissing() {
    CompatibilityReport r = run(keyed("k1"), plain());
    assertThat(failures(r, Direction.INPUT))
        .isNotEmpty()
        .allSatisfy(
            e -> {
              assertThat(e.getCause()).isEqualTo(Cause.CODEC_MISSING);
              assertThat(e.getExplanation()).contains("handler's DataConverter does not have");
            });
    assertThat(failures(r, Direction.RESULT))
        .isNotEmpty()
        .allSatisfy(e -> assertThat(e.getCause()).isEqualTo(Cause.CODEC_MISSING));
  }

  @Test
  void undescribedCodecMissingOnTheHandler_isFoundFromThePayloadEncoding() {
    DataConverter callerWithUnknownCodec =
        new CodecDataConverter(plain(), List.of(new EncodingTagCodec()));
    CompatibilityReport r = run(callerWithUnknownCodec, plain());
    Entry e = failures(r, Direction.INPUT).get(0);
    assertThat(e.getCause()).isEqualTo(Cause.CODEC_MISSING);
  }

  @Test
  void missingPayloadConverterOnTheHandler_namesTheEncoding() {
    DataConverter noBytes =
        new DefaultDataConverter(
            new NullPayloadConverter(),
            new ProtobufJsonPayloadConverter(),
            new ProtobufPayloadConverter(),
            new JacksonJsonPayloadConverter());
    DataConverter withBytes = plain();
    CompatibilityReport r = run(withBytes, noBytes);
    Entry bytes =
        r.getEntries().stream()
            .filter(
                e ->
                    e.getProbe().equals("byte[] (all 256 values)")
                        && e.getDirection() == Direction.INPUT)
            .findFirst()
            .orElseThrow();
    assertThat(bytes.getCause()).isEqualTo(Cause.MISSING_PAYLOAD_CONVERTER);
    assertThat(bytes.getExplanation()).contains("'binary/plain'").contains("handler");
  }

  @Test
  void lossyConverter_isValueChanged_andUserSampleValuesStayHidden() {
    // Registered last, it decodes json/plain; it encodes nothing, so the caller side still writes
    // JSON.
    DataConverter lossy =
        new DefaultDataConverter(new JacksonJsonPayloadConverter(), new AsciiOnlyStringConverter());
    CompatibilityReport hidden =
        ConverterCompatibilityCheck.newBuilder(plain(), lossy)
            .setBuiltInProbes(false)
            .addSample("greeting", "Grüße secret-value", String.class)
            .build()
            .run();
    Entry e = failures(hidden, Direction.INPUT).get(0);
    assertThat(e.getCause()).isEqualTo(Cause.VALUE_CHANGED);
    assertThat(e.isUserSample()).isTrue();
    assertThat(hidden.format()).doesNotContain("secret-value").contains("values hidden");

    CompatibilityReport shown =
        ConverterCompatibilityCheck.newBuilder(plain(), lossy)
            .setBuiltInProbes(false)
            .setShowSampleValues(true)
            .addSample("greeting", "Grüße secret-value", String.class)
            .build()
            .run();
    assertThat(failures(shown, Direction.INPUT).get(0).getExplanation()).contains("secret-value");
  }

  @Test
  void valueOverTheSizeLimit_isSizeOverLimit_withBothSizes() {
    CompatibilityReport r =
        ConverterCompatibilityCheck.newBuilder(plain(), plain())
            .setBuiltInProbes(false)
            .setPayloadSizeLimit(64 * 1024)
            .addSample("big", "x".repeat(100_000), String.class)
            .build()
            .run();
    Entry e = failures(r, Direction.INPUT).get(0);
    assertThat(e.getCause()).isEqualTo(Cause.SIZE_OVER_LIMIT);
    assertThat(e.getExplanation()).contains("65536").containsPattern("1000\\d\\d bytes");
  }

  @Test
  void genericUserSamples_typedWithATypeReference_roundTrip() {
    Type receipts = new TypeReference<List<Receipt>>() {}.getType();
    CompatibilityReport r =
        ConverterCompatibilityCheck.newBuilder(keyed("k1"), keyed("k1"))
            .setBuiltInProbes(false)
            .addSample("receipts", List.of(new Receipt("o-1", 4200)), receipts)
            .addSample(
                "maybe receipt",
                Optional.of(new Receipt("o-2", 1)),
                new TypeReference<Optional<Receipt>>() {}.getType())
            .build()
            .run();
    assertThat(r.isCompatible()).as(r.format()).isTrue();
  }

  @Test
  void genericSampleDecodedWithoutItsElementType_isValueChanged() {
    // Declared as a raw List: the handler decodes plain maps, not Receipts, though the JSON is the
    // same.
    CompatibilityReport r =
        ConverterCompatibilityCheck.newBuilder(plain(), plain())
            .setBuiltInProbes(false)
            .addSample("receipts, type lost", List.of(new Receipt("o-1", 4200)), List.class)
            .build()
            .run();
    assertThat(failures(r, Direction.INPUT))
        .singleElement()
        .satisfies(e -> assertThat(e.getCause()).isEqualTo(Cause.VALUE_CHANGED));
  }

  @Test
  void assertCompatible_failsWithTheReport() {
    CompatibilityReport r = run(keyed("new"), keyed("old"));
    assertThatThrownBy(r::assertCompatible)
        .isInstanceOf(AssertionError.class)
        .hasMessageContaining("NOT compatible")
        .hasMessageContaining("KEY_UNAVAILABLE")
        .hasMessageContaining("key id 'new'");
  }

  static List<Entry> failures(CompatibilityReport r, Direction d) {
    return r.getFailures().stream()
        .filter(e -> e.getDirection() == d)
        .collect(java.util.stream.Collectors.toList());
  }

  /** A codec that does not describe itself: wraps payloads under its own encoding. */
  @Test
  void pairwiseCallerAgainstASharedOnlyHandler_isProtectionNotAccepted_withANamedCause() {
    CompatibilityReport r =
        run(
            codec(TestCodecs.protectedBy("pairwise/orders:1", "pairwise", "hpke", "authenticated")),
            codec(TestCodecs.protectedBy("k1", "shared:payments")));

    assertThat(r.isCompatible()).isFalse();
    assertThat(r.getFindings())
        .anySatisfy(
            f ->
                assertThat(f)
                    .startsWith("PAYLOAD_PROTECTION_NOT_ACCEPTED")
                    .contains("caller protects the operation input with pairwise")
                    .contains("[shared:payments]"));
    assertThat(failures(r, Direction.INPUT))
        .isNotEmpty()
        .allSatisfy(e -> assertThat(e.getCause()).isEqualTo(Cause.PROTECTION_NOT_ACCEPTED));
    assertThat(r.format()).contains("PAYLOAD_PROTECTION_NOT_ACCEPTED");
  }

  @Test
  void pairwiseOnBothSides_isCompatible() {
    CompatibilityReport r =
        run(
            codec(TestCodecs.protectedBy("pairwise/orders:1", "pairwise")),
            codec(TestCodecs.protectedBy("pairwise/payments:2", "pairwise")));

    assertThat(r.isCompatible()).as(r.format()).isTrue();
  }

  @Test
  void configuredEndpointProtection_theHandlerDoesNotDecode_isAFinding() {
    DataConverter caller = codec(TestCodecs.protectedBy("pairwise/orders:1", "pairwise", "hpke"));
    DataConverter handler = codec(TestCodecs.protectedBy("pairwise/payments:2", "pairwise"));

    CompatibilityReport ok =
        ConverterCompatibilityCheck.newBuilder(caller, handler)
            .setBuiltInProbes(false)
            .setPayloadProtection(dev.nexussecurity.api.PayloadProtection.pairwise())
            .build()
            .run();
    CompatibilityReport hpke =
        ConverterCompatibilityCheck.newBuilder(caller, handler)
            .setBuiltInProbes(false)
            .setPayloadProtection(dev.nexussecurity.api.PayloadProtection.hpke())
            .build()
            .run();

    assertThat(ok.isCompatible()).as(ok.format()).isTrue();
    assertThat(hpke.isCompatible()).isFalse();
    assertThat(hpke.getFindings())
        .singleElement()
        .asString()
        .startsWith("PAYLOAD_PROTECTION_NOT_ACCEPTED")
        .contains("with hpke")
        .contains("handler's codec 'test/keyed' does not decode: it accepts [pairwise]");
  }

  private static DataConverter codec(io.temporal.payload.codec.PayloadCodec c) {
    return new CodecDataConverter(DefaultDataConverter.newDefaultInstance(), List.of(c));
  }

  static final class EncodingTagCodec implements io.temporal.payload.codec.PayloadCodec {
    @Override
    public List<Payload> encode(List<Payload> payloads) {
      return payloads.stream()
          .map(
              p ->
                  Payload.newBuilder()
                      .putMetadata("encoding", ByteString.copyFromUtf8("binary/tagged"))
                      .setData(p.toByteString())
                      .build())
          .collect(java.util.stream.Collectors.toList());
    }

    @Override
    public List<Payload> decode(List<Payload> payloads) {
      throw new UnsupportedOperationException();
    }
  }

  /** A payload converter that loses non-ASCII characters of strings when decoding. */
  static final class AsciiOnlyStringConverter implements PayloadConverter {
    @Override
    public String getEncodingType() {
      return "json/plain";
    }

    @Override
    public Optional<Payload> toData(Object value) {
      return Optional.empty();
    }

    @Override
    public <T> T fromData(Payload content, Class<T> valueType, Type valueGenericType) {
      String json = content.getData().toString(StandardCharsets.UTF_8);
      String s = json.substring(1, json.length() - 1).replaceAll("[^\\x20-\\x7e]", "");
      return Objects.requireNonNull(valueType.cast(s));
    }
  }
}
