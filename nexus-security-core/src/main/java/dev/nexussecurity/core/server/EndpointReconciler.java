package dev.nexussecurity.core.server;

import com.google.crypto.tink.KeysetHandle;
import dev.nexussecurity.api.EndpointRegistry;
import dev.nexussecurity.api.NamespaceNames;
import dev.nexussecurity.api.NexusEndpoint;
import dev.nexussecurity.api.internal.UntrustedText;
import dev.nexussecurity.core.internal.server.Audience;
import dev.nexussecurity.core.internal.server.KeyDirectoryCodec;
import dev.nexussecurity.core.internal.server.PlannedStep;
import dev.nexussecurity.core.internal.server.PolicyCodec;
import dev.nexussecurity.core.internal.server.PolicySigner;
import dev.nexussecurity.core.internal.server.ReconcilePlanner;
import dev.nexussecurity.core.internal.server.ServerEndpoints;
import dev.nexussecurity.core.keys.KeyDirectory;
import dev.nexussecurity.core.keys.NamespacePublicKeys;
import io.grpc.StatusRuntimeException;
import io.temporal.api.common.v1.Payload;
import io.temporal.api.nexus.v1.Endpoint;
import io.temporal.api.operatorservice.v1.CreateNexusEndpointRequest;
import io.temporal.api.operatorservice.v1.DeleteNexusEndpointRequest;
import io.temporal.api.operatorservice.v1.UpdateNexusEndpointRequest;
import io.temporal.serviceclient.OperatorServiceStubs;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.SortedMap;
import java.util.TreeMap;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Brings the Temporal server's Nexus endpoints in step with an {@link EndpointRegistry}, through
 * the server's {@code OperatorService}, storing each endpoint's policy in its description as a
 * document signed with the registry key.
 *
 * <p>For each registry endpoint the reconciler creates the server endpoint when it is missing, and
 * updates it when its target or its signed policy (allowlist, description, registry version,
 * target, audience, signature) differs from the registry. Last, it writes the <b>registry
 * manifest</b>: one document, signed with the registry key, stored in the description of a reserved
 * endpoint ({@link Builder#setManifestEndpointName}), that lists every registry endpoint with the
 * SHA-256 of its policy, names the cluster ({@link Builder#setAudience audience}), and carries an
 * epoch that only grows and an expiry ({@link Builder#setManifestLifetime}). Workers trust an
 * endpoint only when the current manifest lists its policy, so removing an endpoint from the
 * registry revokes it on every worker with the next manifest, whether or not the server endpoint is
 * deleted. Server endpoints the registry no longer has are deleted only with {@link
 * Builder#setDeleteRemovedEndpoints(boolean) setDeleteRemovedEndpoints(true)}, and only when they
 * carry a policy that verifies under the registry key. Endpoints that nexus-security does not
 * manage (no policy in their description) are never changed or deleted unless {@link
 * Builder#setTakeOverUnmanagedEndpoints(boolean) setTakeOverUnmanagedEndpoints(true)} says so.
 *
 * <p><b>Key directory.</b> With {@link Builder#setKeyDirectory}, the reconciler also publishes a
 * namespace key directory: each namespace's public keys as an entry signed with the registry key,
 * in a reserved endpoint of its own ({@code <manifest endpoint name>-keys-<namespace>-<hash>}), and
 * the manifest lists each namespace with the SHA-256 of its entry. Workers read it with {@link
 * ServerEndpointRegistry#getKeyDirectory()}: an entry edited on the server, moved to another
 * namespace's endpoint, put back after a rotation or revocation, signed for another cluster, or of
 * a namespace the directory no longer has, is never used (see there). Plans show each entry's
 * creation, update and deletion like an endpoint's ({@link ReconcileAction#isKeyDirectoryEntry()}).
 *
 * <p><b>Run it regularly</b> (a scheduled job; every hour is plenty with the default 24-hour
 * lifetime): a run with nothing to change writes nothing, except a new manifest once the current
 * one has less than half its lifetime left. When the manifest expires, every worker denies every
 * endpoint ({@code REGISTRY_STALE}).
 *
 * <p>{@link #plan()} reads the registry and the server and returns a {@link ReconcilePlan} without
 * changing anything (a dry run); {@link #apply(ReconcilePlan)} executes one; {@link #reconcile()}
 * does both. Updates and deletes name the server version read when planning; when the server
 * reports that the endpoint changed meanwhile (FAILED_PRECONDITION on a real server), or any write
 * fails, the reconciler reads the endpoint again, plans it again and retries, up to {@link
 * Builder#setMaxAttempts(int) maxAttempts} writes per endpoint. A run right after a successful run
 * plans no change.
 *
 * <p><b>Security.</b> The reconciler holds the registry's <em>private</em> signing keyset (Tink,
 * Ed25519 recommended); workers hold only its public half (see {@link ServerEndpointRegistry}). Run
 * it where registry administrators run their tooling, not in workers. It needs a principal allowed
 * to call the OperatorService's Nexus endpoint methods (cluster admin on a self-hosted server). The
 * signing keyset is never logged or shown in {@code toString}.
 *
 * <pre>{@code
 * OperatorServiceStubs operator = OperatorServiceStubs.newServiceStubs(
 *     OperatorServiceStubsOptions.newBuilder().setChannel(workflowStubs.getRawChannel())
 *         .validateAndBuildWithDefaults());
 * EndpointReconciler reconciler = EndpointReconciler.newBuilder()
 *     .setRegistry(registry)                         // any EndpointRegistry
 *     .setOperatorServiceStubs(operator)
 *     .setRegistrySigningKeyset(registryPrivateKeyset)
 *     .setAudience("prod-eu")                        // the cluster; workers say the same
 *     .setKeyDirectory(NamespaceKeyDirectory.load(Path.of("key-directory.json")))  // optional
 *     .build();
 * ReconcilePlan plan = reconciler.plan();            // dry run
 * System.out.println(plan);
 * ReconcileResult result = reconciler.apply(plan);
 * if (!result.isSuccess()) { System.err.println(result); }
 * }</pre>
 *
 * <p>Thread-safe, but runs of one registry against one server should not overlap: each run is
 * correct on its own (concurrent changes are detected by version), yet two runs with different
 * registries would undo each other.
 */
public final class EndpointReconciler {
  /** Default number of write attempts per endpoint. */
  public static final int DEFAULT_MAX_ATTEMPTS = 5;

  /** Default page size of ListNexusEndpoints (the server's default maximum). */
  public static final int DEFAULT_PAGE_SIZE = 100;

  /** Default deadline of each OperatorService call. */
  public static final Duration DEFAULT_RPC_TIMEOUT = Duration.ofSeconds(10);

  /** Default most pages of ListNexusEndpoints one listing reads. */
  public static final int DEFAULT_MAX_PAGES = 1000;

  /** Default name of the reserved endpoint that holds the registry manifest. */
  public static final String DEFAULT_MANIFEST_ENDPOINT_NAME = "nexus-security-manifest";

  /**
   * Default target namespace of the manifest endpoint: Temporal's system namespace, which exists on
   * every self-hosted server (the server refuses an endpoint whose target namespace does not
   * exist). Nothing polls the manifest endpoint's task queue, and workers deny calls to it.
   */
  public static final String DEFAULT_MANIFEST_TARGET_NAMESPACE = "temporal-system";

  /** Default lifetime of a manifest; it is renewed once less than half of it is left. */
  public static final Duration DEFAULT_MANIFEST_LIFETIME = Duration.ofHours(24);

  private static final Logger log = LoggerFactory.getLogger(EndpointReconciler.class);

  private final EndpointRegistry registry;
  private final KeyDirectory keyDirectory;
  private final ServerEndpoints server;
  private final PolicySigner signer;
  private final ReconcilePlanner planner;
  private final String audience;
  private final boolean deleteRemoved;
  private final boolean takeOverUnmanaged;
  private final int maxAttempts;
  private final Clock clock;

  private EndpointReconciler(Builder b) {
    this.registry = b.registry;
    this.keyDirectory = b.keyDirectory;
    this.server = new ServerEndpoints(b.stubs, b.pageSize, b.maxPages, b.rpcTimeout);
    this.signer = PolicySigner.fromPrivateKeyset(b.signingKeyset);
    this.audience = b.audience;
    this.deleteRemoved = b.deleteRemoved;
    this.takeOverUnmanaged = b.takeOverUnmanaged;
    this.planner =
        new ReconcilePlanner(
            signer,
            audience,
            new ReconcilePlanner.ManifestSettings(
                b.manifestEndpointName,
                b.manifestTargetNamespace,
                b.manifestEndpointName,
                b.manifestLifetime),
            ServerEndpointRegistry.DEFAULT_CLOCK_SKEW,
            deleteRemoved,
            takeOverUnmanaged);
    this.maxAttempts = b.maxAttempts;
    this.clock = b.clock;
  }

  /** Returns a builder with the defaults. */
  public static Builder newBuilder() {
    return new Builder();
  }

  /**
   * Reads the registry and every server endpoint and plans what to change, without changing
   * anything. Policies to write are signed now, so the plan also reports those that would not fit
   * the server's description limit ({@link ReconcileAction.Type#ERROR}).
   *
   * @throws ServerRegistryException if the server's endpoints cannot be listed, or the key
   *     directory to publish is stale or lists a namespace it has no keys for
   */
  public ReconcilePlan plan() {
    List<NexusEndpoint> desired = registry.listEndpoints();
    Map<String, NamespacePublicKeys> directory = null;
    if (keyDirectory != null) {
      if (keyDirectory.isStale()) {
        throw new ServerRegistryException(
            "The key directory to publish is stale ("
                + keyDirectory.describeMissing("*")
                + "); publishing it would remove every namespace's keys, so nothing was changed."
                + " Give the reconciler the directory file (NamespaceKeyDirectory.load), not a"
                + " worker's view of the server.");
      }
      directory = new TreeMap<>();
      for (String namespace : keyDirectory.getNamespaces()) {
        NamespacePublicKeys keys =
            keyDirectory
                .findNamespace(namespace)
                .orElseThrow(
                    () ->
                        new ServerRegistryException(
                            "The key directory lists namespace '"
                                + UntrustedText.quote(namespace)
                                + "' but has no keys for it ("
                                + keyDirectory.describeMissing(namespace)
                                + "); nothing was changed."));
        directory.put(namespace, keys);
      }
    }
    List<Endpoint> actual;
    try {
      actual = server.listAll();
    } catch (StatusRuntimeException e) {
      throw new ServerRegistryException(
          "Cannot list the Nexus endpoints of the Temporal server ("
              + describe(e)
              + "); nothing was changed. Check the server address and TLS settings, and that this"
              + " principal may call the OperatorService's ListNexusEndpoints.",
          e);
    }
    Instant now = clock.instant();
    return new ReconcilePlan(planner.plan(desired, directory, actual, now), now);
  }

  /**
   * Executes {@code plan}: every endpoint change in the plan's order, then the manifest, with a
   * result per action. Errors and skipped actions are reported, not executed. A failed change does
   * not stop the others. The manifest is signed last, over what the server holds after the endpoint
   * changes: it lists every registry endpoint whose policy is now on the server (a failed create or
   * update leaves that endpoint out, so workers deny it rather than trust an outdated policy), and
   * it is written only when that differs from the manifest on the server or the manifest needs
   * renewing.
   */
  public ReconcileResult apply(ReconcilePlan plan) {
    Objects.requireNonNull(plan, "plan");
    List<ReconcileResult.ActionResult> results = new ArrayList<>(plan.getActions().size());
    SortedMap<String, String> listing = new TreeMap<>();
    SortedMap<String, String> directoryListing = new TreeMap<>();
    ReconcileAction manifestAction = null;
    for (ReconcileAction action : plan.getActions()) {
      if (action.isManifest()) {
        manifestAction = action;
        continue;
      }
      Executed executed = execute(action);
      results.add(executed.result());
      if (executed.onServer() != null && action.step().getDesired() != null) {
        listing.put(action.getEndpointName(), PolicyCodec.digest(executed.onServer()));
      }
      if (executed.onServer() != null && action.step().getDesiredKeys() != null) {
        directoryListing.put(
            action.step().getKeyNamespace(), KeyDirectoryCodec.digest(executed.onServer()));
      }
    }
    if (manifestAction != null) {
      // Without a directory of its own, the reconciler keeps the listing it planned (the server's
      // entries, which it does not touch).
      results.add(
          applyManifest(
              manifestAction,
              listing,
              keyDirectory == null
                  ? manifestAction.step().getDirectoryListing()
                  : directoryListing));
    }
    ReconcileResult result = new ReconcileResult(results);
    if (!result.isSuccess()) {
      log.warn("{}", result);
    }
    return result;
  }

  /**
   * Plans and applies in one go.
   *
   * @throws ServerRegistryException if the server's endpoints cannot be listed
   */
  public ReconcileResult reconcile() {
    return apply(plan());
  }

  /**
   * The result of one endpoint action, and the description its server endpoint holds afterwards
   * with the registry's policy ({@code null} when it holds none of ours: failed, skipped, deleted).
   */
  private record Executed(ReconcileResult.ActionResult result, Payload onServer) {}

  private Executed execute(ReconcileAction action) {
    PlannedStep step = action.step();
    ReconcileResult.Outcome outcome =
        switch (action.getType()) {
          case UNCHANGED -> ReconcileResult.Outcome.UNCHANGED;
          case SKIP -> ReconcileResult.Outcome.SKIPPED;
          case ERROR -> ReconcileResult.Outcome.FAILED;
          default -> null;
        };
    if (outcome == null) {
      return change(action, step);
    }
    Payload onServer =
        outcome == ReconcileResult.Outcome.UNCHANGED && step.getServer() != null
            ? step.getServer().getSpec().getDescription()
            : null;
    return new Executed(
        new ReconcileResult.ActionResult(
            action, outcome, 0, action.getServerVersion(), action.getReason()),
        onServer);
  }

  /** Plans the manifest again over what the server now holds, then writes it if needed. */
  private ReconcileResult.ActionResult applyManifest(
      ReconcileAction action,
      SortedMap<String, String> listing,
      SortedMap<String, String> directoryListing) {
    PlannedStep step =
        planner.planManifest(listing, directoryListing, action.step().getServer(), clock.instant());
    switch (step.getType()) {
      case UNCHANGED:
        return new ReconcileResult.ActionResult(
            action,
            ReconcileResult.Outcome.UNCHANGED,
            0,
            step.getServer() == null ? 0 : step.getServer().getVersion(),
            step.getReason());
      case ERROR:
        return failed(action, 0, step, step.getReason());
      default:
        return change(action, step).result();
    }
  }

  private Executed change(ReconcileAction action, PlannedStep first) {
    PlannedStep step = first;
    String name = step.getEndpointName();
    List<String> conflicts = new ArrayList<>();
    for (int attempt = 1; ; attempt++) {
      StatusRuntimeException failure;
      try {
        long version = write(step);
        String done = done(step, version);
        log.info("nexus-security reconciler: {}", done);
        return new Executed(
            new ReconcileResult.ActionResult(
                action,
                ReconcileResult.Outcome.APPLIED,
                attempt,
                version,
                done + conflictNote(conflicts)),
            step.getType() == ReconcileAction.Type.DELETE ? null : step.getSpec().getDescription());
      } catch (StatusRuntimeException e) {
        failure = e;
      }
      String refused =
          "the server refused to "
              + verb(step.getType())
              + " endpoint '"
              + name
              + "' ("
              + describe(failure)
              + ")";
      Endpoint fresh;
      try {
        fresh = server.findByName(name);
      } catch (StatusRuntimeException e) {
        return new Executed(
            failed(
                action,
                attempt,
                step,
                refused + "; reading it again failed too (" + describe(e) + ")"),
            null);
      }
      if (!changedSince(step.getServer(), fresh)) {
        return new Executed(failed(action, attempt, step, refused + conflictNote(conflicts)), null);
      }
      conflicts.add(
          "server version "
              + (step.getServer() == null ? "none" : Long.toString(step.getServer().getVersion()))
              + " became "
              + (fresh == null ? "none" : Long.toString(fresh.getVersion())));
      if (attempt >= maxAttempts) {
        return new Executed(
            failed(
                action,
                attempt,
                step,
                "gave up after "
                    + attempt
                    + " attempts: endpoint '"
                    + name
                    + "' kept changing on the server while being reconciled"
                    + conflictNote(conflicts)),
            null);
      }
      PlannedStep next;
      if (step.isManifest()) {
        next =
            planner.planManifest(
                step.getManifestListing(), step.getDirectoryListing(), fresh, clock.instant());
      } else if (step.isKeyDirectoryEntry()) {
        next =
            step.getDesiredKeys() == null
                ? (fresh == null ? null : planner.planRemovedEntry(fresh))
                : planner.planEntry(
                    step.getKeyNamespace(), step.getDesiredKeys(), fresh, clock.instant());
        if (next == null) {
          return new Executed(
              new ReconcileResult.ActionResult(
                  action,
                  ReconcileResult.Outcome.UNCHANGED,
                  attempt,
                  0,
                  "already deleted after a concurrent change" + conflictNote(conflicts)),
              null);
        }
      } else {
        next = planner.planOne(name, step.getDesired(), fresh, clock.instant());
      }
      switch (next.getType()) {
        case UNCHANGED:
          return new Executed(
              new ReconcileResult.ActionResult(
                  action,
                  ReconcileResult.Outcome.UNCHANGED,
                  attempt,
                  fresh == null ? 0 : fresh.getVersion(),
                  "already in step after a concurrent change" + conflictNote(conflicts)),
              fresh == null ? null : fresh.getSpec().getDescription());
        case SKIP:
          return new Executed(
              new ReconcileResult.ActionResult(
                  action,
                  ReconcileResult.Outcome.SKIPPED,
                  attempt,
                  fresh == null ? 0 : fresh.getVersion(),
                  "after a concurrent change: " + next.getReason() + conflictNote(conflicts)),
              null);
        case ERROR:
          return new Executed(
              failed(
                  action,
                  attempt,
                  next,
                  "after a concurrent change: " + next.getReason() + conflictNote(conflicts)),
              null);
        default:
          step = next;
      }
    }
  }

  private long write(PlannedStep step) {
    switch (step.getType()) {
      case CREATE:
        return server
            .stub()
            .createNexusEndpoint(
                CreateNexusEndpointRequest.newBuilder().setSpec(step.getSpec()).build())
            .getEndpoint()
            .getVersion();
      case UPDATE:
        return server
            .stub()
            .updateNexusEndpoint(
                UpdateNexusEndpointRequest.newBuilder()
                    .setId(step.getServer().getId())
                    .setVersion(step.getServer().getVersion())
                    .setSpec(step.getSpec())
                    .build())
            .getEndpoint()
            .getVersion();
      case DELETE:
        server
            .stub()
            .deleteNexusEndpoint(
                DeleteNexusEndpointRequest.newBuilder()
                    .setId(step.getServer().getId())
                    .setVersion(step.getServer().getVersion())
                    .build());
        return 0;
      default:
        throw new IllegalStateException("not a change: " + step);
    }
  }

  /** Whether the server endpoint is no longer the one the step was planned against. */
  private static boolean changedSince(Endpoint planned, Endpoint fresh) {
    if (planned == null || fresh == null) {
      return planned != fresh;
    }
    return !planned.getId().equals(fresh.getId()) || planned.getVersion() != fresh.getVersion();
  }

  private ReconcileResult.ActionResult failed(
      ReconcileAction action, int attempts, PlannedStep step, String message) {
    return new ReconcileResult.ActionResult(
        action,
        ReconcileResult.Outcome.FAILED,
        attempts,
        step.getServer() == null ? 0 : step.getServer().getVersion(),
        message);
  }

  private static String done(PlannedStep step, long version) {
    if (step.isKeyDirectoryEntry()) {
      return (step.getType() == ReconcileAction.Type.CREATE
              ? "created"
              : step.getType() == ReconcileAction.Type.UPDATE ? "updated" : "deleted")
          + " the key directory entry of namespace '"
          + step.getKeyNamespace()
          + "' (endpoint '"
          + step.getEndpointName()
          + "'"
          + (step.getType() == ReconcileAction.Type.DELETE ? "" : ", server version " + version)
          + "): "
          + step.getReason();
    }
    if (step.isManifest()) {
      return (step.getType() == ReconcileAction.Type.CREATE ? "created" : "updated")
          + " the registry manifest '"
          + step.getEndpointName()
          + "' (server version "
          + version
          + "): "
          + step.getReason();
    }
    switch (step.getType()) {
      case CREATE:
        return "created endpoint '" + step.getEndpointName() + "' (server version " + version + ")";
      case UPDATE:
        return "updated endpoint '"
            + step.getEndpointName()
            + "' to server version "
            + version
            + " ("
            + step.getReason()
            + ")";
      default:
        return "deleted endpoint '" + step.getEndpointName() + "' (" + step.getReason() + ")";
    }
  }

  private static String conflictNote(List<String> conflicts) {
    return conflicts.isEmpty()
        ? ""
        : " [re-read after concurrent changes: " + String.join(", ", conflicts) + "]";
  }

  private static String verb(ReconcileAction.Type type) {
    return type.name().toLowerCase(Locale.ROOT);
  }

  static String describe(StatusRuntimeException e) {
    String description = e.getStatus().getDescription();
    return e.getStatus().getCode() + (description == null ? "" : ": " + description);
  }

  @Override
  public String toString() {
    return "EndpointReconciler{audience="
        + audience
        + ", manifestEndpoint="
        + planner.getManifestEndpointName()
        + ", deleteRemovedEndpoints="
        + deleteRemoved
        + ", takeOverUnmanagedEndpoints="
        + takeOverUnmanaged
        + ", maxAttempts="
        + maxAttempts
        + ", signingKey="
        + (signer.getPrimaryKeyId() == null
            ? "raw primary key"
            : "primary key id " + Integer.toUnsignedString(signer.getPrimaryKeyId()))
        + "}";
  }

  /**
   * Configures an {@link EndpointReconciler}. Registry, stubs, signing keyset and audience are
   * required.
   *
   * <pre>{@code
   * EndpointReconciler reconciler = EndpointReconciler.newBuilder()
   *     .setRegistry(registry)
   *     .setOperatorServiceStubs(operator)
   *     .setRegistrySigningKeyset(registryPrivateKeyset)
   *     .setAudience("prod-eu")
   *     .setDeleteRemovedEndpoints(true)      // default false
   *     .build();
   * }</pre>
   */
  public static final class Builder {
    private EndpointRegistry registry;
    private KeyDirectory keyDirectory;
    private OperatorServiceStubs stubs;
    private KeysetHandle signingKeyset;
    private boolean deleteRemoved;
    private boolean takeOverUnmanaged;
    private int maxAttempts = DEFAULT_MAX_ATTEMPTS;
    private int pageSize = DEFAULT_PAGE_SIZE;
    private int maxPages = DEFAULT_MAX_PAGES;
    private Duration rpcTimeout = DEFAULT_RPC_TIMEOUT;
    private Clock clock = Clock.systemUTC();
    private String audience;
    private String manifestEndpointName = DEFAULT_MANIFEST_ENDPOINT_NAME;
    private String manifestTargetNamespace = DEFAULT_MANIFEST_TARGET_NAMESPACE;
    private Duration manifestLifetime = DEFAULT_MANIFEST_LIFETIME;

    private Builder() {}

    /**
     * The name of the Temporal cluster (deployment) this registry is for (required), for example
     * {@code prod-eu}: every policy and manifest is signed for it, and workers configured for
     * another cluster refuse them, so a staging registry cannot admit callers in production even
     * when both use the same registry key. 1 to 100 letters, digits, '.', '_' and '-'.
     */
    public Builder setAudience(String audience) {
      this.audience = Audience.requireValid("EndpointReconciler.audience", audience);
      return this;
    }

    /**
     * The name of the reserved server endpoint that holds the registry manifest (default {@value
     * #DEFAULT_MANIFEST_ENDPOINT_NAME}); workers must be given the same name. Two registries on one
     * server need two names.
     */
    public Builder setManifestEndpointName(String name) {
      this.manifestEndpointName =
          ServerEndpointRegistry.requireEndpointName(
              "EndpointReconciler.manifestEndpointName", name);
      return this;
    }

    /**
     * The namespace the manifest endpoint targets (default {@value
     * #DEFAULT_MANIFEST_TARGET_NAMESPACE}, which every self-hosted server has). It must exist on
     * the server; nothing is ever routed there.
     */
    public Builder setManifestTargetNamespace(String namespace) {
      this.manifestTargetNamespace =
          NamespaceNames.requireValid("EndpointReconciler.manifestTargetNamespace", namespace);
      return this;
    }

    /**
     * How long a manifest is valid (default 24 hours; 1 minute to 366 days). The reconciler signs a
     * new one once less than half is left, so run it more often than that. A shorter lifetime also
     * shortens how long a worker that starts without a state file can be handed an older, still
     * valid manifest.
     */
    public Builder setManifestLifetime(Duration lifetime) {
      if (lifetime == null
          || lifetime.compareTo(Duration.ofMinutes(1)) < 0
          || lifetime.compareTo(Duration.ofDays(366)) > 0) {
        throw new IllegalArgumentException(
            "EndpointReconciler.manifestLifetime must be between 1 minute and 366 days, got "
                + lifetime);
      }
      this.manifestLifetime = lifetime;
      return this;
    }

    /**
     * The most pages of ListNexusEndpoints one listing reads (default {@value #DEFAULT_MAX_PAGES};
     * 1 to 1,000,000); a server that keeps returning page tokens beyond that fails the listing.
     */
    public Builder setMaxPages(int maxPages) {
      if (maxPages < 1 || maxPages > 1_000_000) {
        throw new IllegalArgumentException(
            "EndpointReconciler.maxPages must be between 1 and 1000000, got " + maxPages);
      }
      this.maxPages = maxPages;
      return this;
    }

    /**
     * A namespace key directory to publish on the server with the registry (optional). Without one,
     * the reconciler leaves the key directory on the server as it is: it neither writes nor deletes
     * entries, and its manifests keep listing the entries the server still holds unchanged; to
     * withdraw a published directory, publish an empty one. Each namespace's entry is signed with
     * the registry key and stored in a reserved endpoint of its own; the manifest lists every
     * entry's digest. Read at every {@link EndpointReconciler#plan()} ({@code getNamespaces()} and
     * {@code findNamespace}), so a directory that reloads its file is published as it is at each
     * run. Workers read it with {@link ServerEndpointRegistry#getKeyDirectory()}. It holds public
     * keys only.
     */
    public Builder setKeyDirectory(KeyDirectory directory) {
      this.keyDirectory = Objects.requireNonNull(directory, "EndpointReconciler.keyDirectory");
      return this;
    }

    /** The registry to mirror onto the server (required); its {@code listEndpoints()} is read. */
    public Builder setRegistry(EndpointRegistry registry) {
      this.registry = Objects.requireNonNull(registry, "EndpointReconciler.registry");
      return this;
    }

    /** The server's OperatorService (required); not closed by the reconciler. */
    public Builder setOperatorServiceStubs(OperatorServiceStubs stubs) {
      this.stubs = Objects.requireNonNull(stubs, "EndpointReconciler.operatorServiceStubs");
      return this;
    }

    /**
     * The registry's private signature keyset (required), whose primary key signs the policies.
     * Validated in {@link #build()}.
     */
    public Builder setRegistrySigningKeyset(KeysetHandle privateKeyset) {
      this.signingKeyset =
          Objects.requireNonNull(privateKeyset, "EndpointReconciler.registrySigningKeyset");
      return this;
    }

    /**
     * Whether to delete server endpoints that the registry no longer has (default {@code false}).
     * Only endpoints whose policy verifies under the registry key are deleted.
     */
    public Builder setDeleteRemovedEndpoints(boolean delete) {
      this.deleteRemoved = delete;
      return this;
    }

    /**
     * Whether to take over endpoints that nexus-security does not manage (default {@code false}): a
     * registry endpoint whose name is taken on the server by an endpoint without a nexus-security
     * policy (or with one this key cannot verify) overwrites it; together with {@link
     * #setDeleteRemovedEndpoints(boolean) setDeleteRemovedEndpoints(true)}, every server endpoint
     * not in the registry is deleted, managed or not.
     */
    public Builder setTakeOverUnmanagedEndpoints(boolean takeOver) {
      this.takeOverUnmanaged = takeOver;
      return this;
    }

    /** Write attempts per endpoint when concurrent changes interfere; 1 to 100, default 5. */
    public Builder setMaxAttempts(int maxAttempts) {
      if (maxAttempts < 1 || maxAttempts > 100) {
        throw new IllegalArgumentException(
            "EndpointReconciler.maxAttempts must be between 1 and 100, got " + maxAttempts);
      }
      this.maxAttempts = maxAttempts;
      return this;
    }

    /** Page size of ListNexusEndpoints; 1 to 1000, default 100. */
    public Builder setPageSize(int pageSize) {
      if (pageSize < 1 || pageSize > 1000) {
        throw new IllegalArgumentException(
            "EndpointReconciler.pageSize must be between 1 and 1000, got " + pageSize);
      }
      this.pageSize = pageSize;
      return this;
    }

    /** Deadline of each OperatorService call; positive, default 10 seconds. */
    public Builder setRpcTimeout(Duration timeout) {
      if (timeout == null || timeout.isNegative() || timeout.isZero()) {
        throw new IllegalArgumentException(
            "EndpointReconciler.rpcTimeout must be positive, got " + timeout);
      }
      this.rpcTimeout = timeout;
      return this;
    }

    /** The clock for policy and manifest issue times (default UTC system clock). */
    public Builder setClock(Clock clock) {
      this.clock = Objects.requireNonNull(clock, "EndpointReconciler.clock");
      return this;
    }

    /**
     * Builds the reconciler.
     *
     * @throws IllegalArgumentException if registry, stubs, signing keyset or audience is missing,
     *     or the keyset's primary key is not a private signature key
     */
    public EndpointReconciler build() {
      if (registry == null) {
        throw new IllegalArgumentException("EndpointReconciler.registry is required");
      }
      if (stubs == null) {
        throw new IllegalArgumentException("EndpointReconciler.operatorServiceStubs is required");
      }
      if (signingKeyset == null) {
        throw new IllegalArgumentException(
            "EndpointReconciler.registrySigningKeyset is required: the registry's private signature"
                + " keyset");
      }
      if (keyDirectory != null
          && manifestEndpointName.length() > KeyDirectoryCodec.MAX_MANIFEST_NAME_LENGTH) {
        throw new IllegalArgumentException(
            "EndpointReconciler.manifestEndpointName must be at most "
                + KeyDirectoryCodec.MAX_MANIFEST_NAME_LENGTH
                + " characters when a key directory is published (the entries' endpoint names"
                + " extend it), got "
                + manifestEndpointName.length());
      }
      if (audience == null) {
        throw new IllegalArgumentException(
            "EndpointReconciler.audience is required: the name of the Temporal cluster this"
                + " registry is for (for example 'prod-eu'); workers are configured with the same"
                + " name");
      }
      return new EndpointReconciler(this);
    }
  }
}
