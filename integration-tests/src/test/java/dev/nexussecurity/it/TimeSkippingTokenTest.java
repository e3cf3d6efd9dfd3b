package dev.nexussecurity.it;

import static dev.nexussecurity.it.support.RogueSetting.CALLER_A;
import static dev.nexussecurity.it.support.RogueSetting.ENDPOINT;
import static dev.nexussecurity.it.support.RogueSetting.HANDLER_NS;
import static dev.nexussecurity.it.support.RogueSetting.OUTSIDER;
import static dev.nexussecurity.it.support.RogueSetting.denialReasonName;
import static dev.nexussecurity.it.support.RogueSetting.uniqueId;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;

import dev.nexussecurity.it.support.CallerWorkflows;
import dev.nexussecurity.it.support.HandlerInvocations;
import dev.nexussecurity.it.support.RogueSetting;
import dev.nexussecurity.testing.NexusSecurityExtension;
import dev.nexussecurity.testing.NexusSecurityTestEnvironment;
import io.temporal.worker.WorkerFactory;
import java.time.Duration;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.parallel.Execution;
import org.junit.jupiter.api.parallel.ExecutionMode;

/**
 * Tokens under time skipping: the extension with {@code setTimeSkipping(true)}, callers that sleep
 * hours or days of workflow time before they call. The handler must judge the token in the test
 * server's time, as the caller stamps it, so these calls pass (issue: they were denied {@code
 * TOKEN_NOT_YET_VALID} with a hint about NTP); checks that do not depend on time still deny.
 */
@Execution(ExecutionMode.SAME_THREAD)
@Timeout(120)
class TimeSkippingTokenTest {
  @RegisterExtension static final NexusSecurityExtension NEXUS = RogueSetting.extension(true);

  private static final long SCHEDULE_TO_CLOSE_MILLIS = Duration.ofHours(1).toMillis();

  private static RogueSetting setting;
  private static WorkerFactory handler;

  @BeforeAll
  static void start(NexusSecurityTestEnvironment env) {
    setting = RogueSetting.start(env);
    handler = setting.startHandlerProcess();
  }

  @AfterAll
  static void stop() {
    RogueSetting.stop(handler);
  }

  private static String sleepThenEcho(String namespace, Duration sleep, String input) {
    return setting
        .newCaller(namespace, CallerWorkflows.SleepThenCall.class, uniqueId("sleeper"))
        .call(sleep.toMillis(), ENDPOINT, "echo", input, SCHEDULE_TO_CLOSE_MILLIS);
  }

  @Test
  void callAfterTwoHoursOfWorkflowSleep_isAllowed() {
    String input = uniqueId("after-2h");

    assertThat(sleepThenEcho(CALLER_A, Duration.ofHours(2), input))
        .isEqualTo("echo " + input + " from " + HANDLER_NS);
  }

  @Test
  void callAfterThirtyDaysOfWorkflowSleep_isAllowed() {
    String input = uniqueId("after-30d");

    assertThat(sleepThenEcho(CALLER_A, Duration.ofDays(30), input))
        .isEqualTo("echo " + input + " from " + HANDLER_NS);
  }

  @Test
  void historyOfACallAfterTwoHoursOfSleep_replays() {
    String workflowId = uniqueId("sleeper");
    String input = uniqueId("replayed");
    String result =
        setting
            .newCaller(CALLER_A, CallerWorkflows.SleepThenCall.class, workflowId)
            .call(
                Duration.ofHours(2).toMillis(), ENDPOINT, "echo", input, SCHEDULE_TO_CLOSE_MILLIS);
    assertThat(result).isEqualTo("echo " + input + " from " + HANDLER_NS);

    AttackSuiteHistoryReplayTest.assertReplays(setting, CALLER_A, workflowId);
  }

  @Test
  void callOfANonAllowedNamespaceAfterTwoHoursOfSleep_isStillDenied() {
    String input = uniqueId("outsider-after-2h");

    Throwable failure = catchThrowable(() -> sleepThenEcho(OUTSIDER, Duration.ofHours(2), input));

    assertThat(denialReasonName(failure))
        .as("reason of %s", failure)
        .contains("CALLER_NOT_ALLOWED");
    assertThat(HandlerInvocations.count(input)).isZero();
  }
}
