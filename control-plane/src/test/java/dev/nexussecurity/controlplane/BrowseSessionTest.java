package dev.nexussecurity.controlplane;

import static dev.nexussecurity.controlplane.RegistryTestServers.*;
import static org.assertj.core.api.Assertions.assertThat;

import dev.nexussecurity.core.RegistryFiles;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;

/**
 * The browse page's sessions over plain HTTP: nothing without signing in, sign-in only with a valid
 * token from the page's own origin, an HttpOnly SameSite=Strict cookie, and changes with the cookie
 * only with the session's CSRF token and from the page's origin.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class BrowseSessionTest {
  Path dir;
  TestIdentityProvider idp;
  ControlPlaneServer server;
  URI base;

  @BeforeAll
  void start(@TempDir Path dir) {
    this.dir = dir;
    try {
      idp = new TestIdentityProvider();
    } catch (java.io.IOException e) {
      throw new java.io.UncheckedIOException(e);
    }
    server = TestServers.start(fileRegistryConfig(idp, dir), dir);
    base = server.getUri();
  }

  @AfterAll
  void stop() {
    server.close();
    idp.close();
  }

  private HttpResponse<String> send(HttpRequest.Builder r) {
    return TestServers.send(r.timeout(Duration.ofSeconds(30)).build());
  }

  private HttpResponse<String> login(String token, String origin) {
    HttpRequest.Builder r =
        HttpRequest.newBuilder(base.resolve("/ui/login"))
            .header("Content-Type", "application/x-www-form-urlencoded")
            .POST(
                HttpRequest.BodyPublishers.ofString(
                    "token=" + URLEncoder.encode(token, StandardCharsets.UTF_8)));
    if (origin != null) {
      r.header("Origin", origin);
    }
    return send(r);
  }

  private static String cookie(HttpResponse<String> signedIn) {
    String setCookie = signedIn.headers().firstValue("Set-Cookie").orElseThrow();
    return setCookie.substring(0, setCookie.indexOf(';'));
  }

  private String csrf(String cookie) {
    String session =
        send(HttpRequest.newBuilder(base.resolve("/ui/api/session")).header("Cookie", cookie))
            .body();
    return session.replaceAll(".*\"csrfToken\":\"([^\"]+)\".*", "$1");
  }

  private HttpResponse<String> createWithCookie(
      String cookie, String csrf, String origin, String name) {
    HttpRequest.Builder r =
        HttpRequest.newBuilder(base.resolve("/api/v1/nexus/endpoints"))
            .header("Content-Type", "application/json")
            .header("Cookie", cookie)
            .POST(
                HttpRequest.BodyPublishers.ofString(
                    TestServers.json(Map.of("spec", spec(name, "payments-ns", "tq")))));
    if (csrf != null) {
      r.header("X-CSRF-Token", csrf);
    }
    if (origin != null) {
      r.header("Origin", origin);
    }
    return send(r);
  }

  @Test
  void withoutASession_nothingOfTheRegistryIsServed() {
    HttpResponse<String> page = send(HttpRequest.newBuilder(base.resolve("/ui/")));
    HttpResponse<String> session = send(HttpRequest.newBuilder(base.resolve("/ui/api/session")));
    HttpResponse<String> list =
        send(HttpRequest.newBuilder(base.resolve("/api/v1/nexus/endpoints")));
    HttpResponse<String> loginForm = send(HttpRequest.newBuilder(base.resolve("/ui/login")));

    assertThat(page.statusCode()).isEqualTo(303);
    assertThat(page.headers().firstValue("Location")).hasValue("/ui/login");
    assertThat(session.statusCode()).isEqualTo(401);
    assertThat(list.statusCode()).isEqualTo(401);
    assertThat(loginForm.statusCode()).isEqualTo(200);
    assertThat(loginForm.body()).contains("Sign in").doesNotContain("{{");
    assertThat(loginForm.headers().firstValue("Content-Security-Policy").orElseThrow())
        .contains("script-src 'self'")
        .contains("frame-ancestors 'none'");
  }

  @Test
  void signIn_withAValidToken_opensAnHttpOnlyStrictSession_tokenIsNotInTheCookie() {
    String token = idp.token("nadia", "role-developer", "payments-ns-admin");

    HttpResponse<String> r = login(token, base.toString());

    assertThat(r.statusCode()).isEqualTo(303);
    assertThat(r.headers().firstValue("Location")).hasValue("/ui/");
    String setCookie = r.headers().firstValue("Set-Cookie").orElseThrow();
    assertThat(setCookie)
        .startsWith("nexus-security-session=")
        .contains("HttpOnly")
        .contains("SameSite=Strict")
        .contains("Path=/")
        .doesNotContain(token.substring(0, 20));
    String session =
        send(HttpRequest.newBuilder(base.resolve("/ui/api/session")).header("Cookie", cookie(r)))
            .body();
    assertThat(session)
        .contains("\"principal\":\"nadia\"")
        .contains("\"accountRole\":\"developer\"")
        .contains("\"payments-ns\":\"admin\"")
        .contains("\"csrfToken\":");
  }

  @Test
  void signIn_withAForgedOrExpiredToken_orFromAnotherOrigin_isRefused() {
    HttpResponse<String> forged =
        login(idp.hs256WithPublicKeyAsSecret("mallory", "role-account_owner"), base.toString());
    HttpResponse<String> expired =
        login(
            idp.sign(
                idp.claims("nadia", "role-developer")
                    .expirationTime(new java.util.Date(System.currentTimeMillis() - 600_000))
                    .build()),
            base.toString());
    HttpResponse<String> elsewhere =
        login(idp.token("nadia", "role-developer"), "https://evil.example");

    assertThat(forged.statusCode()).isEqualTo(401);
    assertThat(forged.body()).contains("signed with HS256").doesNotContain("{{error}}");
    assertThat(forged.headers().firstValue("Set-Cookie")).isEmpty();
    assertThat(expired.statusCode()).isEqualTo(401);
    assertThat(expired.body()).contains("expired");
    assertThat(elsewhere.statusCode()).isEqualTo(403);
    assertThat(elsewhere.headers().firstValue("Set-Cookie")).isEmpty();
    assertThat(TestServers.auditLines(dir))
        .anySatisfy(
            l ->
                assertThat(l)
                    .containsEntry("operation", "UserLogin")
                    .containsEntry("status", "UNAUTHENTICATED"));
  }

  @Test
  void changesWithTheSessionCookie_needTheCsrfToken_andThePagesOrigin() {
    String cookie =
        cookie(login(idp.token("nadia", "role-developer", "payments-ns-admin"), base.toString()));
    String csrf = csrf(cookie);

    HttpResponse<String> noToken = createWithCookie(cookie, null, null, "no-token");
    HttpResponse<String> wrongToken =
        createWithCookie(cookie, "x" + csrf, base.toString(), "wrong-token");
    HttpResponse<String> otherOrigin =
        createWithCookie(cookie, csrf, "https://evil.example", "other-origin");
    HttpResponse<String> ok = createWithCookie(cookie, csrf, base.toString(), "from-page");

    assertThat(noToken.statusCode()).isEqualTo(403);
    assertThat(noToken.body()).contains("csrf_token_invalid");
    assertThat(wrongToken.statusCode()).isEqualTo(403);
    assertThat(otherOrigin.statusCode()).isEqualTo(403);
    assertThat(ok.statusCode()).as(ok.body()).isEqualTo(201);
    assertThat(RegistryFiles.load(dir.resolve("registry.json")))
        .extracting(e -> e.getName())
        .contains("from-page")
        .doesNotContain("no-token", "wrong-token", "other-origin");
    assertThat(auditLine(dir, noToken.headers().firstValue("X-Request-Id").orElseThrow()))
        .containsEntry("reason", "csrf_token_invalid")
        .containsEntry("status", "PERMISSION_DENIED");
    // reads with the cookie need no CSRF token
    assertThat(
            send(HttpRequest.newBuilder(base.resolve("/api/v1/nexus/endpoints"))
                    .header("Cookie", cookie))
                .statusCode())
        .isEqualTo(200);
  }

  @Test
  void signOut_endsTheSession() {
    String cookie = cookie(login(idp.token("nadia", "role-read_only"), base.toString()));
    String csrf = csrf(cookie);

    HttpResponse<String> withoutCsrf =
        send(
            HttpRequest.newBuilder(base.resolve("/ui/logout"))
                .header("Cookie", cookie)
                .POST(HttpRequest.BodyPublishers.noBody()));
    HttpResponse<String> out =
        send(
            HttpRequest.newBuilder(base.resolve("/ui/logout"))
                .header("Cookie", cookie)
                .header("X-CSRF-Token", csrf)
                .POST(HttpRequest.BodyPublishers.noBody()));

    assertThat(withoutCsrf.statusCode()).isEqualTo(403);
    assertThat(out.statusCode()).isEqualTo(200);
    assertThat(out.headers().firstValue("Set-Cookie").orElseThrow()).contains("Max-Age=0");
    assertThat(
            send(HttpRequest.newBuilder(base.resolve("/ui/api/session")).header("Cookie", cookie))
                .statusCode())
        .isEqualTo(401);
  }
}
