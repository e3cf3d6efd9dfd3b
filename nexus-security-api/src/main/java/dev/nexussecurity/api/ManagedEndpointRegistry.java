package dev.nexussecurity.api;

import java.util.List;

/**
 * An endpoint registry that can be changed, under RBAC modelled on Temporal Cloud.
 *
 * <ul>
 *   <li>{@link #create}, {@link #update}, {@link #delete}: account role {@link
 *       AccountRole#DEVELOPER} or higher <b>and</b> {@link NamespacePermission#ADMIN} on the
 *       endpoint's target namespace; an update that moves the target needs Admin on both the old
 *       and the new target namespace.
 *   <li>{@link #get}, {@link #list}: any account role except {@link AccountRole#NONE}.
 * </ul>
 *
 * <p>Names are unique and immutable. Updates and deletes take the version the caller last read and
 * fail with {@link VersionConflictException} when it is stale; each successful update increments
 * the version. Refusals throw a subclass of {@link PermissionDeniedException} naming what is
 * missing.
 *
 * <pre>{@code
 * NexusEndpoint created = registry.create(admin, NexusEndpoint.newBuilder()
 *     .setName("payments").setTargetNamespace("payments-ns").setTargetTaskQueue("payments-nexus")
 *     .addAllowedCallerNamespace("orders-ns").build());           // version 1
 * NexusEndpoint updated = registry.update(admin,
 *     created.toBuilder().addAllowedCallerNamespace("billing-ns").build(),
 *     created.getVersion());                                       // version 2
 * registry.delete(admin, "payments", updated.getVersion());
 * }</pre>
 */
public interface ManagedEndpointRegistry extends EndpointRegistry {

  /**
   * Creates {@code endpoint} (its version is ignored) and returns it stored at version 1.
   *
   * @throws EndpointAlreadyExistsException if the name is taken
   * @throws PermissionDeniedException if {@code principal} may not create it
   */
  NexusEndpoint create(Principal principal, NexusEndpoint endpoint);

  /**
   * Replaces the endpoint named {@code endpoint.getName()} with {@code endpoint} if its current
   * version is {@code expectedVersion}, and returns the stored endpoint at the next version.
   *
   * @throws EndpointNotFoundException if there is no such endpoint
   * @throws VersionConflictException if the current version is not {@code expectedVersion}
   * @throws PermissionDeniedException if {@code principal} may not update it
   */
  NexusEndpoint update(Principal principal, NexusEndpoint endpoint, long expectedVersion);

  /**
   * Deletes endpoint {@code name} if its current version is {@code expectedVersion}.
   *
   * @throws EndpointNotFoundException if there is no such endpoint
   * @throws VersionConflictException if the current version is not {@code expectedVersion}
   * @throws PermissionDeniedException if {@code principal} may not delete it
   */
  void delete(Principal principal, String name, long expectedVersion);

  /**
   * Returns endpoint {@code name}.
   *
   * @throws EndpointNotFoundException if there is no such endpoint
   * @throws PermissionDeniedException if {@code principal} may not view endpoints
   */
  NexusEndpoint get(Principal principal, String name);

  /**
   * Returns all endpoints sorted by name.
   *
   * @throws PermissionDeniedException if {@code principal} may not view endpoints
   */
  List<NexusEndpoint> list(Principal principal);
}
