package dev.nexussecurity.examples;

import dev.nexussecurity.core.NexusSecurity;
import io.temporal.client.WorkflowClient;
import io.temporal.worker.WorkerFactory;
import java.util.Objects;
import java.util.concurrent.TimeUnit;

/**
 * A started worker: its client, its worker factory and the NexusSecurity instance wired into it.
 * {@link #close()} shuts the worker factory down; the connection (service stubs) belongs to whoever
 * opened it.
 *
 * <pre>{@code
 * try (RunningWorker caller =
 *     WorkerBootstrap.startCallerWorker(service, settings, registry, converter)) {
 *   caller.getClient().newWorkflowStub(CheckoutWorkflow.class, options).checkout(order);
 * }
 * }</pre>
 */
public final class RunningWorker implements AutoCloseable {
  private static final long TERMINATION_WAIT_SECONDS = 10;

  private final WorkerSettings settings;
  private final WorkflowClient client;
  private final WorkerFactory factory;
  private final NexusSecurity security;

  RunningWorker(
      WorkerSettings settings,
      WorkflowClient client,
      WorkerFactory factory,
      NexusSecurity security) {
    this.settings = Objects.requireNonNull(settings, "settings");
    this.client = Objects.requireNonNull(client, "client");
    this.factory = Objects.requireNonNull(factory, "factory");
    this.security = Objects.requireNonNull(security, "security");
  }

  /** The settings the worker was started with. */
  public WorkerSettings getSettings() {
    return settings;
  }

  /** The worker's client: its namespace and DataConverter. */
  public WorkflowClient getClient() {
    return client;
  }

  /** The worker factory. */
  public WorkerFactory getFactory() {
    return factory;
  }

  /** The NexusSecurity instance whose interceptor the worker runs. */
  public NexusSecurity getSecurity() {
    return security;
  }

  /** Stops polling, lets running tasks finish for up to 10 seconds, then stops. Idempotent. */
  @Override
  public void close() {
    factory.shutdown();
    factory.awaitTermination(TERMINATION_WAIT_SECONDS, TimeUnit.SECONDS);
    if (!factory.isTerminated()) {
      factory.shutdownNow();
    }
  }

  @Override
  public String toString() {
    return "RunningWorker{namespace="
        + settings.getNamespace()
        + ", taskQueue="
        + settings.getTaskQueue()
        + "}";
  }
}
