package dev.nexussecurity.controlplane;

import static dev.nexussecurity.controlplane.TestServers.*;
import static org.assertj.core.api.Assertions.assertThat;

import com.sun.net.httpserver.HttpServer;
import dev.nexussecurity.codec.tink.TinkPayloadCodec;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;

/**
 * A real browser (headless Chromium from Debian's package) loads a page that calls the server
 * exactly as the Temporal UI does — a cross-origin {@code fetch} with credentials, {@code
 * Authorization: Bearer}, {@code X-Namespace} and a JSON body, so the browser sends a CORS
 * preflight first — and shows what it got. From the configured UI origin the page shows the decoded
 * payloads; the same page from another origin is blocked by the browser.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class BrowserCorsTest {
  static final Path CHROMIUM = Path.of("/usr/bin/chromium");

  Path dir;
  TestIdentityProvider idp;
  ControlPlaneServer server;
  HttpServer allowedSite;
  HttpServer otherSite;

  @BeforeAll
  void startServers(@TempDir Path dir) throws Exception {
    Assumptions.assumeTrue(
        Files.isExecutable(CHROMIUM),
        "Skipped: Chromium is not installed at /usr/bin/chromium; install Debian's package with"
            + " 'apt-get install -y chromium' (.ci/run does) to run the browser test");
    this.dir = dir;
    idp = new TestIdentityProvider();
    Path orders = writeKeyset(dir, "orders");
    TinkPayloadCodec worker = workerCodec(orders, "orders");
    String payloads = payloadsJson(encrypted(worker, "secret order 7", "second payload"));
    allowedSite = site(idp.token("rita", "orders-readers"), payloads);
    otherSite = site(idp.token("rita", "orders-readers"), payloads);
    Map<String, Object> config =
        new LinkedHashMap<>(config(idp, dir, orders, writeKeyset(dir, "billing")));
    config.put("cors", Map.of("allowedOrigins", List.of(origin(allowedSite))));
    server = start(config, dir);
  }

  @AfterAll
  void stop() {
    if (server != null) {
      server.close();
      idp.close();
      allowedSite.stop(0);
      otherSite.stop(0);
    }
  }

  private static String origin(HttpServer site) {
    return "http://127.0.0.1:" + site.getAddress().getPort();
  }

  /** A site serving /page.html; the page reads the codec server's URL from its query string. */
  private HttpServer site(String token, String payloads) throws IOException {
    HttpServer site =
        HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
    String page =
        """
        <!doctype html><html><body><div id="result">PENDING</div><script>
        const codec = new URLSearchParams(location.search).get('codec');
        fetch(codec + '/decode', {
          method: 'POST',
          credentials: 'include',
          headers: {'Content-Type': 'application/json', 'Authorization': 'Bearer TOKEN',
                    'X-Namespace': 'orders'},
          body: JSON.stringify(PAYLOADS)
        }).then(r => r.json().then(j => {
          const values = (j.payloads || []).map(p => atob(p.data));
          document.getElementById('result').textContent =
              'STATUS ' + r.status + ' DECODED ' + JSON.stringify(values);
        })).catch(e => {
          document.getElementById('result').textContent = 'FETCH_ERR ' + e;
        });
        </script></body></html>
        """
            .replace("TOKEN", token)
            .replace("PAYLOADS", payloads);
    byte[] body = page.getBytes(StandardCharsets.UTF_8);
    site.createContext(
        "/page.html",
        exchange -> {
          exchange.getResponseHeaders().set("Content-Type", "text/html; charset=utf-8");
          exchange.sendResponseHeaders(200, body.length);
          try (OutputStream out = exchange.getResponseBody()) {
            out.write(body);
          }
        });
    site.start();
    return site;
  }

  /** Loads the page in headless Chromium until the fetch has finished; returns #result's text. */
  private String loadInChromium(HttpServer site, Path screenshot) throws Exception {
    Path profile = Files.createTempDirectory(dir, "chromium-profile");
    String url = origin(site) + "/page.html?codec=" + server.getUri();
    List<String> command =
        new ArrayList<>(
            List.of(
                CHROMIUM.toString(),
                "--headless",
                "--no-sandbox",
                "--disable-gpu",
                "--disable-quic",
                "--no-first-run",
                "--disable-background-networking",
                "--disable-component-update",
                "--disable-sync",
                "--user-data-dir=" + profile,
                "--virtual-time-budget=10000"));
    if (screenshot != null) {
      command.addAll(List.of("--window-size=900,300", "--screenshot=" + screenshot));
    } else {
      command.add("--dump-dom");
    }
    command.add(url);
    Path stdout = dir.resolve("chromium-" + System.nanoTime() + ".out");
    Process chromium =
        new ProcessBuilder(command)
            .redirectOutput(stdout.toFile())
            .redirectError(dir.resolve("chromium.err").toFile())
            .start();
    if (!chromium.waitFor(90, TimeUnit.SECONDS)) {
      chromium.destroyForcibly();
      throw new AssertionError("Chromium did not finish within 90 s");
    }
    Matcher m =
        Pattern.compile("<div id=\"result\">(.*?)</div>", Pattern.DOTALL)
            .matcher(Files.readString(stdout));
    return m.find() ? m.group(1) : "(no #result in the DOM: " + Files.readString(stdout) + ")";
  }

  @Test
  void pageFromTheUiOrigin_getsDecodedPayloads() throws Exception {
    String result = loadInChromium(allowedSite, null);

    assertThat(result).startsWith("STATUS 200 DECODED ");
    assertThat(result).contains("\\\"secret order 7\\\"").contains("\\\"second payload\\\"");
    assertThat(auditLines(dir))
        .anySatisfy(
            l ->
                assertThat(l)
                    .containsEntry("action", "codec.decode")
                    .containsEntry("origin", origin(allowedSite))
                    .containsEntry("status", 200)
                    .containsEntry("payloads", 2));
  }

  @Test
  void pageFromAnotherOrigin_isBlocked() throws Exception {
    String result = loadInChromium(otherSite, null);

    assertThat(result).startsWith("FETCH_ERR TypeError");
    assertThat(result).doesNotContain("secret order 7");
    // the preflight was refused, so the browser never sent the token or the payloads
    assertThat(auditLines(dir))
        .anySatisfy(
            l ->
                assertThat(l)
                    .containsEntry("action", "cors.refused")
                    .containsEntry("origin", origin(otherSite))
                    .containsEntry("status", 403));
    assertThat(auditLines(dir))
        .noneSatisfy(
            l ->
                assertThat(l)
                    .containsEntry("action", "codec.decode")
                    .containsEntry("origin", origin(otherSite)));
  }

  @Test
  void screenshotOfTheUiOriginPage_isTaken() throws Exception {
    Path png = dir.resolve("allowed.png");

    loadInChromium(allowedSite, png);

    assertThat(png).exists();
    byte[] header = Files.readAllBytes(png);
    assertThat(header.length).isGreaterThan(1000);
    assertThat(new String(header, 1, 3, StandardCharsets.US_ASCII)).isEqualTo("PNG");
  }
}
