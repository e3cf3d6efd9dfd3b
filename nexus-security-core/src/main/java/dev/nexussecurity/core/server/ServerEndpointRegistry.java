package dev.nexussecurity.core.server;

import com.google.crypto.tink.KeysetHandle;
import dev.nexussecurity.api.AccessDecision;
import dev.nexussecurity.api.EndpointRegistry;
import dev.nexussecurity.api.NexusEndpoint;
import dev.nexussecurity.core.internal.server.PolicyVerifier;
import dev.nexussecurity.core.internal.server.RegistrySnapshot;
import dev.nexussecurity.core.internal.server.ServerEndpoints;
import io.grpc.StatusRuntimeException;
import io.temporal.api.nexus.v1.Endpoint;
import io.temporal.serviceclient.OperatorServiceStubs;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * An {@link EndpointRegistry} read from the Temporal server's Nexus endpoints, so that every worker
 * of a deployment sees one source of truth: the policies an {@link EndpointReconciler} stored in
 * the endpoints' descriptions, signed with the registry key.
 *
 * <p><b>Security.</b> Each endpoint's policy is verified with the registry's <em>public</em>
 * keyset: the signature, that it names this endpoint and the server endpoint's target, and that it
 * is not older than a policy this process already accepted for the endpoint. An endpoint whose
 * policy fails any of these (edited on the server, unparsable, signed by a key the keyset does not
 * hold, moved to another endpoint, re-targeted, rolled back) admits nobody: {@link #checkAccess}
 * answers {@link dev.nexussecurity.api.ReasonCode#ENDPOINT_POLICY_INVALID}, {@link #findEndpoint}
 * and {@link #listEndpoints} leave it out, and {@link ServerRegistryStatus#getInvalidEndpoints()}
 * says why. So a server administrator who can edit descriptions or targets can deny service, but
 * cannot widen an allowlist, re-target an endpoint or move a policy to another endpoint. Server
 * endpoints without a nexus-security policy ("private" endpoints) are unknown ({@code
 * UNKNOWN_ENDPOINT}) even though they exist on the server.
 *
 * <p><b>Refresh.</b> The endpoints are read once when the registry starts (by default a failure
 * there is thrown), then every {@link Builder#setRefreshInterval refresh interval} on one daemon
 * thread, and on demand with {@link #refresh()}. Each refresh lists every endpoint (page by page),
 * verifies what changed, and replaces the snapshot in one step. A failed refresh keeps the last
 * good snapshot and is reported: thrown by {@link #refresh()}, recorded in {@link #getStatus()},
 * given to the status listener and logged.
 *
 * <p><b>Reads</b> never block and see one immutable snapshot; {@link #checkAccess} is O(1) and
 * allocates nothing.
 *
 * <pre>{@code
 * try (ServerEndpointRegistry registry = ServerEndpointRegistry.newBuilder()
 *     .setOperatorServiceStubs(operatorStubs)
 *     .setRegistryPublicKeyset(registryPublicKeyset)   // never the private keyset
 *     .setRefreshInterval(Duration.ofSeconds(30))
 *     .setStatusListener(status -> metrics.gauge("registry.failures", status.getConsecutiveFailures()))
 *     .start()) {                                       // reads the server once; throws if it cannot
 *   NexusSecurity security = NexusSecurity.newInstance(NexusSecurityOptions.newBuilder()
 *       .setNamespace("orders-ns")
 *       .setRegistry(registry)
 *       .setSigningKeyset(ordersPrivateKeyset)
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

  private static final Logger log = LoggerFactory.getLogger(ServerEndpointRegistry.class);

  private final ServerEndpoints server;
  private final PolicyVerifier verifier;
  private final Duration refreshInterval;
  private final Consumer<ServerRegistryStatus> listener;
  private final Clock clock;
  private final Object refreshLock = new Object();
  private final ScheduledExecutorService scheduler;

  private volatile RegistrySnapshot snapshot = RegistrySnapshot.empty();
  private volatile ServerRegistryStatus status;
  private volatile boolean closed;

  // Guarded by refreshLock.
  private Instant lastAttemptTime;
  private Instant lastSuccessTime;
  private String lastError;
  private int consecutiveFailures;

  private ServerEndpointRegistry(Builder b) {
    this.server = new ServerEndpoints(b.stubs, b.pageSize, b.rpcTimeout);
    this.verifier = PolicyVerifier.fromPublicKeyset(b.publicKeyset);
    this.refreshInterval = b.refreshInterval;
    this.listener = b.listener;
    this.clock = b.clock;
    this.status = statusOf(snapshot);
    this.scheduler =
        refreshInterval.isZero()
            ? null
            : Executors.newSingleThreadScheduledExecutor(
                runnable -> {
                  Thread t = new Thread(runnable, "nexus-security-server-registry-refresh");
                  t.setDaemon(true);
                  return t;
                });
  }

  /** Returns a builder with the defaults. */
  public static Builder newBuilder() {
    return new Builder();
  }

  /** The endpoint named {@code name} if its policy verified; empty when unknown or invalid. */
  @Override
  public Optional<NexusEndpoint> findEndpoint(String name) {
    return snapshot.find(name);
  }

  /** The endpoints whose policy verified, sorted by name, from one snapshot; unmodifiable. */
  @Override
  public List<NexusEndpoint> listEndpoints() {
    return snapshot.getEndpoints();
  }

  /**
   * {@code UNKNOWN_ENDPOINT} for an endpoint the server does not have or that carries no
   * nexus-security policy, {@code ENDPOINT_POLICY_INVALID} for one whose policy failed
   * verification, {@code CALLER_NOT_ALLOWED} for a caller not on a verified allowlist, otherwise
   * allowed. O(1), allocation free, never blocks; null arguments are denied.
   */
  @Override
  public AccessDecision checkAccess(String endpointName, String callerNamespace) {
    return snapshot.checkAccess(endpointName, callerNamespace);
  }

  /**
   * Reads the server's endpoints now and replaces the snapshot. Waits for a refresh already
   * running. The status listener has been called when this returns.
   *
   * @return the status after this refresh
   * @throws ServerRegistryException if the endpoints cannot be read; the last good snapshot stays
   *     in use
   * @throws IllegalStateException if this registry is closed
   */
  public ServerRegistryStatus refresh() {
    synchronized (refreshLock) {
      if (closed) {
        throw new IllegalStateException("ServerEndpointRegistry is closed");
      }
      Instant started = clock.instant();
      lastAttemptTime = started;
      RegistrySnapshot previous = snapshot;
      RegistrySnapshot next;
      try {
        List<Endpoint> endpoints = server.listAll();
        next = RegistrySnapshot.build(endpoints, verifier, previous);
      } catch (RuntimeException e) {
        consecutiveFailures++;
        lastError = failureMessage(e, previous);
        ServerRegistryStatus failed = statusOf(previous);
        status = failed;
        if (!closed) {
          log.warn(
              "nexus-security: {} ({} refreshes failed in a row)", lastError, consecutiveFailures);
        }
        notifyListener(failed);
        throw new ServerRegistryException(lastError, e);
      }
      logChanges(previous, next);
      snapshot = next;
      lastSuccessTime = started;
      consecutiveFailures = 0;
      ServerRegistryStatus ok = statusOf(next);
      status = ok;
      notifyListener(ok);
      return ok;
    }
  }

  /** The current status; never blocks. */
  public ServerRegistryStatus getStatus() {
    return status;
  }

  /** The interval between background refreshes; zero when they are off. */
  public Duration getRefreshInterval() {
    return refreshInterval;
  }

  /**
   * Stops background refreshes, interrupting one in progress. Reads keep answering from the last
   * snapshot; {@link #refresh()} throws. Idempotent; does not close the stubs.
   */
  @Override
  public void close() {
    closed = true;
    if (scheduler != null) {
      scheduler.shutdownNow();
      try {
        scheduler.awaitTermination(5, TimeUnit.SECONDS);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    }
  }

  @Override
  public String toString() {
    return "ServerEndpointRegistry{refreshInterval=" + refreshInterval + ", " + status + "}";
  }

  private void startBackgroundRefresh() {
    if (scheduler != null) {
      long millis = refreshInterval.toMillis();
      scheduler.scheduleWithFixedDelay(
          this::refreshInBackground, millis, millis, TimeUnit.MILLISECONDS);
    }
  }

  private void refreshInBackground() {
    if (closed) {
      return;
    }
    try {
      refresh();
    } catch (ServerRegistryException e) {
      // Recorded in the status, given to the listener and logged by refresh().
    } catch (IllegalStateException e) {
      // Closed meanwhile.
    } catch (RuntimeException e) {
      log.error("nexus-security: unexpected failure refreshing the server endpoint registry", e);
    }
  }

  private String failureMessage(RuntimeException e, RegistrySnapshot kept) {
    String what =
        e instanceof StatusRuntimeException
            ? EndpointReconciler.describe((StatusRuntimeException) e)
            : e.getMessage();
    String keeping =
        lastSuccessTime == null
            ? "no endpoints were ever read, so every endpoint is denied"
            : "still using the endpoints read at "
                + lastSuccessTime
                + " ("
                + kept.getEndpoints().size()
                + " endpoints)";
    return "Cannot refresh the Nexus endpoints from the Temporal server ("
        + what
        + "); "
        + keeping
        + ". Check the server address and TLS settings, and that this principal may call the"
        + " OperatorService's ListNexusEndpoints.";
  }

  private void logChanges(RegistrySnapshot previous, RegistrySnapshot next) {
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
      if (next.find(name).isPresent()) {
        log.info("nexus-security: endpoint '{}' has a valid policy again", name);
      }
    }
  }

  private void notifyListener(ServerRegistryStatus s) {
    if (listener == null) {
      return;
    }
    try {
      listener.accept(s);
    } catch (RuntimeException e) {
      log.warn("nexus-security: the server registry status listener failed", e);
    }
  }

  private ServerRegistryStatus statusOf(RegistrySnapshot s) {
    return new ServerRegistryStatus(
        lastAttemptTime,
        lastSuccessTime,
        lastError,
        consecutiveFailures,
        s.getEndpoints().size(),
        s.getInvalid(),
        s.getUnmanagedCount());
  }

  /**
   * Configures and starts a {@link ServerEndpointRegistry}. Stubs and public keyset are required.
   *
   * <pre>{@code
   * ServerEndpointRegistry registry = ServerEndpointRegistry.newBuilder()
   *     .setOperatorServiceStubs(operatorStubs)
   *     .setRegistryPublicKeyset(registryPublicKeyset)
   *     .start();
   * }</pre>
   */
  public static final class Builder {
    private OperatorServiceStubs stubs;
    private KeysetHandle publicKeyset;
    private Duration refreshInterval = DEFAULT_REFRESH_INTERVAL;
    private Duration rpcTimeout = EndpointReconciler.DEFAULT_RPC_TIMEOUT;
    private int pageSize = EndpointReconciler.DEFAULT_PAGE_SIZE;
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
     * Called with the new status after every refresh, successful or not, on the refreshing thread
     * (must not block or call {@link ServerEndpointRegistry#refresh()}); {@code null} for none.
     */
    public Builder setStatusListener(Consumer<ServerRegistryStatus> listener) {
      this.listener = listener;
      return this;
    }

    /**
     * Whether {@link #start()} fails when the first read fails (default {@code true}). With {@code
     * false} the registry starts empty, denying every endpoint, and keeps retrying in the
     * background.
     */
    public Builder setRequireInitialLoad(boolean require) {
      this.requireInitialLoad = require;
      return this;
    }

    /** The clock of the status times (default UTC system clock). */
    public Builder setClock(Clock clock) {
      this.clock = Objects.requireNonNull(clock, "ServerEndpointRegistry.clock");
      return this;
    }

    /**
     * Reads the server's endpoints once and starts the background refresh.
     *
     * @throws IllegalArgumentException if stubs or keyset is missing, or the keyset holds anything
     *     but public signature keys
     * @throws ServerRegistryException if the first read fails and {@link #setRequireInitialLoad} is
     *     on (nothing is left running)
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
      ServerEndpointRegistry registry = new ServerEndpointRegistry(this);
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
      registry.startBackgroundRefresh();
      return registry;
    }
  }
}
