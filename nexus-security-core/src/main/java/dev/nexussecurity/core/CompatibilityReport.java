package dev.nexussecurity.core;

import dev.nexussecurity.api.internal.UntrustedText;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;

/**
 * The outcome of a {@link ConverterCompatibilityCheck}: definite incompatibilities found by
 * comparing the converters' fingerprints, and, per probe value and direction, OK or the first
 * failure with its cause in words. Never contains key material; contains user sample values only
 * when the check was asked to show them.
 *
 * <p>{@link #format()} (and {@link #toString()}) shows each distinct failure once, with the number
 * of probes it affects and one or two of them as examples ({@link #getFailureGroups()}): one
 * missing key fails every probe of a direction the same way. Every probe's own result stays
 * available from {@link #getEntries()}.
 *
 * <pre>{@code
 * CompatibilityReport report = ConverterCompatibilityCheck.newBuilder(callerConverter, handlerConverter)
 *     .addSample("order", sampleOrder, Order.class)
 *     .build()
 *     .run();
 * if (!report.isCompatible()) {
 *   System.err.println(report.format());
 * }
 * report.assertCompatible(); // throws AssertionError with the report
 * }</pre>
 */
public final class CompatibilityReport {

  /** Which way a value travels. */
  public enum Direction {
    /** Operation input: the caller encodes, the handler decodes. */
    INPUT("caller -> handler"),
    /** Operation result: the handler encodes, the caller decodes. */
    RESULT("handler -> caller"),
    /** Operation failure (message and details): the handler encodes, the caller decodes. */
    FAILURE("handler -> caller");

    private final String arrow;

    Direction(String arrow) {
      this.arrow = arrow;
    }

    /** e.g. {@code "caller -> handler"}. */
    public String getArrow() {
      return arrow;
    }
  }

  /** Why a probe failed. */
  public enum Cause {
    /** The decoding side has no payload converter for the encoding the encoding side wrote. */
    MISSING_PAYLOAD_CONVERTER,
    /** One side encodes with a codec the other side lacks. */
    CODEC_MISSING,
    /** The encrypting side uses a key id the decrypting side does not hold. */
    KEY_UNAVAILABLE,
    /**
     * The encrypting side protects payloads with a payload protection mode (pairwise, HPKE,
     * authenticated or a shared keyset) that the decrypting side's codec does not decode.
     */
    PROTECTION_NOT_ACCEPTED,
    /** The value decoded without error but differs from the original. */
    VALUE_CHANGED,
    /** The encoded payload is larger than the payload size limit. */
    SIZE_OVER_LIMIT,
    /** The encoding side could not encode the value. */
    ENCODE_FAILED,
    /** The decoding side could not decode the payload, for another reason. */
    DECODE_FAILED
  }

  /** The result of one probe in one direction. */
  public static final class Entry {
    private final String probe;
    private final Direction direction;
    private final Cause cause;
    private final String explanation;
    private final boolean userSample;

    Entry(String probe, Direction direction, Cause cause, String explanation, boolean userSample) {
      this.probe = Objects.requireNonNull(probe);
      this.direction = Objects.requireNonNull(direction);
      this.cause = cause;
      this.explanation = explanation == null ? "" : explanation;
      this.userSample = userSample;
    }

    /** The probe's name, e.g. {@code "string (non-ASCII)"} or a user sample's name. */
    public String getProbe() {
      return probe;
    }

    public Direction getDirection() {
      return direction;
    }

    public boolean isOk() {
      return cause == null;
    }

    /** The cause of the failure, or {@code null} when OK. */
    public Cause getCause() {
      return cause;
    }

    /** The failure in words; empty when OK. */
    public String getExplanation() {
      return explanation;
    }

    /** Whether the probe is one of the user's samples. */
    public boolean isUserSample() {
      return userSample;
    }

    @Override
    public String toString() {
      return probe
          + " ["
          + direction.name().toLowerCase(Locale.ROOT)
          + ", "
          + direction.getArrow()
          + "]: "
          + (isOk() ? "OK" : cause + " - " + explanation);
    }
  }

  /**
   * One distinct failure: the probes of one direction that failed with the same cause and the same
   * explanation, in probe order.
   */
  public static final class FailureGroup {
    /** Probe names shown as examples in {@link #toString()}. */
    static final int EXAMPLES = 2;

    private final Direction direction;
    private final Cause cause;
    private final String explanation;
    private final List<String> probes;

    FailureGroup(Direction direction, Cause cause, String explanation, List<String> probes) {
      this.direction = direction;
      this.cause = cause;
      this.explanation = explanation;
      this.probes = Collections.unmodifiableList(new ArrayList<>(probes));
    }

    public Direction getDirection() {
      return direction;
    }

    public Cause getCause() {
      return cause;
    }

    /** The failure in words, the same for every probe of the group. */
    public String getExplanation() {
      return explanation;
    }

    /** The names of the probes that failed this way, in probe order; never empty. */
    public List<String> getProbes() {
      return probes;
    }

    /** The number of probes that failed this way. */
    public int getProbeCount() {
      return probes.size();
    }

    /**
     * One line, e.g. {@code KEY_UNAVAILABLE [input, caller -> handler] in 34 probes, e.g. 'null',
     * 'boolean': ...}.
     */
    @Override
    public String toString() {
      StringBuilder sb =
          new StringBuilder()
              .append(cause)
              .append(" [")
              .append(direction.name().toLowerCase(Locale.ROOT))
              .append(", ")
              .append(direction.getArrow())
              .append("] in ");
      if (probes.size() == 1) {
        sb.append("probe '").append(UntrustedText.quote(probes.get(0))).append('\'');
      } else {
        sb.append(probes.size()).append(" probes, e.g. ");
        for (int i = 0; i < Math.min(EXAMPLES, probes.size()); i++) {
          sb.append(i == 0 ? "'" : ", '").append(UntrustedText.quote(probes.get(i))).append('\'');
        }
      }
      return sb.append(": ").append(explanation).toString();
    }
  }

  private final List<String> findings;
  private final List<Entry> entries;
  private final List<FailureGroup> failureGroups;

  CompatibilityReport(List<String> findings, List<Entry> entries) {
    this.findings = Collections.unmodifiableList(new ArrayList<>(findings));
    this.entries = Collections.unmodifiableList(new ArrayList<>(entries));
    this.failureGroups = Collections.unmodifiableList(group(this.entries));
  }

  private static List<FailureGroup> group(List<Entry> entries) {
    record Key(Direction direction, Cause cause, String explanation) {}
    Map<Key, List<String>> probes = new LinkedHashMap<>();
    for (Entry e : entries) {
      if (!e.isOk()) {
        probes
            .computeIfAbsent(
                new Key(e.getDirection(), e.getCause(), e.getExplanation()), k -> new ArrayList<>())
            .add(e.getProbe());
      }
    }
    List<FailureGroup> groups = new ArrayList<>();
    probes.forEach(
        (k, names) ->
            groups.add(new FailureGroup(k.direction(), k.cause(), k.explanation(), names)));
    return groups;
  }

  /** Whether no finding and no probe failed. */
  public boolean isCompatible() {
    return findings.isEmpty() && entries.stream().allMatch(Entry::isOk);
  }

  /** Definite incompatibilities found by comparing fingerprints, in words. */
  public List<String> getFindings() {
    return findings;
  }

  /** One entry per probe and direction, in probe order. */
  public List<Entry> getEntries() {
    return entries;
  }

  /** The failed entries. */
  public List<Entry> getFailures() {
    List<Entry> failed = new ArrayList<>();
    for (Entry e : entries) {
      if (!e.isOk()) {
        failed.add(e);
      }
    }
    return failed;
  }

  /**
   * The distinct failures, each with the probes it affects, in the order of their first probe: one
   * per direction, cause and explanation.
   */
  public List<FailureGroup> getFailureGroups() {
    return failureGroups;
  }

  /**
   * A readable multi-line report: a verdict line with the number of probes OK, the findings, then
   * one line per distinct failure ({@link #getFailureGroups()}) with its number of probes and one
   * or two of them as examples. The result of every probe is in {@link #getEntries()}.
   */
  public String format() {
    StringBuilder sb = new StringBuilder();
    long failed = entries.stream().filter(e -> !e.isOk()).count();
    sb.append(
        isCompatible()
            ? "Caller and handler converters are compatible"
            : "Caller and handler converters are NOT compatible");
    sb.append(" (").append(entries.size() - failed).append(" of ").append(entries.size());
    sb.append(" probes OK");
    if (!failureGroups.isEmpty()) {
      sb.append("; ")
          .append(failureGroups.size())
          .append(failureGroups.size() == 1 ? " distinct failure" : " distinct failures");
    }
    sb.append(")\n");
    for (String f : findings) {
      sb.append("  finding: ").append(f).append('\n');
    }
    for (FailureGroup g : failureGroups) {
      sb.append("  FAIL ").append(g).append('\n');
    }
    return sb.toString();
  }

  /**
   * Throws an {@link AssertionError} carrying {@link #format()} unless compatible; for tests.
   *
   * @throws AssertionError if the converters are not compatible
   */
  public void assertCompatible() {
    if (!isCompatible()) {
      throw new AssertionError(format());
    }
  }

  @Override
  public String toString() {
    return format();
  }
}
