package dev.nexussecurity.codec.tink;

import com.google.protobuf.ByteString;
import io.temporal.api.common.v1.Payload;
import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;

/**
 * Test access to the fields of a format-2 payload's {@code nexus-security-context} entry, written
 * from the README's byte-level spec (not from the codec's code): read a field, or rewrite one as an
 * attacker who edits history would (also the metadata copy of encoding, format and key id).
 */
final class WireFields {
  static final String CONTEXT = "nexus-security-context";

  /** Field names in context order (the metadata keys of the same values in format 1). */
  static final List<String> NAMES =
      List.of(
          "encoding",
          "nexus-security-format",
          "nexus-security-scheme",
          "nexus-security-keyset",
          "nexus-security-key-id",
          "nexus-security-compression",
          "nexus-security-direction",
          "nexus-security-position",
          "nexus-security-endpoint",
          "nexus-security-service",
          "nexus-security-operation",
          "nexus-security-caller",
          "nexus-security-handler",
          "nexus-security-binding");

  /** The fields that also have a metadata entry of their own. */
  static final Set<String> MIRRORED =
      Set.of("encoding", "nexus-security-format", "nexus-security-key-id");

  private WireFields() {}

  /** The context entry's fields, in order. */
  static List<ByteString> fields(Payload p) {
    ByteBuffer in = p.getMetadataOrThrow(CONTEXT).asReadOnlyByteBuffer();
    List<ByteString> out = new ArrayList<>();
    while (in.hasRemaining()) {
      int n = in.getInt();
      byte[] v = new byte[n];
      in.get(v);
      out.add(ByteString.copyFrom(v));
    }
    return out;
  }

  /** A field's value as text. */
  static String get(Payload p, String name) {
    int i = NAMES.indexOf(name);
    if (i < 0) {
      throw new IllegalArgumentException("no context field " + name);
    }
    return fields(p).get(i).toStringUtf8();
  }

  /** The context entry made of the given fields. */
  static ByteString encode(List<ByteString> fields) {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    for (ByteString f : fields) {
      out.writeBytes(ByteBuffer.allocate(4).putInt(f.size()).array());
      out.writeBytes(f.toByteArray());
    }
    return ByteString.copyFrom(out.toByteArray());
  }

  /**
   * The payload with field {@code name} set to {@code value}, consistently: in the context entry
   * and, for encoding, format and key id, in their metadata entry too.
   */
  static Payload with(Payload p, String name, String value) {
    List<ByteString> f = fields(p);
    f.set(NAMES.indexOf(name), ByteString.copyFromUtf8(value));
    Payload.Builder b = p.toBuilder().putMetadata(CONTEXT, encode(f));
    if (MIRRORED.contains(name)) {
      b.putMetadata(name, ByteString.copyFromUtf8(value));
    }
    return b.build();
  }

  /** The payload with field {@code name} changed in the context entry only. */
  static Payload withContextField(Payload p, String name, String value) {
    List<ByteString> f = fields(p);
    f.set(NAMES.indexOf(name), ByteString.copyFromUtf8(value));
    return withContext(p, encode(f));
  }

  /** The payload with the context entry replaced by {@code context}. */
  static Payload withContext(Payload p, ByteString context) {
    return p.toBuilder().putMetadata(CONTEXT, context).build();
  }
}
