package dev.nexussecurity.benchmarks;

import com.google.crypto.tink.InsecureSecretKeyAccess;
import com.google.crypto.tink.KeysetHandle;
import com.google.crypto.tink.TinkJsonProtoKeysetFormat;
import com.google.crypto.tink.aead.AeadConfig2026;
import com.google.crypto.tink.aead.PredefinedAeadParameters;
import com.google.protobuf.ByteString;
import com.google.protobuf.util.JsonFormat;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.JWSHeader;
import com.nimbusds.jose.crypto.RSASSASigner;
import com.nimbusds.jose.jwk.JWKSet;
import com.nimbusds.jose.jwk.RSAKey;
import com.nimbusds.jose.jwk.gen.RSAKeyGenerator;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.SignedJWT;
import com.sun.net.httpserver.HttpServer;
import dev.nexussecurity.codec.tink.TinkPayloadCodec;
import dev.nexussecurity.controlplane.ControlPlaneServer;
import dev.nexussecurity.core.keys.KeysetSource;
import io.temporal.api.common.v1.Payload;
import io.temporal.api.common.v1.Payloads;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Date;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;

/**
 * Decode throughput of the control plane's codec server against calling the codec in-process, for
 * batches of 100 payloads of 1 KiB each. One operation decodes one batch: in-process, {@code
 * TinkPayloadCodec.decode}; through the server, an HTTP/1.1 POST to {@code /decode} on loopback
 * (keep-alive) with an RS256 OIDC bearer token verified against a local JWKS, authorization,
 * protocol JSON both ways, an audit line, and the client parsing the answer — what the Temporal UI
 * pays per batch, minus the browser.
 *
 * <pre>{@code
 * java -jar benchmarks/target/benchmarks.jar CodecServerBenchmark -f 1 -wi 3 -i 5 -w 2s -r 2s
 * }</pre>
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
public class CodecServerBenchmark {
  static final int BATCH = 100;
  static final int PAYLOAD_BYTES = 1024;

  private Path dir;
  private HttpServer jwks;
  private ControlPlaneServer server;
  private TinkPayloadCodec codec;
  private List<Payload> encrypted;
  private HttpClient http;
  private HttpRequest request;

  @Setup(Level.Trial)
  public void setUp() throws Exception {
    dir = Files.createTempDirectory("codec-server-benchmark");
    KeysetHandle keyset =
        KeysetHandle.generateNew(PredefinedAeadParameters.AES256_GCM, AeadConfig2026.get());
    Path keysetFile = dir.resolve("orders.json");
    Files.writeString(
        keysetFile,
        TinkJsonProtoKeysetFormat.serializeKeyset(
            keyset, AeadConfig2026.get(), InsecureSecretKeyAccess.get()));
    codec =
        TinkPayloadCodec.newBuilder()
            .setKeysetSource(KeysetSource.fromKeysetHandle(keyset))
            .setKeysetName("orders")
            .build();
    SecureRandom random = new SecureRandom();
    List<Payload> plain = new ArrayList<>();
    for (int i = 0; i < BATCH; i++) {
      byte[] data = new byte[PAYLOAD_BYTES];
      random.nextBytes(data);
      plain.add(
          Payload.newBuilder()
              .putMetadata("encoding", ByteString.copyFromUtf8("binary/plain"))
              .setData(ByteString.copyFrom(data))
              .build());
    }
    encrypted = codec.encode(plain);

    RSAKey key = new RSAKeyGenerator(2048).keyID("bench").generate();
    byte[] jwkSet = new JWKSet(key.toPublicJWK()).toString().getBytes(StandardCharsets.UTF_8);
    jwks = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
    jwks.createContext(
        "/jwks",
        exchange -> {
          exchange.sendResponseHeaders(200, jwkSet.length);
          try (OutputStream out = exchange.getResponseBody()) {
            out.write(jwkSet);
          }
        });
    jwks.start();
    SignedJWT token =
        new SignedJWT(
            new JWSHeader.Builder(JWSAlgorithm.RS256).keyID("bench").build(),
            new JWTClaimsSet.Builder()
                .issuer("https://idp.bench")
                .audience("codec")
                .subject("bench")
                .claim("groups", List.of("readers"))
                .expirationTime(Date.from(Instant.now().plus(Duration.ofHours(2))))
                .build());
    token.sign(new RSASSASigner(key));

    String config =
        """
        {"listen": {"port": 0},
         "authentication": {"oidc": {"issuer": "https://idp.bench", "audiences": ["codec"],
                                      "jwksUri": "http://127.0.0.1:%d/jwks"}},
         "authorization": {"grants": [{"value": "readers", "namespaces": {"orders": "read"}}]},
         "limits": {"requestsPerSecondPerPrincipal": 100000, "burstPerPrincipal": 100000},
         "audit": {"file": "audit.jsonl"},
         "codec": {"namespaces": [{"namespace": "orders",
                                   "keysets": [{"name": "orders", "file": "orders.json"}]}]}}
        """
            .formatted(jwks.getAddress().getPort());
    server = ControlPlaneServer.newBuilderFromJson(config, dir).build().start();
    http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
    String body =
        JsonFormat.printer().print(Payloads.newBuilder().addAllPayloads(encrypted).build());
    request =
        HttpRequest.newBuilder(URI.create(server.getUri() + "/decode"))
            .header("Content-Type", "application/json")
            .header("X-Namespace", "orders")
            .header("Authorization", "Bearer " + token.serialize())
            .POST(HttpRequest.BodyPublishers.ofString(body))
            .build();
    if (serverDecode().size() != BATCH) {
      throw new IllegalStateException("the server did not decode the batch");
    }
  }

  @TearDown(Level.Trial)
  public void tearDown() throws Exception {
    server.close();
    jwks.stop(0);
    try (var files = Files.walk(dir)) {
      files.sorted(java.util.Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
    }
  }

  /** The codec called in-process: the baseline. */
  @Benchmark
  public List<Payload> inProcessDecode() {
    return codec.decode(encrypted);
  }

  /** The same batch decoded by the server over HTTP, answer parsed. */
  @Benchmark
  public List<Payload> serverDecode() throws Exception {
    HttpResponse<String> r = http.send(request, HttpResponse.BodyHandlers.ofString());
    if (r.statusCode() != 200) {
      throw new IllegalStateException("status " + r.statusCode() + ": " + r.body());
    }
    Payloads.Builder b = Payloads.newBuilder();
    JsonFormat.parser().merge(r.body(), b);
    return b.getPayloadsList();
  }
}
