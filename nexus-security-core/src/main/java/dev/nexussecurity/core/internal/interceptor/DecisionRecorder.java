package dev.nexussecurity.core.internal.interceptor;

import com.uber.m3.tally.Scope;
import dev.nexussecurity.api.AccessDecisionEvent;
import dev.nexussecurity.api.SecurityAuditListener;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Reports access decisions: a counter in the worker's metrics scope, an audit log line and the
 * audit listeners. Never logs tokens or keys: events carry only identifiers.
 */
final class DecisionRecorder {
  /** Counter of access decisions, tagged side, action, outcome and reason. */
  static final String DECISIONS_COUNTER = "nexus_security_access_decisions";

  private static final Logger AUDIT = LoggerFactory.getLogger("dev.nexussecurity.audit");
  private static final Logger LOG = LoggerFactory.getLogger(DecisionRecorder.class);

  private final List<SecurityAuditListener> listeners;

  DecisionRecorder(List<SecurityAuditListener> listeners) {
    this.listeners = List.copyOf(listeners);
  }

  void record(AccessDecisionEvent event, Scope metrics) {
    if (metrics != null) {
      metrics
          .tagged(
              Map.of(
                  "side", event.getSide().name().toLowerCase(Locale.ROOT),
                  "action", event.getAction().name().toLowerCase(Locale.ROOT),
                  "outcome", event.isAllowed() ? "allowed" : "denied",
                  "reason", event.getReason().name()))
          .counter(DECISIONS_COUNTER)
          .inc(1);
    }
    if (event.isAllowed()) {
      AUDIT.debug("{}", event);
    } else {
      AUDIT.info("{}", event);
    }
    for (SecurityAuditListener l : listeners) {
      try {
        l.onAccessDecision(event);
      } catch (RuntimeException e) {
        LOG.warn("Audit listener {} threw; ignoring", l.getClass().getName(), e);
      }
    }
  }
}
