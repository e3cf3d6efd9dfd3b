package dev.nexussecurity.api;

import java.util.Objects;
import java.util.Optional;

/**
 * What one Nexus payload is bound to: the call it belongs to and the direction it travels in.
 *
 * <p>nexus-security's interceptors publish the binding of the call in progress through {@link
 * PayloadBindings}; a binding-aware payload codec (the Tink codec) writes it into the associated
 * data of every payload it protects and, on decode, refuses a payload whose associated data names
 * another call, operation, direction or position. The binding id is the id of the caller's identity
 * token, so an input that reaches handler code is provably the one the caller sent with that token.
 *
 * <pre>{@code
 * PayloadBinding binding = PayloadBinding.newBuilder()
 *     .setDirection(PayloadBinding.Direction.INPUT)
 *     .setBindingId(tokenId)
 *     .setCallerNamespace("orders")
 *     .setHandlerNamespace("payments")
 *     .setEndpoint("payments")
 *     .setService("PaymentsService")
 *     .setOperation("charge")
 *     .build();
 * }</pre>
 *
 * <p>Immutable; every field except the caller workflow id is required.
 */
public final class PayloadBinding {
  /** The direction a payload travels in. */
  public enum Direction {
    /** The operation input, caller to handler. */
    INPUT,
    /** A sync or workflow-run result, handler to caller. */
    RESULT,
    /** A failure's details, handler to caller. */
    FAILURE
  }

  private final Direction direction;
  private final String bindingId;
  private final String callerNamespace;
  private final String handlerNamespace;
  private final String endpoint;
  private final String service;
  private final String operation;
  private final String callerWorkflowId;

  private PayloadBinding(Builder b) {
    this.direction = b.direction;
    this.bindingId = b.bindingId;
    this.callerNamespace = b.callerNamespace;
    this.handlerNamespace = b.handlerNamespace;
    this.endpoint = b.endpoint;
    this.service = b.service;
    this.operation = b.operation;
    this.callerWorkflowId = b.callerWorkflowId;
  }

  /** Returns a builder with no field set. */
  public static Builder newBuilder() {
    return new Builder();
  }

  /** Returns a builder holding this binding's fields. */
  public Builder toBuilder() {
    Builder b = new Builder();
    b.direction = direction;
    b.bindingId = bindingId;
    b.callerNamespace = callerNamespace;
    b.handlerNamespace = handlerNamespace;
    b.endpoint = endpoint;
    b.service = service;
    b.operation = operation;
    b.callerWorkflowId = callerWorkflowId;
    return b;
  }

  /** Returns this binding with another direction (for the result of the same call). */
  public PayloadBinding withDirection(Direction newDirection) {
    return toBuilder().setDirection(newDirection).build();
  }

  public Direction getDirection() {
    return direction;
  }

  /** The caller identity token's id: unique per call, unpredictable, never reused. */
  public String getBindingId() {
    return bindingId;
  }

  public String getCallerNamespace() {
    return callerNamespace;
  }

  public String getHandlerNamespace() {
    return handlerNamespace;
  }

  public String getEndpoint() {
    return endpoint;
  }

  public String getService() {
    return service;
  }

  public String getOperation() {
    return operation;
  }

  /** The caller's workflow id, where known. */
  public Optional<String> getCallerWorkflowId() {
    return Optional.ofNullable(callerWorkflowId);
  }

  @Override
  public boolean equals(Object o) {
    if (!(o instanceof PayloadBinding)) {
      return false;
    }
    PayloadBinding that = (PayloadBinding) o;
    return direction == that.direction
        && bindingId.equals(that.bindingId)
        && callerNamespace.equals(that.callerNamespace)
        && handlerNamespace.equals(that.handlerNamespace)
        && endpoint.equals(that.endpoint)
        && service.equals(that.service)
        && operation.equals(that.operation)
        && Objects.equals(callerWorkflowId, that.callerWorkflowId);
  }

  @Override
  public int hashCode() {
    return Objects.hash(
        direction,
        bindingId,
        callerNamespace,
        handlerNamespace,
        endpoint,
        service,
        operation,
        callerWorkflowId);
  }

  @Override
  public String toString() {
    return "PayloadBinding{"
        + direction
        + " "
        + callerNamespace
        + " -> "
        + handlerNamespace
        + " "
        + endpoint
        + "/"
        + service
        + "/"
        + operation
        + "}";
  }

  /** Builder of {@link PayloadBinding}; {@link #build()} refuses a missing required field. */
  public static final class Builder {
    private Direction direction;
    private String bindingId;
    private String callerNamespace;
    private String handlerNamespace;
    private String endpoint;
    private String service;
    private String operation;
    private String callerWorkflowId;

    private Builder() {}

    public Builder setDirection(Direction direction) {
      this.direction = Objects.requireNonNull(direction, "direction");
      return this;
    }

    public Builder setBindingId(String bindingId) {
      this.bindingId = requireNonEmpty(bindingId, "bindingId");
      return this;
    }

    public Builder setCallerNamespace(String callerNamespace) {
      this.callerNamespace = requireNonEmpty(callerNamespace, "callerNamespace");
      return this;
    }

    public Builder setHandlerNamespace(String handlerNamespace) {
      this.handlerNamespace = requireNonEmpty(handlerNamespace, "handlerNamespace");
      return this;
    }

    public Builder setEndpoint(String endpoint) {
      this.endpoint = requireNonEmpty(endpoint, "endpoint");
      return this;
    }

    public Builder setService(String service) {
      this.service = requireNonEmpty(service, "service");
      return this;
    }

    public Builder setOperation(String operation) {
      this.operation = requireNonEmpty(operation, "operation");
      return this;
    }

    /** Sets the caller's workflow id; optional. */
    public Builder setCallerWorkflowId(String callerWorkflowId) {
      this.callerWorkflowId = requireNonEmpty(callerWorkflowId, "callerWorkflowId");
      return this;
    }

    /** Returns the binding; throws {@link IllegalStateException} naming a missing field. */
    public PayloadBinding build() {
      require(direction, "direction");
      require(bindingId, "bindingId");
      require(callerNamespace, "callerNamespace");
      require(handlerNamespace, "handlerNamespace");
      require(endpoint, "endpoint");
      require(service, "service");
      require(operation, "operation");
      return new PayloadBinding(this);
    }

    private static void require(Object value, String field) {
      if (value == null) {
        throw new IllegalStateException("PayloadBinding." + field + " is required but was not set");
      }
    }

    private static String requireNonEmpty(String value, String field) {
      Objects.requireNonNull(value, field);
      if (value.isEmpty()) {
        throw new IllegalArgumentException("PayloadBinding." + field + " must not be empty");
      }
      return value;
    }
  }
}
