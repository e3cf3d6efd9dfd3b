package dev.nexussecurity.controlplane;

import static dev.nexussecurity.controlplane.TestServers.*;
import static org.assertj.core.api.Assertions.assertThat;

import com.google.protobuf.ByteString;
import dev.nexussecurity.codec.tink.TinkPayloadCodec;
import io.temporal.api.common.v1.Payload;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.net.Socket;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;

/**
 * Limits and malformed input: each answered with its status and reason, nothing decoded, and the
 * server still answers a valid request afterwards. Oversized bodies are refused without being read
 * into memory.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class LimitsAndBadInputTest {
  static final int MAX_REQUEST_BYTES = 1024 * 1024;

  Path dir;
  TestIdentityProvider idp;
  ControlPlaneServer server;
  TinkPayloadCodec worker;
  String token;

  @BeforeAll
  void startServer(@TempDir Path dir) throws Exception {
    this.dir = dir;
    idp = new TestIdentityProvider();
    Path orders = writeKeyset(dir, "orders");
    worker = workerCodec(orders, "orders");
    Map<String, Object> config =
        new LinkedHashMap<>(config(idp, dir, orders, writeKeyset(dir, "billing")));
    config.put(
        "limits",
        Map.of(
            "maxRequestBytes",
            MAX_REQUEST_BYTES,
            "maxPayloadsPerRequest",
            500,
            "maxPayloadBytes",
            64 * 1024,
            "requestsPerSecondPerPrincipal",
            0.001,
            "burstPerPrincipal",
            3));
    server = start(config, dir);
  }

  @AfterAll
  void stop() {
    server.close();
    idp.close();
  }

  /** A token of a fresh principal, so that rate limits of other tests never interfere. */
  private String freshToken() {
    return idp.token("user-" + System.nanoTime(), "orders-readers");
  }

  private HttpResponse<String> decode(String body) {
    return post(server.getUri(), "/decode", "orders", freshToken(), body);
  }

  private void assertServerStillDecodes() {
    HttpResponse<String> r = decode(payloadsJson(encrypted(worker, "still-up")));
    assertThat(r.statusCode()).isEqualTo(200);
    assertThat(value(parsePayloads(r.body()).get(0))).isEqualTo("still-up");
  }

  @Test
  void malformedJson_is400() {
    HttpResponse<String> r = decode("{\"payloads\": [ {\"data\": ");

    assertThat(r.statusCode()).isEqualTo(400);
    assertThat(r.body()).contains("malformed_request");
    assertServerStillDecodes();
  }

  @Test
  void unknownField_is400() {
    assertThat(decode("{\"payloads\":[],\"extra\":1}").statusCode()).isEqualTo(400);
  }

  @Test
  void wrongBase64_is400_withoutEchoingIt() {
    HttpResponse<String> r = decode("{\"payloads\":[{\"data\":\"%%%not*base64%%%\"}]}");

    assertThat(r.statusCode()).isEqualTo(400);
    assertThat(r.body()).contains("malformed_request").doesNotContain("not*base64");
    assertServerStillDecodes();
  }

  @Test
  void undecodablePayload_is422_andNamesTheReason() {
    Payload tampered =
        encrypted(worker, "x").get(0).toBuilder()
            .setData(ByteString.copyFromUtf8("garbage"))
            .build();

    HttpResponse<String> r = decode(payloadsJson(List.of(tampered)));

    assertThat(r.statusCode()).isEqualTo(422);
    assertThat(r.body()).contains("AUTHENTICATION_FAILED");
  }

  @Test
  void tenThousandPayloads_is413() {
    StringBuilder b = new StringBuilder("{\"payloads\":[");
    for (int i = 0; i < 10_000; i++) {
      b.append(i == 0 ? "{}" : ",{}");
    }
    HttpResponse<String> r = decode(b.append("]}").toString());

    assertThat(r.statusCode()).isEqualTo(413);
    assertThat(r.body()).contains("too_many_payloads").contains("10000").contains("500");
    assertServerStillDecodes();
  }

  @Test
  void payloadOverThePerPayloadLimit_is413() {
    Payload big = Payload.newBuilder().setData(ByteString.copyFrom(new byte[100 * 1024])).build();

    HttpResponse<String> r = decode(payloadsJson(List.of(big)));

    assertThat(r.statusCode()).isEqualTo(413);
    assertThat(r.body()).contains("payload_too_large").contains("Payload 0");
  }

  @Test
  void hundredMegabyteBody_withContentLength_is413_beforeTheBodyIsRead() throws Exception {
    Outcome o = sendHuge(true);

    assertThat(o.statusLine).startsWith("HTTP/1.1 413");
    // the answer came before the body: at most what the socket buffers hold was written
    assertThat(o.bytesWrittenBeforeAnswer).isLessThan(32L * 1024 * 1024);
    assertServerStillDecodes();
  }

  @Test
  void hundredMegabyteBody_chunked_is413_afterTheLimit() throws Exception {
    Outcome o = sendHuge(false);

    assertThat(o.statusLine).startsWith("HTTP/1.1 413");
    assertThat(o.bytesWrittenBeforeAnswer).isLessThan(32L * 1024 * 1024);
    assertServerStillDecodes();
  }

  @Test
  void repeatedOversizedRequests_neverBufferTheBody_andTheServerStaysUp() throws Exception {
    for (int i = 0; i < 4; i++) {
      Outcome o = sendHuge(i % 2 == 0);
      assertThat(o.statusLine).startsWith("HTTP/1.1 413");
      assertThat(o.bytesWrittenBeforeAnswer).isLessThan(32L * 1024 * 1024);
    }
    assertServerStillDecodes();
  }

  @Test
  void requestRate_isLimitedPerPrincipal_with429() {
    String token = idp.token("busy-bee", "orders-readers");
    String body = payloadsJson(encrypted(worker, "r"));
    List<Integer> statuses = new ArrayList<>();
    for (int i = 0; i < 5; i++) {
      statuses.add(post(server.getUri(), "/decode", "orders", token, body).statusCode());
    }
    HttpResponse<String> limited = post(server.getUri(), "/decode", "orders", token, body);

    // a burst of 3, then 0.001 per second
    assertThat(statuses).containsExactly(200, 200, 200, 429, 429);
    assertThat(limited.headers().firstValue("Retry-After")).isPresent();
    assertThat(limited.body()).contains("rate_limited");
    // another principal is not affected
    assertServerStillDecodes();
  }

  record Outcome(String statusLine, long bytesWrittenBeforeAnswer) {}

  /** Sends a 100 MB body by hand and reads the status line as soon as the server answers. */
  private Outcome sendHuge(boolean contentLength) throws Exception {
    long total = 100L * 1024 * 1024;
    AtomicLong written = new AtomicLong();
    try (Socket socket = new Socket(server.getUri().getHost(), server.getUri().getPort())) {
      socket.setSoTimeout(30_000);
      OutputStream out = socket.getOutputStream();
      String head =
          "POST /decode HTTP/1.1\r\nHost: localhost\r\nContent-Type: application/json\r\n"
              + "X-Namespace: orders\r\nAuthorization: Bearer "
              + freshToken()
              + "\r\n"
              + (contentLength ? "Content-Length: " + total : "Transfer-Encoding: chunked")
              + "\r\n\r\n";
      out.write(head.getBytes(StandardCharsets.US_ASCII));
      Thread writer =
          new Thread(
              () -> {
                byte[] chunk = new byte[64 * 1024];
                java.util.Arrays.fill(chunk, (byte) ' ');
                try {
                  while (written.get() < total) {
                    if (!contentLength) {
                      out.write(
                          (Integer.toHexString(chunk.length) + "\r\n")
                              .getBytes(StandardCharsets.US_ASCII));
                    }
                    out.write(chunk);
                    if (!contentLength) {
                      out.write("\r\n".getBytes(StandardCharsets.US_ASCII));
                    }
                    written.addAndGet(chunk.length);
                  }
                } catch (Exception e) {
                  // the server closed the connection: expected
                }
              });
      writer.setDaemon(true);
      writer.start();
      BufferedReader in =
          new BufferedReader(
              new InputStreamReader(socket.getInputStream(), StandardCharsets.US_ASCII));
      String status = in.readLine();
      long atAnswer = written.get();
      socket.close();
      writer.join(10_000);
      return new Outcome(String.valueOf(status), atAnswer);
    }
  }
}
