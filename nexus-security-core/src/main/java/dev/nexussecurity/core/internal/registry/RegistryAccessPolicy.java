package dev.nexussecurity.core.internal.registry;

import dev.nexussecurity.api.AccountRole;
import dev.nexussecurity.api.AccountRoleRequiredException;
import dev.nexussecurity.api.NamespacePermission;
import dev.nexussecurity.api.NamespacePermissionRequiredException;
import dev.nexussecurity.api.Principal;
import dev.nexussecurity.api.RegistryOperation;

/**
 * The registry's RBAC rules, modelled on Temporal Cloud: viewing needs any account role but {@link
 * AccountRole#NONE}; managing needs {@link AccountRole#DEVELOPER} or higher plus {@link
 * NamespacePermission#ADMIN} on each target namespace involved (implicit for Account Owner and
 * Global Admin).
 *
 * <p>Each check throws the api's typed refusal naming what is missing, or returns normally.
 *
 * <pre>{@code
 * RegistryAccessPolicy.requireManage(principal, RegistryOperation.CREATE, "payments");
 * RegistryAccessPolicy.requireNamespaceAdmin(principal, RegistryOperation.CREATE, "payments", "payments-ns");
 * }</pre>
 */
public final class RegistryAccessPolicy {
  /** The role requirement for create, update and delete, as named in refusals. */
  public static final String MANAGE_REQUIREMENT =
      "account role Developer or higher (Developer, Global Admin or Account Owner)";

  /** The role requirement for get and list, as named in refusals. */
  public static final String VIEW_REQUIREMENT = "an account role other than None";

  private RegistryAccessPolicy() {}

  /**
   * Requires a role that may view endpoints.
   *
   * @throws AccountRoleRequiredException if the principal's role is {@link AccountRole#NONE}
   */
  public static void requireView(
      Principal principal, RegistryOperation operation, String endpointName) {
    AccountRole role = principal.getAccountRole();
    if (!role.canViewEndpoints()) {
      throw new AccountRoleRequiredException(
          principal.getId(), operation, endpointName, role, VIEW_REQUIREMENT);
    }
  }

  /**
   * Requires a role that may manage endpoints.
   *
   * @throws AccountRoleRequiredException if the role is weaker than {@link AccountRole#DEVELOPER}
   */
  public static void requireManage(
      Principal principal, RegistryOperation operation, String endpointName) {
    AccountRole role = principal.getAccountRole();
    if (!role.canManageEndpoints()) {
      throw new AccountRoleRequiredException(
          principal.getId(), operation, endpointName, role, MANAGE_REQUIREMENT);
    }
  }

  /**
   * Requires Namespace Admin on {@code namespace}, explicit or implied by the account role.
   *
   * @throws NamespacePermissionRequiredException if the principal is not Admin there
   */
  public static void requireNamespaceAdmin(
      Principal principal, RegistryOperation operation, String endpointName, String namespace) {
    if (!principal.hasNamespacePermission(namespace, NamespacePermission.ADMIN)) {
      throw new NamespacePermissionRequiredException(
          principal.getId(), operation, endpointName, namespace, NamespacePermission.ADMIN);
    }
  }
}
