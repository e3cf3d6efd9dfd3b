package dev.nexussecurity.core;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.nexussecurity.api.CodecDescriptor;
import dev.nexussecurity.api.PayloadProtection;
import dev.nexussecurity.core.internal.compat.ConverterIntrospection;
import io.temporal.common.converter.DataConverter;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * A stable, non-secret description of a {@link DataConverter}: the encodings of its payload
 * converters in order, and its codec chain (outermost first) with each codec's id and, for
 * encrypting codecs, the key id it encrypts with, the key ids it can decrypt and the payload
 * protections ({@link PayloadProtection}: shared keysets, pairwise, HPKE, authenticated) it
 * decodes.
 *
 * <p>Caller workers send their fingerprint in the {@value #HEADER} Nexus header; handler workers
 * compare it with their own before decoding the input, so that a definite incompatibility (a codec
 * the handler lacks, a key it cannot decrypt) fails the call at once instead of after a timeout.
 * Parts that cannot be determined are marked unknown, and unknown parts never cause a denial.
 *
 * <pre>{@code
 * DataConverter converter = new CodecDataConverter(
 *     DefaultDataConverter.newDefaultInstance(), List.of(tinkCodec));
 * ConverterFingerprint fp = ConverterFingerprint.of(converter);
 * fp.getEncodings();  // [binary/null, binary/plain, json/protobuf, binary/protobuf, json/plain]
 * fp.getCodecs();     // [CodecDescriptor{id=..., encryptsWith=..., decrypts=[...]}]
 * }</pre>
 *
 * <p>{@link #of} reads the structure of the SDK's {@code DefaultDataConverter} and {@code
 * CodecDataConverter}; codecs describe themselves through {@link
 * dev.nexussecurity.api.DescribedCodec}, others are identified by class name. For converters it
 * cannot read, build the fingerprint yourself with {@link #newBuilder()}. Immutable.
 */
public final class ConverterFingerprint {
  /** The Nexus header that carries the caller's fingerprint. Contains no secrets. */
  public static final String HEADER = "nexus-security-converter";

  /** Header values longer than this are not sent; the handler then treats the caller as unknown. */
  public static final int MAX_HEADER_CHARS = 4096;

  private static final ObjectMapper MAPPER = new ObjectMapper();
  private static final ConverterFingerprint UNKNOWN = new ConverterFingerprint(null, null);

  private final List<String> encodings;
  private final List<CodecDescriptor> codecs;

  private ConverterFingerprint(List<String> encodings, List<CodecDescriptor> codecs) {
    this.encodings =
        encodings == null ? null : Collections.unmodifiableList(new ArrayList<>(encodings));
    this.codecs = codecs == null ? null : Collections.unmodifiableList(new ArrayList<>(codecs));
  }

  /** A fingerprint that says nothing; comparisons against it never find an incompatibility. */
  public static ConverterFingerprint unknown() {
    return UNKNOWN;
  }

  /** Returns a builder; parts not set stay unknown. */
  public static Builder newBuilder() {
    return new Builder();
  }

  /** Describes {@code converter} as far as its structure can be read. Never throws. */
  public static ConverterFingerprint of(DataConverter converter) {
    ConverterIntrospection.Structure s = ConverterIntrospection.inspect(converter);
    return new ConverterFingerprint(s.getEncodings(), s.getCodecs());
  }

  /** Payload converter encodings in order; empty when unknown. */
  public Optional<List<String>> getEncodings() {
    return Optional.ofNullable(encodings);
  }

  /**
   * The codec chain, outermost (last applied on encode, first on decode) first; empty when unknown.
   */
  public Optional<List<CodecDescriptor>> getCodecs() {
    return Optional.ofNullable(codecs);
  }

  /** The compact JSON form sent in {@link #HEADER}. */
  public String toHeaderValue() {
    ObjectNode root = MAPPER.createObjectNode();
    root.put("v", 1);
    if (encodings != null) {
      ArrayNode enc = root.putArray("enc");
      encodings.forEach(enc::add);
    }
    if (codecs != null) {
      ArrayNode arr = root.putArray("codecs");
      for (CodecDescriptor c : codecs) {
        ObjectNode n = arr.addObject();
        n.put("id", c.getCodecId());
        c.getEncryptionKeyId().ifPresent(k -> n.put("ek", k));
        if (!c.getDecryptionKeyIds().isEmpty()) {
          ArrayNode dk = n.putArray("dk");
          c.getDecryptionKeyIds().forEach(dk::add);
        }
        if (!c.isAcceptingUnencodedPayloads()) {
          n.put("strict", true);
        }
        if (!c.getPayloadProtections().isEmpty()) {
          ArrayNode pp = n.putArray("pp");
          c.getPayloadProtections().forEach(pp::add);
        }
      }
    }
    try {
      return MAPPER.writeValueAsString(root);
    } catch (JsonProcessingException e) {
      throw new IllegalStateException("cannot serialize a converter fingerprint", e);
    }
  }

  /**
   * Parses a header value; returns {@link #unknown()} for anything it cannot read (a newer format,
   * a damaged value), so that an unreadable fingerprint never denies a call.
   */
  public static ConverterFingerprint fromHeaderValue(String value) {
    if (value == null || value.isEmpty() || value.length() > MAX_HEADER_CHARS) {
      return UNKNOWN;
    }
    try {
      JsonNode root = MAPPER.readTree(value);
      if (root == null || !root.isObject() || root.path("v").asInt() != 1) {
        return UNKNOWN;
      }
      List<String> enc = null;
      if (root.has("enc")) {
        enc = new ArrayList<>();
        for (JsonNode e : root.get("enc")) {
          enc.add(e.asText());
        }
      }
      List<CodecDescriptor> codecs = null;
      if (root.has("codecs")) {
        codecs = new ArrayList<>();
        for (JsonNode c : root.get("codecs")) {
          CodecDescriptor.Builder b = CodecDescriptor.newBuilder(c.path("id").asText());
          if (c.hasNonNull("ek")) {
            b.setEncryptionKeyId(c.get("ek").asText());
          }
          for (JsonNode k : c.path("dk")) {
            b.addDecryptionKeyId(k.asText());
          }
          b.setAcceptingUnencodedPayloads(!c.path("strict").asBoolean(false));
          for (JsonNode p : c.path("pp")) {
            // a protection this version does not know (a newer mode) is left out: it can only
            // make the handler accept more, never deny a call
            try {
              b.addPayloadProtection(PayloadProtection.parse(p.asText()));
            } catch (IllegalArgumentException unknownMode) {
              // ignored, see above
            }
          }
          codecs.add(b.build());
        }
      }
      return new ConverterFingerprint(enc, codecs);
    } catch (JsonProcessingException | IllegalArgumentException e) {
      return UNKNOWN;
    }
  }

  @Override
  public boolean equals(Object o) {
    if (this == o) {
      return true;
    }
    if (!(o instanceof ConverterFingerprint)) {
      return false;
    }
    ConverterFingerprint f = (ConverterFingerprint) o;
    return Objects.equals(encodings, f.encodings) && Objects.equals(codecs, f.codecs);
  }

  @Override
  public int hashCode() {
    return Objects.hash(encodings, codecs);
  }

  @Override
  public String toString() {
    return "ConverterFingerprint{encodings="
        + (encodings == null ? "unknown" : encodings)
        + ", codecs="
        + (codecs == null ? "unknown" : codecs)
        + "}";
  }

  /** Builder for {@link ConverterFingerprint}, for converters {@link #of} cannot read. */
  public static final class Builder {
    private List<String> encodings;
    private List<CodecDescriptor> codecs;

    private Builder() {}

    /** Sets the payload converter encodings in order. */
    public Builder setEncodings(List<String> encodings) {
      this.encodings = new ArrayList<>(Objects.requireNonNull(encodings, "encodings"));
      return this;
    }

    /** Sets the codec chain, outermost first. */
    public Builder setCodecs(List<CodecDescriptor> codecs) {
      this.codecs = new ArrayList<>(Objects.requireNonNull(codecs, "codecs"));
      return this;
    }

    public ConverterFingerprint build() {
      return new ConverterFingerprint(encodings, codecs);
    }
  }
}
