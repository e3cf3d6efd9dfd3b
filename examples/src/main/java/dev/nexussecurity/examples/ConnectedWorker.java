package dev.nexussecurity.examples;

import dev.nexussecurity.connection.WorkerConnection;
import java.util.Objects;

/**
 * A worker started on its own connection (as {@link HandlerWorkerMain} and {@link CallerWorkerMain}
 * start them); {@link #close()} stops the worker, then closes the connection.
 *
 * <pre>{@code
 * try (ConnectedWorker handler =
 *     HandlerWorkerMain.start(args, EnvConfigConnections.profile("payments"))) {
 *   // ... serve until shutdown
 * }
 * }</pre>
 */
public final class ConnectedWorker implements AutoCloseable {
  private final WorkerConnection connection;
  private final RunningWorker worker;

  ConnectedWorker(WorkerConnection connection, RunningWorker worker) {
    this.connection = Objects.requireNonNull(connection, "connection");
    this.worker = Objects.requireNonNull(worker, "worker");
  }

  /** The connection the worker runs on. */
  public WorkerConnection getConnection() {
    return connection;
  }

  /** The worker. */
  public RunningWorker getWorker() {
    return worker;
  }

  /** Stops the worker, then closes the connection. */
  @Override
  public void close() {
    try {
      worker.close();
    } finally {
      connection.close();
    }
  }

  @Override
  public String toString() {
    return "ConnectedWorker{" + worker + ", target=" + connection.getOptions().getTarget() + "}";
  }
}
