package dev.nexussecurity.controlplane;

import static dev.nexussecurity.controlplane.RegistryTestServers.*;
import static org.assertj.core.api.Assertions.assertThat;

import dev.nexussecurity.api.NexusEndpoint;
import dev.nexussecurity.core.RegistryFiles;
import java.io.IOException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;

/**
 * A real browser (headless Chromium from Debian's package, driven over the DevTools protocol) uses
 * the registry's browse page: an unauthenticated visit shows only the sign-in form; a Namespace
 * Admin signs in with a test token from the local identity provider, browses, searches and creates
 * an endpoint; a Developer without Namespace Admin on the target is refused. Screenshots of the
 * list and of the refusal are written to {@code target/browser-screenshots/}, and the assertions
 * read the page's text.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class BrowsePageTest {
  static final Path SCREENSHOTS = Path.of("target", "browser-screenshots");

  Path dir;
  TestIdentityProvider idp;
  ControlPlaneServer server;
  URI base;

  @BeforeAll
  void start(@TempDir Path dir) throws IOException {
    Assumptions.assumeTrue(
        Files.isExecutable(HeadlessChromium.BINARY),
        "Skipped: Chromium is not installed at /usr/bin/chromium; install Debian's package with"
            + " 'apt-get install -y chromium' (.ci/run does) to run the browser test");
    this.dir = dir;
    Files.createDirectories(SCREENSHOTS);
    idp = new TestIdentityProvider();
    server = TestServers.start(fileRegistryConfig(idp, dir), dir);
    base = server.getUri();
    String owner = idp.token("olga", "role-account_owner");
    Map<String, Object> payments = spec("payments", "payments-ns", "payments-tq", "orders-ns");
    payments.put("description", "Charges cards for orders");
    Map<String, Object> shipping = spec("shipping", "billing-ns", "shipping-tq", "shop-ns");
    shipping.put("description", "Ships parcels");
    Map<String, Object> inventory = spec("inventory", "orders-ns", "inventory-tq");
    inventory.put("description", "Stock levels");
    for (Map<String, Object> s : List.of(payments, shipping, inventory)) {
      assertThat(create(base, owner, s).status()).isEqualTo(201);
    }
  }

  @AfterAll
  void stop() {
    if (server != null) {
      server.close();
      idp.close();
    }
  }

  private HeadlessChromium browser(String name) throws Exception {
    Path profile = Files.createTempDirectory(dir, "chromium-" + name);
    return HeadlessChromium.start(profile, dir.resolve("chromium-" + name + ".log"));
  }

  private void signIn(HeadlessChromium chromium, String token) throws Exception {
    chromium.navigate(base + "/ui/");
    chromium.waitFor("location.pathname === '/ui/login'", Duration.ofSeconds(30));
    chromium.eval(
        "document.getElementById('token').value = "
            + quote(token)
            + ";"
            + " document.getElementById('login-form').submit(); true");
    chromium.waitFor(
        "location.pathname === '/ui/' && document.body.dataset.loaded === 'true'",
        Duration.ofSeconds(30));
  }

  private static String quote(String s) {
    return TestServers.json(s); // a JSON string is a JavaScript string literal
  }

  private static void fillAndSubmit(
      HeadlessChromium chromium, String name, String ns, String tq, String callers)
      throws Exception {
    chromium.eval("document.getElementById('new-endpoint').click(); true");
    chromium.eval(
        "document.getElementById('f-name').value = "
            + quote(name)
            + ";"
            + " document.getElementById('f-namespace').value = "
            + quote(ns)
            + ";"
            + " document.getElementById('f-task-queue').value = "
            + quote(tq)
            + ";"
            + " document.getElementById('f-callers').value = "
            + quote(callers)
            + ";"
            + " document.getElementById('f-description').value = 'Refunds <b>card</b> payments';"
            + " document.getElementById('endpoint-form').requestSubmit(); true");
  }

  private static void assertPng(Path png) throws IOException {
    byte[] bytes = Files.readAllBytes(png);
    assertThat(bytes.length).isGreaterThan(5_000);
    assertThat(new String(bytes, 1, 3, StandardCharsets.US_ASCII)).isEqualTo("PNG");
  }

  @Test
  void namespaceAdmin_signsIn_browses_searches_andCreatesAnEndpoint() throws Exception {
    String nadia = idp.token("nadia", "role-developer", "payments-ns-admin");
    try (HeadlessChromium chromium = browser("nadia")) {
      // unauthenticated: the sign-in form, nothing of the registry
      chromium.navigate(base + "/ui/");
      chromium.waitFor("location.pathname === '/ui/login'", Duration.ofSeconds(30));
      assertThat(chromium.text())
          .contains("Sign in")
          .doesNotContain("payments")
          .doesNotContain("shipping");

      signIn(chromium, nadia);
      String list = chromium.text();
      assertThat(list)
          .contains("Signed in as nadia (developer)")
          .contains("3 endpoints")
          .contains("payments")
          .contains("payments-ns")
          .contains("orders-ns")
          .contains("Charges cards for orders")
          .contains("shipping")
          .contains("Ships parcels")
          .contains("inventory")
          .contains("(nobody)");
      assertPng(chromium.screenshot(SCREENSHOTS.resolve("registry-list.png")));

      chromium.eval(
          "{ const s = document.getElementById('search'); s.value = 'orders';"
              + " s.dispatchEvent(new Event('input')); } true");
      chromium.waitFor(
          "document.getElementById('count').textContent === '2 of 3 endpoints'",
          Duration.ofSeconds(10));
      String rows = chromium.eval("document.getElementById('endpoints').innerText").asText();
      assertThat(rows).contains("payments").contains("inventory").doesNotContain("shipping");
      chromium.eval(
          "{ const s = document.getElementById('search'); s.value = '';"
              + " s.dispatchEvent(new Event('input')); } true");

      fillAndSubmit(chromium, "refunds", "payments-ns", "refunds-tq", "orders-ns\nshop-ns");
      chromium.waitFor(
          "document.getElementById('message').textContent.startsWith('Created endpoint refunds')",
          Duration.ofSeconds(30));
      chromium.waitFor(
          "document.getElementById('count').textContent === '4 endpoints'", Duration.ofSeconds(10));
      assertThat(chromium.text())
          .contains("Created endpoint refunds (version 1).")
          .contains("refunds-tq")
          .contains("Refunds <b>card</b> payments"); // shown as text, not markup
      assertPng(chromium.screenshot(SCREENSHOTS.resolve("registry-created.png")));
    }
    NexusEndpoint stored =
        RegistryFiles.load(dir.resolve("registry.json")).stream()
            .filter(e -> e.getName().equals("refunds"))
            .findFirst()
            .orElseThrow();
    assertThat(stored.getTargetNamespace()).isEqualTo("payments-ns");
    assertThat(stored.getAllowedCallerNamespaces()).containsExactly("orders-ns", "shop-ns");
    assertThat(auditLines())
        .anySatisfy(
            l -> {
              assertThat(l)
                  .containsEntry("operation", "CreateNexusEndpoint")
                  .containsEntry("status", "OK");
              assertThat(l.get("principal").toString()).contains("id=nadia");
              assertThat(l).containsEntry("origin", base.toString());
            });
  }

  @Test
  void developerWithoutNamespaceAdmin_isRefused_andSeesWhy() throws Exception {
    String dave = idp.token("dave", "role-developer", "orders-ns-admin");
    try (HeadlessChromium chromium = browser("dave")) {
      signIn(chromium, dave);
      assertThat(chromium.text()).contains("Signed in as dave (developer)");

      fillAndSubmit(chromium, "chargebacks", "payments-ns", "chargebacks-tq", "orders-ns");
      chromium.waitFor(
          "document.getElementById('message').textContent.startsWith('Refused')",
          Duration.ofSeconds(30));

      String message = chromium.eval("document.getElementById('message').textContent").asText();
      assertThat(message)
          .startsWith("Refused (403 namespace_admin_required)")
          .contains("dave may not create endpoint chargebacks")
          .contains("Namespace Admin permission on namespace payments-ns");
      assertThat(
              chromium.eval("getComputedStyle(document.getElementById('message')).color").asText())
          .isEqualTo("rgb(164, 14, 38)");
      assertPng(chromium.screenshot(SCREENSHOTS.resolve("registry-refused.png")));

      chromium.eval("document.getElementById('sign-out').click(); true");
      chromium.waitFor("location.pathname === '/ui/login'", Duration.ofSeconds(30));
      chromium.navigate(base + "/ui/");
      chromium.waitFor("location.pathname === '/ui/login'", Duration.ofSeconds(30));
    }
    assertThat(RegistryFiles.load(dir.resolve("registry.json")))
        .noneMatch(e -> e.getName().equals("chargebacks"));
    assertThat(auditLines())
        .anySatisfy(
            l -> {
              assertThat(l)
                  .containsEntry("operation", "CreateNexusEndpoint")
                  .containsEntry("status", "PERMISSION_DENIED")
                  .containsEntry("reason", "namespace_admin_required");
              assertThat(l.get("principal").toString()).contains("id=dave");
            });
    assertThat(auditLines())
        .anySatisfy(l -> assertThat(l).containsEntry("operation", "UserLogout"));
  }

  private List<Map<String, Object>> auditLines() {
    return TestServers.auditLines(dir);
  }
}
