package dev.nexussecurity.api;

/**
 * Operations on a {@link ManagedEndpointRegistry}, as named in permission errors and audit events.
 *
 * <pre>{@code
 * if (e.getOperation() == RegistryOperation.UPDATE) { ... }
 * }</pre>
 */
public enum RegistryOperation {
  /** Create an endpoint. */
  CREATE,
  /** Update an endpoint. */
  UPDATE,
  /** Delete an endpoint. */
  DELETE,
  /** Read one endpoint. */
  GET,
  /** List endpoints. */
  LIST;

  /** Whether this operation changes the registry. */
  public boolean isWrite() {
    return this == CREATE || this == UPDATE || this == DELETE;
  }
}
