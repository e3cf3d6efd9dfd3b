package dev.nexussecurity.examples.payments;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class PaymentsServiceImplTest {
  @Test
  void feeCents_is2Point9PercentRoundedHalfUpPlus30() {
    assertThat(PaymentsServiceImpl.feeCents(12_000)).isEqualTo(348 + 30);
    assertThat(PaymentsServiceImpl.feeCents(100)).isEqualTo(3 + 30); // 2.9 -> 3
    assertThat(PaymentsServiceImpl.feeCents(50)).isEqualTo(1 + 30); // 1.45 -> 1
    assertThat(PaymentsServiceImpl.feeCents(1_000)).isEqualTo(29 + 30);
  }

  @Test
  void operationCounter_countsPerOperationAndInTotal() {
    OperationCounter counter = new OperationCounter();
    counter.increment("quote");
    counter.increment("quote");
    counter.increment("charge");

    assertThat(counter.get("quote")).isEqualTo(2);
    assertThat(counter.get("charge")).isEqualTo(1);
    assertThat(counter.get("refund")).isZero();
    assertThat(counter.total()).isEqualTo(3);
  }
}
