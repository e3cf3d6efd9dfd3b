package dev.nexussecurity.controlplane.internal;

import com.google.crypto.tink.KeysetHandle;
import dev.nexussecurity.api.NexusEndpoint;
import dev.nexussecurity.api.internal.UntrustedText;
import dev.nexussecurity.core.InMemoryEndpointRegistry;
import dev.nexussecurity.core.server.EndpointReconciler;
import dev.nexussecurity.core.server.ReconcileResult;
import dev.nexussecurity.core.server.ServerEndpointRegistry;
import dev.nexussecurity.core.server.ServerRegistryException;
import io.temporal.serviceclient.OperatorServiceStubs;
import java.security.GeneralSecurityException;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The Temporal server's Nexus endpoints as the management API's storage: the source of truth is
 * what the server holds, each endpoint carrying its policy (target, allowlist, description,
 * registry version) signed with the registry's private keyset. Reads come from a {@link
 * ServerEndpointRegistry} that verifies every policy with the keyset's public half, exactly as
 * workers do; each change reads the server again, applies the change to that state under the
 * registry's RBAC, and brings the server in step with an {@link EndpointReconciler} (create,
 * update, or delete of that one endpoint), then answers. Changes are serialized within the process;
 * a change the server does not take is answered with 503 and leaves the registry as the server
 * holds it. One server process writes the registry of a cluster: a concurrent writer could
 * overwrite a change in the window between reading and writing.
 */
final class TemporalEndpointStore extends EndpointStore {
  private static final Logger log = LoggerFactory.getLogger(TemporalEndpointStore.class);

  private final OperatorServiceStubs stubs;
  private final KeysetHandle signingKeyset;
  private final ServerEndpointRegistry reader;
  private final AutoCloseable connection;
  private final Object changeLock = new Object();
  private volatile Cached cached = new Cached(null, readOnly(List.of()));

  private record Cached(List<NexusEndpoint> source, InMemoryEndpointRegistry registry) {}

  /**
   * Starts reading the server's endpoints (once now, then every {@code refreshInterval}).
   *
   * @param connection closed with the store (the channel the stubs use), or {@code null}
   * @throws ServerRegistryException when the server's endpoints cannot be read now
   */
  TemporalEndpointStore(
      OperatorServiceStubs stubs,
      KeysetHandle signingKeyset,
      Duration refreshInterval,
      AutoCloseable connection) {
    this.stubs = stubs;
    this.signingKeyset = signingKeyset;
    this.connection = connection;
    KeysetHandle publicKeyset;
    try {
      publicKeyset = signingKeyset.getPublicKeysetHandle();
    } catch (GeneralSecurityException e) {
      throw new IllegalArgumentException(
          "the registry signing keyset has no public half: it is not a private signature keyset",
          e);
    }
    // validates the keyset: its primary must be a private signature key
    EndpointReconciler.newBuilder()
        .setRegistry(readOnly(List.of()))
        .setOperatorServiceStubs(stubs)
        .setRegistrySigningKeyset(signingKeyset)
        .build();
    this.reader =
        ServerEndpointRegistry.newBuilder()
            .setOperatorServiceStubs(stubs)
            .setRegistryPublicKeyset(publicKeyset)
            .setRefreshInterval(refreshInterval)
            .start();
  }

  @Override
  public String describe() {
    return "the Temporal server's Nexus endpoints (signed policies)";
  }

  @Override
  InMemoryEndpointRegistry readable() {
    List<NexusEndpoint> now = reader.listEndpoints();
    Cached c = cached;
    if (c.source() != now) {
      c = new Cached(now, readOnly(now));
      cached = c;
    }
    return c.registry();
  }

  @Override
  Change change(String name, Operation operation) {
    synchronized (changeLock) {
      try {
        reader.refresh();
      } catch (ServerRegistryException e) {
        throw new Refusal(
            503,
            "registry_unavailable",
            "The Temporal server's Nexus endpoints cannot be read ("
                + UntrustedText.quote(e.getMessage(), 400)
                + "); nothing was changed. Retry when the server is reachable.");
      }
      Applied applied = apply(reader.listEndpoints(), operation);
      ReconcileResult result;
      try {
        result =
            EndpointReconciler.newBuilder()
                .setRegistry(applied.registry())
                .setOperatorServiceStubs(stubs)
                .setRegistrySigningKeyset(signingKeyset)
                .setDeleteRemovedEndpoints(true)
                .build()
                .reconcile();
      } catch (ServerRegistryException e) {
        throw new Refusal(
            503,
            "registry_unavailable",
            "The Temporal server's Nexus endpoints cannot be read ("
                + UntrustedText.quote(e.getMessage(), 400)
                + "); nothing was changed.");
      }
      Optional<ReconcileResult.ActionResult> mine =
          result.getResults().stream()
              .filter(r -> r.getAction().getEndpointName().equals(name))
              .findFirst();
      if (mine.isEmpty()
          || mine.get().getOutcome() == ReconcileResult.Outcome.FAILED
          || mine.get().getOutcome() == ReconcileResult.Outcome.SKIPPED) {
        String why = mine.map(ReconcileResult.ActionResult::getMessage).orElse("no action planned");
        log.warn("Endpoint {}: the server did not take the change: {}", name, why);
        throw new Refusal(
            503,
            "registry_not_updated",
            "The Temporal server did not take the change of endpoint "
                + name
                + " ("
                + UntrustedText.quote(why, 600)
                + "); the registry is as the server holds it. Read the endpoint again and retry.");
      }
      try {
        reader.refresh();
      } catch (ServerRegistryException e) {
        log.warn("Reading the server after a change failed; reads catch up at the next refresh");
      }
      return applied.change();
    }
  }

  @Override
  public void close() {
    reader.close();
    if (connection != null) {
      try {
        connection.close();
      } catch (Exception e) {
        log.warn("Closing the Temporal connection: {}", e.toString());
      }
    }
  }

  @Override
  public String toString() {
    return "TemporalEndpointStore{" + reader.getStatus() + "}";
  }
}
