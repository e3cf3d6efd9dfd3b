package dev.nexussecurity.api;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Arrays;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.EnumSource;

class ReasonCodeTest {

  /**
   * Reason codes are a stable contract (audit events, metric tags): renaming one must fail here.
   */
  @Test
  void names_areStable() {
    assertThat(Arrays.stream(ReasonCode.values()).map(Enum::name))
        .containsExactly(
            "ALLOWED",
            "UNKNOWN_ENDPOINT",
            "CALLER_NOT_ALLOWED",
            "ENDPOINT_POLICY_INVALID",
            "TARGET_MISMATCH",
            "MISSING_TOKEN",
            "MALFORMED_TOKEN",
            "UNTRUSTED_CALLER",
            "BAD_SIGNATURE",
            "TOKEN_EXPIRED",
            "TOKEN_NOT_YET_VALID",
            "TOKEN_SCOPE_MISMATCH",
            "TOKEN_REPLAYED",
            "CALLER_LINK_MISMATCH",
            "REPLAY_CACHE_FULL",
            "REPLAY_STORE_UNAVAILABLE",
            "CODEC_MISSING",
            "ENCRYPTION_KEY_UNAVAILABLE",
            "PAYLOAD_ENCODING_UNSUPPORTED",
            "REGISTRY_STALE",
            "TOKEN_AUDIENCE_MISMATCH",
            "INPUT_NOT_BOUND",
            "OPERATION_BINDING_MISMATCH",
            "TOKEN_TOO_LARGE",
            "SECURITY_NOT_OUTERMOST",
            "PAYLOAD_PROTECTION_NOT_ACCEPTED");
  }

  @ParameterizedTest(name = "{0}: {1}")
  @CsvSource({
    "ALLOWED, ALLOWED",
    "UNKNOWN_ENDPOINT, UNAUTHORIZED",
    "CALLER_NOT_ALLOWED, UNAUTHORIZED",
    "ENDPOINT_POLICY_INVALID, UNAUTHORIZED",
    "TARGET_MISMATCH, UNAUTHORIZED",
    "MISSING_TOKEN, UNAUTHENTICATED",
    "MALFORMED_TOKEN, UNAUTHENTICATED",
    "UNTRUSTED_CALLER, UNAUTHENTICATED",
    "BAD_SIGNATURE, UNAUTHENTICATED",
    "TOKEN_EXPIRED, UNAUTHENTICATED",
    "TOKEN_NOT_YET_VALID, UNAUTHENTICATED",
    "TOKEN_SCOPE_MISMATCH, UNAUTHENTICATED",
    "TOKEN_REPLAYED, UNAUTHENTICATED",
    "CALLER_LINK_MISMATCH, UNAUTHENTICATED",
    "REPLAY_CACHE_FULL, UNAVAILABLE",
    "REPLAY_STORE_UNAVAILABLE, UNAVAILABLE",
    "CODEC_MISSING, INCOMPATIBLE",
    "ENCRYPTION_KEY_UNAVAILABLE, INCOMPATIBLE",
    "PAYLOAD_ENCODING_UNSUPPORTED, INCOMPATIBLE",
    "REGISTRY_STALE, UNAVAILABLE",
    "TOKEN_AUDIENCE_MISMATCH, UNAUTHENTICATED",
    "INPUT_NOT_BOUND, UNAUTHENTICATED",
    "OPERATION_BINDING_MISMATCH, UNAUTHORIZED",
    "TOKEN_TOO_LARGE, INCOMPATIBLE",
    "SECURITY_NOT_OUTERMOST, UNAVAILABLE",
    "PAYLOAD_PROTECTION_NOT_ACCEPTED, INCOMPATIBLE",
  })
  void getKind_isTheDocumentedFamily(ReasonCode reason, ReasonCode.Kind kind) {
    assertThat(reason.getKind()).isEqualTo(kind);
  }

  @ParameterizedTest
  @EnumSource(ReasonCode.class)
  void isAllowed_onlyForAllowed(ReasonCode reason) {
    assertThat(reason.isAllowed()).isEqualTo(reason == ReasonCode.ALLOWED);
  }

  @ParameterizedTest
  @EnumSource(ReasonCode.class)
  void isRetryable_onlyForTemporaryConditions(ReasonCode reason) {
    assertThat(reason.isRetryable())
        .isEqualTo(
            reason == ReasonCode.REPLAY_CACHE_FULL
                || reason == ReasonCode.REPLAY_STORE_UNAVAILABLE
                || reason == ReasonCode.REGISTRY_STALE
                || reason == ReasonCode.SECURITY_NOT_OUTERMOST);
  }

  @ParameterizedTest
  @EnumSource(ReasonCode.class)
  void getHint_saysWhatToDo(ReasonCode reason) {
    assertThat(reason.getHint()).isNotBlank().endsWith(".");
  }
}
