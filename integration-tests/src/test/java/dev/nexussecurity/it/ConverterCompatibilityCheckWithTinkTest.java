package dev.nexussecurity.it;

import static dev.nexussecurity.it.support.EncryptionKeys.K0;
import static dev.nexussecurity.it.support.EncryptionKeys.K1;
import static dev.nexussecurity.it.support.EncryptionKeys.K2;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.groups.Tuple.tuple;

import com.fasterxml.jackson.annotation.JsonIgnore;
import com.fasterxml.jackson.core.type.TypeReference;
import dev.nexussecurity.codec.tink.TinkPayloadCodec;
import dev.nexussecurity.core.CompatibilityReport;
import dev.nexussecurity.core.CompatibilityReport.Cause;
import dev.nexussecurity.core.CompatibilityReport.Direction;
import dev.nexussecurity.core.CompatibilityReport.Entry;
import dev.nexussecurity.core.ConverterCompatibilityCheck;
import dev.nexussecurity.it.support.EncryptionKeys;
import io.temporal.api.common.v1.Payload;
import io.temporal.common.converter.DataConverter;
import io.temporal.common.converter.DefaultDataConverter;
import java.lang.reflect.Type;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The static converter compatibility check with the real Tink payload codec on both sides, over
 * keys generated per run (K0 oldest, K1 current, K2 newest): compatible pairs pass every probe,
 * including the value near the 2 MiB payload limit after the codec's overhead; each kind of
 * mismatch is reported in the direction it breaks; compression on one side only still
 * interoperates; the user's own types, generic ones included, travel both ways, and their values
 * stay out of the report unless asked for. No server needed.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class ConverterCompatibilityCheckWithTinkTest {
  private static final String NEAR_LIMIT = "byte[] near the payload size limit";

  /** A user type: an invoice line. */
  public record LineItem(String sku, int quantity, long unitCents) {}

  /** A user type: an invoice with nested generic content. */
  public record Invoice(
      String id, String account, List<LineItem> items, Map<String, String> labels) {}

  /** A user type whose {@code note} does not survive JSON: decodes to a different value. */
  public static final class Annotated {
    public String id;
    @JsonIgnore public String note;

    public Annotated() {}

    Annotated(String id, String note) {
      this.id = id;
      this.note = note;
    }

    @Override
    public boolean equals(Object o) {
      return o instanceof Annotated a && Objects.equals(id, a.id) && Objects.equals(note, a.note);
    }

    @Override
    public int hashCode() {
      return Objects.hash(id, note);
    }

    @Override
    public String toString() {
      return "Annotated{id=" + id + ", note=" + note + "}";
    }
  }

  private EncryptionKeys keys;

  @BeforeAll
  void keys() {
    keys = EncryptionKeys.generate();
  }

  private static CompatibilityReport check(DataConverter caller, DataConverter handler) {
    return ConverterCompatibilityCheck.newBuilder(caller, handler).build().run();
  }

  @Test
  void sameKeyset_isCompatible_includingTheValueNearThePayloadLimit() {
    CompatibilityReport report = check(keys.converter(K1, K1), keys.converter(K1, K1));

    assertThat(report.isCompatible()).as(report.format()).isTrue();
    assertThat(report.getFindings()).isEmpty();
    assertThat(report.getEntries())
        .filteredOn(e -> e.getProbe().equals(NEAR_LIMIT))
        .extracting(Entry::getDirection, Entry::isOk)
        .containsExactlyInAnyOrder(tuple(Direction.INPUT, true), tuple(Direction.RESULT, true));
    assertThat(report.getEntries()).extracting(Entry::getDirection).contains(Direction.values());
  }

  @Test
  void codecOverhead_fitsTheProbesMargin_belowTheTwoMiBLimit() {
    // The probe is 8 KiB below the limit; the codec's envelope must fit into that margin.
    int limit = ConverterCompatibilityCheck.DEFAULT_PAYLOAD_SIZE_LIMIT;
    byte[] value = new byte[limit - 8 * 1024];
    DataConverter plain = DefaultDataConverter.newDefaultInstance();
    int plainSize = plain.toPayload(value).orElseThrow().getSerializedSize();

    Payload encrypted = keys.converter(K1, K1).toPayload(value).orElseThrow();

    int overhead = encrypted.getSerializedSize() - plainSize;
    System.out.printf(
        "Tink codec overhead on a %d-byte value: %d bytes (encoded %d of %d)%n",
        value.length, overhead, encrypted.getSerializedSize(), limit);
    assertThat(encrypted.getSerializedSize()).isLessThanOrEqualTo(limit);
    assertThat(overhead).isPositive().isLessThan(8 * 1024);
  }

  @Test
  void handlerHoldingCallersKeyPlusAnOlderOne_isCompatible() {
    CompatibilityReport report = check(keys.converter(K1, K1), keys.converter(K1, K0, K1));

    assertThat(report.isCompatible()).as(report.format()).isTrue();
  }

  @Test
  void callerEncryptingWithKeyHandlerLacks_failsEveryInputProbe_withKeyUnavailable() {
    CompatibilityReport report = check(keys.converter(K2, K1, K2), keys.converter(K1, K1));

    assertThat(report.isCompatible()).isFalse();
    assertThat(report.getFindings())
        .singleElement()
        .asString()
        .startsWith("ENCRYPTION_KEY_UNAVAILABLE")
        .contains("the caller encrypts the operation input with key id '" + keys.keyId(K2) + "'");
    assertThat(report.getFailures()).isNotEmpty();
    assertThat(report.getFailures())
        .allSatisfy(
            e -> {
              assertThat(e.getDirection()).isEqualTo(Direction.INPUT);
              assertThat(e.getCause()).isEqualTo(Cause.KEY_UNAVAILABLE);
              assertThat(e.getExplanation()).contains(keys.keyId(K2));
            });
    assertThat(report.getEntries())
        .filteredOn(e -> e.getDirection() == Direction.INPUT)
        .allMatch(e -> !e.isOk(), "every input probe fails");
    assertThatThrownBy(report::assertCompatible)
        .isInstanceOf(AssertionError.class)
        .hasMessageContaining("NOT compatible")
        .hasMessageContaining(keys.keyId(K2));
  }

  @Test
  void handlerEncryptingWithKeyCallerLacks_failsResultAndFailureProbes_withKeyUnavailable() {
    CompatibilityReport report = check(keys.converter(K1, K1), keys.converter(K2, K1, K2));

    assertThat(report.getFindings())
        .singleElement()
        .asString()
        .contains("the handler encrypts results and failures with key id '" + keys.keyId(K2) + "'");
    assertThat(report.getEntries())
        .filteredOn(e -> e.getDirection() == Direction.INPUT)
        .allMatch(Entry::isOk, "every input probe passes");
    assertThat(report.getEntries())
        .filteredOn(e -> e.getDirection() != Direction.INPUT)
        .isNotEmpty()
        .allSatisfy(e -> assertThat(e.getCause()).isEqualTo(Cause.KEY_UNAVAILABLE));
    assertThat(report.getEntries())
        .filteredOn(e -> e.getDirection() == Direction.FAILURE)
        .hasSize(1);
  }

  @Test
  void handlerWithoutTheCodec_failsBothDirections_withCodecMissing() {
    CompatibilityReport report =
        check(keys.converter(K1, K1), DefaultDataConverter.newDefaultInstance());

    assertThat(report.getFindings())
        .hasSize(2)
        .allSatisfy(
            f -> assertThat(f).startsWith("CODEC_MISSING").contains(TinkPayloadCodec.CODEC_ID));
    // Input: the handler cannot decrypt. Results: the caller's codec rejects the handler's
    // plaintext.
    assertThat(report.getEntries())
        .allSatisfy(e -> assertThat(e.getCause()).isEqualTo(Cause.CODEC_MISSING));
  }

  @ParameterizedTest
  @ValueSource(booleans = {true, false})
  void compressionOnOneSideOnly_isCompatible_sinceItIsInsideTheEnvelope(boolean callerCompresses) {
    DataConverter compressing = EncryptionKeys.converter(keys.codec(true, K1, K1));
    DataConverter notCompressing = EncryptionKeys.converter(keys.codec(false, K1, K1));
    // The compressing side does compress (else this test would prove nothing).
    Payload compressed = compressing.toPayload("a".repeat(10_000)).orElseThrow();
    assertThat(TinkPayloadCodec.contextOf(compressed).orElseThrow().get("compression"))
        .isEqualTo("zlib");

    CompatibilityReport report =
        callerCompresses ? check(compressing, notCompressing) : check(notCompressing, compressing);

    assertThat(report.isCompatible()).as(report.format()).isTrue();
  }

  @Test
  void userSamples_ofOwnTypes_includingAGenericListTypedWithATypeReference_passBothWays() {
    Invoice invoice =
        new Invoice(
            "inv-1",
            "ACCOUNT-7731",
            List.of(new LineItem("sku-1", 2, 1250), new LineItem("sku-ü", 1, 99)),
            Map.of("region", "eu", "note", "Grüße"));
    Type invoices = new TypeReference<List<Invoice>>() {}.getType();

    CompatibilityReport report =
        ConverterCompatibilityCheck.newBuilder(keys.converter(K1, K1), keys.converter(K1, K0, K1))
            .addSample("invoice", invoice, Invoice.class)
            .addSample("invoices", List.of(invoice, invoice), invoices)
            .addSample("line item", new LineItem("sku-2", 0, 0))
            .build()
            .run();

    assertThat(report.isCompatible()).as(report.format()).isTrue();
    assertThat(report.getEntries())
        .filteredOn(Entry::isUserSample)
        .extracting(Entry::getProbe, Entry::getDirection)
        .containsExactlyInAnyOrder(
            tuple("invoice", Direction.INPUT),
            tuple("invoices", Direction.INPUT),
            tuple("line item", Direction.INPUT),
            tuple("invoice", Direction.RESULT),
            tuple("invoices", Direction.RESULT),
            tuple("line item", Direction.RESULT));
    // What the handler gets for that type: invoices, not maps.
    DataConverter caller = keys.converter(K1, K1);
    Object decoded =
        keys.converter(K1, K0, K1)
            .fromPayload(caller.toPayload(List.of(invoice)).orElseThrow(), List.class, invoices);
    assertThat((List<?>) decoded).singleElement().isEqualTo(invoice);
  }

  @Test
  void userSampleValues_stayOutOfTheReport_unlessAsked() {
    Annotated sample = new Annotated("a-1", "ACCOUNT-7731 private note");
    Invoice invoice = new Invoice("inv-2", "ACCOUNT-7731", List.of(), Map.of());

    CompatibilityReport hidden =
        ConverterCompatibilityCheck.newBuilder(keys.converter(K2, K1, K2), keys.converter(K1, K1))
            .addSample("annotated", sample)
            .addSample("invoice", invoice)
            .build()
            .run();
    CompatibilityReport shown =
        ConverterCompatibilityCheck.newBuilder(keys.converter(K1, K1), keys.converter(K1, K1))
            .addSample("annotated", sample)
            .setShowSampleValues(true)
            .build()
            .run();

    // the report names each distinct failure once, with examples; every probe is in the groups
    assertThat(hidden.format()).doesNotContain("ACCOUNT-7731").contains("annotated");
    assertThat(hidden.getFailureGroups())
        .flatExtracting(CompatibilityReport.FailureGroup::getProbes)
        .contains("annotated", "invoice");
    assertThat(hidden.getFailures())
        .filteredOn(Entry::isUserSample)
        .extracting(Entry::getProbe, Entry::getDirection, Entry::getCause)
        .containsExactlyInAnyOrder(
            tuple("annotated", Direction.INPUT, Cause.KEY_UNAVAILABLE),
            tuple("invoice", Direction.INPUT, Cause.KEY_UNAVAILABLE),
            tuple("annotated", Direction.RESULT, Cause.VALUE_CHANGED));
    assertThat(shown.getFailures())
        .hasSize(2)
        .allSatisfy(
            e -> {
              assertThat(e.getCause()).isEqualTo(Cause.VALUE_CHANGED);
              assertThat(e.getExplanation()).contains("ACCOUNT-7731 private note");
            });
  }
}
