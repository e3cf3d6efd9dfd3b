package dev.nexussecurity.controlplane;

import static dev.nexussecurity.controlplane.RegistryTestServers.*;
import static org.assertj.core.api.Assertions.assertThat;

import dev.nexussecurity.api.NexusEndpoint;
import dev.nexussecurity.api.PayloadProtection;
import dev.nexussecurity.core.RegistryFiles;
import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;

/**
 * The endpoint management API on the registry file: the Cloud-shaped resource, paging and filters,
 * bad input (400 with field errors, 404, 409, 401), concurrent updates with stale resource versions
 * (409, nothing lost), the file as the source of truth (external edits are picked up, an invalid
 * file refuses changes and loses nothing), audit lines and metrics.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class EndpointApiTest {
  @TempDir Path root;
  Path dir;
  TestIdentityProvider idp;
  ControlPlaneServer server;
  URI base;
  String admin;
  String reader;

  @BeforeAll
  void startIdentityProvider() throws Exception {
    idp = new TestIdentityProvider();
  }

  @AfterAll
  void stopIdentityProvider() {
    idp.close();
  }

  @BeforeEach
  void start() throws Exception {
    dir = Files.createTempDirectory(root, "test");
    server = TestServers.start(fileRegistryConfig(idp, dir), dir);
    base = server.getUri();
    admin = idp.token("alice", "role-developer", "payments-ns-admin", "billing-ns-admin");
    reader = idp.token("rob", "role-read_only");
  }

  @AfterEach
  void stop() {
    server.close();
  }

  private List<NexusEndpoint> file() {
    return RegistryFiles.load(dir.resolve("registry.json"));
  }

  @Test
  void create_get_update_delete_roundTrip_inTheCloudShape_andTheFileFollows() {
    Answer created =
        create(base, admin, spec("payments", "payments-ns", "payments-tq", "orders-ns"));

    assertThat(created.status()).isEqualTo(201);
    assertThat(created.body()).containsEntry("endpointId", "payments");
    assertThat(created.endpoint())
        .containsEntry("id", "payments")
        .containsEntry("resourceVersion", "1");
    assertThat(created.endpoint().get("spec"))
        .isEqualTo(
            Map.of(
                "name",
                "payments",
                "targetSpec",
                Map.of(
                    "workerTargetSpec",
                    Map.of("namespaceId", "payments-ns", "taskQueue", "payments-tq")),
                "policySpecs",
                List.of(
                    Map.of("allowedCloudNamespacePolicySpec", Map.of("namespaceId", "orders-ns"))),
                "description",
                "Endpoint payments"));
    assertThat(file())
        .singleElement()
        .satisfies(e -> assertThat(e.getAllowedCallerNamespaces()).containsExactly("orders-ns"));

    Answer read = get(base, reader, "payments");
    assertThat(read.status()).isEqualTo(200);
    assertThat(read.endpoint()).isEqualTo(created.endpoint());

    Answer updated =
        update(
            base,
            admin,
            "payments",
            spec("payments", "payments-ns", "payments-tq", "orders-ns", "billing-ns"),
            "1");
    assertThat(updated.status()).isEqualTo(200);
    assertThat(updated.resourceVersion()).isEqualTo("2");
    assertThat(file().get(0).getAllowedCallerNamespaces())
        .containsExactly("billing-ns", "orders-ns");
    Map<String, Object> audit = auditLine(dir, updated.requestId());
    assertThat(audit)
        .containsEntry("operation", "UpdateNexusEndpoint")
        .containsEntry("status", "OK")
        .containsEntry("category", "LOG_CATEGORY_ADMIN")
        .containsEntry("level", "LOG_LEVEL_INFO")
        .containsEntry("caller_ip_address", "127.0.0.1");
    assertThat(audit.get("principal"))
        .isEqualTo(Map.of("id", "alice", "type", "oidc", "name", "alice"));
    assertThat(audit.get("details").toString())
        .contains("changed_fields=[allowed_caller_namespaces]")
        .contains("allowed_caller_namespaces=[orders-ns]")
        .contains("allowed_caller_namespaces=[billing-ns, orders-ns]")
        .contains("description_sha256=")
        .doesNotContain("Endpoint payments"); // the description's text is not in the audit

    Answer deleted = delete(base, admin, "payments", "2");
    assertThat(deleted.status()).isEqualTo(200);
    assertThat(file()).isEmpty();
    assertThat(get(base, reader, "payments").status()).isEqualTo(404);
    assertThat(auditLine(dir, deleted.requestId()))
        .containsEntry("operation", "DeleteNexusEndpoint");
  }

  @Test
  void successfulReads_areCountedButNotAudited_refusalsAreBoth() {
    create(base, admin, spec("payments", "payments-ns", "tq"));
    Answer read = get(base, reader, "payments");
    Answer missing = get(base, reader, "nope");

    assertThat(auditLine(dir, read.requestId())).isNull();
    assertThat(missing.status()).isEqualTo(404);
    assertThat(missing.error()).isEqualTo("endpoint_not_found");
    assertThat(auditLine(dir, missing.requestId()))
        .containsEntry("status", "NOT_FOUND")
        .containsEntry("reason", "endpoint_not_found");
    String metrics =
        TestServers.send(
                HttpRequest.newBuilder(server.getManagementUri().orElseThrow().resolve("/metrics"))
                    .build())
            .body();
    assertThat(metrics)
        .contains(
            "controlplane_endpoint_requests_total{operation=\"GetNexusEndpoint\",reason=\"ok\",status=\"200\"} 1.0")
        .contains(
            "controlplane_endpoint_requests_total{operation=\"GetNexusEndpoint\",reason=\"endpoint_not_found\",status=\"404\"} 1.0")
        .contains(
            "controlplane_endpoint_requests_total{operation=\"CreateNexusEndpoint\",reason=\"ok\",status=\"201\"} 1.0");
  }

  @Test
  void invalidSpec_isRefusedWith400_naming_everyField_andNothingIsStored() {
    Map<String, Object> bad =
        Map.of(
            "name",
            "bad_name",
            "targetSpec",
            Map.of("workerTargetSpec", Map.of("namespaceId", " ", "taskQueue", "/_sys/x")),
            "policySpecs",
            List.of(Map.of("allowedCloudNamespacePolicySpec", Map.of("namespaceId", ""))),
            "color",
            "red");

    Answer answer = create(base, admin, bad);

    assertThat(answer.status()).isEqualTo(400);
    assertThat(answer.error()).isEqualTo("invalid_argument");
    assertThat(answer.body().get("fieldErrors").toString())
        .contains("field=spec.color, message=is not a known field")
        .contains("field=spec.name, message=value 'bad_name' must start with a letter")
        .contains(
            "field=spec.targetSpec.workerTargetSpec.namespaceId, message=value ' ' is not a valid namespace name")
        .contains(
            "field=spec.targetSpec.workerTargetSpec.taskQueue, message=value '/_sys/x' must not start with the reserved prefix /_sys/")
        .contains("field=spec.policySpecs[0].allowedCloudNamespacePolicySpec.namespaceId");
    assertThat(file()).isEmpty();
    assertThat(auditLine(dir, answer.requestId())).containsEntry("status", "INVALID_ARGUMENT");
  }

  @Test
  void malformedRequests_areRefusedClearly() {
    Answer notJson = rawPost("/api/v1/nexus/endpoints", "application/json", "{\"spec\": ", admin);
    assertThat(notJson.status()).isEqualTo(400);
    assertThat(notJson.error()).isEqualTo("malformed_request");

    Answer wrongType = rawPost("/api/v1/nexus/endpoints", "text/plain", "{}", admin);
    assertThat(wrongType.status()).isEqualTo(415);

    Answer noVersion = call(base, "DELETE", "/api/v1/nexus/endpoints/payments", admin, null);
    assertThat(noVersion.status()).isEqualTo(400);
    assertThat(noVersion.body().get("fieldErrors").toString()).contains("field=resourceVersion");

    Answer badName = get(base, reader, "bad_name");
    assertThat(badName.status()).isEqualTo(400);

    Answer rename = update(base, admin, "payments", spec("renamed", "payments-ns", "tq"), "1");
    assertThat(rename.status()).isEqualTo(400);
    assertThat(rename.body().get("fieldErrors").toString()).contains("names are immutable");

    Answer async =
        call(
            base,
            "POST",
            "/api/v1/nexus/endpoints",
            admin,
            Map.of("spec", spec("payments", "payments-ns", "tq"), "asyncOperationId", "op-1"));
    assertThat(async.status()).isEqualTo(400);
    assertThat(async.body().get("fieldErrors").toString()).contains("field=asyncOperationId");

    Answer method = call(base, "PUT", "/api/v1/nexus/endpoints", admin, null);
    assertThat(method.status()).isEqualTo(405);
    assertThat(file()).isEmpty();
  }

  @Test
  void withoutOrWithABadToken_isRefusedWith401_andAudited() {
    Answer none = call(base, "GET", "/api/v1/nexus/endpoints", null, null);
    Answer expired =
        call(
            base,
            "POST",
            "/api/v1/nexus/endpoints",
            idp.sign(
                idp.claims("alice", "role-developer", "payments-ns-admin")
                    .expirationTime(new java.util.Date(System.currentTimeMillis() - 600_000))
                    .build()),
            Map.of("spec", spec("payments", "payments-ns", "tq")));
    Answer forged =
        create(
            base,
            idp.hs256WithPublicKeyAsSecret("alice", "role-account_owner"),
            spec("x", "payments-ns", "tq"));

    assertThat(none.status()).isEqualTo(401);
    assertThat(none.error()).isEqualTo("credentials_missing");
    assertThat(expired.status()).isEqualTo(401);
    assertThat(expired.error()).isEqualTo("token_expired");
    assertThat(forged.status()).isEqualTo(401);
    assertThat(forged.error()).isEqualTo("algorithm_not_allowed");
    for (Answer a : List.of(none, expired, forged)) {
      assertThat(auditLine(dir, a.requestId()))
          .containsEntry("status", "UNAUTHENTICATED")
          .doesNotContainKey("principal");
    }
    assertThat(file()).isEmpty();
  }

  @Test
  void createTwice_isA409_andTheFirstStays() {
    create(base, admin, spec("payments", "payments-ns", "tq", "orders-ns"));

    Answer again = create(base, admin, spec("payments", "billing-ns", "other"));

    assertThat(again.status()).isEqualTo(409);
    assertThat(again.error()).isEqualTo("endpoint_already_exists");
    assertThat(auditLine(dir, again.requestId())).containsEntry("status", "ALREADY_EXISTS");
    assertThat(file())
        .singleElement()
        .satisfies(e -> assertThat(e.getTargetNamespace()).isEqualTo("payments-ns"));
  }

  @Test
  void list_pagesByName_andFilters() {
    for (String n : List.of("e-c", "e-a", "e-e", "e-b", "e-d")) {
      create(base, admin, spec(n, n.equals("e-d") ? "billing-ns" : "payments-ns", "tq"));
    }
    List<String> names = new ArrayList<>();
    String token = "";
    int pages = 0;
    do {
      Answer page =
          call(
              base,
              "GET",
              "/api/v1/nexus/endpoints?pageSize=2" + (token.isEmpty() ? "" : "&pageToken=" + token),
              reader,
              null);
      assertThat(page.status()).isEqualTo(200);
      for (Object e : (List<?>) page.body().get("endpoints")) {
        names.add((String) ((Map<?, ?>) e).get("id"));
      }
      token = (String) page.body().get("nextPageToken");
      pages++;
    } while (!token.isEmpty());

    assertThat(names).containsExactly("e-a", "e-b", "e-c", "e-d", "e-e");
    assertThat(pages).isEqualTo(3);
    Answer billing =
        call(base, "GET", "/api/v1/nexus/endpoints?targetNamespaceId=billing-ns", reader, null);
    assertThat(billing.body().get("endpoints").toString())
        .contains("id=e-d")
        .doesNotContain("id=e-a");
    Answer badToken = call(base, "GET", "/api/v1/nexus/endpoints?pageToken=%25%25", reader, null);
    assertThat(badToken.status()).isEqualTo(400);
    Answer badSize = call(base, "GET", "/api/v1/nexus/endpoints?pageSize=5000", reader, null);
    assertThat(badSize.status()).isEqualTo(400);
  }

  @Test
  void concurrentUpdates_withTheSameResourceVersion_oneWins_theOthersGet409_andNothingIsLost()
      throws Exception {
    create(base, admin, spec("payments", "payments-ns", "tq"));
    int writers = 8;
    ExecutorService pool = Executors.newFixedThreadPool(writers);
    CountDownLatch go = new CountDownLatch(1);
    List<Future<Answer>> answers = new ArrayList<>();
    for (int i = 0; i < writers; i++) {
      String caller = "caller-" + i;
      answers.add(
          pool.submit(
              () -> {
                go.await();
                return update(
                    base, admin, "payments", spec("payments", "payments-ns", "tq", caller), "1");
              }));
    }
    go.countDown();
    List<Answer> done = new ArrayList<>();
    for (Future<Answer> f : answers) {
      done.add(f.get(60, TimeUnit.SECONDS));
    }
    pool.shutdown();

    assertThat(done).filteredOn(a -> a.status() == 200).hasSize(1);
    assertThat(done).filteredOn(a -> a.status() == 409).hasSize(writers - 1);
    assertThat(done)
        .filteredOn(a -> a.status() == 409)
        .allSatisfy(
            a -> {
              assertThat(a.body()).containsEntry("currentResourceVersion", "2");
              assertThat(auditLine(dir, a.requestId()))
                  .containsEntry("status", "FAILED_PRECONDITION");
            });
    Answer winner = done.stream().filter(a -> a.status() == 200).findFirst().orElseThrow();
    NexusEndpoint stored = file().get(0);
    assertThat(stored.getVersion()).isEqualTo(2);
    assertThat(stored.getAllowedCallerNamespaces()).containsExactlyElementsOf(callers(winner));
  }

  /** The allowed caller namespaces of an answer's endpoint. */
  private static List<String> callers(Answer a) {
    List<String> out = new ArrayList<>();
    for (Object p : (List<?>) ((Map<?, ?>) a.endpoint().get("spec")).get("policySpecs")) {
      out.add(
          (String)
              ((Map<?, ?>) ((Map<?, ?>) p).get("allowedCloudNamespacePolicySpec"))
                  .get("namespaceId"));
    }
    return out;
  }

  @Test
  void concurrentReadModifyWriteLoops_allLand_noUpdateIsLost() throws Exception {
    create(base, admin, spec("payments", "payments-ns", "tq"));
    int writers = 6;
    ExecutorService pool = Executors.newFixedThreadPool(writers);
    List<Future<Integer>> conflicts = new ArrayList<>();
    for (int i = 0; i < writers; i++) {
      String caller = "caller-" + i;
      conflicts.add(
          pool.submit(
              () -> {
                int seen = 0;
                for (int attempt = 0; attempt < 50; attempt++) {
                  Answer current = get(base, admin, "payments");
                  List<String> callers = new ArrayList<>(callers(current));
                  callers.add(caller);
                  Answer a =
                      update(
                          base,
                          admin,
                          "payments",
                          spec("payments", "payments-ns", "tq", callers.toArray(String[]::new)),
                          current.resourceVersion());
                  if (a.status() == 200) {
                    return seen;
                  }
                  assertThat(a.status()).isEqualTo(409);
                  seen++;
                }
                throw new AssertionError(caller + " never landed");
              }));
    }
    for (Future<Integer> f : conflicts) {
      f.get(120, TimeUnit.SECONDS);
    }
    pool.shutdown();

    NexusEndpoint stored = file().get(0);
    assertThat(stored.getAllowedCallerNamespaces())
        .containsExactlyInAnyOrder(
            "caller-0", "caller-1", "caller-2", "caller-3", "caller-4", "caller-5");
    assertThat(stored.getVersion()).isEqualTo(1 + writers);
    assertThat(get(base, reader, "payments").resourceVersion())
        .isEqualTo(Long.toString(1 + writers));
  }

  @Test
  void theFileIsTheSourceOfTruth_externalEditsAreRead_andAnInvalidFileRefusesChanges()
      throws Exception {
    create(base, admin, spec("payments", "payments-ns", "tq"));
    Path file = dir.resolve("registry.json");
    // an edit under version control: a new endpoint appears in the file
    List<NexusEndpoint> edited = new ArrayList<>(file());
    edited.add(
        NexusEndpoint.newBuilder()
            .setName("shipping")
            .setTargetNamespace("billing-ns")
            .setTargetTaskQueue("ship")
            .setVersion(4)
            .build());
    RegistryFiles.save(file, edited);
    assertThat(get(base, reader, "shipping").resourceVersion()).isEqualTo("4");

    String broken = "{\"schemaVersion\": 1, \"endpoints\": [ {\"name\": \"oops\"} ]}";
    Files.writeString(file, broken);
    Answer read = get(base, reader, "shipping");
    Answer change = create(base, admin, spec("refunds", "payments-ns", "tq"));

    assertThat(read.status()).as("reads keep the last good state").isEqualTo(200);
    assertThat(change.status()).isEqualTo(503);
    assertThat(change.error()).isEqualTo("registry_unavailable");
    assertThat((String) change.body().get("message"))
        .contains("cannot be read")
        .contains("Nothing was changed");
    assertThat(Files.readString(file)).isEqualTo(broken);
    assertThat(auditLine(dir, change.requestId()))
        .containsEntry("status", "UNAVAILABLE")
        .containsEntry("level", "LOG_LEVEL_ERROR");
  }

  private Answer rawPost(String path, String type, String body, String token) {
    HttpResponse<String> r =
        TestServers.send(
            HttpRequest.newBuilder(base.resolve(path))
                .timeout(Duration.ofSeconds(30))
                .header("Content-Type", type)
                .header("Authorization", "Bearer " + token)
                .POST(HttpRequest.BodyPublishers.ofString(body))
                .build());
    return new Answer(
        r.statusCode(),
        Map.of("error", r.body().replaceAll(".*\"error\":\"([a-z_]+)\".*", "$1")),
        r.headers().firstValue("X-Request-Id").orElse(""));
  }

  private static Map<String, Object> protectedSpec() {
    Map<String, Object> spec = spec("payments", "payments-ns", "payments-tq", "orders-ns");
    spec.put("payloadProtection", "pairwise");
    spec.put("servicePayloadProtections", Map.of("refunds", "shared:refunds-key"));
    return spec;
  }

  @Test
  void payloadProtection_roundTripsThroughTheApiAndTheFile_andChangesAreAudited() {
    Answer created = create(base, admin, protectedSpec());

    assertThat(created.status()).as(created.body().toString()).isEqualTo(201);
    @SuppressWarnings("unchecked")
    Map<String, Object> spec = (Map<String, Object>) created.endpoint().get("spec");
    assertThat(spec)
        .containsEntry("payloadProtection", "pairwise")
        .containsEntry("servicePayloadProtections", Map.of("refunds", "shared:refunds-key"));
    assertThat(get(base, reader, "payments").endpoint()).isEqualTo(created.endpoint());
    NexusEndpoint stored = file().get(0);
    assertThat(stored.getPayloadProtection("refunds"))
        .contains(PayloadProtection.shared("refunds-key"));
    assertThat(stored.getPayloadProtection("charges")).contains(PayloadProtection.pairwise());

    Map<String, Object> hpke = protectedSpec();
    hpke.put("payloadProtection", "hpke");
    Answer updated = update(base, admin, "payments", hpke, "1");

    assertThat(updated.status()).isEqualTo(200);
    assertThat(file().get(0).getDefaultPayloadProtection()).contains(PayloadProtection.hpke());
    assertThat(auditLine(dir, updated.requestId()).get("details").toString())
        .contains("changed_fields=[payload_protection]")
        .contains("payload_protection=pairwise")
        .contains("payload_protection=hpke");
  }

  @Test
  void update_leavingTheProtectionOut_removesIt_theSpecIsReplacedWhole() {
    create(base, admin, protectedSpec());

    Answer updated =
        update(base, admin, "payments", spec("payments", "payments-ns", "payments-tq"), "1");

    assertThat(updated.status()).isEqualTo(200);
    @SuppressWarnings("unchecked")
    Map<String, Object> spec = (Map<String, Object>) updated.endpoint().get("spec");
    assertThat(spec).doesNotContainKeys("payloadProtection", "servicePayloadProtections");
    assertThat(file().get(0).getPayloadProtection("refunds")).isEmpty();
  }

  @Test
  void invalidPayloadProtection_isRefusedWith400_namingEachField_andNothingIsStored() {
    Map<String, Object> bad = spec("payments", "payments-ns", "payments-tq");
    bad.put("payloadProtection", "rot13");
    Map<String, Object> services = new java.util.LinkedHashMap<>();
    services.put("refunds", "shared");
    services.put("", "pairwise");
    services.put("audit", 7);
    bad.put("servicePayloadProtections", services);

    Answer answer = create(base, admin, bad);

    assertThat(answer.status()).isEqualTo(400);
    assertThat(answer.error()).isEqualTo("invalid_argument");
    assertThat(answer.body().get("fieldErrors").toString())
        .contains(
            "field=spec.payloadProtection, message=value 'rot13' is not a payload protection; use"
                + " shared:<keyset>")
        .contains("field=spec.servicePayloadProtections.refunds, message=value 'shared' is not a")
        .contains("field=spec.servicePayloadProtections., message=value")
        .contains("non-empty Nexus service name")
        .contains("field=spec.servicePayloadProtections.audit, message=must be a string");
    assertThat(file()).isEmpty();

    Map<String, Object> notAnObject = spec("payments", "payments-ns", "payments-tq");
    notAnObject.put("servicePayloadProtections", List.of("pairwise"));
    Answer wrongType = create(base, admin, notAnObject);
    assertThat(wrongType.status()).isEqualTo(400);
    assertThat(wrongType.body().get("fieldErrors").toString())
        .contains("field=spec.servicePayloadProtections, message=must be a JSON object");
    assertThat(file()).isEmpty();
  }

  @Test
  void changingTheProtection_withoutAdminOnTheTarget_isRefusedWith403_andNothingChanges() {
    create(base, admin, protectedSpec());
    NexusEndpoint before = file().get(0);
    String dave = idp.token("dave", "role-developer", "orders-ns-admin");
    Map<String, Object> downgraded = protectedSpec();
    downgraded.put("payloadProtection", "authenticated");

    Answer answer = update(base, dave, "payments", downgraded, "1");

    assertThat(answer.status()).isEqualTo(403);
    assertThat(file()).containsExactly(before);
    assertThat(auditLine(dir, answer.requestId())).containsEntry("status", "PERMISSION_DENIED");
  }
}
