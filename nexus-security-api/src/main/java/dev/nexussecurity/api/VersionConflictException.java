package dev.nexussecurity.api;

/**
 * An update or delete named a version that is no longer current: someone else changed the endpoint
 * since it was read. Re-read the endpoint, re-apply the change and retry with the new version.
 *
 * <pre>{@code
 * catch (VersionConflictException e) {
 *   NexusEndpoint fresh = registry.get(principal, e.getEndpointName());
 *   registry.update(principal, change(fresh), fresh.getVersion());
 * }
 * }</pre>
 */
public final class VersionConflictException extends NexusSecurityException {
  private static final long serialVersionUID = 1L;
  private final String endpointName;
  private final long expectedVersion;
  private final long actualVersion;

  public VersionConflictException(String endpointName, long expectedVersion, long actualVersion) {
    super(
        "Nexus endpoint '"
            + endpointName
            + "' is at version "
            + actualVersion
            + ", not the expected version "
            + expectedVersion
            + "; re-read it and retry with version "
            + actualVersion);
    this.endpointName = endpointName;
    this.expectedVersion = expectedVersion;
    this.actualVersion = actualVersion;
  }

  /** The endpoint. */
  public String getEndpointName() {
    return endpointName;
  }

  /** The version the caller expected. */
  public long getExpectedVersion() {
    return expectedVersion;
  }

  /** The current version. */
  public long getActualVersion() {
    return actualVersion;
  }
}
