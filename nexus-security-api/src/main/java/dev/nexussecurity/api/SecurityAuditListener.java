package dev.nexussecurity.api;

/**
 * Receives audit events. Both methods default to doing nothing, so implement only what you need.
 * Listeners are called synchronously on the thread that made the change or decision (for
 * caller-side decisions, the workflow thread, and not during replay): keep them fast, do no
 * blocking I/O, and do not throw; exceptions are logged and swallowed.
 *
 * <pre>{@code
 * SecurityAuditListener toQueue = new SecurityAuditListener() {
 *   @Override public void onAccessDecision(AccessDecisionEvent e) { queue.offer(e); }
 * };
 * }</pre>
 */
public interface SecurityAuditListener {

  /** Called after a registry change has been applied. */
  default void onRegistryChange(RegistryChangeEvent event) {}

  /** Called for every runtime access decision, allowed or denied. */
  default void onAccessDecision(AccessDecisionEvent event) {}
}
