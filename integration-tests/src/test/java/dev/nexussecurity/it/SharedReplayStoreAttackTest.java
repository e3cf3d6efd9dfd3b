package dev.nexussecurity.it;

import static dev.nexussecurity.it.support.RogueSetting.CALLER_A;
import static dev.nexussecurity.it.support.RogueSetting.HANDLER_NS;
import static dev.nexussecurity.it.support.RogueSetting.assertDeniedBeforeHandlerCode;
import static dev.nexussecurity.it.support.RogueSetting.uniqueId;
import static org.assertj.core.api.Assertions.assertThat;

import dev.nexussecurity.core.HandlerPolicy;
import dev.nexussecurity.core.NexusSecurityOptions;
import dev.nexussecurity.core.ReplayStore;
import dev.nexussecurity.it.support.HandlerInvocations;
import dev.nexussecurity.it.support.RogueSetting;
import dev.nexussecurity.testing.NexusSecurityExtension;
import dev.nexussecurity.testing.NexusSecurityTestEnvironment;
import dev.nexussecurity.testing.RogueDispatcher;
import dev.nexussecurity.testing.RogueDispatcher.CopiedCall;
import dev.nexussecurity.testing.TestNamespace;
import io.temporal.worker.WorkerFactory;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.UnaryOperator;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.parallel.Execution;
import org.junit.jupiter.api.parallel.ExecutionMode;

/**
 * A rogue party re-sends a start copied from caller-a's history, with a new request id, to another
 * handler process than the one that admitted it (a restarted process, or a second one). With the
 * default per-process replay memory the replay stage of that process cannot see it; with one {@link
 * ReplayStore} shared by every handler process ({@code HandlerPolicy.setReplayStore}) it is refused
 * as {@code TOKEN_REPLAYED} before handler code. A store that fails refuses starts with the
 * retryable {@code REPLAY_STORE_UNAVAILABLE}, never admits them.
 *
 * <p>The handler here opts out of required caller links (as for a server that sends none), so the
 * replay stage is the only one that can catch a replay without a link.
 */
@Execution(ExecutionMode.SAME_THREAD)
@Timeout(120)
class SharedReplayStoreAttackTest {
  @RegisterExtension static final NexusSecurityExtension NEXUS = RogueSetting.extension(false);

  private static RogueSetting setting;
  private static RogueDispatcher rogue;
  private final List<WorkerFactory> processes = new ArrayList<>();

  @BeforeAll
  static void startCallers(NexusSecurityTestEnvironment env) {
    setting = RogueSetting.start(env);
    rogue = setting.rogue();
  }

  @AfterEach
  void stopHandlers() {
    processes.forEach(RogueSetting::stop);
    processes.clear();
  }

  /** One more handler process (a new NexusSecurity) whose policy {@code change} adjusts. */
  private WorkerFactory startProcess(UnaryOperator<HandlerPolicy.Builder> change) {
    TestNamespace ns = setting.env().getNamespace(HANDLER_NS);
    HandlerPolicy policy =
        change
            .apply(
                ns.newOptionsBuilder().build().getHandlerPolicy().toBuilder()
                    .setAllowUnboundInput(false)
                    .setRequireCallerLink(false))
            .build();
    NexusSecurityOptions options = ns.newOptionsBuilder().setHandlerPolicy(policy).build();
    WorkerFactory process = setting.startHandlerProcess(options);
    processes.add(process);
    return process;
  }

  private void stop(WorkerFactory process) {
    processes.remove(process);
    RogueSetting.stop(process);
  }

  /** caller-a calls echo once, allowed; returns what the rogue copies from its history. */
  private CopiedCall victimCall(String input) {
    String workflowId = uniqueId("victim");
    assertThat(setting.call(CALLER_A, workflowId, "echo", input))
        .isEqualTo("echo " + input + " from " + HANDLER_NS);
    assertThat(HandlerInvocations.count(input)).isEqualTo(1);
    return setting.copy(CALLER_A, workflowId);
  }

  private static RogueDispatcher.Outcome replayWithNewRequestIdAndNoLink(CopiedCall copied) {
    return rogue.dispatch(
        copied.newStart().setRequestId(UUID.randomUUID().toString()).setLinks().build());
  }

  @Test
  void replay_toARestartedProcess_sharingTheStore_isDenied_tokenReplayed() {
    ReplayStore shared = ReplayStore.inMemory(1_000);
    WorkerFactory first = startProcess(p -> p.setReplayStore(shared));
    String input = uniqueId("shared-restart");
    CopiedCall copied = victimCall(input);
    stop(first);
    startProcess(p -> p.setReplayStore(shared));

    RogueDispatcher.Outcome outcome = replayWithNewRequestIdAndNoLink(copied);

    assertDeniedBeforeHandlerCode(outcome, input, 1, "TOKEN_REPLAYED");
  }

  @Test
  void replay_toARestartedProcess_withItsOwnMemory_reachesHandlerCode_control() {
    // Today's default: what the shared store closes (see docs/identity-tokens.md, What remains).
    WorkerFactory first = startProcess(p -> p);
    String input = uniqueId("own-memory-restart");
    CopiedCall copied = victimCall(input);
    stop(first);
    startProcess(p -> p);

    RogueDispatcher.Outcome outcome = replayWithNewRequestIdAndNoLink(copied);

    assertThat(outcome.isAdmitted()).as("admitted: %s", outcome).isTrue();
    assertThat(HandlerInvocations.count(input)).isEqualTo(2);
  }

  @Test
  void replay_toTwoRunningProcessesSharingTheStore_everyCopyIsDenied_tokenReplayed() {
    ReplayStore shared = ReplayStore.inMemory(1_000);
    startProcess(p -> p.setReplayStore(shared));
    startProcess(p -> p.setReplayStore(shared));
    String input = uniqueId("shared-two");
    CopiedCall copied = victimCall(input);

    for (int i = 0; i < 4; i++) {
      assertDeniedBeforeHandlerCode(
          replayWithNewRequestIdAndNoLink(copied), input, 1, "TOKEN_REPLAYED");
    }
  }

  @Test
  void genuineCalls_toProcessesSharingTheStore_stillPass() {
    ReplayStore shared = ReplayStore.inMemory(1_000);
    WorkerFactory first = startProcess(p -> p.setReplayStore(shared));
    startProcess(p -> p.setReplayStore(shared));
    victimCall(uniqueId("genuine-1"));
    victimCall(uniqueId("genuine-2"));
    stop(first);
    victimCall(uniqueId("genuine-3"));
  }

  @Test
  void start_whenTheSharedStoreFails_isDenied_retryableStoreUnavailable_beforeHandlerCode() {
    AtomicInteger storeCalls = new AtomicInteger();
    ReplayStore failing =
        (ns, token, rid, forgetAt, now) -> {
          storeCalls.incrementAndGet();
          throw new IllegalStateException("replay database unreachable");
        };
    WorkerFactory first = startProcess(p -> p);
    String input = uniqueId("store-down");
    CopiedCall copied = victimCall(input);
    stop(first);
    startProcess(p -> p.setReplayStore(failing));

    // the copied request id, which a fresh in-memory process would admit as a first use
    RogueDispatcher.Outcome outcome = rogue.dispatch(copied.newStart().setLinks().build());

    assertThat(outcome.isAdmitted()).as("admitted: %s", outcome).isFalse();
    assertThat(outcome.getDenialReasonName()).contains("REPLAY_STORE_UNAVAILABLE");
    assertThat(outcome.getHandlerErrorType()).contains("RESOURCE_EXHAUSTED"); // retryable
    assertThat(outcome.getAnswer().toString())
        .contains("the replay store failed (java.lang.IllegalStateException)")
        .doesNotContain("replay database unreachable");
    assertThat(HandlerInvocations.count(input)).isEqualTo(1);
    assertThat(storeCalls.get()).isPositive();
  }
}
