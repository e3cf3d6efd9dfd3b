package dev.nexussecurity.api;

/**
 * An endpoint with that name already exists; names are unique and immutable.
 *
 * <pre>{@code
 * catch (EndpointAlreadyExistsException e) { e.getEndpointName(); }
 * }</pre>
 */
public final class EndpointAlreadyExistsException extends NexusSecurityException {
  private static final long serialVersionUID = 1L;
  private final String endpointName;

  public EndpointAlreadyExistsException(String endpointName) {
    super(
        "Nexus endpoint '"
            + endpointName
            + "' already exists; update it with its current version, or choose another name");
    this.endpointName = endpointName;
  }

  /** The name that is taken. */
  public String getEndpointName() {
    return endpointName;
  }
}
