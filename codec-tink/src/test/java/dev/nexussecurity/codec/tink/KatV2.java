package dev.nexussecurity.codec.tink;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.google.crypto.tink.InsecureSecretKeyAccess;
import com.google.crypto.tink.KeysetHandle;
import com.google.crypto.tink.TinkJsonProtoKeysetFormat;
import com.google.crypto.tink.hybrid.HybridConfig2026;
import com.google.protobuf.ByteString;
import dev.nexussecurity.api.PayloadBinding;
import dev.nexussecurity.api.PayloadProtection;
import dev.nexussecurity.core.keys.KeyDirectory;
import dev.nexussecurity.core.keys.KeysetSource;
import dev.nexussecurity.core.keys.NamespaceKeyDirectory;
import dev.nexussecurity.core.keys.NamespaceKeys;
import io.temporal.api.common.v1.Payload;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Map;

/**
 * The TEST-ONLY keys and the codecs of the format-2 known-answer vectors: the v1 shared keyset
 * ({@code kat}) and two namespaces' key-agreement keysets ({@code orders}, {@code payments}).
 */
final class KatV2 {
  static final String VECTORS_FILE = "payload-vectors-v2.json";
  static final String SHARED_FILE = "TEST-ONLY-DO-NOT-USE-keyset.json";
  static final String SHARED_NAME = "kat";
  static final List<String> NAMESPACES = List.of("orders", "payments");
  static final ObjectMapper JSON = new ObjectMapper();

  private KatV2() {}

  static String namespaceFile(String namespace) {
    return "TEST-ONLY-DO-NOT-USE-" + namespace + "-agreement-keyset.json";
  }

  static Path dir() throws Exception {
    return Path.of(KatV2.class.getResource("/kat/" + SHARED_FILE).toURI()).getParent();
  }

  static NamespaceKeys namespaceKeys(Path dir, String namespace) throws Exception {
    KeysetHandle h =
        TinkJsonProtoKeysetFormat.parseKeyset(
            Files.readString(dir.resolve(namespaceFile(namespace))),
            HybridConfig2026.get(),
            InsecureSecretKeyAccess.get());
    return NamespaceKeys.newBuilder(namespace).setAgreementKeys(h).build();
  }

  static KeyDirectory directory(Path dir) throws Exception {
    NamespaceKeyDirectory.Builder b = NamespaceKeyDirectory.newBuilder();
    for (String ns : NAMESPACES) {
      b.put(namespaceKeys(dir, ns).toPublicKeys());
    }
    return b.build();
  }

  /** The codec of {@code namespace}'s workers: the shared keyset plus the namespace's keys. */
  static TinkPayloadCodec codec(Path dir, String namespace) throws Exception {
    return codec(dir, namespace, false, PayloadProtection.shared(SHARED_NAME));
  }

  static TinkPayloadCodec codec(
      Path dir, String namespace, boolean compression, PayloadProtection mode) throws Exception {
    return TinkPayloadCodec.newBuilder()
        .setKeysetSource(KeysetSource.insecureCleartextJson(dir.resolve(SHARED_FILE)))
        .setKeysetName(SHARED_NAME)
        .setNamespaceKeys(namespaceKeys(dir, namespace))
        .setKeyDirectory(directory(dir))
        .setCompressionEnabled(compression)
        .setKeyPolicy(PayloadKeyPolicy.of(mode))
        .build();
  }

  static PayloadBinding binding(JsonNode b) {
    return PayloadBinding.newBuilder()
        .setDirection(PayloadBinding.Direction.valueOf(b.get("direction").asText()))
        .setBindingId(b.get("binding_id").asText())
        .setCallerNamespace(b.get("caller").asText())
        .setHandlerNamespace(b.get("handler").asText())
        .setEndpoint(b.get("endpoint").asText())
        .setService(b.get("service").asText())
        .setOperation(b.get("operation").asText())
        .build();
  }

  static Map<String, Object> bindingJson(PayloadBinding b) {
    return Map.of(
        "direction", b.getDirection().name(),
        "binding_id", b.getBindingId(),
        "caller", b.getCallerNamespace(),
        "handler", b.getHandlerNamespace(),
        "endpoint", b.getEndpoint(),
        "service", b.getService(),
        "operation", b.getOperation());
  }

  static List<Payload> payloads(JsonNode array) {
    List<Payload> out = new ArrayList<>();
    for (JsonNode node : array) {
      Payload.Builder b = Payload.newBuilder();
      node.get("metadata")
          .fields()
          .forEachRemaining(
              e ->
                  b.putMetadata(
                      e.getKey(),
                      ByteString.copyFrom(Base64.getDecoder().decode(e.getValue().asText()))));
      if (node.has("data")) {
        b.setData(ByteString.copyFrom(Base64.getDecoder().decode(node.get("data").asText())));
      }
      out.add(b.build());
    }
    return out;
  }
}
