package dev.nexussecurity.testing;

import static org.assertj.core.api.Assertions.assertThat;

import dev.nexussecurity.testing.support.GreetingService;
import dev.nexussecurity.testing.support.GreetingServiceImpl;
import dev.nexussecurity.testing.support.GreetingWorkflow;
import dev.nexussecurity.testing.support.HandlerInvocations;
import io.temporal.client.WorkflowClient;
import io.temporal.client.WorkflowClientOptions;
import io.temporal.client.WorkflowOptions;
import io.temporal.testing.TestEnvironmentOptions;
import io.temporal.testing.TestWorkflowEnvironment;
import io.temporal.worker.Worker;
import io.temporal.worker.WorkerFactory;
import io.temporal.workflow.NexusOperationOptions;
import io.temporal.workflow.NexusServiceOptions;
import io.temporal.workflow.Workflow;
import io.temporal.workflow.WorkflowInterface;
import io.temporal.workflow.WorkflowMethod;
import java.lang.management.ManagementFactory;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Locale;
import java.util.UUID;
import org.junit.jupiter.api.Test;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Measures, without asserting on time, what routing adds to a sync Nexus operation: the stock
 * embedded server with the handler in the caller's namespace, against {@link EmbeddedTemporal} with
 * the handler in its own namespace, and {@link EmbeddedTemporal} with the handler in the caller's
 * namespace. Figures go to the log ({@code RoutedNexusLatencyTest} lines in the surefire output).
 *
 * <p>Each sample is one workflow making {@code ops} sequential sync calls: its wall time divided by
 * {@code ops}. Defaults keep the test short; a longer run for the README: {@code mvn -B verify -pl
 * src-test-fixtures -am -Dtest=RoutedNexusLatencyTest -Dsurefire.failIfNoSpecifiedTests=false
 * -Dnexussecurity.latency.runs=15 -Dnexussecurity.latency.ops=40
 * -Dnexussecurity.latency.idle=true}.
 */
class RoutedNexusLatencyTest {
  private static final Logger log = LoggerFactory.getLogger(RoutedNexusLatencyTest.class);
  private static final int RUNS = Integer.getInteger("nexussecurity.latency.runs", 5);
  private static final int OPS = Integer.getInteger("nexussecurity.latency.ops", 20);
  private static final boolean IDLE = Boolean.getBoolean("nexussecurity.latency.idle");

  @Test
  void syncOperation_routedVersusUnrouted_latencyIsLogged() throws Exception {
    // In the long mode every scenario runs twice and only the second, JIT-warm, round is reported.
    int rounds = IDLE ? 2 : 1;
    List<String> lines = new ArrayList<>();
    for (int round = 0; round < rounds; round++) {
      lines.clear();
      lines.add(stockServerSameNamespace());
      lines.add(
          embedded(
              "routed: handler in its own namespace",
              "lat-handler",
              EmbeddedTemporal.DEFAULT_POLL_SLICE));
      lines.add(
          embedded(
              "handler in the caller's namespace",
              "lat-caller",
              EmbeddedTemporal.DEFAULT_POLL_SLICE));
      if (IDLE) {
        lines.add(embedded("routed", "lat-handler", Duration.ofMillis(5)));
        lines.add(embedded("routed", "lat-handler", Duration.ofMillis(50)));
      }
    }
    for (String line : lines) {
      log.info(line);
    }
  }

  private String stockServerSameNamespace() {
    TestWorkflowEnvironment env =
        TestWorkflowEnvironment.newInstance(
            TestEnvironmentOptions.newBuilder()
                .setUseTimeskipping(false)
                .setWorkflowClientOptions(
                    WorkflowClientOptions.newBuilder().setNamespace("lat-caller").build())
                .build());
    try {
      env.createNexusEndpoint("lat", "lat-handler-tq");
      Worker handler = env.newWorker("lat-handler-tq");
      handler.registerNexusServiceImplementation(new GreetingServiceImpl(new HandlerInvocations()));
      handler.registerWorkflowImplementationTypes(GreetingWorkflow.Impl.class);
      env.newWorker("lat-caller-tq")
          .registerWorkflowImplementationTypes(RepeatCallerWorkflow.Impl.class);
      env.start();
      String line =
          measure(
              "stock embedded server, handler in the caller's namespace",
              env.getWorkflowClient(),
              "lat-caller");
      if (IDLE) {
        line += ", " + idleCpu();
      }
      return line;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    } finally {
      env.close();
    }
  }

  private String embedded(String label, String handlerNamespace, Duration slice) throws Exception {
    try (EmbeddedTemporal temporal = EmbeddedTemporal.newBuilder().setPollSlice(slice).start()) {
      temporal.createNexusEndpoint("lat", handlerNamespace, "lat-handler-tq");
      WorkerFactory handlerFactory =
          temporal.newWorkerFactory(temporal.newWorkflowClient(handlerNamespace));
      Worker handler = handlerFactory.newWorker("lat-handler-tq");
      handler.registerNexusServiceImplementation(new GreetingServiceImpl(new HandlerInvocations()));
      handler.registerWorkflowImplementationTypes(GreetingWorkflow.Impl.class);
      WorkflowClient caller = temporal.newWorkflowClient("lat-caller");
      WorkerFactory callerFactory =
          handlerNamespace.equals("lat-caller")
              ? handlerFactory
              : temporal.newWorkerFactory(caller);
      callerFactory
          .newWorker("lat-caller-tq")
          .registerWorkflowImplementationTypes(RepeatCallerWorkflow.Impl.class);
      handlerFactory.start();
      if (callerFactory != handlerFactory) {
        callerFactory.start();
      }
      String line =
          measure(
              "EmbeddedTemporal (slice " + slice.toMillis() + " ms), " + label,
              caller,
              handlerNamespace);
      if (IDLE) {
        line += ", " + idleCpu();
      }
      return line;
    }
  }

  private String measure(String label, WorkflowClient caller, String expectedHandlerNamespace) {
    run(caller, OPS, expectedHandlerNamespace); // warm-up
    List<Double> perOpMillis = new ArrayList<>();
    for (int i = 0; i < RUNS; i++) {
      long start = System.nanoTime();
      run(caller, OPS, expectedHandlerNamespace);
      perOpMillis.add((System.nanoTime() - start) / 1e6 / OPS);
    }
    Collections.sort(perOpMillis);
    return String.format(
        Locale.ROOT,
        "sync Nexus op, %s: median %.2f ms/op, min %.2f, max %.2f (%d workflows x %d sequential ops)",
        label,
        perOpMillis.get(perOpMillis.size() / 2),
        perOpMillis.get(0),
        perOpMillis.get(perOpMillis.size() - 1),
        RUNS,
        OPS);
  }

  private static void run(WorkflowClient caller, int ops, String expectedHandlerNamespace) {
    String last =
        caller
            .newWorkflowStub(
                RepeatCallerWorkflow.class,
                WorkflowOptions.newBuilder()
                    .setTaskQueue("lat-caller-tq")
                    .setWorkflowId("lat-" + UUID.randomUUID())
                    .build())
            .callRepeatedly("lat", ops);
    assertThat(last).isEqualTo("hello " + (ops - 1) + " from " + expectedHandlerNamespace);
  }

  /** Process CPU over three idle seconds after two to settle (JIT, GC), in percent of one core. */
  private static String idleCpu() throws InterruptedException {
    com.sun.management.OperatingSystemMXBean os =
        (com.sun.management.OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean();
    Thread.sleep(2000);
    long cpuBefore = os.getProcessCpuTime();
    long wallBefore = System.nanoTime();
    Thread.sleep(3000);
    double percent =
        100.0 * (os.getProcessCpuTime() - cpuBefore) / (System.nanoTime() - wallBefore);
    return String.format(Locale.ROOT, "idle process CPU %.1f%% of one core", percent);
  }

  /**
   * Calls {@link GreetingService#hello} {@code times} times in sequence; returns the last answer.
   */
  @WorkflowInterface
  public interface RepeatCallerWorkflow {
    @WorkflowMethod
    String callRepeatedly(String endpoint, int times);

    /** Implementation. */
    final class Impl implements RepeatCallerWorkflow {
      @Override
      public String callRepeatedly(String endpoint, int times) {
        GreetingService service =
            Workflow.newNexusServiceStub(
                GreetingService.class,
                NexusServiceOptions.newBuilder()
                    .setEndpoint(endpoint)
                    .setOperationOptions(
                        NexusOperationOptions.newBuilder()
                            .setScheduleToCloseTimeout(Duration.ofSeconds(30))
                            .build())
                    .build());
        String last = null;
        for (int i = 0; i < times; i++) {
          last = service.hello(String.valueOf(i));
        }
        return last;
      }
    }
  }
}
