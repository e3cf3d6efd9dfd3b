/**
 * The registry kept in step with the Temporal server: {@link
 * dev.nexussecurity.core.server.EndpointReconciler} writes a registry's endpoints to the server's
 * Nexus endpoints through the OperatorService, each with its policy (allowlist, target,
 * description) in the endpoint's description, signed with the registry key; {@link
 * dev.nexussecurity.core.server.ServerEndpointRegistry} reads them back in every worker and
 * verifies each policy with the registry's public keyset, denying every caller of an endpoint whose
 * policy fails.
 *
 * <pre>{@code
 * // Registry administrators (holding the private registry keyset):
 * EndpointReconciler.newBuilder()
 *     .setRegistry(registry).setOperatorServiceStubs(operator)
 *     .setRegistrySigningKeyset(registryPrivateKeyset)
 *     .build()
 *     .reconcile();
 *
 * // Workers (holding only the public registry keyset):
 * ServerEndpointRegistry workerRegistry = ServerEndpointRegistry.newBuilder()
 *     .setOperatorServiceStubs(operator)
 *     .setRegistryPublicKeyset(registryPublicKeyset)
 *     .start();
 * }</pre>
 *
 * <p>See {@code docs/server-registry.md} for the document format and the security model.
 */
package dev.nexussecurity.core.server;
