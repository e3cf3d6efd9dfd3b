package dev.nexussecurity.controlplane.internal;

import com.google.crypto.tink.KeysetHandle;
import dev.nexussecurity.api.EndpointRegistry;
import dev.nexussecurity.api.NexusEndpoint;
import dev.nexussecurity.api.internal.UntrustedText;
import dev.nexussecurity.controlplane.internal.Settings.TemporalStorage;
import dev.nexussecurity.core.InMemoryEndpointRegistry;
import dev.nexussecurity.core.keys.KeyDirectory;
import dev.nexussecurity.core.server.EndpointReconciler;
import dev.nexussecurity.core.server.ReconcileAction;
import dev.nexussecurity.core.server.ReconcileResult;
import dev.nexussecurity.core.server.ServerEndpointRegistry;
import dev.nexussecurity.core.server.ServerRegistryException;
import io.temporal.serviceclient.OperatorServiceStubs;
import java.security.GeneralSecurityException;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The Temporal server's Nexus endpoints as the management API's storage. The source of truth is
 * what the server holds: each endpoint carries its policy (target, allowlist, description, registry
 * version) signed with the registry's private keyset, and the registry manifest, signed too, lists
 * the registry's endpoints. Reads come from a {@link ServerEndpointRegistry} that verifies the
 * manifest and every policy with the keyset's public half, exactly as workers do. Each change reads
 * the server again, applies the change to that state under the registry's RBAC, and brings the
 * server in step with an {@link EndpointReconciler} (the endpoint, then a new manifest) before
 * answering. Changes are serialized within the process; a change the server does not take is
 * answered with 503 and leaves the registry as the server holds it.
 *
 * <p>The manifest expires (24 hours by default), so the store also reconciles on its own every
 * {@code manifestRenewIntervalSeconds}, which renews it once half of its lifetime is gone, and once
 * at start. On a cluster that has no manifest yet and no endpoint signed with the registry key, the
 * first of these writes it (an empty registry). When the server holds endpoints signed with the key
 * but no manifest that verifies, nothing is written: changes are refused until an operator restores
 * the registry (see the module's README).
 *
 * <p>With a key directory file ({@code registry.temporal.keyDirectory}), every reconcile also
 * publishes the namespace key directory ({@link EndpointReconciler.Builder#setKeyDirectory}): the
 * file as it is then, or its last good content while it is malformed ({@link KeyDirectoryFile},
 * reported by {@link #problems()}). Without one, a directory on the server is left alone.
 *
 * <p>One server process writes the registry of a cluster: a concurrent writer could overwrite a
 * change in the window between reading and writing.
 */
final class TemporalEndpointStore extends EndpointStore {
  private static final Logger log = LoggerFactory.getLogger(TemporalEndpointStore.class);

  private final OperatorServiceStubs stubs;
  private final KeysetHandle signingKeyset;
  private final TemporalStorage settings;
  private final KeyDirectoryFile keyDirectory;
  private final String manifestEndpointName;
  private final ServerEndpointRegistry reader;
  private final AutoCloseable connection;
  private final ScheduledExecutorService renewer;
  private final Object changeLock = new Object();
  private volatile Cached cached = new Cached(null, readOnly(List.of()));

  private record Cached(List<NexusEndpoint> source, InMemoryEndpointRegistry registry) {}

  /**
   * Starts reading the server's endpoints (now, then every refresh interval) and renewing the
   * manifest.
   *
   * @param keyDirectory the key directory file every reconcile publishes, or {@code null} to leave
   *     the directory on the server alone
   * @param connection closed with the store (the channel the stubs use), or {@code null}
   * @throws IllegalArgumentException when the keyset or the settings cannot be used
   */
  TemporalEndpointStore(
      OperatorServiceStubs stubs,
      KeysetHandle signingKeyset,
      TemporalStorage settings,
      KeyDirectoryFile keyDirectory,
      AutoCloseable connection) {
    this.stubs = stubs;
    this.keyDirectory = keyDirectory;
    this.signingKeyset = signingKeyset;
    this.settings = settings;
    this.connection = connection;
    this.manifestEndpointName =
        settings.manifestEndpointName().orElse(EndpointReconciler.DEFAULT_MANIFEST_ENDPOINT_NAME);
    KeysetHandle publicKeyset;
    try {
      publicKeyset = signingKeyset.getPublicKeysetHandle();
    } catch (GeneralSecurityException e) {
      throw new IllegalArgumentException(
          "the registry signing keyset has no public half: it is not a private signature keyset",
          e);
    }
    reconciler(readOnly(List.of())); // validates the keyset, audience and manifest settings
    ServerEndpointRegistry.Builder b =
        ServerEndpointRegistry.newBuilder()
            .setOperatorServiceStubs(stubs)
            .setRegistryPublicKeyset(publicKeyset)
            .setAudience(settings.audience())
            .setManifestEndpointName(manifestEndpointName)
            .setRefreshInterval(settings.refreshInterval())
            .setRequireInitialLoad(false);
    settings.stateFile().ifPresent(b::setStateFile);
    this.reader = b.start();
    renew();
    this.renewer =
        Executors.newSingleThreadScheduledExecutor(
            r -> {
              Thread t = new Thread(r, "control-plane-registry-renewal");
              t.setDaemon(true);
              return t;
            });
    long every = settings.manifestRenewInterval().toMillis();
    renewer.scheduleWithFixedDelay(this::renew, every, every, TimeUnit.MILLISECONDS);
  }

  @Override
  public String describe() {
    return "the Nexus endpoints of Temporal cluster '"
        + settings.audience()
        + "' (signed policies, manifest '"
        + manifestEndpointName
        + "')";
  }

  @Override
  public List<String> problems() {
    return keyDirectory == null ? List.of() : keyDirectory.problem().stream().toList();
  }

  @Override
  Optional<KeyDirectory> keyDirectory() {
    return keyDirectory == null ? Optional.empty() : Optional.of(reader.getKeyDirectory());
  }

  @Override
  List<String> keyDirectoryProblems() {
    List<String> out = new java.util.ArrayList<>(problems());
    reader
        .getStatus()
        .getKeyDirectoryProblems()
        .forEach(
            (ns, problem) -> out.add("namespace '" + UntrustedText.quote(ns) + "': " + problem));
    return out;
  }

  @Override
  Optional<String> reserved(String name) {
    return name.equals(manifestEndpointName)
        ? Optional.of("is the name of the registry manifest's endpoint, which is reserved")
        : Optional.empty();
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
      List<NexusEndpoint> current = current("nothing was changed");
      Applied applied = apply(current, operation);
      ReconcileResult result = reconcile(applied.registry());
      Optional<ReconcileResult.ActionResult> mine = actionFor(result, false, name);
      Optional<ReconcileResult.ActionResult> manifest = actionFor(result, true, name);
      String failure =
          mine.isEmpty() || failed(mine.get())
              ? "the change of endpoint "
                  + name
                  + " ("
                  + mine.map(ReconcileResult.ActionResult::getMessage).orElse("no action planned")
                  + ")"
              : manifest.isPresent() && failed(manifest.get())
                  ? "the registry manifest ("
                      + manifest.get().getMessage()
                      + "), so workers do not trust the change yet"
                  : null;
      refreshQuietly();
      if (failure != null) {
        log.warn("Endpoint {}: the Temporal server did not take {}", name, failure);
        throw new Refusal(
            503,
            "registry_not_updated",
            "The Temporal server did not take "
                + UntrustedText.quote(failure, 600)
                + ". The registry is as the server holds it: read the endpoint again and retry.");
      }
      return applied.change();
    }
  }

  /** Brings the server in step with the registry as it is, renewing the manifest when due. */
  private void renew() {
    synchronized (changeLock) {
      try {
        ReconcileResult r = reconcile(readOnly(current("the manifest was not renewed")));
        if (!r.isSuccess()) {
          log.warn("Renewing the registry manifest: {}", r);
        }
        refreshQuietly();
      } catch (RuntimeException e) {
        log.error(
            "The registry on the Temporal server could not be brought in step: {}",
            UntrustedText.quote(e.getMessage(), 600));
      }
    }
  }

  /**
   * The registry as the server holds it now: the endpoints the verified manifest lists, or none on
   * a cluster that has no manifest and no endpoint signed with the registry key.
   */
  private List<NexusEndpoint> current(String consequence) {
    try {
      reader.refresh();
      return reader.listEndpoints();
    } catch (ServerRegistryException e) {
      if (reader.getStatus().getManifestEpoch().isEmpty() && nothingSigned()) {
        log.info(
            "The Temporal server has no registry manifest and no endpoint signed with the registry"
                + " key: starting an empty registry");
        return List.of();
      }
      throw new Refusal(
          503,
          "registry_unavailable",
          "The registry on the Temporal server cannot be read ("
              + UntrustedText.quote(e.getMessage(), 600)
              + "); "
              + consequence
              + ". Retry when the server is reachable and holds a valid registry manifest.");
    }
  }

  /** Whether the server holds no endpoint signed with the registry key (a dry run, no change). */
  private boolean nothingSigned() {
    try {
      return reconciler(readOnly(List.of())).plan().getActions().stream()
          .noneMatch(a -> !a.isManifest() && a.getType() == ReconcileAction.Type.DELETE);
    } catch (ServerRegistryException e) {
      return false;
    }
  }

  private ReconcileResult reconcile(EndpointRegistry registry) {
    try {
      return reconciler(registry).reconcile();
    } catch (ServerRegistryException e) {
      throw new Refusal(
          503,
          "registry_unavailable",
          "The Temporal server's Nexus endpoints cannot be listed ("
              + UntrustedText.quote(e.getMessage(), 400)
              + "); nothing was changed.");
    }
  }

  private EndpointReconciler reconciler(EndpointRegistry registry) {
    EndpointReconciler.Builder b =
        EndpointReconciler.newBuilder()
            .setRegistry(registry)
            .setOperatorServiceStubs(stubs)
            .setRegistrySigningKeyset(signingKeyset)
            .setAudience(settings.audience())
            .setManifestEndpointName(manifestEndpointName)
            .setDeleteRemovedEndpoints(true);
    settings.manifestTargetNamespace().ifPresent(b::setManifestTargetNamespace);
    if (keyDirectory != null) {
      b.setKeyDirectory(keyDirectory.current());
    }
    return b.build();
  }

  private static Optional<ReconcileResult.ActionResult> actionFor(
      ReconcileResult result, boolean manifest, String name) {
    return result.getResults().stream()
        .filter(r -> r.getAction().isManifest() == manifest)
        .filter(r -> manifest || r.getAction().getEndpointName().equals(name))
        .findFirst();
  }

  private static boolean failed(ReconcileResult.ActionResult r) {
    return r.getOutcome() == ReconcileResult.Outcome.FAILED
        || r.getOutcome() == ReconcileResult.Outcome.SKIPPED;
  }

  private void refreshQuietly() {
    try {
      reader.refresh();
    } catch (ServerRegistryException e) {
      log.warn("Reading the server after a change failed; reads catch up at the next refresh");
    }
  }

  @Override
  public void close() {
    renewer.shutdownNow();
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
