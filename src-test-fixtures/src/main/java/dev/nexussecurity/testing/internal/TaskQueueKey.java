package dev.nexussecurity.testing.internal;

import java.util.Objects;

/**
 * A task queue in one namespace: the unit a Nexus task is queued under and a Nexus poll asks for.
 *
 * @param namespace the namespace, never null
 * @param taskQueue the task queue name, never null
 */
public record TaskQueueKey(String namespace, String taskQueue) {
  /** Checks both parts for null. */
  public TaskQueueKey {
    Objects.requireNonNull(namespace, "namespace");
    Objects.requireNonNull(taskQueue, "taskQueue");
  }

  @Override
  public String toString() {
    return namespace + "/" + taskQueue;
  }
}
