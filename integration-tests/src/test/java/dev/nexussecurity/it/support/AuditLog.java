package dev.nexussecurity.it.support;

import dev.nexussecurity.api.AccessDecisionEvent;
import dev.nexussecurity.api.SecurityAuditListener;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * Collects the access decisions of every NexusSecurity instance of a test bed, in arrival order.
 * The tests of a class run one at a time, so a test reads the events that arrived after its {@link
 * #mark()}.
 */
public final class AuditLog implements SecurityAuditListener {
  private final List<AccessDecisionEvent> events = new CopyOnWriteArrayList<>();

  @Override
  public void onAccessDecision(AccessDecisionEvent event) {
    events.add(event);
  }

  /** A position to read {@link #since} from. */
  public int mark() {
    return events.size();
  }

  /** The events recorded after {@code mark}. */
  public List<AccessDecisionEvent> since(int mark) {
    return List.copyOf(events.subList(mark, events.size()));
  }

  /** The events recorded after {@code mark} on {@code side}. */
  public List<AccessDecisionEvent> since(int mark, AccessDecisionEvent.Side side) {
    return since(mark).stream().filter(e -> e.getSide() == side).toList();
  }
}
