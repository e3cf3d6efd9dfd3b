package dev.nexussecurity.core.server;

import com.google.crypto.tink.KeysetHandle;
import dev.nexussecurity.api.EndpointRegistry;
import dev.nexussecurity.api.NexusEndpoint;
import dev.nexussecurity.core.internal.server.PlannedStep;
import dev.nexussecurity.core.internal.server.PolicySigner;
import dev.nexussecurity.core.internal.server.ReconcilePlanner;
import dev.nexussecurity.core.internal.server.ServerEndpoints;
import io.grpc.StatusRuntimeException;
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
import java.util.Objects;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Brings the Temporal server's Nexus endpoints in step with an {@link EndpointRegistry}, through
 * the server's {@code OperatorService}, storing each endpoint's policy in its description as a
 * document signed with the registry key.
 *
 * <p>For each registry endpoint the reconciler creates the server endpoint when it is missing, and
 * updates it when its target or its signed policy (allowlist, description, registry version,
 * target, signature) differs from the registry. Server endpoints the registry no longer has are
 * deleted only with {@link Builder#setDeleteRemovedEndpoints(boolean)
 * setDeleteRemovedEndpoints(true)}, and only when they carry a policy that verifies under the
 * registry key. Endpoints that nexus-security does not manage (no policy in their description) are
 * never changed or deleted unless {@link Builder#setTakeOverUnmanagedEndpoints(boolean)
 * setTakeOverUnmanagedEndpoints(true)} says so.
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

  private static final Logger log = LoggerFactory.getLogger(EndpointReconciler.class);

  private final EndpointRegistry registry;
  private final ServerEndpoints server;
  private final PolicySigner signer;
  private final ReconcilePlanner planner;
  private final boolean deleteRemoved;
  private final boolean takeOverUnmanaged;
  private final int maxAttempts;
  private final Clock clock;

  private EndpointReconciler(Builder b) {
    this.registry = b.registry;
    this.server = new ServerEndpoints(b.stubs, b.pageSize, b.rpcTimeout);
    this.signer = PolicySigner.fromPrivateKeyset(b.signingKeyset);
    this.deleteRemoved = b.deleteRemoved;
    this.takeOverUnmanaged = b.takeOverUnmanaged;
    this.planner = new ReconcilePlanner(signer, deleteRemoved, takeOverUnmanaged);
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
   * @throws ServerRegistryException if the server's endpoints cannot be listed
   */
  public ReconcilePlan plan() {
    List<NexusEndpoint> desired = registry.listEndpoints();
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
    return new ReconcilePlan(planner.plan(desired, actual, now), now);
  }

  /**
   * Executes {@code plan}: every change in the plan's order, with a result per action. Errors and
   * skipped actions are reported, not executed. A failed change does not stop the others.
   */
  public ReconcileResult apply(ReconcilePlan plan) {
    Objects.requireNonNull(plan, "plan");
    List<ReconcileResult.ActionResult> results = new ArrayList<>(plan.getActions().size());
    for (ReconcileAction action : plan.getActions()) {
      results.add(execute(action));
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

  private ReconcileResult.ActionResult execute(ReconcileAction action) {
    switch (action.getType()) {
      case UNCHANGED:
        return new ReconcileResult.ActionResult(
            action,
            ReconcileResult.Outcome.UNCHANGED,
            0,
            action.getServerVersion(),
            action.getReason());
      case SKIP:
        return new ReconcileResult.ActionResult(
            action,
            ReconcileResult.Outcome.SKIPPED,
            0,
            action.getServerVersion(),
            action.getReason());
      case ERROR:
        return new ReconcileResult.ActionResult(
            action,
            ReconcileResult.Outcome.FAILED,
            0,
            action.getServerVersion(),
            action.getReason());
      default:
        return change(action);
    }
  }

  private ReconcileResult.ActionResult change(ReconcileAction action) {
    PlannedStep step = action.step();
    String name = step.getEndpointName();
    List<String> conflicts = new ArrayList<>();
    for (int attempt = 1; ; attempt++) {
      StatusRuntimeException failure;
      try {
        long version = write(step);
        String done = done(step, version);
        log.info("nexus-security reconciler: {}", done);
        return new ReconcileResult.ActionResult(
            action,
            ReconcileResult.Outcome.APPLIED,
            attempt,
            version,
            done + conflictNote(conflicts));
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
        return failed(
            action, attempt, step, refused + "; reading it again failed too (" + describe(e) + ")");
      }
      if (!changedSince(step.getServer(), fresh)) {
        return failed(action, attempt, step, refused + conflictNote(conflicts));
      }
      conflicts.add(
          "server version "
              + (step.getServer() == null ? "none" : Long.toString(step.getServer().getVersion()))
              + " became "
              + (fresh == null ? "none" : Long.toString(fresh.getVersion())));
      if (attempt >= maxAttempts) {
        return failed(
            action,
            attempt,
            step,
            "gave up after "
                + attempt
                + " attempts: endpoint '"
                + name
                + "' kept changing on the server while being reconciled"
                + conflictNote(conflicts));
      }
      PlannedStep next = planner.planOne(name, step.getDesired(), fresh, clock.instant());
      switch (next.getType()) {
        case UNCHANGED:
          return new ReconcileResult.ActionResult(
              action,
              ReconcileResult.Outcome.UNCHANGED,
              attempt,
              fresh == null ? 0 : fresh.getVersion(),
              "already in step after a concurrent change" + conflictNote(conflicts));
        case SKIP:
          return new ReconcileResult.ActionResult(
              action,
              ReconcileResult.Outcome.SKIPPED,
              attempt,
              fresh == null ? 0 : fresh.getVersion(),
              "after a concurrent change: " + next.getReason() + conflictNote(conflicts));
        case ERROR:
          return failed(
              action,
              attempt,
              next,
              "after a concurrent change: " + next.getReason() + conflictNote(conflicts));
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
    return "EndpointReconciler{deleteRemovedEndpoints="
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
   * Configures an {@link EndpointReconciler}. Registry, stubs and signing keyset are required.
   *
   * <pre>{@code
   * EndpointReconciler reconciler = EndpointReconciler.newBuilder()
   *     .setRegistry(registry)
   *     .setOperatorServiceStubs(operator)
   *     .setRegistrySigningKeyset(registryPrivateKeyset)
   *     .setDeleteRemovedEndpoints(true)      // default false
   *     .build();
   * }</pre>
   */
  public static final class Builder {
    private EndpointRegistry registry;
    private OperatorServiceStubs stubs;
    private KeysetHandle signingKeyset;
    private boolean deleteRemoved;
    private boolean takeOverUnmanaged;
    private int maxAttempts = DEFAULT_MAX_ATTEMPTS;
    private int pageSize = DEFAULT_PAGE_SIZE;
    private Duration rpcTimeout = DEFAULT_RPC_TIMEOUT;
    private Clock clock = Clock.systemUTC();

    private Builder() {}

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

    /** The clock for policy issue times (default UTC system clock). */
    public Builder setClock(Clock clock) {
      this.clock = Objects.requireNonNull(clock, "EndpointReconciler.clock");
      return this;
    }

    /**
     * Builds the reconciler.
     *
     * @throws IllegalArgumentException if registry, stubs or signing keyset is missing, or the
     *     keyset's primary key is not a private signature key
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
      return new EndpointReconciler(this);
    }
  }
}
