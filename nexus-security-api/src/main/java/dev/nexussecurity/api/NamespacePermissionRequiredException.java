package dev.nexussecurity.api;

/**
 * Refused because the principal lacks a permission on a namespace, e.g. Namespace Admin on an
 * endpoint's target (or on the new target when an update moves it).
 *
 * <pre>{@code
 * catch (NamespacePermissionRequiredException e) { e.getNamespace(); e.getRequired(); }
 * }</pre>
 */
public final class NamespacePermissionRequiredException extends PermissionDeniedException {
  private static final long serialVersionUID = 1L;

  private final String namespace;
  private final NamespacePermission required;

  public NamespacePermissionRequiredException(
      String principalId,
      RegistryOperation operation,
      String endpointName,
      String namespace,
      NamespacePermission required) {
    super(
        principalId,
        operation,
        endpointName,
        "Namespace " + required + " permission on namespace '" + namespace + "'");
    this.namespace = namespace;
    this.required = required;
  }

  /** The namespace on which the permission is missing. */
  public String getNamespace() {
    return namespace;
  }

  /** The missing permission. */
  public NamespacePermission getRequired() {
    return required;
  }
}
