package dev.nexussecurity.testing.internal;

import io.temporal.worker.WorkerFactory;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;

/**
 * The worker factories of one scope (a test class or a test method), one per namespace, shut down
 * together when the scope ends. Thread-safe; {@link #close()} is idempotent.
 *
 * <pre>{@code
 * WorkerFactoryScope scope = new WorkerFactoryScope("test method charge()");
 * WorkerFactory orders = scope.get("orders-ns", ns -> temporal.newWorkerFactory(client));
 * ...
 * scope.close(); // shutdownNow, then await termination, of every factory
 * }</pre>
 */
public final class WorkerFactoryScope implements AutoCloseable {
  private static final long TERMINATION_WAIT_SECONDS = 10;

  private final String scopeName;
  private final Map<String, WorkerFactory> factories = new LinkedHashMap<>();
  private boolean closed;

  /** A scope named {@code scopeName} in error messages. */
  public WorkerFactoryScope(String scopeName) {
    this.scopeName = scopeName;
  }

  /** The factory of {@code namespace} in this scope, made by {@code create} on first use. */
  public synchronized WorkerFactory get(String namespace, Function<String, WorkerFactory> create) {
    if (closed) {
      throw new IllegalStateException("the worker factories of " + scopeName + " are shut down");
    }
    return factories.computeIfAbsent(namespace, create);
  }

  /** Shuts down every factory (shutdownNow, then waits for termination), even if some fail. */
  @Override
  public void close() {
    List<WorkerFactory> toClose;
    synchronized (this) {
      if (closed) {
        return;
      }
      closed = true;
      toClose = new ArrayList<>(factories.values());
    }
    ResourceStack stack = new ResourceStack();
    stack.push(
        "worker factories of " + scopeName,
        () ->
            WorkerFactories.shutdownNowAndAwait(
                toClose, TimeUnit.SECONDS.toMillis(TERMINATION_WAIT_SECONDS)));
    stack.close();
  }
}
