package dev.nexussecurity.codec.tink.internal;

import com.google.protobuf.ByteString;
import dev.nexussecurity.api.PayloadBinding;
import java.util.Objects;

/**
 * The encryption context of a list of payloads, without the position: direction, endpoint, service,
 * operation, caller and handler namespace and binding id, as the UTF-8 values the v2 wire format
 * writes (empty for the fields a context-free payload does not have). Immutable.
 */
public final class PayloadContext {
  /** Direction value of a payload outside any Nexus call. */
  public static final String NONE = "NONE";

  final String direction;
  final String endpoint;
  final String service;
  final String operation;
  final String caller;
  final String handler;
  final String bindingId;
  final ByteString directionBytes;
  final ByteString endpointBytes;
  final ByteString serviceBytes;
  final ByteString operationBytes;
  final ByteString callerBytes;
  final ByteString handlerBytes;
  final ByteString bindingBytes;

  /** The direction as a length-prefixed context field (made once per context). */
  final byte[] directionField;

  /** Endpoint, service, operation, caller, handler and binding as length-prefixed fields. */
  final byte[] tailFields;

  private PayloadContext(
      ByteString direction,
      ByteString endpoint,
      ByteString service,
      ByteString operation,
      ByteString caller,
      ByteString handler,
      ByteString bindingId) {
    this.direction = direction.toStringUtf8();
    this.endpoint = endpoint.toStringUtf8();
    this.service = service.toStringUtf8();
    this.operation = operation.toStringUtf8();
    this.caller = caller.toStringUtf8();
    this.handler = handler.toStringUtf8();
    this.bindingId = bindingId.toStringUtf8();
    this.directionBytes = direction;
    this.endpointBytes = endpoint;
    this.serviceBytes = service;
    this.operationBytes = operation;
    this.callerBytes = caller;
    this.handlerBytes = handler;
    this.bindingBytes = bindingId;
    this.directionField = WireFormatV2.associatedData(directionBytes);
    this.tailFields = tail();
  }

  /** The context a received payload's metadata values name (not yet checked). */
  static PayloadContext received(
      ByteString direction,
      ByteString endpoint,
      ByteString service,
      ByteString operation,
      ByteString caller,
      ByteString handler,
      ByteString bindingId) {
    return new PayloadContext(direction, endpoint, service, operation, caller, handler, bindingId);
  }

  PayloadContext(
      String direction,
      String endpoint,
      String service,
      String operation,
      String caller,
      String handler,
      String bindingId) {
    this.direction = Objects.requireNonNull(direction, "direction");
    this.endpoint = Objects.requireNonNull(endpoint, "endpoint");
    this.service = Objects.requireNonNull(service, "service");
    this.operation = Objects.requireNonNull(operation, "operation");
    this.caller = Objects.requireNonNull(caller, "caller");
    this.handler = Objects.requireNonNull(handler, "handler");
    this.bindingId = Objects.requireNonNull(bindingId, "bindingId");
    this.directionBytes = ByteString.copyFromUtf8(direction);
    this.endpointBytes = ByteString.copyFromUtf8(endpoint);
    this.serviceBytes = ByteString.copyFromUtf8(service);
    this.operationBytes = ByteString.copyFromUtf8(operation);
    this.callerBytes = ByteString.copyFromUtf8(caller);
    this.handlerBytes = ByteString.copyFromUtf8(handler);
    this.bindingBytes = ByteString.copyFromUtf8(bindingId);
    this.directionField = WireFormatV2.associatedData(directionBytes);
    this.tailFields = tail();
  }

  private byte[] tail() {
    return WireFormatV2.associatedData(
        endpointBytes, serviceBytes, operationBytes, callerBytes, handlerBytes, bindingBytes);
  }

  /** The context of payloads travelling in {@code direction} within the call {@code binding}. */
  public static PayloadContext bound(PayloadBinding binding, PayloadBinding.Direction direction) {
    return new PayloadContext(
        direction.name(),
        binding.getEndpoint(),
        binding.getService(),
        binding.getOperation(),
        binding.getCallerNamespace(),
        binding.getHandlerNamespace(),
        binding.getBindingId());
  }

  /**
   * The context of payloads outside any Nexus call, written by {@code namespace} for itself (empty
   * when the codec has no namespace keys).
   */
  public static PayloadContext unbound(String namespace) {
    return new PayloadContext(NONE, "", "", "", namespace, namespace, "");
  }

  /** Whether this is a Nexus call's context (not {@link #NONE}). */
  public boolean isBound() {
    return !NONE.equals(direction);
  }

  /** The namespace that writes payloads in this context. */
  public String sender() {
    return "INPUT".equals(direction) || NONE.equals(direction) ? caller : handler;
  }

  /** The namespace that reads payloads in this context. */
  public String recipient() {
    return "INPUT".equals(direction) || NONE.equals(direction) ? handler : caller;
  }

  @Override
  public String toString() {
    return isBound()
        ? direction + " " + caller + " -> " + handler + " " + endpoint + "/" + service + "/"
            + operation
        : "NONE";
  }
}
