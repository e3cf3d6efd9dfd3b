package dev.nexussecurity.api;

/**
 * Per-namespace permissions, modelled on Temporal Cloud. Each permission includes the weaker ones:
 * {@link #ADMIN} includes {@link #WRITE}, which includes {@link #READ}.
 *
 * <pre>{@code
 * NamespacePermission.ADMIN.includes(NamespacePermission.WRITE); // true
 * }</pre>
 */
public enum NamespacePermission {
  /** Read the namespace's workflows. */
  READ,
  /** Read and write the namespace's workflows. */
  WRITE,
  /** Administer the namespace; required on an endpoint's target to manage that endpoint. */
  ADMIN;

  /** Whether holding this permission grants {@code required}. */
  public boolean includes(NamespacePermission required) {
    return compareTo(required) >= 0;
  }
}
