package dev.nexussecurity.api;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class PayloadProtectionTest {

  @Test
  void shared_withValidName_carriesNameAndPrintsTextForm() {
    PayloadProtection p = PayloadProtection.shared("payments.v2");

    assertThat(p.getMode()).isEqualTo(PayloadProtection.Mode.SHARED);
    assertThat(p.getKeysetName()).contains("payments.v2");
    assertThat(p.isEncrypting()).isTrue();
    assertThat(p).hasToString("shared:payments.v2");
  }

  @Test
  void keylessModes_haveNoKeysetName_andLowerCaseText() {
    assertThat(PayloadProtection.pairwise().getKeysetName()).isEmpty();
    assertThat(PayloadProtection.pairwise()).hasToString("pairwise");
    assertThat(PayloadProtection.hpke()).hasToString("hpke");
    assertThat(PayloadProtection.authenticated()).hasToString("authenticated");
    assertThat(PayloadProtection.authenticated().isEncrypting()).isFalse();
  }

  @ParameterizedTest
  @ValueSource(strings = {"shared:orders", "pairwise", "hpke", "authenticated"})
  void parse_ofTextForm_roundTrips(String text) {
    PayloadProtection p = PayloadProtection.parse(text);

    assertThat(p).hasToString(text);
    assertThat(PayloadProtection.parse(p.toString())).isEqualTo(p).hasSameHashCodeAs(p);
  }

  @ParameterizedTest
  @ValueSource(strings = {"PAIRWISE", "shared", "shared:", "aead", ""})
  void parse_ofUnknownText_isRefusedNamingTheText(String text) {
    assertThatThrownBy(() -> PayloadProtection.parse(text))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("'" + text.replace("shared:", "") + "'");
  }

  @ParameterizedTest
  @ValueSource(strings = {"-x", "a b", "x\n"})
  void shared_withInvalidName_isRefusedNamingTheFieldAndValue(String name) {
    assertThatThrownBy(() -> PayloadProtection.shared(name))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("keysetName")
        .hasMessageNotContaining("\n");
  }

  @Test
  void equals_distinguishesModesAndKeysets() {
    assertThat(PayloadProtection.shared("a")).isNotEqualTo(PayloadProtection.shared("b"));
    assertThat(PayloadProtection.shared("a")).isEqualTo(PayloadProtection.shared("a"));
    assertThat(PayloadProtection.pairwise()).isNotEqualTo(PayloadProtection.hpke());
  }

  @Test
  void codecDescriptor_listsProtections_andAnswersAccepts() {
    CodecDescriptor d =
        CodecDescriptor.newBuilder("nexus-security/tink")
            .addPayloadProtection(PayloadProtection.pairwise())
            .addPayloadProtection(PayloadProtection.shared("orders"))
            .build();

    assertThat(d.getPayloadProtections()).containsExactly("pairwise", "shared:orders");
    assertThat(d.accepts(PayloadProtection.pairwise())).isTrue();
    assertThat(d.accepts(PayloadProtection.hpke())).isFalse();
    assertThat(d)
        .hasToString(
            "CodecDescriptor{id=nexus-security/tink, protections=[pairwise, shared:orders]}");
    assertThat(d).isNotEqualTo(CodecDescriptor.newBuilder("nexus-security/tink").build());
  }
}
