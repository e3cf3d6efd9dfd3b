package dev.nexussecurity.codec.tink;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;

import com.google.crypto.tink.KeysetHandle;
import com.google.protobuf.ByteString;
import dev.nexussecurity.core.keys.KeysetSource;
import io.temporal.api.common.v1.Payload;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.Tuple;

/**
 * Properties of {@link TinkPayloadCodec} decode on untrusted payloads, stated without reference to
 * the wire format (so they hold for every format version): decoding anything the codec did not
 * encode with this keyset throws {@link PayloadDecryptionException} and never returns data, every
 * edit of an encoded payload is refused or yields exactly the original payload, and every payload
 * round-trips.
 */
class TinkPayloadCodecPropertiesTest {
  private static final KeysetHandle KEYSET = TestKeysets.aes256Gcm();
  private static final KeysetHandle OTHER_KEYSET = TestKeysets.aes256Gcm();
  private static final TinkPayloadCodec CODEC = codec(KEYSET, true);
  private static final TinkPayloadCodec UNCOMPRESSED = codec(KEYSET, false);
  private static final TinkPayloadCodec OTHER = codec(OTHER_KEYSET, false);

  private static TinkPayloadCodec codec(KeysetHandle keyset, boolean compression) {
    return TinkPayloadCodec.newBuilder()
        .setKeysetSource(KeysetSource.fromKeysetHandle(keyset))
        .setCompressionEnabled(compression)
        .build();
  }

  @Property(tries = 300)
  void encode_thenDecode_returnsThePayload(
      @ForAll("payloads") Payload payload, @ForAll boolean compressed) {
    TinkPayloadCodec codec = compressed ? CODEC : UNCOMPRESSED;
    List<Payload> encoded = codec.encode(List.of(payload));
    assertThat(encoded).hasSize(1);
    assertThat(encoded.get(0)).isNotEqualTo(payload);
    assertThat(CODEC.decode(encoded)).containsExactly(payload);
    assertThat(UNCOMPRESSED.decode(encoded)).containsExactly(payload);
  }

  @Property(tries = 500)
  void decode_ofArbitraryPayloads_throwsPayloadDecryptionExceptionAndReturnsNothing(
      @ForAll("untrusted") Payload payload) {
    Throwable thrown = catchThrowable(() -> CODEC.decode(List.of(payload)));
    assertThat(thrown).isExactlyInstanceOf(PayloadDecryptionException.class);
    assertThat(thrown.getMessage()).doesNotContain("\n");
  }

  @Property(tries = 300)
  void decode_ofAnEditedPayload_isRefusedOrIsTheOriginal(
      @ForAll("payloads") Payload payload, @ForAll("edits") Edit edit) {
    Payload encoded = CODEC.encode(List.of(payload)).get(0);
    Payload edited = edit.apply(encoded);
    List<Payload>[] decoded = new List[1];
    Throwable thrown = catchThrowable(() -> decoded[0] = CODEC.decode(List.of(edited)));
    if (thrown != null) {
      assertThat(thrown).isExactlyInstanceOf(PayloadDecryptionException.class);
    } else {
      assertThat(decoded[0]).containsExactly(payload);
    }
  }

  @Property(tries = 100)
  void decode_withAnotherKeyset_isRefused(@ForAll("payloads") Payload payload) {
    Payload encoded = OTHER.encode(List.of(payload)).get(0);
    assertThat(catchThrowable(() -> CODEC.decode(List.of(encoded))))
        .isExactlyInstanceOf(PayloadDecryptionException.class);
  }

  /** An edit of an encoded payload, named for the report. */
  record Edit(String name, java.util.function.UnaryOperator<Payload> op) {
    Payload apply(Payload p) {
      return op.apply(p);
    }

    @Override
    public String toString() {
      return name;
    }
  }

  @Provide
  Arbitrary<Edit> edits() {
    Arbitrary<Edit> dataEdits =
        Combinators.combine(
                Arbitraries.integers().between(0, 3),
                Arbitraries.integers().greaterOrEqual(0),
                Arbitraries.bytes())
            .as(
                (kind, at, value) ->
                    new Edit(
                        "data edit " + kind + "@" + at + "=" + value,
                        p ->
                            p.toBuilder()
                                .setData(
                                    ByteString.copyFrom(
                                        edit(p.getData().toByteArray(), kind, at, value)))
                                .build()));
    Arbitrary<Edit> metadataEdits =
        Combinators.combine(
                Arbitraries.integers().greaterOrEqual(0),
                Arbitraries.integers().between(0, 3),
                Arbitraries.integers().greaterOrEqual(0),
                Arbitraries.bytes())
            .as(
                (which, kind, at, value) ->
                    new Edit(
                        "metadata edit " + which + "/" + kind + "@" + at + "=" + value,
                        p -> {
                          List<String> keys = new ArrayList<>(p.getMetadataMap().keySet());
                          String key = keys.get(which % keys.size());
                          byte[] v = p.getMetadataMap().get(key).toByteArray();
                          return kind == 3
                              ? p.toBuilder().removeMetadata(key).build()
                              : p.toBuilder()
                                  .putMetadata(key, ByteString.copyFrom(edit(v, kind, at, value)))
                                  .build();
                        }));
    return Arbitraries.frequencyOf(Tuple.of(3, dataEdits), Tuple.of(2, metadataEdits));
  }

  private static byte[] edit(byte[] d, int kind, int position, byte value) {
    if (d.length == 0) {
      return new byte[] {value};
    }
    int at = position % d.length;
    byte[] out;
    switch (kind) {
      case 0 -> {
        out = d.clone();
        out[at] ^= (byte) (1 << (value & 7));
      }
      case 1 -> {
        out = new byte[d.length + 1];
        System.arraycopy(d, 0, out, 0, at);
        out[at] = value;
        System.arraycopy(d, at, out, at + 1, d.length - at);
      }
      default -> {
        out = new byte[d.length - 1];
        System.arraycopy(d, 0, out, 0, at);
        System.arraycopy(d, at + 1, out, at, d.length - at - 1);
      }
    }
    return out;
  }

  @Provide
  Arbitrary<Payload> payloads() {
    Arbitrary<Map<String, ByteString>> metadata =
        Arbitraries.maps(
                Arbitraries.oneOf(
                    Arbitraries.of("encoding", "messageType", "x"),
                    Arbitraries.strings().ofMinLength(1).ofMaxLength(8)),
                Arbitraries.bytes().array(byte[].class).ofMaxSize(16).map(ByteString::copyFrom))
            .ofMaxSize(3);
    Arbitrary<ByteString> data =
        Arbitraries.oneOf(
                Arbitraries.bytes().array(byte[].class).ofMaxSize(200),
                Arbitraries.strings()
                    .withChars("{}\"ab ")
                    .ofMaxLength(2000)
                    .map(s -> s.getBytes(StandardCharsets.UTF_8)))
            .map(ByteString::copyFrom);
    return Combinators.combine(metadata, data)
        .as((m, d) -> Payload.newBuilder().putAllMetadata(m).setData(d).build());
  }

  @Provide
  Arbitrary<Payload> untrusted() {
    // what the codec writes (its metadata keys and values) with data it did not write, and
    // arbitrary payloads: all format-agnostic, drawn from real encodings of this version
    Payload sample =
        CODEC
            .encode(List.of(Payload.newBuilder().setData(ByteString.copyFromUtf8("x")).build()))
            .get(0);
    Arbitrary<Payload> forged =
        Combinators.combine(
                Arbitraries.subsetOf(sample.getMetadataMap().keySet()),
                Arbitraries.bytes().array(byte[].class).ofMaxSize(80))
            .as(
                (keys, data) -> {
                  Payload.Builder b = Payload.newBuilder().setData(ByteString.copyFrom(data));
                  keys.forEach(k -> b.putMetadata(k, sample.getMetadataMap().get(k)));
                  return b.build();
                });
    Arbitrary<Payload> spliced =
        Combinators.combine(payloads(), payloads())
            .as(
                (a, c) -> {
                  Payload ea = CODEC.encode(List.of(a)).get(0);
                  Payload ec = OTHER.encode(List.of(c)).get(0);
                  return ea.toBuilder().setData(ec.getData()).build();
                });
    return Arbitraries.frequencyOf(
        Tuple.of(3, forged), Tuple.of(1, spliced), Tuple.of(1, payloads()));
  }
}
