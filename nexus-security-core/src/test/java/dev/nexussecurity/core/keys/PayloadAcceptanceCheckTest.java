package dev.nexussecurity.core.keys;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.nexussecurity.api.PayloadProtection;
import dev.nexussecurity.api.ReasonCode;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class PayloadAcceptanceCheckTest {
  static final NamespaceKeys PAYMENTS = NamespaceKeys.generate("payments", false);
  static final NamespaceKeys SIGNING = NamespaceKeys.generate("payments", true);

  static final PayloadAcceptance SHARED_ONLY =
      PayloadAcceptance.newBuilder().addSharedKeyset("payments").build();
  static final PayloadAcceptance EVERYTHING =
      PayloadAcceptance.newBuilder()
          .setPairwise(true)
          .setHpke(true)
          .setPlaintext(true)
          .addSharedKeyset("payments")
          .build();

  private static KeyDirectory directoryWith(PayloadAcceptance acceptance) {
    NamespacePublicKeys.Builder keys = PAYMENTS.toPublicKeys().toBuilder();
    if (acceptance != null) {
      keys.setPayloadAcceptance(acceptance);
    }
    return NamespaceKeyDirectory.newBuilder().put(keys.build()).build();
  }

  @ParameterizedTest
  @ValueSource(strings = {"shared:payments", "pairwise", "hpke", "authenticated"})
  void check_withEveryModeTheHandlerAccepts_isAllowed(String protection) {
    assertThat(
            PayloadAcceptanceCheck.check(
                directoryWith(EVERYTHING), "payments", PayloadProtection.parse(protection)))
        .isEmpty();
  }

  @ParameterizedTest
  @ValueSource(strings = {"pairwise", "hpke", "authenticated", "shared:other"})
  void check_againstAHandlerAcceptingOnlySharedPayments_isDeniedNamingBoth(String protection) {
    Optional<PayloadAcceptanceCheck.Denial> denial =
        PayloadAcceptanceCheck.check(
            directoryWith(SHARED_ONLY), "payments", PayloadProtection.parse(protection));

    assertThat(denial).isPresent();
    PayloadAcceptanceCheck.Denial d = denial.get();
    assertThat(d.getReason()).isEqualTo(ReasonCode.PAYLOAD_PROTECTION_NOT_ACCEPTED);
    assertThat(d.getReason().isRetryable()).isFalse();
    assertThat(d.getReason().getKind()).isEqualTo(ReasonCode.Kind.INCOMPATIBLE);
    assertThat(d.getProtection()).isEqualTo(PayloadProtection.parse(protection));
    assertThat(d.getDetail())
        .contains("handler namespace 'payments' does not accept " + protection + " payloads")
        .contains("it accepts [shared:payments]");
    assertThat(d.toString()).contains("PAYLOAD_PROTECTION_NOT_ACCEPTED");
  }

  @Test
  void pairwiseCaller_againstSharedOnlyHandler_saysWhatToChange() {
    String detail =
        PayloadAcceptanceCheck.check("payments", SHARED_ONLY, PayloadProtection.pairwise())
            .orElseThrow()
            .getDetail();

    assertThat(detail)
        .contains("have the handler team accept pairwise payloads")
        .contains("or use a protection it accepts");
  }

  @Test
  void sharedKeysetTheHandlerLacks_namesTheKeysetAndTheOnesItHas() {
    String detail =
        PayloadAcceptanceCheck.check("payments", SHARED_ONLY, PayloadProtection.shared("refunds"))
            .orElseThrow()
            .getDetail();

    assertThat(detail)
        .contains("does not accept shared:refunds payloads")
        .contains("[shared:payments]")
        .contains("add keyset 'refunds' to its sharedKeysets");
  }

  @Test
  void authenticated_needsPairwise_plaintextAloneIsNotEnough() {
    PayloadAcceptance plaintextOnly = PayloadAcceptance.newBuilder().setPlaintext(true).build();

    assertThat(
            PayloadAcceptanceCheck.check(
                    "payments", plaintextOnly, PayloadProtection.authenticated())
                .orElseThrow()
                .getDetail())
        .contains("verified under the pair's derived key")
        .contains("it accepts [plaintext]");
    assertThat(
            PayloadAcceptanceCheck.check(
                "payments",
                PayloadAcceptance.newBuilder().setPairwise(true).build(),
                PayloadProtection.authenticated()))
        .isEmpty();
  }

  @Test
  void handlerAcceptingNothing_saysNothing() {
    assertThat(
            PayloadAcceptanceCheck.check(
                    "payments", PayloadAcceptance.newBuilder().build(), PayloadProtection.hpke())
                .orElseThrow()
                .getDetail())
        .contains("it accepts nothing");
  }

  @Test
  void handlerStatingNoAcceptance_isNotJudged() {
    assertThat(
            PayloadAcceptanceCheck.check(directoryWith(null), "payments", PayloadProtection.hpke()))
        .isEmpty();
  }

  @Test
  void handlerMissingFromTheDirectory_isDeniedForKeyAgreementModes_notForSharedKeysets() {
    KeyDirectory empty = NamespaceKeyDirectory.empty();

    for (PayloadProtection p :
        new PayloadProtection[] {
          PayloadProtection.pairwise(), PayloadProtection.hpke(), PayloadProtection.authenticated()
        }) {
      PayloadAcceptanceCheck.Denial d =
          PayloadAcceptanceCheck.check(empty, "payments", p).orElseThrow();
      assertThat(d.getReason()).isEqualTo(ReasonCode.PAYLOAD_PROTECTION_NOT_ACCEPTED);
      assertThat(d.getDetail())
          .contains("no entry for handler namespace 'payments'")
          .contains(p.toString())
          .contains("publish the handler namespace's key-agreement keys");
    }
    assertThat(PayloadAcceptanceCheck.check(empty, "payments", PayloadProtection.shared("k")))
        .isEmpty();
  }

  @Test
  void handlerWithoutKeyAgreementKeys_isDeniedForPairwise() throws Exception {
    NamespacePublicKeys noAgreement =
        NamespacePublicKeys.newBuilder("payments")
            .setSignatureKeys(SIGNING.getSignatureKeys().orElseThrow().getPublicKeysetHandle())
            .setPayloadAcceptance(EVERYTHING)
            .build();

    assertThat(
            PayloadAcceptanceCheck.check(noAgreement, PayloadProtection.pairwise())
                .orElseThrow()
                .getDetail())
        .contains("publishes no key-agreement keys");
    assertThat(PayloadAcceptanceCheck.check(noAgreement, PayloadProtection.shared("payments")))
        .isEmpty();
  }

  @Test
  void allowedPath_returnsTheSharedEmptyOptional() {
    assertThat(PayloadAcceptanceCheck.check("payments", EVERYTHING, PayloadProtection.pairwise()))
        .isSameAs(Optional.empty());
  }

  @Test
  void namespaceWithControlCharacters_isQuotedInTheDetail() {
    String detail =
        PayloadAcceptanceCheck.check(
                NamespaceKeyDirectory.empty(), "evil\nns", PayloadProtection.pairwise())
            .orElseThrow()
            .getDetail();

    assertThat(detail).doesNotContain("\n").contains("evil\\u000Ans");
  }

  @Test
  void describe_listsAcceptedFormsSorted() {
    assertThat(PayloadAcceptanceCheck.describe(EVERYTHING))
        .isEqualTo("[authenticated, hpke, pairwise, plaintext, shared:payments]");
  }

  @Test
  void nullArguments_areRejected() {
    assertThatThrownBy(
            () -> PayloadAcceptanceCheck.check("payments", SHARED_ONLY, (PayloadProtection) null))
        .isInstanceOf(NullPointerException.class)
        .hasMessageContaining("protection");
    assertThatThrownBy(
            () ->
                PayloadAcceptanceCheck.check(
                    (KeyDirectory) null, "payments", PayloadProtection.pairwise()))
        .isInstanceOf(NullPointerException.class)
        .hasMessageContaining("directory");
  }
}
