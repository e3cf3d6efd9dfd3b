package dev.nexussecurity.testing.internal;

import com.google.protobuf.Descriptors.Descriptor;
import com.google.protobuf.Descriptors.FieldDescriptor;
import com.google.protobuf.Message;
import io.grpc.ForwardingServerCallListener.SimpleForwardingServerCallListener;
import io.grpc.Metadata;
import io.grpc.ServerCall;
import io.grpc.ServerCallHandler;
import io.grpc.ServerInterceptor;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * Remembers every namespace the server has seen, in first-seen order, by reading the {@code
 * namespace} field of each incoming request.
 *
 * <p>A Nexus task waits in its caller's namespace on the embedded server, and every caller
 * namespace shows up in requests (its workers poll it, clients start workflows in it) before it can
 * schedule a Nexus operation; so these are the namespaces a re-targeted poll has to look in.
 * Thread-safe.
 */
public final class NamespaceRecorder implements ServerInterceptor {
  private final ConcurrentMap<Descriptor, Optional<FieldDescriptor>> fieldByType =
      new ConcurrentHashMap<>();
  private final CopyOnWriteArrayList<String> namespaces = new CopyOnWriteArrayList<>();

  /** Records a namespace; blank names are ignored. */
  public void record(String namespace) {
    if (namespace != null && !namespace.isBlank() && !namespaces.contains(namespace)) {
      namespaces.addIfAbsent(namespace);
    }
  }

  /** Records the {@code namespace} field of a request message, if it has a non-blank one. */
  public void recordFrom(Object request) {
    if (!(request instanceof Message message)) {
      return;
    }
    Optional<FieldDescriptor> field =
        fieldByType.computeIfAbsent(
            message.getDescriptorForType(), NamespaceRecorder::namespaceField);
    if (field.isPresent()) {
      record((String) message.getField(field.get()));
    }
  }

  /** The namespaces seen so far, in first-seen order; an unmodifiable snapshot. */
  public List<String> snapshot() {
    return List.copyOf(namespaces);
  }

  @Override
  public <ReqT, RespT> ServerCall.Listener<ReqT> interceptCall(
      ServerCall<ReqT, RespT> call, Metadata headers, ServerCallHandler<ReqT, RespT> next) {
    return new SimpleForwardingServerCallListener<ReqT>(next.startCall(call, headers)) {
      @Override
      public void onMessage(ReqT message) {
        recordFrom(message);
        super.onMessage(message);
      }
    };
  }

  private static Optional<FieldDescriptor> namespaceField(Descriptor type) {
    FieldDescriptor field = type.findFieldByName("namespace");
    if (field == null
        || field.isRepeated()
        || field.getJavaType() != FieldDescriptor.JavaType.STRING) {
      return Optional.empty();
    }
    return Optional.of(field);
  }
}
