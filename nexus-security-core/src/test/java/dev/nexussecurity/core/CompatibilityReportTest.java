package dev.nexussecurity.core;

import static org.assertj.core.api.Assertions.assertThat;

import dev.nexussecurity.core.CompatibilityReport.Cause;
import dev.nexussecurity.core.CompatibilityReport.Direction;
import dev.nexussecurity.core.CompatibilityReport.Entry;
import dev.nexussecurity.core.CompatibilityReport.FailureGroup;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class CompatibilityReportTest {
  private static final String MISSING_KEY =
      "the caller encrypts with key id 'new', which the handler cannot decrypt";

  private static Entry ok(String probe, Direction d) {
    return new Entry(probe, d, null, "", false);
  }

  private static Entry failed(String probe, Direction d, Cause cause, String explanation) {
    return new Entry(probe, d, cause, explanation, false);
  }

  /** 30 input probes failing the same way, 30 result probes OK, one failure probe failing. */
  private static CompatibilityReport missingKey() {
    List<Entry> entries = new ArrayList<>();
    for (int i = 0; i < 30; i++) {
      entries.add(failed("probe-" + i, Direction.INPUT, Cause.KEY_UNAVAILABLE, MISSING_KEY));
    }
    for (int i = 0; i < 30; i++) {
      entries.add(ok("probe-" + i, Direction.RESULT));
    }
    entries.add(failed("failure", Direction.FAILURE, Cause.VALUE_CHANGED, "got another type"));
    return new CompatibilityReport(List.of("ENCRYPTION_KEY_UNAVAILABLE: key 'new'"), entries);
  }

  @Test
  void format_oneFailureAcrossManyProbes_isOneLineWithItsCountAndTwoExamples() {
    String report = missingKey().format();

    assertThat(report.lines())
        .containsExactly(
            "Caller and handler converters are NOT compatible (30 of 61 probes OK; 2 distinct"
                + " failures)",
            "  finding: ENCRYPTION_KEY_UNAVAILABLE: key 'new'",
            "  FAIL KEY_UNAVAILABLE [input, caller -> handler] in 30 probes, e.g. 'probe-0',"
                + " 'probe-1': "
                + MISSING_KEY,
            "  FAIL VALUE_CHANGED [failure, handler -> caller] in probe 'failure': got another"
                + " type");
    assertThat(missingKey().toString()).isEqualTo(report);
  }

  @Test
  void failureGroups_countEveryProbe_andEntriesStayPerProbe() {
    CompatibilityReport report = missingKey();

    assertThat(report.getFailureGroups()).hasSize(2);
    FailureGroup keys = report.getFailureGroups().get(0);
    assertThat(keys.getDirection()).isEqualTo(Direction.INPUT);
    assertThat(keys.getCause()).isEqualTo(Cause.KEY_UNAVAILABLE);
    assertThat(keys.getExplanation()).isEqualTo(MISSING_KEY);
    assertThat(keys.getProbeCount()).isEqualTo(30);
    assertThat(keys.getProbes()).startsWith("probe-0", "probe-1").endsWith("probe-29");
    assertThat(report.getEntries()).hasSize(61);
    assertThat(report.getFailures()).hasSize(31);
  }

  @Test
  void differentExplanationsOrDirections_areDistinctFailures() {
    CompatibilityReport report =
        new CompatibilityReport(
            List.of(),
            List.of(
                failed("a", Direction.INPUT, Cause.VALUE_CHANGED, "sent 1, got 2"),
                failed("b", Direction.INPUT, Cause.VALUE_CHANGED, "sent 3, got 4"),
                failed("a", Direction.RESULT, Cause.VALUE_CHANGED, "sent 1, got 2"),
                failed("c", Direction.INPUT, Cause.VALUE_CHANGED, "sent 1, got 2")));

    assertThat(report.getFailureGroups())
        .extracting(FailureGroup::getDirection, FailureGroup::getProbes)
        .containsExactly(
            org.assertj.core.groups.Tuple.tuple(Direction.INPUT, List.of("a", "c")),
            org.assertj.core.groups.Tuple.tuple(Direction.INPUT, List.of("b")),
            org.assertj.core.groups.Tuple.tuple(Direction.RESULT, List.of("a")));
  }

  @Test
  void compatibleReport_isOneLine_withoutFailures() {
    CompatibilityReport report =
        new CompatibilityReport(
            List.of(), List.of(ok("a", Direction.INPUT), ok("a", Direction.RESULT)));

    assertThat(report.getFailureGroups()).isEmpty();
    assertThat(report.format())
        .isEqualTo("Caller and handler converters are compatible (2 of 2 probes OK)\n");
  }

  @Test
  void probeNamesInAGroupLine_areQuotedSafely() {
    CompatibilityReport report =
        new CompatibilityReport(
            List.of(),
            List.of(failed("order\nFAIL fake line", Direction.INPUT, Cause.ENCODE_FAILED, "x")));

    assertThat(report.format().lines()).hasSize(2);
    assertThat(report.format()).doesNotContain("order\nFAIL");
  }
}
