package dev.nexussecurity.api;

import java.util.Collections;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.TreeMap;

/**
 * Who performs a registry management operation: an identifier, an {@link AccountRole} and
 * permissions on individual namespaces.
 *
 * <pre>{@code
 * Principal alice = Principal.newBuilder("alice@example.com")
 *     .setAccountRole(AccountRole.DEVELOPER)
 *     .putNamespacePermission("payments-ns", NamespacePermission.ADMIN)
 *     .build();
 * alice.hasNamespacePermission("payments-ns", NamespacePermission.ADMIN); // true
 * }</pre>
 *
 * <p>Immutable. The account role defaults to {@link AccountRole#NONE}.
 */
public final class Principal {
  private final String id;
  private final AccountRole accountRole;
  private final Map<String, NamespacePermission> namespacePermissions;

  private Principal(Builder b) {
    this.id = b.id;
    this.accountRole = b.accountRole;
    this.namespacePermissions = Collections.unmodifiableMap(new TreeMap<>(b.permissions));
  }

  /**
   * Returns a builder for a principal identified by {@code id} (for audit; e.g. a user or service).
   */
  public static Builder newBuilder(String id) {
    return new Builder(id);
  }

  /** Returns a builder initialized with this principal's fields. */
  public Builder toBuilder() {
    Builder b = new Builder(id).setAccountRole(accountRole);
    b.permissions.putAll(namespacePermissions);
    return b;
  }

  /** The identifier recorded in audit events. */
  public String getId() {
    return id;
  }

  /** The account role. */
  public AccountRole getAccountRole() {
    return accountRole;
  }

  /** The explicitly granted namespace permissions, sorted by namespace, unmodifiable. */
  public Map<String, NamespacePermission> getNamespacePermissions() {
    return namespacePermissions;
  }

  /**
   * The effective permission on {@code namespace}: {@link NamespacePermission#ADMIN} for roles that
   * hold it implicitly, otherwise the explicit grant, if any. Empty for a {@code null} namespace.
   */
  public Optional<NamespacePermission> getEffectivePermission(String namespace) {
    if (namespace == null) {
      return Optional.empty();
    }
    if (accountRole.isImplicitNamespaceAdmin()) {
      return Optional.of(NamespacePermission.ADMIN);
    }
    return Optional.ofNullable(namespacePermissions.get(namespace));
  }

  /** Whether the effective permission on {@code namespace} includes {@code required}. */
  public boolean hasNamespacePermission(String namespace, NamespacePermission required) {
    return getEffectivePermission(namespace).map(p -> p.includes(required)).orElse(false);
  }

  @Override
  public boolean equals(Object o) {
    if (this == o) {
      return true;
    }
    if (!(o instanceof Principal)) {
      return false;
    }
    Principal p = (Principal) o;
    return id.equals(p.id)
        && accountRole == p.accountRole
        && namespacePermissions.equals(p.namespacePermissions);
  }

  @Override
  public int hashCode() {
    return Objects.hash(id, accountRole, namespacePermissions);
  }

  @Override
  public String toString() {
    return "Principal{id="
        + id
        + ", role="
        + accountRole
        + ", namespaces="
        + namespacePermissions
        + "}";
  }

  /** Builder for {@link Principal}. */
  public static final class Builder {
    private final String id;
    private AccountRole accountRole = AccountRole.NONE;
    private final Map<String, NamespacePermission> permissions = new TreeMap<>();

    private Builder(String id) {
      if (id == null || id.isBlank()) {
        throw new IllegalArgumentException("Principal id must be non-blank, got '" + id + "'");
      }
      this.id = id;
    }

    /** Sets the account role. */
    public Builder setAccountRole(AccountRole role) {
      this.accountRole = Objects.requireNonNull(role, "accountRole");
      return this;
    }

    /** Grants {@code permission} on {@code namespace}, replacing any earlier grant on it. */
    public Builder putNamespacePermission(String namespace, NamespacePermission permission) {
      if (namespace == null || namespace.isBlank()) {
        throw new IllegalArgumentException(
            "Namespace name in a permission grant must be non-blank, got '" + namespace + "'");
      }
      permissions.put(namespace, Objects.requireNonNull(permission, "permission"));
      return this;
    }

    /** Builds the principal. */
    public Principal build() {
      return new Principal(this);
    }
  }
}
