package dev.nexussecurity.loadtests;

import io.temporal.client.WorkflowClient;
import io.temporal.client.WorkflowOptions;
import io.temporal.client.WorkflowStub;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;

/**
 * Runs operations concurrently: one driver thread per caller namespace keeps at most {@code
 * inFlight} caller workflows of that namespace open, starting the next as soon as one ends.
 */
final class OpRunner {
  /** A run that has not started all its operations after this gives up (the rest are lost). */
  static final Duration MAX_RUN = Duration.ofMinutes(Long.getLong("load.maxRunMinutes", 60));

  private final Function<Op, WorkflowClient> clients;
  private final int inFlight;

  /**
   * @param clients the client that starts (and reads the result of) an operation's workflow
   */
  OpRunner(Function<Op, WorkflowClient> clients, int inFlight) {
    this.clients = clients;
    this.inFlight = inFlight;
  }

  /**
   * Runs every operation of every namespace's iterator, then waits up to {@code drain} for the last
   * ones to end; returns them all (those still running have a null outcome: lost).
   */
  List<Op> run(Map<String, Iterator<Op>> opsByNamespace, Duration drain) {
    long giveUpAt = System.nanoTime() + MAX_RUN.toNanos();
    ConcurrentLinkedQueue<Op> all = new ConcurrentLinkedQueue<>();
    List<Thread> drivers = new ArrayList<>();
    List<Semaphore> permits = new ArrayList<>();
    for (Map.Entry<String, Iterator<Op>> e : opsByNamespace.entrySet()) {
      Semaphore slots = new Semaphore(inFlight);
      permits.add(slots);
      Thread t =
          new Thread(
              () -> {
                Iterator<Op> ops = e.getValue();
                try {
                  while (true) {
                    if (!slots.tryAcquire(1, TimeUnit.SECONDS)) {
                      if (!ops.hasNext()) {
                        return;
                      }
                      if (System.nanoTime() - giveUpAt > 0) {
                        break; // operations stuck for too long: the rest are never started
                      }
                      continue;
                    }
                    if (!ops.hasNext()) {
                      slots.release();
                      return;
                    }
                    Op op = ops.next();
                    all.add(op);
                    start(op, slots);
                  }
                } catch (InterruptedException ie) {
                  Thread.currentThread().interrupt();
                }
                // given up: what was never started counts as lost (no outcome)
                while (ops.hasNext()) {
                  all.add(ops.next());
                }
              },
              "load-tests-driver-" + e.getKey());
      t.start();
      drivers.add(t);
    }
    try {
      for (Thread t : drivers) {
        t.join();
      }
      long deadline = System.nanoTime() + drain.toNanos();
      for (Semaphore s : permits) {
        long left = deadline - System.nanoTime();
        if (s.tryAcquire(inFlight, Math.max(0, left), TimeUnit.NANOSECONDS)) {
          s.release(inFlight);
        }
      }
    } catch (InterruptedException ie) {
      Thread.currentThread().interrupt();
    }
    return new ArrayList<>(all);
  }

  private void start(Op op, Semaphore slots) {
    op.startMillis = System.currentTimeMillis();
    try {
      WorkflowStub stub =
          clients
              .apply(op)
              .newUntypedWorkflowStub(
                  "CallerWorkflow",
                  WorkflowOptions.newBuilder()
                      .setWorkflowId("c-" + op.id)
                      .setTaskQueue(op.secured ? Operations.CALLER_TQ : Operations.PLAIN_CALLER_TQ)
                      .build());
      stub.start(op.endpoint, op.operation, op.id);
      stub.getResultAsync(String.class)
          .whenComplete(
              (result, failure) -> {
                op.endMillis = System.currentTimeMillis();
                op.outcome = failure == null ? result : "FAILED workflow: " + failure;
                slots.release();
              });
    } catch (RuntimeException e) {
      op.endMillis = System.currentTimeMillis();
      op.outcome = "FAILED start: " + e;
      slots.release();
    }
  }
}
