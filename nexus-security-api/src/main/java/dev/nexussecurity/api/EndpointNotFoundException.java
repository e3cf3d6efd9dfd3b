package dev.nexussecurity.api;

/**
 * The named endpoint is not in the registry.
 *
 * <pre>{@code
 * catch (EndpointNotFoundException e) { e.getEndpointName(); }
 * }</pre>
 */
public final class EndpointNotFoundException extends NexusSecurityException {
  private static final long serialVersionUID = 1L;
  private final String endpointName;

  public EndpointNotFoundException(String endpointName) {
    super("Nexus endpoint '" + endpointName + "' is not in the registry");
    this.endpointName = endpointName;
  }

  /** The name that was not found. */
  public String getEndpointName() {
    return endpointName;
  }
}
