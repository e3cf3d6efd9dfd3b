package dev.nexussecurity.core.internal.registry;

import dev.nexussecurity.api.AccessDecision;
import dev.nexussecurity.api.NexusEndpoint;
import dev.nexussecurity.api.ReasonCode;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Collections;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;

/**
 * One immutable state of the endpoint registry: endpoints by name for O(1) lookups and the same
 * endpoints sorted by name for listing.
 *
 * <p>A snapshot never changes after construction, so any number of threads may read it without
 * locking; {@link #with} and {@link #without} return new snapshots (copy-on-write, O(n) per change,
 * which is fine for a registry that is read on every Nexus call and changed by operators).
 *
 * <pre>{@code
 * RegistrySnapshot s = RegistrySnapshot.of(List.of(endpoint));
 * s.checkAccess("payments", "orders-ns"); // ALLOWED, CALLER_NOT_ALLOWED or UNKNOWN_ENDPOINT
 * }</pre>
 */
public final class RegistrySnapshot {
  private static final AccessDecision ALLOWED = AccessDecision.allowed();
  private static final AccessDecision UNKNOWN_ENDPOINT =
      AccessDecision.denied(ReasonCode.UNKNOWN_ENDPOINT);
  private static final AccessDecision CALLER_NOT_ALLOWED =
      AccessDecision.denied(ReasonCode.CALLER_NOT_ALLOWED);
  private static final Comparator<NexusEndpoint> BY_NAME =
      Comparator.comparing(NexusEndpoint::getName);

  /** The snapshot with no endpoints. */
  public static final RegistrySnapshot EMPTY =
      new RegistrySnapshot(new HashMap<>(), Collections.emptyList());

  private final HashMap<String, NexusEndpoint> byName;
  private final List<NexusEndpoint> sortedByName;

  private RegistrySnapshot(
      HashMap<String, NexusEndpoint> byName, List<NexusEndpoint> sortedByName) {
    this.byName = byName;
    this.sortedByName = sortedByName;
  }

  /**
   * A snapshot holding {@code endpoints} as given (versions included).
   *
   * @throws IllegalArgumentException if two endpoints have the same name
   */
  public static RegistrySnapshot of(Collection<NexusEndpoint> endpoints) {
    HashMap<String, NexusEndpoint> byName = new HashMap<>(capacityFor(endpoints.size()));
    for (NexusEndpoint e : endpoints) {
      if (byName.putIfAbsent(e.getName(), e) != null) {
        throw new IllegalArgumentException(
            "Duplicate Nexus endpoint name '" + e.getName() + "'; endpoint names must be unique");
      }
    }
    List<NexusEndpoint> sorted = new ArrayList<>(byName.values());
    sorted.sort(BY_NAME);
    return new RegistrySnapshot(byName, Collections.unmodifiableList(sorted));
  }

  /** The endpoint named {@code name}, or {@code null}. */
  public NexusEndpoint get(String name) {
    return name == null ? null : byName.get(name);
  }

  /** All endpoints sorted by name, unmodifiable. */
  public List<NexusEndpoint> list() {
    return sortedByName;
  }

  /** The number of endpoints. */
  public int size() {
    return sortedByName.size();
  }

  /**
   * The access decision for {@code callerNamespace} calling {@code endpointName}. O(1): one hash
   * lookup for the endpoint and one in its allowlist. Allocates nothing: returns shared {@link
   * AccessDecision} constants. Null arguments are denied.
   */
  public AccessDecision checkAccess(String endpointName, String callerNamespace) {
    if (endpointName == null) {
      return UNKNOWN_ENDPOINT;
    }
    NexusEndpoint endpoint = byName.get(endpointName);
    if (endpoint == null) {
      return UNKNOWN_ENDPOINT;
    }
    return endpoint.isCallerAllowed(callerNamespace) ? ALLOWED : CALLER_NOT_ALLOWED;
  }

  /** A new snapshot with {@code endpoint} added, or replacing the endpoint of the same name. */
  public RegistrySnapshot with(NexusEndpoint endpoint) {
    HashMap<String, NexusEndpoint> map = new HashMap<>(capacityFor(byName.size() + 1));
    map.putAll(byName);
    map.put(endpoint.getName(), endpoint);
    List<NexusEndpoint> sorted = new ArrayList<>(sortedByName.size() + 1);
    sorted.addAll(sortedByName);
    int i = indexOf(endpoint.getName());
    if (i >= 0) {
      sorted.set(i, endpoint);
    } else {
      sorted.add(-(i + 1), endpoint);
    }
    return new RegistrySnapshot(map, Collections.unmodifiableList(sorted));
  }

  /** A new snapshot without the endpoint named {@code name}; this snapshot if there is none. */
  public RegistrySnapshot without(String name) {
    int i = indexOf(name);
    if (i < 0) {
      return this;
    }
    HashMap<String, NexusEndpoint> map = new HashMap<>(byName);
    map.remove(name);
    List<NexusEndpoint> sorted = new ArrayList<>(sortedByName);
    sorted.remove(i);
    return new RegistrySnapshot(map, Collections.unmodifiableList(sorted));
  }

  /** Binary search by name: the index, or {@code -(insertionPoint + 1)} when absent. */
  private int indexOf(String name) {
    int lo = 0;
    int hi = sortedByName.size() - 1;
    while (lo <= hi) {
      int mid = (lo + hi) >>> 1;
      int c = sortedByName.get(mid).getName().compareTo(name);
      if (c < 0) {
        lo = mid + 1;
      } else if (c > 0) {
        hi = mid - 1;
      } else {
        return mid;
      }
    }
    return -(lo + 1);
  }

  private static int capacityFor(int entries) {
    return (int) Math.min(Integer.MAX_VALUE, (long) Math.ceil(entries / 0.75) + 1);
  }
}
