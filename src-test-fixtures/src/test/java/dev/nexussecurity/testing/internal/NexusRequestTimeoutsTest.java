package dev.nexussecurity.testing.internal;

import static org.assertj.core.api.Assertions.assertThat;

import com.google.protobuf.ByteString;
import io.temporal.api.enums.v1.NexusHandlerErrorRetryBehavior;
import io.temporal.api.nexus.v1.CancelOperationRequest;
import io.temporal.api.nexus.v1.Request;
import io.temporal.api.nexus.v1.StartOperationRequest;
import io.temporal.api.workflowservice.v1.PollNexusTaskQueueResponse;
import io.temporal.api.workflowservice.v1.RespondNexusTaskFailedRequest;
import io.temporal.api.workflowservice.v1.RespondNexusTaskFailedResponse;
import java.io.ByteArrayOutputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

class NexusRequestTimeoutsTest {
  private final AtomicLong now = new AtomicLong(1_000_000_000L);
  private final List<RespondNexusTaskFailedRequest> failed = new CopyOnWriteArrayList<>();
  private final NexusRequestTimeouts timeouts =
      new NexusRequestTimeouts(
          (request, observer) -> {
            failed.add(request);
            observer.onNext(RespondNexusTaskFailedResponse.getDefaultInstance());
            observer.onCompleted();
          },
          now::get);

  @Test
  void expire_anUnansweredStartTaskPastDeadlineAndGrace_failsItRetryably() throws IOException {
    ByteString token = token("handler-ns", 2, false);
    timeouts.delivered(startTask(token, "10s"));

    advance(Duration.ofSeconds(10).plus(NexusRequestTimeouts.GRACE).minusMillis(1));
    assertThat(timeouts.expire()).isZero();
    advance(Duration.ofMillis(1));
    assertThat(timeouts.expire()).isEqualTo(1);

    RespondNexusTaskFailedRequest fail = failed.get(0);
    assertThat(fail.getTaskToken()).isEqualTo(token);
    assertThat(fail.getNamespace()).isEqualTo("handler-ns");
    assertThat(fail.getIdentity()).isEqualTo(NexusRequestTimeouts.IDENTITY);
    assertThat(fail.getFailure().getNexusHandlerFailureInfo().getType())
        .isEqualTo("UPSTREAM_TIMEOUT");
    assertThat(fail.getFailure().getNexusHandlerFailureInfo().getRetryBehavior())
        .isEqualTo(NexusHandlerErrorRetryBehavior.NEXUS_HANDLER_ERROR_RETRY_BEHAVIOR_RETRYABLE);
    assertThat(fail.getFailure().getMessage()).contains("Svc/op").contains("request timeout");
    // failed once only
    advance(Duration.ofMinutes(1));
    assertThat(timeouts.expire()).isZero();
    assertThat(timeouts.pendingCount()).isZero();
  }

  @Test
  void answered_beforeTheDeadline_isNeverFailed() throws IOException {
    ByteString token = token("handler-ns", 1, false);
    timeouts.delivered(startTask(token, "10s"));
    timeouts.answered(token);

    advance(Duration.ofMinutes(1));

    assertThat(timeouts.expire()).isZero();
    assertThat(failed).isEmpty();
  }

  @Test
  void delivered_cancelRequestsInjectedTasksAndTasksWithoutTimeout_areNotTracked()
      throws IOException {
    ByteString cancelToken = token("handler-ns", 1, true);
    timeouts.delivered(
        PollNexusTaskQueueResponse.newBuilder()
            .setTaskToken(cancelToken)
            .setRequest(
                Request.newBuilder()
                    .putHeader("request-timeout", "10s")
                    .setCancelOperation(CancelOperationRequest.getDefaultInstance()))
            .build());
    timeouts.delivered(startTask(token("handler-ns", 1, false), null));
    timeouts.delivered(startTask(ByteString.copyFromUtf8("not a token"), "10s"));

    assertThat(timeouts.pendingCount()).isZero();
  }

  @Test
  void requestTimeout_parsesTheHeaderForms_andRejectsOthers() {
    assertThat(NexusRequestTimeouts.requestTimeout("9s")).contains(Duration.ofSeconds(9));
    assertThat(NexusRequestTimeouts.requestTimeout("1.5s")).contains(Duration.ofMillis(1500));
    assertThat(NexusRequestTimeouts.requestTimeout("250ms")).contains(Duration.ofMillis(250));
    assertThat(NexusRequestTimeouts.requestTimeout("2m")).contains(Duration.ofMinutes(2));
    assertThat(NexusRequestTimeouts.requestTimeout("-3s")).contains(Duration.ZERO);
    assertThat(NexusRequestTimeouts.requestTimeout(null)).isEmpty();
    assertThat(NexusRequestTimeouts.requestTimeout("soon")).isEmpty();
    assertThat(NexusRequestTimeouts.requestTimeout("10")).isEmpty();
  }

  private void advance(Duration d) {
    now.addAndGet(d.toNanos());
  }

  private static PollNexusTaskQueueResponse startTask(ByteString token, String timeout) {
    Request.Builder request =
        Request.newBuilder()
            .setStartOperation(
                StartOperationRequest.newBuilder().setService("Svc").setOperation("op"));
    if (timeout != null) {
      request.putHeader("request-timeout", timeout);
    }
    return PollNexusTaskQueueResponse.newBuilder().setTaskToken(token).setRequest(request).build();
  }

  /** A Nexus task token in the test server's format (NexusTaskToken of temporal-testing 1.38.0). */
  private static ByteString token(String namespace, int attempt, boolean cancel)
      throws IOException {
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    try (DataOutputStream out = new DataOutputStream(bytes)) {
      out.writeUTF(namespace);
      out.writeUTF("wf");
      out.writeUTF("run");
      out.writeLong(5);
      out.writeInt(attempt);
      out.writeBoolean(cancel);
    }
    return ByteString.copyFrom(bytes.toByteArray());
  }
}
