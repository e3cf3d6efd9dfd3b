package dev.nexussecurity.api;

/**
 * Account-level roles, modelled on Temporal Cloud.
 *
 * <p>For the endpoint registry: managing endpoints (create, update, delete) needs {@link
 * #DEVELOPER} or higher ({@link #GLOBAL_ADMIN}, {@link #ACCOUNT_OWNER}) together with {@link
 * NamespacePermission#ADMIN} on the target namespace; viewing needs any role but {@link #NONE}, so
 * {@link #FINANCE_ADMIN} may view but not manage. {@link #ACCOUNT_OWNER} and {@link #GLOBAL_ADMIN}
 * hold Namespace Admin on every namespace implicitly.
 *
 * <pre>{@code
 * Principal dev = Principal.newBuilder("alice").setAccountRole(AccountRole.DEVELOPER).build();
 * }</pre>
 */
public enum AccountRole {
  /** Owns the account; implicitly Namespace Admin everywhere. */
  ACCOUNT_OWNER,
  /** Administers the account; implicitly Namespace Admin everywhere. */
  GLOBAL_ADMIN,
  /** Creates and manages resources, given Namespace Admin on the namespaces involved. */
  DEVELOPER,
  /** Manages billing; may view endpoints but not manage them. */
  FINANCE_ADMIN,
  /** May view everything, change nothing. */
  READ_ONLY,
  /** No account access at all; refused even for reads. */
  NONE;

  /** Whether this role can manage endpoints (given Namespace Admin on the target namespace). */
  public boolean canManageEndpoints() {
    return this == ACCOUNT_OWNER || this == GLOBAL_ADMIN || this == DEVELOPER;
  }

  /** Whether this role can view and list endpoints. */
  public boolean canViewEndpoints() {
    return this != NONE;
  }

  /** Whether this role holds {@link NamespacePermission#ADMIN} on every namespace implicitly. */
  public boolean isImplicitNamespaceAdmin() {
    return this == ACCOUNT_OWNER || this == GLOBAL_ADMIN;
  }
}
