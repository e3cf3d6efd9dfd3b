package dev.nexussecurity.controlplane;

import static dev.nexussecurity.controlplane.RegistryTestServers.*;
import static org.assertj.core.api.Assertions.assertThat;

import dev.nexussecurity.api.AccountRole;
import java.io.IOException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The registry's RBAC through the HTTP API, with principals from real tokens (local JWKS) and the
 * server's claim mapping: every account role × every permission on the target namespace × every
 * operation, and every role × old-target permission × new-target permission for an update that
 * moves the endpoint. The expected outcomes are the core's literal tables ({@code
 * nexus-security-core/src/test/resources/dev/nexussecurity/core/rbac-matrix.csv} and {@code
 * rbac-move-matrix.csv}, written from Temporal Cloud's rules), read from the core module's sources.
 * Each refusal must be a 403 naming what is missing, with an audit line; nothing is changed by a
 * refusal.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class EndpointApiRbacTest {
  private static final Path CORE_TABLES =
      Path.of(
          "..", "nexus-security-core", "src", "test", "resources", "dev", "nexussecurity", "core");
  private static final AtomicInteger NAMES = new AtomicInteger();

  Path dir;
  TestIdentityProvider idp;
  ControlPlaneServer server;
  URI base;
  String owner;

  @BeforeAll
  void start(@TempDir Path dir) throws IOException {
    this.dir = dir;
    idp = new TestIdentityProvider();
    server = TestServers.start(fileRegistryConfig(idp, dir), dir);
    base = server.getUri();
    owner = idp.token("owner", "role-account_owner");
  }

  @AfterAll
  void stop() {
    server.close();
    idp.close();
  }

  static Stream<Arguments> matrix() throws IOException {
    return rows("rbac-matrix.csv").stream().map(r -> Arguments.of(r[0], r[1], r[2], r[3]));
  }

  static Stream<Arguments> moveMatrix() throws IOException {
    return rows("rbac-move-matrix.csv").stream()
        .map(r -> Arguments.of(r[0], r[1], r[2], r[3], r[4]));
  }

  private static List<String[]> rows(String file) throws IOException {
    Path table = CORE_TABLES.resolve(file);
    assertThat(table).as("the core's RBAC table (run from the control-plane module)").exists();
    return Files.readAllLines(table).stream()
        .skip(1)
        .filter(l -> !l.startsWith("#") && !l.isBlank())
        .map(l -> l.split("\\|"))
        .toList();
  }

  @ParameterizedTest(name = "{0} with {1} on the target: {2} -> {3}")
  @MethodSource("matrix")
  void operation_isDecidedByTheRegistryRbac(
      String role, String targetPermission, String operation, String expected) {
    String name = "ep-" + NAMES.incrementAndGet();
    Map<String, Object> stored = spec(name, "target-ns", "tq", "orders-ns");
    if (!operation.equals("CREATE")) {
      assertThat(create(base, owner, stored).status()).isEqualTo(201);
    }
    String token =
        idp.token(
            "user-" + name,
            groups(AccountRole.valueOf(role), "target-ns", targetPermission)
                .toArray(String[]::new));

    Answer answer =
        switch (operation) {
          case "CREATE" -> create(base, token, stored);
          case "UPDATE" ->
              update(base, token, name, spec(name, "target-ns", "tq2", "orders-ns"), "1");
          case "DELETE" -> delete(base, token, name, "1");
          case "GET" -> get(base, token, name);
          case "LIST" -> call(base, "GET", "/api/v1/nexus/endpoints", token, null);
          default -> throw new IllegalArgumentException(operation);
        };

    switch (expected) {
      case "ALLOWED" -> {
        assertThat(answer.status()).as(answer.body().toString()).isBetween(200, 201);
        if (!operation.equals("GET") && !operation.equals("LIST")) {
          assertThat(auditLine(dir, answer.requestId()))
              .containsEntry("status", "OK")
              .containsEntry("operation", auditOperation(operation));
        }
      }
      case "ROLE_REQUIRED" -> {
        assertRefused(answer, "account_role_required", operation);
        assertThat(answer.missing())
            .containsEntry("actualAccountRole", role.toLowerCase(java.util.Locale.ROOT));
      }
      case "NAMESPACE_ADMIN_REQUIRED" -> {
        assertRefused(answer, "namespace_admin_required", operation);
        assertThat(answer.missing()).containsEntry("namespace", "target-ns");
      }
      default -> throw new IllegalArgumentException(expected);
    }
    if (!expected.equals("ALLOWED")) {
      // nothing changed: the endpoint is as stored (or absent, for a refused create)
      Answer now = get(base, owner, name);
      if (operation.equals("CREATE")) {
        assertThat(now.status()).isEqualTo(404);
      } else {
        assertThat(now.resourceVersion()).isEqualTo("1");
      }
    }
  }

  @ParameterizedTest(name = "{0}, {1} on old-ns, {2} on new-ns: move -> {3} {4}")
  @MethodSource("moveMatrix")
  void move_needsNamespaceAdminOnBothTargets(
      String role, String oldPermission, String newPermission, String expected, String missingOn) {
    String name = "mv-" + NAMES.incrementAndGet();
    assertThat(create(base, owner, spec(name, "old-ns", "tq", "orders-ns")).status())
        .isEqualTo(201);
    List<String> groups = groups(AccountRole.valueOf(role), "old-ns", oldPermission);
    groups.addAll(groups(AccountRole.NONE, "new-ns", newPermission));
    String token = idp.token("mover-" + name, groups.toArray(String[]::new));

    Answer answer = update(base, token, name, spec(name, "new-ns", "tq", "orders-ns"), "1");

    switch (expected) {
      case "ALLOWED" -> {
        assertThat(answer.status()).as(answer.body().toString()).isEqualTo(200);
        Map<String, Object> audit = auditLine(dir, answer.requestId());
        assertThat(audit)
            .containsEntry("operation", "UpdateNexusEndpoint")
            .containsEntry("status", "OK");
        assertThat(audit.get("details").toString())
            .contains("changed_fields=[target_namespace]")
            .contains("target_namespace=old-ns")
            .contains("target_namespace=new-ns");
      }
      case "ROLE_REQUIRED" -> assertRefused(answer, "account_role_required", "UPDATE");
      case "NAMESPACE_ADMIN_REQUIRED" -> {
        assertRefused(answer, "namespace_admin_required", "UPDATE");
        assertThat(answer.missing()).containsEntry("namespace", missingOn);
      }
      default -> throw new IllegalArgumentException(expected);
    }
    if (!expected.equals("ALLOWED")) {
      Answer now = get(base, owner, name);
      assertThat(now.resourceVersion()).isEqualTo("1");
      assertThat(now.endpoint().get("spec").toString()).contains("namespaceId=old-ns");
    }
  }

  private void assertRefused(Answer answer, String code, String operation) {
    assertThat(answer.status()).as(answer.body().toString()).isEqualTo(403);
    assertThat(answer.error()).isEqualTo(code);
    assertThat((String) answer.body().get("message"))
        .contains("may not " + operation.toLowerCase(java.util.Locale.ROOT));
    Map<String, Object> audit = auditLine(dir, answer.requestId());
    assertThat(audit).as("an audit line for the refusal").isNotNull();
    assertThat(audit)
        .containsEntry("operation", auditOperation(operation))
        .containsEntry("status", "PERMISSION_DENIED")
        .containsEntry("http_status", 403)
        .containsEntry("reason", code)
        .containsEntry("level", "LOG_LEVEL_WARN");
    assertThat(audit.get("principal").toString()).contains("type=oidc");
  }

  private static String auditOperation(String operation) {
    return switch (operation) {
      case "CREATE" -> "CreateNexusEndpoint";
      case "UPDATE" -> "UpdateNexusEndpoint";
      case "DELETE" -> "DeleteNexusEndpoint";
      case "GET" -> "GetNexusEndpoint";
      default -> "GetNexusEndpoints";
    };
  }

  @Test
  void theKeyDirectory_ofARegistryFile_isNotPublished_404() {
    Answer a = call(base, "GET", "/api/v1/nexus/key-directory", owner, null);

    assertThat(a.status()).isEqualTo(404);
    assertThat(a.error()).isEqualTo("key_directory_not_published");
    assertThat((String) a.body().get("message")).contains("registry.temporal.keyDirectory");
  }
}
