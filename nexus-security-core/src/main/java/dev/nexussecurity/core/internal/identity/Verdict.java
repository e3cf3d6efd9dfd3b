package dev.nexussecurity.core.internal.identity;

import dev.nexussecurity.api.ReasonCode;

/**
 * The outcome of a check stage: a reason code, the claims when they could be read (unverified when
 * authentication failed), and specifics of a denial (never secrets; empty when allowed).
 */
public record Verdict(ReasonCode reason, TokenClaims claims, String detail) {
  public static Verdict allowed(TokenClaims claims) {
    return new Verdict(ReasonCode.ALLOWED, claims, "");
  }

  public static Verdict denied(ReasonCode reason, TokenClaims claims, String detail) {
    return new Verdict(reason, claims, detail);
  }

  public boolean isAllowed() {
    return reason.isAllowed();
  }
}
