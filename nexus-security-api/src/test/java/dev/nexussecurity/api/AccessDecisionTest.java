package dev.nexussecurity.api;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

class AccessDecisionTest {

  @Test
  void allowed_isAllowedWithReasonAllowed() {
    AccessDecision d = AccessDecision.allowed();

    assertThat(d.isAllowed()).isTrue();
    assertThat(d.getReason()).isEqualTo(ReasonCode.ALLOWED);
    assertThat(d).hasToString("ALLOWED");
  }

  @ParameterizedTest
  @EnumSource(value = ReasonCode.class, names = "ALLOWED", mode = EnumSource.Mode.EXCLUDE)
  void denied_isDeniedWithItsReason(ReasonCode reason) {
    AccessDecision d = AccessDecision.denied(reason);

    assertThat(d.isAllowed()).isFalse();
    assertThat(d.getReason()).isEqualTo(reason);
    assertThat(d).hasToString("DENIED(" + reason + ")");
  }

  @ParameterizedTest
  @EnumSource(ReasonCode.class)
  void of_returnsOneSharedInstancePerReason(ReasonCode reason) {
    assertThat(AccessDecision.of(reason)).isSameAs(AccessDecision.of(reason));
    assertThat(AccessDecision.of(reason).getReason()).isEqualTo(reason);
  }

  @Test
  void deniedAndAllowed_returnTheSharedInstances() {
    assertThat(AccessDecision.allowed()).isSameAs(AccessDecision.of(ReasonCode.ALLOWED));
    assertThat(AccessDecision.denied(ReasonCode.CALLER_NOT_ALLOWED))
        .isSameAs(AccessDecision.of(ReasonCode.CALLER_NOT_ALLOWED));
  }

  @Test
  void denied_withAllowed_isRejected() {
    assertThatThrownBy(() -> AccessDecision.denied(ReasonCode.ALLOWED))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("denying reason");
  }

  @Test
  void denied_withNull_isRejected() {
    assertThatThrownBy(() -> AccessDecision.denied(null))
        .isInstanceOf(IllegalArgumentException.class);
  }

  @Test
  void of_withNull_isRejected() {
    assertThatThrownBy(() -> AccessDecision.of(null)).isInstanceOf(IllegalArgumentException.class);
  }
}
