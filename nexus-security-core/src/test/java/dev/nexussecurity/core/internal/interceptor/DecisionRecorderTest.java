package dev.nexussecurity.core.internal.interceptor;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.groups.Tuple.tuple;

import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import com.uber.m3.tally.Buckets;
import com.uber.m3.tally.Capabilities;
import com.uber.m3.tally.CapableOf;
import com.uber.m3.tally.RootScopeBuilder;
import com.uber.m3.tally.Scope;
import com.uber.m3.tally.ScopeCloseException;
import com.uber.m3.tally.StatsReporter;
import com.uber.m3.util.Duration;
import dev.nexussecurity.api.AccessDecisionEvent;
import dev.nexussecurity.api.AccessDecisionEvent.Action;
import dev.nexussecurity.api.AccessDecisionEvent.Side;
import dev.nexussecurity.api.ReasonCode;
import dev.nexussecurity.api.SecurityAuditListener;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.slf4j.LoggerFactory;

/**
 * The decision counter through a real Tally scope (the type of a worker's metrics scope), the audit
 * log line and the audit listeners.
 */
class DecisionRecorderTest {
  /** One counter value as a reporter received it. */
  record Reported(String name, Map<String, String> tags, long value) {}

  /** A Tally reporter that keeps every counter it is given. */
  static final class CapturingReporter implements StatsReporter {
    final List<Reported> counters = new CopyOnWriteArrayList<>();

    @Override
    public void reportCounter(String name, Map<String, String> tags, long value) {
      counters.add(new Reported(name, Map.copyOf(tags), value));
    }

    @Override
    public void reportGauge(String name, Map<String, String> tags, double value) {}

    @Override
    public void reportTimer(String name, Map<String, String> tags, Duration interval) {}

    @Override
    public void reportHistogramValueSamples(
        String name,
        Map<String, String> tags,
        Buckets buckets,
        double bucketLowerBound,
        double bucketUpperBound,
        long samples) {}

    @Override
    public void reportHistogramDurationSamples(
        String name,
        Map<String, String> tags,
        Buckets buckets,
        Duration bucketLowerBound,
        Duration bucketUpperBound,
        long samples) {}

    @Override
    public Capabilities capabilities() {
      return CapableOf.REPORTING_TAGGING;
    }

    @Override
    public void flush() {}

    @Override
    public void close() {}
  }

  private final CapturingReporter reporter = new CapturingReporter();
  // Reports on close() (and whenever its report loop runs).
  private final Scope scope =
      new RootScopeBuilder()
          .reporter(reporter)
          .tags(Map.of("namespace", "orders-ns"))
          .reportEvery(Duration.ofSeconds(3600));
  private final List<AccessDecisionEvent> heard = new ArrayList<>();
  private final ListAppender<ILoggingEvent> auditLog = new ListAppender<>();
  private final Logger auditLogger = (Logger) LoggerFactory.getLogger("dev.nexussecurity.audit");

  @BeforeEach
  void captureAuditLog() {
    auditLog.start();
    auditLogger.addAppender(auditLog);
  }

  @AfterEach
  void release() {
    auditLogger.detachAppender(auditLog);
    closeScope();
  }

  /** Closes the scope, which reports what it holds; closing twice is harmless. */
  private void closeScope() {
    try {
      scope.close();
    } catch (ScopeCloseException e) {
      throw new AssertionError(e);
    }
  }

  private static AccessDecisionEvent event(Side side, Action action, ReasonCode reason) {
    return AccessDecisionEvent.newBuilder()
        .setTime(Instant.parse("2025-01-01T00:00:00Z"))
        .setSide(side)
        .setAction(action)
        .setReason(reason)
        .setCallerNamespace("orders-ns")
        .setEndpoint("payments")
        .setService("Payments")
        .setOperation("charge")
        .setTokenId("3f1c0d2e-0000-4000-8000-000000000001")
        .build();
  }

  /** A listener that adds every decision to {@code into}. */
  private static SecurityAuditListener collectingInto(List<AccessDecisionEvent> into) {
    return new SecurityAuditListener() {
      @Override
      public void onAccessDecision(AccessDecisionEvent e) {
        into.add(e);
      }
    };
  }

  private DecisionRecorder recorder(SecurityAuditListener... listeners) {
    return new DecisionRecorder(List.of(listeners));
  }

  /**
   * The decision counter's totals per tag set, once the scope is closed. Tally reports counters as
   * deltas, and its report loop may run at any time (also right after the scope is built), so the
   * reports are summed.
   */
  private List<Reported> reportedDecisions() {
    closeScope();
    Map<Map<String, String>, Long> totals = new LinkedHashMap<>();
    for (Reported r : reporter.counters) {
      if (r.name().equals(DecisionRecorder.DECISIONS_COUNTER)) {
        totals.merge(r.tags(), r.value(), Long::sum);
      }
    }
    return totals.entrySet().stream()
        .map(e -> new Reported(DecisionRecorder.DECISIONS_COUNTER, e.getKey(), e.getValue()))
        .toList();
  }

  @Test
  void decisions_incrementOneCounter_taggedBySideActionOutcomeAndReason() {
    DecisionRecorder recorder = recorder();

    recorder.record(event(Side.CALLER, Action.START, ReasonCode.ALLOWED), scope);
    recorder.record(event(Side.HANDLER, Action.START, ReasonCode.ALLOWED), scope);
    recorder.record(event(Side.HANDLER, Action.START, ReasonCode.ALLOWED), scope);
    recorder.record(
        event(Side.HANDLER, Action.START_OR_CANCEL, ReasonCode.CALLER_NOT_ALLOWED), scope);
    recorder.record(event(Side.HANDLER, Action.CANCEL, ReasonCode.ALLOWED), scope);
    recorder.record(event(Side.CALLER, Action.START, ReasonCode.UNKNOWN_ENDPOINT), scope);

    assertThat(reportedDecisions())
        .extracting(Reported::tags, Reported::value)
        .containsExactlyInAnyOrder(
            tuple(tags("caller", "start", "allowed", "ALLOWED"), 1L),
            tuple(tags("handler", "start", "allowed", "ALLOWED"), 2L),
            tuple(tags("handler", "start_or_cancel", "denied", "CALLER_NOT_ALLOWED"), 1L),
            tuple(tags("handler", "cancel", "allowed", "ALLOWED"), 1L),
            tuple(tags("caller", "start", "denied", "UNKNOWN_ENDPOINT"), 1L));
  }

  @Test
  void counter_keepsTheTagsOfTheWorkersScope() {
    recorder().record(event(Side.HANDLER, Action.START, ReasonCode.BAD_SIGNATURE), scope);

    assertThat(reportedDecisions())
        .singleElement()
        .satisfies(r -> assertThat(r.tags()).containsEntry("namespace", "orders-ns"));
  }

  @Test
  void noMetricsScope_stillAuditsTheDecision() {
    recorder(collectingInto(heard))
        .record(event(Side.CALLER, Action.START, ReasonCode.ALLOWED), null);

    assertThat(heard).hasSize(1);
    assertThat(reportedDecisions()).isEmpty();
  }

  @Test
  void everyListenerHearsEveryDecision_evenWhenAnotherListenerThrows() {
    SecurityAuditListener throwing =
        new SecurityAuditListener() {
          @Override
          public void onAccessDecision(AccessDecisionEvent e) {
            throw new IllegalStateException("listener failure");
          }
        };
    List<AccessDecisionEvent> second = new ArrayList<>();
    DecisionRecorder recorder = recorder(collectingInto(heard), throwing, collectingInto(second));
    AccessDecisionEvent denied =
        event(Side.HANDLER, Action.START_OR_CANCEL, ReasonCode.TOKEN_EXPIRED);

    recorder.record(denied, scope);

    assertThat(heard).containsExactly(denied);
    assertThat(second).containsExactly(denied);
    assertThat(reportedDecisions()).singleElement().extracting(Reported::value).isEqualTo(1L);
  }

  @Test
  void denials_areLoggedAtInfo_allowedDecisionsAtDebug_asTheEventText() {
    DecisionRecorder recorder = recorder();
    ch.qos.logback.classic.Level previous = auditLogger.getLevel();
    auditLogger.setLevel(ch.qos.logback.classic.Level.DEBUG);
    try {
      recorder.record(event(Side.HANDLER, Action.START, ReasonCode.ALLOWED), scope);
      recorder.record(event(Side.HANDLER, Action.START, ReasonCode.TOKEN_REPLAYED), scope);
    } finally {
      auditLogger.setLevel(previous);
    }

    assertThat(auditLog.list)
        .extracting(ILoggingEvent::getLevel, ILoggingEvent::getFormattedMessage)
        .containsExactly(
            tuple(
                ch.qos.logback.classic.Level.DEBUG,
                "AccessDecisionEvent{HANDLER START ALLOWED caller=orders-ns endpoint=payments"
                    + " service=Payments operation=charge"
                    + " tokenId=3f1c0d2e-0000-4000-8000-000000000001}"),
            tuple(
                ch.qos.logback.classic.Level.INFO,
                "AccessDecisionEvent{HANDLER START DENIED TOKEN_REPLAYED caller=orders-ns"
                    + " endpoint=payments service=Payments operation=charge"
                    + " tokenId=3f1c0d2e-0000-4000-8000-000000000001}"));
  }

  @Test
  void denialLines_overTheRateLimit_areSuppressed_andCountedInTheNextLoggedLine() {
    long[] nanos = {0};
    DecisionRecorder recorder = new DecisionRecorder(java.util.List.of(), () -> nanos[0]);
    for (int i = 0; i < DecisionRecorder.DENIAL_LINES_PER_SECOND; i++) {
      assertThat(recorder.admitDenialLine()).isZero();
    }
    assertThat(recorder.admitDenialLine()).isEqualTo(-1);
    assertThat(recorder.admitDenialLine()).isEqualTo(-1);
    assertThat(recorder.getSuppressed()).isEqualTo(2);
    nanos[0] += 1_000_000_000L;
    assertThat(recorder.admitDenialLine()).as("suppressed lines reported").isEqualTo(2);
    assertThat(recorder.getSuppressed()).isZero();
  }

  @Test
  void denialLines_overTheRateLimit_areNotLogged_butListenersHearEveryDecision() {
    long[] nanos = {0};
    List<AccessDecisionEvent> all = new java.util.ArrayList<>();
    DecisionRecorder recorder =
        new DecisionRecorder(java.util.List.of(collectingInto(all)), () -> nanos[0]);
    int before = auditLog.list.size();
    for (int i = 0; i < DecisionRecorder.DENIAL_LINES_PER_SECOND + 5; i++) {
      recorder.record(event(Side.HANDLER, Action.START, ReasonCode.TOKEN_REPLAYED), scope);
    }
    assertThat(auditLog.list.size() - before).isEqualTo(DecisionRecorder.DENIAL_LINES_PER_SECOND);
    assertThat(all).hasSize(DecisionRecorder.DENIAL_LINES_PER_SECOND + 5);
    nanos[0] += 1_000_000_000L;
    recorder.record(event(Side.HANDLER, Action.START, ReasonCode.TOKEN_REPLAYED), scope);
    assertThat(auditLog.list.get(auditLog.list.size() - 1).getFormattedMessage())
        .contains("5 denial lines suppressed");
  }

  private static Map<String, String> tags(
      String side, String action, String outcome, String reason) {
    return Map.of(
        "namespace", "orders-ns",
        "side", side,
        "action", action,
        "outcome", outcome,
        "reason", reason);
  }

  @Test
  void admittedWithoutToken_countsItsOwnCounter_andTheDecisionWithADistinctOutcome() {
    AccessDecisionEvent e = event(Side.HANDLER, Action.START, ReasonCode.MISSING_TOKEN);
    recorder(collectingInto(heard)).recordAdmittedWithoutToken(e, scope);

    assertThat(reportedDecisions())
        .extracting(Reported::tags, Reported::value)
        .containsExactly(
            tuple(tags("handler", "start", "admitted_without_token", "MISSING_TOKEN"), 1L));
    assertThat(reporter.counters)
        .filteredOn(r -> r.name().equals(DecisionRecorder.WITHOUT_TOKEN_COUNTER))
        .extracting(Reported::tags, Reported::value)
        .containsExactly(
            tuple(Map.of("namespace", "orders-ns", "side", "handler", "action", "start"), 1L));
    assertThat(auditLog.list)
        .singleElement()
        .satisfies(
            l -> {
              assertThat(l.getLevel()).isEqualTo(ch.qos.logback.classic.Level.WARN);
              assertThat(l.getFormattedMessage())
                  .startsWith("HANDLER START ADMITTED WITHOUT TOKEN by the rollout switch")
                  .contains("endpoint=payments service=Payments operation=charge")
                  .doesNotContain("DENIED");
            });
    assertThat(heard).containsExactly(e);
  }

  @Test
  void deniedMissingToken_isNotCountedAsAdmittedWithoutToken() {
    recorder().record(event(Side.HANDLER, Action.START, ReasonCode.MISSING_TOKEN), scope);

    assertThat(reportedDecisions())
        .extracting(Reported::tags)
        .containsExactly(tags("handler", "start", "denied", "MISSING_TOKEN"));
    assertThat(reporter.counters)
        .noneMatch(r -> r.name().equals(DecisionRecorder.WITHOUT_TOKEN_COUNTER));
    assertThat(auditLog.list)
        .singleElement()
        .satisfies(l -> assertThat(l.getFormattedMessage()).contains("DENIED MISSING_TOKEN"));
  }

  @Test
  void denialLines_rateLimitWindow_isMeasuredFromItsStart_whateverTheClocksOrigin() {
    long[] nanos = {7_000_000_000L};
    DecisionRecorder recorder = new DecisionRecorder(java.util.List.of(), () -> nanos[0]);
    for (int i = 0; i < DecisionRecorder.DENIAL_LINES_PER_SECOND; i++) {
      assertThat(recorder.admitDenialLine()).isZero();
    }
    nanos[0] += 999_999_999L;
    assertThat(recorder.admitDenialLine()).isEqualTo(-1);
    nanos[0] += 1;
    assertThat(recorder.admitDenialLine()).isEqualTo(1);
  }

  @Test
  void admittedWithoutToken_linesShareTheDenialRateLimit_andReportWhatWasSuppressed() {
    long[] nanos = {0};
    DecisionRecorder recorder = new DecisionRecorder(java.util.List.of(), () -> nanos[0]);
    AccessDecisionEvent e = event(Side.HANDLER, Action.START, ReasonCode.MISSING_TOKEN);
    recorder.recordAdmittedWithoutToken(e, null);
    assertThat(auditLog.list)
        .singleElement()
        .satisfies(l -> assertThat(l.getFormattedMessage()).doesNotContain("suppressed"));
    for (int i = 0; i < DecisionRecorder.DENIAL_LINES_PER_SECOND + 2; i++) {
      recorder.recordAdmittedWithoutToken(e, null);
    }
    assertThat(auditLog.list).hasSize(DecisionRecorder.DENIAL_LINES_PER_SECOND);
    nanos[0] += 1_000_000_000L;
    recorder.recordAdmittedWithoutToken(e, null);
    assertThat(auditLog.list.get(auditLog.list.size() - 1).getFormattedMessage())
        .endsWith(" (3 lines suppressed by the rate limit before this one)");
  }
}
