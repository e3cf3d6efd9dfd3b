package dev.nexussecurity.benchmarks;

import dev.nexussecurity.testing.EmbeddedTemporal;
import io.nexusrpc.Operation;
import io.nexusrpc.Service;
import io.nexusrpc.handler.OperationHandler;
import io.nexusrpc.handler.OperationImpl;
import io.nexusrpc.handler.ServiceImpl;
import io.temporal.client.WorkflowClient;
import io.temporal.client.WorkflowClientOptions;
import io.temporal.client.WorkflowOptions;
import io.temporal.nexus.Nexus;
import io.temporal.testing.TestEnvironmentOptions;
import io.temporal.testing.TestWorkflowEnvironment;
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

/**
 * What the test fixtures' cross-namespace routing adds to a sync Nexus operation: the stock
 * embedded server ({@code TestWorkflowEnvironment}) with the handler in the caller's namespace,
 * against {@link EmbeddedTemporal} with the handler in its own namespace (routed) and with the
 * handler in the caller's namespace. With {@code --idle}, also routed at poll slices of 5 and 50
 * ms, and each scenario's idle process CPU; every scenario then runs twice and only the second,
 * JIT-warm, round is printed.
 *
 * <p>Each sample is one workflow making {@code ops} sequential sync calls: its wall time divided by
 * {@code ops}. Every call's answer names the namespace the handler ran in, and the run fails unless
 * it is the expected one, so a figure is never that of a misrouted call.
 *
 * <pre>{@code
 * java -cp benchmarks/target/benchmarks.jar dev.nexussecurity.benchmarks.RoutedNexusLatency \
 *     [runs (5)] [ops (20)] [--idle]
 * }</pre>
 */
public final class RoutedNexusLatency {
  private static final String CALLER_NAMESPACE = "lat-caller";
  private static final String HANDLER_NAMESPACE = "lat-handler";
  private static final String CALLER_TASK_QUEUE = "lat-caller-tq";
  private static final String HANDLER_TASK_QUEUE = "lat-handler-tq";
  private static final String ENDPOINT = "lat";

  private final int runs;
  private final int ops;
  private final boolean idle;

  private RoutedNexusLatency(int runs, int ops, boolean idle) {
    this.runs = runs;
    this.ops = ops;
    this.idle = idle;
  }

  /** A sync operation that answers with the namespace its handler runs in. */
  @Service
  public interface Greeting {
    @Operation
    String hello(String name);
  }

  /** Handler of {@link Greeting}. */
  @ServiceImpl(service = Greeting.class)
  public static final class GreetingImpl {
    @OperationImpl
    public OperationHandler<String, String> hello() {
      return OperationHandler.sync(
          (context, details, name) ->
              "hello " + name + " from " + Nexus.getOperationContext().getInfo().getNamespace());
    }
  }

  /** Calls {@link Greeting#hello} {@code times} times in sequence; returns the last answer. */
  @WorkflowInterface
  public interface RepeatCaller {
    @WorkflowMethod
    String callRepeatedly(int times);
  }

  /** Implementation of {@link RepeatCaller}. */
  public static final class RepeatCallerImpl implements RepeatCaller {
    @Override
    public String callRepeatedly(int times) {
      Greeting greeting =
          Workflow.newNexusServiceStub(
              Greeting.class,
              NexusServiceOptions.newBuilder()
                  .setEndpoint(ENDPOINT)
                  .setOperationOptions(
                      NexusOperationOptions.newBuilder()
                          .setScheduleToCloseTimeout(Duration.ofSeconds(30))
                          .build())
                  .build());
      String last = null;
      for (int i = 0; i < times; i++) {
        last = greeting.hello(String.valueOf(i));
      }
      return last;
    }
  }

  public static void main(String[] args) throws Exception {
    List<String> positional = new ArrayList<>();
    boolean idle = false;
    for (String arg : args) {
      if (arg.equals("--idle")) {
        idle = true;
      } else {
        positional.add(arg);
      }
    }
    int runs = positional.size() > 0 ? Integer.parseInt(positional.get(0)) : 5;
    int ops = positional.size() > 1 ? Integer.parseInt(positional.get(1)) : 20;
    new RoutedNexusLatency(runs, ops, idle).run();
  }

  private void run() throws Exception {
    int rounds = idle ? 2 : 1;
    List<String> lines = new ArrayList<>();
    for (int round = 0; round < rounds; round++) {
      lines.clear();
      lines.add(stockServerSameNamespace());
      lines.add(
          embedded(
              "routed: handler in its own namespace",
              HANDLER_NAMESPACE,
              EmbeddedTemporal.DEFAULT_POLL_SLICE));
      lines.add(
          embedded(
              "handler in the caller's namespace",
              CALLER_NAMESPACE,
              EmbeddedTemporal.DEFAULT_POLL_SLICE));
      if (idle) {
        lines.add(embedded("routed", HANDLER_NAMESPACE, Duration.ofMillis(5)));
        lines.add(embedded("routed", HANDLER_NAMESPACE, Duration.ofMillis(50)));
      }
    }
    lines.forEach(System.out::println);
  }

  private String stockServerSameNamespace() throws InterruptedException {
    TestWorkflowEnvironment env =
        TestWorkflowEnvironment.newInstance(
            TestEnvironmentOptions.newBuilder()
                .setUseTimeskipping(false)
                .setWorkflowClientOptions(
                    WorkflowClientOptions.newBuilder().setNamespace(CALLER_NAMESPACE).build())
                .build());
    try {
      env.createNexusEndpoint(ENDPOINT, HANDLER_TASK_QUEUE);
      env.newWorker(HANDLER_TASK_QUEUE).registerNexusServiceImplementation(new GreetingImpl());
      env.newWorker(CALLER_TASK_QUEUE).registerWorkflowImplementationTypes(RepeatCallerImpl.class);
      env.start();
      return measure(
          "stock embedded server, handler in the caller's namespace",
          env.getWorkflowClient(),
          CALLER_NAMESPACE);
    } finally {
      env.close();
    }
  }

  private String embedded(String label, String handlerNamespace, Duration slice)
      throws InterruptedException {
    try (EmbeddedTemporal temporal = EmbeddedTemporal.newBuilder().setPollSlice(slice).start()) {
      temporal.createNexusEndpoint(ENDPOINT, handlerNamespace, HANDLER_TASK_QUEUE);
      WorkerFactory handlerFactory =
          temporal.newWorkerFactory(temporal.newWorkflowClient(handlerNamespace));
      handlerFactory
          .newWorker(HANDLER_TASK_QUEUE)
          .registerNexusServiceImplementation(new GreetingImpl());
      WorkflowClient caller = temporal.newWorkflowClient(CALLER_NAMESPACE);
      WorkerFactory callerFactory =
          handlerNamespace.equals(CALLER_NAMESPACE)
              ? handlerFactory
              : temporal.newWorkerFactory(caller);
      callerFactory
          .newWorker(CALLER_TASK_QUEUE)
          .registerWorkflowImplementationTypes(RepeatCallerImpl.class);
      handlerFactory.start();
      if (callerFactory != handlerFactory) {
        callerFactory.start();
      }
      return measure(
          "EmbeddedTemporal (slice " + slice.toMillis() + " ms), " + label,
          caller,
          handlerNamespace);
    }
  }

  /** Median, min and max per-operation time over {@link #runs} workflows, after one warm-up. */
  private String measure(String label, WorkflowClient caller, String expectedHandlerNamespace)
      throws InterruptedException {
    callRepeatedly(caller, expectedHandlerNamespace);
    List<Double> perOpMillis = new ArrayList<>();
    for (int i = 0; i < runs; i++) {
      long start = System.nanoTime();
      callRepeatedly(caller, expectedHandlerNamespace);
      perOpMillis.add((System.nanoTime() - start) / 1e6 / ops);
    }
    Collections.sort(perOpMillis);
    String line =
        String.format(
            Locale.ROOT,
            "sync Nexus op, %s: median %.2f ms/op, min %.2f, max %.2f (%d workflows x %d"
                + " sequential ops)",
            label,
            perOpMillis.get(perOpMillis.size() / 2),
            perOpMillis.get(0),
            perOpMillis.get(perOpMillis.size() - 1),
            runs,
            ops);
    return idle ? line + ", " + idleCpu() : line;
  }

  private void callRepeatedly(WorkflowClient caller, String expectedHandlerNamespace) {
    String last =
        caller
            .newWorkflowStub(
                RepeatCaller.class,
                WorkflowOptions.newBuilder()
                    .setTaskQueue(CALLER_TASK_QUEUE)
                    .setWorkflowId("lat-" + UUID.randomUUID())
                    .build())
            .callRepeatedly(ops);
    String expected = "hello " + (ops - 1) + " from " + expectedHandlerNamespace;
    if (!expected.equals(last)) {
      throw new IllegalStateException("expected \"" + expected + "\", got \"" + last + "\"");
    }
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
}
