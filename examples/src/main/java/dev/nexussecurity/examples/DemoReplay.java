package dev.nexussecurity.examples;

import dev.nexussecurity.testing.RogueDispatcher;
import dev.nexussecurity.testing.RogueDispatcher.CopiedCall;
import dev.nexussecurity.testing.RogueDispatcher.Outcome;
import dev.nexussecurity.testing.RogueDispatcher.Request;
import java.util.List;
import java.util.UUID;

/**
 * Scenario 7 of the demo: a rogue party that reads orders' history copies the identity token of
 * scenario 1's quote (Nexus headers are clear text there) and sends the start request itself,
 * through the test fixtures' {@link RogueDispatcher}, with a new request id and no link: first to
 * the running handler worker, then to a freshly started one (a new handler process: its replay
 * cache is empty). Both must be denied before any handler code runs.
 *
 * <pre>{@code
 * ScenarioResult r = DemoReplay.run(demo); // after scenario 1
 * }</pre>
 */
final class DemoReplay {
  private DemoReplay() {}

  static ScenarioResult run(DemoScenarios demo) {
    String title = "token replayed from history";
    String expected =
        "a quote token copied from orders' history, re-sent with a new request id and no link,"
            + " DENIED by the running and by a fresh handler process, handler code never run";
    if (demo.allowedWorkflowId() == null) {
      return new ScenarioResult(7, title, expected, "scenario 1 did not run", false);
    }
    RogueDispatcher rogue = RogueDispatcher.of(demo.temporal());
    List<CopiedCall> calls = rogue.readNexusCalls(DemoScenarios.ORDERS, demo.allowedWorkflowId());
    CopiedCall quote =
        calls.stream()
            .filter(c -> c.getOperation().equals("quote"))
            .findFirst()
            .orElseThrow(() -> new IllegalStateException("no quote call in orders' history"));
    Request replay = quote.newStart().setRequestId(UUID.randomUUID().toString()).setLinks().build();
    long before = demo.handlerCode().total();

    Outcome running = rogue.dispatch(replay);
    RunningWorker old = demo.handlerWorker();
    RunningWorker fresh = demo.startFreshHandler(); // a new process: empty replay cache
    demo.stop(old);
    demo.setHandlerWorker(fresh);
    Outcome restarted = rogue.dispatch(replay);

    long ran = demo.handlerCode().total() - before;
    boolean ok = !running.isAdmitted() && !restarted.isAdmitted() && ran == 0;
    String actual =
        "token of "
            + quote.getService()
            + "/"
            + quote.getOperation()
            + " copied from orders' history ("
            + quote.getHeaders().size()
            + " clear-text headers); running handler: "
            + describe(running)
            + "; fresh handler process: "
            + describe(restarted)
            + "; handler code runs: "
            + ran;
    return new ScenarioResult(7, title, expected, actual, ok);
  }

  private static String describe(Outcome o) {
    return o.isAdmitted() ? "ADMITTED" : "DENIED " + o.getDenialReasonName().orElse("(no reason)");
  }
}
