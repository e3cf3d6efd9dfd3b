package dev.nexussecurity.core.server;

import com.google.crypto.tink.KeysetHandle;
import dev.nexussecurity.api.AccessDecision;
import dev.nexussecurity.api.EndpointRegistry;
import dev.nexussecurity.api.NexusEndpoint;
import dev.nexussecurity.api.internal.AtomicFileWriter;
import dev.nexussecurity.api.internal.PeriodicRefresher;
import dev.nexussecurity.api.internal.UntrustedText;
import dev.nexussecurity.core.internal.server.Audience;
import dev.nexussecurity.core.internal.server.HighWaterMark;
import dev.nexussecurity.core.internal.server.HighWaterMarkFile;
import dev.nexussecurity.core.internal.server.InvalidSignedDocumentException;
import dev.nexussecurity.core.internal.server.ManifestCodec;
import dev.nexussecurity.core.internal.server.PolicyVerifier;
import dev.nexussecurity.core.internal.server.ServerEndpoints;
import dev.nexussecurity.core.internal.server.ServerSnapshot;
import dev.nexussecurity.core.internal.server.VerifiedManifest;
import dev.nexussecurity.core.keys.KeyDirectory;
import dev.nexussecurity.core.keys.NamespacePublicKeys;
import io.grpc.StatusRuntimeException;
import io.temporal.api.nexus.v1.Endpoint;
import io.temporal.serviceclient.OperatorServiceStubs;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * An {@link EndpointRegistry} read from the Temporal server's Nexus endpoints, so that every worker
 * of a deployment sees one source of truth: the policies and the registry manifest an {@link
 * EndpointReconciler} stored there, signed with the registry key.
 *
 * <p><b>Security.</b> Every refresh first verifies the <b>registry manifest</b> with the registry's
 * <em>public</em> keyset: its signature, that it was signed for this worker's cluster ({@link
 * Builder#setAudience audience}), that it is not older than the newest manifest this worker
 * accepted (epoch; kept across restarts with {@link Builder#setStateFile}), not issued after now
 * plus the allowed clock skew, and not expired. The manifest lists the registry's endpoints, each
 * with the digest of its policy. An endpoint is allowed only through the policy the manifest lists,
 * and that policy must verify too (signature, cluster, this endpoint's name and the server
 * endpoint's target). So:
 *
 * <ul>
 *   <li>an endpoint removed from the registry is revoked on every worker at the next manifest,
 *       whether or not the server endpoint is deleted, and an endpoint deleted and re-created from
 *       a saved description stays revoked ({@code UNKNOWN_ENDPOINT});
 *   <li>a policy edited on the server, replaced by another validly signed one (an older one, or one
 *       of another endpoint), re-targeted, or signed for another cluster admits nobody ({@code
 *       ENDPOINT_POLICY_INVALID}); an older manifest put back is refused;
 *   <li>a worker that has not verified a current manifest for longer than its {@link
 *       Builder#setMaxStaleness maximum staleness}, or whose manifest expired, denies every
 *       endpoint ({@link dev.nexussecurity.api.ReasonCode#REGISTRY_STALE}) instead of trusting
 *       stale data: blocking the listing cannot freeze revocations.
 * </ul>
 *
 * A server administrator who can edit endpoints can deny service, but cannot widen an allowlist,
 * re-target an endpoint, move or replay a policy, bring back a removed endpoint, or make a worker
 * keep a revoked caller beyond the maximum staleness. Server endpoints without a nexus-security
 * policy ("private" endpoints) are unknown ({@code UNKNOWN_ENDPOINT}) even though they exist.
 *
 * <p><b>Refresh.</b> The endpoints are read once when the registry starts (by default a failure
 * there is thrown), then every {@link Builder#setRefreshInterval refresh interval} on one daemon
 * thread, and on demand with {@link #refresh()}. Each refresh lists every endpoint (page by page,
 * at most {@link Builder#setMaxPages max pages}), verifies the manifest and what changed, and
 * replaces the snapshot in one step. A failed refresh keeps the last good snapshot until it is
 * stale, and is reported: thrown by {@link #refresh()}, recorded in {@link #getStatus()}, given to
 * the status listener and logged.
 *
 * <p><b>Key directory.</b> When the reconciler publishes a namespace key directory ({@link
 * EndpointReconciler.Builder#setKeyDirectory}), {@link #getKeyDirectory()} is a {@link
 * KeyDirectory} view of it for {@code NexusSecurityOptions.Builder.setKeyDirectory}: each
 * namespace's keys come from the entry the current manifest lists by digest, verified like a policy
 * (signature, cluster, and the namespace whose endpoint holds it), and are replaced in the same
 * step as the endpoints at each refresh, so a revocation or rotation takes effect at the next
 * manifest. An entry edited on the server, moved to another namespace, put back after a rotation,
 * or signed for another cluster is never used: the worker keeps the listed entry it verified
 * earlier, and a worker without one (after a restart) has no keys for that namespace. An entry
 * deleted on the server, or of a namespace the manifest no longer lists, gives that namespace no
 * keys. Without keys, calls from and to the namespace are denied, the reason naming the entry's
 * problem ({@link ServerRegistryStatus#getKeyDirectoryProblems()}). While the registry is stale the
 * directory finds nothing and denials say {@code REGISTRY_STALE}: old keys are never used silently.
 *
 * <p><b>Reads</b> never block and see one immutable snapshot; {@link #checkAccess} and the key
 * directory's {@code findNamespace} are O(1) and allocate nothing.
 *
 * <pre>{@code
 * try (ServerEndpointRegistry registry = ServerEndpointRegistry.newBuilder()
 *     .setOperatorServiceStubs(operatorStubs)
 *     .setRegistryPublicKeyset(registryPublicKeyset)   // never the private keyset
 *     .setAudience("prod-eu")                           // the cluster, as the reconciler says
 *     .setStateFile(Path.of("/var/lib/orders-worker/registry-state.json"))
 *     .setStatusListener(status -> metrics.gauge("registry.failures", status.getConsecutiveFailures()))
 *     .start()) {                                       // reads the server once; throws if it cannot
 *   NexusSecurity security = NexusSecurity.newInstance(NexusSecurityOptions.newBuilder()
 *       .setNamespace("orders-ns")
 *       .setRegistry(registry)
 *       .setKeyDirectory(registry.getKeyDirectory())   // when the reconciler publishes one
 *       .setNamespaceKeys(ordersKeys)
 *       .build());
 *   // ... workers ...
 * }
 * }</pre>
 *
 * <p>Thread-safe. {@link #close()} stops the refresh thread; it does not close the stubs.
 */
public final class ServerEndpointRegistry implements EndpointRegistry, AutoCloseable {
  /** Default interval between background refreshes. */
  public static final Duration DEFAULT_REFRESH_INTERVAL = Duration.ofSeconds(30);

  /** Shortest accepted refresh interval (other than zero, which turns background refresh off). */
  public static final Duration MIN_REFRESH_INTERVAL = Duration.ofMillis(10);

  /**
   * Default maximum staleness: how long after its last successful refresh a worker keeps answering
   * from its snapshot before it denies everything.
   */
  public static final Duration DEFAULT_MAX_STALENESS = Duration.ofMinutes(5);

  /**
   * Default tolerance between the clocks of workers and reconciler: a manifest or policy issued
   * later than now plus this is refused.
   */
  public static final Duration DEFAULT_CLOCK_SKEW = Duration.ofMinutes(1);

  private static final Logger log = LoggerFactory.getLogger(ServerEndpointRegistry.class);

  /** The name of the refresh thread. */
  static final String THREAD_NAME = "nexus-security-server-registry-refresh";

  /**
   * What one refresh produces: the snapshot, and the high-water mark of the manifest it was built
   * under (the newest manifest accepted so far).
   */
  private record State(ServerSnapshot snapshot, HighWaterMark mark) {}

  private static final State INITIAL = new State(ServerSnapshot.empty(), null);

  private final ServerEndpoints server;
  private final PolicyVerifier verifier;
  private final String audience;
  private final String manifestEndpointName;
  private final Duration maxStaleness;
  private final Duration clockSkew;
  private final HighWaterMarkFile stateFile;
  private final HighWaterMark storedMark;
  private final Consumer<ServerRegistryStatus> listener;
  private final Clock clock;
  private final PeriodicRefresher<State> refresher;

  private final KeyDirectory keyDirectory = new ServerKeyDirectory();

  private volatile ServerRegistryStatus status;

  private ServerEndpointRegistry(Builder b, HighWaterMark storedMark) {
    this.server = new ServerEndpoints(b.stubs, b.pageSize, b.maxPages, b.rpcTimeout);
    this.verifier = PolicyVerifier.fromPublicKeyset(b.publicKeyset);
    this.audience = b.audience;
    this.manifestEndpointName = b.manifestEndpointName;
    this.maxStaleness = b.maxStaleness;
    this.clockSkew = b.clockSkew;
    this.stateFile = b.stateFile == null ? null : new HighWaterMarkFile(b.stateFile, b.writer);
    this.storedMark = storedMark;
    this.listener = b.listener;
    this.clock = b.clock;
    this.refresher =
        PeriodicRefresher.<State>newBuilder(THREAD_NAME, this::load)
            .setInterval(b.refreshInterval)
            .setClock(clock)
            .setListener(this::published)
            .build();
    this.status = statusOf(refresher.status());
  }

  /** Returns a builder with the defaults. */
  public static Builder newBuilder() {
    return new Builder();
  }

  /**
   * The endpoint named {@code name} if the manifest lists it and its policy verified; empty when
   * unknown or invalid, and for every name while the registry is stale.
   */
  @Override
  public Optional<NexusEndpoint> findEndpoint(String name) {
    return snapshot().find(name, clock.millis());
  }

  /**
   * The endpoints whose policy verified, sorted by name, from one snapshot; unmodifiable. Empty
   * while the registry is stale.
   */
  @Override
  public List<NexusEndpoint> listEndpoints() {
    ServerSnapshot s = snapshot();
    return s.isStale(clock.millis()) ? List.of() : s.getEndpoints();
  }

  /**
   * {@code REGISTRY_STALE} for every call while the registry is stale (no current manifest verified
   * within the maximum staleness, or the manifest expired); {@code UNKNOWN_ENDPOINT} for an
   * endpoint the manifest does not list (or that is not on the server); {@code
   * ENDPOINT_POLICY_INVALID} for one whose policy failed verification or is not the one listed;
   * {@code CALLER_NOT_ALLOWED} for a caller not on a verified allowlist; otherwise allowed. O(1),
   * allocation-free, never blocks; null arguments are denied.
   */
  @Override
  public AccessDecision checkAccess(String endpointName, String callerNamespace) {
    return snapshot().checkAccess(endpointName, callerNamespace, clock.millis());
  }

  /**
   * The key directory the registry publishes, as verified in the snapshot in use: a live view that
   * follows every refresh (take it once and keep it). Empty when the manifest publishes none; finds
   * nothing while the registry is stale ({@link KeyDirectory#isStale()}). Lookups are O(1),
   * allocation-free and never block.
   *
   * <pre>{@code
   * NexusSecurityOptions.newBuilder()
   *     .setRegistry(registry)
   *     .setKeyDirectory(registry.getKeyDirectory())
   *     ...
   * }</pre>
   */
  public KeyDirectory getKeyDirectory() {
    return keyDirectory;
  }

  /** The {@link #getKeyDirectory()} view. */
  private final class ServerKeyDirectory implements KeyDirectory {
    @Override
    public Optional<NamespacePublicKeys> findNamespace(String namespace) {
      return snapshot().findKeys(namespace, clock.millis());
    }

    @Override
    public Set<String> getNamespaces() {
      ServerSnapshot s = snapshot();
      return s.isStale(clock.millis()) ? Set.of() : s.getKeyNamespaces();
    }

    @Override
    public boolean isStale() {
      return ServerEndpointRegistry.this.isStale();
    }

    @Override
    public String describeMissing(String namespace) {
      ServerSnapshot s = snapshot();
      if (s.isStale(clock.millis())) {
        ServerRegistryStatus st = status;
        return "the key directory from the Temporal server's registry is stale ("
            + (st.getLastSuccessTime().isEmpty()
                ? "no registry manifest was ever verified"
                : "no current registry manifest verified since "
                    + st.getLastSuccessTime().get()
                    + ", fresh until "
                    + st.getFreshUntil().orElse(null))
            + st.getLastError().map(e -> "; last error: " + e).orElse("")
            + "), so it refuses every lookup (REGISTRY_STALE) instead of using old keys; it"
            + " answers again after a successful refresh";
      }
      return s.describeMissingKeys(namespace);
    }

    @Override
    public String toString() {
      ServerSnapshot s = snapshot();
      return "ServerEndpointRegistry.keyDirectory{audience="
          + audience
          + ", namespaces="
          + s.getKeyNamespaces()
          + (s.getKeyProblems().isEmpty() ? "" : ", refused=" + s.getKeyProblems().keySet())
          + (s.isStale(clock.millis()) ? ", stale" : "")
          + "}";
    }
  }

  /** Whether the registry denies everything now because it is stale. */
  public boolean isStale() {
    return snapshot().isStale(clock.millis());
  }

  /** The snapshot in use; allocation-free. */
  private ServerSnapshot snapshot() {
    Optional<State> value = refresher.value();
    return value.isPresent() ? value.get().snapshot() : INITIAL.snapshot();
  }

  /**
   * Reads the server's endpoints and manifest now and replaces the snapshot. Waits for a refresh
   * already running. The status listener has been called when this returns.
   *
   * @return the status after this refresh
   * @throws ServerRegistryException if the endpoints cannot be read, the manifest is missing or
   *     fails verification, or the state file cannot be written; the last good snapshot stays in
   *     use until it is stale
   * @throws IllegalStateException if this registry is closed
   */
  public ServerRegistryStatus refresh() {
    if (refresher.isClosed()) {
      throw new IllegalStateException("ServerEndpointRegistry is closed");
    }
    refresher.refresh();
    return status;
  }

  /**
   * One refresh, on the refresher's thread (or the caller's, for {@link #refresh()}): lists the
   * endpoints, verifies the manifest, records a newer one in the state file, and builds the next
   * snapshot from the one in use. Nothing changes unless all of it succeeds.
   *
   * @throws ServerRegistryException saying what failed and which snapshot stays in use until when
   */
  private State load(Optional<State> lastGood) {
    State previous = lastGood.orElse(INITIAL);
    HighWaterMark mark = lastGood.isPresent() ? previous.mark() : storedMark;
    Instant started = clock.instant();
    try {
      List<Endpoint> endpoints = server.listAll();
      VerifiedManifest manifest = verifyManifest(endpoints, mark, started);
      HighWaterMark nextMark = mark;
      if (mark == null || manifest.manifest().epoch() > mark.epoch()) {
        nextMark = HighWaterMark.of(manifest);
        if (stateFile != null) {
          stateFile.write(nextMark);
        }
      }
      long freshUntil =
          Math.min(
              saturatedAdd(started.toEpochMilli(), maxStaleness.toMillis()),
              manifest.manifest().expiresAt().toEpochMilli());
      ServerSnapshot next =
          ServerSnapshot.build(
              endpoints,
              manifest,
              new ServerSnapshot.Context(
                  audience, manifestEndpointName, verifier, started, clockSkew),
              freshUntil,
              previous.snapshot());
      logChanges(previous.snapshot(), next);
      return new State(next, nextMark);
    } catch (RuntimeException | InvalidSignedDocumentException | IOException e) {
      String message = failureMessage(e, previous.snapshot());
      if (!refresher.isClosed()) {
        log.warn(
            "nexus-security: {} ({} refreshes failed in a row)",
            message,
            refresher.status().consecutiveFailures() + 1);
      }
      throw new ServerRegistryException(message, e);
    }
  }

  /** Called by the refresher after every refresh, in order. */
  private void published(PeriodicRefresher.Status<State> s) {
    ServerRegistryStatus next = statusOf(s);
    status = next;
    if (listener == null) {
      return;
    }
    try {
      listener.accept(next);
    } catch (RuntimeException e) {
      log.warn("nexus-security: the server registry status listener failed", e);
    }
  }

  private VerifiedManifest verifyManifest(List<Endpoint> endpoints, HighWaterMark mark, Instant now)
      throws InvalidSignedDocumentException {
    Endpoint manifestEndpoint = null;
    for (Endpoint e : endpoints) {
      if (e.getSpec().getName().equals(manifestEndpointName)) {
        manifestEndpoint = e;
      }
    }
    if (manifestEndpoint == null) {
      throw new InvalidSignedDocumentException(
          InvalidSignedDocumentException.Problem.MISSING,
          "the server has no registry manifest endpoint '"
              + manifestEndpointName
              + "'; run the EndpointReconciler for cluster '"
              + audience
              + "' (it writes the manifest), or give this worker the manifest endpoint name the"
              + " reconciler uses");
    }
    if (!ManifestCodec.isManifest(manifestEndpoint)) {
      throw new InvalidSignedDocumentException(
          InvalidSignedDocumentException.Problem.MALFORMED,
          "the server endpoint '"
              + manifestEndpointName
              + "' is not a registry manifest (its description has no '"
              + ManifestCodec.METADATA_KEY
              + "' metadata)");
    }
    VerifiedManifest manifest =
        ManifestCodec.decode(manifestEndpoint.getSpec().getDescription(), verifier, audience);
    ManifestCodec.checkCurrent(manifest, mark, now, clockSkew);
    return manifest;
  }

  private static long saturatedAdd(long a, long b) {
    long sum = a + b;
    return ((a ^ sum) & (b ^ sum)) < 0 ? Long.MAX_VALUE : sum;
  }

  /** The current status; never blocks. */
  public ServerRegistryStatus getStatus() {
    return status;
  }

  /** The interval between background refreshes; zero when they are off. */
  public Duration getRefreshInterval() {
    return refresher.interval();
  }

  /**
   * Stops background refreshes, interrupting one in progress. Reads keep answering from the last
   * snapshot until it is stale; {@link #refresh()} throws. Idempotent; does not close the stubs.
   */
  @Override
  public void close() {
    refresher.close();
  }

  @Override
  public String toString() {
    return "ServerEndpointRegistry{audience="
        + audience
        + ", refreshInterval="
        + refresher.interval()
        + ", maxStaleness="
        + maxStaleness
        + ", "
        + status
        + "}";
  }

  private String failureMessage(Exception e, ServerSnapshot kept) {
    Instant lastSuccessTime = refresher.status().lastSuccessTime().orElse(null);
    String what;
    String check;
    if (e instanceof StatusRuntimeException sre) {
      what =
          "Cannot refresh the Nexus endpoints from the Temporal server ("
              + EndpointReconciler.describe(sre)
              + ")";
      check =
          " Check the server address and TLS settings, and that this principal may call the"
              + " OperatorService's ListNexusEndpoints.";
    } else if (e instanceof InvalidSignedDocumentException ise) {
      what =
          "The registry manifest on the Temporal server was refused ("
              + ise.getProblem()
              + ": "
              + ise.getMessage()
              + ")";
      check = "";
    } else if (e instanceof IOException) {
      what =
          "Cannot record the accepted registry manifest in the state file "
              + stateFile.getFile()
              + " ("
              + UntrustedText.quote(e.getMessage(), 200)
              + "), so the new manifest is not used";
      check = " Check that the worker may write that file and its directory.";
    } else {
      what = "Cannot refresh the Nexus endpoints from the Temporal server (" + e + ")";
      check = "";
    }
    String keeping;
    if (lastSuccessTime == null) {
      keeping = "no manifest was ever verified, so every endpoint is denied (REGISTRY_STALE)";
    } else {
      keeping =
          "still using the endpoints verified at "
              + lastSuccessTime
              + " ("
              + kept.getEndpoints().size()
              + " endpoints) until "
              + Instant.ofEpochMilli(kept.getFreshUntilMillis())
              + "; from then on every endpoint is denied (REGISTRY_STALE)";
    }
    return what + "; " + keeping + "." + check;
  }

  private void logChanges(ServerSnapshot previous, ServerSnapshot next) {
    for (Map.Entry<String, String> e : next.getKeyProblems().entrySet()) {
      if (!e.getValue().equals(previous.getKeyProblems().get(e.getKey()))) {
        log.warn(
            "nexus-security: namespace '{}' has no keys: its key directory entry on the Temporal"
                + " server is refused: {}",
            UntrustedText.quote(e.getKey()),
            e.getValue());
      }
    }
    for (Map.Entry<String, String> e : next.getInvalid().entrySet()) {
      if (!e.getValue().equals(previous.getInvalid().get(e.getKey()))) {
        log.warn(
            "nexus-security: endpoint '{}' admits nobody: its policy on the Temporal server failed"
                + " verification: {}",
            e.getKey(),
            e.getValue());
      }
    }
    for (String name : previous.getInvalid().keySet()) {
      if (next.find(name, Long.MIN_VALUE).isPresent()) {
        log.info("nexus-security: endpoint '{}' has a valid policy again", name);
      }
    }
    for (NexusEndpoint e : previous.getEndpoints()) {
      if (next.find(e.getName(), Long.MIN_VALUE).isEmpty()
          && !next.getInvalid().containsKey(e.getName())) {
        log.info(
            "nexus-security: endpoint '{}' is no longer listed by the registry manifest (or no"
                + " longer on the server); it is unknown now",
            e.getName());
      }
    }
  }

  private static ServerRegistryStatus statusOf(PeriodicRefresher.Status<State> r) {
    ServerSnapshot s = r.value().map(State::snapshot).orElse(INITIAL.snapshot());
    Optional<VerifiedManifest> m = s.getManifest();
    return new ServerRegistryStatus(
        r.lastAttemptTime().orElse(null),
        r.lastSuccessTime().orElse(null),
        r.lastError().map(Throwable::getMessage).orElse(null),
        (int) Math.min(Integer.MAX_VALUE, r.consecutiveFailures()),
        s.getEndpoints().size(),
        s.getInvalid(),
        s.getWarnings(),
        s.getUnlisted(),
        s.getUnmanagedCount(),
        m.map(v -> v.manifest().epoch()).orElse(0L),
        m.map(v -> v.manifest().expiresAt()).orElse(null),
        m.isPresent() ? Instant.ofEpochMilli(s.getFreshUntilMillis()) : null,
        s.getKeyNamespaces().size(),
        s.getKeyProblems());
  }

  /** A valid Nexus endpoint name, or an {@link IllegalArgumentException} naming the setting. */
  static String requireEndpointName(String field, String name) {
    if (name == null
        || name.length() > NexusEndpoint.MAX_NAME_LENGTH
        || !NexusEndpoint.NAME_PATTERN.matcher(name).matches()) {
      throw new IllegalArgumentException(
          field
              + " must be a Nexus endpoint name (pattern "
              + NexusEndpoint.NAME_PATTERN.pattern()
              + ", at most "
              + NexusEndpoint.MAX_NAME_LENGTH
              + " characters), got "
              + (name == null ? "null" : "'" + UntrustedText.quote(name) + "'"));
    }
    return name;
  }

  /**
   * Configures and starts a {@link ServerEndpointRegistry}. Stubs, public keyset and audience are
   * required.
   *
   * <pre>{@code
   * ServerEndpointRegistry registry = ServerEndpointRegistry.newBuilder()
   *     .setOperatorServiceStubs(operatorStubs)
   *     .setRegistryPublicKeyset(registryPublicKeyset)
   *     .setAudience("prod-eu")
   *     .setStateFile(Path.of("registry-state.json"))
   *     .start();
   * }</pre>
   */
  public static final class Builder {
    private OperatorServiceStubs stubs;
    private KeysetHandle publicKeyset;
    private String audience;
    private String manifestEndpointName = EndpointReconciler.DEFAULT_MANIFEST_ENDPOINT_NAME;
    private Duration refreshInterval = DEFAULT_REFRESH_INTERVAL;
    private Duration maxStaleness = DEFAULT_MAX_STALENESS;
    private Duration clockSkew = DEFAULT_CLOCK_SKEW;
    private Duration rpcTimeout = EndpointReconciler.DEFAULT_RPC_TIMEOUT;
    private int pageSize = EndpointReconciler.DEFAULT_PAGE_SIZE;
    private int maxPages = EndpointReconciler.DEFAULT_MAX_PAGES;
    private Path stateFile;
    private AtomicFileWriter writer = AtomicFileWriter.DEFAULT;
    private Consumer<ServerRegistryStatus> listener;
    private boolean requireInitialLoad = true;
    private Clock clock = Clock.systemUTC();

    private Builder() {}

    /** The server's OperatorService (required); not closed by the registry. */
    public Builder setOperatorServiceStubs(OperatorServiceStubs stubs) {
      this.stubs = Objects.requireNonNull(stubs, "ServerEndpointRegistry.operatorServiceStubs");
      return this;
    }

    /**
     * The registry's public signature keyset (required): the public half of the keyset the
     * reconciler signs with. Validated in {@link #start()}: private or symmetric keys are refused.
     */
    public Builder setRegistryPublicKeyset(KeysetHandle publicKeyset) {
      this.publicKeyset =
          Objects.requireNonNull(publicKeyset, "ServerEndpointRegistry.registryPublicKeyset");
      return this;
    }

    /**
     * The name of the Temporal cluster this worker runs against (required), exactly as the
     * reconciler was configured with {@link EndpointReconciler.Builder#setAudience}: manifests and
     * policies signed for another cluster are refused.
     */
    public Builder setAudience(String audience) {
      this.audience = Audience.requireValid("ServerEndpointRegistry.audience", audience);
      return this;
    }

    /**
     * The name of the reserved server endpoint that holds the registry manifest (default {@value
     * EndpointReconciler#DEFAULT_MANIFEST_ENDPOINT_NAME}); the reconciler's name.
     */
    public Builder setManifestEndpointName(String name) {
      this.manifestEndpointName =
          requireEndpointName("ServerEndpointRegistry.manifestEndpointName", name);
      return this;
    }

    /**
     * How long to wait between background refreshes (default 30 seconds); {@link Duration#ZERO}
     * turns them off (refresh on demand only). Otherwise at least {@link #MIN_REFRESH_INTERVAL}.
     */
    public Builder setRefreshInterval(Duration interval) {
      if (interval == null
          || interval.isNegative()
          || (!interval.isZero() && interval.compareTo(MIN_REFRESH_INTERVAL) < 0)) {
        throw new IllegalArgumentException(
            "ServerEndpointRegistry.refreshInterval must be zero (off) or at least "
                + MIN_REFRESH_INTERVAL
                + ", got "
                + interval);
      }
      this.refreshInterval = interval;
      return this;
    }

    /**
     * How long after its last successful refresh the registry keeps answering from its snapshot
     * (default 5 minutes); after that, until a refresh succeeds, every endpoint is denied with
     * {@code REGISTRY_STALE}. It bounds how long a revocation can be held back by blocking or
     * breaking the listing. Positive, and longer than the refresh interval (checked in {@link
     * #start()}).
     */
    public Builder setMaxStaleness(Duration maxStaleness) {
      if (maxStaleness == null || maxStaleness.isNegative() || maxStaleness.isZero()) {
        throw new IllegalArgumentException(
            "ServerEndpointRegistry.maxStaleness must be positive, got " + maxStaleness);
      }
      this.maxStaleness = maxStaleness;
      return this;
    }

    /**
     * The tolerated clock difference between this worker and the reconciler (default 1 minute; 0 to
     * 1 hour): a manifest or policy issued later than now plus this is refused, and never raises
     * the high-water mark, so a document issued far in the future cannot lock out later ones.
     */
    public Builder setClockSkew(Duration skew) {
      if (skew == null || skew.isNegative() || skew.compareTo(Duration.ofHours(1)) > 0) {
        throw new IllegalArgumentException(
            "ServerEndpointRegistry.clockSkew must be between 0 and 1 hour, got " + skew);
      }
      this.clockSkew = skew;
      return this;
    }

    /**
     * A small file in which the registry records the newest manifest it accepted (epoch, issue
     * time, digest), written atomically after each new manifest and read in {@link #start()}, so
     * that a restarted worker refuses an older manifest too. Recommended; without it, a worker that
     * starts afresh accepts any current manifest that is not expired. One file per worker process
     * and cluster; its directory must exist.
     */
    public Builder setStateFile(Path file) {
      this.stateFile = Objects.requireNonNull(file, "ServerEndpointRegistry.stateFile");
      return this;
    }

    /** {@link #setStateFile} with a writer that tests can make fail. */
    Builder setStateFileWriter(AtomicFileWriter writer) {
      this.writer = Objects.requireNonNull(writer, "writer");
      return this;
    }

    /** Deadline of each ListNexusEndpoints call; positive, default 10 seconds. */
    public Builder setRpcTimeout(Duration timeout) {
      if (timeout == null || timeout.isNegative() || timeout.isZero()) {
        throw new IllegalArgumentException(
            "ServerEndpointRegistry.rpcTimeout must be positive, got " + timeout);
      }
      this.rpcTimeout = timeout;
      return this;
    }

    /** Page size of ListNexusEndpoints; 1 to 1000, default 100. */
    public Builder setPageSize(int pageSize) {
      if (pageSize < 1 || pageSize > 1000) {
        throw new IllegalArgumentException(
            "ServerEndpointRegistry.pageSize must be between 1 and 1000, got " + pageSize);
      }
      this.pageSize = pageSize;
      return this;
    }

    /**
     * The most pages of ListNexusEndpoints one refresh reads (default {@value
     * EndpointReconciler#DEFAULT_MAX_PAGES}; 1 to 1,000,000); a server that keeps returning page
     * tokens beyond that fails the refresh.
     */
    public Builder setMaxPages(int maxPages) {
      if (maxPages < 1 || maxPages > 1_000_000) {
        throw new IllegalArgumentException(
            "ServerEndpointRegistry.maxPages must be between 1 and 1000000, got " + maxPages);
      }
      this.maxPages = maxPages;
      return this;
    }

    /**
     * Called with the new status after every refresh, successful or not, on the refreshing thread
     * (must not block or call {@link ServerEndpointRegistry#refresh()}); {@code null} for none.
     */
    public Builder setStatusListener(Consumer<ServerRegistryStatus> listener) {
      this.listener = listener;
      return this;
    }

    /**
     * Whether {@link #start()} fails when the first read fails (default {@code true}). With {@code
     * false} the registry starts stale, denying every endpoint, and keeps retrying in the
     * background.
     */
    public Builder setRequireInitialLoad(boolean require) {
      this.requireInitialLoad = require;
      return this;
    }

    /** The clock of staleness, expiry and the status times (default UTC system clock). */
    public Builder setClock(Clock clock) {
      this.clock = Objects.requireNonNull(clock, "ServerEndpointRegistry.clock");
      return this;
    }

    /**
     * Reads the state file (if any) and the server's endpoints once, and starts the background
     * refresh.
     *
     * @throws IllegalArgumentException if stubs, keyset or audience is missing, the keyset holds
     *     anything but public signature keys, or the maximum staleness is not longer than the
     *     refresh interval
     * @throws ServerRegistryException if the state file cannot be read or belongs to another
     *     cluster, or the first read fails and {@link #setRequireInitialLoad} is on (nothing is
     *     left running)
     */
    public ServerEndpointRegistry start() {
      if (stubs == null) {
        throw new IllegalArgumentException(
            "ServerEndpointRegistry.operatorServiceStubs is required");
      }
      if (publicKeyset == null) {
        throw new IllegalArgumentException(
            "ServerEndpointRegistry.registryPublicKeyset is required: the public half of the registry"
                + " signing keyset");
      }
      if (audience == null) {
        throw new IllegalArgumentException(
            "ServerEndpointRegistry.audience is required: the name of the Temporal cluster, as the"
                + " EndpointReconciler was configured (for example 'prod-eu')");
      }
      if (!refreshInterval.isZero() && maxStaleness.compareTo(refreshInterval) <= 0) {
        throw new IllegalArgumentException(
            "ServerEndpointRegistry.maxStaleness ("
                + maxStaleness
                + ") must be longer than the refresh interval ("
                + refreshInterval
                + "), or the registry goes stale between two successful refreshes; a few refresh"
                + " intervals is a good choice");
      }
      HighWaterMark stored = null;
      if (stateFile != null) {
        try {
          stored = new HighWaterMarkFile(stateFile, writer).read(audience).orElse(null);
        } catch (IOException e) {
          throw new ServerRegistryException(
              "Cannot read the registry state file "
                  + stateFile
                  + ": "
                  + e.getMessage()
                  + " The registry was not started.",
              e);
        }
      }
      ServerEndpointRegistry registry = new ServerEndpointRegistry(this, stored);
      try {
        registry.refresh();
      } catch (ServerRegistryException e) {
        if (requireInitialLoad) {
          registry.close();
          throw new ServerRegistryException(
              e.getMessage()
                  + " The registry was not started; setRequireInitialLoad(false) starts it with every"
                  + " endpoint denied and retries in the background.",
              e.getCause());
        }
      }
      registry.refresher.start();
      return registry;
    }
  }
}
