package dev.nexussecurity.core.server;

import java.util.ArrayList;
import java.util.Collections;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * What {@link EndpointReconciler#apply(ReconcilePlan)} did: one {@link ActionResult} per action of
 * the plan, in the plan's order.
 *
 * <pre>{@code
 * ReconcileResult result = reconciler.reconcile();
 * if (!result.isSuccess()) {
 *   for (ReconcileResult.ActionResult failed : result.getFailures()) {
 *     log.error("{}: {}", failed.getAction().getEndpointName(), failed.getMessage());
 *   }
 * }
 * }</pre>
 *
 * <p>Immutable and thread-safe.
 */
public final class ReconcileResult {
  /** What happened to one action. */
  public enum Outcome {
    /** The change was made on the server. */
    APPLIED,
    /**
     * Nothing needed doing: the action was {@link ReconcileAction.Type#UNCHANGED}, or the server
     * was found already in step when a conflict made the reconciler read it again.
     */
    UNCHANGED,
    /** Deliberately left alone ({@link ReconcileAction.Type#SKIP}). */
    SKIPPED,
    /** The change could not be made, or the action was an {@link ReconcileAction.Type#ERROR}. */
    FAILED
  }

  /**
   * The result of one action. Immutable.
   *
   * <pre>{@code
   * for (ReconcileResult.ActionResult r : result.getResults()) {
   *   System.out.println(r.getAction().getEndpointName() + " " + r.getOutcome()
   *       + " after " + r.getAttempts() + " writes: " + r.getMessage());
   * }
   * }</pre>
   */
  public static final class ActionResult {
    private final ReconcileAction action;
    private final Outcome outcome;
    private final int attempts;
    private final long serverVersion;
    private final String message;

    ActionResult(
        ReconcileAction action, Outcome outcome, int attempts, long serverVersion, String message) {
      this.action = Objects.requireNonNull(action);
      this.outcome = Objects.requireNonNull(outcome);
      this.attempts = attempts;
      this.serverVersion = serverVersion;
      this.message = Objects.requireNonNull(message);
    }

    /** The action as planned. */
    public ReconcileAction getAction() {
      return action;
    }

    /** What happened. */
    public Outcome getOutcome() {
      return outcome;
    }

    /**
     * How many write calls were sent to the server: 0 for actions that change nothing, more than 1
     * when a concurrent change made the reconciler read the endpoint again and retry.
     */
    public int getAttempts() {
      return attempts;
    }

    /**
     * The server endpoint's version afterwards; 0 when it does not exist (deleted, or never made).
     */
    public long getServerVersion() {
      return serverVersion;
    }

    /** What was done, or what went wrong and what to fix. Never contains key material. */
    public String getMessage() {
      return message;
    }

    @Override
    public String toString() {
      return outcome + " " + action.getEndpointName() + ": " + message;
    }
  }

  private final List<ActionResult> results;
  private final Map<Outcome, Integer> counts;

  ReconcileResult(List<ActionResult> results) {
    this.results = Collections.unmodifiableList(new ArrayList<>(results));
    Map<Outcome, Integer> byOutcome = new EnumMap<>(Outcome.class);
    for (Outcome o : Outcome.values()) {
      byOutcome.put(o, 0);
    }
    for (ActionResult r : results) {
      byOutcome.merge(r.getOutcome(), 1, Integer::sum);
    }
    this.counts = Collections.unmodifiableMap(byOutcome);
  }

  /** One result per planned action, in the plan's order; unmodifiable. */
  public List<ActionResult> getResults() {
    return results;
  }

  /** The failed results; unmodifiable. */
  public List<ActionResult> getFailures() {
    List<ActionResult> failed = new ArrayList<>();
    for (ActionResult r : results) {
      if (r.getOutcome() == Outcome.FAILED) {
        failed.add(r);
      }
    }
    return Collections.unmodifiableList(failed);
  }

  /** Whether nothing failed. */
  public boolean isSuccess() {
    return counts.get(Outcome.FAILED) == 0;
  }

  /** How many results have {@code outcome}. */
  public int count(Outcome outcome) {
    return counts.get(outcome);
  }

  /** A summary line, then one line per result. */
  @Override
  public String toString() {
    StringBuilder sb =
        new StringBuilder("Reconcile result: ")
            .append(count(Outcome.APPLIED))
            .append(" applied, ")
            .append(count(Outcome.UNCHANGED))
            .append(" unchanged, ")
            .append(count(Outcome.SKIPPED))
            .append(" skipped, ")
            .append(count(Outcome.FAILED))
            .append(" failed");
    for (ActionResult r : results) {
      sb.append("\n  ").append(r);
    }
    return sb.toString();
  }
}
