package dev.nexussecurity.testing.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

class TaskQueueKeyTest {
  @Test
  void equalParts_areEqualAndPrintAsNamespaceSlashQueue() {
    assertThat(new TaskQueueKey("ns", "tq")).isEqualTo(new TaskQueueKey("ns", "tq"));
    assertThat(new TaskQueueKey("ns", "tq")).isNotEqualTo(new TaskQueueKey("other", "tq"));
    assertThat(new TaskQueueKey("ns", "tq")).hasToString("ns/tq");
  }

  @Test
  void nullPart_isRejectedNamingIt() {
    assertThatThrownBy(() -> new TaskQueueKey(null, "tq")).hasMessage("namespace");
    assertThatThrownBy(() -> new TaskQueueKey("ns", null)).hasMessage("taskQueue");
  }
}
