package dev.nexussecurity.api;

import java.time.Instant;
import java.util.Objects;
import java.util.Optional;

/**
 * Audit record of one successful registry change: who did what to which endpoint, with the versions
 * before and after.
 *
 * <pre>{@code
 * SecurityAuditListener listener = new SecurityAuditListener() {
 *   @Override public void onRegistryChange(RegistryChangeEvent e) {
 *     audit.write(e.getPrincipalId() + " " + e.getOperation() + " " + e.getEndpointName()
 *         + " v" + e.getVersionBefore() + "->v" + e.getVersionAfter());
 *   }
 * };
 * }</pre>
 */
public final class RegistryChangeEvent {
  private final Instant time;
  private final String principalId;
  private final RegistryOperation operation;
  private final String endpointName;
  private final NexusEndpoint before;
  private final NexusEndpoint after;

  /**
   * @param before the endpoint before the change; {@code null} for {@link RegistryOperation#CREATE}
   * @param after the endpoint after the change; {@code null} for {@link RegistryOperation#DELETE}
   */
  public RegistryChangeEvent(
      Instant time,
      String principalId,
      RegistryOperation operation,
      String endpointName,
      NexusEndpoint before,
      NexusEndpoint after) {
    this.time = Objects.requireNonNull(time, "time");
    this.principalId = Objects.requireNonNull(principalId, "principalId");
    this.operation = Objects.requireNonNull(operation, "operation");
    if (!operation.isWrite()) {
      throw new IllegalArgumentException(
          "a registry change is a write operation, got " + operation);
    }
    this.endpointName = Objects.requireNonNull(endpointName, "endpointName");
    this.before = before;
    this.after = after;
  }

  /** When the change was applied. */
  public Instant getTime() {
    return time;
  }

  /** Who made the change. */
  public String getPrincipalId() {
    return principalId;
  }

  /** CREATE, UPDATE or DELETE. */
  public RegistryOperation getOperation() {
    return operation;
  }

  /** The endpoint changed. */
  public String getEndpointName() {
    return endpointName;
  }

  /** The endpoint before the change; empty on create. */
  public Optional<NexusEndpoint> getBefore() {
    return Optional.ofNullable(before);
  }

  /** The endpoint after the change; empty on delete. */
  public Optional<NexusEndpoint> getAfter() {
    return Optional.ofNullable(after);
  }

  /** The version before the change; 0 on create. */
  public long getVersionBefore() {
    return before == null ? 0 : before.getVersion();
  }

  /** The version after the change; 0 on delete. */
  public long getVersionAfter() {
    return after == null ? 0 : after.getVersion();
  }

  @Override
  public String toString() {
    return "RegistryChangeEvent{"
        + operation
        + " endpoint="
        + endpointName
        + " by="
        + principalId
        + " version "
        + getVersionBefore()
        + "->"
        + getVersionAfter()
        + " at "
        + time
        + "}";
  }
}
