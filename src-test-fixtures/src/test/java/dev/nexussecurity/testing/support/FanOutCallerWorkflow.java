package dev.nexussecurity.testing.support;

import io.temporal.failure.CanceledFailure;
import io.temporal.failure.NexusOperationFailure;
import io.temporal.workflow.Async;
import io.temporal.workflow.CancellationScope;
import io.temporal.workflow.NexusOperationOptions;
import io.temporal.workflow.NexusServiceOptions;
import io.temporal.workflow.Promise;
import io.temporal.workflow.Workflow;
import io.temporal.workflow.WorkflowInterface;
import io.temporal.workflow.WorkflowMethod;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/**
 * The pattern of Temporal's Nexus cancellation sample: start several workflow-run operations in one
 * cancellation scope, take the first result, cancel the others, then wait for every operation.
 */
@WorkflowInterface
public interface FanOutCallerWorkflow {
  /**
   * Starts one {@link RaceService#run} per entry of {@code inputs} on {@code endpoint}.
   *
   * @return {@code "<first result> | cancelled <n>"}
   */
  @WorkflowMethod
  String run(String endpoint, List<String> inputs);

  /** Implementation. */
  final class Impl implements FanOutCallerWorkflow {
    @Override
    public String run(String endpoint, List<String> inputs) {
      RaceService service =
          Workflow.newNexusServiceStub(
              RaceService.class,
              NexusServiceOptions.newBuilder()
                  .setEndpoint(endpoint)
                  .setOperationOptions(
                      NexusOperationOptions.newBuilder()
                          .setScheduleToCloseTimeout(Duration.ofSeconds(30))
                          .build())
                  .build());
      List<Promise<String>> results = new ArrayList<>();
      CancellationScope scope =
          Workflow.newCancellationScope(
              () -> {
                for (String input : inputs) {
                  results.add(Async.function(service::run, input));
                }
              });
      scope.run();
      String first = Promise.anyOf(results).get();
      scope.cancel();
      int cancelled = 0;
      for (Promise<String> result : results) {
        try {
          result.get();
        } catch (NexusOperationFailure e) {
          if (!(e.getCause() instanceof CanceledFailure)) {
            throw e;
          }
          cancelled++;
        } catch (CanceledFailure e) {
          cancelled++;
        }
      }
      return first + " | cancelled " + cancelled;
    }
  }
}
