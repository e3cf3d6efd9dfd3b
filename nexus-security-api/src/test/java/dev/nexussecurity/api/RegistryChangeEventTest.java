package dev.nexussecurity.api;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Instant;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

class RegistryChangeEventTest {
  private static final Instant T = Instant.parse("2025-01-02T03:04:05Z");
  private static final NexusEndpoint V1 =
      NexusEndpoint.newBuilder()
          .setName("payments")
          .setTargetNamespace("payments-ns")
          .setTargetTaskQueue("q")
          .setVersion(1)
          .build();
  private static final NexusEndpoint V2 = V1.toBuilder().setVersion(2).build();

  @Test
  void create_hasNoBeforeAndVersionBeforeZero() {
    RegistryChangeEvent e =
        new RegistryChangeEvent(T, "alice", RegistryOperation.CREATE, "payments", null, V1);

    assertThat(e.getTime()).isEqualTo(T);
    assertThat(e.getPrincipalId()).isEqualTo("alice");
    assertThat(e.getOperation()).isEqualTo(RegistryOperation.CREATE);
    assertThat(e.getEndpointName()).isEqualTo("payments");
    assertThat(e.getBefore()).isEmpty();
    assertThat(e.getAfter()).contains(V1);
    assertThat(e.getVersionBefore()).isZero();
    assertThat(e.getVersionAfter()).isEqualTo(1);
  }

  @Test
  void update_hasBothVersions() {
    RegistryChangeEvent e =
        new RegistryChangeEvent(T, "alice", RegistryOperation.UPDATE, "payments", V1, V2);

    assertThat(e.getVersionBefore()).isEqualTo(1);
    assertThat(e.getVersionAfter()).isEqualTo(2);
    assertThat(e.toString())
        .isEqualTo(
            "RegistryChangeEvent{UPDATE endpoint=payments by=alice version 1->2 at"
                + " 2025-01-02T03:04:05Z}");
  }

  @Test
  void delete_hasNoAfterAndVersionAfterZero() {
    RegistryChangeEvent e =
        new RegistryChangeEvent(T, "alice", RegistryOperation.DELETE, "payments", V2, null);

    assertThat(e.getAfter()).isEmpty();
    assertThat(e.getVersionBefore()).isEqualTo(2);
    assertThat(e.getVersionAfter()).isZero();
  }

  @ParameterizedTest
  @EnumSource(
      value = RegistryOperation.class,
      names = {"GET", "LIST"})
  void readOperations_areRejected(RegistryOperation operation) {
    assertThatThrownBy(() -> new RegistryChangeEvent(T, "a", operation, "payments", V1, V1))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("write operation");
  }

  @Test
  void requiredFields_areChecked() {
    assertThatThrownBy(
            () -> new RegistryChangeEvent(null, "a", RegistryOperation.CREATE, "p", null, V1))
        .hasMessage("time");
    assertThatThrownBy(
            () -> new RegistryChangeEvent(T, null, RegistryOperation.CREATE, "p", null, V1))
        .hasMessage("principalId");
    assertThatThrownBy(() -> new RegistryChangeEvent(T, "a", null, "p", null, V1))
        .hasMessage("operation");
    assertThatThrownBy(
            () -> new RegistryChangeEvent(T, "a", RegistryOperation.CREATE, null, null, V1))
        .hasMessage("endpointName");
  }
}
