package dev.nexussecurity.controlplane;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.google.crypto.tink.InsecureSecretKeyAccess;
import com.google.crypto.tink.KeysetHandle;
import com.google.crypto.tink.TinkJsonProtoKeysetFormat;
import com.google.crypto.tink.aead.AeadConfig2026;
import com.google.crypto.tink.aead.PredefinedAeadParameters;
import com.google.protobuf.util.JsonFormat;
import dev.nexussecurity.codec.tink.TinkPayloadCodec;
import dev.nexussecurity.core.keys.KeysetSource;
import io.temporal.api.common.v1.Payload;
import io.temporal.api.common.v1.Payloads;
import io.temporal.common.converter.DefaultDataConverter;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** Keysets, configurations and HTTP calls for the server's tests. */
public final class TestServers {
  private static final ObjectMapper JSON = new ObjectMapper();
  public static final HttpClient HTTP =
      HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

  private TestServers() {}

  /** Writes a new cleartext AES256-GCM keyset to {@code dir/<name>.json}. */
  public static Path writeKeyset(Path dir, String name) {
    try {
      KeysetHandle handle =
          KeysetHandle.generateNew(PredefinedAeadParameters.AES256_GCM, AeadConfig2026.get());
      Path file = dir.resolve(name + ".json");
      Files.writeString(
          file,
          TinkJsonProtoKeysetFormat.serializeKeyset(
              handle, AeadConfig2026.get(), InsecureSecretKeyAccess.get()));
      return file;
    } catch (GeneralSecurityException | IOException e) {
      throw new IllegalStateException(e);
    }
  }

  /** The codec a worker with that keyset file uses. */
  public static TinkPayloadCodec workerCodec(Path keysetFile, String keysetName) {
    return TinkPayloadCodec.newBuilder()
        .setKeysetSource(KeysetSource.insecureCleartextJson(keysetFile))
        .setKeysetName(keysetName)
        .build();
  }

  /**
   * A configuration on loopback (ports chosen by the system) trusting {@code idp}, serving
   * namespaces {@code orders} (keyset {@code ordersKeyset}, also under path prefix /orders) and
   * {@code billing} (keyset {@code billingKeyset}), auditing to {@code dir/audit.jsonl}. Grants:
   * group orders-readers reads orders, orders-writers writes orders, billing-readers reads billing.
   */
  public static Map<String, Object> config(
      TestIdentityProvider idp, Path dir, Path ordersKeyset, Path billingKeyset) {
    Map<String, Object> c = new LinkedHashMap<>();
    c.put("listen", Map.of("host", "127.0.0.1", "port", 0));
    c.put("management", Map.of("host", "127.0.0.1", "port", 0));
    c.put("authentication", new LinkedHashMap<>(Map.of("oidc", idp.oidcSettings())));
    c.put(
        "authorization",
        Map.of(
            "claim",
            "groups",
            "grants",
            List.of(
                Map.of("value", "orders-readers", "namespaces", Map.of("orders", "read")),
                Map.of("value", "orders-writers", "namespaces", Map.of("orders", "write")),
                Map.of("value", "billing-readers", "namespaces", Map.of("billing", "read")))));
    c.put("audit", Map.of("file", dir.resolve("audit.jsonl").toString()));
    List<Object> namespaces = new ArrayList<>();
    namespaces.add(
        Map.of(
            "namespace",
            "orders",
            "pathPrefix",
            "/orders",
            "keysets",
            List.of(Map.of("name", "orders", "file", ordersKeyset.toString()))));
    namespaces.add(
        Map.of(
            "namespace",
            "billing",
            "keysets",
            List.of(Map.of("name", "billing", "file", billingKeyset.toString()))));
    c.put("codec", Map.of("namespaces", namespaces));
    return c;
  }

  public static String json(Object value) {
    try {
      return JSON.writeValueAsString(value);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** Builds and starts a server from {@code config}. */
  public static ControlPlaneServer start(Map<String, Object> config, Path dir) {
    return ControlPlaneServer.newBuilderFromJson(json(config), dir).build().start();
  }

  /** {@code values} as payloads, each encoded by the default data converter then {@code codec}. */
  public static List<Payload> encrypted(TinkPayloadCodec codec, Object... values) {
    List<Payload> plain = new ArrayList<>();
    for (Object v : values) {
      plain.add(DefaultDataConverter.STANDARD_INSTANCE.toPayload(v).orElseThrow());
    }
    return codec.encode(plain);
  }

  /** The proto3 JSON of {@code payloads}, as the UI sends it. */
  public static String payloadsJson(List<Payload> payloads) {
    try {
      return JsonFormat.printer().print(Payloads.newBuilder().addAllPayloads(payloads).build());
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** Parses a response body. */
  public static List<Payload> parsePayloads(String json) {
    try {
      Payloads.Builder b = Payloads.newBuilder();
      JsonFormat.parser().merge(json, b);
      return b.getPayloadsList();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  public static Object value(Payload payload) {
    return DefaultDataConverter.STANDARD_INSTANCE.fromPayload(payload, Object.class, Object.class);
  }

  /** POSTs {@code body} to {@code path} with the UI's headers (when non-null). */
  public static HttpResponse<String> post(
      URI base, String path, String namespace, String token, String body) {
    HttpRequest.Builder r =
        HttpRequest.newBuilder(base.resolve(path))
            .timeout(Duration.ofSeconds(30))
            .header("Content-Type", "application/json")
            .POST(HttpRequest.BodyPublishers.ofString(body));
    if (namespace != null) {
      r.header("X-Namespace", namespace);
    }
    if (token != null) {
      r.header("Authorization", "Bearer " + token);
    }
    return send(r.build());
  }

  public static HttpResponse<String> send(HttpRequest request) {
    try {
      return HTTP.send(request, HttpResponse.BodyHandlers.ofString());
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
  }

  /** The audit file's lines, parsed. */
  @SuppressWarnings("unchecked")
  public static List<Map<String, Object>> auditLines(Path dir) {
    try {
      List<Map<String, Object>> out = new ArrayList<>();
      for (String line : Files.readAllLines(dir.resolve("audit.jsonl"))) {
        out.add(JSON.readValue(line, Map.class));
      }
      return out;
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
