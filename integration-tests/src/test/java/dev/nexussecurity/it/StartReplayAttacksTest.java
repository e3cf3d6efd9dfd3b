package dev.nexussecurity.it;

import static dev.nexussecurity.it.support.RogueSetting.CALLER_A;
import static dev.nexussecurity.it.support.RogueSetting.HANDLER_NS;
import static dev.nexussecurity.it.support.RogueSetting.assertDeniedBeforeHandlerCode;
import static dev.nexussecurity.it.support.RogueSetting.uniqueId;
import static org.assertj.core.api.Assertions.assertThat;

import dev.nexussecurity.core.HandlerPolicy;
import dev.nexussecurity.core.ReplayStore;
import dev.nexussecurity.it.support.HandlerInvocations;
import dev.nexussecurity.it.support.ProbeServiceImpl;
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
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.parallel.Execution;
import org.junit.jupiter.api.parallel.ExecutionMode;

/**
 * A rogue party that read caller-a's history (the identity token is clear text there) re-sends
 * caller-a's completed start directly to the handler, with the request id and links of its
 * choosing, to one handler process, to a fresh one, or to two at once. Every replay is denied with
 * a reason before handler code runs; the caller's own calls and the server's retries still pass.
 */
@Execution(ExecutionMode.SAME_THREAD)
@Timeout(120)
class StartReplayAttacksTest {
  @RegisterExtension static final NexusSecurityExtension NEXUS = RogueSetting.extension(false);

  /** Reasons a replayed start may be denied with (the earliest check that catches it wins). */
  private static final String[] REPLAY_REASONS = {
    "TOKEN_REPLAYED", "CALLER_LINK_MISMATCH", "INPUT_NOT_BOUND", "CONTEXT_MISMATCH"
  };

  private static RogueSetting setting;
  private static RogueDispatcher rogue;
  private final List<WorkerFactory> processes = new ArrayList<>();

  /**
   * The replay memory every handler process of this suite shares: the deployment that wants replay
   * protection across processes and restarts. Without it a process that has not seen a token admits
   * its identical replay once (SharedReplayStoreAttackTest shows that control).
   */
  private final ReplayStore sharedStore = ReplayStore.inMemory(10_000);

  @BeforeAll
  static void startCallers(NexusSecurityTestEnvironment env) {
    setting = RogueSetting.start(env);
    rogue = setting.rogue();
  }

  @BeforeEach
  void startHandler() {
    processes.add(startHandlerProcess());
  }

  /**
   * A handler process (a new NexusSecurity, empty local state) sharing this suite's replay store.
   */
  private WorkerFactory startHandlerProcess() {
    TestNamespace ns = setting.env().getNamespace(HANDLER_NS);
    HandlerPolicy policy =
        ns.newOptionsBuilder().build().getHandlerPolicy().toBuilder()
            .setAllowUnboundInput(false)
            .setReplayStore(sharedStore)
            .build();
    return setting.startHandlerProcess(ns.newOptionsBuilder().setHandlerPolicy(policy).build());
  }

  @AfterEach
  void stopHandlers() {
    processes.forEach(RogueSetting::stop);
  }

  /** caller-a calls echo once, allowed; returns what the rogue copies from its history. */
  private CopiedCall victimCall(String input) {
    String workflowId = uniqueId("victim");
    assertThat(setting.call(CALLER_A, workflowId, "echo", input))
        .isEqualTo("echo " + input + " from " + HANDLER_NS);
    assertThat(HandlerInvocations.count(input)).isEqualTo(1);
    return setting.copy(CALLER_A, workflowId);
  }

  private WorkerFactory restartHandler() {
    RogueSetting.stop(processes.remove(0));
    WorkerFactory fresh = startHandlerProcess();
    processes.add(fresh);
    return fresh;
  }

  // Same handler process -------------------------------------------------------------------------

  @Test
  void replay_sameRequestIdLinkAndInput_ofACompletedStart_isDenied() {
    String input = uniqueId("same-rid");
    CopiedCall copied = victimCall(input);

    RogueDispatcher.Outcome outcome = rogue.dispatch(copied.newStart().build());

    assertDeniedBeforeHandlerCode(outcome, input, 1, REPLAY_REASONS);
  }

  @Test
  void replay_sameRequestIdAndLink_withAnotherInput_isDenied() {
    String input = uniqueId("same-rid-other-input");
    CopiedCall copied = victimCall(input);
    String forged = uniqueId("forged-input");

    RogueDispatcher.Outcome outcome =
        rogue.dispatch(copied.newStart().setInput(setting.encode(CALLER_A, forged)).build());

    assertDeniedBeforeHandlerCode(outcome, forged, 0, REPLAY_REASONS);
  }

  @Test
  void replay_newRequestId_withTheServerLink_isDenied() {
    String input = uniqueId("new-rid");
    CopiedCall copied = victimCall(input);

    RogueDispatcher.Outcome outcome =
        rogue.dispatch(copied.newStart().setRequestId(UUID.randomUUID().toString()).build());

    assertDeniedBeforeHandlerCode(outcome, input, 1, REPLAY_REASONS);
  }

  @Test
  void replay_newRequestId_withoutLink_isDenied() {
    String input = uniqueId("no-link");
    CopiedCall copied = victimCall(input);

    RogueDispatcher.Outcome outcome =
        rogue.dispatch(
            copied.newStart().setRequestId(UUID.randomUUID().toString()).setLinks().build());

    assertDeniedBeforeHandlerCode(outcome, input, 1, REPLAY_REASONS);
  }

  // Fresh handler processes (empty in-memory state) ------------------------------------------

  @Test
  void replay_toARestartedHandler_newRequestIdWithoutLink_isDeniedAsCallerLinkMismatch() {
    String input = uniqueId("restart-no-link");
    CopiedCall copied = victimCall(input);
    restartHandler();

    RogueDispatcher.Outcome outcome =
        rogue.dispatch(
            copied.newStart().setRequestId(UUID.randomUUID().toString()).setLinks().build());

    assertDeniedBeforeHandlerCode(outcome, input, 1, "CALLER_LINK_MISMATCH");
  }

  @Test
  void replay_toARestartedHandler_withAForgedLinkToAnotherRunOfTheCaller_isDenied() {
    String input = uniqueId("restart-forged-link");
    CopiedCall copied = victimCall(input);
    restartHandler();
    String forgedLink =
        RogueDispatcher.serverLink(CALLER_A, uniqueId("rogue-wf"), UUID.randomUUID().toString(), 5);

    RogueDispatcher.Outcome outcome =
        rogue.dispatch(
            copied
                .newStart()
                .setRequestId(UUID.randomUUID().toString())
                .setLinks(forgedLink)
                .build());

    assertDeniedBeforeHandlerCode(outcome, input, 1, "CALLER_LINK_MISMATCH");
  }

  @Test
  void replay_toARestartedHandlerSharingTheReplayStore_newRequestIdWithTheServerLink_isDenied() {
    String input = uniqueId("restart-real-link");
    CopiedCall copied = victimCall(input);
    restartHandler();

    RogueDispatcher.Outcome outcome =
        rogue.dispatch(copied.newStart().setRequestId(UUID.randomUUID().toString()).build());

    assertDeniedBeforeHandlerCode(outcome, input, 1, REPLAY_REASONS);
  }

  @Test
  void replay_toARestartedHandler_sameRequestIdAndLink_withAnotherInput_isDenied() {
    String input = uniqueId("restart-same-rid");
    CopiedCall copied = victimCall(input);
    restartHandler();
    String forged = uniqueId("forged-input");

    RogueDispatcher.Outcome outcome =
        rogue.dispatch(copied.newStart().setInput(setting.encode(CALLER_A, forged)).build());

    assertDeniedBeforeHandlerCode(outcome, forged, 0, REPLAY_REASONS);
  }

  @Test
  void replay_toTwoHandlerProcessesSharingTheReplayStore_everyCopyIsDenied() {
    String input = uniqueId("two-processes");
    CopiedCall copied = victimCall(input);
    processes.add(startHandlerProcess());

    for (int i = 0; i < 4; i++) {
      RogueDispatcher.Outcome outcome =
          rogue.dispatch(copied.newStart().setRequestId(UUID.randomUUID().toString()).build());
      assertDeniedBeforeHandlerCode(outcome, input, 1, REPLAY_REASONS);
    }
  }

  // Allowed paths ----------------------------------------------------------------------------

  @Test
  void control_aGenuineRequestDispatchedDirectly_reachesTheHandler() {
    // The dispatcher is a real delivery path: the request the rogue sends is the one the handler's
    // check would admit if the token were fresh; a request with no token is denied for that.
    String input = uniqueId("control");
    RogueDispatcher.Outcome outcome =
        rogue.dispatch(
            RogueDispatcher.Request.newStart(RogueSetting.ENDPOINT, RogueSetting.SERVICE, "echo")
                .setInput(setting.encode(CALLER_A, input))
                .build());

    assertDeniedBeforeHandlerCode(outcome, input, 0, "MISSING_TOKEN");
    assertThat(outcome.getHandlerErrorType()).contains("UNAUTHENTICATED");
  }

  @Test
  void allowed_genuineCallsStillPass_alsoOnAFreshHandlerProcess() {
    victimCall(uniqueId("genuine-1"));
    restartHandler();
    victimCall(uniqueId("genuine-2"));
    processes.add(startHandlerProcess());
    victimCall(uniqueId("genuine-3"));
  }

  @Test
  void allowed_aServerRetryOfTheSameStart_isAdmittedAgain() {
    String input = ProbeServiceImpl.FAIL_ONCE_PREFIX + uniqueId("retry");

    String result = setting.call(CALLER_A, uniqueId("wf"), "echo", input);

    assertThat(result).isEqualTo("echo " + input + " from " + HANDLER_NS);
    assertThat(HandlerInvocations.of(input)).containsExactly("echo", "echo");
    List<String> requestIds = HandlerInvocations.requestIds(input);
    assertThat(requestIds.get(1)).isEqualTo(requestIds.get(0));
  }
}
