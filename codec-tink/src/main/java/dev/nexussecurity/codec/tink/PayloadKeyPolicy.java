package dev.nexussecurity.codec.tink;

import dev.nexussecurity.api.PayloadProtection;
import dev.nexussecurity.api.internal.UntrustedText;
import java.util.Collections;
import java.util.LinkedHashSet;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;

/**
 * Which {@link PayloadProtection} the Tink codec applies to the payloads of a Nexus call: a
 * default, overrides per endpoint and per (endpoint, service), and the protection of payloads
 * outside any Nexus call (workflow arguments and results, activities, signals). Caller and handler
 * configure the same policy for an endpoint (typically next to the registry's endpoints); decoding
 * never needs it, because every payload names its scheme and keys in its authenticated metadata.
 *
 * <p>Selection: the (endpoint, service) entry if there is one, else the endpoint entry, else the
 * default. Payloads encoded outside a Nexus call use {@link #getUnbound()}, which defaults to the
 * default protection; for {@code pairwise}, {@code hpke} and {@code authenticated} that means the
 * namespace's key with itself, so only the namespace's own workers read them.
 *
 * <pre>{@code
 * PayloadKeyPolicy policy = PayloadKeyPolicy.newBuilder()
 *     .setDefault(PayloadProtection.pairwise())
 *     .setForEndpoint("payments", PayloadProtection.shared("payments"))
 *     .setForService("payments", "RefundService", PayloadProtection.hpke())
 *     .setUnbound(PayloadProtection.shared("default"))
 *     .build();
 * }</pre>
 *
 * <p>Immutable and thread-safe.
 */
public final class PayloadKeyPolicy {
  private final PayloadProtection defaultProtection;
  private final PayloadProtection unbound;
  private final Map<String, PayloadProtection> endpoints;
  private final Map<String, Map<String, PayloadProtection>> services;

  private PayloadKeyPolicy(Builder b) {
    this.defaultProtection = b.defaultProtection;
    this.unbound = b.unbound != null ? b.unbound : b.defaultProtection;
    this.endpoints = Collections.unmodifiableMap(new TreeMap<>(b.endpoints));
    Map<String, Map<String, PayloadProtection>> s = new TreeMap<>();
    b.services.forEach((k, v) -> s.put(k, Collections.unmodifiableMap(new TreeMap<>(v))));
    this.services = Collections.unmodifiableMap(s);
  }

  /** A policy that applies {@code protection} to every payload. */
  public static PayloadKeyPolicy of(PayloadProtection protection) {
    return newBuilder().setDefault(protection).build();
  }

  /** Returns a builder; the default protection is required. */
  public static Builder newBuilder() {
    return new Builder();
  }

  /** Returns a builder holding this policy's entries. */
  public Builder toBuilder() {
    Builder b = new Builder();
    b.defaultProtection = defaultProtection;
    b.unbound = unbound == defaultProtection ? null : unbound;
    b.endpoints.putAll(endpoints);
    services.forEach((k, v) -> b.services.put(k, new TreeMap<>(v)));
    return b;
  }

  /** The protection of the payloads of a call to {@code service} through {@code endpoint}. */
  public PayloadProtection select(String endpoint, String service) {
    Map<String, PayloadProtection> perService = services.get(endpoint);
    if (perService != null) {
      PayloadProtection p = perService.get(service);
      if (p != null) {
        return p;
      }
    }
    PayloadProtection p = endpoints.get(endpoint);
    return p != null ? p : defaultProtection;
  }

  public PayloadProtection getDefault() {
    return defaultProtection;
  }

  /** The protection of payloads encoded outside any Nexus call. */
  public PayloadProtection getUnbound() {
    return unbound;
  }

  /** The per-endpoint entries, unmodifiable. */
  public Map<String, PayloadProtection> getEndpoints() {
    return endpoints;
  }

  /** The per-(endpoint, service) entries, by endpoint then service, unmodifiable. */
  public Map<String, Map<String, PayloadProtection>> getServices() {
    return services;
  }

  /** Every protection this policy can select, in no particular order. */
  public Set<PayloadProtection> allProtections() {
    Set<PayloadProtection> all = new LinkedHashSet<>();
    all.add(defaultProtection);
    all.add(unbound);
    all.addAll(endpoints.values());
    services.values().forEach(m -> all.addAll(m.values()));
    return all;
  }

  /** The protection of {@code endpoint} if it has its own entry. */
  public Optional<PayloadProtection> findForEndpoint(String endpoint) {
    return Optional.ofNullable(endpoints.get(endpoint));
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof PayloadKeyPolicy p
        && defaultProtection.equals(p.defaultProtection)
        && unbound.equals(p.unbound)
        && endpoints.equals(p.endpoints)
        && services.equals(p.services);
  }

  @Override
  public int hashCode() {
    return Objects.hash(defaultProtection, unbound, endpoints, services);
  }

  @Override
  public String toString() {
    return "PayloadKeyPolicy{default="
        + defaultProtection
        + ", unbound="
        + unbound
        + (endpoints.isEmpty() ? "" : ", endpoints=" + endpoints)
        + (services.isEmpty() ? "" : ", services=" + services)
        + "}";
  }

  /** Builder for {@link PayloadKeyPolicy}. */
  public static final class Builder {
    private PayloadProtection defaultProtection;
    private PayloadProtection unbound;
    private final Map<String, PayloadProtection> endpoints = new TreeMap<>();
    private final Map<String, Map<String, PayloadProtection>> services = new TreeMap<>();

    private Builder() {}

    /** Sets the protection of calls without a more specific entry; required. */
    public Builder setDefault(PayloadProtection protection) {
      this.defaultProtection = Objects.requireNonNull(protection, "default protection");
      return this;
    }

    /** Sets the protection of payloads outside any Nexus call; defaults to the default. */
    public Builder setUnbound(PayloadProtection protection) {
      this.unbound = Objects.requireNonNull(protection, "unbound protection");
      return this;
    }

    /** Sets the protection of every call through {@code endpoint}. */
    public Builder setForEndpoint(String endpoint, PayloadProtection protection) {
      endpoints.put(name("endpoint", endpoint), Objects.requireNonNull(protection, "protection"));
      return this;
    }

    /** Sets the protection of calls to {@code service} through {@code endpoint}. */
    public Builder setForService(String endpoint, String service, PayloadProtection protection) {
      services
          .computeIfAbsent(name("endpoint", endpoint), k -> new TreeMap<>())
          .put(name("service", service), Objects.requireNonNull(protection, "protection"));
      return this;
    }

    /**
     * Builds the policy.
     *
     * @throws IllegalStateException if no default protection was set
     */
    public PayloadKeyPolicy build() {
      if (defaultProtection == null) {
        throw new IllegalStateException(
            "PayloadKeyPolicy.default is required: call setDefault(PayloadProtection...)");
      }
      return new PayloadKeyPolicy(this);
    }

    private static String name(String field, String value) {
      Objects.requireNonNull(value, field);
      if (value.isEmpty() || UntrustedText.firstUnsafe(value) >= 0) {
        throw new IllegalArgumentException(
            "PayloadKeyPolicy."
                + field
                + " must be non-empty printable text, got '"
                + UntrustedText.quote(value)
                + "'");
      }
      return value;
    }
  }
}
