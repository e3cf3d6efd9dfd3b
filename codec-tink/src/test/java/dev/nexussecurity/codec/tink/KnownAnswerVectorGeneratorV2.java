package dev.nexussecurity.codec.tink;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.google.crypto.tink.InsecureSecretKeyAccess;
import com.google.crypto.tink.TinkJsonProtoKeysetFormat;
import com.google.crypto.tink.hybrid.HybridConfig2026;
import com.google.protobuf.ByteString;
import dev.nexussecurity.api.PayloadBinding;
import dev.nexussecurity.api.PayloadBindings;
import dev.nexussecurity.api.PayloadProtection;
import dev.nexussecurity.core.keys.NamespaceKeys;
import io.temporal.api.common.v1.Payload;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Base64;
import java.util.List;

/**
 * Generates the committed format-2 known-answer vectors once: TEST-ONLY key-agreement keysets of
 * two namespaces and payloads written by this version in every mode, with the binding to decode
 * them under and the expected result or error. Never run by the build; {@link
 * KnownAnswerVectorsV2Test} only decodes the committed file. Run: {@code java -cp <test classpath>
 * dev.nexussecurity.codec.tink.KnownAnswerVectorGeneratorV2 codec-tink/src/test/resources/kat}.
 */
public final class KnownAnswerVectorGeneratorV2 {
  static final PayloadBinding CHARGE =
      PayloadBinding.newBuilder()
          .setDirection(PayloadBinding.Direction.INPUT)
          .setBindingId("kat-token-1")
          .setCallerNamespace("orders")
          .setHandlerNamespace("payments")
          .setEndpoint("payments")
          .setService("PaymentsService")
          .setOperation("charge")
          .build();

  private final ObjectMapper json = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);
  private final ArrayNode vectors = json.createArrayNode();
  private final Path dir;

  private KnownAnswerVectorGeneratorV2(Path dir) {
    this.dir = dir;
  }

  public static void main(String[] args) throws Exception {
    Path out = Path.of(args[0]);
    if (Files.exists(out.resolve(KatV2.VECTORS_FILE))) {
      throw new IllegalStateException(
          "vectors already exist; known-answer vectors are never regenerated");
    }
    for (String ns : KatV2.NAMESPACES) {
      Files.writeString(
          out.resolve(KatV2.namespaceFile(ns)),
          TinkJsonProtoKeysetFormat.serializeKeyset(
                  NamespaceKeys.generate(ns, false).getAgreementKeys(),
                  HybridConfig2026.get(),
                  InsecureSecretKeyAccess.get())
              + "\n");
    }
    new KnownAnswerVectorGeneratorV2(out).generate();
  }

  private List<Payload> enc(
      String namespace, boolean zlib, PayloadProtection mode, PayloadBinding b, Payload... p)
      throws Exception {
    TinkPayloadCodec c = KatV2.codec(dir, namespace, zlib, mode);
    PayloadBindings.clear();
    if (b != null) {
      PayloadBindings.set(b);
    }
    try {
      return c.encode(List.of(p));
    } finally {
      PayloadBindings.clear();
    }
  }

  private void generate() throws Exception {
    Payload hello = payload("json/plain", "\"hello, world\"");
    Payload amount = payload("json/plain", "1999");
    Payload compressible =
        payload("json/plain", "{\"items\":[" + "{\"sku\":\"A-1\",\"qty\":1},".repeat(40) + "{}]}");
    PayloadBinding result = CHARGE.withDirection(PayloadBinding.Direction.RESULT);
    PayloadProtection shared = PayloadProtection.shared(KatV2.SHARED_NAME);

    List<Payload> sharedUnbound = enc("payments", false, shared, null, hello);
    ok(
        "shared-unbound",
        "tink-aead, outside any Nexus call (direction NONE), written by namespace payments.",
        "payments",
        null,
        sharedUnbound,
        List.of(hello));
    List<Payload> sharedInput = enc("orders", false, shared, CHARGE, hello);
    ok(
        "shared-input",
        "tink-aead, the INPUT of a call orders -> payments, decoded by the handler under its"
            + " binding.",
        "payments",
        CHARGE,
        sharedInput,
        List.of(hello));
    List<Payload> twoArgs = enc("orders", false, shared, CHARGE, hello, amount);
    ok(
        "shared-input-two-arguments",
        "tink-aead, two INPUT payloads at positions 0/2 and 1/2.",
        "payments",
        CHARGE,
        twoArgs,
        List.of(hello, amount));
    ok(
        "shared-result-zlib",
        "tink-aead with zlib, the RESULT of the call, decoded by the caller (no binding).",
        "orders",
        null,
        enc("payments", true, shared, result, compressible),
        List.of(compressible));
    List<Payload> pairwiseInput = enc("orders", false, PayloadProtection.pairwise(), CHARGE, hello);
    ok(
        "pairwise-input",
        "pairwise-aes256gcm, INPUT orders -> payments under the pair's payload key.",
        "payments",
        CHARGE,
        pairwiseInput,
        List.of(hello));
    ok(
        "pairwise-input-read-by-caller",
        "The same payload read back by the sender namespace (its own history).",
        "orders",
        null,
        pairwiseInput,
        List.of(hello));
    ok(
        "pairwise-result",
        "pairwise-aes256gcm, RESULT payments -> orders.",
        "orders",
        null,
        enc("payments", false, PayloadProtection.pairwise(), result, amount),
        List.of(amount));
    ok(
        "authenticated-input",
        "pairwise-gmac: not encrypted; data = GMAC (IV and tag, 28 bytes) then the payload.",
        "payments",
        CHARGE,
        enc("orders", false, PayloadProtection.authenticated(), CHARGE, hello),
        List.of(hello));
    ok(
        "hpke-input",
        "hpke-x25519-aes256gcm to the handler namespace's key-agreement key.",
        "payments",
        CHARGE,
        enc("orders", false, PayloadProtection.hpke(), CHARGE, hello),
        List.of(hello));

    error(
        "swapped-arguments",
        "shared-input-two-arguments with the two payloads swapped.",
        "payments",
        CHARGE,
        List.of(twoArgs.get(1), twoArgs.get(0)),
        "CONTEXT_MISMATCH");
    error(
        "replayed-under-another-binding",
        "shared-input decoded under another binding id (another call's token).",
        "payments",
        CHARGE.toBuilder().setBindingId("kat-token-2").build(),
        sharedInput,
        "CONTEXT_MISMATCH");
    error(
        "moved-to-another-operation",
        "pairwise-input decoded as the input of operation refund.",
        "payments",
        CHARGE.toBuilder().setOperation("refund").build(),
        pairwiseInput,
        "CONTEXT_MISMATCH");
    error(
        "context-free-as-input",
        "shared-unbound fed as the input of the call.",
        "payments",
        CHARGE,
        sharedUnbound,
        "CONTEXT_MISMATCH");
    error(
        "relabeled-direction",
        "shared-input relabeled as a RESULT (associated data mismatch).",
        "orders",
        null,
        List.of(WireFields.with(sharedInput.get(0), "nexus-security-direction", "RESULT")),
        "AUTHENTICATION_FAILED");
    error(
        "key-id-entry-differs",
        "shared-input whose nexus-security-key-id entry differs from the key id in its context"
            + " entry.",
        "payments",
        CHARGE,
        List.of(
            sharedInput.get(0).toBuilder()
                .putMetadata("nexus-security-key-id", utf8("12345"))
                .build()),
        "MALFORMED");
    byte[] flipped = sharedInput.get(0).getData().toByteArray();
    flipped[flipped.length - 1] ^= 1;
    error(
        "tampered-data",
        "shared-input with its last data byte flipped.",
        "payments",
        CHARGE,
        List.of(sharedInput.get(0).toBuilder().setData(ByteString.copyFrom(flipped)).build()),
        "AUTHENTICATION_FAILED");
    error(
        "format-version-3",
        "Format version 3 is not defined.",
        "payments",
        null,
        List.of(
            sharedUnbound.get(0).toBuilder()
                .putMetadata("nexus-security-format", utf8("3"))
                .build()),
        "UNSUPPORTED_FORMAT_VERSION");

    ObjectNode root = json.createObjectNode();
    root.put(
        "description",
        "Known-answer vectors of the nexus-security payload format, version 2. Written once by"
            + " KnownAnswerVectorGeneratorV2 with TEST-ONLY keys; every later version must decode"
            + " them as stated. 'decoder' is the namespace whose codec decodes (shared keyset"
            + " 'kat' plus the namespace's keys), 'binding' the binding in force while decoding"
            + " (absent: none). Payloads in protobuf JSON form (metadata values and data base64).");
    root.put("shared_keyset_file", KatV2.SHARED_FILE);
    root.put("shared_keyset_name", KatV2.SHARED_NAME);
    ObjectNode ns = root.putObject("namespace_keyset_files");
    for (String n : KatV2.NAMESPACES) {
      ns.put(n, KatV2.namespaceFile(n));
    }
    root.set("vectors", vectors);
    Files.writeString(dir.resolve(KatV2.VECTORS_FILE), json.writeValueAsString(root) + "\n");
  }

  private ObjectNode vector(
      String name, String comment, String decoder, PayloadBinding binding, List<Payload> encoded) {
    ObjectNode v = vectors.addObject();
    v.put("name", name);
    v.put("comment", comment);
    v.put("decoder", decoder);
    if (binding != null) {
      v.set("binding", json.valueToTree(KatV2.bindingJson(binding)));
    }
    v.set("encoded", array(encoded));
    return v;
  }

  private void ok(
      String name,
      String comment,
      String decoder,
      PayloadBinding binding,
      List<Payload> encoded,
      List<Payload> decoded) {
    vector(name, comment, decoder, binding, encoded).set("decoded", array(decoded));
  }

  private void error(
      String name,
      String comment,
      String decoder,
      PayloadBinding binding,
      List<Payload> encoded,
      String reason) {
    vector(name, comment, decoder, binding, encoded).put("error", reason);
  }

  private ArrayNode array(List<Payload> payloads) {
    ArrayNode a = json.createArrayNode();
    for (Payload p : payloads) {
      ObjectNode o = a.addObject();
      ObjectNode m = o.putObject("metadata");
      new java.util.TreeMap<>(p.getMetadataMap())
          .forEach((k, v) -> m.put(k, Base64.getEncoder().encodeToString(v.toByteArray())));
      o.put("data", Base64.getEncoder().encodeToString(p.getData().toByteArray()));
    }
    return a;
  }

  private static Payload payload(String encoding, String data) {
    return Payload.newBuilder().putMetadata("encoding", utf8(encoding)).setData(utf8(data)).build();
  }

  private static ByteString utf8(String s) {
    return ByteString.copyFromUtf8(s);
  }
}
