package dev.nexussecurity.api;

/**
 * Refused because the principal's account role is too weak for the operation: managing endpoints
 * needs {@link AccountRole#DEVELOPER} or higher, viewing needs any role but {@link
 * AccountRole#NONE}.
 *
 * <pre>{@code
 * catch (AccountRoleRequiredException e) { e.getActualRole(); e.getRequirement(); }
 * }</pre>
 */
public final class AccountRoleRequiredException extends PermissionDeniedException {
  private static final long serialVersionUID = 1L;

  private final AccountRole actualRole;
  private final String requirement;

  /**
   * @param requirement the role requirement in words, e.g. {@code "account role Developer or
   *     higher"}
   */
  public AccountRoleRequiredException(
      String principalId,
      RegistryOperation operation,
      String endpointName,
      AccountRole actualRole,
      String requirement) {
    super(principalId, operation, endpointName, requirement + " (has " + actualRole + ")");
    this.actualRole = actualRole;
    this.requirement = requirement;
  }

  /** The role the principal has. */
  public AccountRole getActualRole() {
    return actualRole;
  }

  /** The requirement in words, e.g. {@code "account role Developer or higher"}. */
  public String getRequirement() {
    return requirement;
  }
}
