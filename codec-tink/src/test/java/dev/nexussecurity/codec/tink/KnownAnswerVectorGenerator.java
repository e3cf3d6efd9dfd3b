package dev.nexussecurity.codec.tink;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.google.crypto.tink.InsecureSecretKeyAccess;
import com.google.crypto.tink.KeyStatus;
import com.google.crypto.tink.KeysetHandle;
import com.google.crypto.tink.TinkJsonProtoKeysetFormat;
import com.google.crypto.tink.aead.AeadConfig2026;
import com.google.crypto.tink.aead.AesGcmParameters;
import com.google.crypto.tink.aead.PredefinedAeadParameters;
import com.google.protobuf.ByteString;
import dev.nexussecurity.core.keys.KeysetSource;
import io.temporal.api.common.v1.Payload;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * Generated the committed format-1 known-answer vectors once (the codec now writes format 2, so
 * this class documents how they were made and cannot remake them; see {@link
 * KnownAnswerVectorGeneratorV2}): a TEST-ONLY keyset and payloads encrypted with it by this version
 * of the codec. Never run by the build; {@link KnownAnswerVectorsTest} only decrypts the committed
 * files. Run: {@code java -cp <test classpath>
 * dev.nexussecurity.codec.tink.KnownAnswerVectorGenerator codec-tink/src/test/resources/kat}.
 */
public final class KnownAnswerVectorGenerator {
  static final String KEYSET_FILE = "TEST-ONLY-DO-NOT-USE-keyset.json";
  static final String VECTORS_FILE = "payload-vectors-v1.json";
  static final String KEYSET_NAME = "kat";

  private final ObjectMapper json = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);
  private final KeysetHandle keyset;
  private final ArrayNode vectors = json.createArrayNode();

  private KnownAnswerVectorGenerator(KeysetHandle keyset) {
    this.keyset = keyset;
  }

  public static void main(String[] args) throws Exception {
    Path out = Path.of(args[0]);
    if (Files.exists(out.resolve(VECTORS_FILE))) {
      throw new IllegalStateException(
          "vectors already exist; known-answer vectors are never regenerated");
    }
    AesGcmParameters raw =
        AesGcmParameters.builder()
            .setKeySizeBytes(32)
            .setIvSizeBytes(12)
            .setTagSizeBytes(16)
            .setVariant(AesGcmParameters.Variant.NO_PREFIX)
            .build();
    KeysetHandle keyset =
        KeysetHandle.newBuilder()
            .setConfiguration(AeadConfig2026.get())
            .addEntry(gen(PredefinedAeadParameters.AES256_GCM).makePrimary())
            .addEntry(gen(PredefinedAeadParameters.AES128_GCM))
            .addEntry(gen(PredefinedAeadParameters.CHACHA20_POLY1305))
            .addEntry(KeysetHandle.generateEntryFromParameters(raw).withRandomId())
            .addEntry(gen(PredefinedAeadParameters.AES256_GCM).setStatus(KeyStatus.DISABLED))
            .build();
    Files.writeString(
        out.resolve(KEYSET_FILE),
        TinkJsonProtoKeysetFormat.serializeKeyset(
                keyset, AeadConfig2026.get(), InsecureSecretKeyAccess.get())
            + "\n");
    new KnownAnswerVectorGenerator(keyset).generate(out.resolve(VECTORS_FILE));
  }

  private static KeysetHandle.Builder.Entry gen(com.google.crypto.tink.Parameters p) {
    return KeysetHandle.generateEntryFromParameters(p).withRandomId();
  }

  private void generate(Path file) throws Exception {
    Payload hello = payload("json/plain", "\"hello, world\"");
    Payload compressible =
        payload("json/plain", "{\"items\":[" + "{\"sku\":\"A-1\",\"qty\":1},".repeat(40) + "{}]}");
    Payload nullPayload = Payload.newBuilder().putMetadata("encoding", utf8("binary/null")).build();
    Payload extraMetadata =
        Payload.newBuilder()
            .putMetadata("encoding", utf8("json/protobuf"))
            .putMetadata("messageType", utf8("orders.v1.Order"))
            .setData(utf8("{\"id\":\"o-1\"}"))
            .build();
    byte[] all = new byte[256];
    for (int i = 0; i < all.length; i++) {
      all[i] = (byte) i;
    }
    Payload binary =
        Payload.newBuilder()
            .putMetadata("encoding", utf8("binary/plain"))
            .setData(ByteString.copyFrom(all))
            .build();
    Payload unicode = payload("json/plain", "\"ünïcødé ✓ 日本語 🚀\"");

    Payload helloEnc = encrypt(0, false, hello);
    ok("aes256gcm-json-string", "Primary AES256_GCM key, no compression.", helloEnc, hello);
    ok(
        "aes256gcm-zlib",
        "Primary key, compressed with zlib before encryption.",
        encrypt(0, true, compressible),
        compressible);
    ok(
        "aes256gcm-binary-null",
        "A null value: binary/null with empty data.",
        encrypt(0, false, nullPayload),
        nullPayload);
    ok(
        "aes256gcm-extra-metadata",
        "The original payload's own metadata is restored.",
        encrypt(0, false, extraMetadata),
        extraMetadata);
    Payload binaryEnc = encrypt(1, false, binary);
    ok(
        "aes128gcm-binary",
        "Non-primary AES128_GCM key (written while it was primary).",
        binaryEnc,
        binary);
    ok(
        "chacha20poly1305-unicode",
        "Non-primary CHACHA20_POLY1305 key.",
        encrypt(2, false, unicode),
        unicode);
    ok(
        "aes256gcm-raw-no-prefix",
        "AES256_GCM key with output prefix RAW: the data has no 5-byte Tink prefix.",
        encrypt(3, false, hello),
        hello);

    error(
        "disabled-key",
        "Written under key 4, which is DISABLED in the keyset.",
        encrypt(4, false, hello),
        "DISABLED_KEY");
    byte[] flipped = helloEnc.getData().toByteArray();
    flipped[flipped.length - 1] ^= 0x01;
    error(
        "tampered-data",
        "aes256gcm-json-string with the last data byte flipped.",
        helloEnc.toBuilder().setData(ByteString.copyFrom(flipped)).build(),
        "AUTHENTICATION_FAILED");
    error(
        "truncated-data",
        "aes256gcm-json-string without its last data byte.",
        helloEnc.toBuilder()
            .setData(helloEnc.getData().substring(0, helloEnc.getData().size() - 1))
            .build(),
        "AUTHENTICATION_FAILED");
    error(
        "tampered-compression-entry",
        "aes256gcm-json-string relabeled as zlib-compressed (associated data mismatch).",
        helloEnc.toBuilder().putMetadata("nexus-security-compression", utf8("zlib")).build(),
        "AUTHENTICATION_FAILED");
    error(
        "relabeled-key-id",
        "aes128gcm-binary relabeled with the RAW key's id (associated data and key mismatch).",
        binaryEnc.toBuilder()
            .putMetadata(
                "nexus-security-key-id", utf8(Integer.toUnsignedString(keyset.getAt(3).getId())))
            .build(),
        "AUTHENTICATION_FAILED");
    error(
        "unknown-key-id",
        "Key id 1 is not in the keyset.",
        helloEnc.toBuilder().putMetadata("nexus-security-key-id", utf8("1")).build(),
        "UNKNOWN_KEY");
    error(
        "other-keyset-name",
        "Keyset name 'other' instead of 'kat'.",
        helloEnc.toBuilder().putMetadata("nexus-security-keyset", utf8("other")).build(),
        "UNKNOWN_KEY");
    error(
        "format-version-2",
        "Format version 2 is not defined.",
        helloEnc.toBuilder().putMetadata("nexus-security-format", utf8("2")).build(),
        "UNSUPPORTED_FORMAT_VERSION");
    error(
        "missing-scheme",
        "The scheme entry was removed.",
        helloEnc.toBuilder().removeMetadata("nexus-security-scheme").build(),
        "MALFORMED");
    error(
        "plaintext",
        "An unencrypted payload; rejected unless plaintext is accepted for migration.",
        hello,
        "PLAINTEXT_REJECTED");

    ObjectNode root = json.createObjectNode();
    root.put(
        "description",
        "Known-answer vectors of the nexus-security encrypted payload format, version 1. Written once by"
            + " KnownAnswerVectorGenerator; every later version must decode them as stated. Payloads are in"
            + " protobuf JSON form (metadata values and data base64).");
    root.put("keyset_file", KEYSET_FILE);
    root.put("keyset_name", KEYSET_NAME);
    root.set("vectors", vectors);
    Files.writeString(file, json.writeValueAsString(root) + "\n");
  }

  private Payload encrypt(int keyIndex, boolean compression, Payload plaintext) throws Exception {
    KeysetHandle.Builder b = KeysetHandle.newBuilder(keyset);
    b.getAt(keyIndex).setStatus(KeyStatus.ENABLED).makePrimary();
    TinkPayloadCodec codec =
        TinkPayloadCodec.newBuilder()
            .setKeysetSource(KeysetSource.fromKeysetHandle(b.build()))
            .setKeysetName(KEYSET_NAME)
            .setCompressionEnabled(compression)
            .build();
    Payload encoded = codec.encode(List.of(plaintext)).get(0);
    String expectedCompression = compression ? "zlib" : "none";
    if (!encoded
        .getMetadataOrThrow("nexus-security-compression")
        .toStringUtf8()
        .equals(expectedCompression)) {
      throw new IllegalStateException("compression did not apply as intended");
    }
    return encoded;
  }

  private void ok(String name, String comment, Payload encoded, Payload expected) {
    ObjectNode v = vectors.addObject();
    v.put("name", name);
    v.put("comment", comment);
    v.set("encoded", toJson(encoded));
    v.set("decoded", toJson(expected));
  }

  private void error(String name, String comment, Payload encoded, String reason) {
    ObjectNode v = vectors.addObject();
    v.put("name", name);
    v.put("comment", comment);
    v.set("encoded", toJson(encoded));
    v.put("error", reason);
  }

  private ObjectNode toJson(Payload p) {
    ObjectNode node = json.createObjectNode();
    ObjectNode meta = node.putObject("metadata");
    Map<String, ByteString> sorted = new TreeMap<>(p.getMetadataMap());
    sorted.forEach((k, v) -> meta.put(k, Base64.getEncoder().encodeToString(v.toByteArray())));
    node.put("data", Base64.getEncoder().encodeToString(p.getData().toByteArray()));
    return node;
  }

  private static Payload payload(String encoding, String data) {
    return Payload.newBuilder().putMetadata("encoding", utf8(encoding)).setData(utf8(data)).build();
  }

  private static ByteString utf8(String s) {
    return ByteString.copyFrom(s, StandardCharsets.UTF_8);
  }
}
