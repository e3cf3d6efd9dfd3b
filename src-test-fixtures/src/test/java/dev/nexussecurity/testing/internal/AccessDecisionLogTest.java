package dev.nexussecurity.testing.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.nexussecurity.api.AccessDecisionEvent;
import dev.nexussecurity.api.ReasonCode;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;

class AccessDecisionLogTest {

  @Test
  void snapshot_isInArrivalOrder_unmodifiable_andNotChangedByLaterEvents() {
    AccessDecisionLog log = new AccessDecisionLog();
    log.onAccessDecision(event(ReasonCode.ALLOWED));
    List<AccessDecisionEvent> snapshot = log.snapshot();
    log.onAccessDecision(event(ReasonCode.CALLER_NOT_ALLOWED));

    assertThat(snapshot)
        .extracting(AccessDecisionEvent::getReason)
        .containsExactly(ReasonCode.ALLOWED);
    assertThat(log.snapshot())
        .extracting(AccessDecisionEvent::getReason)
        .containsExactly(ReasonCode.ALLOWED, ReasonCode.CALLER_NOT_ALLOWED);
    assertThatThrownBy(() -> snapshot.add(event(ReasonCode.ALLOWED)))
        .isInstanceOf(UnsupportedOperationException.class);
  }

  @Test
  void clear_forgetsEverything() {
    AccessDecisionLog log = new AccessDecisionLog();
    log.onAccessDecision(event(ReasonCode.ALLOWED));

    log.clear();

    assertThat(log.snapshot()).isEmpty();
  }

  private static AccessDecisionEvent event(ReasonCode reason) {
    return AccessDecisionEvent.newBuilder()
        .setTime(Instant.EPOCH)
        .setSide(AccessDecisionEvent.Side.CALLER)
        .setAction(AccessDecisionEvent.Action.START)
        .setReason(reason)
        .build();
  }
}
