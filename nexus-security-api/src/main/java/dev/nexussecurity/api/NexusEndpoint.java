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
import java.util.TreeMap;
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
 * <p><b>Payload protection.</b> An endpoint may name how its payloads are protected ({@link
 * PayloadProtection}: a shared keyset, pairwise keys, HPKE or authenticated plaintext),
 * endpoint-wide and per Nexus service; {@link #getPayloadProtection(String)} resolves a service's
 * protection (its override, else the endpoint-wide one, else empty: the worker's default). Changing
 * it is an update like any other, needing the same rights.
 *
 * <pre>{@code
 * NexusEndpoint endpoint = NexusEndpoint.newBuilder()
 *     .setName("payments")
 *     .setTargetNamespace("payments-ns")
 *     .setTargetTaskQueue("payments-nexus")
 *     .addAllowedCallerNamespace("orders-ns")
 *     .setPayloadProtection(PayloadProtection.pairwise())
 *     .putServicePayloadProtection("refunds", PayloadProtection.shared("refunds-key"))
 *     .build();
 * endpoint.getPayloadProtection("refunds"); // Optional[shared:refunds-key]
 * endpoint.getPayloadProtection("charges"); // Optional[pairwise]
 * }</pre>
 *
 * <p>Values are never null; the description defaults to the empty string, the version to 0 (not yet
 * stored in a registry) and the payload protection to none (the worker's default).
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

  /** Maximum length of a service name in a per-service payload protection, in characters. */
  public static final int MAX_SERVICE_NAME_LENGTH = 1000;

  private final String name;
  private final String targetNamespace;
  private final String targetTaskQueue;
  private final Set<String> allowedCallerNamespaces;
  private final String description;
  private final long version;
  private final Optional<PayloadProtection> payloadProtection;
  private final Map<String, PayloadProtection> servicePayloadProtections;
  // Per-service lookups return a prepared Optional so that the hot path allocates nothing.
  private final Map<String, Optional<PayloadProtection>> resolvedByService;

  private NexusEndpoint(Builder b) {
    this.name = b.name;
    this.targetNamespace = b.targetNamespace;
    this.targetTaskQueue = b.targetTaskQueue;
    this.allowedCallerNamespaces =
        Collections.unmodifiableSet(new LinkedHashSet<>(b.allowedCallers));
    this.description = b.description;
    this.version = b.version;
    this.payloadProtection = Optional.ofNullable(b.payloadProtection);
    this.servicePayloadProtections =
        Collections.unmodifiableMap(new TreeMap<>(b.servicePayloadProtections));
    Map<String, Optional<PayloadProtection>> resolved = new HashMap<>();
    b.servicePayloadProtections.forEach((service, p) -> resolved.put(service, Optional.of(p)));
    this.resolvedByService = resolved;
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

  /**
   * The endpoint-wide payload protection; empty when the endpoint does not name one (the worker's
   * default applies).
   */
  public Optional<PayloadProtection> getDefaultPayloadProtection() {
    return payloadProtection;
  }

  /** The per-service overrides of the payload protection, by service name, sorted, unmodifiable. */
  public Map<String, PayloadProtection> getServicePayloadProtections() {
    return servicePayloadProtections;
  }

  /**
   * The payload protection for calls to {@code service}: the service's override if there is one,
   * else the endpoint-wide protection, else empty (the worker's default applies). O(1) and
   * allocation-free.
   */
  public Optional<PayloadProtection> getPayloadProtection(String service) {
    if (service != null) {
      Optional<PayloadProtection> override = resolvedByService.get(service);
      if (override != null) {
        return override;
      }
    }
    return payloadProtection;
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
        && description.equals(other.description)
        && payloadProtection.equals(other.payloadProtection)
        && servicePayloadProtections.equals(other.servicePayloadProtections);
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
        name,
        targetNamespace,
        targetTaskQueue,
        allowedCallerNamespaces,
        description,
        version,
        payloadProtection,
        servicePayloadProtections);
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
        + (payloadProtection.isPresent() ? ", payloadProtection=" + payloadProtection.get() : "")
        + (servicePayloadProtections.isEmpty()
            ? ""
            : ", servicePayloadProtections=" + servicePayloadProtections)
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
    private PayloadProtection payloadProtection;
    private final TreeMap<String, PayloadProtection> servicePayloadProtections = new TreeMap<>();

    private Builder() {}

    private Builder(NexusEndpoint e) {
      this.name = e.name;
      this.targetNamespace = e.targetNamespace;
      this.targetTaskQueue = e.targetTaskQueue;
      this.allowedCallers.addAll(e.allowedCallerNamespaces);
      this.description = e.description;
      this.version = e.version;
      this.payloadProtection = e.payloadProtection.orElse(null);
      this.servicePayloadProtections.putAll(e.servicePayloadProtections);
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
     * Sets the endpoint-wide payload protection; {@code null} removes it (the worker's default
     * applies).
     */
    public Builder setPayloadProtection(PayloadProtection protection) {
      this.payloadProtection = protection;
      return this;
    }

    /**
     * Sets the payload protection of calls to one Nexus service of this endpoint, overriding the
     * endpoint-wide one.
     *
     * @throws EndpointValidationException if {@code service} is null, empty, longer than {@link
     *     #MAX_SERVICE_NAME_LENGTH} characters or contains control characters, or {@code
     *     protection} is null
     */
    public Builder putServicePayloadProtection(String service, PayloadProtection protection) {
      String s = validateService(service);
      if (protection == null) {
        throw new EndpointValidationException(
            name,
            "servicePayloadProtections",
            s,
            "needs a payload protection; use removeServicePayloadProtection to drop the override");
      }
      servicePayloadProtections.put(s, protection);
      return this;
    }

    /** Removes the override for {@code service}; a no-op if there is none. */
    public Builder removeServicePayloadProtection(String service) {
      if (service != null) {
        servicePayloadProtections.remove(service);
      }
      return this;
    }

    /**
     * Replaces all per-service overrides with {@code protections} (copied); see {@link
     * #putServicePayloadProtection}. Nothing changes if an entry is invalid.
     */
    public Builder setServicePayloadProtections(Map<String, PayloadProtection> protections) {
      requireField("servicePayloadProtections", protections);
      TreeMap<String, PayloadProtection> validated = new TreeMap<>();
      for (Map.Entry<String, PayloadProtection> entry : protections.entrySet()) {
        String s = validateService(entry.getKey());
        if (entry.getValue() == null) {
          throw new EndpointValidationException(
              name, "servicePayloadProtections", s, "needs a payload protection, found null");
        }
        validated.put(s, entry.getValue());
      }
      servicePayloadProtections.clear();
      servicePayloadProtections.putAll(validated);
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

    private String validateService(String service) {
      if (service == null || service.isEmpty()) {
        throw new EndpointValidationException(
            name,
            "servicePayloadProtections",
            service,
            "needs a non-empty Nexus service name; set the endpoint-wide protection with"
                + " setPayloadProtection instead");
      }
      if (service.length() > MAX_SERVICE_NAME_LENGTH) {
        throw new EndpointValidationException(
            name,
            "servicePayloadProtections",
            service,
            "service name is "
                + service.length()
                + " characters; at most "
                + MAX_SERVICE_NAME_LENGTH
                + " are allowed");
      }
      for (int i = 0; i < service.length(); i++) {
        if (Character.isISOControl(service.charAt(i))) {
          throw new EndpointValidationException(
              name,
              "servicePayloadProtections",
              service,
              "service name contains a control character at index " + i);
        }
      }
      return service;
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
