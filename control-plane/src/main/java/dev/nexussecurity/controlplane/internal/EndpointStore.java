package dev.nexussecurity.controlplane.internal;

import dev.nexussecurity.api.EndpointAlreadyExistsException;
import dev.nexussecurity.api.EndpointNotFoundException;
import dev.nexussecurity.api.NexusEndpoint;
import dev.nexussecurity.api.PermissionDeniedException;
import dev.nexussecurity.api.Principal;
import dev.nexussecurity.api.RegistryChangeEvent;
import dev.nexussecurity.api.SecurityAuditListener;
import dev.nexussecurity.api.VersionConflictException;
import dev.nexussecurity.core.InMemoryEndpointRegistry;
import dev.nexussecurity.core.keys.KeyDirectory;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicReference;

/**
 * The registry behind the endpoint management API: a registry file or the Temporal server's Nexus
 * endpoints. Every operation is decided by the library's registry RBAC ({@link
 * InMemoryEndpointRegistry}: Developer or higher and Namespace Admin on the target, on both targets
 * for a move, to change; any role but None to read) on the state the store holds when the operation
 * runs, and a change is answered only once it is stored. Changes are serialized within the process;
 * a refused or failed change stores nothing.
 *
 * <p>Operations throw the registry's typed exceptions ({@link PermissionDeniedException}, {@link
 * EndpointNotFoundException}, {@link EndpointAlreadyExistsException}, {@link
 * VersionConflictException}), and {@link Refusal} 503 when the storage cannot be read or written.
 */
public abstract class EndpointStore implements AutoCloseable {

  /** A stored change: the endpoint before (null on create) and after (null on delete). */
  public record Change(NexusEndpoint before, NexusEndpoint after) {}

  /** A change to apply to a copy of the registry; returns what it stored. */
  @FunctionalInterface
  interface Operation {
    void apply(InMemoryEndpointRegistry registry);
  }

  /** The endpoints, sorted by name; needs a role other than None. */
  public List<NexusEndpoint> list(Principal principal) {
    return readable().list(principal);
  }

  /** One endpoint; needs a role other than None. */
  public NexusEndpoint get(Principal principal, String name) {
    return readable().get(principal, name);
  }

  /** Creates {@code endpoint} at version 1. */
  public Change create(Principal principal, NexusEndpoint endpoint) {
    return change(endpoint.getName(), r -> r.create(principal, endpoint));
  }

  /** Replaces the endpoint if its version is {@code expectedVersion}. */
  public Change update(Principal principal, NexusEndpoint endpoint, long expectedVersion) {
    return change(endpoint.getName(), r -> r.update(principal, endpoint, expectedVersion));
  }

  /** Deletes the endpoint if its version is {@code expectedVersion}. */
  public Change delete(Principal principal, String name, long expectedVersion) {
    return change(name, r -> r.delete(principal, name, expectedVersion));
  }

  /** Why {@code name} may not be used for an endpoint here, if it may not. */
  Optional<String> reserved(String name) {
    return Optional.empty();
  }

  /**
   * What is wrong with the storage's inputs now while it keeps serving (for the health check), in
   * words an operator can act on; empty when nothing is.
   */
  public List<String> problems() {
    return List.of();
  }

  /**
   * The namespace key directory (public keys) as the storage publishes it now, as workers read it;
   * empty when it publishes none.
   */
  Optional<KeyDirectory> keyDirectory() {
    return Optional.empty();
  }

  /** Why namespaces of the published directory have no usable keys, and file problems, if any. */
  List<String> keyDirectoryProblems() {
    return List.of();
  }

  /** Describes the storage for logs (no secrets). */
  public abstract String describe();

  /** The registry that reads are answered from (never changed). */
  abstract InMemoryEndpointRegistry readable();

  /** Applies {@code operation} to the current state and stores the result, serialized. */
  abstract Change change(String name, Operation operation);

  @Override
  public void close() {}

  /**
   * Runs {@code operation} on a new registry holding {@code current}, and returns that registry and
   * the change, or throws what the operation threw (nothing is stored then).
   */
  static Applied apply(List<NexusEndpoint> current, Operation operation) {
    AtomicReference<RegistryChangeEvent> event = new AtomicReference<>();
    InMemoryEndpointRegistry copy =
        InMemoryEndpointRegistry.newBuilder()
            .addEndpoints(current)
            .addAuditListener(
                new SecurityAuditListener() {
                  @Override
                  public void onRegistryChange(RegistryChangeEvent e) {
                    event.set(e);
                  }
                })
            .build();
    operation.apply(copy);
    RegistryChangeEvent e = event.get();
    if (e == null) {
      throw new IllegalStateException("the registry applied no change and threw nothing");
    }
    return new Applied(copy, new Change(e.getBefore().orElse(null), e.getAfter().orElse(null)));
  }

  /** A registry after a change, and the change. */
  record Applied(InMemoryEndpointRegistry registry, Change change) {}

  /** A registry holding {@code endpoints}, for reads. */
  static InMemoryEndpointRegistry readOnly(List<NexusEndpoint> endpoints) {
    return InMemoryEndpointRegistry.newBuilder().addEndpoints(endpoints).build();
  }
}
