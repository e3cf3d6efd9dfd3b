package dev.nexussecurity.testing.internal;

import static org.assertj.core.api.Assertions.assertThat;

import io.temporal.api.nexus.v1.Endpoint;
import io.temporal.api.nexus.v1.EndpointSpec;
import io.temporal.api.nexus.v1.EndpointTarget;
import java.util.List;
import org.junit.jupiter.api.Test;

class NexusRoutesTest {
  private static final TaskQueueKey HANDLER = new TaskQueueKey("handler", "tq");
  private static final TaskQueueKey CALLER = new TaskQueueKey("caller", "tq");

  @Test
  void empty_hasNoTargets() {
    NexusRoutes routes = NexusRoutes.empty();
    assertThat(routes.targetOf("any")).isEmpty();
    assertThat(routes.isTarget(HANDLER)).isFalse();
    assertThat(routes.isTargetTaskQueue("tq")).isFalse();
    assertThat(routes.asMap()).isEmpty();
  }

  @Test
  void of_mapsEachEndpointToItsWorkerTarget() {
    NexusRoutes routes =
        NexusRoutes.of(List.of(endpoint("one", "handler", "tq"), endpoint("two", "other", "tq-2")));

    assertThat(routes.targetOf("one")).contains(HANDLER);
    assertThat(routes.targetOf("two")).contains(new TaskQueueKey("other", "tq-2"));
    assertThat(routes.isTarget(HANDLER)).isTrue();
    assertThat(routes.isTarget(CALLER)).isFalse();
    assertThat(routes.isTargetTaskQueue("tq")).isTrue();
    assertThat(routes.isTargetTaskQueue("tq-3")).isFalse();
  }

  @Test
  void of_ignoresEndpointsWithoutWorkerTarget() {
    Endpoint external =
        Endpoint.newBuilder()
            .setSpec(
                EndpointSpec.newBuilder()
                    .setName("external")
                    .setTarget(
                        EndpointTarget.newBuilder()
                            .setExternal(EndpointTarget.External.newBuilder().setUrl("http://x"))))
            .build();

    assertThat(NexusRoutes.of(List.of(external)).targetOf("external")).isEmpty();
  }

  @Test
  void destinationOf_knownEndpointOnSameQueueName_isItsTarget() {
    NexusRoutes routes = NexusRoutes.of(List.of(endpoint("one", "handler", "tq")));
    assertThat(routes.destinationOf("one", CALLER)).isEqualTo(HANDLER);
  }

  @Test
  void destinationOf_unknownEndpoint_isWhereTheTaskWasFound() {
    NexusRoutes routes = NexusRoutes.of(List.of(endpoint("one", "handler", "tq")));
    assertThat(routes.destinationOf("deleted", CALLER)).isEqualTo(CALLER);
    assertThat(routes.destinationOf("", CALLER)).isEqualTo(CALLER);
  }

  @Test
  void destinationOf_endpointNowOnAnotherQueueName_isWhereTheTaskWasFound() {
    NexusRoutes routes = NexusRoutes.of(List.of(endpoint("one", "handler", "moved-tq")));
    assertThat(routes.destinationOf("one", CALLER)).isEqualTo(CALLER);
  }

  @Test
  void asMap_isUnmodifiable() {
    NexusRoutes routes = NexusRoutes.of(List.of(endpoint("one", "handler", "tq")));
    assertThat(routes.asMap()).containsEntry("one", HANDLER);
    org.assertj.core.api.Assertions.assertThatThrownBy(() -> routes.asMap().clear())
        .isInstanceOf(UnsupportedOperationException.class);
  }

  private static Endpoint endpoint(String name, String namespace, String taskQueue) {
    return Endpoint.newBuilder()
        .setId(name)
        .setSpec(
            EndpointSpec.newBuilder()
                .setName(name)
                .setTarget(
                    EndpointTarget.newBuilder()
                        .setWorker(
                            EndpointTarget.Worker.newBuilder()
                                .setNamespace(namespace)
                                .setTaskQueue(taskQueue))))
        .build();
  }
}
