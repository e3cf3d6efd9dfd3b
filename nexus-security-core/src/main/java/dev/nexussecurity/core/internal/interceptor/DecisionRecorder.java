package dev.nexussecurity.core.internal.interceptor;

import com.uber.m3.tally.Scope;
import dev.nexussecurity.api.AccessDecisionEvent;
import dev.nexussecurity.api.ReasonCode;
import dev.nexussecurity.api.SecurityAuditListener;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.function.LongSupplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Reports access decisions: a counter in the worker's metrics scope, an audit log line and the
 * audit listeners. Never logs tokens or keys: events carry only identifiers.
 */
final class DecisionRecorder {
  /** Counter of access decisions, tagged side, action, outcome and reason. */
  static final String DECISIONS_COUNTER = "nexus_security_access_decisions";

  /**
   * Counter of requests a handler admitted without a token under the rollout switch
   * (HandlerPolicy.rolloutAdmitCallsWithoutToken), tagged side and action.
   */
  static final String WITHOUT_TOKEN_COUNTER = "nexus_security_calls_without_token";

  /** The decisions counter's outcome tag for requests admitted without a token. */
  static final String OUTCOME_ADMITTED_WITHOUT_TOKEN = "admitted_without_token";

  private static final Logger AUDIT = LoggerFactory.getLogger("dev.nexussecurity.audit");
  private static final Logger LOG = LoggerFactory.getLogger(DecisionRecorder.class);

  /** Denial lines logged per second at most; the rest are counted and reported with the next. */
  static final int DENIAL_LINES_PER_SECOND = 20;

  private final List<SecurityAuditListener> listeners;
  private final LongSupplier nanoTime;
  private long windowStartNanos;
  private int linesInWindow;
  private long suppressed;

  DecisionRecorder(List<SecurityAuditListener> listeners) {
    this(listeners, System::nanoTime);
  }

  DecisionRecorder(List<SecurityAuditListener> listeners, LongSupplier nanoTime) {
    this.listeners = List.copyOf(listeners);
    this.nanoTime = nanoTime;
    this.windowStartNanos = nanoTime.getAsLong();
  }

  /**
   * Whether a denial line may be logged now; -1 when not, else the number of lines suppressed since
   * the last logged one.
   */
  synchronized long admitDenialLine() {
    long now = nanoTime.getAsLong();
    if (now - windowStartNanos >= 1_000_000_000L) {
      windowStartNanos = now;
      linesInWindow = 0;
    }
    if (linesInWindow >= DENIAL_LINES_PER_SECOND) {
      suppressed++;
      return -1;
    }
    linesInWindow++;
    long s = suppressed;
    suppressed = 0;
    return s;
  }

  /** Denial lines suppressed by the rate limit and not yet reported. */
  synchronized long getSuppressed() {
    return suppressed;
  }

  /**
   * Reports a request admitted without a token by the rollout switch: its own counter, the
   * decisions counter with outcome {@value #OUTCOME_ADMITTED_WITHOUT_TOKEN}, a WARN audit line
   * (rate-limited like denials) and the listeners (the event's reason is {@code MISSING_TOKEN},
   * what the decision will be once the switch is off; its detail says it was admitted).
   */
  void recordAdmittedWithoutToken(AccessDecisionEvent event, Scope metrics) {
    if (metrics != null) {
      String side = event.getSide().name().toLowerCase(Locale.ROOT);
      String action = event.getAction().name().toLowerCase(Locale.ROOT);
      metrics.tagged(Map.of("side", side, "action", action)).counter(WITHOUT_TOKEN_COUNTER).inc(1);
      metrics
          .tagged(
              Map.of(
                  "side", side,
                  "action", action,
                  "outcome", OUTCOME_ADMITTED_WITHOUT_TOKEN,
                  "reason", event.getReason().name()))
          .counter(DECISIONS_COUNTER)
          .inc(1);
    }
    long suppressedBefore = admitDenialLine();
    if (suppressedBefore >= 0) {
      AUDIT.warn(
          "{} {} ADMITTED WITHOUT TOKEN by the rollout switch"
              + " HandlerPolicy.rolloutAdmitCallsWithoutToken (denied MISSING_TOKEN once it is"
              + " off) endpoint={} service={} operation={}{}",
          event.getSide(),
          event.getAction(),
          event.getEndpoint(),
          event.getService(),
          event.getOperation(),
          suppressedBefore > 0
              ? " (" + suppressedBefore + " lines suppressed by the rate limit before this one)"
              : "");
    }
    notifyListeners(event);
  }

  void record(AccessDecisionEvent event, Scope metrics) {
    if (metrics != null) {
      metrics
          .tagged(decisionTags(event.getSide(), event.getAction(), event.getReason()))
          .counter(DECISIONS_COUNTER)
          .inc(1);
    }
    if (event.isAllowed()) {
      AUDIT.debug("{}", event);
    } else {
      long suppressedBefore = admitDenialLine();
      if (suppressedBefore > 0) {
        AUDIT.info(
            "{} ({} denial lines suppressed by the rate limit before this one)",
            event,
            suppressedBefore);
      } else if (suppressedBefore == 0) {
        AUDIT.info("{}", event);
      }
    }
    notifyListeners(event);
  }

  /**
   * The tags of the decisions counter for one (side, action, reason), built once per combination:
   * every recorded decision needs them.
   */
  static Map<String, String> decisionTags(
      AccessDecisionEvent.Side side, AccessDecisionEvent.Action action, ReasonCode reason) {
    return DECISION_TAGS.get(tagIndex(side, action, reason));
  }

  private static int tagIndex(
      AccessDecisionEvent.Side side, AccessDecisionEvent.Action action, ReasonCode reason) {
    return (side.ordinal() * ACTIONS + action.ordinal()) * REASONS + reason.ordinal();
  }

  private static final int ACTIONS = AccessDecisionEvent.Action.values().length;
  private static final int REASONS = ReasonCode.values().length;

  private static final List<Map<String, String>> DECISION_TAGS = decisionTagTable();

  private static List<Map<String, String>> decisionTagTable() {
    List<Map<String, String>> table = new ArrayList<>();
    for (AccessDecisionEvent.Side side : AccessDecisionEvent.Side.values()) {
      for (AccessDecisionEvent.Action action : AccessDecisionEvent.Action.values()) {
        for (ReasonCode reason : ReasonCode.values()) {
          table.add(
              Map.of(
                  "side", side.name().toLowerCase(Locale.ROOT),
                  "action", action.name().toLowerCase(Locale.ROOT),
                  "outcome", reason.isAllowed() ? "allowed" : "denied",
                  "reason", reason.name()));
        }
      }
    }
    return List.copyOf(table);
  }

  private void notifyListeners(AccessDecisionEvent event) {
    for (SecurityAuditListener l : listeners) {
      try {
        l.onAccessDecision(event);
      } catch (RuntimeException e) {
        LOG.warn("Audit listener {} threw; ignoring", l.getClass().getName(), e);
      }
    }
  }
}
