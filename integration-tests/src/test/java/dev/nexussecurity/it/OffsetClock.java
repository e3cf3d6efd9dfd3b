package dev.nexussecurity.it;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;

/** The system clock moved by an offset that tests change: a worker that lives in the future. */
final class OffsetClock extends Clock {
  private volatile long offsetMillis;

  void advance(Duration d) {
    offsetMillis += d.toMillis();
  }

  void reset() {
    offsetMillis = 0;
  }

  @Override
  public long millis() {
    return System.currentTimeMillis() + offsetMillis;
  }

  @Override
  public Instant instant() {
    return Instant.ofEpochMilli(millis());
  }

  @Override
  public ZoneId getZone() {
    return ZoneOffset.UTC;
  }

  @Override
  public Clock withZone(ZoneId zone) {
    throw new UnsupportedOperationException();
  }
}
