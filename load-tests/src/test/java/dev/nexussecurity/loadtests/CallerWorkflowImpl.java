package dev.nexussecurity.loadtests;

import io.temporal.failure.NexusOperationFailure;
import io.temporal.workflow.NexusOperationOptions;
import io.temporal.workflow.NexusServiceOptions;
import io.temporal.workflow.Workflow;
import java.time.Duration;

/** Implementation of {@link CallerWorkflow}. */
public final class CallerWorkflowImpl implements CallerWorkflow {
  /** Long enough to ride through a killed handler process and a stale registry. */
  static final Duration SCHEDULE_TO_CLOSE = Duration.ofMinutes(5);

  @Override
  public String call(String endpoint, String operation, String operationId) {
    LoadService service =
        Workflow.newNexusServiceStub(
            LoadService.class,
            NexusServiceOptions.newBuilder()
                .setEndpoint(endpoint)
                .setOperationOptions(
                    NexusOperationOptions.newBuilder()
                        .setScheduleToCloseTimeout(SCHEDULE_TO_CLOSE)
                        .build())
                .build());
    try {
      String result =
          operation.equals("echo") ? service.echo(operationId) : service.run(operationId);
      return "OK " + result;
    } catch (NexusOperationFailure e) {
      return SecuritySetup.denialReason(e)
          .map(reason -> "DENIED " + reason)
          .orElseGet(() -> "FAILED " + rootMessage(e));
    }
  }

  private static String rootMessage(Throwable e) {
    Throwable t = e;
    while (t.getCause() != null) {
      t = t.getCause();
    }
    return t.getClass().getSimpleName() + ": " + t.getMessage();
  }
}
