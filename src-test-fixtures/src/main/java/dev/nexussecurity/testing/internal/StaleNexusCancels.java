package dev.nexussecurity.testing.internal;

import io.temporal.api.command.v1.Command;
import io.temporal.api.enums.v1.CommandType;
import java.util.Collection;
import java.util.List;
import java.util.OptionalLong;

/**
 * Finds the cancel commands of a workflow task completion that name a Nexus operation which is no
 * longer pending.
 *
 * <p>A caller workflow asks to cancel an operation that, unknown to it, completed while its
 * workflow task was running (the completion is buffered until the task ends): the pattern "start
 * several operations, take the first result, cancel the others" does this whenever two operations
 * complete close together. A real server fails such a workflow task ({@code
 * WORKFLOW_TASK_FAILED_CAUSE_BAD_REQUEST_CANCEL_NEXUS_OPERATION_ATTRIBUTES}) and schedules a new
 * one, whose history holds the completion, so the workflow no longer asks to cancel it. The
 * embedded server of temporal-testing 1.38.0 instead throws {@code INVALID_ARGUMENT: Nexus
 * operation not found} half-way through applying the completion, after it has marked the workflow
 * task completed but before it writes anything to history: no new workflow task is ever scheduled
 * and the workflow waits forever. {@link InProcessTemporalServer} checks completions with this
 * class first and fails such a workflow task itself, as a real server does.
 */
public final class StaleNexusCancels {
  private StaleNexusCancels() {}

  /** Whether any command asks to cancel a Nexus operation. */
  public static boolean requestsCancel(List<Command> commands) {
    for (Command command : commands) {
      if (command.getCommandType() == CommandType.COMMAND_TYPE_REQUEST_CANCEL_NEXUS_OPERATION) {
        return true;
      }
    }
    return false;
  }

  /**
   * The scheduled event id of the first cancel command whose operation is not pending.
   *
   * @param commands the commands of a workflow task completion
   * @param pendingScheduledEventIds scheduled event ids of the workflow's pending Nexus operations
   */
  public static OptionalLong firstStale(
      List<Command> commands, Collection<Long> pendingScheduledEventIds) {
    for (Command command : commands) {
      if (command.getCommandType() != CommandType.COMMAND_TYPE_REQUEST_CANCEL_NEXUS_OPERATION) {
        continue;
      }
      long id = command.getRequestCancelNexusOperationCommandAttributes().getScheduledEventId();
      if (!pendingScheduledEventIds.contains(id)) {
        return OptionalLong.of(id);
      }
    }
    return OptionalLong.empty();
  }

  /** The message a real server gives for such a cancel command. */
  public static String message(long scheduledEventId) {
    return "requested cancelation for a non-existing or already completed operation with scheduled"
        + " event ID of "
        + scheduledEventId;
  }
}
