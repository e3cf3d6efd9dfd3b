package dev.nexussecurity.testing.support;

import io.temporal.failure.CanceledFailure;
import io.temporal.failure.NexusOperationFailure;
import io.temporal.workflow.CancellationScope;
import io.temporal.workflow.NexusOperationHandle;
import io.temporal.workflow.NexusOperationOptions;
import io.temporal.workflow.NexusServiceOptions;
import io.temporal.workflow.Workflow;
import io.temporal.workflow.WorkflowInterface;
import io.temporal.workflow.WorkflowMethod;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicReference;

/** Calls {@link GreetingService} on a given endpoint. */
@WorkflowInterface
public interface CallerWorkflow {
  /**
   * Calls one operation.
   *
   * @param endpoint the Nexus endpoint
   * @param operation {@code hello}, {@code helloWorkflow} or {@code waitForCancel} (then cancels it
   *     once started and answers {@code "cancelled: <cause>"}); {@code after<ISO duration>:<op>}
   *     sleeps that long first
   * @param argument the operation input
   */
  @WorkflowMethod
  String call(String endpoint, String operation, String argument);

  /** Implementation. */
  final class Impl implements CallerWorkflow {
    @Override
    public String call(String endpoint, String operation, String argument) {
      GreetingService service =
          Workflow.newNexusServiceStub(
              GreetingService.class,
              NexusServiceOptions.newBuilder()
                  .setEndpoint(endpoint)
                  .setOperationOptions(
                      NexusOperationOptions.newBuilder()
                          .setScheduleToCloseTimeout(Duration.ofSeconds(30))
                          .build())
                  .build());
      if (operation.startsWith("after")) {
        // "after<duration>:<operation>", e.g. "afterP1D:hello": sleep (skipped time), then call
        int colon = operation.indexOf(':');
        Workflow.sleep(Duration.parse(operation.substring("after".length(), colon)));
        return call(endpoint, operation.substring(colon + 1), argument);
      }
      switch (operation) {
        case "hello":
          return service.hello(argument);
        case "helloWorkflow":
          return service.helloWorkflow(argument);
        case "waitForCancel":
          return callAndCancel(service, argument);
        default:
          throw new IllegalArgumentException("unknown operation " + operation);
      }
    }

    private static String callAndCancel(GreetingService service, String argument) {
      AtomicReference<NexusOperationHandle<String>> handle = new AtomicReference<>();
      CancellationScope scope =
          Workflow.newCancellationScope(
              () -> handle.set(Workflow.startNexusOperation(service::waitForCancel, argument)));
      scope.run();
      handle.get().getExecution().get(); // started: the handler workflow exists
      scope.cancel();
      try {
        return "completed: " + handle.get().getResult().get();
      } catch (NexusOperationFailure e) {
        return "cancelled: " + e.getCause().getClass().getSimpleName();
      } catch (CanceledFailure e) {
        return "cancelled: " + e.getClass().getSimpleName();
      }
    }
  }
}
