package dev.nexussecurity.controlplane.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.nexussecurity.controlplane.ControlPlaneServer;
import dev.nexussecurity.controlplane.RegistryTestServers;
import dev.nexussecurity.controlplane.TestIdentityProvider;
import dev.nexussecurity.controlplane.TestServers;
import dev.nexussecurity.core.RegistryFiles;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.io.TempDir;

/**
 * The {@code nexus-security} command-line client end to end against a running control plane
 * (registry file, tokens from a local JWKS): every command, table and JSON output, the three ways
 * to pass the token, and each documented exit code.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class NexusSecurityCliTest {
  private static final ObjectMapper JSON = new ObjectMapper();

  Path dir;
  TestIdentityProvider idp;
  ControlPlaneServer server;
  String admin;
  String developerWithoutAdmin;

  @BeforeAll
  void start(@TempDir Path dir) throws Exception {
    this.dir = dir;
    idp = new TestIdentityProvider();
    server = TestServers.start(RegistryTestServers.fileRegistryConfig(idp, dir), dir);
    admin = idp.token("alice", "role-developer", "payments-ns-admin", "billing-ns-admin");
    developerWithoutAdmin = idp.token("dave", "role-developer", "orders-ns-admin");
  }

  @AfterAll
  void stop() {
    server.close();
    idp.close();
  }

  record Run(int exit, String out, String err) {}

  private Run run(Map<String, String> env, String... args) {
    StringWriter out = new StringWriter();
    StringWriter err = new StringWriter();
    List<String> all = new ArrayList<>(List.of(args));
    int exit =
        NexusSecurityCli.run(
            all.toArray(String[]::new), env, new PrintWriter(out), new PrintWriter(err));
    return new Run(exit, out.toString(), err.toString());
  }

  private Map<String, String> env(String token) {
    return token == null
        ? Map.of("NEXUS_SECURITY_SERVER", server.getUri().toString())
        : Map.of(
            "NEXUS_SECURITY_SERVER", server.getUri().toString(), "NEXUS_SECURITY_TOKEN", token);
  }

  @Test
  @Order(1)
  void create_withTheTokenFlag_printsTheEndpoint_andExits0() {
    Run r =
        run(
            Map.of(),
            "endpoint",
            "create",
            "payments",
            "--server",
            server.getUri().toString(),
            "--token",
            admin,
            "--target-namespace",
            "payments-ns",
            "--target-task-queue",
            "payments-tq",
            "--allow",
            "orders-ns",
            "--description",
            "Charges cards");

    assertThat(r.exit()).as(r.err()).isEqualTo(0);
    assertThat(r.out())
        .contains("Created endpoint payments (resourceVersion 1).")
        .contains("Target namespace:   payments-ns")
        .contains("Allowed callers:    orders-ns")
        .contains("Description:        Charges cards");
    assertThat(RegistryFiles.load(dir.resolve("registry.json"))).hasSize(1);
  }

  @Test
  @Order(2)
  void list_asTableAndJson_withTheTokenFromTheEnvironment() throws Exception {
    Run table = run(env(admin), "endpoint", "list");
    Run json = run(env(admin), "endpoint", "list", "-o", "json");

    assertThat(table.exit()).isEqualTo(0);
    assertThat(table.out().lines().toList())
        .first()
        .asString()
        .startsWith("NAME")
        .contains("TARGET NAMESPACE")
        .contains("ALLOWED CALLERS");
    assertThat(table.out()).containsPattern("payments +payments-ns +payments-tq +orders-ns +1");
    JsonNode parsed = JSON.readTree(json.out());
    assertThat(parsed.get("endpoints").get(0).get("spec").get("name").asText())
        .isEqualTo("payments");
  }

  @Test
  @Order(3)
  void update_withTheTokenFromAFile_readsTheCurrentVersion_andAppliesTheChange() throws Exception {
    Path tokenFile = dir.resolve("token");
    Files.writeString(tokenFile, admin + "\n", StandardCharsets.UTF_8);

    Run r =
        run(
            env(null),
            "endpoint",
            "update",
            "payments",
            "--token-file",
            tokenFile.toString(),
            "--add-allow",
            "billing-ns",
            "-o",
            "json");

    assertThat(r.exit()).as(r.err()).isEqualTo(0);
    JsonNode e = JSON.readTree(r.out());
    assertThat(e.get("resourceVersion").asText()).isEqualTo("2");
    assertThat(e.get("spec").get("policySpecs").toString())
        .contains("billing-ns")
        .contains("orders-ns");
  }

  @Test
  @Order(4)
  void update_withAStaleResourceVersion_exits6_andChangesNothing() {
    Run r =
        run(env(admin), "endpoint", "update", "payments", "--resource-version", "1", "--deny-all");

    assertThat(r.exit()).isEqualTo(NexusSecurityCli.CONFLICT);
    assertThat(r.err())
        .contains("resource_version_conflict")
        .contains("HTTP 409")
        .contains("resourceVersion 2");
    assertThat(RegistryFiles.load(dir.resolve("registry.json")).get(0).getAllowedCallerNamespaces())
        .containsExactly("billing-ns", "orders-ns");
  }

  @Test
  @Order(5)
  void eachRefusal_hasItsExitCode() {
    Run denied =
        run(
            env(developerWithoutAdmin),
            "endpoint",
            "create",
            "refunds",
            "--target-namespace",
            "payments-ns",
            "--target-task-queue",
            "tq");
    Run notFound = run(env(admin), "endpoint", "get", "nope");
    Run noToken = run(env(null), "endpoint", "list");
    Run invalid =
        run(
            env(admin),
            "endpoint",
            "create",
            "bad_name",
            "--target-namespace",
            "payments-ns",
            "--target-task-queue",
            "tq");
    Run exists =
        run(
            env(admin),
            "endpoint",
            "create",
            "payments",
            "--target-namespace",
            "payments-ns",
            "--target-task-queue",
            "tq");
    Run unreachable =
        run(
            Map.of("NEXUS_SECURITY_TOKEN", admin),
            "endpoint",
            "list",
            "--server",
            "http://127.0.0.1:1");
    Run usage = run(env(admin), "endpoint", "create", "x");
    Run missingTokenFile =
        run(env(null), "endpoint", "list", "--token-file", dir.resolve("absent").toString());

    assertThat(denied.exit()).isEqualTo(NexusSecurityCli.PERMISSION_DENIED);
    assertThat(denied.err()).contains("namespace_admin_required").contains("payments-ns");
    assertThat(notFound.exit()).isEqualTo(NexusSecurityCli.NOT_FOUND);
    assertThat(noToken.exit()).isEqualTo(NexusSecurityCli.UNAUTHENTICATED);
    assertThat(noToken.err()).contains("credentials_missing");
    assertThat(invalid.exit()).isEqualTo(NexusSecurityCli.INVALID);
    assertThat(invalid.err()).contains("spec.name: value 'bad_name'");
    assertThat(exists.exit()).isEqualTo(NexusSecurityCli.CONFLICT);
    assertThat(unreachable.exit()).isEqualTo(NexusSecurityCli.UNAVAILABLE);
    assertThat(unreachable.err()).contains("cannot connect");
    assertThat(usage.exit()).isEqualTo(NexusSecurityCli.USAGE);
    assertThat(usage.err()).contains("--target-namespace");
    assertThat(missingTokenFile.exit()).isEqualTo(NexusSecurityCli.FAILURE);
  }

  @Test
  @Order(6)
  void delete_asAPlainJavaProcess_exits0_thenGetExits5() throws Exception {
    ProcessBuilder noToken =
        new ProcessBuilder(
                Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-cp",
                System.getProperty("java.class.path"),
                NexusSecurityCli.class.getName(),
                "endpoint",
                "delete",
                "payments")
            .redirectErrorStream(true)
            .redirectOutput(dir.resolve("delete.out").toFile());
    noToken.environment().remove("NEXUS_SECURITY_TOKEN");
    noToken.environment().putAll(env(null));
    Process p = noToken.start();
    assertThat(p.waitFor(60, TimeUnit.SECONDS)).isTrue();
    String out = Files.readString(dir.resolve("delete.out"));

    assertThat(p.exitValue()).as(out).isEqualTo(NexusSecurityCli.UNAUTHENTICATED);

    ProcessBuilder withEnv =
        new ProcessBuilder(
                Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-cp",
                System.getProperty("java.class.path"),
                NexusSecurityCli.class.getName(),
                "endpoint",
                "delete",
                "payments")
            .redirectErrorStream(true)
            .redirectOutput(dir.resolve("delete2.out").toFile());
    withEnv.environment().putAll(env(admin));
    Process p2 = withEnv.start();
    assertThat(p2.waitFor(60, TimeUnit.SECONDS)).isTrue();
    assertThat(p2.exitValue()).as(Files.readString(dir.resolve("delete2.out"))).isEqualTo(0);
    assertThat(Files.readString(dir.resolve("delete2.out")))
        .contains("Deleted endpoint payments (was resourceVersion 2).");
    assertThat(run(env(admin), "endpoint", "get", "payments").exit())
        .isEqualTo(NexusSecurityCli.NOT_FOUND);
  }

  private dev.nexussecurity.api.NexusEndpoint stored(String name) {
    return RegistryFiles.load(dir.resolve("registry.json")).stream()
        .filter(e -> e.getName().equals(name))
        .findFirst()
        .orElseThrow();
  }

  @Test
  @Order(7)
  void create_withPayloadProtectionFlags_storesAndShowsThem() {
    Run r =
        run(
            env(admin),
            "endpoint",
            "create",
            "refunds",
            "--target-namespace",
            "payments-ns",
            "--target-task-queue",
            "refunds-tq",
            "--allow",
            "orders-ns",
            "--payload-protection",
            "pairwise",
            "--service-protection",
            "refunds-v1=shared:refunds-key");

    assertThat(r.exit()).as(r.err()).isEqualTo(0);
    assertThat(r.out()).contains("Payload protection: pairwise; refunds-v1: shared:refunds-key");
    assertThat(stored("refunds").getPayloadProtection("refunds-v1"))
        .contains(dev.nexussecurity.api.PayloadProtection.shared("refunds-key"));
    assertThat(stored("refunds").getPayloadProtection("other"))
        .contains(dev.nexussecurity.api.PayloadProtection.pairwise());
  }

  @Test
  @Order(8)
  void update_ofAnotherField_keepsTheProtection_andProtectionFlagsChangeIt() {
    Run allowlist = run(env(admin), "endpoint", "update", "refunds", "--add-allow", "shop-ns");
    assertThat(allowlist.exit()).as(allowlist.err()).isEqualTo(0);
    assertThat(stored("refunds").getPayloadProtection("refunds-v1"))
        .contains(dev.nexussecurity.api.PayloadProtection.shared("refunds-key"));
    assertThat(stored("refunds").getDefaultPayloadProtection())
        .contains(dev.nexussecurity.api.PayloadProtection.pairwise());

    Run change =
        run(
            env(admin),
            "endpoint",
            "update",
            "refunds",
            "--clear-payload-protection",
            "--remove-service-protection",
            "refunds-v1",
            "--service-protection",
            "audit=authenticated");

    assertThat(change.exit()).as(change.err()).isEqualTo(0);
    assertThat(change.out())
        .contains("Payload protection: (workers' default); audit: authenticated");
    assertThat(stored("refunds").getDefaultPayloadProtection()).isEmpty();
    assertThat(stored("refunds").getServicePayloadProtections()).containsOnlyKeys("audit");
  }

  @Test
  @Order(9)
  void badProtectionArguments_exit2or7_andChangeNothing() {
    dev.nexussecurity.api.NexusEndpoint before = stored("refunds");

    Run noEquals =
        run(env(admin), "endpoint", "update", "refunds", "--service-protection", "refunds");
    Run contradiction =
        run(
            env(admin),
            "endpoint",
            "update",
            "refunds",
            "--payload-protection",
            "hpke",
            "--clear-payload-protection");
    Run unknownMode =
        run(env(admin), "endpoint", "update", "refunds", "--payload-protection", "rot13");
    Run sharedWithoutKeyset =
        run(env(admin), "endpoint", "update", "refunds", "--service-protection", "x=shared");

    assertThat(noEquals.exit()).isEqualTo(NexusSecurityCli.USAGE);
    assertThat(noEquals.err()).contains("SERVICE=PROTECTION");
    assertThat(contradiction.exit()).isEqualTo(NexusSecurityCli.USAGE);
    assertThat(unknownMode.exit()).isEqualTo(NexusSecurityCli.INVALID);
    assertThat(unknownMode.err()).contains("spec.payloadProtection").contains("rot13");
    assertThat(sharedWithoutKeyset.exit()).isEqualTo(NexusSecurityCli.INVALID);
    assertThat(sharedWithoutKeyset.err()).contains("spec.servicePayloadProtections.x");
    assertThat(stored("refunds")).isEqualTo(before);
  }

  @Test
  @Order(10)
  void changingTheProtection_withoutNamespaceAdminOnTheTarget_exits4_andChangesNothing() {
    dev.nexussecurity.api.NexusEndpoint before = stored("refunds");

    Run r =
        run(
            env(developerWithoutAdmin),
            "endpoint",
            "update",
            "refunds",
            "--payload-protection",
            "authenticated");

    assertThat(r.exit()).as(r.err()).isEqualTo(NexusSecurityCli.PERMISSION_DENIED);
    assertThat(stored("refunds")).isEqualTo(before);
  }
}
