package dev.nexussecurity.core;

import dev.nexussecurity.api.AccessDecision;
import dev.nexussecurity.api.EndpointAlreadyExistsException;
import dev.nexussecurity.api.EndpointNotFoundException;
import dev.nexussecurity.api.EndpointValidationException;
import dev.nexussecurity.api.ManagedEndpointRegistry;
import dev.nexussecurity.api.NexusEndpoint;
import dev.nexussecurity.api.PermissionDeniedException;
import dev.nexussecurity.api.Principal;
import dev.nexussecurity.api.RegistryChangeEvent;
import dev.nexussecurity.api.RegistryOperation;
import dev.nexussecurity.api.SecurityAuditListener;
import dev.nexussecurity.api.VersionConflictException;
import dev.nexussecurity.core.internal.registry.NamespaceSpellings;
import dev.nexussecurity.core.internal.registry.RegistryAccessPolicy;
import dev.nexussecurity.core.internal.registry.RegistrySnapshot;
import java.nio.file.Path;
import java.time.Clock;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.locks.ReentrantLock;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A thread-safe, in-memory {@link ManagedEndpointRegistry} with RBAC modelled on Temporal Cloud.
 *
 * <p><b>Reads never block.</b> The registry's state is an immutable snapshot behind a volatile
 * reference. {@link #checkAccess}, {@link #findEndpoint}, {@link #listEndpoints}, {@link #get} and
 * {@link #list} read one snapshot and never see a half-applied change. Changes are serialized by a
 * lock, build a new snapshot (copy-on-write) and publish it with one volatile write. {@link
 * #checkAccess} is O(1) in the number of endpoints and allocation-free: two hash lookups and a
 * shared {@link AccessDecision} constant.
 *
 * <p><b>RBAC.</b> Create, update and delete need account role Developer or higher <b>and</b>
 * Namespace Admin on the endpoint's target namespace (on both the old and the new target when an
 * update moves it); Account Owner and Global Admin hold Namespace Admin everywhere. Get and list
 * need any account role but None (Finance Admin may view). The checks run in this order, and the
 * first failure is thrown:
 *
 * <ol>
 *   <li>the account role ({@link dev.nexussecurity.api.AccountRoleRequiredException});
 *   <li>create and update: Namespace Admin on the target named in the request ({@link
 *       dev.nexussecurity.api.NamespacePermissionRequiredException});
 *   <li>existence ({@link EndpointNotFoundException}, {@link EndpointAlreadyExistsException});
 *   <li>update and delete: Namespace Admin on the stored endpoint's target, when not checked
 *       already;
 *   <li>the expected version ({@link VersionConflictException}).
 * </ol>
 *
 * <p>Checks that do not depend on the registry's contents come first, so a principal refused by
 * them learns nothing about which endpoints exist; existence is only revealed to principals who may
 * list all endpoints anyway. A version is only compared for a principal who may change the
 * endpoint. A refused or failed operation changes nothing.
 *
 * <p><b>Audit.</b> Every successful change emits a {@link RegistryChangeEvent} to each audit
 * listener, in the order the changes were applied, and one INFO line to the SLF4J logger {@value
 * #AUDIT_LOGGER_NAME}; every refusal by RBAC is logged there at WARN. Listeners run on the changing
 * thread while the change lock is held (readers are not affected), after the new state is visible;
 * a listener that throws is logged and skipped, and the change stands. Listeners must not change
 * the registry (an attempt throws {@link IllegalStateException}).
 *
 * <p>Namespace names are compared exactly, as Temporal compares them; a create, update or initial
 * endpoint whose target or allowlist spells a namespace name that another endpoint spells
 * differently only in case ({@code Payments} and {@code payments}) is refused with {@link
 * EndpointValidationException}, as registry files refuse it (one of the two spellings would never
 * match). This check is O(number of namespace names in the registry) per change.
 *
 * <p>Endpoint names are unique and immutable. Create stores version 1 and each update increments
 * the version; a deleted and re-created endpoint starts again at version 1. An endpoint with an
 * empty allowlist admits nobody. Null principals, endpoints and names are rejected with {@link
 * NullPointerException}; {@link #checkAccess} and {@link #findEndpoint} treat null as unknown.
 *
 * <pre>{@code
 * InMemoryEndpointRegistry registry = InMemoryEndpointRegistry.newBuilder()
 *     .loadFrom(Path.of("registry.json"))
 *     .addAuditListener(auditSink)
 *     .build();
 * Principal admin = Principal.newBuilder("alice@example.com")
 *     .setAccountRole(AccountRole.DEVELOPER)
 *     .putNamespacePermission("payments-ns", NamespacePermission.ADMIN)
 *     .build();
 * NexusEndpoint e = registry.get(admin, "payments");
 * registry.update(admin, e.toBuilder().addAllowedCallerNamespace("billing-ns").build(), e.getVersion());
 * registry.saveTo(Path.of("registry.json"));
 * registry.checkAccess("payments", "billing-ns").isAllowed(); // true
 * }</pre>
 */
public final class InMemoryEndpointRegistry implements ManagedEndpointRegistry {
  /** The SLF4J logger that receives one line per change and per refused operation. */
  public static final String AUDIT_LOGGER_NAME = "dev.nexussecurity.audit";

  /** Developer-or-higher and Namespace Admin on the endpoint's requested target, or a refusal. */
  private void requireManageOnTarget(
      Principal principal, RegistryOperation operation, NexusEndpoint endpoint) {
    try {
      RegistryAccessPolicy.requireManage(principal, operation, endpoint.getName());
      RegistryAccessPolicy.requireNamespaceAdmin(
          principal, operation, endpoint.getName(), endpoint.getTargetNamespace());
    } catch (PermissionDeniedException e) {
      throw refused(e);
    }
  }

  private static final Logger log = LoggerFactory.getLogger(InMemoryEndpointRegistry.class);
  private static final Logger audit = LoggerFactory.getLogger(AUDIT_LOGGER_NAME);

  private final ReentrantLock changeLock = new ReentrantLock();
  private final ReentrantLock saveLock = new ReentrantLock();
  private final List<SecurityAuditListener> listeners;
  private final Clock clock;
  private volatile RegistrySnapshot snapshot;

  private InMemoryEndpointRegistry(Builder builder) {
    this.snapshot = RegistrySnapshot.of(builder.endpoints.values());
    this.listeners = List.copyOf(builder.listeners);
    this.clock = builder.clock;
  }

  /** Returns a builder for an empty registry with no audit listeners and the UTC system clock. */
  public static Builder newBuilder() {
    return new Builder();
  }

  // ---------------------------------------------------------------- reads without a principal

  @Override
  public AccessDecision checkAccess(String endpointName, String callerNamespace) {
    return snapshot.checkAccess(endpointName, callerNamespace);
  }

  @Override
  public Optional<NexusEndpoint> findEndpoint(String name) {
    return Optional.ofNullable(snapshot.get(name));
  }

  @Override
  public List<NexusEndpoint> listEndpoints() {
    return snapshot.list();
  }

  // ---------------------------------------------------------------- RBAC-checked operations

  @Override
  public NexusEndpoint get(Principal principal, String name) {
    Objects.requireNonNull(principal, "principal");
    Objects.requireNonNull(name, "name");
    try {
      RegistryAccessPolicy.requireView(principal, RegistryOperation.GET, name);
    } catch (PermissionDeniedException e) {
      throw refused(e);
    }
    NexusEndpoint endpoint = snapshot.get(name);
    if (endpoint == null) {
      throw new EndpointNotFoundException(name);
    }
    return endpoint;
  }

  @Override
  public List<NexusEndpoint> list(Principal principal) {
    Objects.requireNonNull(principal, "principal");
    try {
      RegistryAccessPolicy.requireView(principal, RegistryOperation.LIST, null);
    } catch (PermissionDeniedException e) {
      throw refused(e);
    }
    return snapshot.list();
  }

  @Override
  public NexusEndpoint create(Principal principal, NexusEndpoint endpoint) {
    Objects.requireNonNull(principal, "principal");
    Objects.requireNonNull(endpoint, "endpoint");
    String name = endpoint.getName();
    requireManageOnTarget(principal, RegistryOperation.CREATE, endpoint);
    lockForChange();
    try {
      RegistrySnapshot current = snapshot;
      if (current.get(name) != null) {
        throw new EndpointAlreadyExistsException(name);
      }
      NamespaceSpellings.requireConsistent(current.list(), endpoint);
      NexusEndpoint stored = endpoint.toBuilder().setVersion(1).build();
      snapshot = current.with(stored);
      published(RegistryOperation.CREATE, principal, null, stored);
      return stored;
    } finally {
      changeLock.unlock();
    }
  }

  @Override
  public NexusEndpoint update(Principal principal, NexusEndpoint endpoint, long expectedVersion) {
    Objects.requireNonNull(principal, "principal");
    Objects.requireNonNull(endpoint, "endpoint");
    String name = endpoint.getName();
    requireManageOnTarget(principal, RegistryOperation.UPDATE, endpoint);
    lockForChange();
    try {
      RegistrySnapshot current = snapshot;
      NexusEndpoint before = current.get(name);
      if (before == null) {
        throw new EndpointNotFoundException(name);
      }
      if (!before.getTargetNamespace().equals(endpoint.getTargetNamespace())) {
        try {
          RegistryAccessPolicy.requireNamespaceAdmin(
              principal, RegistryOperation.UPDATE, name, before.getTargetNamespace());
        } catch (PermissionDeniedException e) {
          throw refused(e);
        }
      }
      if (before.getVersion() != expectedVersion) {
        throw new VersionConflictException(name, expectedVersion, before.getVersion());
      }
      NamespaceSpellings.requireConsistent(current.list(), endpoint);
      NexusEndpoint after =
          endpoint.toBuilder().setVersion(Math.addExact(before.getVersion(), 1)).build();
      snapshot = current.with(after);
      published(RegistryOperation.UPDATE, principal, before, after);
      return after;
    } finally {
      changeLock.unlock();
    }
  }

  @Override
  public void delete(Principal principal, String name, long expectedVersion) {
    Objects.requireNonNull(principal, "principal");
    Objects.requireNonNull(name, "name");
    try {
      RegistryAccessPolicy.requireManage(principal, RegistryOperation.DELETE, name);
    } catch (PermissionDeniedException e) {
      throw refused(e);
    }
    lockForChange();
    try {
      RegistrySnapshot current = snapshot;
      NexusEndpoint before = current.get(name);
      if (before == null) {
        throw new EndpointNotFoundException(name);
      }
      try {
        RegistryAccessPolicy.requireNamespaceAdmin(
            principal, RegistryOperation.DELETE, name, before.getTargetNamespace());
      } catch (PermissionDeniedException e) {
        throw refused(e);
      }
      if (before.getVersion() != expectedVersion) {
        throw new VersionConflictException(name, expectedVersion, before.getVersion());
      }
      snapshot = current.without(name);
      published(RegistryOperation.DELETE, principal, before, null);
    } finally {
      changeLock.unlock();
    }
  }

  // ---------------------------------------------------------------- persistence

  /**
   * Atomically saves the current endpoints (one consistent snapshot) to {@code file} in the format
   * of {@link RegistryFiles}. Changes are not blocked while the file is written. Saves by several
   * threads are serialized and each takes the snapshot current when its turn comes, so a file never
   * goes back to an older state than an earlier completed save wrote. Saving is not an RBAC-checked
   * operation: it exports what the process already holds.
   *
   * @throws RegistryFileException if the file cannot be written; the previous file is then
   *     unchanged
   */
  public void saveTo(Path file) {
    Objects.requireNonNull(file, "file");
    saveLock.lock();
    try {
      RegistryFiles.save(file, snapshot.list());
    } finally {
      saveLock.unlock();
    }
  }

  @Override
  public String toString() {
    return "InMemoryEndpointRegistry{endpoints=" + snapshot.size() + "}";
  }

  // ---------------------------------------------------------------- internals

  private void lockForChange() {
    if (changeLock.isHeldByCurrentThread()) {
      throw new IllegalStateException(
          "An audit listener tried to change the registry from its callback; listeners must not"
              + " change the registry (hand the work to another thread instead)");
    }
    changeLock.lock();
  }

  private static PermissionDeniedException refused(PermissionDeniedException e) {
    audit.warn("Refused: {}", e.getMessage());
    return e;
  }

  /** Logs and delivers the event of a change that is already visible. Called with the lock held. */
  private void published(
      RegistryOperation operation, Principal principal, NexusEndpoint before, NexusEndpoint after) {
    String name = after != null ? after.getName() : before.getName();
    RegistryChangeEvent event =
        new RegistryChangeEvent(clock.instant(), principal.getId(), operation, name, before, after);
    audit.info(
        "{} of endpoint '{}' by '{}': version {} -> {}; before={} after={}",
        operation,
        name,
        principal.getId(),
        event.getVersionBefore(),
        event.getVersionAfter(),
        before,
        after);
    for (SecurityAuditListener listener : listeners) {
      try {
        listener.onRegistryChange(event);
      } catch (RuntimeException e) {
        log.warn(
            "Audit listener {} threw on {}; the change stands and the other listeners are still"
                + " called",
            listener.getClass().getName(),
            event,
            e);
      }
    }
  }

  /**
   * Builder for {@link InMemoryEndpointRegistry}: initial endpoints, audit listeners and the clock
   * used for event times. Initial endpoints keep their versions (version 0 is stored as 1) and emit
   * no audit events.
   */
  public static final class Builder {
    private final Map<String, NexusEndpoint> endpoints = new LinkedHashMap<>();
    private final List<SecurityAuditListener> listeners = new ArrayList<>();
    private Clock clock = Clock.systemUTC();

    private Builder() {}

    /**
     * Adds an initial endpoint.
     *
     * @throws IllegalArgumentException if an endpoint with the same name was already added
     */
    public Builder addEndpoint(NexusEndpoint endpoint) {
      Objects.requireNonNull(endpoint, "endpoint");
      NexusEndpoint stored =
          endpoint.getVersion() == 0 ? endpoint.toBuilder().setVersion(1).build() : endpoint;
      if (endpoints.containsKey(stored.getName())) {
        throw new IllegalArgumentException(
            "Duplicate Nexus endpoint name '"
                + stored.getName()
                + "' among the initial endpoints; endpoint names must be unique");
      }
      endpoints.put(stored.getName(), stored);
      return this;
    }

    /**
     * Adds initial endpoints; all or nothing.
     *
     * @throws IllegalArgumentException if a name repeats; nothing is added then
     */
    public Builder addEndpoints(Collection<NexusEndpoint> endpoints) {
      Objects.requireNonNull(endpoints, "endpoints");
      Map<String, NexusEndpoint> before = new LinkedHashMap<>(this.endpoints);
      try {
        for (NexusEndpoint e : endpoints) {
          addEndpoint(e);
        }
      } catch (RuntimeException e) {
        this.endpoints.clear();
        this.endpoints.putAll(before);
        throw e;
      }
      return this;
    }

    /**
     * Adds the endpoints stored in a registry file; see {@link RegistryFiles#load}.
     *
     * @throws RegistryFileException if the file cannot be read or is invalid; nothing is added then
     * @throws IllegalArgumentException if a name in the file was already added
     */
    public Builder loadFrom(Path file) {
      return addEndpoints(RegistryFiles.load(file));
    }

    /** Adds a listener for registry change events; listeners are called in the order added. */
    public Builder addAuditListener(SecurityAuditListener listener) {
      listeners.add(Objects.requireNonNull(listener, "listener"));
      return this;
    }

    /** Sets the clock for event times; defaults to {@link Clock#systemUTC()}. */
    public Builder setClock(Clock clock) {
      this.clock = Objects.requireNonNull(clock, "clock");
      return this;
    }

    /**
     * Builds the registry.
     *
     * @throws EndpointValidationException if two endpoints spell one namespace name in ways that
     *     differ only in case
     */
    public InMemoryEndpointRegistry build() {
      NamespaceSpellings.requireConsistent(endpoints.values());
      return new InMemoryEndpointRegistry(this);
    }
  }
}
