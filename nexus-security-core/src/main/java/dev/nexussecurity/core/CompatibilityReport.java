package dev.nexussecurity.core;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Locale;
import java.util.Objects;

/**
 * The outcome of a {@link ConverterCompatibilityCheck}: definite incompatibilities found by
 * comparing the converters' fingerprints, and, per probe value and direction, OK or the first
 * failure with its cause in words. Never contains key material; contains user sample values only
 * when the check was asked to show them.
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

  private final List<String> findings;
  private final List<Entry> entries;

  CompatibilityReport(List<String> findings, List<Entry> entries) {
    this.findings = Collections.unmodifiableList(new ArrayList<>(findings));
    this.entries = Collections.unmodifiableList(new ArrayList<>(entries));
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

  /** A readable multi-line report: a verdict line, the findings, then one line per entry. */
  public String format() {
    StringBuilder sb = new StringBuilder();
    long failed = entries.stream().filter(e -> !e.isOk()).count();
    sb.append(
        isCompatible()
            ? "Caller and handler converters are compatible"
            : "Caller and handler converters are NOT compatible");
    sb.append(" (")
        .append(entries.size() - failed)
        .append(" of ")
        .append(entries.size())
        .append(" probes OK)\n");
    for (String f : findings) {
      sb.append("  finding: ").append(f).append('\n');
    }
    for (Entry e : entries) {
      sb.append("  ").append(e.isOk() ? "OK   " : "FAIL ").append(e).append('\n');
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
