package dev.nexussecurity.api;

import java.time.Instant;
import java.util.Objects;

/**
 * Audit record of one runtime access decision on either side of a Nexus call. Contains no tokens
 * and no key material; the token id is a random identifier that is safe to log and correlates the
 * caller's and the handler's events.
 *
 * <pre>{@code
 * SecurityAuditListener listener = new SecurityAuditListener() {
 *   @Override public void onAccessDecision(AccessDecisionEvent e) {
 *     if (!e.isAllowed()) alerts.send(e.toString());
 *   }
 * };
 * }</pre>
 */
public final class AccessDecisionEvent {
  /** Which worker made the decision. */
  public enum Side {
    /** The caller's workflow worker, before scheduling the operation. */
    CALLER,
    /** The handler's worker, before running handler code. */
    HANDLER
  }

  /** Which request was decided. */
  public enum Action {
    /** Starting an operation. */
    START,
    /** Cancelling an operation. */
    CANCEL,
    /**
     * A handler-side denial made before the SDK reveals whether the request starts or cancels an
     * operation (the check runs before the input is decoded, where both look the same).
     */
    START_OR_CANCEL
  }

  private final Instant time;
  private final Side side;
  private final Action action;
  private final ReasonCode reason;
  private final String callerNamespace;
  private final String endpoint;
  private final String service;
  private final String operation;
  private final String tokenId;
  private final String detail;

  private AccessDecisionEvent(Builder b) {
    this.time = Objects.requireNonNull(b.time, "time");
    this.side = Objects.requireNonNull(b.side, "side");
    this.action = Objects.requireNonNull(b.action, "action");
    this.reason = Objects.requireNonNull(b.reason, "reason");
    this.callerNamespace = b.callerNamespace;
    this.endpoint = b.endpoint;
    this.service = b.service;
    this.operation = b.operation;
    this.tokenId = b.tokenId;
    this.detail = b.detail == null ? "" : b.detail;
  }

  /** Returns a new builder. */
  public static Builder newBuilder() {
    return new Builder();
  }

  public Instant getTime() {
    return time;
  }

  public Side getSide() {
    return side;
  }

  public Action getAction() {
    return action;
  }

  public ReasonCode getReason() {
    return reason;
  }

  public boolean isAllowed() {
    return reason.isAllowed();
  }

  /**
   * The caller namespace as far as it is known (claimed, for denied tokens); may be {@code null}.
   */
  public String getCallerNamespace() {
    return callerNamespace;
  }

  /** The endpoint name; may be {@code null} when the handler could not tell. */
  public String getEndpoint() {
    return endpoint;
  }

  public String getService() {
    return service;
  }

  public String getOperation() {
    return operation;
  }

  /** The caller identity token's id, or {@code null}; an identifier, not a secret. */
  public String getTokenId() {
    return tokenId;
  }

  /** Extra words on the decision (e.g. which field mismatched); never secrets; empty if none. */
  public String getDetail() {
    return detail;
  }

  @Override
  public String toString() {
    return "AccessDecisionEvent{"
        + side
        + " "
        + action
        + " "
        + (isAllowed() ? "ALLOWED" : "DENIED " + reason)
        + " caller="
        + callerNamespace
        + " endpoint="
        + endpoint
        + " service="
        + service
        + " operation="
        + operation
        + (tokenId == null ? "" : " tokenId=" + tokenId)
        + (detail.isEmpty() ? "" : " detail=" + detail)
        + "}";
  }

  /** Builder for {@link AccessDecisionEvent}. */
  public static final class Builder {
    private Instant time;
    private Side side;
    private Action action;
    private ReasonCode reason;
    private String callerNamespace;
    private String endpoint;
    private String service;
    private String operation;
    private String tokenId;
    private String detail;

    private Builder() {}

    public Builder setTime(Instant time) {
      this.time = time;
      return this;
    }

    public Builder setSide(Side side) {
      this.side = side;
      return this;
    }

    public Builder setAction(Action action) {
      this.action = action;
      return this;
    }

    public Builder setReason(ReasonCode reason) {
      this.reason = reason;
      return this;
    }

    public Builder setCallerNamespace(String callerNamespace) {
      this.callerNamespace = callerNamespace;
      return this;
    }

    public Builder setEndpoint(String endpoint) {
      this.endpoint = endpoint;
      return this;
    }

    public Builder setService(String service) {
      this.service = service;
      return this;
    }

    public Builder setOperation(String operation) {
      this.operation = operation;
      return this;
    }

    public Builder setTokenId(String tokenId) {
      this.tokenId = tokenId;
      return this;
    }

    public Builder setDetail(String detail) {
      this.detail = detail;
      return this;
    }

    /** Builds the event; time, side, action and reason are required. */
    public AccessDecisionEvent build() {
      return new AccessDecisionEvent(this);
    }
  }
}
