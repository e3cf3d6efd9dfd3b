package dev.nexussecurity.core.internal.interceptor;

import dev.nexussecurity.api.ReasonCode;

/**
 * The caller-side decision as recorded in the workflow history (a side-effect marker), so that replay
 * reproduces it exactly even if the registry changed since. Encoded as a short string:
 * {@code A|<tokenId>|<issuedAtMillis>|<expiresAtMillis>} or {@code D|<REASON>|<detail>}.
 */
final class CallerDecision {
  final ReasonCode reason;
  final String detail;
  final String tokenId;
  final long issuedAtMillis;
  final long expiresAtMillis;

  private CallerDecision(
      ReasonCode reason, String detail, String tokenId, long issuedAtMillis, long expiresAtMillis) {
    this.reason = reason;
    this.detail = detail;
    this.tokenId = tokenId;
    this.issuedAtMillis = issuedAtMillis;
    this.expiresAtMillis = expiresAtMillis;
  }

  static String allowed(String tokenId, long issuedAtMillis, long expiresAtMillis) {
    return "A|" + tokenId + "|" + issuedAtMillis + "|" + expiresAtMillis;
  }

  static String denied(ReasonCode reason, String detail) {
    return "D|" + reason.name() + "|" + (detail == null ? "" : detail);
  }

  static CallerDecision parse(String recorded) {
    if (recorded == null) {
      throw new IllegalStateException("nexus-security: missing recorded caller decision");
    }
    if (recorded.startsWith("A|")) {
      String[] parts = recorded.split("\\|", 4);
      if (parts.length == 4) {
        return new CallerDecision(
            ReasonCode.ALLOWED, "", parts[1], Long.parseLong(parts[2]), Long.parseLong(parts[3]));
      }
    } else if (recorded.startsWith("D|")) {
      String[] parts = recorded.split("\\|", 3);
      if (parts.length == 3) {
        return new CallerDecision(ReasonCode.valueOf(parts[1]), parts[2], null, 0, 0);
      }
    }
    throw new IllegalStateException(
        "nexus-security: unreadable recorded caller decision '" + recorded + "'");
  }

  boolean isAllowed() {
    return reason.isAllowed();
  }
}
