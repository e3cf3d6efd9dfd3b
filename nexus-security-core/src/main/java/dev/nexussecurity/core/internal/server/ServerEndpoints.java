package dev.nexussecurity.core.internal.server;

import com.google.protobuf.ByteString;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.temporal.api.nexus.v1.Endpoint;
import io.temporal.api.operatorservice.v1.ListNexusEndpointsRequest;
import io.temporal.api.operatorservice.v1.ListNexusEndpointsResponse;
import io.temporal.api.operatorservice.v1.OperatorServiceGrpc;
import io.temporal.serviceclient.OperatorServiceStubs;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.TimeUnit;

/** Reads the server's Nexus endpoints through the OperatorService. Thread-safe. */
public final class ServerEndpoints {
  /** Full listings restarted at most this often when the server rejects a page token. */
  static final int MAX_LISTING_ATTEMPTS = 3;

  private final OperatorServiceStubs stubs;
  private final int pageSize;
  private final int maxPages;
  private final Duration rpcTimeout;

  /**
   * @param maxPages the most pages one listing reads; a server that keeps answering with another
   *     page token beyond that ends the listing with an error
   */
  public ServerEndpoints(
      OperatorServiceStubs stubs, int pageSize, int maxPages, Duration rpcTimeout) {
    this.stubs = Objects.requireNonNull(stubs, "stubs");
    this.pageSize = pageSize;
    this.maxPages = maxPages;
    this.rpcTimeout = Objects.requireNonNull(rpcTimeout, "rpcTimeout");
  }

  /** A blocking stub with this reader's deadline, for one call. */
  public OperatorServiceGrpc.OperatorServiceBlockingStub stub() {
    return stubs.blockingStub().withDeadlineAfter(rpcTimeout.toMillis(), TimeUnit.MILLISECONDS);
  }

  /**
   * Every endpoint, page by page. A listing is not atomic: when the server rejects a page token
   * (the endpoint it names was deleted meanwhile: FAILED_PRECONDITION on a real server), or one
   * name shows up under two ids (deleted and re-created while paging), the listing starts over, a
   * few times at most.
   *
   * @throws StatusRuntimeException from the server, ABORTED when the listing stays inconsistent, or
   *     OUT_OF_RANGE when the server answers with more than {@code maxPages} pages
   */
  public List<Endpoint> listAll() {
    for (int attempt = 1; ; attempt++) {
      try {
        return listOnce();
      } catch (StatusRuntimeException e) {
        Status.Code code = e.getStatus().getCode();
        boolean restart = code == Status.Code.FAILED_PRECONDITION || code == Status.Code.ABORTED;
        if (!restart || attempt >= MAX_LISTING_ATTEMPTS) {
          throw e;
        }
      }
    }
  }

  private List<Endpoint> listOnce() {
    List<Endpoint> all = new ArrayList<>();
    Set<String> ids = new HashSet<>();
    Set<String> names = new HashSet<>();
    ByteString token = ByteString.EMPTY;
    int pages = 0;
    do {
      if (++pages > maxPages) {
        throw Status.OUT_OF_RANGE
            .withDescription(
                "the server still returned a next page token after "
                    + maxPages
                    + " pages of Nexus endpoints ("
                    + pageSize
                    + " per page, "
                    + all.size()
                    + " endpoints so far); the listing was stopped. Raise maxPages if the server"
                    + " really has more endpoints, otherwise the server's paging is broken")
            .asRuntimeException();
      }
      ListNexusEndpointsResponse page =
          stub()
              .listNexusEndpoints(
                  ListNexusEndpointsRequest.newBuilder()
                      .setPageSize(pageSize)
                      .setNextPageToken(token)
                      .build());
      for (Endpoint e : page.getEndpointsList()) {
        if (!ids.add(e.getId())) {
          throw Status.INTERNAL
              .withDescription(
                  "the server listed Nexus endpoint id " + e.getId() + " twice while paging")
              .asRuntimeException();
        }
        if (!names.add(e.getSpec().getName())) {
          throw Status.ABORTED
              .withDescription(
                  "the server listed Nexus endpoint name '"
                      + e.getSpec().getName()
                      + "' under two ids while paging")
              .asRuntimeException();
        }
        all.add(e);
      }
      ByteString next = page.getNextPageToken();
      if (!next.isEmpty() && next.equals(token)) {
        throw Status.INTERNAL
            .withDescription("the server returned the same page token twice while paging")
            .asRuntimeException();
      }
      token = next;
    } while (!token.isEmpty());
    return all;
  }

  /**
   * The endpoint named {@code name}, or {@code null} when there is none.
   *
   * @throws StatusRuntimeException from the server
   */
  public Endpoint findByName(String name) {
    ListNexusEndpointsResponse response =
        stub().listNexusEndpoints(ListNexusEndpointsRequest.newBuilder().setName(name).build());
    for (Endpoint e : response.getEndpointsList()) {
      if (e.getSpec().getName().equals(name)) {
        return e;
      }
    }
    return null;
  }
}
