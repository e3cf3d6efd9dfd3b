package dev.nexussecurity.core.server;

import com.google.protobuf.ByteString;
import io.grpc.ManagedChannel;
import io.grpc.Server;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.grpc.inprocess.InProcessChannelBuilder;
import io.grpc.inprocess.InProcessServerBuilder;
import io.grpc.stub.StreamObserver;
import io.temporal.api.nexus.v1.Endpoint;
import io.temporal.api.nexus.v1.EndpointSpec;
import io.temporal.api.operatorservice.v1.CreateNexusEndpointRequest;
import io.temporal.api.operatorservice.v1.CreateNexusEndpointResponse;
import io.temporal.api.operatorservice.v1.DeleteNexusEndpointRequest;
import io.temporal.api.operatorservice.v1.DeleteNexusEndpointResponse;
import io.temporal.api.operatorservice.v1.ListNexusEndpointsRequest;
import io.temporal.api.operatorservice.v1.ListNexusEndpointsResponse;
import io.temporal.api.operatorservice.v1.OperatorServiceGrpc;
import io.temporal.api.operatorservice.v1.UpdateNexusEndpointRequest;
import io.temporal.api.operatorservice.v1.UpdateNexusEndpointResponse;
import io.temporal.serviceclient.OperatorServiceStubs;
import io.temporal.serviceclient.OperatorServiceStubsOptions;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;
import java.util.Map;
import java.util.NavigableMap;
import java.util.Set;
import java.util.TreeMap;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Supplier;

/**
 * A small in-process OperatorService for unit tests of the reconciler and the server registry, with
 * the error semantics of a real Temporal server's Nexus endpoint methods (FAILED_PRECONDITION on a
 * version mismatch or an unknown page token, NOT_FOUND, ALREADY_EXISTS), plus hooks to inject
 * failures and concurrent changes. End-to-end behaviour is tested on the embedded Temporal server
 * elsewhere.
 */
public final class FakeOperatorService extends OperatorServiceGrpc.OperatorServiceImplBase
    implements AutoCloseable {
  private final NavigableMap<String, Endpoint> byId = new TreeMap<>();
  private final Deque<Supplier<StatusRuntimeException>> listFailures = new ArrayDeque<>();
  private final Deque<Runnable> beforeWrite = new ArrayDeque<>();
  private final Deque<Runnable> beforePage = new ArrayDeque<>();
  private final Set<String> missingNamespaces = ConcurrentHashMap.newKeySet();
  private volatile boolean endlessPages;
  private volatile boolean repeatedPageToken;
  public final AtomicInteger writes = new AtomicInteger();
  public final AtomicInteger lists = new AtomicInteger();
  private final Server server;
  private final ManagedChannel channel;
  private final OperatorServiceStubs stubs;

  public FakeOperatorService() throws Exception {
    String name = "fake-operator-" + UUID.randomUUID();
    server = InProcessServerBuilder.forName(name).directExecutor().addService(this).build().start();
    channel = InProcessChannelBuilder.forName(name).directExecutor().build();
    stubs =
        OperatorServiceStubs.newServiceStubs(
            OperatorServiceStubsOptions.newBuilder()
                .setChannel(channel)
                .validateAndBuildWithDefaults());
  }

  public OperatorServiceStubs stubs() {
    return stubs;
  }

  /** Every endpoint, ordered by id. */
  public synchronized List<Endpoint> all() {
    return new ArrayList<>(byId.values());
  }

  public synchronized Endpoint byName(String name) {
    for (Endpoint e : byId.values()) {
      if (e.getSpec().getName().equals(name)) {
        return e;
      }
    }
    return null;
  }

  /** Fails the next list call with {@code status}. */
  public synchronized void failNextList(Status status) {
    listFailures.add(status::asRuntimeException);
  }

  /** Runs {@code change} before the next request for a second or later page is answered. */
  public synchronized void beforeNextPage(Runnable change) {
    beforePage.add(change);
  }

  /** Runs {@code change} just before the next write is processed, as a concurrent writer would. */
  public synchronized void beforeNextWrite(Runnable change) {
    beforeWrite.add(change);
  }

  /** Answers every listing with empty pages and a new page token, forever (a broken server). */
  public void endlessEmptyPages() {
    endlessPages = true;
  }

  /** Answers every listing with an empty page and the same next page token (a broken server). */
  public void repeatedPageToken() {
    repeatedPageToken = true;
  }

  /** Makes writes targeting {@code namespace} fail as on a server that does not know it. */
  public void namespaceMissing(String namespace) {
    missingNamespaces.add(namespace);
  }

  /** Creates an endpoint directly (an administrator's change). */
  public synchronized Endpoint put(EndpointSpec spec) {
    return put(UUID.randomUUID().toString(), spec);
  }

  /** Creates an endpoint with id {@code id} directly. */
  public synchronized Endpoint put(String id, EndpointSpec spec) {
    for (Endpoint e : byId.values()) {
      if (e.getSpec().getName().equals(spec.getName())) {
        throw Status.ALREADY_EXISTS
            .withDescription("taken: " + spec.getName())
            .asRuntimeException();
      }
    }
    Endpoint e = Endpoint.newBuilder().setId(id).setVersion(1).setSpec(spec).build();
    byId.put(e.getId(), e);
    return e;
  }

  /** Replaces an endpoint's spec directly (an administrator's change), raising its version. */
  public synchronized Endpoint replace(String name, EndpointSpec spec) {
    Endpoint e = byName(name);
    Endpoint updated = e.toBuilder().setVersion(e.getVersion() + 1).setSpec(spec).build();
    byId.put(e.getId(), updated);
    return updated;
  }

  /** Deletes an endpoint directly. */
  public synchronized void remove(String name) {
    byId.remove(byName(name).getId());
  }

  private void runHooks() {
    Runnable hook;
    synchronized (this) {
      hook = beforeWrite.poll();
    }
    if (hook != null) {
      hook.run();
    }
  }

  private void checkNamespace(EndpointSpec spec) {
    if (missingNamespaces.contains(spec.getTarget().getWorker().getNamespace())) {
      throw Status.FAILED_PRECONDITION
          .withDescription(
              "namespace " + spec.getTarget().getWorker().getNamespace() + " not found")
          .asRuntimeException();
    }
  }

  @Override
  public void createNexusEndpoint(
      CreateNexusEndpointRequest request, StreamObserver<CreateNexusEndpointResponse> observer) {
    answer(
        observer,
        () -> {
          writes.incrementAndGet();
          runHooks();
          checkNamespace(request.getSpec());
          return CreateNexusEndpointResponse.newBuilder()
              .setEndpoint(put(request.getSpec()))
              .build();
        });
  }

  @Override
  public void updateNexusEndpoint(
      UpdateNexusEndpointRequest request, StreamObserver<UpdateNexusEndpointResponse> observer) {
    answer(
        observer,
        () -> {
          writes.incrementAndGet();
          runHooks();
          checkNamespace(request.getSpec());
          synchronized (this) {
            Endpoint e = current(request.getId(), request.getVersion());
            Endpoint updated =
                e.toBuilder().setVersion(e.getVersion() + 1).setSpec(request.getSpec()).build();
            byId.put(e.getId(), updated);
            return UpdateNexusEndpointResponse.newBuilder().setEndpoint(updated).build();
          }
        });
  }

  @Override
  public void deleteNexusEndpoint(
      DeleteNexusEndpointRequest request, StreamObserver<DeleteNexusEndpointResponse> observer) {
    answer(
        observer,
        () -> {
          writes.incrementAndGet();
          runHooks();
          synchronized (this) {
            byId.remove(current(request.getId(), request.getVersion()).getId());
            return DeleteNexusEndpointResponse.getDefaultInstance();
          }
        });
  }

  @Override
  public void listNexusEndpoints(
      ListNexusEndpointsRequest request, StreamObserver<ListNexusEndpointsResponse> observer) {
    answer(
        observer,
        () -> {
          lists.incrementAndGet();
          if (!request.getNextPageToken().isEmpty()) {
            Runnable hook;
            synchronized (this) {
              hook = beforePage.poll();
            }
            if (hook != null) {
              hook.run();
            }
          }
          synchronized (this) {
            Supplier<StatusRuntimeException> failure = listFailures.poll();
            if (failure != null) {
              throw failure.get();
            }
            ListNexusEndpointsResponse.Builder response = ListNexusEndpointsResponse.newBuilder();
            if (repeatedPageToken) {
              return response.setNextPageToken(ByteString.copyFromUtf8("again")).build();
            }
            if (endlessPages) {
              return response
                  .setNextPageToken(ByteString.copyFromUtf8(UUID.randomUUID().toString()))
                  .build();
            }
            if (!request.getName().isEmpty()) {
              Endpoint e = byName(request.getName());
              if (e != null) {
                response.addEndpoints(e);
              }
              return response.build();
            }
            int pageSize = request.getPageSize() > 0 ? request.getPageSize() : 100;
            Map<String, Endpoint> rest = byId;
            if (!request.getNextPageToken().isEmpty()) {
              String after = request.getNextPageToken().toStringUtf8();
              if (!byId.containsKey(after)) {
                throw Status.FAILED_PRECONDITION
                    .withDescription(
                        "could not find endpoint indicated by nexus list endpoints next page token")
                    .asRuntimeException();
              }
              rest = byId.tailMap(after, false);
            }
            String last = null;
            for (Endpoint e : rest.values()) {
              if (response.getEndpointsCount() == pageSize) {
                response.setNextPageToken(ByteString.copyFromUtf8(last));
                break;
              }
              response.addEndpoints(e);
              last = e.getId();
            }
            return response.build();
          }
        });
  }

  private Endpoint current(String id, long version) {
    Endpoint e = byId.get(id);
    if (e == null) {
      throw Status.NOT_FOUND
          .withDescription("endpoint ID " + id + " not found")
          .asRuntimeException();
    }
    if (e.getVersion() != version) {
      throw Status.FAILED_PRECONDITION
          .withDescription(
              "nexus endpoint version mismatch. received: "
                  + version
                  + " expected "
                  + e.getVersion())
          .asRuntimeException();
    }
    return e;
  }

  private interface Call<R> {
    R get();
  }

  private static <R> void answer(StreamObserver<R> observer, Call<R> call) {
    R response;
    try {
      response = call.get();
    } catch (StatusRuntimeException e) {
      observer.onError(e);
      return;
    }
    observer.onNext(response);
    observer.onCompleted();
  }

  @Override
  public void close() {
    try {
      stubs.shutdownNow();
      stubs.awaitTermination(5, TimeUnit.SECONDS);
      channel.shutdownNow();
      server.shutdownNow();
      server.awaitTermination(5, TimeUnit.SECONDS);
    } catch (InterruptedException e) {
      channel.shutdownNow();
      server.shutdownNow();
      Thread.currentThread().interrupt();
    }
  }
}
