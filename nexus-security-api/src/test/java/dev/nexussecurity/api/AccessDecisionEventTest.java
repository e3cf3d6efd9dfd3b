package dev.nexussecurity.api;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Instant;
import org.junit.jupiter.api.Test;

class AccessDecisionEventTest {
  private static final Instant T = Instant.parse("2025-01-02T03:04:05Z");

  private static AccessDecisionEvent.Builder minimal() {
    return AccessDecisionEvent.newBuilder()
        .setTime(T)
        .setSide(AccessDecisionEvent.Side.HANDLER)
        .setAction(AccessDecisionEvent.Action.START)
        .setReason(ReasonCode.CALLER_NOT_ALLOWED);
  }

  @Test
  void build_keepsEveryField() {
    AccessDecisionEvent e =
        minimal()
            .setCallerNamespace("orders-ns")
            .setEndpoint("payments")
            .setService("PaymentService")
            .setOperation("charge")
            .setTokenId("tok-1")
            .setDetail("not on allowlist")
            .build();

    assertThat(e.getTime()).isEqualTo(T);
    assertThat(e.getSide()).isEqualTo(AccessDecisionEvent.Side.HANDLER);
    assertThat(e.getAction()).isEqualTo(AccessDecisionEvent.Action.START);
    assertThat(e.getReason()).isEqualTo(ReasonCode.CALLER_NOT_ALLOWED);
    assertThat(e.isAllowed()).isFalse();
    assertThat(e.getCallerNamespace()).isEqualTo("orders-ns");
    assertThat(e.getEndpoint()).isEqualTo("payments");
    assertThat(e.getService()).isEqualTo("PaymentService");
    assertThat(e.getOperation()).isEqualTo("charge");
    assertThat(e.getTokenId()).isEqualTo("tok-1");
    assertThat(e.getDetail()).isEqualTo("not on allowlist");
  }

  @Test
  void build_optionalFieldsDefault() {
    AccessDecisionEvent e = minimal().setReason(ReasonCode.ALLOWED).build();

    assertThat(e.isAllowed()).isTrue();
    assertThat(e.getCallerNamespace()).isNull();
    assertThat(e.getTokenId()).isNull();
    assertThat(e.getDetail()).isEmpty();
  }

  @Test
  void build_withoutRequiredField_isRejected() {
    assertThatThrownBy(() -> minimal().setTime(null).build())
        .isInstanceOf(NullPointerException.class)
        .hasMessage("time");
    assertThatThrownBy(() -> minimal().setSide(null).build()).hasMessage("side");
    assertThatThrownBy(() -> minimal().setAction(null).build()).hasMessage("action");
    assertThatThrownBy(() -> minimal().setReason(null).build()).hasMessage("reason");
  }

  @Test
  void toString_describesTheDecision() {
    AccessDecisionEvent denied =
        minimal().setCallerNamespace("o").setEndpoint("p").setTokenId("t").build();
    AccessDecisionEvent allowed =
        minimal()
            .setSide(AccessDecisionEvent.Side.CALLER)
            .setAction(AccessDecisionEvent.Action.CANCEL)
            .setReason(ReasonCode.ALLOWED)
            .setDetail("d")
            .build();

    assertThat(denied.toString())
        .isEqualTo(
            "AccessDecisionEvent{HANDLER START DENIED CALLER_NOT_ALLOWED caller=o endpoint=p"
                + " service=null operation=null tokenId=t}");
    assertThat(allowed.toString())
        .isEqualTo(
            "AccessDecisionEvent{CALLER CANCEL ALLOWED caller=null endpoint=null service=null"
                + " operation=null detail=d}");
  }
}
