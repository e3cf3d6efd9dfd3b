package dev.nexussecurity.it;

import static dev.nexussecurity.it.support.RogueSetting.CALLER_A;
import static dev.nexussecurity.it.support.RogueSetting.ENDPOINT;
import static dev.nexussecurity.it.support.RogueSetting.HANDLER_NS;
import static dev.nexussecurity.it.support.RogueSetting.denialReasonName;
import static dev.nexussecurity.it.support.RogueSetting.uniqueId;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;

import dev.nexussecurity.it.support.CallerWorkflows;
import dev.nexussecurity.it.support.HandlerInvocations;
import dev.nexussecurity.it.support.RogueSetting;
import dev.nexussecurity.it.support.SecurityTestBed;
import dev.nexussecurity.testing.NexusSecurityExtension;
import dev.nexussecurity.testing.NexusSecurityTestEnvironment;
import io.temporal.api.enums.v1.EventType;
import io.temporal.client.WorkflowClient;
import io.temporal.worker.WorkerFactory;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.parallel.Execution;
import org.junit.jupiter.api.parallel.ExecutionMode;

/**
 * The handler is down while a start waits on the server, and comes back before the operation's
 * schedule-to-close: the token must still admit the start (the server keeps delivering it until
 * schedule-to-close), however long that is; after schedule-to-close it must not. An outage longer
 * than an hour (the old fixed token lifetime) is played by a handler process whose clock is two
 * hours ahead, as a handler back from a two-hour outage sees the pending start; a real short outage
 * is played by starting the handler late.
 */
@Execution(ExecutionMode.SAME_THREAD)
@Timeout(120)
class HandlerOutageTokenTest {
  @RegisterExtension static final NexusSecurityExtension NEXUS = RogueSetting.extension(false);

  private static RogueSetting setting;

  @BeforeAll
  static void start(NexusSecurityTestEnvironment env) {
    setting = RogueSetting.start(env);
  }

  /** A handler process whose clock reads {@code outage} later than the caller's. */
  private static WorkerFactory handlerBackAfter(Duration outage) {
    OffsetClock clock = new OffsetClock();
    clock.advance(outage);
    return setting.startHandlerProcess(
        setting.env().getNamespace(HANDLER_NS).newOptionsBuilder().setClock(clock).build());
  }

  private static String timedEcho(String input, Duration scheduleToClose) {
    return setting
        .newCaller(CALLER_A, CallerWorkflows.TimedCall.class, uniqueId("outage"))
        .call(ENDPOINT, "echo", input, scheduleToClose.toMillis());
  }

  @Test
  void handlerBackAfterTwoHours_beforeAThreeHourScheduleToClose_admitsThePendingStart() {
    WorkerFactory handler = handlerBackAfter(Duration.ofHours(2));
    try {
      String input = uniqueId("back-in-time");

      assertThat(timedEcho(input, Duration.ofHours(3)))
          .isEqualTo("echo " + input + " from " + HANDLER_NS);
    } finally {
      RogueSetting.stop(handler);
    }
  }

  @Test
  void handlerBackAfterTwoHours_pastANinetyMinuteScheduleToClose_deniesAsExpired() {
    WorkerFactory handler = handlerBackAfter(Duration.ofHours(2));
    try {
      String input = uniqueId("too-late");

      Throwable failure = catchThrowable(() -> timedEcho(input, Duration.ofMinutes(90)));

      assertThat(denialReasonName(failure)).as("reason of %s", failure).contains("TOKEN_EXPIRED");
      assertThat(HandlerInvocations.count(input)).isZero();
    } finally {
      RogueSetting.stop(handler);
    }
  }

  @Test
  void handlerStartedOnlyAfterTheStartWasScheduled_shortScheduleToClose_admitsIt() {
    String input = uniqueId("late-handler");
    String workflowId = uniqueId("outage");
    CallerWorkflows.TimedCall caller =
        setting.newCaller(CALLER_A, CallerWorkflows.TimedCall.class, workflowId);
    CompletableFuture<String> result =
        WorkflowClient.execute(caller::call, ENDPOINT, "echo", input, 20_000L);
    SecurityTestBed.awaitCondition(
        "the start is scheduled",
        () ->
            setting.client(CALLER_A).fetchHistory(workflowId).getEvents().stream()
                .anyMatch(e -> e.getEventType() == EventType.EVENT_TYPE_NEXUS_OPERATION_SCHEDULED));
    WorkerFactory handler = null;
    try {
      Thread.sleep(2_000); // the handler is down
      handler = setting.startHandlerProcess();

      assertThat(result.get()).isEqualTo("echo " + input + " from " + HANDLER_NS);
    } catch (Exception e) {
      throw new AssertionError(e);
    } finally {
      if (handler != null) {
        RogueSetting.stop(handler);
      }
    }
  }
}
