package dev.nexussecurity.examples;

import static org.assertj.core.api.Assertions.assertThat;

import com.google.protobuf.ByteString;
import io.temporal.api.common.v1.Header;
import io.temporal.api.common.v1.Payload;
import io.temporal.api.common.v1.Payloads;
import io.temporal.api.enums.v1.EventType;
import io.temporal.api.history.v1.HistoryEvent;
import io.temporal.api.history.v1.MarkerRecordedEventAttributes;
import io.temporal.api.history.v1.WorkflowExecutionStartedEventAttributes;
import java.util.List;
import org.junit.jupiter.api.Test;

class HistoryPayloadsTest {
  private static Payload json(String data) {
    return Payload.newBuilder()
        .putMetadata("encoding", ByteString.copyFromUtf8("json/plain"))
        .setData(ByteString.copyFromUtf8(data))
        .build();
  }

  private static Payload encrypted(String keyId) {
    return Payload.newBuilder()
        .putMetadata("encoding", ByteString.copyFromUtf8("binary/encrypted"))
        .putMetadata("nexus-security-keyset", ByteString.copyFromUtf8("payments"))
        .putMetadata("nexus-security-key-id", ByteString.copyFromUtf8(keyId))
        .setData(ByteString.copyFrom(new byte[] {1, 2, 3, 4, 5}))
        .build();
  }

  private static final List<HistoryEvent> EVENTS =
      List.of(
          HistoryEvent.newBuilder()
              .setEventType(EventType.EVENT_TYPE_WORKFLOW_EXECUTION_STARTED)
              .setWorkflowExecutionStartedEventAttributes(
                  WorkflowExecutionStartedEventAttributes.newBuilder()
                      .setInput(
                          Payloads.newBuilder()
                              .addPayloads(encrypted("42"))
                              .addPayloads(json("\"order-secret\"")))
                      .setHeader(Header.newBuilder().putFields("tracing", json("{\"span\":1}"))))
              .build(),
          HistoryEvent.newBuilder()
              .setEventType(EventType.EVENT_TYPE_MARKER_RECORDED)
              .setMarkerRecordedEventAttributes(
                  MarkerRecordedEventAttributes.newBuilder()
                      .setMarkerName("Version")
                      .putDetails(
                          "changeId",
                          Payloads.newBuilder()
                              .addPayloads(json("\"dev.nexussecurity.caller-check\""))
                              .build()))
              .build(),
          HistoryEvent.newBuilder()
              .setEventType(EventType.EVENT_TYPE_MARKER_RECORDED)
              .setMarkerRecordedEventAttributes(
                  MarkerRecordedEventAttributes.newBuilder()
                      .setMarkerName("SideEffect")
                      .putDetails("data", Payloads.newBuilder().addPayloads(json("7")).build()))
              .build());

  @Test
  void of_findsPayloadsInEveryFieldWithTheirLocation() {
    HistoryPayloads payloads = HistoryPayloads.of(EVENTS);

    assertThat(payloads.getAll())
        .extracting(HistoryPayloads.Found::getLocation)
        .containsExactlyInAnyOrder(
            "EVENT_TYPE_WORKFLOW_EXECUTION_STARTED/workflow_execution_started_event_attributes/input/payloads",
            "EVENT_TYPE_WORKFLOW_EXECUTION_STARTED/workflow_execution_started_event_attributes/input/payloads",
            "EVENT_TYPE_WORKFLOW_EXECUTION_STARTED/workflow_execution_started_event_attributes/header/fields[tracing]/value",
            "EVENT_TYPE_MARKER_RECORDED/marker_recorded_event_attributes/details[changeId]/value/payloads",
            "EVENT_TYPE_MARKER_RECORDED/marker_recorded_event_attributes/details[data]/value/payloads");
  }

  @Test
  void getUnencrypted_listsPlaintextPayloadsButNotTheSdksVersionMarkerDetails() {
    HistoryPayloads payloads = HistoryPayloads.of(EVENTS);

    assertThat(payloads.getUnencrypted())
        .extracting(f -> f.getPayload().getData().toStringUtf8())
        .containsExactlyInAnyOrder("\"order-secret\"", "{\"span\":1}", "7");
    assertThat(payloads.getSdkVersionMarkerFields())
        .singleElement()
        .satisfies(
            f -> assertThat(f.getPayload().getData().toStringUtf8()).contains("caller-check"));
    assertThat(payloads.getDataPayloads()).hasSize(4);
    HistoryPayloads.Found first = payloads.getAll().get(0);
    assertThat(first.isEncrypted()).isTrue();
    assertThat(first.metadata(HistoryPayloads.KEY_ID_METADATA)).contains("42");
    assertThat(first.metadata("no-such-key")).isEmpty();
  }

  @Test
  void anyDataContains_searchesTheRawBytesOfEveryPayload() {
    HistoryPayloads payloads = HistoryPayloads.of(EVENTS);

    assertThat(payloads.anyDataContains("order-secret")).isTrue();
    assertThat(payloads.anyDataContains("order-absent")).isFalse();
    assertThat(HistoryPayloads.of(List.of()).getAll()).isEmpty();
  }
}
