package dev.nexussecurity.testing.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.temporal.api.operatorservice.v1.ListNexusEndpointsRequest;
import io.temporal.api.workflowservice.v1.PollNexusTaskQueueRequest;
import io.temporal.api.workflowservice.v1.StartWorkflowExecutionRequest;
import org.junit.jupiter.api.Test;

class NamespaceRecorderTest {
  private final NamespaceRecorder recorder = new NamespaceRecorder();

  @Test
  void recordFrom_requestsWithNamespaceField_keepsFirstSeenOrderWithoutDuplicates() {
    recorder.recordFrom(StartWorkflowExecutionRequest.newBuilder().setNamespace("b").build());
    recorder.recordFrom(PollNexusTaskQueueRequest.newBuilder().setNamespace("a").build());
    recorder.recordFrom(StartWorkflowExecutionRequest.newBuilder().setNamespace("b").build());

    assertThat(recorder.snapshot()).containsExactly("b", "a");
  }

  @Test
  void recordFrom_messageWithoutNamespaceOrBlankOne_recordsNothing() {
    recorder.recordFrom(ListNexusEndpointsRequest.newBuilder().setName("x").build());
    recorder.recordFrom(StartWorkflowExecutionRequest.newBuilder().setNamespace(" ").build());
    recorder.recordFrom("not a message");
    recorder.recordFrom(null);
    recorder.record(null);

    assertThat(recorder.snapshot()).isEmpty();
  }

  @Test
  void snapshot_isAnUnmodifiableCopy() {
    recorder.record("a");
    var snapshot = recorder.snapshot();
    recorder.record("b");

    assertThat(snapshot).containsExactly("a");
    assertThatThrownBy(() -> snapshot.add("c")).isInstanceOf(UnsupportedOperationException.class);
  }
}
