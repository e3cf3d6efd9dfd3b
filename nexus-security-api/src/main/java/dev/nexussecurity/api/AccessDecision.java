package dev.nexussecurity.api;

/**
 * The outcome of an access check: allowed, or denied with a {@link ReasonCode}.
 *
 * <p>Instances are shared constants, one per reason code, so that access checks on the hot path
 * allocate nothing. Compare with {@link #isAllowed()} or {@link #getReason()}.
 *
 * <pre>{@code
 * AccessDecision decision = registry.checkAccess("payments", "orders-ns");
 * if (decision.isAllowed()) { ... } else { decision.getReason(); }
 * }</pre>
 */
public final class AccessDecision {
  private static final AccessDecision[] BY_REASON = new AccessDecision[ReasonCode.values().length];

  static {
    for (ReasonCode r : ReasonCode.values()) {
      BY_REASON[r.ordinal()] = new AccessDecision(r);
    }
  }

  private final ReasonCode reason;

  private AccessDecision(ReasonCode reason) {
    this.reason = reason;
  }

  /** The decision that allows a call. */
  public static AccessDecision allowed() {
    return BY_REASON[ReasonCode.ALLOWED.ordinal()];
  }

  /**
   * The decision that denies a call for {@code reason}.
   *
   * @throws IllegalArgumentException if {@code reason} is {@link ReasonCode#ALLOWED}
   */
  public static AccessDecision denied(ReasonCode reason) {
    if (reason == null || reason.isAllowed()) {
      throw new IllegalArgumentException("a denial needs a denying reason code, got " + reason);
    }
    return BY_REASON[reason.ordinal()];
  }

  /** The decision for {@code reason}, allowing or denying. */
  public static AccessDecision of(ReasonCode reason) {
    if (reason == null) {
      throw new IllegalArgumentException("reason must not be null");
    }
    return BY_REASON[reason.ordinal()];
  }

  /** Whether the call is allowed. */
  public boolean isAllowed() {
    return reason.isAllowed();
  }

  /** The reason; {@link ReasonCode#ALLOWED} for an allowed call. */
  public ReasonCode getReason() {
    return reason;
  }

  @Override
  public String toString() {
    return isAllowed() ? "ALLOWED" : "DENIED(" + reason + ")";
  }
}
