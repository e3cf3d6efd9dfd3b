package dev.nexussecurity.loadtests;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.function.Function;

/** The counts of one run: outcomes against expectations, and handler executions per operation. */
final class Tally {
  /** What the policy in force says of an operation. */
  enum Expected {
    ALLOW,
    DENY,
    /** During a policy change or around the staleness limit: either decision is right. */
    EITHER
  }

  int total;
  int allowed;
  int denied;
  int lost;
  int wrong;
  int undetermined;
  int deniedButExecuted;
  int allowedWithoutExecution;
  int resultMismatch;

  /** Allowed operations whose start handler ran more than once. */
  int duplicated;

  /** ... of which every execution had the same Nexus request id (server redelivery). */
  int duplicatedSameRequest;

  /** ... of which the executions were in more than one handler process. */
  int duplicatedAcrossProcesses;

  int extraExecutions;
  final Map<String, Integer> reasons = new TreeMap<>();
  final List<String> examples = new ArrayList<>();

  static Tally of(
      List<Op> ops,
      Map<String, List<ExecutionLog.Execution>> executions,
      Function<Op, Expected> expectation) {
    Tally t = new Tally();
    for (Op op : ops) {
      t.total++;
      List<ExecutionLog.Execution> ex = executions.getOrDefault(op.id, List.of());
      if (op.outcome == null || op.outcome.startsWith("FAILED")) {
        t.lost++;
        t.example("lost: " + op);
        continue;
      }
      Expected expected = expectation.apply(op);
      if (op.isAllowed()) {
        t.allowed++;
        t.reasons.merge("ALLOWED", 1, Integer::sum);
        if (!op.resultMatches()) {
          t.resultMismatch++;
          t.example("result of another operation: " + op);
        }
        if (ex.isEmpty()) {
          t.allowedWithoutExecution++;
          t.example("allowed but no handler execution recorded: " + op);
        }
        if (ex.size() > 1) {
          t.duplicated++;
          t.extraExecutions += ex.size() - 1;
          if (ex.stream().map(ExecutionLog.Execution::requestId).distinct().count() == 1) {
            t.duplicatedSameRequest++;
          }
          if (new HashSet<>(ex.stream().map(ExecutionLog.Execution::process).toList()).size() > 1) {
            t.duplicatedAcrossProcesses++;
          }
        }
      } else {
        t.denied++;
        t.reasons.merge(op.reason(), 1, Integer::sum);
        if (!ex.isEmpty()) {
          t.deniedButExecuted++;
          t.example("denied but the handler ran: " + op + " " + ex);
        }
      }
      if (expected == Expected.EITHER) {
        t.undetermined++;
      } else if ((expected == Expected.ALLOW) != op.isAllowed()) {
        t.wrong++;
        t.example("wrong decision (expected " + expected + "): " + op);
      }
    }
    return t;
  }

  private void example(String s) {
    if (examples.size() < 20) {
      examples.add(s);
    }
  }

  /** Violations: lost, wrong, denied-but-executed, allowed-without-execution, mismatched. */
  int violations() {
    return lost + wrong + deniedButExecuted + allowedWithoutExecution + resultMismatch;
  }

  String table() {
    return "| operations | "
        + total
        + " |\n| allowed (result received) | "
        + allowed
        + " |\n| denied | "
        + denied
        + " |\n| decisions by reason | "
        + reasons
        + " |\n| **lost** (no outcome, or failed other than by a denial) | "
        + lost
        + " |\n| **wrong decisions** (against the policy in force) | "
        + wrong
        + " |\n| decisions during a policy change or at the staleness limit (either is right) | "
        + undetermined
        + " |\n| denied operations whose handler ran | "
        + deniedButExecuted
        + " |\n| allowed operations without a recorded handler execution | "
        + allowedWithoutExecution
        + " |\n| results belonging to another operation | "
        + resultMismatch
        + " |\n| allowed operations whose start handler ran more than once | "
        + duplicated
        + " (extra executions: "
        + extraExecutions
        + "; same Nexus request id in all: "
        + duplicatedSameRequest
        + "; in more than one process: "
        + duplicatedAcrossProcesses
        + ") |\n";
  }
}
