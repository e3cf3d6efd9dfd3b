package dev.nexussecurity.testing.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.google.protobuf.ByteString;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.temporal.api.common.v1.Payload;
import io.temporal.api.nexus.v1.Endpoint;
import io.temporal.api.nexus.v1.EndpointSpec;
import io.temporal.api.nexus.v1.EndpointTarget;
import io.temporal.api.operatorservice.v1.CreateNexusEndpointRequest;
import io.temporal.api.operatorservice.v1.DeleteNexusEndpointRequest;
import io.temporal.api.operatorservice.v1.GetNexusEndpointRequest;
import io.temporal.api.operatorservice.v1.ListNexusEndpointsRequest;
import io.temporal.api.operatorservice.v1.ListNexusEndpointsResponse;
import io.temporal.api.operatorservice.v1.OperatorServiceGrpc;
import io.temporal.api.operatorservice.v1.UpdateNexusEndpointRequest;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/** Exercised through the server's OperatorService over gRPC, as users and reconcilers call it. */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class NexusEndpointServiceTest {
  private InProcessTemporalServer server;
  private OperatorServiceGrpc.OperatorServiceBlockingStub operator;

  @BeforeAll
  void start() {
    server = InProcessTemporalServer.start(false, Duration.ofMillis(10));
    operator = OperatorServiceGrpc.newBlockingStub(server.getChannel());
  }

  @AfterAll
  void close() {
    server.close();
  }

  @Test
  void create_storesVersionOneAndGetListAndRoutesSeeIt() {
    Endpoint created = create(spec("created", "ns-a", "tq-a"));

    assertThat(created.getVersion()).isEqualTo(1);
    assertThat(created.getId()).isNotEmpty();
    assertThat(get(created.getId())).isEqualTo(created);
    assertThat(byName("created")).contains(created);
    assertThat(server.getRoutes().targetOf("created")).contains(new TaskQueueKey("ns-a", "tq-a"));
  }

  @Test
  void create_withTakenName_isAlreadyExistsAndKeepsTheFirst() {
    Endpoint first = create(spec("taken", "ns-a", "tq-a"));

    assertStatus(() -> create(spec("taken", "ns-b", "tq-b")), Status.Code.ALREADY_EXISTS, "taken");

    assertThat(byName("taken")).contains(first);
    assertThat(server.getRoutes().targetOf("taken")).contains(new TaskQueueKey("ns-a", "tq-a"));
  }

  static Stream<Arguments> invalidSpecs() {
    EndpointSpec valid = spec("valid-name", "ns", "tq");
    return Stream.of(
        Arguments.of("empty name", valid.toBuilder().setName("").build(), "name cannot be empty"),
        Arguments.of(
            "name with underscore",
            valid.toBuilder().setName("bad_name").build(),
            "does not match expected pattern"),
        Arguments.of(
            "name ending in a hyphen",
            valid.toBuilder().setName("bad-").build(),
            "does not match expected pattern"),
        Arguments.of(
            "name of 201 characters",
            valid.toBuilder().setName("a".repeat(201)).build(),
            "201 characters; at most 200"),
        Arguments.of("no target", valid.toBuilder().clearTarget().build(), "worker target"),
        Arguments.of(
            "external target",
            valid.toBuilder()
                .setTarget(
                    EndpointTarget.newBuilder()
                        .setExternal(EndpointTarget.External.newBuilder().setUrl("http://x")))
                .build(),
            "worker target"),
        Arguments.of(
            "blank namespace", spec("valid-name", " ", "tq"), "namespace must be non-blank"),
        Arguments.of(
            "empty task queue", spec("valid-name", "ns", ""), "task queue must be non-empty"),
        Arguments.of(
            "task queue of 1001 bytes",
            spec("valid-name", "ns", "q".repeat(1001)),
            "1001 bytes; at most 1000"),
        Arguments.of(
            "reserved task queue",
            spec("valid-name", "ns", "/_sys/tq"),
            "must not start with /_sys/"),
        Arguments.of(
            "description of 20001 bytes",
            valid.toBuilder()
                .setDescription(Payload.newBuilder().setData(ByteString.copyFrom(new byte[20_001])))
                .build(),
            "20001 bytes; at most 20000"));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("invalidSpecs")
  void create_withInvalidSpec_isInvalidArgumentAndStoresNothing(
      String description, EndpointSpec spec, String expectedMessage) {
    List<Endpoint> before = all();

    assertStatus(() -> create(spec), Status.Code.INVALID_ARGUMENT, expectedMessage);

    assertThat(all()).isEqualTo(before);
  }

  @Test
  void update_keepingTheName_keepsIdRaisesVersionByOneAndRoutesToTheNewTarget() {
    Endpoint created = create(spec("kept-name", "ns-a", "tq-a"));

    Endpoint updated = update(created, spec("kept-name", "ns-b", "tq-b"));

    assertThat(updated.getId()).isEqualTo(created.getId());
    assertThat(updated.getVersion()).isEqualTo(2);
    assertThat(updated.getSpec().getTarget().getWorker().getNamespace()).isEqualTo("ns-b");
    assertThat(get(created.getId())).isEqualTo(updated);
    assertThat(byName("kept-name")).contains(updated);
    assertThat(server.getRoutes().targetOf("kept-name")).contains(new TaskQueueKey("ns-b", "tq-b"));
    assertThat(all()).noneMatch(e -> e.getSpec().getName().startsWith("embedded-rename-"));

    Endpoint again = update(updated, spec("kept-name", "ns-c", "tq-c"));
    assertThat(again.getVersion()).isEqualTo(3);
  }

  @Test
  void update_withRename_movesTheName() {
    Endpoint created = create(spec("old-name", "ns-a", "tq-a"));

    Endpoint renamed = update(created, spec("new-name", "ns-a", "tq-a"));

    assertThat(renamed.getVersion()).isEqualTo(2);
    assertThat(byName("old-name")).isEmpty();
    assertThat(byName("new-name")).contains(renamed);
    assertThat(server.getRoutes().targetOf("old-name")).isEmpty();
    assertThat(server.getRoutes().targetOf("new-name")).isPresent();
  }

  @Test
  void update_withStaleVersion_isRejectedAndNothingChanges() {
    Endpoint created = create(spec("stale-update", "ns-a", "tq-a"));
    Endpoint updated = update(created, spec("stale-update", "ns-b", "tq-b"));

    assertStatus(
        () -> update(created, spec("stale-update", "ns-c", "tq-c")),
        Status.Code.INVALID_ARGUMENT,
        "version mismatch. Expected: 2 Received: 1");

    assertThat(get(created.getId())).isEqualTo(updated);
    assertThat(server.getRoutes().targetOf("stale-update"))
        .contains(new TaskQueueKey("ns-b", "tq-b"));
  }

  @Test
  void update_withInvalidSpecOrTakenName_isRejectedAndNothingChanges() {
    Endpoint created = create(spec("update-invalid", "ns-a", "tq-a"));
    create(spec("update-other", "ns-a", "tq-a"));

    assertStatus(
        () -> update(created, spec("update-invalid", "ns-b", "/_sys/x")),
        Status.Code.INVALID_ARGUMENT,
        "/_sys/");
    assertStatus(
        () -> update(created, spec("update-other", "ns-b", "tq-b")),
        Status.Code.ALREADY_EXISTS,
        "update-other");

    assertThat(get(created.getId())).isEqualTo(created);
    assertThat(byName("update-invalid")).contains(created);
  }

  @Test
  void update_ofUnknownId_isNotFound() {
    assertStatus(
        () ->
            operator.updateNexusEndpoint(
                UpdateNexusEndpointRequest.newBuilder()
                    .setId("no-such-id")
                    .setVersion(1)
                    .setSpec(spec("whatever", "ns", "tq"))
                    .build()),
        Status.Code.NOT_FOUND,
        "no-such-id");
  }

  @Test
  void delete_withStaleVersion_isRejectedAndKeepsTheEndpoint() {
    Endpoint created = create(spec("stale-delete", "ns-a", "tq-a"));
    Endpoint updated = update(created, spec("stale-delete", "ns-a", "tq-b"));

    assertStatus(() -> delete(created), Status.Code.INVALID_ARGUMENT, "version mismatch");

    assertThat(get(created.getId())).isEqualTo(updated);
  }

  @Test
  void delete_removesEndpointNameAndRoute() {
    Endpoint created = create(spec("deleted", "ns-a", "tq-a"));
    Endpoint updated = update(created, spec("deleted", "ns-b", "tq-b"));

    delete(updated);

    assertStatus(() -> get(created.getId()), Status.Code.NOT_FOUND, created.getId());
    assertThat(byName("deleted")).isEmpty();
    assertThat(server.getRoutes().targetOf("deleted")).isEmpty();
    // The name is free again.
    assertThat(create(spec("deleted", "ns-c", "tq-c")).getVersion()).isEqualTo(1);
  }

  @Test
  void list_inPagesOfTwo_returnsEveryEndpointOnce() {
    for (int i = 0; i < 5; i++) {
      create(spec("paged-" + i, "ns", "tq"));
    }
    List<Endpoint> everything = all();

    List<Endpoint> paged = new ArrayList<>();
    ListNexusEndpointsRequest.Builder request =
        ListNexusEndpointsRequest.newBuilder().setPageSize(2);
    for (int pages = 0; pages < 100; pages++) {
      ListNexusEndpointsResponse page = operator.listNexusEndpoints(request.build());
      assertThat(page.getEndpointsCount()).isLessThanOrEqualTo(2);
      paged.addAll(page.getEndpointsList());
      if (page.getNextPageToken().isEmpty()) {
        break;
      }
      request.setNextPageToken(page.getNextPageToken());
    }

    assertThat(paged).containsExactlyElementsOf(everything);
    assertThat(everything).extracting(e -> e.getSpec().getName()).contains("paged-0", "paged-4");
  }

  // ---------------------------------------------------------------------------------------------

  private Endpoint create(EndpointSpec spec) {
    return operator
        .createNexusEndpoint(CreateNexusEndpointRequest.newBuilder().setSpec(spec).build())
        .getEndpoint();
  }

  private Endpoint update(Endpoint current, EndpointSpec spec) {
    return operator
        .updateNexusEndpoint(
            UpdateNexusEndpointRequest.newBuilder()
                .setId(current.getId())
                .setVersion(current.getVersion())
                .setSpec(spec)
                .build())
        .getEndpoint();
  }

  private void delete(Endpoint current) {
    operator.deleteNexusEndpoint(
        DeleteNexusEndpointRequest.newBuilder()
            .setId(current.getId())
            .setVersion(current.getVersion())
            .build());
  }

  private Endpoint get(String id) {
    return operator
        .getNexusEndpoint(GetNexusEndpointRequest.newBuilder().setId(id).build())
        .getEndpoint();
  }

  private Optional<Endpoint> byName(String name) {
    List<Endpoint> found =
        operator
            .listNexusEndpoints(ListNexusEndpointsRequest.newBuilder().setName(name).build())
            .getEndpointsList();
    assertThat(found).hasSizeLessThanOrEqualTo(1);
    return found.stream().findFirst();
  }

  private List<Endpoint> all() {
    return operator
        .listNexusEndpoints(ListNexusEndpointsRequest.newBuilder().setPageSize(1000).build())
        .getEndpointsList();
  }

  private static void assertStatus(Runnable call, Status.Code code, String messagePart) {
    assertThatThrownBy(call::run)
        .isInstanceOfSatisfying(
            StatusRuntimeException.class,
            e -> {
              assertThat(e.getStatus().getCode()).isEqualTo(code);
              assertThat(e.getStatus().getDescription()).contains(messagePart);
            });
  }

  private static EndpointSpec spec(String name, String namespace, String taskQueue) {
    return EndpointSpec.newBuilder()
        .setName(name)
        .setTarget(
            EndpointTarget.newBuilder()
                .setWorker(
                    EndpointTarget.Worker.newBuilder()
                        .setNamespace(namespace)
                        .setTaskQueue(taskQueue)))
        .build();
  }
}
