package dev.nexussecurity.testing.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.groups.Tuple.tuple;

import com.google.protobuf.ByteString;
import io.temporal.api.common.v1.Memo;
import io.temporal.api.common.v1.Payload;
import io.temporal.api.common.v1.Payloads;
import io.temporal.api.common.v1.SearchAttributes;
import io.temporal.api.enums.v1.EventType;
import io.temporal.api.failure.v1.ApplicationFailureInfo;
import io.temporal.api.failure.v1.Failure;
import io.temporal.api.history.v1.HistoryEvent;
import io.temporal.api.history.v1.MarkerRecordedEventAttributes;
import io.temporal.api.history.v1.NexusOperationFailedEventAttributes;
import io.temporal.api.history.v1.WorkflowExecutionStartedEventAttributes;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class HistoryPayloadScannerTest {

  @Test
  void startedEvent_inputsMemoAndSearchAttributes_checksInputsAndMemoOnly() {
    HistoryEvent event =
        event(1, EventType.EVENT_TYPE_WORKFLOW_EXECUTION_STARTED)
            .setWorkflowExecutionStartedEventAttributes(
                WorkflowExecutionStartedEventAttributes.newBuilder()
                    .setInput(
                        Payloads.newBuilder().addPayloads(encrypted("1")).addPayloads(plain()))
                    .setMemo(Memo.newBuilder().putFields("note", plain()))
                    .setSearchAttributes(
                        SearchAttributes.newBuilder().putIndexedFields("Customer", plain())))
            .build();

    List<HistoryPayloadScanner.Found> found = scan(event);

    assertThat(found)
        .extracting(HistoryPayloadScanner.Found::getPath, HistoryPayloadScanner.Found::isEncrypted)
        .containsExactly(
            tuple("workflow_execution_started_event_attributes.input.payloads[0]", true),
            tuple("workflow_execution_started_event_attributes.input.payloads[1]", false),
            tuple("workflow_execution_started_event_attributes.memo.fields[note]", false));
    assertThat(found.get(0).getEventId()).isEqualTo(1);
    assertThat(found.get(0).getEventType())
        .isEqualTo(EventType.EVENT_TYPE_WORKFLOW_EXECUTION_STARTED);
    assertThat(found.get(0).getKeyId()).isEqualTo("1");
    assertThat(found.get(1).getEncoding()).isEqualTo("json/plain");
    assertThat(found.get(1).getKeyId()).isEmpty();
  }

  @Test
  void versionMarker_sdkEntriesAreSkipped() {
    HistoryEvent event =
        marker(
            "Version",
            Map.of(
                "changeId",
                plains(),
                "version",
                plains(),
                "versionSearchAttributeUpdated",
                plains()));

    assertThat(scan(event)).isEmpty();
  }

  @Test
  void sideEffectAndLocalActivityMarkers_userDataIsChecked_sdkEntriesAreNot() {
    HistoryEvent mutable =
        marker(
            "MutableSideEffect", Map.of("id", plains(), "skipCount", plains(), "data", plains()));
    HistoryEvent local =
        marker(
            "LocalActivity",
            Map.of(
                "activityId", plains(),
                "meta", plains(),
                "result", Payloads.newBuilder().addPayloads(encrypted("9")).build()));
    HistoryEvent custom = marker("MyMarker", Map.of("changeId", plains()));

    assertThat(scan(mutable))
        .extracting(HistoryPayloadScanner.Found::getPath)
        .containsExactly("marker_recorded_event_attributes.details[data].payloads[0]");
    assertThat(scan(local))
        .extracting(HistoryPayloadScanner.Found::getPath, HistoryPayloadScanner.Found::isEncrypted)
        .containsExactly(
            tuple("marker_recorded_event_attributes.details[result].payloads[0]", true));
    assertThat(scan(custom)).hasSize(1);
  }

  @Test
  void failureDetails_nestedInCauses_areFound() {
    Failure cause =
        Failure.newBuilder()
            .setMessage("inner")
            .setApplicationFailureInfo(
                ApplicationFailureInfo.newBuilder()
                    .setDetails(Payloads.newBuilder().addPayloads(plain())))
            .build();
    HistoryEvent event =
        event(7, EventType.EVENT_TYPE_NEXUS_OPERATION_FAILED)
            .setNexusOperationFailedEventAttributes(
                NexusOperationFailedEventAttributes.newBuilder()
                    .setFailure(
                        Failure.newBuilder()
                            .setMessage("outer")
                            .setEncodedAttributes(encrypted("2"))
                            .setCause(cause)))
            .build();

    assertThat(scan(event))
        .extracting(HistoryPayloadScanner.Found::getPath, HistoryPayloadScanner.Found::isEncrypted)
        .containsExactly(
            tuple(
                "nexus_operation_failed_event_attributes.failure.cause.application_failure_info.details.payloads[0]",
                false),
            tuple("nexus_operation_failed_event_attributes.failure.encoded_attributes", true));
  }

  @Test
  void encryptedEncodingWithoutTheCodecsMetadata_isNotEncrypted() {
    Payload lookalike =
        Payload.newBuilder().putMetadata("encoding", utf8("binary/encrypted")).build();
    HistoryEvent event = started(lookalike);

    assertThat(scan(event)).singleElement().satisfies(f -> assertThat(f.isEncrypted()).isFalse());
  }

  @Test
  void unprintableOrLongMetadata_isSanitized() {
    Payload odd =
        Payload.newBuilder()
            .putMetadata("encoding", utf8("json/plain\nFORGED LINE" + "x".repeat(100)))
            .build();

    String encoding = scan(started(odd)).get(0).getEncoding();

    assertThat(encoding)
        .doesNotContain("\n")
        .startsWith("json/plain\\u000AFORGED LINE")
        .endsWith("...(122 chars)")
        .matches("[\\x20-\\x7e]*");
  }

  // ---------------------------------------------------------------------------------------------

  private static List<HistoryPayloadScanner.Found> scan(HistoryEvent event) {
    List<HistoryPayloadScanner.Found> found = new ArrayList<>();
    HistoryPayloadScanner.scan(event, found::add);
    return found;
  }

  private static HistoryEvent.Builder event(long id, EventType type) {
    return HistoryEvent.newBuilder().setEventId(id).setEventType(type);
  }

  private static HistoryEvent started(Payload payload) {
    return event(1, EventType.EVENT_TYPE_WORKFLOW_EXECUTION_STARTED)
        .setWorkflowExecutionStartedEventAttributes(
            WorkflowExecutionStartedEventAttributes.newBuilder()
                .setInput(Payloads.newBuilder().addPayloads(payload)))
        .build();
  }

  private static HistoryEvent marker(String name, Map<String, Payloads> details) {
    return event(5, EventType.EVENT_TYPE_MARKER_RECORDED)
        .setMarkerRecordedEventAttributes(
            MarkerRecordedEventAttributes.newBuilder().setMarkerName(name).putAllDetails(details))
        .build();
  }

  private static Payloads plains() {
    return Payloads.newBuilder().addPayloads(plain()).build();
  }

  private static Payload encrypted(String keyId) {
    return Payload.newBuilder()
        .putMetadata("encoding", utf8("binary/encrypted"))
        .putMetadata("nexus-security-format", utf8("1"))
        .putMetadata("nexus-security-key-id", utf8(keyId))
        .setData(ByteString.copyFrom(new byte[] {1, 2, 3}))
        .build();
  }

  private static Payload plain() {
    return Payload.newBuilder()
        .putMetadata("encoding", utf8("json/plain"))
        .setData(utf8("\"secret\""))
        .build();
  }

  private static ByteString utf8(String s) {
    return ByteString.copyFromUtf8(s);
  }
}
