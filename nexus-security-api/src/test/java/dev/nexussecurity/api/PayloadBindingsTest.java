package dev.nexussecurity.api;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class PayloadBindingsTest {
  private static final PayloadBinding BINDING =
      PayloadBinding.newBuilder()
          .setDirection(PayloadBinding.Direction.INPUT)
          .setBindingId("token-1")
          .setCallerNamespace("orders")
          .setHandlerNamespace("payments")
          .setEndpoint("payments")
          .setService("PaymentsService")
          .setOperation("charge")
          .build();

  @AfterEach
  void clear() {
    PayloadBindings.clear();
  }

  @Test
  void takeVerifiedInput_ofTheRecordedBinding_isTrueOnce() {
    PayloadBindings.set(BINDING);
    PayloadBindings.recordVerifiedInput("token-1");

    assertThat(PayloadBindings.takeVerifiedInput("token-1")).isTrue();
    assertThat(PayloadBindings.takeVerifiedInput("token-1")).isFalse();
  }

  @Test
  void takeRejectedInput_ofTheRecordedBinding_returnsReasonAndDetailOnce() {
    PayloadBindings.set(BINDING);
    PayloadBindings.recordRejectedInput("token-1", "CONTEXT_MISMATCH", "belongs to another call");

    PayloadBindings.RejectedInput rejected =
        PayloadBindings.takeRejectedInput("token-1").orElseThrow();
    assertThat(rejected.getBindingId()).isEqualTo("token-1");
    assertThat(rejected.getReasonName()).isEqualTo("CONTEXT_MISMATCH");
    assertThat(rejected.getDetail()).isEqualTo("belongs to another call");
    assertThat(rejected.toString()).contains("CONTEXT_MISMATCH").doesNotContain("token-1");
    assertThat(PayloadBindings.takeRejectedInput("token-1")).isEmpty();
  }

  @Test
  void takeRejectedInput_ofAnotherBinding_isEmpty() {
    PayloadBindings.recordRejectedInput("token-1", "CONTEXT_MISMATCH", "detail");

    assertThat(PayloadBindings.takeRejectedInput("token-2")).isEmpty();
  }

  @Test
  void recordRejectedInput_forgetsAVerifiedRecord() {
    PayloadBindings.recordVerifiedInput("token-1");
    PayloadBindings.recordRejectedInput("token-1", "AUTHENTICATION_FAILED", "detail");

    assertThat(PayloadBindings.takeVerifiedInput("token-1")).isFalse();
  }

  @Test
  void set_forgetsARejectedRecordOfThePreviousCall() {
    PayloadBindings.recordRejectedInput("token-1", "CONTEXT_MISMATCH", "detail");
    PayloadBindings.set(BINDING);

    assertThat(PayloadBindings.takeRejectedInput("token-1")).isEmpty();
  }
}
