/**
 * Secure connections for Temporal workers: {@link dev.nexussecurity.connection.WorkerConnection}
 * builds {@code WorkflowServiceStubs} from Temporal's standard client configuration ({@code
 * io.temporal.envconfig} profiles and {@code TEMPORAL_*} environment variables) with mutual TLS, a
 * pinned server CA, a server name override or an API key; it refuses plaintext to non-loopback
 * addresses unless explicitly allowed, never sends credentials without TLS, and reloads
 * certificates from disk while the worker runs.
 *
 * <pre>{@code
 * try (WorkerConnection connection =
 *     WorkerConnection.open(WorkerConnectionOptions.newBuilder(ClientConfigProfile.load()).build())) {
 *   WorkflowClient client = WorkflowClient.newInstance(
 *       connection.getWorkflowServiceStubs(), connection.getWorkflowClientOptions());
 * }
 * }</pre>
 */
package dev.nexussecurity.connection;
