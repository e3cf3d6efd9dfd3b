package dev.nexussecurity.core.internal.server;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.nexussecurity.core.server.FakeOperatorService;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.temporal.api.nexus.v1.Endpoint;
import io.temporal.api.nexus.v1.EndpointSpec;
import io.temporal.api.nexus.v1.EndpointTarget;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class ServerEndpointsTest {
  FakeOperatorService server;
  ServerEndpoints endpoints;

  @BeforeEach
  void start() throws Exception {
    server = new FakeOperatorService();
    endpoints = new ServerEndpoints(server.stubs(), 3, 10, Duration.ofSeconds(5));
  }

  @AfterEach
  void stop() throws Exception {
    server.close();
  }

  static EndpointSpec spec(String name) {
    return EndpointSpec.newBuilder()
        .setName(name)
        .setTarget(
            EndpointTarget.newBuilder()
                .setWorker(
                    EndpointTarget.Worker.newBuilder().setNamespace("ns").setTaskQueue("tq")))
        .build();
  }

  @Test
  void listAll_pagesThroughEverything() {
    for (int i = 0; i < 10; i++) {
      server.put(String.format("id-%02d", i), spec("ep-" + i));
    }
    assertThat(endpoints.listAll()).extracting(e -> e.getSpec().getName()).hasSize(10);
    assertThat(server.lists.get()).isEqualTo(4);
  }

  @Test
  void listAll_ofExactlyMaxPages_succeeds() {
    for (int i = 0; i < 29; i++) {
      server.put(String.format("id-%02d", i), spec("ep-" + i));
    }
    assertThat(endpoints.listAll()).hasSize(29);
    assertThat(server.lists.get()).isEqualTo(10);
  }

  @Test
  void listAll_ofAServerThatNeverStopsPaging_endsAfterMaxPages_withAClearError() {
    server.endlessEmptyPages();

    assertThatThrownBy(() -> endpoints.listAll())
        .isInstanceOf(StatusRuntimeException.class)
        .hasMessageContaining("OUT_OF_RANGE")
        .hasMessageContaining("still returned a next page token after 10 pages")
        .hasMessageContaining("3 per page, 0 endpoints so far");
    assertThat(server.lists.get()).as("pages read, no restart").isEqualTo(10);
  }

  @Test
  void listAll_ofAFullLastPage_stopsWithoutAnEmptyPage() {
    for (int i = 0; i < 6; i++) {
      server.put(String.format("id-%02d", i), spec("ep-" + i));
    }
    assertThat(endpoints.listAll()).hasSize(6);
    assertThat(server.lists.get()).isEqualTo(2);
  }

  @Test
  void rejectedPageToken_restartsTheListing() {
    for (int i = 0; i < 5; i++) {
      server.put(String.format("id-%02d", i), spec("ep-" + i));
    }
    // The endpoint the page token names is deleted between pages.
    server.beforeNextPage(() -> server.remove("ep-2"));
    List<Endpoint> all = endpoints.listAll();
    assertThat(all)
        .extracting(e -> e.getSpec().getName())
        .containsExactly("ep-0", "ep-1", "ep-3", "ep-4");
  }

  @Test
  void nameSeenUnderTwoIds_restartsTheListing_andFailsIfItPersists() {
    for (int i = 0; i < 4; i++) {
      server.put(String.format("id-%02d", i), spec("ep-" + i));
    }
    // ep-0 is deleted and re-created with a later id while the listing pages.
    server.beforeNextPage(
        () -> {
          server.remove("ep-0");
          server.put("id-99", spec("ep-0"));
        });
    assertThat(endpoints.listAll())
        .extracting(Endpoint::getId)
        .containsExactly("id-01", "id-02", "id-03", "id-99");

    // Every listing sees the endpoint with the smallest id on its first page re-created with a
    // later id.
    for (int i = 1; i <= ServerEndpoints.MAX_LISTING_ATTEMPTS; i++) {
      String newId = "id-9" + i;
      server.beforeNextPage(
          () -> {
            String name = server.all().get(0).getSpec().getName();
            server.remove(name);
            server.put(newId, spec(name));
          });
    }
    assertThatThrownBy(endpoints::listAll)
        .isInstanceOf(StatusRuntimeException.class)
        .hasMessageContaining("ABORTED")
        .hasMessageContaining("under two ids while paging");
    assertThat(server.all()).hasSize(4);
  }

  @Test
  void otherErrors_arePassedOn_withoutRetrying() {
    server.failNextList(Status.PERMISSION_DENIED);
    assertThatThrownBy(endpoints::listAll)
        .isInstanceOf(StatusRuntimeException.class)
        .hasMessageContaining("PERMISSION_DENIED");
    assertThat(server.lists.get()).isEqualTo(1);
  }

  @Test
  void findByName_returnsTheEndpointOrNull() {
    server.put(spec("payments"));
    assertThat(endpoints.findByName("payments").getSpec().getName()).isEqualTo("payments");
    assertThat(endpoints.findByName("other")).isNull();
  }

  @Test
  void listAll_ofOnePage_readsItOnce() {
    server.put("id-01", spec("ep-1"));
    server.put("id-02", spec("ep-2"));

    assertThat(endpoints.listAll())
        .extracting(e -> e.getSpec().getName())
        .containsExactly("ep-1", "ep-2");
    assertThat(server.lists.get()).isEqualTo(1);
  }

  @Test
  void listAll_ofAServerRepeatingItsPageToken_failsAtOnce_withoutRestarting() {
    server.repeatedPageToken();

    assertThatThrownBy(() -> endpoints.listAll())
        .isInstanceOf(StatusRuntimeException.class)
        .hasMessage("INTERNAL: the server returned the same page token twice while paging");
    assertThat(server.lists.get()).as("two pages, no restart").isEqualTo(2);
  }
}
