package dev.nexussecurity.testing;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.nexussecurity.testing.support.CallerWorkflow;
import dev.nexussecurity.testing.support.TcpHandlerWorkerMain;
import io.grpc.health.v1.HealthCheckRequest;
import io.grpc.health.v1.HealthCheckResponse;
import io.temporal.client.WorkflowClient;
import io.temporal.client.WorkflowClientOptions;
import io.temporal.client.WorkflowOptions;
import io.temporal.serviceclient.WorkflowServiceStubs;
import io.temporal.serviceclient.WorkflowServiceStubsOptions;
import io.temporal.worker.WorkerFactory;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

@Timeout(120)
class LocalTemporalServerTest {
  private static final Pattern LISTENING =
      Pattern.compile("Temporal server on (127\\.0\\.0\\.1:\\d+) ");

  @TempDir Path dir;

  /**
   * The launcher's {@code main} in one process, a handler worker in another (connecting over TCP
   * with {@code -target-host}, as Temporal's samples do), and a caller worker here, also over TCP:
   * one Nexus call routed to the handler's namespace.
   */
  @Test
  void mainInOneProcess_handlerWorkerInAnother_nexusCallOverTcpSucceeds() throws Exception {
    List<Process> processes = new ArrayList<>();
    WorkflowServiceStubs stubs = null;
    WorkerFactory callers = null;
    try {
      Process server =
          startJvm(
              processes,
              LocalTemporalServer.class,
              "--port",
              "0",
              "--endpoint",
              "greeting=handler-ns/greeting-tq",
              "--namespace",
              "caller-ns");
      String target = awaitLine(server, LISTENING).group(1);
      Process handler =
          startJvm(
              processes,
              TcpHandlerWorkerMain.class,
              "-target-host",
              target,
              "-namespace",
              "handler-ns",
              "-task-queue",
              "greeting-tq");
      awaitLine(handler, Pattern.compile("handler worker polling handler-ns"));

      stubs =
          WorkflowServiceStubs.newServiceStubs(
              WorkflowServiceStubsOptions.newBuilder().setTarget(target).build());
      WorkflowClient client =
          WorkflowClient.newInstance(
              stubs, WorkflowClientOptions.newBuilder().setNamespace("caller-ns").build());
      callers = WorkerFactory.newInstance(client);
      // no handler in this process: only the other process can answer
      callers.newWorker("caller-tq").registerWorkflowImplementationTypes(CallerWorkflow.Impl.class);
      callers.start();
      CallerWorkflow caller =
          client.newWorkflowStub(
              CallerWorkflow.class,
              WorkflowOptions.newBuilder()
                  .setTaskQueue("caller-tq")
                  .setWorkflowExecutionTimeout(Duration.ofSeconds(60))
                  .build());

      String result =
          CompletableFuture.supplyAsync(() -> caller.call("greeting", "hello", "over-tcp"))
              .get(60, TimeUnit.SECONDS);

      assertThat(result).isEqualTo("hello over-tcp from handler-ns");
    } finally {
      if (callers != null) {
        callers.shutdownNow();
        callers.awaitTermination(10, TimeUnit.SECONDS);
      }
      if (stubs != null) {
        stubs.shutdownNow();
        stubs.awaitTermination(5, TimeUnit.SECONDS);
      }
      for (Process p : processes) {
        p.destroy();
        if (!p.waitFor(10, TimeUnit.SECONDS)) {
          p.destroyForcibly();
        }
      }
    }
  }

  @Test
  void start_endpointsFromArgumentsAndRegistry_areCreated_andServedOnTcp() throws IOException {
    Path registry = dir.resolve("registry.json");
    Files.writeString(
        registry,
        "{\"schemaVersion\": 1, \"endpoints\": [{\"name\": \"payments\", \"targetNamespace\":"
            + " \"payments-ns\", \"targetTaskQueue\": \"payments-tq\", \"allowedCallerNamespaces\":"
            + " [\"orders-ns\"], \"version\": 1}]}");

    try (LocalTemporalServer server =
        LocalTemporalServer.start(
            List.of(
                "--port",
                "0",
                "--endpoint",
                "greeting=handler-ns/greeting/tq",
                "--registry",
                registry.toString()))) {
      assertThat(server.getEndpoints())
          .extracting(
              e -> e.getSpec().getName(),
              e -> e.getSpec().getTarget().getWorker().getNamespace(),
              e -> e.getSpec().getTarget().getWorker().getTaskQueue())
          .containsExactly(
              org.assertj.core.groups.Tuple.tuple("greeting", "handler-ns", "greeting/tq"),
              org.assertj.core.groups.Tuple.tuple("payments", "payments-ns", "payments-tq"));
      assertThat(server.getTarget()).matches("127\\.0\\.0\\.1:\\d+");
      assertThat(health(server.getTarget())).isEqualTo(HealthCheckResponse.ServingStatus.SERVING);
      assertThat(server.getEmbeddedTemporal().getTcpTarget()).contains(server.getTarget());
    }
  }

  @Test
  void start_badArguments_areRefusedWithTheUsage_beforeAnythingStarts() {
    assertThatThrownBy(() -> LocalTemporalServer.start(List.of("--prot", "7233")))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("unknown argument '--prot'")
        .hasMessageContaining(LocalTemporalServer.USAGE);
    assertThatThrownBy(() -> LocalTemporalServer.start(List.of("--port", "70000")))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("--port must be 0 (any free port) to 65535, got '70000'");
    assertThatThrownBy(() -> LocalTemporalServer.start(List.of("--endpoint", "greeting=handler")))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("--endpoint must be NAME=NAMESPACE/TASK_QUEUE")
        .hasMessageContaining("got 'greeting=handler'");
    assertThatThrownBy(() -> LocalTemporalServer.start(List.of("--registry")))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("--registry needs a value");
  }

  @Test
  void start_onAPortInUse_failsNamingThePort_andReleasesTheServer() {
    try (LocalTemporalServer first = LocalTemporalServer.start(List.of("--port", "0"))) {
      String port = first.getTarget().substring(first.getTarget().indexOf(':') + 1);

      assertThatThrownBy(() -> LocalTemporalServer.start(List.of("--port", port)))
          .isInstanceOf(UncheckedIOException.class)
          .hasMessageContaining("127.0.0.1:" + port)
          .hasMessageContaining("is the port in use?");
      assertThat(health(first.getTarget())).isEqualTo(HealthCheckResponse.ServingStatus.SERVING);
    }
  }

  @Test
  void start_invalidEndpointName_isRefusedByTheServer_andNothingKeepsRunning() {
    assertThatThrownBy(
            () ->
                LocalTemporalServer.start(
                    List.of("--port", "0", "--endpoint", "bad_name=handler-ns/tq")))
        .isInstanceOf(io.grpc.StatusRuntimeException.class)
        .hasMessageContaining("INVALID_ARGUMENT");
  }

  private static HealthCheckResponse.ServingStatus health(String target) {
    WorkflowServiceStubs stubs =
        WorkflowServiceStubs.newServiceStubs(
            WorkflowServiceStubsOptions.newBuilder().setTarget(target).build());
    try {
      return io.grpc.health.v1.HealthGrpc.newBlockingStub(stubs.getRawChannel())
          .check(
              HealthCheckRequest.newBuilder()
                  .setService("temporal.api.workflowservice.v1.WorkflowService")
                  .build())
          .getStatus();
    } finally {
      stubs.shutdownNow();
    }
  }

  private static Process startJvm(List<Process> processes, Class<?> main, String... args)
      throws IOException {
    List<String> command = new ArrayList<>();
    command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
    command.add("-cp");
    command.add(System.getProperty("java.class.path"));
    command.add(main.getName());
    command.addAll(List.of(args));
    Process process = new ProcessBuilder(command).redirectErrorStream(true).start();
    processes.add(process);
    return process;
  }

  /** Reads the process's output until a line matches; fails with the output if it ends first. */
  private static Matcher awaitLine(Process process, Pattern pattern) throws Exception {
    BufferedReader reader =
        new BufferedReader(new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8));
    StringBuilder seen = new StringBuilder();
    CompletableFuture<Matcher> found =
        CompletableFuture.supplyAsync(
            () -> {
              try {
                for (String line = reader.readLine(); line != null; line = reader.readLine()) {
                  seen.append(line).append('\n');
                  Matcher m = pattern.matcher(line);
                  if (m.find()) {
                    drainInBackground(reader);
                    return m;
                  }
                }
              } catch (IOException e) {
                throw new UncheckedIOException(e);
              }
              throw new IllegalStateException("process ended without '" + pattern + "':\n" + seen);
            });
    return found.get(60, TimeUnit.SECONDS);
  }

  /** Keeps reading so that the process never blocks on a full pipe. */
  private static void drainInBackground(BufferedReader reader) {
    Thread drain =
        new Thread(
            () -> {
              try {
                while (reader.readLine() != null) {
                  // discard
                }
              } catch (IOException e) {
                // the process ended
              }
            },
            "drain");
    drain.setDaemon(true);
    drain.start();
  }
}
