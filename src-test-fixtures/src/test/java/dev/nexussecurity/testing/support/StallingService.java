package dev.nexussecurity.testing.support;

import io.nexusrpc.Operation;
import io.nexusrpc.Service;
import io.nexusrpc.handler.HandlerException;
import io.nexusrpc.handler.OperationHandler;
import io.nexusrpc.handler.OperationImpl;
import io.nexusrpc.handler.ServiceImpl;
import io.temporal.workflow.NexusOperationOptions;
import io.temporal.workflow.NexusServiceOptions;
import io.temporal.workflow.Workflow;
import io.temporal.workflow.WorkflowInterface;
import io.temporal.workflow.WorkflowMethod;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A Nexus service whose handler fails the first attempt of a call (retryably), takes the second and
 * never answers it (as a handler process killed mid-request), and answers the third.
 */
@Service
public interface StallingService {
  /** Sync; answers {@code "ok <input> at attempt <n>"}. */
  @Operation
  String call(String input);

  /** Handler; attempts are counted per input across instances. */
  @ServiceImpl(service = StallingService.class)
  final class Impl {
    /** Attempts seen per input. */
    public static final Map<String, AtomicInteger> ATTEMPTS = new ConcurrentHashMap<>();

    /** Counted down to let stalled handler threads go (at the end of a test). */
    public static volatile CountDownLatch release = new CountDownLatch(1);

    /** The sync operation. */
    @OperationImpl
    public OperationHandler<String, String> call() {
      return OperationHandler.sync(
          (context, details, input) -> {
            int attempt =
                ATTEMPTS.computeIfAbsent(input, k -> new AtomicInteger()).incrementAndGet();
            if (attempt == 1) {
              throw new HandlerException(
                  HandlerException.ErrorType.INTERNAL,
                  "first attempt fails (retryable)",
                  null,
                  HandlerException.RetryBehavior.RETRYABLE);
            }
            if (attempt == 2) {
              try {
                release.await(2, TimeUnit.MINUTES);
              } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
              }
              throw new HandlerException(
                  HandlerException.ErrorType.INTERNAL,
                  "second attempt stalled",
                  null,
                  HandlerException.RetryBehavior.RETRYABLE);
            }
            return "ok " + input + " at attempt " + attempt;
          });
    }
  }

  /** Calls {@link StallingService#call} and answers its result. */
  @WorkflowInterface
  interface Caller {
    /** Calls {@code input} on {@code endpoint}, with a schedule-to-close timeout of 1 minute. */
    @WorkflowMethod
    String call(String endpoint, String input);

    /** Implementation. */
    final class Impl implements Caller {
      @Override
      public String call(String endpoint, String input) {
        return Workflow.newNexusServiceStub(
                StallingService.class,
                NexusServiceOptions.newBuilder()
                    .setEndpoint(endpoint)
                    .setOperationOptions(
                        NexusOperationOptions.newBuilder()
                            .setScheduleToCloseTimeout(Duration.ofMinutes(1))
                            .build())
                    .build())
            .call(input);
      }
    }
  }
}
