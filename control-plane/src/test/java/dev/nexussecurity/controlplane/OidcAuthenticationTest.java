package dev.nexussecurity.controlplane;

import static dev.nexussecurity.controlplane.TestServers.*;
import static org.assertj.core.api.Assertions.assertThat;

import com.nimbusds.jose.jwk.RSAKey;
import dev.nexussecurity.codec.tink.TinkPayloadCodec;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.Date;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Bearer-token authentication against a local identity provider's JWKS: each forged, expired or
 * misdirected token is refused with 401 and a reason, and never decodes anything.
 */
class OidcAuthenticationTest {
  @TempDir Path dir;
  TestIdentityProvider idp;
  ControlPlaneServer server;
  TinkPayloadCodec worker;
  String body;

  @BeforeEach
  void startServer() throws Exception {
    idp = new TestIdentityProvider();
    Path orders = writeKeyset(dir, "orders");
    worker = workerCodec(orders, "orders");
    server = start(config(idp, dir, orders, writeKeyset(dir, "billing")), dir);
    body = payloadsJson(encrypted(worker, "confidential-order"));
  }

  @AfterEach
  void stop() {
    server.close();
    idp.close();
  }

  private HttpResponse<String> decodeWith(String token) {
    return post(server.getUri(), "/decode", "orders", token, body);
  }

  private static void assertRefused(HttpResponse<String> r, String reason) {
    assertThat(r.statusCode()).isEqualTo(401);
    assertThat(r.headers().firstValue("WWW-Authenticate"))
        .hasValueSatisfying(v -> assertThat(v).startsWith("Bearer"));
    assertThat(r.body())
        .contains("\"error\":\"" + reason + "\"")
        .doesNotContain("confidential-order");
  }

  @Test
  void validToken_decodes() {
    HttpResponse<String> r = decodeWith(idp.token("rita", "orders-readers"));

    assertThat(r.statusCode()).isEqualTo(200);
    assertThat(value(parsePayloads(r.body()).get(0))).isEqualTo("confidential-order");
  }

  @Test
  void noToken_isRefused() {
    assertRefused(post(server.getUri(), "/decode", "orders", null, body), "credentials_missing");
  }

  @Test
  void notABearerHeader_isRefused() {
    HttpResponse<String> r =
        send(
            HttpRequest.newBuilder(server.getUri().resolve("/decode"))
                .header("Content-Type", "application/json")
                .header("X-Namespace", "orders")
                .header("Authorization", "Basic cml0YTpwYXNzd29yZA==")
                .POST(HttpRequest.BodyPublishers.ofString(body))
                .build());

    assertRefused(r, "unsupported_authorization");
  }

  @Test
  void garbageToken_isRefused() {
    assertRefused(decodeWith("not-a-jwt"), "token_malformed");
  }

  @Test
  void expiredToken_isRefused() {
    Instant past = Instant.now().minus(Duration.ofMinutes(10));
    String token =
        idp.sign(
            idp.claims("rita", "orders-readers")
                .issueTime(Date.from(past.minus(Duration.ofMinutes(5))))
                .expirationTime(Date.from(past))
                .build());

    assertRefused(decodeWith(token), "token_expired");
  }

  @Test
  void expiredWithinClockSkew_isAccepted_butNotBeyond() {
    // the default clock skew is 60 s
    String justExpired =
        idp.sign(
            idp.claims("rita", "orders-readers")
                .expirationTime(Date.from(Instant.now().minusSeconds(20)))
                .build());
    String longExpired =
        idp.sign(
            idp.claims("rita", "orders-readers")
                .expirationTime(Date.from(Instant.now().minusSeconds(600)))
                .build());

    assertThat(decodeWith(justExpired).statusCode()).isEqualTo(200);
    assertRefused(decodeWith(longExpired), "token_expired");
  }

  @Test
  void tokenWithoutExpiry_isRefused() {
    String token = idp.sign(idp.claims("rita", "orders-readers").expirationTime(null).build());

    assertRefused(decodeWith(token), "token_claims_invalid");
  }

  @Test
  void notYetValidToken_isRefused() {
    String token =
        idp.sign(
            idp.claims("rita", "orders-readers")
                .notBeforeTime(Date.from(Instant.now().plus(Duration.ofMinutes(10))))
                .build());

    assertRefused(decodeWith(token), "token_not_yet_valid");
  }

  @Test
  void wrongIssuer_isRefused() {
    String token =
        idp.sign(idp.claims("rita", "orders-readers").issuer("https://evil.example").build());

    HttpResponse<String> r = decodeWith(token);

    assertRefused(r, "wrong_issuer");
    assertThat(r.body()).contains("https://evil.example");
  }

  @Test
  void wrongAudience_isRefused() {
    String token = idp.sign(idp.claims("rita", "orders-readers").audience("another-app").build());

    assertRefused(decodeWith(token), "wrong_audience");
  }

  @Test
  void unknownKeyId_isRefused_afterOneRefetch_andRefetchesAreRateLimited() {
    assertThat(decodeWith(idp.token("rita", "orders-readers")).statusCode()).isEqualTo(200);
    assertThat(idp.fetches()).isEqualTo(1);
    RSAKey unpublished = TestIdentityProvider.newKey("key-never-published");
    String forged =
        TestIdentityProvider.sign(unpublished, idp.claims("rita", "orders-readers").build());

    for (int i = 0; i < 5; i++) {
      assertRefused(decodeWith(forged), "unknown_key");
    }
    // one fetch for the first unknown key id; after that, at most two per 30 s interval
    assertThat(idp.fetches()).isBetween(2, 3);
  }

  @Test
  void keyRotatedAtTheProvider_isFetchedAndAccepted() {
    assertThat(decodeWith(idp.token("rita", "orders-readers")).statusCode()).isEqualTo(200);
    idp.rotateTo(TestIdentityProvider.newKey("key-2"));

    HttpResponse<String> r = decodeWith(idp.token("rita", "orders-readers"));

    assertThat(r.statusCode()).isEqualTo(200);
    assertThat(idp.fetches()).isEqualTo(2);
  }

  @Test
  void keyOfAnotherSigner_withThePublishedKeyId_isRefused() {
    RSAKey impostor = TestIdentityProvider.newKey("key-1"); // same kid, other key
    String forged =
        TestIdentityProvider.sign(impostor, idp.claims("mallory", "orders-readers").build());

    assertRefused(decodeWith(forged), "bad_signature");
  }

  @Test
  void unsignedToken_algNone_isRefused() {
    assertRefused(decodeWith(idp.unsignedToken("mallory", "orders-readers")), "token_unsigned");
  }

  @Test
  void hs256WithThePublicKeyAsSecret_isRefused() {
    assertRefused(
        decodeWith(idp.hs256WithPublicKeyAsSecret("mallory", "orders-readers")),
        "algorithm_not_allowed");
  }

  @Test
  void tamperedClaims_areRefused() {
    String[] parts = idp.token("rita", "orders-readers").split("\\.");
    String otherClaims =
        com.nimbusds.jose.util.Base64URL.encode(
                idp.claims("rita", "orders-readers", "orders-writers").build().toString())
            .toString();

    assertRefused(decodeWith(parts[0] + "." + otherClaims + "." + parts[2]), "bad_signature");
  }

  @Test
  void validTokenWithoutGrants_isForbidden() {
    HttpResponse<String> r = decodeWith(idp.token("nobody"));

    assertThat(r.statusCode()).isEqualTo(403);
    assertThat(r.body()).contains("permission_denied");
  }

  @Test
  void refusals_areAudited_withReasonAndWithoutToken() {
    String forged = idp.unsignedToken("mallory", "orders-readers");
    decodeWith(forged);

    var lines = auditLines(dir);

    assertThat(lines)
        .anySatisfy(
            l ->
                assertThat(l)
                    .containsEntry("reason", "token_unsigned")
                    .containsEntry("status", 401)
                    .doesNotContainKey("principal"));
    assertThat(lines.toString()).doesNotContain(forged.substring(0, 20));
    assertThat(List.of(lines.get(lines.size() - 1).get("action"))).containsExactly("codec.decode");
  }
}
