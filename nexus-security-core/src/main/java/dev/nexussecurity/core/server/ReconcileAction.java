package dev.nexussecurity.core.server;

import dev.nexussecurity.api.NexusEndpoint;
import dev.nexussecurity.core.internal.server.PlannedStep;
import java.util.Optional;

/**
 * One entry of a {@link ReconcilePlan}: what the {@link EndpointReconciler} will do with one
 * endpoint name, and why.
 *
 * <p>Every endpoint name found in the registry or on the server gets exactly one action; when the
 * reconciler publishes a key directory, every namespace of the directory (and every entry endpoint
 * left on the server) gets one ({@link #isKeyDirectoryEntry()}); the registry manifest gets one
 * more, last ({@link #isManifest()}). Only {@link Type#CREATE}, {@link Type#UPDATE} and {@link
 * Type#DELETE} change the server; {@link Type#ERROR} marks something the registry asks for that
 * cannot be done, and fails the reconciliation's result.
 *
 * <pre>{@code
 * for (ReconcileAction action : reconciler.plan().getActions()) {
 *   System.out.println(action.getType() + " " + action.getEndpointName() + ": " + action.getReason());
 * }
 * }</pre>
 *
 * <p>Immutable and thread-safe; made only by {@link EndpointReconciler#plan()}. Never null:
 * optional values are {@link Optional}s.
 */
public final class ReconcileAction {
  /** What an action does. */
  public enum Type {
    /** Create the endpoint on the server with the registry's target and signed policy. */
    CREATE,
    /**
     * Replace the server endpoint's target and description with the registry's target and a freshly
     * signed policy, at the server version read when planning.
     */
    UPDATE,
    /** Delete the server endpoint, at the server version read when planning. */
    DELETE,
    /** Nothing to do: the server says what the registry says. */
    UNCHANGED,
    /**
     * Deliberately left alone: a removed endpoint while deletion is off, or one not managed here.
     */
    SKIP,
    /** The registry asks for something that cannot be done; the reason says what to fix. */
    ERROR;

    /** Whether actions of this type change the server. */
    public boolean isChange() {
      return this == CREATE || this == UPDATE || this == DELETE;
    }
  }

  private final PlannedStep step;

  ReconcileAction(PlannedStep step) {
    this.step = step;
  }

  PlannedStep step() {
    return step;
  }

  /** What this action does. */
  public Type getType() {
    return step.getType();
  }

  /** The endpoint name. */
  public String getEndpointName() {
    return step.getEndpointName();
  }

  /** Why: the differences found, or why nothing is done. Never contains key material. */
  public String getReason() {
    return step.getReason();
  }

  /** Whether this action changes the server. */
  public boolean isChange() {
    return getType().isChange();
  }

  /**
   * Whether this action is about the registry manifest (the reserved endpoint whose description
   * holds the signed list of the registry's endpoints) rather than a registry endpoint.
   */
  public boolean isManifest() {
    return step.isManifest();
  }

  /**
   * Whether this action is about one namespace's key directory entry (the reserved endpoint whose
   * description holds the namespace's public keys, signed with the registry key).
   */
  public boolean isKeyDirectoryEntry() {
    return step.isKeyDirectoryEntry();
  }

  /** For a key directory entry: the namespace whose keys it holds; otherwise empty. */
  public Optional<String> getKeyDirectoryNamespace() {
    return Optional.ofNullable(step.getKeyNamespace());
  }

  /** The registry's endpoint of this name; empty when the registry has none. */
  public Optional<NexusEndpoint> getRegistryEndpoint() {
    return Optional.ofNullable(step.getDesired());
  }

  /** The server endpoint's id; empty when the server has no endpoint of this name. */
  public Optional<String> getServerEndpointId() {
    return step.getServer() == null ? Optional.empty() : Optional.of(step.getServer().getId());
  }

  /** The server endpoint's version when planned; 0 when the server has no endpoint of this name. */
  public long getServerVersion() {
    return step.getServer() == null ? 0 : step.getServer().getVersion();
  }

  /**
   * One line: a symbol ({@code +} create, {@code ~} update, {@code -} delete, {@code =} unchanged,
   * {@code .} skip, {@code !} error), the type, the name, the server version and the reason.
   */
  @Override
  public String toString() {
    StringBuilder sb = new StringBuilder();
    sb.append(symbol(getType()))
        .append(' ')
        .append(getType().name().toLowerCase(java.util.Locale.ROOT));
    if (step.isKeyDirectoryEntry()) {
      sb.append(" key directory entry of ")
          .append(step.getKeyNamespace())
          .append(" (endpoint ")
          .append(getEndpointName())
          .append(')');
    } else {
      sb.append(' ').append(getEndpointName());
    }
    if (step.getDesiredKeys() != null && (getType() == Type.CREATE || getType() == Type.UPDATE)) {
      sb.append(" -> ").append(step.getDesiredKeys());
    }
    NexusEndpoint desired = step.getDesired();
    if (desired != null && (getType() == Type.CREATE || getType() == Type.UPDATE)) {
      sb.append(" -> ")
          .append(desired.getTargetNamespace())
          .append('/')
          .append(desired.getTargetTaskQueue())
          .append(" allowed ")
          .append(desired.getAllowedCallerNamespaces());
    }
    if (step.getServer() != null) {
      sb.append(" (server version ").append(step.getServer().getVersion()).append(')');
    }
    return sb.append(": ").append(getReason()).toString();
  }

  private static char symbol(Type type) {
    return switch (type) {
      case CREATE -> '+';
      case UPDATE -> '~';
      case DELETE -> '-';
      case UNCHANGED -> '=';
      case SKIP -> '.';
      case ERROR -> '!';
    };
  }
}
