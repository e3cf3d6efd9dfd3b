package dev.nexussecurity.codec.tink;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import com.fasterxml.jackson.core.type.TypeReference;
import com.google.crypto.tink.InsecureSecretKeyAccess;
import com.google.crypto.tink.KeyStatus;
import com.google.crypto.tink.KeysetHandle;
import com.google.crypto.tink.TinkJsonProtoKeysetFormat;
import com.google.crypto.tink.aead.AeadConfig2026;
import com.google.crypto.tink.aead.AesGcmParameters;
import com.google.crypto.tink.aead.PredefinedAeadParameters;
import com.google.protobuf.ByteString;
import dev.nexussecurity.api.CodecDescriptor;
import dev.nexussecurity.codec.tink.PayloadDecryptionException.Reason;
import dev.nexussecurity.core.keys.KeysetLoadException;
import dev.nexussecurity.core.keys.KeysetSource;
import io.temporal.api.common.v1.Payload;
import io.temporal.common.converter.CodecDataConverter;
import io.temporal.common.converter.DataConverter;
import io.temporal.common.converter.DataConverterException;
import io.temporal.common.converter.DefaultDataConverter;
import io.temporal.payload.context.WorkflowSerializationContext;
import java.lang.reflect.Type;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Random;
import java.util.stream.Stream;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.params.provider.ValueSource;

class TinkPayloadCodecTest {
  private static final DataConverter PLAIN = DefaultDataConverter.newDefaultInstance();
  private static final KeysetHandle KEYSET = TestKeysets.aes256Gcm();
  private static final TinkPayloadCodec CODEC = TestKeysets.codec(KEYSET);

  private static final String META_FORMAT = "nexus-security-format";
  private static final String META_SCHEME = "nexus-security-scheme";
  private static final String META_KEYSET = "nexus-security-keyset";
  private static final String META_KEY_ID = "nexus-security-key-id";
  private static final String META_COMPRESSION = "nexus-security-compression";

  static Payload plaintext(Object value) {
    return PLAIN.toPayload(value).orElseThrow();
  }

  static Payload encodeOne(TinkPayloadCodec codec, Payload p) {
    List<Payload> out = codec.encode(List.of(p));
    assertThat(out).hasSize(1);
    return out.get(0);
  }

  static Payload decodeOne(TinkPayloadCodec codec, Payload p) {
    List<Payload> out = codec.decode(List.of(p));
    assertThat(out).hasSize(1);
    return out.get(0);
  }

  static PayloadDecryptionException decodeFails(TinkPayloadCodec codec, Payload p) {
    PayloadDecryptionException e =
        catchThrowableOfType(PayloadDecryptionException.class, () -> codec.decode(List.of(p)));
    assertThat(e).as("decoding must fail with PayloadDecryptionException").isNotNull();
    assertThat(e).isInstanceOf(DataConverterException.class);
    return e;
  }

  static String meta(Payload p, String key) {
    return p.containsMetadata(key)
        ? p.getMetadataOrThrow(key).toStringUtf8()
        : WireFields.get(p, key);
  }

  static String keyId(KeysetHandle h, int index) {
    return Integer.toUnsignedString(h.getAt(index).getId());
  }

  /** A Jackson-friendly value type for the round trip. */
  public static final class Order {
    public String id;
    public int quantity;
    public List<String> tags;
    public Map<String, Double> prices;

    public Order() {}

    Order(String id, int quantity, List<String> tags, Map<String, Double> prices) {
      this.id = id;
      this.quantity = quantity;
      this.tags = tags;
      this.prices = prices;
    }

    @Override
    public boolean equals(Object o) {
      return o instanceof Order
          && Objects.equals(id, ((Order) o).id)
          && quantity == ((Order) o).quantity
          && Objects.equals(tags, ((Order) o).tags)
          && Objects.equals(prices, ((Order) o).prices);
    }

    @Override
    public int hashCode() {
      return Objects.hash(id, quantity, tags, prices);
    }
  }

  @Nested
  class RoundTrip {
    static Stream<Arguments> values() {
      byte[] bytes = new byte[10_000];
      new Random(7).nextBytes(bytes);
      StringBuilder large = new StringBuilder();
      while (large.length() < 1_000_000) {
        large.append("line ").append(large.length()).append(" · ünïcødé ✓\n");
      }
      Map<String, Object> nested = new LinkedHashMap<>();
      nested.put("a", List.of(1, 2, 3));
      nested.put("b", Map.of("c", "d"));
      nested.put("e", null);
      return Stream.of(
          Arguments.of(null, Object.class, Object.class),
          Arguments.of(true, Boolean.class, Boolean.class),
          Arguments.of(42, Integer.class, Integer.class),
          Arguments.of(Long.MIN_VALUE, Long.class, Long.class),
          Arguments.of(3.14159, Double.class, Double.class),
          Arguments.of("", String.class, String.class),
          Arguments.of("héllo wörld ✓ 日本語 🚀 \u0000 \"quoted\"", String.class, String.class),
          Arguments.of(bytes, byte[].class, byte[].class),
          Arguments.of(new byte[0], byte[].class, byte[].class),
          Arguments.of(
              List.of("x", "y", "ü"), List.class, new TypeReference<List<String>>() {}.getType()),
          Arguments.of(nested, Map.class, new TypeReference<Map<String, Object>>() {}.getType()),
          Arguments.of(
              new Order("o-1", 3, List.of("gift", "fragile"), Map.of("eur", 9.99)),
              Order.class,
              Order.class),
          Arguments.of(large.toString(), String.class, String.class));
    }

    @ParameterizedTest
    @MethodSource("values")
    void codecDataConverter_roundTripsValue_andStoresOnlyCiphertext(
        Object value, Class<?> type, Type genericType) {
      DataConverter converter = new CodecDataConverter(PLAIN, List.of(CODEC));
      Payload encoded = converter.toPayload(value).orElseThrow();

      assertThat(meta(encoded, "encoding")).isEqualTo("binary/encrypted");
      Payload inner = plaintext(value);
      if (inner.getData().size() >= 8) {
        assertThat(indexOf(encoded.getData().toByteArray(), inner.getData().toByteArray()))
            .as("plaintext must not appear in the encoded data")
            .isEqualTo(-1);
      }
      Object back = converter.fromPayload(encoded, type, genericType);
      if (value instanceof byte[]) {
        assertThat((byte[]) back).isEqualTo((byte[]) value);
      } else {
        assertThat(back).isEqualTo(value);
      }
    }

    @Test
    void toPayloads_withSeveralValues_encryptsEachAndRoundTrips() {
      DataConverter converter = new CodecDataConverter(PLAIN, List.of(CODEC));
      var payloads = converter.toPayloads("a", 1, List.of(2)).orElseThrow();
      assertThat(payloads.getPayloadsList())
          .hasSize(3)
          .allSatisfy(p -> assertThat(meta(p, "encoding")).isEqualTo("binary/encrypted"));
      assertThat(
              converter.fromPayloads(
                  0, java.util.Optional.of(payloads), String.class, String.class))
          .isEqualTo("a");
      assertThat(
              converter.fromPayloads(
                  1, java.util.Optional.of(payloads), Integer.class, Integer.class))
          .isEqualTo(1);
    }

    @Test
    void decode_returnsTheOriginalPayloadWithItsMetadata() {
      Payload original =
          Payload.newBuilder()
              .putMetadata("encoding", ByteString.copyFromUtf8("json/plain"))
              .putMetadata("messageType", ByteString.copyFromUtf8("orders.v1.Order"))
              .setData(ByteString.copyFromUtf8("{\"id\":1}"))
              .build();
      Payload encoded = encodeOne(CODEC, original);
      assertThat(encoded.getMetadataMap()).doesNotContainKey("messageType");
      assertThat(decodeOne(CODEC, encoded)).isEqualTo(original);
    }

    @Test
    void encode_sameValueTwice_givesDifferentCiphertexts() {
      Payload p = plaintext("same");
      assertThat(encodeOne(CODEC, p).getData()).isNotEqualTo(encodeOne(CODEC, p).getData());
    }

    @Test
    void encodeAndDecode_emptyList_returnEmptyList() {
      assertThat(CODEC.encode(List.of())).isEmpty();
      assertThat(CODEC.decode(List.of())).isEmpty();
    }

    @Test
    void encode_writesExactlyTheDocumentedMetadata() {
      Payload encoded = encodeOne(CODEC, plaintext("x"));
      Map<String, String> meta = new LinkedHashMap<>();
      encoded.getMetadataMap().forEach((k, v) -> meta.put(k, v.toStringUtf8()));
      assertThat(meta.keySet())
          .containsExactlyInAnyOrder("encoding", META_FORMAT, META_KEY_ID, WireFields.CONTEXT);
      assertThat(meta)
          .contains(
              Map.entry("encoding", "binary/encrypted"),
              Map.entry(META_FORMAT, "2"),
              Map.entry(META_KEY_ID, keyId(KEYSET, 0)));
      assertThat(WireFields.fields(encoded))
          .extracting(ByteString::toStringUtf8)
          .containsExactly(
              "binary/encrypted",
              "2",
              "tink-aead",
              "default",
              keyId(KEYSET, 0),
              "none",
              "NONE",
              "0/1",
              "",
              "",
              "",
              "",
              "",
              "");
      // Tink output prefix: 0x01 followed by the big-endian key id; then 12-byte IV and 16-byte
      // tag.
      byte[] data = encoded.getData().toByteArray();
      assertThat(data[0]).isEqualTo((byte) 1);
      assertThat(java.nio.ByteBuffer.wrap(data, 1, 4).getInt()).isEqualTo(KEYSET.getAt(0).getId());
      assertThat(data.length).isEqualTo(5 + 12 + plaintext("x").getSerializedSize() + 16);
    }

    @Test
    void contextOf_encodedPayload_namesTheContextFieldsInReadmeOrder() {
      Payload encoded = encodeOne(CODEC, plaintext("x"));
      Map<String, String> context = TinkPayloadCodec.contextOf(encoded).orElseThrow();
      assertThat(context.keySet())
          .containsExactly(
              "encoding",
              "format",
              "scheme",
              "keyset",
              "key-id",
              "compression",
              "direction",
              "position",
              "endpoint",
              "service",
              "operation",
              "caller",
              "handler",
              "binding");
      assertThat(List.copyOf(context.values()))
          .containsExactlyElementsOf(
              WireFields.fields(encoded).stream().map(ByteString::toStringUtf8).toList());
      assertThat(context)
          .contains(
              Map.entry("scheme", "tink-aead"),
              Map.entry("keyset", "default"),
              Map.entry("compression", "none"),
              Map.entry("direction", "NONE"));
    }

    @Test
    void contextOf_plaintextOrMalformedContext_isEmpty() {
      Payload encoded = encodeOne(CODEC, plaintext("x"));
      ByteString context = encoded.getMetadataOrThrow(WireFields.CONTEXT);
      assertThat(TinkPayloadCodec.contextOf(plaintext("x"))).isEmpty();
      assertThat(
              TinkPayloadCodec.contextOf(
                  WireFields.withContext(
                      encoded, context.concat(ByteString.copyFrom(new byte[4])))))
          .as("a 15th field")
          .isEmpty();
      assertThat(
              TinkPayloadCodec.contextOf(
                  WireFields.withContext(encoded, context.substring(0, context.size() - 1))))
          .as("last field cut short")
          .isEmpty();
      assertThat(
              TinkPayloadCodec.contextOf(
                  WireFields.withContext(encoded, ByteString.copyFrom(new byte[] {0x7f, 0, 0, 0}))))
          .as("length past the end")
          .isEmpty();
    }

    @Test
    void anyTinkAeadKeyType_roundTrips() {
      for (var params :
          List.of(
              PredefinedAeadParameters.AES128_GCM,
              PredefinedAeadParameters.AES256_EAX,
              PredefinedAeadParameters.AES256_CTR_HMAC_SHA256,
              PredefinedAeadParameters.CHACHA20_POLY1305,
              PredefinedAeadParameters.XCHACHA20_POLY1305,
              PredefinedAeadParameters.XAES_256_GCM_192_BIT_NONCE,
              rawAesGcm())) {
        TinkPayloadCodec codec = TestKeysets.codec(TestKeysets.single(params));
        Payload p = plaintext("value for " + params);
        assertThat(decodeOne(codec, encodeOne(codec, p))).as(params.toString()).isEqualTo(p);
      }
    }

    @Test
    void withContext_returnsCodecThatInteroperates() {
      var ctx = new WorkflowSerializationContext("ns", "wf-1");
      var bound = CODEC.withContext(ctx);
      Payload p = plaintext("ctx");
      assertThat(CODEC.decode(bound.encode(List.of(p)))).containsExactly(p);
      assertThat(bound.decode(CODEC.encode(List.of(p)))).containsExactly(p);
      assertThat(((TinkPayloadCodec) bound).describe()).isEqualTo(CODEC.describe());
    }
  }

  static AesGcmParameters rawAesGcm() {
    try {
      return AesGcmParameters.builder()
          .setKeySizeBytes(32)
          .setIvSizeBytes(12)
          .setTagSizeBytes(16)
          .setVariant(AesGcmParameters.Variant.NO_PREFIX)
          .build();
    } catch (java.security.GeneralSecurityException e) {
      throw new IllegalStateException(e);
    }
  }

  @Nested
  class Describe {
    @Test
    void describe_namesCodecPrimaryAndEnabledKeys_only() {
      KeysetHandle h =
          TestKeysets.withStatus(
              TestKeysets.withNewKey(TestKeysets.withNewKey(KEYSET)), 2, KeyStatus.DISABLED);
      TinkPayloadCodec codec =
          TinkPayloadCodec.newBuilder()
              .setKeysetSource(KeysetSource.fromKeysetHandle(h))
              .setKeysetName("orders")
              .build();
      CodecDescriptor d = codec.describe();
      assertThat(d.getCodecId()).isEqualTo("nexus-security/tink-aead");
      assertThat(d.getEncryptionKeyId()).contains("orders/" + keyId(h, 0));
      assertThat(d.getDecryptionKeyIds())
          .containsExactlyInAnyOrder("orders/" + keyId(h, 0), "orders/" + keyId(h, 1));
      assertThat(d.canDecrypt("orders/" + keyId(h, 2))).isFalse();
      assertThat(d.isAcceptingUnencodedPayloads()).isFalse();
    }

    @Test
    void describe_saysUnencodedPayloadsAreAccepted_onlyInMigrationMode() {
      TinkPayloadCodec migrating =
          TinkPayloadCodec.newBuilder()
              .setKeysetSource(KeysetSource.fromKeysetHandle(KEYSET))
              .setPlaintextPolicy(PlaintextPolicy.ACCEPT_FOR_MIGRATION)
              .build();
      assertThat(migrating.describe().isAcceptingUnencodedPayloads()).isTrue();
      assertThat(CODEC.describe().isAcceptingUnencodedPayloads()).isFalse();
    }

    @Test
    void describeAndToString_containNoKeyMaterial() throws Exception {
      String json =
          TinkJsonProtoKeysetFormat.serializeKeyset(
              KEYSET, AeadConfig2026.get(), InsecureSecretKeyAccess.get());
      String keyValue = json.replaceAll("(?s).*\"value\":\"([^\"]+)\".*", "$1");
      assertThat(keyValue).hasSizeGreaterThan(20);
      assertThat(CODEC.describe().toString()).doesNotContain(keyValue);
      assertThat(CODEC.toString()).doesNotContain(keyValue).contains("default/" + keyId(KEYSET, 0));
    }
  }

  @Nested
  class Rotation {
    @Test
    void payloadUnderOldKey_decodesAfterNewKeyIsAddedPromotedAndFailsClearlyOnceDisabled() {
      KeysetHandle onlyA = KEYSET;
      Payload p = plaintext("written under A");
      Payload underA = encodeOne(TestKeysets.codec(onlyA), p);

      // 1. add B (not primary): still encrypts with A, decrypts A
      KeysetHandle aAndB = TestKeysets.withNewKey(onlyA);
      TinkPayloadCodec added = TestKeysets.codec(aAndB);
      assertThat(meta(encodeOne(added, p), META_KEY_ID)).isEqualTo(keyId(aAndB, 0));
      assertThat(decodeOne(added, underA)).isEqualTo(p);

      // 2. promote B: encrypts with B, still decrypts A
      KeysetHandle promoted = TestKeysets.promote(aAndB, 1);
      TinkPayloadCodec afterPromote = TestKeysets.codec(promoted);
      Payload underB = encodeOne(afterPromote, p);
      assertThat(meta(underB, META_KEY_ID)).isEqualTo(keyId(promoted, 1));
      assertThat(afterPromote.describe().getEncryptionKeyId())
          .contains("default/" + keyId(promoted, 1));
      assertThat(decodeOne(afterPromote, underA)).isEqualTo(p);
      // a worker that already has B (step 1) reads what promoted workers write
      assertThat(decodeOne(added, underB)).isEqualTo(p);

      // 3. disable A: B payloads decode, A payloads fail with a precise error
      KeysetHandle disabled = TestKeysets.withStatus(promoted, 0, KeyStatus.DISABLED);
      TinkPayloadCodec afterDisable = TestKeysets.codec(disabled);
      assertThat(decodeOne(afterDisable, underB)).isEqualTo(p);
      PayloadDecryptionException e = decodeFails(afterDisable, underA);
      assertThat(e.getReason()).isEqualTo(Reason.DISABLED_KEY);
      assertThat(e.getKeyId()).contains("default/" + keyId(onlyA, 0));
      assertThat(e.getEncoding()).contains("binary/encrypted");
      assertThat(e.getMessage())
          .contains("DISABLED_KEY", "default/" + keyId(onlyA, 0), "binary/encrypted", "Re-enable");
      assertThat(afterDisable.describe().canDecrypt("default/" + keyId(onlyA, 0))).isFalse();

      // 4. delete A: unknown key
      TinkPayloadCodec afterDelete = TestKeysets.codec(TestKeysets.without(disabled, 0));
      assertThat(decodeFails(afterDelete, underA).getReason()).isEqualTo(Reason.UNKNOWN_KEY);
      assertThat(decodeOne(afterDelete, underB)).isEqualTo(p);
    }

    @Test
    void promotingBeforeRollOut_isCaughtAsUnknownKeyOnStaleReaders() {
      KeysetHandle promoted = TestKeysets.promote(TestKeysets.withNewKey(KEYSET), 1);
      Payload underB = encodeOne(TestKeysets.codec(promoted), plaintext("new"));
      PayloadDecryptionException e = decodeFails(CODEC, underB);
      assertThat(e.getReason()).isEqualTo(Reason.UNKNOWN_KEY);
      assertThat(e.getKeyId()).contains("default/" + keyId(promoted, 1));
      assertThat(e.getMessage()).contains("roll out new keys");
    }
  }

  @Nested
  class Tampering {
    private final Payload original = plaintext("hi");
    private final Payload encoded = encodeOne(CODEC, original);

    @Test
    void flippingAnySingleByteOfTheData_isRejected() {
      byte[] data = encoded.getData().toByteArray();
      for (int i = 0; i < data.length; i++) {
        for (int mask : new int[] {0x01, 0x80}) {
          byte[] copy = data.clone();
          copy[i] ^= (byte) mask;
          Payload tampered = encoded.toBuilder().setData(ByteString.copyFrom(copy)).build();
          PayloadDecryptionException e = decodeFails(CODEC, tampered);
          assertThat(e.getReason())
              .as("byte %d mask %x", i, mask)
              .isEqualTo(Reason.AUTHENTICATION_FAILED);
          assertThat(e.getKeyId()).contains("default/" + keyId(KEYSET, 0));
        }
      }
      assertThat(decodeOne(CODEC, encoded)).as("nothing lost after failures").isEqualTo(original);
    }

    @Test
    void truncatingTheData_isRejected() {
      byte[] data = encoded.getData().toByteArray();
      for (int length = 0; length < data.length; length++) {
        Payload truncated =
            encoded.toBuilder().setData(ByteString.copyFrom(data, 0, length)).build();
        assertThat(decodeFails(CODEC, truncated).getReason())
            .as("length %d", length)
            .isEqualTo(Reason.AUTHENTICATION_FAILED);
      }
    }

    @Test
    void appendingToTheData_isRejected() {
      Payload longer =
          encoded.toBuilder()
              .setData(encoded.getData().concat(ByteString.copyFrom(new byte[] {0})))
              .build();
      assertThat(decodeFails(CODEC, longer).getReason()).isEqualTo(Reason.AUTHENTICATION_FAILED);
    }

    static Stream<Arguments> removals() {
      return Stream.of(
          Arguments.of("encoding", Reason.MALFORMED),
          Arguments.of(META_FORMAT, Reason.MALFORMED),
          Arguments.of(META_KEY_ID, Reason.MALFORMED),
          Arguments.of(WireFields.CONTEXT, Reason.MALFORMED));
    }

    @ParameterizedTest
    @MethodSource("removals")
    void removingAMetadataEntry_isRejected(String key, Reason expected) {
      Payload tampered = encoded.toBuilder().removeMetadata(key).build();
      PayloadDecryptionException e = decodeFails(CODEC, tampered);
      assertThat(e.getReason()).isEqualTo(expected);
      if (!key.equals("encoding")) {
        assertThat(e.getMessage()).contains(key);
      }
      // also in migration mode, which accepts plaintext but not altered ciphertext
      TinkPayloadCodec migrating =
          TinkPayloadCodec.newBuilder()
              .setKeysetSource(KeysetSource.fromKeysetHandle(KEYSET))
              .setPlaintextPolicy(PlaintextPolicy.ACCEPT_FOR_MIGRATION)
              .build();
      assertThat(decodeFails(migrating, tampered).getReason()).isEqualTo(expected);
    }

    static Stream<Arguments> changes() {
      return Stream.of(
          Arguments.of("encoding", "binary/plain", Reason.MALFORMED),
          Arguments.of("encoding", "json/plain", Reason.MALFORMED),
          Arguments.of(META_FORMAT, "3", Reason.UNSUPPORTED_FORMAT_VERSION),
          Arguments.of(META_FORMAT, "1", Reason.LEGACY_FORMAT_REFUSED),
          Arguments.of("nexus-security-position", "1/2", Reason.AUTHENTICATION_FAILED),
          Arguments.of("nexus-security-position", "2/2", Reason.MALFORMED),
          Arguments.of("nexus-security-direction", "SIDEWAYS", Reason.MALFORMED),
          Arguments.of("nexus-security-direction", "INPUT", Reason.MALFORMED),
          Arguments.of("nexus-security-operation", "charge", Reason.MALFORMED),
          Arguments.of("encoding", "binary/authenticated", Reason.MALFORMED),
          Arguments.of(META_FORMAT, "01", Reason.UNSUPPORTED_FORMAT_VERSION),
          Arguments.of(META_SCHEME, "tink-hpke", Reason.UNSUPPORTED_SCHEME),
          Arguments.of(META_KEYSET, "other", Reason.UNKNOWN_KEY),
          Arguments.of(META_KEY_ID, "12345", Reason.UNKNOWN_KEY),
          Arguments.of(META_KEY_ID, "0" + keyId(KEYSET, 0), Reason.UNKNOWN_KEY),
          Arguments.of(META_COMPRESSION, "zlib", Reason.AUTHENTICATION_FAILED),
          Arguments.of(META_COMPRESSION, "gzip", Reason.MALFORMED));
    }

    @ParameterizedTest
    @MethodSource("changes")
    void changingAMetadataEntry_isRejected(String key, String value, Reason expected) {
      Payload tampered = WireFields.with(encoded, key, value);
      assertThat(decodeFails(CODEC, tampered).getReason()).isEqualTo(expected);
    }

    static Stream<Arguments> mirrors() {
      return Stream.of(
          Arguments.of("encoding", "binary/authenticated", true),
          Arguments.of(META_KEY_ID, "12345", true),
          Arguments.of("encoding", "binary/authenticated", false),
          Arguments.of(META_FORMAT, "3", false),
          Arguments.of(META_KEY_ID, "12345", false));
    }

    @ParameterizedTest
    @MethodSource("mirrors")
    void aMetadataEntryThatDiffersFromItsCopyInTheContext_isRejected(
        String key, String value, boolean inTheEntry) {
      Payload tampered =
          inTheEntry
              ? encoded.toBuilder().putMetadata(key, ByteString.copyFromUtf8(value)).build()
              : WireFields.withContextField(encoded, key, value);
      PayloadDecryptionException e = decodeFails(CODEC, tampered);
      assertThat(e.getReason()).isEqualTo(Reason.MALFORMED);
      assertThat(e.getMessage()).contains(key).contains("differs from its copy");
    }

    static Stream<Arguments> malformedContexts() {
      List<ByteString> f = WireFields.fields(encodeOne(CODEC, plaintext("x")));
      ByteString whole = WireFields.encode(f);
      return Stream.of(
          Arguments.of("13 fields", WireFields.encode(f.subList(0, 13))),
          Arguments.of(
              "15 fields",
              WireFields.encode(Stream.concat(f.stream(), Stream.of(ByteString.EMPTY)).toList())),
          Arguments.of("a trailing byte", whole.concat(ByteString.copyFrom(new byte[] {0}))),
          Arguments.of("cut in a length", whole.substring(0, whole.size() - 3)),
          Arguments.of(
              "a length past the end",
              ByteString.copyFrom(new byte[] {0x7f, (byte) 0xff, (byte) 0xff, (byte) 0xff})
                  .concat(whole)),
          Arguments.of("nothing", ByteString.EMPTY));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("malformedContexts")
    void aContextEntryThatIsNotFourteenLengthPrefixedFields_isRejected(
        String what, ByteString context) {
      PayloadDecryptionException e = decodeFails(CODEC, WireFields.withContext(encoded, context));
      assertThat(e.getReason()).isEqualTo(Reason.MALFORMED);
      assertThat(e.getMessage()).contains("nexus-security-context").contains("14 length-prefixed");
    }

    @Test
    void pointingTheKeyIdAtAnotherKeyOfTheKeyset_isRejected() {
      KeysetHandle two = TestKeysets.withNewKey(KEYSET);
      TinkPayloadCodec codec = TestKeysets.codec(two);
      Payload underA = encodeOne(codec, original);
      Payload tampered = WireFields.with(underA, META_KEY_ID, keyId(two, 1));
      PayloadDecryptionException e = decodeFails(codec, tampered);
      assertThat(e.getReason()).isEqualTo(Reason.AUTHENTICATION_FAILED);
      assertThat(e.getKeyId()).contains("default/" + keyId(two, 1));
    }

    @Test
    void relabelingToAnotherKeysetNameTheReaderHolds_isRejectedByTheAssociatedData() {
      TinkPayloadCodec a =
          TinkPayloadCodec.newBuilder()
              .setKeysetSource(KeysetSource.fromKeysetHandle(KEYSET))
              .setKeysetName("a")
              .build();
      TinkPayloadCodec b =
          TinkPayloadCodec.newBuilder()
              .setKeysetSource(KeysetSource.fromKeysetHandle(KEYSET))
              .setKeysetName("b")
              .build();
      Payload underA = encodeOne(a, original);
      Payload relabeled = WireFields.with(underA, META_KEYSET, "b");
      assertThat(decodeFails(b, relabeled).getReason()).isEqualTo(Reason.AUTHENTICATION_FAILED);
      assertThat(decodeOne(a, underA)).isEqualTo(original);
    }

    @Test
    void changingTheCompressionOfACompressedPayloadToNone_isRejected() {
      TinkPayloadCodec compressing =
          TinkPayloadCodec.newBuilder()
              .setKeysetSource(KeysetSource.fromKeysetHandle(KEYSET))
              .setCompressionEnabled(true)
              .build();
      Payload zipped = encodeOne(compressing, plaintext("a".repeat(500)));
      assertThat(meta(zipped, META_COMPRESSION)).isEqualTo("zlib");
      Payload tampered = WireFields.with(zipped, META_COMPRESSION, "none");
      assertThat(decodeFails(compressing, tampered).getReason())
          .isEqualTo(Reason.AUTHENTICATION_FAILED);
    }

    @Test
    void extraMetadataEntries_areIgnoredAndDropped() {
      Payload extra =
          encoded.toBuilder().putMetadata("added-later", ByteString.copyFromUtf8("x")).build();
      assertThat(decodeOne(CODEC, extra)).isEqualTo(original);
    }
  }

  @Nested
  class Keys {
    @Test
    void payloadFromAnotherKeyset_isRejectedAsUnknownKey() {
      Payload foreign = encodeOne(TestKeysets.codec(TestKeysets.aes256Gcm()), plaintext("x"));
      PayloadDecryptionException e = decodeFails(CODEC, foreign);
      assertThat(e.getReason()).isEqualTo(Reason.UNKNOWN_KEY);
      assertThat(e.getMessage()).contains(meta(foreign, META_KEY_ID), "binary/encrypted");
    }

    @Test
    void sameKeyIdWithDifferentKeyMaterial_isRejectedAsAuthenticationFailure() throws Exception {
      int id = KEYSET.getAt(0).getId();
      KeysetHandle impostor =
          KeysetHandle.newBuilder()
              .setConfiguration(AeadConfig2026.get())
              .addEntry(
                  KeysetHandle.generateEntryFromParameters(PredefinedAeadParameters.AES256_GCM)
                      .withFixedId(id)
                      .makePrimary())
              .build();
      Payload fromImpostor = encodeOne(TestKeysets.codec(impostor), plaintext("x"));
      PayloadDecryptionException e = decodeFails(CODEC, fromImpostor);
      assertThat(e.getReason()).isEqualTo(Reason.AUTHENTICATION_FAILED);
      assertThat(e.getKeyId()).contains("default/" + Integer.toUnsignedString(id));
      assertThat(e.getMessage()).contains("different key material");
    }

    @Test
    void payloadFromAnotherKeysetName_isRejectedAsUnknownKey() {
      TinkPayloadCodec orders =
          TinkPayloadCodec.newBuilder()
              .setKeysetSource(KeysetSource.fromKeysetHandle(KEYSET))
              .setKeysetName("orders")
              .build();
      Payload p = encodeOne(orders, plaintext("x"));
      assertThat(meta(p, META_KEYSET)).isEqualTo("orders");
      PayloadDecryptionException e = decodeFails(CODEC, p);
      assertThat(e.getReason()).isEqualTo(Reason.UNKNOWN_KEY);
      assertThat(e.getMessage()).contains("'orders'", "'default'");
      assertThat(decodeOne(orders, p)).isEqualTo(plaintext("x"));
    }

    @Test
    void errorMessages_containNoKeyMaterialOrPlaintext() throws Exception {
      String json =
          TinkJsonProtoKeysetFormat.serializeKeyset(
              KEYSET, AeadConfig2026.get(), InsecureSecretKeyAccess.get());
      String keyValue = json.replaceAll("(?s).*\"value\":\"([^\"]+)\".*", "$1");
      Payload secret = encodeOne(CODEC, plaintext("top-secret-value"));
      byte[] data = secret.getData().toByteArray();
      data[data.length - 1] ^= 1;
      PayloadDecryptionException e =
          decodeFails(CODEC, secret.toBuilder().setData(ByteString.copyFrom(data)).build());
      StringBuilder all = new StringBuilder();
      for (Throwable t = e; t != null; t = t.getCause()) {
        all.append(t).append('\n');
      }
      assertThat(all.toString()).doesNotContain(keyValue).doesNotContain("top-secret-value");
    }
  }

  @Nested
  class Plaintext {
    @Test
    void unencryptedPayload_isRejectedByDefault() {
      PayloadDecryptionException e = decodeFails(CODEC, plaintext("hello"));
      assertThat(e.getReason()).isEqualTo(Reason.PLAINTEXT_REJECTED);
      assertThat(e.getEncoding()).contains("json/plain");
      assertThat(e.getKeyId()).isEmpty();
      assertThat(e.getMessage())
          .contains("PLAINTEXT_REJECTED", "'json/plain'", "ACCEPT_FOR_MIGRATION");
      assertThat(CODEC.getPlaintextPolicy()).isEqualTo(PlaintextPolicy.REJECT);
    }

    @Test
    void payloadWithoutEncoding_isRejectedByDefault() {
      Payload bare = Payload.newBuilder().setData(ByteString.copyFromUtf8("x")).build();
      PayloadDecryptionException e = decodeFails(CODEC, bare);
      assertThat(e.getReason()).isEqualTo(Reason.PLAINTEXT_REJECTED);
      assertThat(e.getEncoding()).isEmpty();
      assertThat(e.getMessage()).contains("encoding=<none>");
    }

    @Test
    void unencryptedPayload_isAcceptedOnlyInMigrationMode_whileEncryptedOnesStillDecrypt() {
      TinkPayloadCodec migrating =
          TinkPayloadCodec.newBuilder()
              .setKeysetSource(KeysetSource.fromKeysetHandle(KEYSET))
              .setPlaintextPolicy(PlaintextPolicy.ACCEPT_FOR_MIGRATION)
              .build();
      Payload p = plaintext("legacy");
      assertThat(decodeOne(migrating, p)).isSameAs(p);
      assertThat(decodeOne(migrating, encodeOne(migrating, p))).isEqualTo(p);
      assertThat(meta(encodeOne(migrating, p), "encoding")).isEqualTo("binary/encrypted");
      assertThat(decodeOne(migrating, encodeOne(CODEC, p))).isEqualTo(p);
    }

    @Test
    void rolloutDecodeOnly_writesPlaintext_butDecodesEncryptedAndPlaintext() {
      TinkPayloadCodec decodeOnly =
          TinkPayloadCodec.newBuilder()
              .setKeysetSource(KeysetSource.fromKeysetHandle(KEYSET))
              .setPlaintextPolicy(PlaintextPolicy.ROLLOUT_DECODE_ONLY)
              .build();
      Payload p = plaintext("during-rollout");

      assertThat(encodeOne(decodeOnly, p)).as("still writes plaintext").isSameAs(p);
      assertThat(decodeOne(decodeOnly, p)).isSameAs(p);
      assertThat(decodeOne(decodeOnly, encodeOne(CODEC, p)))
          .as("reads what an encrypting peer writes")
          .isEqualTo(p);
      assertThat(decodeOnly.describe().isAcceptingUnencodedPayloads()).isTrue();
      assertThat(decodeOnly.toString()).contains("ROLLOUT_DECODE_ONLY");
      assertThat(PlaintextPolicy.ROLLOUT_DECODE_ONLY.isAcceptingPlaintext()).isTrue();
      assertThat(PlaintextPolicy.REJECT.isAcceptingPlaintext()).isFalse();
    }

    @Test
    void rolloutDecodeOnly_stillRejectsAlteredCiphertext() {
      TinkPayloadCodec decodeOnly =
          TinkPayloadCodec.newBuilder()
              .setKeysetSource(KeysetSource.fromKeysetHandle(KEYSET))
              .setPlaintextPolicy(PlaintextPolicy.ROLLOUT_DECODE_ONLY)
              .build();
      Payload altered =
          encodeOne(CODEC, plaintext("x")).toBuilder()
              .putMetadata("encoding", ByteString.copyFromUtf8("json/plain"))
              .build();

      assertThat(decodeFails(decodeOnly, altered).getReason()).isEqualTo(Reason.MALFORMED);
    }

    @Test
    void foreignEncryptedPayload_isRejectedEvenInMigrationMode() {
      // the shape of the Temporal samples' codec: binary/encrypted with its own key id entry
      Payload foreign =
          Payload.newBuilder()
              .putMetadata("encoding", ByteString.copyFromUtf8("binary/encrypted"))
              .putMetadata("encryption-key-id", ByteString.copyFromUtf8("test-key-id"))
              .setData(ByteString.copyFromUtf8("opaque"))
              .build();
      TinkPayloadCodec migrating =
          TinkPayloadCodec.newBuilder()
              .setKeysetSource(KeysetSource.fromKeysetHandle(KEYSET))
              .setPlaintextPolicy(PlaintextPolicy.ACCEPT_FOR_MIGRATION)
              .build();
      PayloadDecryptionException e = decodeFails(migrating, foreign);
      assertThat(e.getReason()).isEqualTo(Reason.MALFORMED);
      assertThat(e.getMessage()).contains("nexus-security-format");
    }
  }

  @Nested
  class Compression {
    private final TinkPayloadCodec compressing =
        TinkPayloadCodec.newBuilder()
            .setKeysetSource(KeysetSource.fromKeysetHandle(KEYSET))
            .setCompressionEnabled(true)
            .build();

    @Test
    void compressiblePayload_isCompressedAndSmaller() {
      Payload p = plaintext("compress me ".repeat(200));
      Payload zipped = encodeOne(compressing, p);
      Payload plain = encodeOne(CODEC, p);
      assertThat(meta(zipped, META_COMPRESSION)).isEqualTo("zlib");
      assertThat(meta(plain, META_COMPRESSION)).isEqualTo("none");
      assertThat(zipped.getSerializedSize()).isLessThan(plain.getSerializedSize() / 5);
      assertThat(decodeOne(compressing, zipped)).isEqualTo(p);
      assertThat(decodeOne(CODEC, zipped)).as("any reader inflates").isEqualTo(p);
    }

    @ParameterizedTest
    @ValueSource(ints = {1, 16, 1000, 100_000})
    void incompressiblePayload_isLeftUncompressed(int size) {
      byte[] random = new byte[size];
      new Random(size).nextBytes(random);
      Payload p = plaintext(random);
      Payload encoded = encodeOne(compressing, p);
      assertThat(meta(encoded, META_COMPRESSION)).isEqualTo("none");
      assertThat(encoded.getSerializedSize()).isEqualTo(encodeOne(CODEC, p).getSerializedSize());
      assertThat(decodeOne(compressing, encoded)).isEqualTo(p);
    }

    @Test
    void compressionIsOffByDefault() {
      assertThat(CODEC.isCompressionEnabled()).isFalse();
      assertThat(meta(encodeOne(CODEC, plaintext("a".repeat(1000))), META_COMPRESSION))
          .isEqualTo("none");
    }
  }

  @Nested
  class SizeLimit {
    /** A payload whose encoding is exactly {@code target} bytes, found from a measured encoding. */
    private Payload payloadEncodingTo(TinkPayloadCodec codec, int target) {
      Payload probe = bytesPayload(target / 2);
      int probeSize =
          encodeOne(
                  TinkPayloadCodec.newBuilder()
                      .setKeysetSource(KeysetSource.fromKeysetHandle(KEYSET))
                      .setMaxEncodedPayloadSize(64 * 1024 * 1024)
                      .build(),
                  probe)
              .getSerializedSize();
      return bytesPayload(target / 2 + (target - probeSize));
    }

    private Payload bytesPayload(int n) {
      return Payload.newBuilder()
          .putMetadata("encoding", ByteString.copyFromUtf8("binary/plain"))
          .setData(ByteString.copyFrom(new byte[n]))
          .build();
    }

    @Test
    void defaultLimit_is2MiB_justUnderPasses_justOverFailsNamingBothSizes() {
      assertThat(CODEC.getMaxEncodedPayloadSize()).isEqualTo(2 * 1024 * 1024);
      int limit = 2 * 1024 * 1024;
      Payload atLimit = payloadEncodingTo(CODEC, limit);
      Payload encoded = encodeOne(CODEC, atLimit);
      assertThat(encoded.getSerializedSize()).isEqualTo(limit);
      assertThat(decodeOne(CODEC, encoded)).isEqualTo(atLimit);

      Payload over =
          atLimit.toBuilder()
              .setData(atLimit.getData().concat(ByteString.copyFrom(new byte[1])))
              .build();
      PayloadTooLargeException e =
          catchThrowableOfType(PayloadTooLargeException.class, () -> CODEC.encode(List.of(over)));
      assertThat(e).isNotNull().isInstanceOf(DataConverterException.class);
      assertThat(e.getSize()).isEqualTo(limit + 1L);
      assertThat(e.getLimit()).isEqualTo(limit);
      assertThat(e.getMessage()).contains("2097153 bytes", "2097152 bytes");
    }

    @Test
    void configuredLimit_justUnderPasses_justOverFails() {
      TinkPayloadCodec small =
          TinkPayloadCodec.newBuilder()
              .setKeysetSource(KeysetSource.fromKeysetHandle(KEYSET))
              .setMaxEncodedPayloadSize(4096)
              .build();
      Payload atLimit = payloadEncodingTo(small, 4096);
      assertThat(encodeOne(small, atLimit).getSerializedSize()).isEqualTo(4096);
      Payload over = bytesPayload(atLimit.getData().size() + 1);
      assertThatThrownBy(() -> small.encode(List.of(over)))
          .isInstanceOf(PayloadTooLargeException.class)
          .hasMessageContaining("4097 bytes")
          .hasMessageContaining("limit of 4096 bytes");
    }

    @Test
    void hugePayload_isRefusedNamingItsExactEncodedSize() {
      Payload huge = bytesPayload(3 * 1024 * 1024);
      PayloadTooLargeException e =
          catchThrowableOfType(PayloadTooLargeException.class, () -> CODEC.encode(List.of(huge)));
      TinkPayloadCodec unlimited =
          TinkPayloadCodec.newBuilder()
              .setKeysetSource(KeysetSource.fromKeysetHandle(KEYSET))
              .setMaxEncodedPayloadSize(64 * 1024 * 1024)
              .build();
      assertThat(e.getSize()).isEqualTo(encodeOne(unlimited, huge).getSerializedSize());
    }

    @Test
    void compressedPayloadOverTheLimitUncompressed_fitsWhenCompressed() {
      TinkPayloadCodec compressing =
          TinkPayloadCodec.newBuilder()
              .setKeysetSource(KeysetSource.fromKeysetHandle(KEYSET))
              .setCompressionEnabled(true)
              .build();
      Payload big = bytesPayload(5 * 1024 * 1024);
      Payload encoded = encodeOne(compressing, big);
      assertThat(encoded.getSerializedSize()).isLessThan(2 * 1024 * 1024);
      assertThat(decodeOne(compressing, encoded)).isEqualTo(big);
    }
  }

  @Nested
  class BuilderValidation {
    @Test
    void build_withoutKeysetSource_failsNamingTheField() {
      assertThatThrownBy(() -> TinkPayloadCodec.newBuilder().build())
          .isInstanceOf(IllegalStateException.class)
          .hasMessageContaining("keysetSource");
    }

    @ParameterizedTest
    @ValueSource(strings = {"", " ", "a/b", "-lead", "has space", "ünï"})
    void setKeysetName_withInvalidName_failsNamingFieldAndValue(String name) {
      assertThatThrownBy(() -> TinkPayloadCodec.newBuilder().setKeysetName(name))
          .isInstanceOf(IllegalArgumentException.class)
          .hasMessageContaining("keysetName")
          .hasMessageContaining("'" + name + "'");
    }

    @Test
    void setKeysetName_withNullOrTooLong_fails() {
      assertThatThrownBy(() -> TinkPayloadCodec.newBuilder().setKeysetName(null))
          .isInstanceOf(IllegalArgumentException.class)
          .hasMessageContaining("keysetName");
      assertThatThrownBy(() -> TinkPayloadCodec.newBuilder().setKeysetName("a".repeat(65)))
          .isInstanceOf(IllegalArgumentException.class);
      assertThat(
              TinkPayloadCodec.newBuilder()
                  .setKeysetSource(KeysetSource.fromKeysetHandle(KEYSET))
                  .setKeysetName("a".repeat(64))
                  .build()
                  .getKeysetName())
          .hasSize(64);
    }

    @ParameterizedTest
    @ValueSource(ints = {-1, 0, 1023, 64 * 1024 * 1024 + 1})
    void setMaxEncodedPayloadSize_outOfRange_failsNamingFieldAndValue(int size) {
      assertThatThrownBy(() -> TinkPayloadCodec.newBuilder().setMaxEncodedPayloadSize(size))
          .isInstanceOf(IllegalArgumentException.class)
          .hasMessageContaining("maxEncodedPayloadSize")
          .hasMessageContaining(String.valueOf(size));
    }

    @Test
    void nullArguments_failNamingTheField() {
      assertThatThrownBy(() -> TinkPayloadCodec.newBuilder().setKeysetSource(null))
          .hasMessageContaining("keysetSource");
      assertThatThrownBy(() -> TinkPayloadCodec.newBuilder().setPlaintextPolicy(null))
          .hasMessageContaining("plaintextPolicy");
    }

    @Test
    void keysetWithNonAeadKey_failsToBuild() throws Exception {
      KeysetHandle mac =
          KeysetHandle.generateNew(
              com.google.crypto.tink.mac.PredefinedMacParameters.HMAC_SHA256_256BITTAG,
              com.google.crypto.tink.mac.MacConfig2026.get());
      assertThatThrownBy(() -> TestKeysets.codec(mac))
          .isInstanceOf(KeysetLoadException.class)
          .hasMessageContaining("not an AEAD key");
    }
  }

  static int indexOf(byte[] haystack, byte[] needle) {
    outer:
    for (int i = 0; i <= haystack.length - needle.length; i++) {
      for (int j = 0; j < needle.length; j++) {
        if (haystack[i + j] != needle[j]) {
          continue outer;
        }
      }
      return i;
    }
    return -1;
  }

  @Test
  void getters_andToString_reportTheSettings() {
    TinkPayloadCodec plain = TestKeysets.codec(KEYSET);
    TinkPayloadCodec configured =
        TinkPayloadCodec.newBuilder()
            .setKeysetSource(KeysetSource.fromKeysetHandle(KEYSET))
            .setCompressionEnabled(true)
            .setAcceptFormat1(true)
            .setMaxEncodedPayloadSize(1024)
            .build();

    assertThat(plain.isCompressionEnabled()).as("off by default").isFalse();
    assertThat(configured.isCompressionEnabled()).isTrue();
    assertThat(plain.isAcceptingFormat1()).isFalse();
    assertThat(configured.isAcceptingFormat1()).isTrue();
    assertThat(configured.getMaxEncodedPayloadSize()).isEqualTo(1024);
    assertThat(plain.getKeyPolicy()).isNotNull();
    assertThat(plain.getKeyPolicy().getDefault()).isEqualTo(plain.getKeyPolicy().getUnbound());
    assertThat(plain.toString()).doesNotContain("acceptFormat1").contains("compression=false");
    assertThat(configured.toString())
        .endsWith(", acceptFormat1}")
        .contains("compression=true")
        .contains("maxEncodedPayloadSize=1024");
    assertThatThrownBy(() -> TinkPayloadCodec.newBuilder().setMaxEncodedPayloadSize(1023))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageStartingWith("maxEncodedPayloadSize must be between 1024 and ");
    assertThat(
            TinkPayloadCodec.newBuilder()
                .setKeysetSource(KeysetSource.fromKeysetHandle(KEYSET))
                .setMaxEncodedPayloadSize(64 * 1024 * 1024)
                .build()
                .getMaxEncodedPayloadSize())
        .isEqualTo(64 * 1024 * 1024);
  }
}
