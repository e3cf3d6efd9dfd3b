package dev.nexussecurity.examples;

import com.google.protobuf.ByteString;
import com.google.protobuf.Descriptors.FieldDescriptor;
import com.google.protobuf.Message;
import io.temporal.api.common.v1.Payload;
import io.temporal.api.enums.v1.EventType;
import io.temporal.api.history.v1.HistoryEvent;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Every payload stored in a workflow history, found by walking each event's protobuf fields
 * (inputs, results, Nexus operation inputs and results, failure details, headers, memos ...), with
 * the event type and field path it was found at.
 *
 * <p>One kind of payload is never encrypted by a payload codec: the Temporal Java SDK writes the
 * details of its version markers ({@code Workflow.getVersion}: the change id and the version
 * number) with its standard converter, not the worker's, so that it can always read them. They hold
 * no workflow data; {@link #getSdkVersionMarkerFields()} lists them apart. (nexus-security records
 * such markers on the caller side: {@code dev.nexussecurity.caller-check} once per run, one per
 * denied call.)
 *
 * <pre>{@code
 * HistoryPayloads payloads = HistoryPayloads.of(client.fetchHistory(workflowId).getEvents());
 * payloads.getAll().size();
 * payloads.getUnencrypted(); // empty when every payload is binary/encrypted
 * }</pre>
 */
public final class HistoryPayloads {
  /** The encoding of a payload encrypted by the Tink payload codec. */
  public static final String ENCRYPTED_ENCODING = "binary/encrypted";

  /** The metadata key naming the payload keyset. */
  public static final String KEYSET_METADATA = "nexus-security-keyset";

  /** The metadata key naming the Tink key id a payload is encrypted with. */
  public static final String KEY_ID_METADATA = "nexus-security-key-id";

  /** The marker name of the Temporal SDK's version markers. */
  public static final String SDK_VERSION_MARKER_NAME = "Version";

  /** One payload and where it was found. */
  public static final class Found {
    private final String location;
    private final Payload payload;
    private final boolean sdkVersionMarkerField;

    Found(String location, Payload payload, boolean sdkVersionMarkerField) {
      this.location = location;
      this.payload = payload;
      this.sdkVersionMarkerField = sdkVersionMarkerField;
    }

    /** Whether this is a detail (change id, version) of a Temporal SDK version marker. */
    public boolean isSdkVersionMarkerField() {
      return sdkVersionMarkerField;
    }

    /**
     * Event type and field path, e.g. {@code EVENT_TYPE_WORKFLOW_EXECUTION_STARTED/input/payloads}.
     */
    public String getLocation() {
      return location;
    }

    /** The payload as stored. */
    public Payload getPayload() {
      return payload;
    }

    /** The payload's {@code encoding} metadata, or empty. */
    public String getEncoding() {
      return metadata("encoding").orElse("");
    }

    /** The value of metadata entry {@code key}, if present. */
    public Optional<String> metadata(String key) {
      ByteString value = payload.getMetadataMap().get(key);
      return value == null ? Optional.empty() : Optional.of(value.toString(StandardCharsets.UTF_8));
    }

    /** Whether the payload is encrypted by the Tink payload codec. */
    public boolean isEncrypted() {
      return ENCRYPTED_ENCODING.equals(getEncoding());
    }
  }

  private final List<Found> all;

  private HistoryPayloads(List<Found> all) {
    this.all = Collections.unmodifiableList(all);
  }

  /** Collects the payloads of {@code events}. */
  public static HistoryPayloads of(List<HistoryEvent> events) {
    List<Found> found = new ArrayList<>();
    for (HistoryEvent event : events) {
      boolean versionMarker =
          event.getEventType() == EventType.EVENT_TYPE_MARKER_RECORDED
              && SDK_VERSION_MARKER_NAME.equals(
                  event.getMarkerRecordedEventAttributes().getMarkerName());
      walk(event, event.getEventType().name(), versionMarker, found);
    }
    return new HistoryPayloads(found);
  }

  /** Every payload, in history order. */
  public List<Found> getAll() {
    return all;
  }

  /**
   * The payloads that are not encrypted by the Tink payload codec, apart from the SDK's version
   * marker details.
   */
  public List<Found> getUnencrypted() {
    List<Found> plain = new ArrayList<>();
    for (Found f : all) {
      if (!f.isEncrypted() && !f.isSdkVersionMarkerField()) {
        plain.add(f);
      }
    }
    return plain;
  }

  /** The payloads that must be encrypted: all but the SDK's version marker details. */
  public List<Found> getDataPayloads() {
    List<Found> data = new ArrayList<>();
    for (Found f : all) {
      if (!f.isSdkVersionMarkerField()) {
        data.add(f);
      }
    }
    return data;
  }

  /** The details of the SDK's version markers, which the SDK writes without the worker's codec. */
  public List<Found> getSdkVersionMarkerFields() {
    List<Found> markers = new ArrayList<>();
    for (Found f : all) {
      if (f.isSdkVersionMarkerField()) {
        markers.add(f);
      }
    }
    return markers;
  }

  /** Whether the data of any payload contains {@code text} in UTF-8. */
  public boolean anyDataContains(String text) {
    ByteString needle = ByteString.copyFromUtf8(text);
    for (Found f : all) {
      if (indexOf(f.getPayload().getData(), needle) >= 0) {
        return true;
      }
    }
    return false;
  }

  private static void walk(Message message, String path, boolean versionMarker, List<Found> found) {
    if (message instanceof Payload) {
      found.add(new Found(path, (Payload) message, versionMarker));
      return;
    }
    for (Map.Entry<FieldDescriptor, Object> field : message.getAllFields().entrySet()) {
      FieldDescriptor descriptor = field.getKey();
      if (descriptor.getJavaType() != FieldDescriptor.JavaType.MESSAGE) {
        continue;
      }
      String childPath = path + "/" + descriptor.getName();
      boolean mapField = descriptor.isMapField();
      if (descriptor.isRepeated()) {
        for (Object element : (List<?>) field.getValue()) {
          Message m = (Message) element;
          walk(m, mapField ? childPath + "[" + mapKey(m) + "]" : childPath, versionMarker, found);
        }
      } else {
        walk((Message) field.getValue(), childPath, versionMarker, found);
      }
    }
  }

  private static String mapKey(Message entry) {
    FieldDescriptor key = entry.getDescriptorForType().findFieldByName("key");
    return key == null ? "?" : String.valueOf(entry.getField(key));
  }

  private static int indexOf(ByteString haystack, ByteString needle) {
    int n = needle.size();
    outer:
    for (int i = 0; i + n <= haystack.size(); i++) {
      for (int j = 0; j < n; j++) {
        if (haystack.byteAt(i + j) != needle.byteAt(j)) {
          continue outer;
        }
      }
      return i;
    }
    return -1;
  }
}
