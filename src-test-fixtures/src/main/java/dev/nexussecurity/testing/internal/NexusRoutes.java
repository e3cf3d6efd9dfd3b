package dev.nexussecurity.testing.internal;

import io.temporal.api.nexus.v1.Endpoint;
import io.temporal.api.nexus.v1.EndpointTarget;
import java.util.Collection;
import java.util.Collections;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * An immutable snapshot of where the server's Nexus endpoints send their tasks: endpoint name to
 * target {@code (namespace, task queue)}.
 *
 * <p>Built from the server's own endpoint store, so it follows every create, update and delete
 * whoever made it. Endpoints without a worker target (the embedded server rejects them anyway) are
 * ignored.
 */
public final class NexusRoutes {
  private static final NexusRoutes EMPTY = new NexusRoutes(Map.of());

  private final Map<String, TaskQueueKey> targetByEndpoint;
  private final Set<TaskQueueKey> targets;
  private final Set<String> targetTaskQueues;

  private NexusRoutes(Map<String, TaskQueueKey> targetByEndpoint) {
    this.targetByEndpoint = Collections.unmodifiableMap(new HashMap<>(targetByEndpoint));
    Set<TaskQueueKey> keys = new HashSet<>(targetByEndpoint.values());
    Set<String> queues = new HashSet<>();
    for (TaskQueueKey key : keys) {
      queues.add(key.taskQueue());
    }
    this.targets = Collections.unmodifiableSet(keys);
    this.targetTaskQueues = Collections.unmodifiableSet(queues);
  }

  /** Routes of a server with no endpoints. */
  public static NexusRoutes empty() {
    return EMPTY;
  }

  /** Routes of the given endpoints; not null, no null elements. */
  public static NexusRoutes of(Collection<Endpoint> endpoints) {
    Map<String, TaskQueueKey> map = new HashMap<>();
    for (Endpoint endpoint : endpoints) {
      if (!endpoint.getSpec().getTarget().hasWorker()) {
        continue;
      }
      EndpointTarget.Worker worker = endpoint.getSpec().getTarget().getWorker();
      map.put(
          endpoint.getSpec().getName(),
          new TaskQueueKey(worker.getNamespace(), worker.getTaskQueue()));
    }
    return map.isEmpty() ? EMPTY : new NexusRoutes(map);
  }

  /** The target of the endpoint with this name, if there is such an endpoint. */
  public Optional<TaskQueueKey> targetOf(String endpointName) {
    return Optional.ofNullable(targetByEndpoint.get(endpointName));
  }

  /** Whether some endpoint targets exactly this namespace and task queue. */
  public boolean isTarget(TaskQueueKey key) {
    return targets.contains(key);
  }

  /** Whether some endpoint targets a task queue of this name, in any namespace. */
  public boolean isTargetTaskQueue(String taskQueue) {
    return targetTaskQueues.contains(taskQueue);
  }

  /**
   * Where a Nexus task found in {@code found} belongs: the target of its endpoint when that
   * endpoint still targets a queue of the same name, otherwise where the embedded server itself put
   * it.
   *
   * @param endpointName the endpoint named in the task's request; may be empty
   * @param found the queue the task was taken from
   */
  public TaskQueueKey destinationOf(String endpointName, TaskQueueKey found) {
    TaskQueueKey target = targetByEndpoint.get(endpointName);
    if (target != null && target.taskQueue().equals(found.taskQueue())) {
      return target;
    }
    return found;
  }

  /** All endpoint names with their targets, unmodifiable. */
  public Map<String, TaskQueueKey> asMap() {
    return targetByEndpoint;
  }

  @Override
  public String toString() {
    return "NexusRoutes" + targetByEndpoint;
  }
}
