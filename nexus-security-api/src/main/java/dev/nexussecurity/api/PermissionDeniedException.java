package dev.nexussecurity.api;

/**
 * A registry operation was refused because the principal lacks a permission. The concrete subclass
 * says which kind: {@link AccountRoleRequiredException} or {@link
 * NamespacePermissionRequiredException}.
 *
 * <pre>{@code
 * try { registry.create(principal, endpoint); }
 * catch (NamespacePermissionRequiredException e) {
 *   e.getNamespace(); // the namespace on which Admin is missing
 * }
 * }</pre>
 */
public abstract class PermissionDeniedException extends NexusSecurityException {
  private static final long serialVersionUID = 1L;

  private final String principalId;
  private final RegistryOperation operation;
  private final String endpointName;

  protected PermissionDeniedException(
      String principalId, RegistryOperation operation, String endpointName, String missing) {
    super(
        "Principal '"
            + principalId
            + "' may not "
            + operation.name().toLowerCase(java.util.Locale.ROOT)
            + (endpointName == null ? " endpoints" : " endpoint '" + endpointName + "'")
            + ": missing "
            + missing);
    this.principalId = principalId;
    this.operation = operation;
    this.endpointName = endpointName;
  }

  /** The refused principal's id. */
  public String getPrincipalId() {
    return principalId;
  }

  /** The refused operation. */
  public RegistryOperation getOperation() {
    return operation;
  }

  /** The endpoint concerned, or {@code null} for {@link RegistryOperation#LIST}. */
  public String getEndpointName() {
    return endpointName;
  }
}
