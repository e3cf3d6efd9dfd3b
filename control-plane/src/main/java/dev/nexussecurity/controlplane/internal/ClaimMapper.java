package dev.nexussecurity.controlplane.internal;

import dev.nexussecurity.api.AccountRole;
import dev.nexussecurity.api.NamespacePermission;
import dev.nexussecurity.api.Principal;
import dev.nexussecurity.controlplane.internal.Settings.Authorization;
import dev.nexussecurity.controlplane.internal.Settings.Grant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Turns a verified {@link Identity} into a {@link Principal}: every grant that matches (by
 * principal id, or by a claim value) adds its account role and namespace permissions; the strongest
 * role and the strongest permission per namespace win. An identity no grant matches gets {@link
 * AccountRole#NONE} and no namespace permissions, so it is refused everything. The same principal
 * serves every API of the server: the codec API checks namespace permissions, the registry's RBAC
 * checks account role and namespace permissions.
 */
public final class ClaimMapper {
  private final List<Grant> grants;

  /** A mapper for the configured grants. */
  public ClaimMapper(Authorization authorization) {
    this.grants = authorization.grants();
  }

  /** The principal of {@code identity}. */
  public Principal map(Identity identity) {
    AccountRole role = AccountRole.NONE;
    Map<String, NamespacePermission> permissions = new HashMap<>();
    for (Grant g : grants) {
      if (!matches(g, identity)) {
        continue;
      }
      if (g.accountRole().isPresent() && g.accountRole().get().ordinal() < role.ordinal()) {
        role = g.accountRole().get(); // declared strongest first
      }
      g.namespaces().forEach((ns, p) -> permissions.merge(ns, p, (a, b) -> a.includes(b) ? a : b));
    }
    Principal.Builder b = Principal.newBuilder(identity.id()).setAccountRole(role);
    permissions.forEach(b::putNamespacePermission);
    return b.build();
  }

  private static boolean matches(Grant g, Identity identity) {
    if (g.principal().isPresent()) {
      return g.principal().get().equals(identity.id());
    }
    return identity.claimValues(g.claim().orElseThrow()).contains(g.value().orElseThrow());
  }
}
