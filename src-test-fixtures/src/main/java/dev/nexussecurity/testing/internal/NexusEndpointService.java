package dev.nexussecurity.testing.internal;

import com.google.protobuf.ByteString;
import io.grpc.ServerMethodDefinition;
import io.grpc.ServerServiceDefinition;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.grpc.stub.ServerCalls;
import io.grpc.stub.StreamObserver;
import io.temporal.api.nexus.v1.Endpoint;
import io.temporal.api.nexus.v1.EndpointSpec;
import io.temporal.api.operatorservice.v1.CreateNexusEndpointRequest;
import io.temporal.api.operatorservice.v1.CreateNexusEndpointResponse;
import io.temporal.api.operatorservice.v1.DeleteNexusEndpointRequest;
import io.temporal.api.operatorservice.v1.DeleteNexusEndpointResponse;
import io.temporal.api.operatorservice.v1.GetNexusEndpointRequest;
import io.temporal.api.operatorservice.v1.GetNexusEndpointResponse;
import io.temporal.api.operatorservice.v1.ListNexusEndpointsRequest;
import io.temporal.api.operatorservice.v1.ListNexusEndpointsResponse;
import io.temporal.api.operatorservice.v1.OperatorServiceGrpc;
import io.temporal.api.operatorservice.v1.UpdateNexusEndpointRequest;
import io.temporal.api.operatorservice.v1.UpdateNexusEndpointResponse;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.NavigableMap;
import java.util.Objects;
import java.util.TreeMap;
import java.util.UUID;
import java.util.concurrent.locks.Lock;
import java.util.concurrent.locks.ReadWriteLock;
import java.util.concurrent.locks.ReentrantReadWriteLock;
import java.util.function.Consumer;
import java.util.regex.Pattern;

/**
 * Serves the Nexus endpoint methods of the OperatorService (create, update, delete, get, list) with
 * the semantics of a real server, and keeps the embedded server's own endpoint store in step for
 * scheduling.
 *
 * <p><b>Why.</b> The embedded server's endpoint store (temporal-testing 1.38.0) drops an endpoint
 * from its by-name index when it is updated without a rename, after which every
 * ScheduleNexusOperation on it fails with NOT_FOUND. A registry that keeps endpoints in step with
 * updates would break on it. Here, ids are stable, each update raises the version by exactly one,
 * and get/list answer from this class's own store. The embedded store is mirrored: same ids, same
 * specs; an update that keeps the name is applied there as a rename to a temporary name and back,
 * which restores its by-name index. That takes the write side of {@link #scheduleLock()}; workflow
 * task completions (the only place the embedded server looks an endpoint up by name) take the read
 * side, so none sees the temporary name.
 *
 * <p>Validation follows the real server: name pattern and at most 200 characters, worker target
 * with a non-blank namespace and a task queue that is non-empty, at most 1000 UTF-8 bytes and not
 * under {@code /_sys/}, description at most 20,000 bytes. Thread-safe.
 */
public final class NexusEndpointService {
  private static final Pattern NAME_PATTERN = Pattern.compile("^[a-zA-Z][a-zA-Z0-9-]*[a-zA-Z0-9]$");
  private static final int MAX_NAME_LENGTH = 200;
  private static final int MAX_TASK_QUEUE_BYTES = 1000;
  private static final int MAX_DESCRIPTION_BYTES = 20_000;
  private static final String RESERVED_TASK_QUEUE_PREFIX = "/_sys/";
  private static final int DEFAULT_PAGE_SIZE = 100;

  private record Stored(Endpoint endpoint, long mirrorVersion) {}

  private final OperatorServiceGrpc.OperatorServiceImplBase mirror;
  private final Consumer<List<Endpoint>> onChange;
  private final ReadWriteLock scheduleLock = new ReentrantReadWriteLock();
  private final NavigableMap<String, Stored> byId = new TreeMap<>();
  private final Map<String, String> idByName = new HashMap<>();

  /**
   * Creates the service.
   *
   * @param mirror the embedded server's own OperatorService, kept in step
   * @param onChange given every endpoint after each successful change, in change order, before the
   *     caller of the change gets its answer
   */
  public NexusEndpointService(
      OperatorServiceGrpc.OperatorServiceImplBase mirror, Consumer<List<Endpoint>> onChange) {
    this.mirror = Objects.requireNonNull(mirror, "mirror");
    this.onChange = Objects.requireNonNull(onChange, "onChange");
  }

  /**
   * The lock whose read side guards every lookup of an endpoint by name in the embedded server
   * (workflow task completion), and whose write side is held while the mirror is being repaired.
   */
  public Lock scheduleLock() {
    return scheduleLock.readLock();
  }

  /** Every endpoint, ordered by id; an unmodifiable snapshot. */
  public synchronized List<Endpoint> all() {
    List<Endpoint> all = new ArrayList<>(byId.size());
    for (Stored stored : byId.values()) {
      all.add(stored.endpoint());
    }
    return List.copyOf(all);
  }

  /**
   * Creates an endpoint; ALREADY_EXISTS if the name is taken, INVALID_ARGUMENT if the spec is bad.
   */
  public Endpoint create(EndpointSpec spec) {
    Endpoint created;
    synchronized (this) {
      validate(spec);
      if (idByName.containsKey(spec.getName())) {
        throw Status.ALREADY_EXISTS
            .withDescription("Nexus endpoint already registered with name: " + spec.getName())
            .asRuntimeException();
      }
      created =
          InJvmCalls.unary(
                  mirror::createNexusEndpoint,
                  CreateNexusEndpointRequest.newBuilder().setSpec(spec).build())
              .getEndpoint();
      byId.put(created.getId(), new Stored(created, created.getVersion()));
      idByName.put(spec.getName(), created.getId());
      onChange.accept(all());
    }
    return created;
  }

  /**
   * Replaces an endpoint's spec; the version must match and goes up by one. NOT_FOUND for an
   * unknown id, INVALID_ARGUMENT for a version mismatch or a bad spec, ALREADY_EXISTS for a rename
   * to a taken name.
   */
  public Endpoint update(String id, long version, EndpointSpec spec) {
    Endpoint updated;
    synchronized (this) {
      Stored previous = existing(id, version, "updating");
      validate(spec);
      String oldName = previous.endpoint().getSpec().getName();
      String newName = spec.getName();
      String holder = idByName.get(newName);
      if (holder != null && !holder.equals(id)) {
        throw Status.ALREADY_EXISTS
            .withDescription(
                "Error updating Nexus endpoint: endpoint already registered with updated name: "
                    + newName)
            .asRuntimeException();
      }
      long mirrorVersion = updateMirror(id, previous.mirrorVersion(), oldName, spec);
      updated = previous.endpoint().toBuilder().setVersion(version + 1).setSpec(spec).build();
      byId.put(id, new Stored(updated, mirrorVersion));
      idByName.remove(oldName);
      idByName.put(newName, id);
      onChange.accept(all());
    }
    return updated;
  }

  /** Deletes an endpoint; NOT_FOUND for an unknown id, INVALID_ARGUMENT for a version mismatch. */
  public void delete(String id, long version) {
    synchronized (this) {
      Stored previous = existing(id, version, "deleting");
      InJvmCalls.unary(
          mirror::deleteNexusEndpoint,
          DeleteNexusEndpointRequest.newBuilder()
              .setId(id)
              .setVersion(previous.mirrorVersion())
              .build());
      byId.remove(id);
      idByName.remove(previous.endpoint().getSpec().getName());
      onChange.accept(all());
    }
  }

  /** The endpoint with this id; NOT_FOUND if there is none. */
  public synchronized Endpoint get(String id) {
    Stored stored = byId.get(id);
    if (stored == null) {
      throw notFound(id);
    }
    return stored.endpoint();
  }

  /**
   * A page of endpoints ordered by id, or the one endpoint with {@code request.getName()} when set.
   * A page size of zero or less means {@value #DEFAULT_PAGE_SIZE}; the next-page token is the last
   * id of a full page.
   */
  public synchronized ListNexusEndpointsResponse list(ListNexusEndpointsRequest request) {
    ListNexusEndpointsResponse.Builder response = ListNexusEndpointsResponse.newBuilder();
    if (!request.getName().isEmpty()) {
      String id = idByName.get(request.getName());
      if (id != null) {
        response.addEndpoints(byId.get(id).endpoint());
      }
      return response.build();
    }
    int pageSize = request.getPageSize() > 0 ? request.getPageSize() : DEFAULT_PAGE_SIZE;
    NavigableMap<String, Stored> rest =
        request.getNextPageToken().isEmpty()
            ? byId
            : byId.tailMap(request.getNextPageToken().toStringUtf8(), false);
    String last = null;
    for (Stored stored : rest.values()) {
      if (response.getEndpointsCount() == pageSize) {
        break;
      }
      response.addEndpoints(stored.endpoint());
      last = stored.endpoint().getId();
    }
    if (response.getEndpointsCount() == pageSize && last != null && !last.equals(byId.lastKey())) {
      response.setNextPageToken(ByteString.copyFromUtf8(last));
    }
    return response.build();
  }

  /**
   * The embedded server's OperatorService with its five Nexus endpoint methods served by this
   * class; every other method is the embedded server's own.
   */
  public ServerServiceDefinition bind() {
    ServerServiceDefinition original = mirror.bindService();
    ServerServiceDefinition.Builder builder =
        ServerServiceDefinition.builder(original.getServiceDescriptor());
    builder.addMethod(
        OperatorServiceGrpc.getCreateNexusEndpointMethod(),
        ServerCalls.asyncUnaryCall(
            (CreateNexusEndpointRequest request,
                StreamObserver<CreateNexusEndpointResponse> observer) ->
                answer(
                    observer,
                    () ->
                        CreateNexusEndpointResponse.newBuilder()
                            .setEndpoint(create(request.getSpec()))
                            .build())));
    builder.addMethod(
        OperatorServiceGrpc.getUpdateNexusEndpointMethod(),
        ServerCalls.asyncUnaryCall(
            (UpdateNexusEndpointRequest request,
                StreamObserver<UpdateNexusEndpointResponse> observer) ->
                answer(
                    observer,
                    () ->
                        UpdateNexusEndpointResponse.newBuilder()
                            .setEndpoint(
                                update(request.getId(), request.getVersion(), request.getSpec()))
                            .build())));
    builder.addMethod(
        OperatorServiceGrpc.getDeleteNexusEndpointMethod(),
        ServerCalls.asyncUnaryCall(
            (DeleteNexusEndpointRequest request,
                StreamObserver<DeleteNexusEndpointResponse> observer) ->
                answer(
                    observer,
                    () -> {
                      delete(request.getId(), request.getVersion());
                      return DeleteNexusEndpointResponse.getDefaultInstance();
                    })));
    builder.addMethod(
        OperatorServiceGrpc.getGetNexusEndpointMethod(),
        ServerCalls.asyncUnaryCall(
            (GetNexusEndpointRequest request, StreamObserver<GetNexusEndpointResponse> observer) ->
                answer(
                    observer,
                    () ->
                        GetNexusEndpointResponse.newBuilder()
                            .setEndpoint(get(request.getId()))
                            .build())));
    builder.addMethod(
        OperatorServiceGrpc.getListNexusEndpointsMethod(),
        ServerCalls.asyncUnaryCall(
            (ListNexusEndpointsRequest request,
                StreamObserver<ListNexusEndpointsResponse> observer) ->
                answer(observer, () -> list(request))));
    for (ServerMethodDefinition<?, ?> method : original.getMethods()) {
      String name = method.getMethodDescriptor().getFullMethodName();
      if (!isServedHere(name)) {
        builder.addMethod(method);
      }
    }
    return builder.build();
  }

  private static boolean isServedHere(String fullMethodName) {
    return fullMethodName.equals(
            OperatorServiceGrpc.getCreateNexusEndpointMethod().getFullMethodName())
        || fullMethodName.equals(
            OperatorServiceGrpc.getUpdateNexusEndpointMethod().getFullMethodName())
        || fullMethodName.equals(
            OperatorServiceGrpc.getDeleteNexusEndpointMethod().getFullMethodName())
        || fullMethodName.equals(
            OperatorServiceGrpc.getGetNexusEndpointMethod().getFullMethodName())
        || fullMethodName.equals(
            OperatorServiceGrpc.getListNexusEndpointsMethod().getFullMethodName());
  }

  private interface Answer<R> {
    R get();
  }

  private static <R> void answer(StreamObserver<R> observer, Answer<R> answer) {
    R response;
    try {
      response = answer.get();
    } catch (StatusRuntimeException e) {
      observer.onError(e);
      return;
    } catch (RuntimeException e) {
      observer.onError(
          Status.INTERNAL.withDescription(e.toString()).withCause(e).asRuntimeException());
      return;
    }
    observer.onNext(response);
    observer.onCompleted();
  }

  /**
   * Applies an update to the mirror and returns its new version there. Caller holds this monitor.
   */
  private long updateMirror(String id, long mirrorVersion, String oldName, EndpointSpec spec) {
    Lock write = scheduleLock.writeLock();
    write.lock();
    try {
      long version = mirrorVersion;
      if (oldName.equals(spec.getName())) {
        // The mirror forgets the name on an update that keeps it: rename away and back.
        String temporary = "embedded-rename-" + UUID.randomUUID();
        version = mirrorUpdate(id, version, spec.toBuilder().setName(temporary).build());
      }
      return mirrorUpdate(id, version, spec);
    } finally {
      write.unlock();
    }
  }

  private long mirrorUpdate(String id, long version, EndpointSpec spec) {
    return InJvmCalls.unary(
            mirror::updateNexusEndpoint,
            UpdateNexusEndpointRequest.newBuilder()
                .setId(id)
                .setVersion(version)
                .setSpec(spec)
                .build())
        .getEndpoint()
        .getVersion();
  }

  private Stored existing(String id, long version, String action) {
    Stored stored = byId.get(id);
    if (stored == null) {
      throw notFound(id);
    }
    if (stored.endpoint().getVersion() != version) {
      throw Status.INVALID_ARGUMENT
          .withDescription(
              "Error "
                  + action
                  + " Nexus endpoint: version mismatch. Expected: "
                  + stored.endpoint().getVersion()
                  + " Received: "
                  + version)
          .asRuntimeException();
    }
    return stored;
  }

  private static StatusRuntimeException notFound(String id) {
    return Status.NOT_FOUND
        .withDescription("Could not find Nexus endpoint with ID: " + id)
        .asRuntimeException();
  }

  private static void validate(EndpointSpec spec) {
    String name = spec.getName();
    if (name.isEmpty()) {
      throw invalid("Nexus endpoint name cannot be empty");
    }
    if (name.length() > MAX_NAME_LENGTH) {
      throw invalid(
          "Nexus endpoint name has " + name.length() + " characters; at most " + MAX_NAME_LENGTH);
    }
    if (!NAME_PATTERN.matcher(name).matches()) {
      throw invalid(
          "Nexus endpoint name ("
              + name
              + ") does not match expected pattern: "
              + NAME_PATTERN.pattern());
    }
    if (!spec.hasTarget() || !spec.getTarget().hasWorker()) {
      throw invalid("Nexus endpoint " + name + " must have a worker target");
    }
    String namespace = spec.getTarget().getWorker().getNamespace();
    if (namespace.isBlank()) {
      throw invalid("Nexus endpoint " + name + ": target namespace must be non-blank");
    }
    String taskQueue = spec.getTarget().getWorker().getTaskQueue();
    if (taskQueue.isEmpty()) {
      throw invalid("Nexus endpoint " + name + ": target task queue must be non-empty");
    }
    int taskQueueBytes = taskQueue.getBytes(StandardCharsets.UTF_8).length;
    if (taskQueueBytes > MAX_TASK_QUEUE_BYTES) {
      throw invalid(
          "Nexus endpoint "
              + name
              + ": target task queue has "
              + taskQueueBytes
              + " bytes; at most "
              + MAX_TASK_QUEUE_BYTES);
    }
    if (taskQueue.startsWith(RESERVED_TASK_QUEUE_PREFIX)) {
      throw invalid(
          "Nexus endpoint "
              + name
              + ": target task queue must not start with "
              + RESERVED_TASK_QUEUE_PREFIX);
    }
    int descriptionBytes = spec.getDescription().getData().size();
    if (descriptionBytes > MAX_DESCRIPTION_BYTES) {
      throw invalid(
          "Nexus endpoint "
              + name
              + ": description has "
              + descriptionBytes
              + " bytes; at most "
              + MAX_DESCRIPTION_BYTES);
    }
  }

  private static StatusRuntimeException invalid(String message) {
    return Status.INVALID_ARGUMENT.withDescription(message).asRuntimeException();
  }
}
