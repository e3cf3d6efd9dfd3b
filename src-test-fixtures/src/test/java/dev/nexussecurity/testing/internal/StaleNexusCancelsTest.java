package dev.nexussecurity.testing.internal;

import static org.assertj.core.api.Assertions.assertThat;

import io.temporal.api.command.v1.Command;
import io.temporal.api.command.v1.RequestCancelNexusOperationCommandAttributes;
import io.temporal.api.command.v1.StartTimerCommandAttributes;
import io.temporal.api.enums.v1.CommandType;
import java.util.List;
import java.util.OptionalLong;
import org.junit.jupiter.api.Test;

class StaleNexusCancelsTest {
  private static Command cancel(long scheduledEventId) {
    return Command.newBuilder()
        .setCommandType(CommandType.COMMAND_TYPE_REQUEST_CANCEL_NEXUS_OPERATION)
        .setRequestCancelNexusOperationCommandAttributes(
            RequestCancelNexusOperationCommandAttributes.newBuilder()
                .setScheduledEventId(scheduledEventId))
        .build();
  }

  private static final Command TIMER =
      Command.newBuilder()
          .setCommandType(CommandType.COMMAND_TYPE_START_TIMER)
          .setStartTimerCommandAttributes(StartTimerCommandAttributes.newBuilder().setTimerId("t"))
          .build();

  @Test
  void requestsCancel_onlyWithACancelCommand() {
    assertThat(StaleNexusCancels.requestsCancel(List.of())).isFalse();
    assertThat(StaleNexusCancels.requestsCancel(List.of(TIMER))).isFalse();
    assertThat(StaleNexusCancels.requestsCancel(List.of(TIMER, cancel(5)))).isTrue();
  }

  @Test
  void firstStale_cancelsOfPendingOperationsOnly_isEmpty() {
    assertThat(StaleNexusCancels.firstStale(List.of(TIMER, cancel(5), cancel(7)), List.of(5L, 7L)))
        .isEmpty();
  }

  @Test
  void firstStale_cancelOfAnOperationNoLongerPending_isItsScheduledEventId() {
    assertThat(
            StaleNexusCancels.firstStale(List.of(cancel(5), cancel(6), cancel(7)), List.of(5L, 8L)))
        .isEqualTo(OptionalLong.of(6));
  }

  @Test
  void message_namesTheScheduledEventId() {
    assertThat(StaleNexusCancels.message(6))
        .isEqualTo(
            "requested cancelation for a non-existing or already completed operation with"
                + " scheduled event ID of 6");
  }
}
