package dev.nexussecurity.api;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Collections;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Pattern;

/**
 * An immutable Nexus endpoint: a name that callers address, the handler namespace and task queue it
 * routes to, and the caller namespaces allowed to use it.
 *
 * <p>Validation follows the rules of the Temporal server and Temporal Cloud: the name matches
 * {@code ^[a-zA-Z][a-zA-Z0-9-]*[a-zA-Z0-9]$} and has at most 200 characters; the task queue is
 * non-empty, at most 1000 UTF-8 bytes and does not start with {@code /_sys/}; the description is at
 * most 20,000 UTF-8 bytes; the target namespace and every allowlist entry are valid namespace names
 * ({@link NamespaceNames}: 1 to 1000 printable ASCII characters without spaces), and none of them
 * differs from another only in case ({@code Payments} next to {@code payments} is refused: Temporal
 * compares namespace names exactly, so one of the two would silently never match). Setters and
 * {@link Builder#build()} throw {@link EndpointValidationException} naming the field, the value and
 * the rule.
 *
 * <p><b>Default deny.</b> An endpoint with no allowed caller namespaces admits nobody, not even its
 * own target namespace.
 *
 * <pre>{@code
 * NexusEndpoint endpoint = NexusEndpoint.newBuilder()
 *     .setName("payments")
 *     .setTargetNamespace("payments-ns")
 *     .setTargetTaskQueue("payments-nexus")
 *     .addAllowedCallerNamespace("orders-ns")
 *     .setDescription("Charges cards for orders")
 *     .build();
 * endpoint.isCallerAllowed("orders-ns"); // true
 * endpoint.isCallerAllowed("payments-ns"); // false: not on the allowlist
 * }</pre>
 *
 * <p>Values are never null; the description defaults to the empty string and the version to 0 (not
 * yet stored in a registry).
 */
public final class NexusEndpoint {
  /** Endpoint name pattern used by the Temporal server and Temporal Cloud. */
  public static final Pattern NAME_PATTERN = Pattern.compile("^[a-zA-Z][a-zA-Z0-9-]*[a-zA-Z0-9]$");

  /** Maximum endpoint name length in characters. */
  public static final int MAX_NAME_LENGTH = 200;

  /** Maximum task queue name length in UTF-8 bytes. */
  public static final int MAX_TASK_QUEUE_BYTES = 1000;

  /** Maximum description size in UTF-8 bytes. */
  public static final int MAX_DESCRIPTION_BYTES = 20_000;

  /** Task queue prefix reserved by the Temporal server. */
  public static final String RESERVED_TASK_QUEUE_PREFIX = "/_sys/";

  private final String name;
  private final String targetNamespace;
  private final String targetTaskQueue;
  private final Set<String> allowedCallerNamespaces;
  private final String description;
  private final long version;

  private NexusEndpoint(Builder b) {
    this.name = b.name;
    this.targetNamespace = b.targetNamespace;
    this.targetTaskQueue = b.targetTaskQueue;
    this.allowedCallerNamespaces =
        Collections.unmodifiableSet(new LinkedHashSet<>(b.allowedCallers));
    this.description = b.description;
    this.version = b.version;
  }

  /** Returns a builder with no fields set. */
  public static Builder newBuilder() {
    return new Builder();
  }

  /** Returns a builder initialized with this endpoint's fields. */
  public Builder toBuilder() {
    return new Builder(this);
  }

  /** The endpoint name; unique in a registry and immutable once created. */
  public String getName() {
    return name;
  }

  /** The namespace whose workers handle this endpoint's operations. */
  public String getTargetNamespace() {
    return targetNamespace;
  }

  /** The task queue in {@link #getTargetNamespace()} that handler workers poll. */
  public String getTargetTaskQueue() {
    return targetTaskQueue;
  }

  /**
   * The caller namespaces allowed to call this endpoint, sorted, unmodifiable. Empty means nobody
   * is allowed.
   */
  public Set<String> getAllowedCallerNamespaces() {
    return allowedCallerNamespaces;
  }

  /** A free-text description; empty when not set. */
  public String getDescription() {
    return description;
  }

  /**
   * The registry version: 0 before the endpoint is stored, 1 when created, incremented by every
   * update.
   */
  public long getVersion() {
    return version;
  }

  /** Whether {@code callerNamespace} is on the allowlist. O(1) and allocation-free. */
  public boolean isCallerAllowed(String callerNamespace) {
    return callerNamespace != null && allowedCallerNamespaces.contains(callerNamespace);
  }

  /** Whether all fields except the version are equal. */
  public boolean sameSpec(NexusEndpoint other) {
    return name.equals(other.name)
        && targetNamespace.equals(other.targetNamespace)
        && targetTaskQueue.equals(other.targetTaskQueue)
        && allowedCallerNamespaces.equals(other.allowedCallerNamespaces)
        && description.equals(other.description);
  }

  @Override
  public boolean equals(Object o) {
    if (this == o) {
      return true;
    }
    if (!(o instanceof NexusEndpoint)) {
      return false;
    }
    NexusEndpoint other = (NexusEndpoint) o;
    return version == other.version && sameSpec(other);
  }

  @Override
  public int hashCode() {
    return Objects.hash(
        name, targetNamespace, targetTaskQueue, allowedCallerNamespaces, description, version);
  }

  @Override
  public String toString() {
    return "NexusEndpoint{name="
        + name
        + ", target="
        + targetNamespace
        + "/"
        + targetTaskQueue
        + ", allowedCallers="
        + allowedCallerNamespaces
        + ", version="
        + version
        + "}";
  }

  /** Builder for {@link NexusEndpoint}; setters validate their argument at once. */
  public static final class Builder {
    private String name;
    private String targetNamespace;
    private String targetTaskQueue;
    private final TreeSet<String> allowedCallers = new TreeSet<>();
    private String description = "";
    private long version;

    private Builder() {}

    private Builder(NexusEndpoint e) {
      this.name = e.name;
      this.targetNamespace = e.targetNamespace;
      this.targetTaskQueue = e.targetTaskQueue;
      this.allowedCallers.addAll(e.allowedCallerNamespaces);
      this.description = e.description;
      this.version = e.version;
    }

    /** Sets the endpoint name; see {@link NexusEndpoint#NAME_PATTERN}. */
    public Builder setName(String name) {
      this.name = validateName(name);
      return this;
    }

    /** Sets the handler namespace. */
    public Builder setTargetNamespace(String namespace) {
      this.targetNamespace = validateNamespace("targetNamespace", namespace);
      return this;
    }

    /** Sets the handler task queue. */
    public Builder setTargetTaskQueue(String taskQueue) {
      this.targetTaskQueue = validateTaskQueue(taskQueue);
      return this;
    }

    /** Adds one allowed caller namespace. */
    public Builder addAllowedCallerNamespace(String namespace) {
      allowedCallers.add(validateNamespace("allowedCallerNamespaces", namespace));
      return this;
    }

    /**
     * Replaces the allowlist with {@code namespaces} (copied). An empty collection denies everyone.
     */
    public Builder setAllowedCallerNamespaces(Collection<String> namespaces) {
      requireField("allowedCallerNamespaces", namespaces);
      List<String> validated = new ArrayList<>(namespaces.size());
      for (String ns : namespaces) {
        validated.add(validateNamespace("allowedCallerNamespaces", ns));
      }
      allowedCallers.clear();
      allowedCallers.addAll(validated);
      return this;
    }

    /** Removes one caller namespace from the allowlist; a no-op if absent. */
    public Builder removeAllowedCallerNamespace(String namespace) {
      if (namespace != null) {
        allowedCallers.remove(namespace);
      }
      return this;
    }

    /** Sets the description; {@code null} is treated as empty. */
    public Builder setDescription(String description) {
      String d = description == null ? "" : description;
      int bytes = d.getBytes(StandardCharsets.UTF_8).length;
      if (bytes > MAX_DESCRIPTION_BYTES) {
        throw new EndpointValidationException(
            name,
            "description",
            d,
            "is " + bytes + " UTF-8 bytes; at most " + MAX_DESCRIPTION_BYTES + " are allowed");
      }
      this.description = d;
      return this;
    }

    /**
     * Sets the version. Registries manage versions themselves; this is for loading stored
     * endpoints.
     */
    public Builder setVersion(long version) {
      if (version < 0) {
        throw new EndpointValidationException(
            name, "version", Long.toString(version), "must be 0 or greater");
      }
      this.version = version;
      return this;
    }

    /**
     * Builds the endpoint.
     *
     * @throws EndpointValidationException if the name, target namespace or target task queue is
     *     missing, or an allowlist entry differs only in case from the target namespace or from
     *     another entry
     */
    public NexusEndpoint build() {
      requireField("name", name);
      requireField("targetNamespace", targetNamespace);
      requireField("targetTaskQueue", targetTaskQueue);
      requireNoCaseVariants();
      return new NexusEndpoint(this);
    }

    private void requireNoCaseVariants() {
      Map<String, String> byLowerCase = new HashMap<>();
      byLowerCase.put(targetNamespace.toLowerCase(Locale.ROOT), targetNamespace);
      for (String caller : allowedCallers) {
        String other = byLowerCase.putIfAbsent(caller.toLowerCase(Locale.ROOT), caller);
        if (other != null && !other.equals(caller)) {
          throw new EndpointValidationException(
              name,
              "allowedCallerNamespaces",
              caller,
              "differs only in case from "
                  + (other.equals(targetNamespace)
                      ? "the target namespace '"
                      : "the allowed caller namespace '")
                  + other
                  + "'; Temporal compares namespace names exactly, so these are two different"
                  + " namespaces and one of them would never match: use the namespace's exact"
                  + " spelling");
        }
      }
    }

    private void requireField(String field, Object value) {
      if (value == null) {
        throw new EndpointValidationException(name, field, null, "is required");
      }
    }

    private static String validateName(String name) {
      if (name == null || name.isEmpty()) {
        throw new EndpointValidationException(null, "name", name, "is required");
      }
      if (name.length() > MAX_NAME_LENGTH) {
        throw new EndpointValidationException(
            null,
            "name",
            name,
            "is " + name.length() + " characters; at most " + MAX_NAME_LENGTH + " are allowed");
      }
      if (!NAME_PATTERN.matcher(name).matches()) {
        throw new EndpointValidationException(
            null,
            "name",
            name,
            "must start with a letter, contain only letters, digits and '-', and end with a letter or"
                + " digit (pattern "
                + NAME_PATTERN.pattern()
                + ")");
      }
      return name;
    }

    private String validateNamespace(String field, String namespace) {
      if (namespace == null) {
        throw new EndpointValidationException(name, field, null, "is required");
      }
      Optional<String> problem = NamespaceNames.problem(namespace);
      if (problem.isPresent()) {
        throw new EndpointValidationException(
            name, field, namespace, "is not a valid namespace name: it " + problem.get());
      }
      return namespace;
    }

    private String validateTaskQueue(String taskQueue) {
      if (taskQueue == null || taskQueue.isEmpty()) {
        throw new EndpointValidationException(
            name, "targetTaskQueue", taskQueue, "must not be empty");
      }
      int bytes = taskQueue.getBytes(StandardCharsets.UTF_8).length;
      if (bytes > MAX_TASK_QUEUE_BYTES) {
        throw new EndpointValidationException(
            name,
            "targetTaskQueue",
            taskQueue,
            "is " + bytes + " UTF-8 bytes; at most " + MAX_TASK_QUEUE_BYTES + " are allowed");
      }
      if (taskQueue.startsWith(RESERVED_TASK_QUEUE_PREFIX)) {
        throw new EndpointValidationException(
            name,
            "targetTaskQueue",
            taskQueue,
            "must not start with the reserved prefix " + RESERVED_TASK_QUEUE_PREFIX);
      }
      return taskQueue;
    }
  }
}
