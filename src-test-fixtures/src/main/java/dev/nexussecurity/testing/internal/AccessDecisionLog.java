package dev.nexussecurity.testing.internal;

import dev.nexussecurity.api.AccessDecisionEvent;
import dev.nexussecurity.api.SecurityAuditListener;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * Records the access decisions of one namespace's NexusSecurity instances, in arrival order.
 * Listeners run on worker threads; readers take snapshots.
 *
 * <pre>{@code
 * AccessDecisionLog log = new AccessDecisionLog();
 * NexusSecurityOptions options = NexusSecurityOptions.newBuilder()...addAuditListener(log).build();
 * List<AccessDecisionEvent> seen = log.snapshot();
 * }</pre>
 */
public final class AccessDecisionLog implements SecurityAuditListener {
  private final List<AccessDecisionEvent> events = new CopyOnWriteArrayList<>();

  @Override
  public void onAccessDecision(AccessDecisionEvent event) {
    events.add(event);
  }

  /** The decisions recorded since the last {@link #clear()}, oldest first; unmodifiable. */
  public List<AccessDecisionEvent> snapshot() {
    return List.copyOf(events);
  }

  /** Forgets every decision recorded so far. */
  public void clear() {
    events.clear();
  }
}
