/**
 * The registry kept in step with the Temporal server: {@link
 * dev.nexussecurity.core.server.EndpointReconciler} writes a registry's endpoints to the server's
 * Nexus endpoints through the OperatorService, each with its policy (allowlist, target,
 * description, cluster) in the endpoint's description, signed with the registry key, and then a
 * signed registry manifest (epoch, expiry, cluster, every endpoint with the digest of its policy);
 * {@link dev.nexussecurity.core.server.ServerEndpointRegistry} reads them back in every worker,
 * verifies the manifest and each policy with the registry's public keyset, denies every caller of
 * an endpoint whose policy fails or that the manifest does not list, and denies everything once it
 * has not verified a current manifest for longer than its maximum staleness.
 *
 * <pre>{@code
 * // Registry administrators (holding the private registry keyset):
 * EndpointReconciler.newBuilder()
 *     .setRegistry(registry).setOperatorServiceStubs(operator)
 *     .setRegistrySigningKeyset(registryPrivateKeyset)
 *     .setAudience("prod-eu")
 *     .build()
 *     .reconcile();
 *
 * // Workers (holding only the public registry keyset):
 * ServerEndpointRegistry workerRegistry = ServerEndpointRegistry.newBuilder()
 *     .setOperatorServiceStubs(operator)
 *     .setRegistryPublicKeyset(registryPublicKeyset)
 *     .setAudience("prod-eu")
 *     .setStateFile(stateFile)
 *     .start();
 * }</pre>
 *
 * <p>See {@code docs/server-registry.md} for the document format and the security model.
 */
package dev.nexussecurity.core.server;
