package dev.nexussecurity.core.internal.compat;

import static org.assertj.core.api.Assertions.assertThat;

import dev.nexussecurity.api.CodecDescriptor;
import dev.nexussecurity.api.PayloadProtection;
import dev.nexussecurity.api.ReasonCode;
import dev.nexussecurity.core.ConverterFingerprint;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class FingerprintComparisonTest {

  static CodecDescriptor aead(String encryptWith, String... decrypt) {
    CodecDescriptor.Builder b =
        CodecDescriptor.newBuilder("tink-aead")
            .setEncryptionKeyId(encryptWith)
            .setAcceptingUnencodedPayloads(false);
    for (String d : decrypt) {
      b.addDecryptionKeyId(d);
    }
    return b.build();
  }

  static final CodecDescriptor ZLIB = CodecDescriptor.newBuilder("zlib").build();

  static ConverterFingerprint fp(CodecDescriptor... codecs) {
    return ConverterFingerprint.newBuilder().setCodecs(List.of(codecs)).build();
  }

  static List<FingerprintComparison.Finding> compare(
      ConverterFingerprint c, ConverterFingerprint h) {
    return FingerprintComparison.compare(c, h);
  }

  @Test
  void sameKey_isCompatible() {
    assertThat(compare(fp(aead("a", "a")), fp(aead("a", "a")))).isEmpty();
  }

  @Test
  void handlerHoldingASupersetOfKeys_isCompatible() {
    assertThat(compare(fp(aead("a", "a")), fp(aead("a", "a", "b", "c")))).isEmpty();
  }

  @Test
  void callerEncryptingWithAKeyTheHandlerLacks_isKeyUnavailable_namingTheKey() {
    List<FingerprintComparison.Finding> f = compare(fp(aead("b", "a", "b")), fp(aead("a", "a")));
    assertThat(f)
        .extracting(FingerprintComparison.Finding::getReason)
        .containsExactly(ReasonCode.ENCRYPTION_KEY_UNAVAILABLE);
    assertThat(f.get(0).getMessage()).contains("'b'").contains("caller encrypts").contains("[a]");
    assertThat(f.get(0).isInputDirection()).isTrue();
  }

  @Test
  void handlerEncryptingResultsWithAKeyTheCallerLacks_isKeyUnavailable() {
    List<FingerprintComparison.Finding> f = compare(fp(aead("a", "a")), fp(aead("b", "a", "b")));
    assertThat(f)
        .extracting(FingerprintComparison.Finding::getReason)
        .containsExactly(ReasonCode.ENCRYPTION_KEY_UNAVAILABLE);
    assertThat(f.get(0).getMessage()).contains("handler encrypts results").contains("caller");
    assertThat(f.get(0).isInputDirection()).isFalse();
  }

  @Test
  void handlerWithoutTheCallersCodec_isCodecMissing_inBothDirections() {
    List<FingerprintComparison.Finding> f = compare(fp(aead("a", "a")), fp());
    assertThat(f)
        .extracting(FingerprintComparison.Finding::getReason)
        .containsExactly(ReasonCode.CODEC_MISSING, ReasonCode.CODEC_MISSING);
    assertThat(f.get(0).getMessage()).contains("'tink-aead'").contains("handler's DataConverter");
    assertThat(f.get(1).getMessage()).contains("caller's codec 'tink-aead' rejects payloads");
  }

  @Test
  void callerWithoutTheHandlersEncryptingCodec_isCodecMissing() {
    List<FingerprintComparison.Finding> f = compare(fp(), fp(aead("a", "a")));
    assertThat(f)
        .extracting(FingerprintComparison.Finding::getReason)
        .containsExactly(ReasonCode.CODEC_MISSING, ReasonCode.CODEC_MISSING);
    assertThat(f.get(0).getMessage()).contains("handler's codec 'tink-aead' rejects payloads");
    assertThat(f.get(1).getMessage()).contains("caller's DataConverter does not have");
  }

  @Test
  void extraPassThroughCodecOnTheHandler_breaksResultsOnly() {
    List<FingerprintComparison.Finding> f = compare(fp(aead("a", "a")), fp(ZLIB, aead("a", "a")));
    assertThat(f).hasSize(1);
    assertThat(f.get(0).isInputDirection()).isFalse();
    assertThat(f.get(0).getMessage())
        .contains("handler encodes results and failures with codec 'zlib'");
  }

  @Test
  void differentButCompatibleOrderings_areCompatible() {
    assertThat(compare(fp(ZLIB, aead("a", "a")), fp(aead("a", "a"), ZLIB))).isEmpty();
  }

  @Test
  void codecsWithoutKeyInformation_areComparedByIdOnly() {
    CodecDescriptor custom = CodecDescriptor.newBuilder("com.example.MyCodec").build();
    assertThat(compare(fp(custom), fp(custom))).isEmpty();
    List<FingerprintComparison.Finding> f = compare(fp(custom), fp());
    assertThat(f)
        .extracting(FingerprintComparison.Finding::getReason)
        .containsExactly(ReasonCode.CODEC_MISSING);
    assertThat(f.get(0).isInputDirection()).isTrue();
  }

  @Test
  void unknownSide_neverProducesAFinding() {
    assertThat(compare(ConverterFingerprint.unknown(), fp(aead("a", "a")))).isEmpty();
    assertThat(compare(fp(aead("a", "a")), ConverterFingerprint.unknown())).isEmpty();
  }

  @Test
  void unknownDecryptableKeys_areNotDefinite() {
    CodecDescriptor noKeysListed =
        CodecDescriptor.newBuilder("tink-aead").setAcceptingUnencodedPayloads(false).build();
    assertThat(compare(fp(aead("b", "b")), fp(noKeysListed))).isEmpty();
  }

  /** A v2 Tink codec's descriptor: protections it decodes, the key it encrypts with. */
  static CodecDescriptor v2(String namespace, String encryptWith, String... protections) {
    CodecDescriptor.Builder b =
        CodecDescriptor.newBuilder("tink-aead").setAcceptingUnencodedPayloads(false);
    if (encryptWith != null) {
      b.setEncryptionKeyId(encryptWith);
    }
    for (String p : protections) {
      b.addPayloadProtection(PayloadProtection.parse(p));
      if (p.equals("pairwise") || p.equals("hpke")) {
        b.addDecryptionKeyId(p + "/" + namespace + ":7");
      }
    }
    return b.build();
  }

  @Test
  void pairwiseOnBothSides_isCompatible_keyIdsOfOwnKeysAreNotCompared() {
    CodecDescriptor caller = v2("orders", "pairwise/orders:1", "pairwise", "hpke", "authenticated");
    CodecDescriptor handler =
        v2("payments", "pairwise/payments:2", "pairwise", "hpke", "authenticated");

    assertThat(compare(fp(caller), fp(handler))).isEmpty();
  }

  @ParameterizedTest
  @ValueSource(strings = {"pairwise", "hpke", "authenticated"})
  void keyAgreementModeAgainstAHandlerAcceptingOnlyShared_isProtectionNotAccepted_namingBoth(
      String mode) {
    CodecDescriptor caller = v2("orders", mode + "/orders:1", "pairwise", "hpke", "authenticated");
    CodecDescriptor handler = v2("payments", "101", "shared:payments");

    List<FingerprintComparison.Finding> f = compare(fp(caller), fp(handler));

    assertThat(f)
        .filteredOn(FingerprintComparison.Finding::isInputDirection)
        .singleElement()
        .satisfies(
            x -> {
              assertThat(x.getReason()).isEqualTo(ReasonCode.PAYLOAD_PROTECTION_NOT_ACCEPTED);
              assertThat(x.getMessage())
                  .contains("the caller protects the operation input with " + mode)
                  .contains("does not decode: it accepts [shared:payments]")
                  .contains("or have the handler accept " + mode);
            });
  }

  @Test
  void sharedKeysetAgainstAPairwiseOnlyCaller_isProtectionNotAccepted_forResults() {
    CodecDescriptor caller = v2("orders", "pairwise/orders:1", "pairwise");
    CodecDescriptor handler = v2("payments", "101", "shared:payments", "pairwise");

    List<FingerprintComparison.Finding> f = compare(fp(caller), fp(handler));

    assertThat(f)
        .singleElement()
        .satisfies(
            x -> {
              assertThat(x.isInputDirection()).isFalse();
              assertThat(x.getReason()).isEqualTo(ReasonCode.PAYLOAD_PROTECTION_NOT_ACCEPTED);
              assertThat(x.getMessage())
                  .contains("the handler protects results and failures with a shared keyset")
                  .contains("it accepts [pairwise]");
            });
  }

  @Test
  void decoderListingNoProtections_isNotJudgedOnTheMode() {
    CodecDescriptor caller = v2("orders", "pairwise/orders:1", "pairwise");
    CodecDescriptor legacy = aead("a", "a");

    List<FingerprintComparison.Finding> f = compare(fp(caller), fp(legacy));

    // input: the legacy handler lists no protections, so pairwise is not judged
    assertThat(f).filteredOn(FingerprintComparison.Finding::isInputDirection).isEmpty();
    // results: the legacy handler encrypts under a shared key the pairwise-only caller lacks
    assertThat(f)
        .filteredOn(x -> !x.isInputDirection())
        .extracting(FingerprintComparison.Finding::getReason)
        .containsExactly(ReasonCode.PAYLOAD_PROTECTION_NOT_ACCEPTED);
  }

  @Test
  void configuredProtection_isCheckedAgainstTheDecodingSide() {
    ConverterFingerprint sharedOnly = fp(v2("payments", "101", "shared:payments"));

    assertThat(
            FingerprintComparison.protection(
                PayloadProtection.shared("payments"), sharedOnly, true))
        .isEmpty();
    List<FingerprintComparison.Finding> f =
        FingerprintComparison.protection(PayloadProtection.pairwise(), sharedOnly, true);
    assertThat(f)
        .singleElement()
        .satisfies(
            x -> {
              assertThat(x.getReason()).isEqualTo(ReasonCode.PAYLOAD_PROTECTION_NOT_ACCEPTED);
              assertThat(x.getMessage()).contains("with pairwise").contains("[shared:payments]");
            });
    assertThat(
            FingerprintComparison.protection(
                PayloadProtection.pairwise(), ConverterFingerprint.unknown(), true))
        .isEmpty();
    assertThat(
            FingerprintComparison.protection(
                PayloadProtection.pairwise(), fp(aead("a", "a"), ZLIB), true))
        .isEmpty();
  }

  @Test
  void sharedKeysetNamedLikeAMode_isNotMistakenForTheMode() {
    assertThat(FingerprintComparison.keyAgreementMode("pairwise/123")).isEmpty();
    assertThat(FingerprintComparison.keyAgreementMode("default/123")).isEmpty();
    assertThat(FingerprintComparison.keyAgreementMode("k1")).isEmpty();
    assertThat(FingerprintComparison.keyAgreementMode("pairwise/orders:1"))
        .contains(PayloadProtection.Mode.PAIRWISE);
    assertThat(FingerprintComparison.keyAgreementMode("hpke/orders:1"))
        .contains(PayloadProtection.Mode.HPKE);
    assertThat(FingerprintComparison.keyAgreementMode("authenticated/orders:1"))
        .contains(PayloadProtection.Mode.AUTHENTICATED);
  }
}
