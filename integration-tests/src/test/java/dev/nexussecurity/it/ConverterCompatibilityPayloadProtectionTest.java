package dev.nexussecurity.it;

import static org.assertj.core.api.Assertions.assertThat;

import com.google.crypto.tink.KeysetHandle;
import com.google.crypto.tink.aead.AeadConfig2026;
import com.google.crypto.tink.aead.PredefinedAeadParameters;
import dev.nexussecurity.api.NexusEndpoint;
import dev.nexussecurity.api.PayloadProtection;
import dev.nexussecurity.api.ReasonCode;
import dev.nexussecurity.codec.tink.PayloadKeyPolicy;
import dev.nexussecurity.codec.tink.TinkPayloadCodec;
import dev.nexussecurity.core.CompatibilityReport;
import dev.nexussecurity.core.CompatibilityReport.Cause;
import dev.nexussecurity.core.CompatibilityReport.Direction;
import dev.nexussecurity.core.ConverterCompatibilityCheck;
import dev.nexussecurity.core.keys.KeyDirectory;
import dev.nexussecurity.core.keys.KeysetSource;
import dev.nexussecurity.core.keys.NamespaceKeyDirectory;
import dev.nexussecurity.core.keys.NamespaceKeys;
import dev.nexussecurity.core.keys.PayloadAcceptance;
import dev.nexussecurity.core.keys.PayloadAcceptanceCheck;
import dev.nexussecurity.it.support.EncryptionKeys;
import io.temporal.common.converter.DataConverter;
import java.security.GeneralSecurityException;
import org.junit.jupiter.api.Test;

/**
 * The static compatibility check and the caller-side acceptance check with the real Tink codec in
 * every payload protection mode (issue 12): a caller protecting with a mode or shared keyset the
 * handler's codec does not decode is reported with a named cause ({@code
 * PAYLOAD_PROTECTION_NOT_ACCEPTED}), and matching configurations pass, probes bound to a Nexus call
 * through the endpoint. No server needed.
 */
class ConverterCompatibilityPayloadProtectionTest {
  static final NamespaceKeys ORDERS = NamespaceKeys.generate("orders", false);
  static final NamespaceKeys PAYMENTS = NamespaceKeys.generate("payments", false);
  static final KeyDirectory DIRECTORY =
      NamespaceKeyDirectory.newBuilder()
          .put(ORDERS.toPublicKeys())
          .put(
              PAYMENTS.toPublicKeys().toBuilder()
                  .setPayloadAcceptance(
                      PayloadAcceptance.newBuilder()
                          .setPairwise(true)
                          .addSharedKeyset("payments")
                          .build())
                  .build())
          .build();
  static final KeysetHandle PAYMENTS_SHARED = aead();

  static final NexusEndpoint ENDPOINT =
      NexusEndpoint.newBuilder()
          .setName("payments")
          .setTargetNamespace("payments")
          .setTargetTaskQueue("payments-tq")
          .addAllowedCallerNamespace("orders")
          .setPayloadProtection(PayloadProtection.pairwise())
          .putServicePayloadProtection("RefundService", PayloadProtection.hpke())
          .build();

  static KeysetHandle aead() {
    try {
      return KeysetHandle.newBuilder()
          .setConfiguration(AeadConfig2026.get())
          .addEntry(
              KeysetHandle.generateEntryFromParameters(PredefinedAeadParameters.AES256_GCM)
                  .withRandomId()
                  .makePrimary())
          .build();
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException(e);
    }
  }

  /** A worker's converter: the namespace keys (if any), the shared keyset and the policy. */
  static DataConverter converter(NamespaceKeys own, PayloadKeyPolicy policy) {
    TinkPayloadCodec.Builder b =
        TinkPayloadCodec.newBuilder()
            .addSharedKeyset("payments", KeysetSource.fromKeysetHandle(PAYMENTS_SHARED))
            .setKeyPolicy(policy);
    if (own != null) {
      b.setNamespaceKeys(own).setKeyDirectory(DIRECTORY);
    }
    return EncryptionKeys.converter(b.build());
  }

  static CompatibilityReport check(DataConverter caller, DataConverter handler, String service) {
    return ConverterCompatibilityCheck.newBuilder(caller, handler)
        .setNexusCall("orders", ENDPOINT, service, "op")
        .setBuiltInProbes(false)
        .addSample("charge", "order-1")
        .build()
        .run();
  }

  @Test
  void pairwiseCaller_againstAHandlerDecodingOnlySharedKeysets_isReportedWithANamedCause() {
    DataConverter caller = converter(ORDERS, PayloadKeyPolicy.of(PayloadProtection.pairwise()));
    DataConverter sharedOnlyHandler =
        converter(null, PayloadKeyPolicy.of(PayloadProtection.shared("payments")));

    CompatibilityReport report = check(caller, sharedOnlyHandler, "ChargeService");

    assertThat(report.isCompatible()).isFalse();
    assertThat(report.getFindings())
        .anySatisfy(
            f ->
                assertThat(f)
                    .startsWith(ReasonCode.PAYLOAD_PROTECTION_NOT_ACCEPTED.name())
                    .contains("the caller protects the operation input with pairwise")
                    .contains("[shared:payments]"));
    assertThat(report.getEntries())
        .filteredOn(e -> e.getDirection() == Direction.INPUT)
        .isNotEmpty()
        .allSatisfy(e -> assertThat(e.getCause()).isEqualTo(Cause.PROTECTION_NOT_ACCEPTED));
  }

  @Test
  void pairwiseOnBothSides_boundToTheEndpointsCall_isCompatible() {
    PayloadKeyPolicy policy = PayloadKeyPolicy.of(PayloadProtection.pairwise());

    CompatibilityReport report =
        check(converter(ORDERS, policy), converter(PAYMENTS, policy), "ChargeService");

    assertThat(report.isCompatible()).as(report.format()).isTrue();
  }

  @Test
  void sharedKeysetOnBothSides_isCompatible() {
    PayloadKeyPolicy policy = PayloadKeyPolicy.of(PayloadProtection.shared("payments"));
    NexusEndpoint shared =
        ENDPOINT.toBuilder()
            .setPayloadProtection(PayloadProtection.shared("payments"))
            .setServicePayloadProtections(java.util.Map.of())
            .build();

    CompatibilityReport report =
        ConverterCompatibilityCheck.newBuilder(converter(null, policy), converter(null, policy))
            .setNexusCall("orders", shared, "ChargeService", "op")
            .setBuiltInProbes(false)
            .addSample("charge", "order-1")
            .build()
            .run();

    assertThat(report.isCompatible()).as(report.format()).isTrue();
  }

  @Test
  void endpointsServiceOverride_theHandlerDoesNotDecode_isAFinding() {
    // The endpoint says HPKE for RefundService; this handler's codec has no namespace keys.
    PayloadKeyPolicy policy = PayloadKeyPolicy.of(PayloadProtection.shared("payments"));

    CompatibilityReport report =
        check(converter(ORDERS, policy), converter(null, policy), "RefundService");

    assertThat(report.getFindings())
        .anySatisfy(
            f ->
                assertThat(f)
                    .startsWith(ReasonCode.PAYLOAD_PROTECTION_NOT_ACCEPTED.name())
                    .contains("with hpke"));
  }

  @Test
  void callerSideAcceptanceCheck_followsTheEndpointsProtection_perService() {
    assertThat(
            PayloadAcceptanceCheck.check(
                DIRECTORY,
                "payments",
                ENDPOINT.getPayloadProtection("ChargeService").orElseThrow()))
        .isEmpty();
    PayloadAcceptanceCheck.Denial denial =
        PayloadAcceptanceCheck.check(
                DIRECTORY, "payments", ENDPOINT.getPayloadProtection("RefundService").orElseThrow())
            .orElseThrow();

    assertThat(denial.getReason()).isEqualTo(ReasonCode.PAYLOAD_PROTECTION_NOT_ACCEPTED);
    assertThat(denial.getDetail())
        .contains("does not accept hpke payloads")
        .contains("[authenticated, pairwise, shared:payments]");
  }

  @Test
  void pairwiseCaller_withoutAnEndpoint_isStillNamed_fromThePayloadsScheme() {
    DataConverter caller = converter(ORDERS, PayloadKeyPolicy.of(PayloadProtection.pairwise()));
    DataConverter sharedOnlyHandler =
        converter(null, PayloadKeyPolicy.of(PayloadProtection.shared("payments")));

    CompatibilityReport report =
        ConverterCompatibilityCheck.newBuilder(caller, sharedOnlyHandler)
            .setBuiltInProbes(false)
            .addSample("charge", "order-1")
            .build()
            .run();

    assertThat(report.isCompatible()).isFalse();
    assertThat(report.getEntries())
        .filteredOn(e -> e.getDirection() == Direction.INPUT)
        .singleElement()
        .satisfies(
            e -> {
              assertThat(e.getCause()).isEqualTo(Cause.PROTECTION_NOT_ACCEPTED);
              assertThat(e.getExplanation())
                  .contains("with pairwise")
                  .contains("does not decode: it accepts [shared:payments]");
            });
  }
}
