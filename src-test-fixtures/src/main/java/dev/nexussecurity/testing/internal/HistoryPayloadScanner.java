package dev.nexussecurity.testing.internal;

import com.google.protobuf.ByteString;
import com.google.protobuf.Descriptors.Descriptor;
import com.google.protobuf.Descriptors.FieldDescriptor;
import com.google.protobuf.Message;
import dev.nexussecurity.api.internal.UntrustedText;
import io.temporal.api.common.v1.Payload;
import io.temporal.api.common.v1.SearchAttributes;
import io.temporal.api.enums.v1.EventType;
import io.temporal.api.history.v1.HistoryEvent;
import io.temporal.api.history.v1.MarkerRecordedEventAttributes;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Consumer;

/**
 * Finds every {@link Payload} in history events, wherever the protobuf structure holds one (inputs,
 * results, Nexus operation inputs and results, signals, markers, memos, headers, failure details
 * and encoded failure attributes, nested failure causes), and says whether the nexus-security Tink
 * codec encrypted it. Reports paths and metadata names only, never payload data.
 *
 * <p>Not checked, because the Temporal SDK writes them with its standard converter and never
 * through a codec, and they hold no application data: search attributes (the server must index
 * them), and the SDK's bookkeeping entries of markers: {@code Version} (changeId, version,
 * versionSearchAttributeUpdated), {@code MutableSideEffect} (id, skipCount) and {@code
 * LocalActivity} (activityId, type, time, meta). The data of side effects and the inputs and
 * results of local activities are checked.
 *
 * <pre>{@code
 * for (HistoryEvent event : history.getEventsList()) {
 *   HistoryPayloadScanner.scan(event, found -> {
 *     if (!found.isEncrypted()) {
 *       report(found.getEventId(), found.getEventType(), found.getPath(), found.getEncoding());
 *     }
 *   });
 * }
 * }</pre>
 */
public final class HistoryPayloadScanner {
  /**
   * The {@code encoding} metadata value of an encrypted payload (codec-tink wire formats 1 and 2).
   */
  public static final String ENCRYPTED_ENCODING = "binary/encrypted";

  /** Metadata entries an encrypted payload must carry besides its encoding. */
  static final List<String> REQUIRED_METADATA =
      List.of("nexus-security-format", "nexus-security-key-id");

  private static final Map<String, Set<String>> SDK_MARKER_ENTRIES =
      Map.of(
          "Version", Set.of("changeId", "version", "versionSearchAttributeUpdated"),
          "MutableSideEffect", Set.of("id", "skipCount"),
          "LocalActivity", Set.of("activityId", "type", "time", "meta"));

  private static final int MAX_SHOWN_CHARS = 64;

  private HistoryPayloadScanner() {}

  /** One payload found in a history event. */
  public static final class Found {
    private final long eventId;
    private final EventType eventType;
    private final String path;
    private final Payload payload;

    Found(long eventId, EventType eventType, String path, Payload payload) {
      this.eventId = eventId;
      this.eventType = eventType;
      this.path = path;
      this.payload = payload;
    }

    public long getEventId() {
      return eventId;
    }

    public EventType getEventType() {
      return eventType;
    }

    /**
     * Where in the event, e.g. {@code
     * workflow_execution_started_event_attributes.input.payloads[0]}.
     */
    public String getPath() {
      return path;
    }

    /** Whether the payload is in the codec's encrypted form. */
    public boolean isEncrypted() {
      return isEncrypted(payload);
    }

    /** The {@code encoding} metadata, printable and shortened; {@code (none)} when absent. */
    public String getEncoding() {
      return UntrustedText.quote(metadata(payload, "encoding"));
    }

    /**
     * The {@code nexus-security-key-id} metadata of an encrypted payload, printable; else empty.
     */
    public String getKeyId() {
      String id = metadata(payload, "nexus-security-key-id");
      return id == null ? "" : UntrustedText.quote(id);
    }

    static boolean isEncrypted(Payload payload) {
      if (!ENCRYPTED_ENCODING.equals(metadata(payload, "encoding"))) {
        return false;
      }
      for (String key : REQUIRED_METADATA) {
        if (!payload.containsMetadata(key)) {
          return false;
        }
      }
      return true;
    }
  }

  /** Calls {@code sink} for every checked payload of {@code event}, in field order. */
  public static void scan(HistoryEvent event, Consumer<Found> sink) {
    walk(event, "", event, sink);
  }

  private static void walk(Message message, String path, HistoryEvent event, Consumer<Found> sink) {
    Descriptor type = message.getDescriptorForType();
    if (type.equals(Payload.getDescriptor())) {
      sink.accept(new Found(event.getEventId(), event.getEventType(), path, (Payload) message));
      return;
    }
    if (type.equals(SearchAttributes.getDescriptor())) {
      return;
    }
    Set<String> markerSkips =
        message instanceof MarkerRecordedEventAttributes
            ? SDK_MARKER_ENTRIES.getOrDefault(
                ((MarkerRecordedEventAttributes) message).getMarkerName(), Set.of())
            : null;
    for (Map.Entry<FieldDescriptor, Object> field : message.getAllFields().entrySet()) {
      FieldDescriptor descriptor = field.getKey();
      if (descriptor.getJavaType() != FieldDescriptor.JavaType.MESSAGE) {
        continue;
      }
      String fieldPath = path.isEmpty() ? descriptor.getName() : path + "." + descriptor.getName();
      if (descriptor.isMapField()) {
        FieldDescriptor keyField = descriptor.getMessageType().findFieldByName("key");
        FieldDescriptor valueField = descriptor.getMessageType().findFieldByName("value");
        if (valueField.getJavaType() != FieldDescriptor.JavaType.MESSAGE) {
          continue;
        }
        for (Object entry : (List<?>) field.getValue()) {
          Message mapEntry = (Message) entry;
          String key = String.valueOf(mapEntry.getField(keyField));
          if (markerSkips != null
              && "details".equals(descriptor.getName())
              && markerSkips.contains(key)) {
            continue;
          }
          walk(
              (Message) mapEntry.getField(valueField),
              fieldPath + "[" + UntrustedText.quote(key) + "]",
              event,
              sink);
        }
      } else if (descriptor.isRepeated()) {
        List<?> values = (List<?>) field.getValue();
        for (int i = 0; i < values.size(); i++) {
          walk((Message) values.get(i), fieldPath + "[" + i + "]", event, sink);
        }
      } else {
        walk((Message) field.getValue(), fieldPath, event, sink);
      }
    }
  }

  private static String metadata(Payload payload, String key) {
    ByteString value = payload.getMetadataMap().get(key);
    return value == null ? null : value.toString(StandardCharsets.UTF_8);
  }
}
