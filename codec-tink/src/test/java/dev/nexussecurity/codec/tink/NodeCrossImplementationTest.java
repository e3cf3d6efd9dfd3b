package dev.nexussecurity.codec.tink;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.google.crypto.tink.InsecureSecretKeyAccess;
import com.google.crypto.tink.KeysetHandle;
import com.google.crypto.tink.aead.AesGcmKey;
import com.google.crypto.tink.aead.AesGcmParameters;
import com.google.crypto.tink.hybrid.HpkePrivateKey;
import com.google.protobuf.ByteString;
import dev.nexussecurity.api.PayloadBinding;
import dev.nexussecurity.api.PayloadBindings;
import dev.nexussecurity.api.PayloadProtection;
import dev.nexussecurity.core.keys.KeysetSource;
import dev.nexussecurity.core.keys.NamespaceKeyDirectory;
import dev.nexussecurity.core.keys.NamespaceKeys;
import io.temporal.api.common.v1.Payload;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A second implementation of format 2, in Node.js with node:crypto only ({@code
 * src/test/resources/node/format-v2-decrypt.mjs}), written from the README alone, decrypts what
 * this codec writes: the shared-keyset and pairwise known-answer vectors and a fresh pairwise
 * payload (X25519, HKDF-SHA256, AES-256-GCM with the documented associated data). Skipped, saying
 * so, when {@code node} is not installed.
 */
class NodeCrossImplementationTest {
  private static final Path NODE = Path.of("/usr/bin/node");

  @TempDir Path tmp;

  @AfterEach
  void clear() {
    PayloadBindings.clear();
  }

  static void assumeNode() {
    assumeTrue(
        Files.isExecutable(NODE),
        "Node.js is not installed at /usr/bin/node: the cross-implementation check of format 2 is"
            + " skipped");
  }

  @Test
  void knownAnswerVectors_sharedAndPairwise_decryptInNode() throws Exception {
    assumeNode();
    Path dir = KatV2.dir();
    JsonNode root = KnownAnswerVectorsV2Test.root();
    ArrayNode selected = KatV2.JSON.createArrayNode();
    for (JsonNode v : root.get("vectors")) {
      if (!v.has("decoded")) {
        continue;
      }
      String scheme =
          WireFields.get(KatV2.payloads(v.get("encoded")).get(0), "nexus-security-scheme");
      if (scheme.equals("tink-aead") || scheme.equals("pairwise-aes256gcm")) {
        selected.add(v);
      }
    }
    assertThat(selected).hasSizeGreaterThanOrEqualTo(6);
    KeysetHandle shared =
        KeysetSource.insecureCleartextJson(dir.resolve(KatV2.SHARED_FILE))
            .load(dev.nexussecurity.core.keys.KeysetKind.PAYLOAD_AEAD);
    Map<String, NamespaceKeys> namespaces = new TreeMap<>();
    for (String ns : KatV2.NAMESPACES) {
      namespaces.put(ns, KatV2.namespaceKeys(dir, ns));
    }

    JsonNode out = runNode(selected, shared, namespaces);

    for (JsonNode v : selected) {
      List<Payload> expected = KatV2.payloads(v.get("decoded"));
      JsonNode results = out.get(v.get("name").asText());
      assertThat(results).as(v.get("name").asText()).hasSize(expected.size());
      for (int i = 0; i < expected.size(); i++) {
        assertThat(results.get(i).has("plaintext"))
            .as(v.get("name").asText() + ": " + results.get(i))
            .isTrue();
        assertThat(
                Payload.parseFrom(
                    Base64.getDecoder().decode(results.get(i).get("plaintext").asText())))
            .isEqualTo(expected.get(i));
      }
    }
  }

  @Test
  void freshPairwisePayload_decryptsInNode_andATamperedOneDoesNot() throws Exception {
    assumeNode();
    NamespaceKeys orders = NamespaceKeys.generate("orders", false);
    NamespaceKeys payments = NamespaceKeys.generate("payments", false);
    NamespaceKeyDirectory directory =
        NamespaceKeyDirectory.newBuilder()
            .put(orders.toPublicKeys())
            .put(payments.toPublicKeys())
            .build();
    TinkPayloadCodec caller =
        TinkPayloadCodec.newBuilder()
            .setNamespaceKeys(orders)
            .setKeyDirectory(directory)
            .setKeyPolicy(PayloadKeyPolicy.of(PayloadProtection.pairwise()))
            .build();
    PayloadBinding binding =
        PayloadBinding.newBuilder()
            .setDirection(PayloadBinding.Direction.INPUT)
            .setBindingId("fresh-token")
            .setCallerNamespace("orders")
            .setHandlerNamespace("payments")
            .setEndpoint("payments")
            .setService("PaymentsService")
            .setOperation("charge")
            .build();
    List<Payload> original =
        List.of(
            Payload.newBuilder()
                .putMetadata("encoding", ByteString.copyFromUtf8("json/plain"))
                .setData(ByteString.copyFromUtf8("{\"order\":\"ünï-42\"}"))
                .build(),
            Payload.newBuilder()
                .putMetadata("encoding", ByteString.copyFromUtf8("binary/null"))
                .build());
    PayloadBindings.set(binding);
    List<Payload> encoded = caller.encode(original);
    PayloadBindings.clear();
    Payload tampered = WireFields.with(encoded.get(0), "nexus-security-operation", "refund");

    ArrayNode vectors = KatV2.JSON.createArrayNode();
    vectors.add(vectorJson("fresh", "payments", encoded));
    vectors.add(vectorJson("fresh-by-sender", "orders", encoded));
    vectors.add(vectorJson("tampered", "payments", List.of(tampered)));
    JsonNode out = runNode(vectors, null, Map.of("orders", orders, "payments", payments));

    for (String name : List.of("fresh", "fresh-by-sender")) {
      for (int i = 0; i < original.size(); i++) {
        JsonNode r = out.get(name).get(i);
        assertThat(r.has("plaintext")).as(name + ": " + r).isTrue();
        assertThat(Payload.parseFrom(Base64.getDecoder().decode(r.get("plaintext").asText())))
            .isEqualTo(original.get(i));
      }
    }
    assertThat(out.get("tampered").get(0).get("error").asText()).contains("authenticate");
  }

  private ObjectNode vectorJson(String name, String decoder, List<Payload> payloads) {
    ObjectNode v = KatV2.JSON.createObjectNode();
    v.put("name", name);
    v.put("decoder", decoder);
    ArrayNode enc = v.putArray("encoded");
    for (Payload p : payloads) {
      ObjectNode o = enc.addObject();
      ObjectNode m = o.putObject("metadata");
      p.getMetadataMap()
          .forEach((k, val) -> m.put(k, Base64.getEncoder().encodeToString(val.toByteArray())));
      o.put("data", Base64.getEncoder().encodeToString(p.getData().toByteArray()));
    }
    return v;
  }

  private JsonNode runNode(ArrayNode vectors, KeysetHandle shared, Map<String, NamespaceKeys> ns)
      throws Exception {
    ObjectNode input = KatV2.JSON.createObjectNode();
    input.set("vectors", vectors);
    ObjectNode sharedKeys = input.putObject("shared_keys");
    if (shared != null) {
      for (int i = 0; i < shared.size(); i++) {
        if (shared.getAt(i).getKey() instanceof AesGcmKey k) {
          ObjectNode e = sharedKeys.putObject(Integer.toUnsignedString(shared.getAt(i).getId()));
          e.put(
              "key",
              Base64.getEncoder()
                  .encodeToString(k.getKeyBytes().toByteArray(InsecureSecretKeyAccess.get())));
          e.put(
              "tink_prefix", k.getParameters().getVariant() != AesGcmParameters.Variant.NO_PREFIX);
        }
      }
    }
    ObjectNode namespaces = input.putObject("namespaces");
    ns.forEach(
        (name, keys) -> {
          HpkePrivateKey k = (HpkePrivateKey) keys.getAgreementKeys().getPrimary().getKey();
          ObjectNode e = namespaces.putObject(name);
          e.put("key_id", Integer.toUnsignedLong(keys.getAgreementKeys().getPrimary().getId()));
          e.put(
              "public",
              Base64.getEncoder()
                  .encodeToString(k.getPublicKey().getPublicKeyBytes().toByteArray()));
          e.put(
              "private",
              Base64.getEncoder()
                  .encodeToString(
                      k.getPrivateKeyBytes().toByteArray(InsecureSecretKeyAccess.get())));
        });
    Path inputFile = tmp.resolve("input.json");
    Files.writeString(inputFile, KatV2.JSON.writeValueAsString(input));
    Path script = tmp.resolve("format-v2-decrypt.mjs");
    try (InputStream in = getClass().getResourceAsStream("/node/format-v2-decrypt.mjs")) {
      Files.write(script, in.readAllBytes());
    }
    Process p =
        new ProcessBuilder(NODE.toString(), script.toString(), inputFile.toString())
            .redirectError(ProcessBuilder.Redirect.INHERIT)
            .start();
    byte[] stdout = p.getInputStream().readAllBytes();
    assertThat(p.waitFor(60, TimeUnit.SECONDS)).as("node finished").isTrue();
    assertThat(p.exitValue()).as("node exit code").isZero();
    return KatV2.JSON.readTree(new String(stdout, StandardCharsets.UTF_8));
  }
}
