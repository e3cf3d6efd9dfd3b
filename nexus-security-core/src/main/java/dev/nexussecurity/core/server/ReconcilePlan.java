package dev.nexussecurity.core.server;

import dev.nexussecurity.core.internal.server.PlannedStep;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;

/**
 * What {@link EndpointReconciler#apply(ReconcilePlan)} would do to bring the server's Nexus
 * endpoints in step with the registry: one {@link ReconcileAction} per endpoint name, in name
 * order, then one for the registry manifest. Computing a plan changes nothing, so a plan is a dry
 * run; {@link #toString()} prints it for review. The manifest action shows what the manifest will
 * list if every endpoint change succeeds; {@link EndpointReconciler#apply} signs it over what the
 * server actually holds afterwards.
 *
 * <pre>{@code
 * ReconcilePlan plan = reconciler.plan();
 * System.out.println(plan);
 * // Reconcile plan at 2025-05-01T10:00:00Z: 1 to create, 1 to update, 0 to delete, 3 unchanged,
 * //   1 skipped, 0 errors
 * //   + create payments -> payments-ns/payments-nexus allowed [orders-ns]: not on the server
 * //   ~ update shipping -> shipping-ns/ship allowed [orders-ns] (server version 4): target: ...
 * //   . skip legacy (server version 2): not in the registry; kept because deleting removed ...
 * if (plan.hasChanges() && !plan.hasErrors()) {
 *   reconciler.apply(plan);
 * }
 * }</pre>
 *
 * <p>Immutable and thread-safe; made only by {@link EndpointReconciler#plan()}. It records the
 * server version of each endpoint it read: applying a stale plan re-reads what changed meanwhile.
 */
public final class ReconcilePlan {
  private final List<ReconcileAction> actions;
  private final List<ReconcileAction> changes;
  private final Instant createdAt;
  private final Map<ReconcileAction.Type, Integer> counts;

  ReconcilePlan(List<PlannedStep> steps, Instant createdAt) {
    List<ReconcileAction> all = new ArrayList<>(steps.size());
    List<ReconcileAction> changing = new ArrayList<>();
    Map<ReconcileAction.Type, Integer> byType = new EnumMap<>(ReconcileAction.Type.class);
    for (ReconcileAction.Type t : ReconcileAction.Type.values()) {
      byType.put(t, 0);
    }
    for (PlannedStep step : steps) {
      ReconcileAction action = new ReconcileAction(step);
      all.add(action);
      if (action.isChange()) {
        changing.add(action);
      }
      byType.merge(action.getType(), 1, Integer::sum);
    }
    this.actions = Collections.unmodifiableList(all);
    this.changes = Collections.unmodifiableList(changing);
    this.createdAt = createdAt;
    this.counts = Collections.unmodifiableMap(byType);
  }

  /** Every action, one per endpoint name sorted by name, then the manifest's; unmodifiable. */
  public List<ReconcileAction> getActions() {
    return actions;
  }

  /**
   * The actions that change the server (create, update, delete), in the order of {@link
   * #getActions()}; unmodifiable.
   */
  public List<ReconcileAction> getChanges() {
    return changes;
  }

  /** Whether applying this plan would change the server. */
  public boolean hasChanges() {
    return !changes.isEmpty();
  }

  /** Whether some action is an {@link ReconcileAction.Type#ERROR}. */
  public boolean hasErrors() {
    return counts.get(ReconcileAction.Type.ERROR) > 0;
  }

  /** How many actions are of {@code type}. */
  public int count(ReconcileAction.Type type) {
    return counts.get(type);
  }

  /** When the plan was computed (the reconciler's clock). */
  public Instant getCreatedAt() {
    return createdAt;
  }

  /** The plan for review: a summary line, then one line per action. */
  @Override
  public String toString() {
    StringBuilder sb =
        new StringBuilder("Reconcile plan at ")
            .append(createdAt)
            .append(": ")
            .append(count(ReconcileAction.Type.CREATE))
            .append(" to create, ")
            .append(count(ReconcileAction.Type.UPDATE))
            .append(" to update, ")
            .append(count(ReconcileAction.Type.DELETE))
            .append(" to delete, ")
            .append(count(ReconcileAction.Type.UNCHANGED))
            .append(" unchanged, ")
            .append(count(ReconcileAction.Type.SKIP))
            .append(" skipped, ")
            .append(count(ReconcileAction.Type.ERROR))
            .append(" errors");
    for (ReconcileAction action : actions) {
      sb.append("\n  ").append(action);
    }
    return sb.toString();
  }
}
