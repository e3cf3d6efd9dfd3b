package dev.nexussecurity.core;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

/** The rollout switch of {@link HandlerPolicy}: off by default, kept by toBuilder, visible. */
class HandlerPolicyTest {
  @Test
  void rolloutAdmitCallsWithoutToken_isOffByDefault() {
    assertThat(HandlerPolicy.defaults().isRolloutAdmitCallsWithoutToken()).isFalse();
    assertThat(HandlerPolicy.newBuilder().build().isRolloutAdmitCallsWithoutToken()).isFalse();
    assertThat(HandlerPolicy.defaults().toString()).doesNotContain("ROLLOUT");
  }

  @Test
  void rolloutAdmitCallsWithoutToken_on_isKeptByToBuilder_andShownAsRollout() {
    HandlerPolicy rollout =
        HandlerPolicy.newBuilder().setRolloutAdmitCallsWithoutToken(true).build();

    assertThat(rollout.isRolloutAdmitCallsWithoutToken()).isTrue();
    assertThat(rollout.toBuilder().build()).isEqualTo(rollout).hasSameHashCodeAs(rollout);
    assertThat(rollout).isNotEqualTo(HandlerPolicy.defaults());
    assertThat(rollout.toString()).contains("ROLLOUT rolloutAdmitCallsWithoutToken=true");
    assertThat(rollout.toBuilder().setRolloutAdmitCallsWithoutToken(false).build())
        .isEqualTo(HandlerPolicy.defaults());
  }
}
