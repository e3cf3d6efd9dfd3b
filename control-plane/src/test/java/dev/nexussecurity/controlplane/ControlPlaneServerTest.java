package dev.nexussecurity.controlplane;

import static dev.nexussecurity.controlplane.TestServers.*;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;

import dev.nexussecurity.codec.tink.TinkPayloadCodec;
import io.temporal.api.common.v1.Payload;
import io.temporal.common.converter.DefaultDataConverter;
import io.temporal.payload.codec.OkHttpRemoteDataEncoderCodec;
import io.temporal.payload.codec.PayloadCodecException;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import okhttp3.OkHttpClient;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;

/** The codec API end to end: Temporal's own client, authorization, audit, metrics. */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class ControlPlaneServerTest {
  Path dir;
  TestIdentityProvider idp;
  ControlPlaneServer server;
  TinkPayloadCodec ordersWorker;
  TinkPayloadCodec billingWorker;

  @BeforeAll
  void startServer(@TempDir Path dir) throws Exception {
    this.dir = dir;
    idp = new TestIdentityProvider();
    Path orders = writeKeyset(dir, "orders");
    Path billing = writeKeyset(dir, "billing");
    ordersWorker = workerCodec(orders, "orders");
    billingWorker = workerCodec(billing, "billing");
    server = start(config(idp, dir, orders, billing), dir);
  }

  @AfterAll
  void stop() {
    server.close();
    idp.close();
  }

  /** Temporal's own remote codec client, sending the UI's headers. */
  private OkHttpRemoteDataEncoderCodec temporalClient(String path, String namespace, String token) {
    OkHttpClient http =
        new OkHttpClient.Builder()
            .callTimeout(30, TimeUnit.SECONDS)
            .addInterceptor(
                chain -> {
                  okhttp3.Request.Builder r = chain.request().newBuilder();
                  if (namespace != null) {
                    r.header("X-Namespace", namespace);
                  }
                  r.header("Authorization", "Bearer " + token);
                  return chain.proceed(r.build());
                })
            .build();
    return new OkHttpRemoteDataEncoderCodec(http, server.getUri() + path);
  }

  @Test
  void temporalClient_decodesWhatWorkersEncrypted_andEncodesForWorkers() {
    String writer = idp.token("wendy", "orders-writers");
    OkHttpRemoteDataEncoderCodec remote = temporalClient("", "orders", writer);
    List<Payload> fromHistory = encrypted(ordersWorker, "order-1", Map.of("amount", 120), 42);

    List<Payload> decoded = remote.decode(fromHistory);

    assertThat(decoded).hasSize(3);
    assertThat(value(decoded.get(0))).isEqualTo("order-1");
    assertThat(value(decoded.get(1))).isEqualTo(Map.of("amount", 120));
    assertThat(value(decoded.get(2))).isEqualTo(42);
    // encode through the server, decode in the worker: the server encrypts with the namespace's key
    List<Payload> plain =
        List.of(DefaultDataConverter.STANDARD_INSTANCE.toPayload("from-ui").get());
    List<Payload> encoded = remote.encode(plain);
    assertThat(encoded.get(0).getMetadataMap().get("encoding").toStringUtf8())
        .isEqualTo("binary/encrypted");
    assertThat(value(ordersWorker.decode(encoded).get(0))).isEqualTo("from-ui");
  }

  @Test
  void namespacePathPrefix_servesItsNamespace_withoutHeader() {
    OkHttpRemoteDataEncoderCodec remote =
        temporalClient("/orders", null, idp.token("rita", "orders-readers"));

    assertThat(value(remote.decode(encrypted(ordersWorker, "via-prefix")).get(0)))
        .isEqualTo("via-prefix");
  }

  @Test
  void namespacePathPrefix_withOtherNamespaceHeader_isRefused() {
    HttpResponse<String> r =
        post(
            server.getUri(),
            "/orders/decode",
            "billing",
            idp.token("rita", "orders-readers", "billing-readers"),
            payloadsJson(encrypted(billingWorker, "x")));

    assertThat(r.statusCode()).isEqualTo(400);
    assertThat(r.body()).contains("namespace_mismatch");
  }

  @Test
  void reader_cannotEncode() {
    String reader = idp.token("rita", "orders-readers");
    List<Payload> plain = List.of(DefaultDataConverter.STANDARD_INSTANCE.toPayload("x").get());

    HttpResponse<String> r =
        post(server.getUri(), "/encode", "orders", reader, payloadsJson(plain));

    assertThat(r.statusCode()).isEqualTo(403);
    assertThat(r.body()).contains("permission_denied").contains("write permission");
    // and the same reader can decode
    assertThat(
            post(
                    server.getUri(),
                    "/decode",
                    "orders",
                    reader,
                    payloadsJson(encrypted(ordersWorker, "y")))
                .statusCode())
        .isEqualTo(200);
  }

  @Test
  void namespaceOutsideTheTokensRoles_isRefused() {
    String ordersOnly = idp.token("rita", "orders-readers");

    HttpResponse<String> r =
        post(
            server.getUri(),
            "/decode",
            "billing",
            ordersOnly,
            payloadsJson(encrypted(billingWorker, "secret")));

    assertThat(r.statusCode()).isEqualTo(403);
    assertThat(r.body()).contains("permission_denied").doesNotContain("secret");
  }

  @Test
  void namespaceWithoutKeys_isRefused_evenForAnAdmin() {
    String token = idp.token("rita", "orders-readers");

    HttpResponse<String> r =
        post(
            server.getUri(),
            "/decode",
            "payments",
            token,
            payloadsJson(encrypted(ordersWorker, "z")));

    assertThat(r.statusCode()).isEqualTo(403);
    assertThat(r.body()).contains("namespace_not_served");
  }

  @Test
  void payloadOfAnotherNamespace_isNotDecodedWithItsKeys() {
    // billing-readers may read billing; the payload was encrypted with orders' key
    String token = idp.token("bill", "billing-readers");

    HttpResponse<String> r =
        post(
            server.getUri(),
            "/decode",
            "billing",
            token,
            payloadsJson(encrypted(ordersWorker, "orders-secret")));

    assertThat(r.statusCode()).isEqualTo(422);
    assertThat(r.body())
        .contains("payload_not_decodable")
        .contains("UNKNOWN_KEY")
        .doesNotContain("orders-secret");
  }

  @Test
  void missingNamespaceHeader_isRefused() {
    HttpResponse<String> r =
        post(
            server.getUri(),
            "/decode",
            null,
            idp.token("rita", "orders-readers"),
            "{\"payloads\":[]}");

    assertThat(r.statusCode()).isEqualTo(400);
    assertThat(r.body()).contains("namespace_missing").contains("X-Namespace");
  }

  @Test
  void temporalClient_withoutPermission_getsAnError() {
    OkHttpRemoteDataEncoderCodec remote =
        temporalClient("", "billing", idp.token("rita", "orders-readers"));

    Throwable t = catchThrowable(() -> remote.decode(encrypted(billingWorker, "x")));

    assertThat(t).isInstanceOf(PayloadCodecException.class).hasMessageContaining("403");
  }

  @Test
  void wrongContentTypeAndMethod_areRefused() {
    HttpResponse<String> get =
        send(HttpRequest.newBuilder(server.getUri().resolve("/decode")).GET().build());
    HttpResponse<String> text =
        send(
            HttpRequest.newBuilder(server.getUri().resolve("/decode"))
                .header("Content-Type", "text/plain")
                .header("X-Namespace", "orders")
                .header("Authorization", "Bearer " + idp.token("rita", "orders-readers"))
                .POST(HttpRequest.BodyPublishers.ofString("{}"))
                .build());

    assertThat(get.statusCode()).isEqualTo(405);
    assertThat(text.statusCode()).isEqualTo(415);
  }

  @Test
  void everyRequest_isAudited_withoutContents() throws Exception {
    String token = idp.token("audra", "orders-readers");
    post(
        server.getUri(),
        "/decode",
        "orders",
        token,
        payloadsJson(encrypted(ordersWorker, "top-secret-value", "second")));
    post(server.getUri(), "/encode", "orders", token, payloadsJson(encrypted(ordersWorker, "x")));

    String audit = Files.readString(dir.resolve("audit.jsonl"), StandardCharsets.UTF_8);
    List<Map<String, Object>> mine =
        auditLines(dir).stream().filter(l -> "audra".equals(l.get("principal"))).toList();

    assertThat(mine).hasSize(2);
    assertThat(mine.get(0))
        .containsEntry("action", "codec.decode")
        .containsEntry("namespace", "orders")
        .containsEntry("payloads", 2)
        .containsEntry("status", 200)
        .containsEntry("outcome", "allowed")
        .containsEntry("authMethod", "oidc");
    assertThat(mine.get(1))
        .containsEntry("action", "codec.encode")
        .containsEntry("status", 403)
        .containsEntry("reason", "permission_denied");
    assertThat(audit).doesNotContain("top-secret-value").doesNotContain(token);
  }

  @Test
  void healthAndMetrics_areServed() {
    String token = idp.token("mia", "orders-readers");
    post(server.getUri(), "/decode", "orders", token, payloadsJson(encrypted(ordersWorker, "m")));

    HttpResponse<String> health =
        send(HttpRequest.newBuilder(server.getUri().resolve("/healthz")).build());
    HttpResponse<String> metrics =
        send(
            HttpRequest.newBuilder(server.getManagementUri().orElseThrow().resolve("/metrics"))
                .build());
    HttpResponse<String> metricsOnMain =
        send(HttpRequest.newBuilder(server.getUri().resolve("/metrics")).build());

    assertThat(health.statusCode()).isEqualTo(200);
    assertThat(metrics.statusCode()).isEqualTo(200);
    assertThat(metrics.body())
        .contains(
            "controlplane_requests_total{action=\"codec.decode\",namespace=\"orders\",reason=\"ok\",status=\"200\"}")
        .contains("controlplane_payloads_total")
        .contains("jvm_memory_used_bytes")
        .doesNotContain("mia");
    assertThat(metricsOnMain.statusCode()).isEqualTo(404);
  }
}
