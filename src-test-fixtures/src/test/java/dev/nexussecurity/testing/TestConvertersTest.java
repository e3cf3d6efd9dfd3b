package dev.nexussecurity.testing;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.google.crypto.tink.KeysetHandle;
import dev.nexussecurity.codec.tink.PayloadDecryptionException;
import dev.nexussecurity.codec.tink.TinkPayloadCodec;
import dev.nexussecurity.core.CompatibilityReport;
import dev.nexussecurity.core.CompatibilityReport.Cause;
import dev.nexussecurity.core.CompatibilityReport.Direction;
import dev.nexussecurity.core.ConverterCompatibilityCheck;
import io.temporal.api.common.v1.Payload;
import io.temporal.common.converter.DataConverter;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

class TestConvertersTest {
  @RegisterExtension
  static final NexusSecurityExtension NEXUS =
      NexusSecurityExtension.newBuilder()
          .addNamespace("payments-ns")
          .addNamespace("legacy-ns", PayloadEncryption.none())
          .build();

  private static final KeysetHandle KEYSET = TestKeys.random().getPayloadKeyset("shared");

  @Test
  void withCodec_encryptsWithTheGivenKeysetAndName() {
    Payload payload = TestConverters.withCodec(KEYSET, "orders").toPayload("hello").orElseThrow();

    assertThat(payload.getMetadataOrThrow("encoding").toStringUtf8()).isEqualTo("binary/encrypted");
    assertThat(TinkPayloadCodec.contextOf(payload).orElseThrow().get("keyset")).isEqualTo("orders");
    assertThat(payload.getMetadataOrThrow("nexus-security-key-id").toStringUtf8())
        .isEqualTo(Integer.toUnsignedString(KEYSET.getPrimary().getId()));
  }

  @Test
  void withoutCodec_writesPlaintext_thatACodecRejects() {
    Payload plain = TestConverters.withoutCodec().toPayload("hello").orElseThrow();

    assertThat(plain.getMetadataOrThrow("encoding").toStringUtf8()).isEqualTo("json/plain");
    assertThatThrownBy(
            () ->
                TestConverters.withCodec(KEYSET, "shared")
                    .fromPayload(plain, String.class, String.class))
        .isInstanceOfSatisfying(
            PayloadDecryptionException.class,
            e ->
                assertThat(e.getReason())
                    .isEqualTo(PayloadDecryptionException.Reason.PLAINTEXT_REJECTED));
    assertThat(
            report(TestConverters.withoutCodec(), TestConverters.withCodec(KEYSET, "shared"))
                .getFailures())
        .extracting(CompatibilityReport.Entry::getCause)
        .contains(Cause.CODEC_MISSING);
  }

  @Test
  void withKeyTheHandlerLacks_failsTheInputOnly_theCallerStillReadsResults() {
    DataConverter handler = TestConverters.withCodec(KEYSET, "shared");
    DataConverter stale = TestConverters.withKeyTheHandlerLacks(KEYSET, "shared");

    CompatibilityReport report = report(stale, handler);

    assertThat(report.getFailures()).isNotEmpty();
    assertThat(report.getFailures())
        .allSatisfy(
            e -> {
              assertThat(e.getDirection()).isEqualTo(Direction.INPUT);
              assertThat(e.getCause()).isEqualTo(Cause.KEY_UNAVAILABLE);
            });
    Payload fromHandler = handler.toPayload("result").orElseThrow();
    assertThat(stale.fromPayload(fromHandler, String.class, String.class)).isEqualTo("result");
  }

  @Test
  void withKeyTheHandlerLacks_ofANamespace_usesItsKeysetNameAndKeys(
      NexusSecurityTestEnvironment env) {
    TestNamespace payments = env.getNamespace("payments-ns");
    DataConverter stale = TestConverters.withKeyTheHandlerLacks(payments);

    Payload payload = stale.toPayload("x").orElseThrow();
    assertThat(TinkPayloadCodec.contextOf(payload).orElseThrow().get("keyset")).isEqualTo("shared");
    assertThat(payload.getMetadataOrThrow("nexus-security-key-id").toStringUtf8())
        .isNotEqualTo(
            Integer.toUnsignedString(
                payments.getPayloadKeyset().orElseThrow().getPrimary().getId()));
    assertThat(report(stale, payments.getDataConverter()).getFailures())
        .extracting(CompatibilityReport.Entry::getCause)
        .containsOnly(Cause.KEY_UNAVAILABLE);
  }

  @Test
  void withKeyTheHandlerLacks_ofANamespaceWithoutCodec_isRejected(
      NexusSecurityTestEnvironment env) {
    assertThatThrownBy(() -> TestConverters.withKeyTheHandlerLacks(env.getNamespace("legacy-ns")))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage(
            "namespace 'legacy-ns' has no payload codec (PayloadEncryption.none()); use withCodec(...)"
                + " or withoutCodec() instead");
  }

  private static CompatibilityReport report(DataConverter caller, DataConverter handler) {
    return ConverterCompatibilityCheck.newBuilder(caller, handler)
        .setBuiltInProbes(false)
        .addSample("order id", "order-1")
        .build()
        .run();
  }
}
