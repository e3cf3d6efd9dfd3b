package dev.nexussecurity.core.internal.identity;

import dev.nexussecurity.api.ReasonCode;

/** The outcome of a token check: a reason code, the claims when they could be read, and details. */
public final class Verdict {
  private final ReasonCode reason;
  private final IdentityClaims claims;
  private final String detail;

  private Verdict(ReasonCode reason, IdentityClaims claims, String detail) {
    this.reason = reason;
    this.claims = claims;
    this.detail = detail;
  }

  public static Verdict allowed(IdentityClaims claims) {
    return new Verdict(ReasonCode.ALLOWED, claims, "");
  }

  public static Verdict denied(ReasonCode reason, IdentityClaims claims, String detail) {
    return new Verdict(reason, claims, detail);
  }

  public boolean isAllowed() {
    return reason.isAllowed();
  }

  public ReasonCode getReason() {
    return reason;
  }

  /** The claims (unverified when the signature failed), or {@code null} when unreadable. */
  public IdentityClaims getClaims() {
    return claims;
  }

  /** Specifics of a denial, never secrets; empty when allowed. */
  public String getDetail() {
    return detail;
  }
}
