package dev.nexussecurity.api;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatCode;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class SecurityAuditListenerTest {
  private static final NexusEndpoint E =
      NexusEndpoint.newBuilder()
          .setName("payments")
          .setTargetNamespace("ns")
          .setTargetTaskQueue("q")
          .setVersion(1)
          .build();
  private static final RegistryChangeEvent CHANGE =
      new RegistryChangeEvent(Instant.EPOCH, "a", RegistryOperation.CREATE, "payments", null, E);
  private static final AccessDecisionEvent DECISION =
      AccessDecisionEvent.newBuilder()
          .setTime(Instant.EPOCH)
          .setSide(AccessDecisionEvent.Side.CALLER)
          .setAction(AccessDecisionEvent.Action.START)
          .setReason(ReasonCode.ALLOWED)
          .build();

  @Test
  void defaultMethods_doNothing() {
    SecurityAuditListener listener = new SecurityAuditListener() {};

    assertThatCode(() -> listener.onRegistryChange(CHANGE)).doesNotThrowAnyException();
    assertThatCode(() -> listener.onAccessDecision(DECISION)).doesNotThrowAnyException();
  }

  @Test
  void implementingOneMethod_leavesTheOtherANoOp() {
    List<Object> seen = new ArrayList<>();
    SecurityAuditListener listener =
        new SecurityAuditListener() {
          @Override
          public void onRegistryChange(RegistryChangeEvent event) {
            seen.add(event);
          }
        };

    listener.onRegistryChange(CHANGE);
    listener.onAccessDecision(DECISION);

    assertThat(seen).containsExactly(CHANGE);
  }
}
