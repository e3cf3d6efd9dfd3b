package dev.nexussecurity.core;

import com.google.protobuf.ByteString;
import dev.nexussecurity.api.CodecDescriptor;
import dev.nexussecurity.api.DescribedCodec;
import dev.nexussecurity.api.PayloadProtection;
import io.temporal.api.common.v1.Payload;
import io.temporal.payload.codec.PayloadCodec;
import io.temporal.payload.codec.PayloadCodecException;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;

/**
 * Small codecs for tests of converter compatibility. {@link KeyedCodec} stands for an encrypting
 * codec: it wraps the whole payload and tags it with a key id, and refuses payloads tagged with key
 * ids it does not hold (it does no cryptography; the real codec lives in codec-tink).
 */
public final class TestCodecs {
  private TestCodecs() {}

  public static KeyedCodec keyed(String encryptWith, String... decrypt) {
    return new KeyedCodec(encryptWith, Set.of(decrypt));
  }

  /**
   * A keyed codec that also lists the payload protections it decodes, like the Tink codec's format
   * 2: an encryption key id {@code pairwise/...}, {@code hpke/...} or {@code authenticated/...}
   * names a key-agreement mode, decoded when that mode is listed; other key ids are shared keys.
   */
  public static KeyedCodec protectedBy(String encryptWith, String... protections) {
    return new KeyedCodec(encryptWith, Set.of(), Set.of(protections));
  }

  /** A codec without a self-description, identified by class name. */
  public static final class PlainWrapCodec implements PayloadCodec {
    @Override
    public List<Payload> encode(List<Payload> payloads) {
      return payloads;
    }

    @Override
    public List<Payload> decode(List<Payload> payloads) {
      return payloads;
    }
  }

  public static final class KeyedCodec implements PayloadCodec, DescribedCodec {
    static final String ENCODING = "binary/test-keyed";
    private final String encryptWith;
    private final Set<String> decrypt;
    private final Set<String> protections;

    KeyedCodec(String encryptWith, Set<String> decrypt) {
      this(encryptWith, decrypt, Set.of());
    }

    KeyedCodec(String encryptWith, Set<String> decrypt, Set<String> protections) {
      this.encryptWith = encryptWith;
      this.decrypt = new TreeSet<>(decrypt);
      this.decrypt.add(encryptWith);
      this.protections = new TreeSet<>(protections);
    }

    private boolean canDecode(String key) {
      int slash = key.indexOf('/');
      String mode = slash < 0 ? null : key.substring(0, slash);
      if (!protections.isEmpty()) {
        if (mode != null) {
          return protections.contains(mode);
        }
        return decrypt.contains(key) && protections.stream().anyMatch(x -> x.startsWith("shared:"));
      }
      return decrypt.contains(key);
    }

    @Override
    public List<Payload> encode(List<Payload> payloads) {
      List<Payload> out = new ArrayList<>();
      for (Payload p : payloads) {
        out.add(
            Payload.newBuilder()
                .putMetadata("encoding", ByteString.copyFromUtf8(ENCODING))
                .putMetadata("test-key-id", ByteString.copyFromUtf8(encryptWith))
                .setData(p.toByteString())
                .build());
      }
      return out;
    }

    @Override
    public List<Payload> decode(List<Payload> payloads) {
      List<Payload> out = new ArrayList<>();
      for (Payload p : payloads) {
        String enc = p.getMetadataOrDefault("encoding", ByteString.EMPTY).toStringUtf8();
        if (!ENCODING.equals(enc)) {
          throw new PayloadCodecException(
              "test codec refuses unencoded payload (encoding " + enc + ")");
        }
        String key = p.getMetadataOrThrow("test-key-id").toStringUtf8();
        if (!canDecode(key)) {
          throw new PayloadCodecException("test codec has no key id " + key);
        }
        try {
          out.add(Payload.parseFrom(p.getData()));
        } catch (Exception e) {
          throw new PayloadCodecException(e);
        }
      }
      return out;
    }

    @Override
    public CodecDescriptor describe() {
      CodecDescriptor.Builder b =
          CodecDescriptor.newBuilder("test/keyed")
              .setEncryptionKeyId(encryptWith)
              .setAcceptingUnencodedPayloads(false);
      decrypt.forEach(b::addDecryptionKeyId);
      protections.forEach(x -> b.addPayloadProtection(PayloadProtection.parse(x)));
      return b.build();
    }
  }
}
