package dev.nexussecurity.loadtests;

import java.lang.management.ManagementFactory;
import java.lang.management.MemoryMXBean;

/** Samples the heap of this JVM every 100 ms and keeps the peak; measures the heap after a GC. */
final class HeapWatch implements AutoCloseable {
  private static final MemoryMXBean MEMORY = ManagementFactory.getMemoryMXBean();
  private final Thread thread;
  private volatile long peakUsed;

  HeapWatch() {
    thread =
        new Thread(
            () -> {
              while (!Thread.currentThread().isInterrupted()) {
                long used = MEMORY.getHeapMemoryUsage().getUsed();
                if (used > peakUsed) {
                  peakUsed = used;
                }
                try {
                  Thread.sleep(100);
                } catch (InterruptedException e) {
                  return;
                }
              }
            },
            "load-tests-heap-watch");
    thread.setDaemon(true);
    thread.start();
  }

  /** The highest heap use seen (live data and garbage not yet collected), in bytes. */
  long peakUsed() {
    return peakUsed;
  }

  /** Heap in use right after a full collection, in bytes: the live data. */
  static long usedAfterGc() {
    System.gc();
    System.gc();
    return MEMORY.getHeapMemoryUsage().getUsed();
  }

  @Override
  public void close() {
    thread.interrupt();
  }
}
