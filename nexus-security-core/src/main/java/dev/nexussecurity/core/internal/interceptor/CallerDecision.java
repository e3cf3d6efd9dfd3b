package dev.nexussecurity.core.internal.interceptor;

import dev.nexussecurity.api.ReasonCode;

/**
 * Stable numeric codes for caller-side denials, recorded in workflow histories as the version of a
 * per-call version marker. The numbers are part of the history format: never renumber, only append.
 */
final class CallerDecision {
  /** Version marker id prefix; the call's sequence number in the workflow run is appended. */
  static final String DENIAL_MARKER_PREFIX = "dev.nexussecurity.denied.";

  private static final ReasonCode[] BY_CODE = {
    null, // 0 is never recorded
    ReasonCode.UNKNOWN_ENDPOINT, // 1
    ReasonCode.CALLER_NOT_ALLOWED, // 2
    ReasonCode.MISSING_TOKEN, // 3: this worker cannot issue a token for the handler
    ReasonCode.ENDPOINT_POLICY_INVALID, // 4
    ReasonCode.TOKEN_TOO_LARGE, // 5
    ReasonCode.REGISTRY_STALE, // 6
    ReasonCode.PAYLOAD_PROTECTION_NOT_ACCEPTED, // 7
  };

  /** Codes up to this value can be read back; recorded codes above it come from a newer version. */
  static final int MAX_CODE = 64;

  private CallerDecision() {}

  /** The code recorded for {@code reason}; reasons without a code of their own record 2. */
  static int codeOf(ReasonCode reason) {
    for (int i = 1; i < BY_CODE.length; i++) {
      if (BY_CODE[i] == reason) {
        return i;
      }
    }
    return 2;
  }

  /**
   * The reason recorded as {@code code}; unknown codes read as {@link
   * ReasonCode#CALLER_NOT_ALLOWED}.
   */
  static ReasonCode reasonOf(int code) {
    return code > 0 && code < BY_CODE.length ? BY_CODE[code] : ReasonCode.CALLER_NOT_ALLOWED;
  }
}
