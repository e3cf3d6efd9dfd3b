package dev.nexussecurity.core.internal.interceptor;

import static org.assertj.core.api.Assertions.assertThat;

import dev.nexussecurity.api.ReasonCode;
import org.junit.jupiter.api.Test;

class CallerDecisionTest {

  /** These numbers are recorded in workflow histories; this table must only ever grow. */
  @Test
  void recordedCodes_areStable() {
    assertThat(CallerDecision.codeOf(ReasonCode.UNKNOWN_ENDPOINT)).isEqualTo(1);
    assertThat(CallerDecision.codeOf(ReasonCode.CALLER_NOT_ALLOWED)).isEqualTo(2);
    assertThat(CallerDecision.codeOf(ReasonCode.MISSING_TOKEN)).isEqualTo(3);
    assertThat(CallerDecision.codeOf(ReasonCode.ENDPOINT_POLICY_INVALID)).isEqualTo(4);
    assertThat(CallerDecision.codeOf(ReasonCode.TOKEN_TOO_LARGE)).isEqualTo(5);
    assertThat(CallerDecision.codeOf(ReasonCode.REGISTRY_STALE)).isEqualTo(6);
    assertThat(CallerDecision.codeOf(ReasonCode.PAYLOAD_PROTECTION_NOT_ACCEPTED)).isEqualTo(7);
  }

  @Test
  void everyCode_readsBackAsItsReason() {
    for (ReasonCode r :
        new ReasonCode[] {
          ReasonCode.UNKNOWN_ENDPOINT,
          ReasonCode.CALLER_NOT_ALLOWED,
          ReasonCode.MISSING_TOKEN,
          ReasonCode.ENDPOINT_POLICY_INVALID,
          ReasonCode.TOKEN_TOO_LARGE,
          ReasonCode.REGISTRY_STALE,
          ReasonCode.PAYLOAD_PROTECTION_NOT_ACCEPTED
        }) {
      assertThat(CallerDecision.reasonOf(CallerDecision.codeOf(r))).isEqualTo(r);
    }
  }

  @Test
  void codesFromANewerVersion_readAsADenial_neverAsAllowed() {
    assertThat(CallerDecision.reasonOf(CallerDecision.MAX_CODE))
        .isEqualTo(ReasonCode.CALLER_NOT_ALLOWED);
    assertThat(CallerDecision.reasonOf(0)).isEqualTo(ReasonCode.CALLER_NOT_ALLOWED);
    assertThat(CallerDecision.codeOf(ReasonCode.TARGET_MISMATCH)).isEqualTo(2);
  }

  @Test
  void theFirstCodeBeyondTheTable_andNegativeCodes_readAsADenial() {
    assertThat(CallerDecision.reasonOf(8)).isEqualTo(ReasonCode.CALLER_NOT_ALLOWED);
    assertThat(CallerDecision.reasonOf(-1)).isEqualTo(ReasonCode.CALLER_NOT_ALLOWED);
    assertThat(CallerDecision.reasonOf(1)).isEqualTo(ReasonCode.UNKNOWN_ENDPOINT);
  }
}
