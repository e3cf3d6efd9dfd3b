package dev.nexussecurity.examples;

import java.util.Objects;

/**
 * What one demo scenario expected and what happened, and whether the two agree.
 *
 * <pre>{@code
 * ScenarioResult r = scenarios.allowedCaller();
 * System.out.println(r.toLine()); // "PASS  1 allowed caller: expected ... | got ..."
 * }</pre>
 */
public final class ScenarioResult {
  private final int number;
  private final String title;
  private final String expected;
  private final String actual;
  private final boolean passed;

  /** Creates a result; all strings non-null. */
  public ScenarioResult(int number, String title, String expected, String actual, boolean passed) {
    this.number = number;
    this.title = Objects.requireNonNull(title, "title");
    this.expected = Objects.requireNonNull(expected, "expected");
    this.actual = Objects.requireNonNull(actual, "actual");
    this.passed = passed;
  }

  /** The scenario's number, 1 to 6. */
  public int getNumber() {
    return number;
  }

  /** A short title. */
  public String getTitle() {
    return title;
  }

  /** What the scenario expected, in words. */
  public String getExpected() {
    return expected;
  }

  /** What happened, in words. */
  public String getActual() {
    return actual;
  }

  /** Whether what happened is what was expected. */
  public boolean isPassed() {
    return passed;
  }

  /** The one line the demo prints for this scenario. */
  public String toLine() {
    return (passed ? "PASS" : "FAIL")
        + "  "
        + number
        + ". "
        + title
        + ": expected "
        + expected
        + " | got "
        + actual;
  }

  @Override
  public String toString() {
    return toLine();
  }
}
