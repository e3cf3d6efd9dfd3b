package dev.nexussecurity.testing.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.google.protobuf.ByteString;
import io.grpc.health.v1.HealthCheckRequest;
import io.grpc.health.v1.HealthCheckResponse;
import io.grpc.health.v1.HealthGrpc;
import io.temporal.api.common.v1.WorkflowExecution;
import io.temporal.api.common.v1.WorkflowType;
import io.temporal.api.taskqueue.v1.TaskQueue;
import io.temporal.api.workflowservice.v1.PollWorkflowTaskQueueRequest;
import io.temporal.api.workflowservice.v1.PollWorkflowTaskQueueResponse;
import io.temporal.api.workflowservice.v1.StartWorkflowExecutionRequest;
import io.temporal.api.workflowservice.v1.WorkflowServiceGrpc;
import java.time.Duration;
import java.util.List;
import java.util.OptionalInt;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class InProcessTemporalServerTest {
  @Test
  void start_servesHealthyWorkflowServiceUntilClosed() {
    InProcessTemporalServer server = InProcessTemporalServer.start(false, Duration.ofMillis(10));
    try {
      HealthCheckResponse health =
          HealthGrpc.newBlockingStub(server.getChannel())
              .check(
                  HealthCheckRequest.newBuilder()
                      .setService(WorkflowServiceGrpc.SERVICE_NAME)
                      .build());
      assertThat(health.getStatus()).isEqualTo(HealthCheckResponse.ServingStatus.SERVING);
      assertThat(server.isTimeSkipping()).isFalse();
      assertThat(server.isClosed()).isFalse();
    } finally {
      server.close();
    }
    server.close();
    assertThat(server.isClosed()).isTrue();
    assertThat(server.getChannel().isShutdown()).isTrue();
  }

  @ParameterizedTest
  @ValueSource(
      strings = {
        "deadline-scheduler",
        "test-services",
        "router",
        "grpc-server",
        "tcp-server",
        "channel"
      })
  void start_failingAfterAStep_releasesEverythingAcquired(String failingStep) throws Exception {
    Set<Thread> before = liveNonDaemonThreads();
    RuntimeException injected = new RuntimeException("injected failure after " + failingStep);

    assertThatThrownBy(
            () ->
                InProcessTemporalServer.start(
                    false,
                    Duration.ofMillis(10),
                    OptionalInt.of(0),
                    step -> {
                      if (step.equals(failingStep)) {
                        throw injected;
                      }
                    }))
        .isSameAs(injected);

    assertThat(injected.getSuppressed()).isEmpty(); // every release succeeded
    assertThat(threadsLeftAfter(before)).isEmpty();
  }

  @Test
  void executionOf_aWorkflowTaskTokenOfThisServer_isTheTasksNamespaceAndExecution() {
    InProcessTemporalServer server = InProcessTemporalServer.start(false, Duration.ofMillis(10));
    try {
      WorkflowServiceGrpc.WorkflowServiceBlockingStub stub =
          WorkflowServiceGrpc.newBlockingStub(server.getChannel());
      String runId =
          stub.startWorkflowExecution(
                  StartWorkflowExecutionRequest.newBuilder()
                      .setNamespace("token-ns")
                      .setWorkflowId("token-wf")
                      .setWorkflowType(WorkflowType.newBuilder().setName("Any"))
                      .setTaskQueue(TaskQueue.newBuilder().setName("token-tq"))
                      .setRequestId(UUID.randomUUID().toString())
                      .build())
              .getRunId();
      PollWorkflowTaskQueueResponse task =
          stub.withDeadlineAfter(10, TimeUnit.SECONDS)
              .pollWorkflowTaskQueue(
                  PollWorkflowTaskQueueRequest.newBuilder()
                      .setNamespace("token-ns")
                      .setTaskQueue(TaskQueue.newBuilder().setName("token-tq"))
                      .build());

      assertThat(InProcessTemporalServer.executionOf(task.getTaskToken()))
          .contains(
              new InProcessTemporalServer.ExecutionRef(
                  "token-ns",
                  WorkflowExecution.newBuilder()
                      .setWorkflowId("token-wf")
                      .setRunId(runId)
                      .build()));
    } finally {
      server.close();
    }
  }

  @Test
  void executionOf_anythingElse_isEmpty() {
    assertThat(InProcessTemporalServer.executionOf(ByteString.EMPTY)).isEmpty();
    assertThat(InProcessTemporalServer.executionOf(ByteString.copyFromUtf8("not a token")))
        .isEmpty();
    // namespace and workflow id, but no history size
    ByteString truncated = ByteString.copyFrom(new byte[] {0, 1, 'n', 0, 1, 'w'});
    assertThat(InProcessTemporalServer.executionOf(truncated)).isEmpty();
  }

  private static List<String> threadsLeftAfter(Set<Thread> before) throws InterruptedException {
    long giveUp = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
    Set<Thread> left = liveNonDaemonThreads();
    left.removeAll(before);
    while (!left.isEmpty() && System.nanoTime() < giveUp) {
      Thread.sleep(20);
      left = liveNonDaemonThreads();
      left.removeAll(before);
    }
    return left.stream().map(Thread::getName).collect(Collectors.toList());
  }

  private static Set<Thread> liveNonDaemonThreads() {
    return Thread.getAllStackTraces().keySet().stream()
        .filter(t -> t.isAlive() && !t.isDaemon())
        .collect(Collectors.toSet());
  }
}
