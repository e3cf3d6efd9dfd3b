package dev.nexussecurity.core;

import java.time.Duration;

/** Validation of duration options, with messages naming field and value. */
final class Durations {
  private Durations() {}

  static Duration atLeast(String field, Duration value, Duration min) {
    if (value == null || value.compareTo(min) < 0) {
      throw new IllegalArgumentException(field + " must be at least " + min + ", got " + value);
    }
    return value;
  }
}
