package dev.nexussecurity.controlplane.internal;

import static org.assertj.core.api.Assertions.assertThat;

import dev.nexussecurity.api.AccountRole;
import dev.nexussecurity.api.NamespacePermission;
import dev.nexussecurity.api.Principal;
import dev.nexussecurity.controlplane.internal.Settings.Authorization;
import dev.nexussecurity.controlplane.internal.Settings.Grant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class ClaimMapperTest {
  static Grant byClaim(
      String claim, String value, AccountRole role, Map<String, NamespacePermission> ns) {
    return new Grant(
        Optional.empty(), Optional.of(claim), Optional.of(value), Optional.ofNullable(role), ns);
  }

  static final ClaimMapper MAPPER =
      new ClaimMapper(
          new Authorization(
              "groups",
              List.of(
                  byClaim("groups", "readers", null, Map.of("orders", NamespacePermission.READ)),
                  byClaim(
                      "groups",
                      "writers",
                      AccountRole.DEVELOPER,
                      Map.of("orders", NamespacePermission.WRITE)),
                  byClaim("realm_access.roles", "viewer", AccountRole.READ_ONLY, Map.of()),
                  byClaim("groups", "admins", AccountRole.GLOBAL_ADMIN, Map.of()),
                  new Grant(
                      Optional.of("CN=cli"),
                      Optional.empty(),
                      Optional.empty(),
                      Optional.empty(),
                      Map.of("billing", NamespacePermission.READ)))));

  @Test
  void matchingGrants_merge_strongestWins() {
    Principal p =
        MAPPER.map(new Identity("ann", "oidc", Map.of("groups", List.of("readers", "writers"))));

    assertThat(p.getId()).isEqualTo("ann");
    assertThat(p.getAccountRole()).isEqualTo(AccountRole.DEVELOPER);
    assertThat(p.getNamespacePermissions())
        .containsExactly(Map.entry("orders", NamespacePermission.WRITE));
  }

  @Test
  void nestedClaimPath_andStringClaim_match() {
    Principal nested =
        MAPPER.map(
            new Identity("kc", "oidc", Map.of("realm_access", Map.of("roles", List.of("viewer")))));
    Principal string = MAPPER.map(new Identity("s", "oidc", Map.of("groups", "readers")));

    assertThat(nested.getAccountRole()).isEqualTo(AccountRole.READ_ONLY);
    assertThat(string.hasNamespacePermission("orders", NamespacePermission.READ)).isTrue();
  }

  @Test
  void principalGrant_matchesTheIdOnly_notAClaimValue() {
    assertThat(
            MAPPER
                .map(new Identity("CN=cli", "client-certificate", Map.of()))
                .hasNamespacePermission("billing", NamespacePermission.READ))
        .isTrue();
    assertThat(
            MAPPER
                .map(new Identity("eve", "oidc", Map.of("groups", List.of("CN=cli"))))
                .getNamespacePermissions())
        .isEmpty();
  }

  @Test
  void noMatchingGrant_givesNothing() {
    Principal p = MAPPER.map(new Identity("x", "oidc", Map.of("groups", List.of("Readers", 7))));

    assertThat(p.getAccountRole()).isEqualTo(AccountRole.NONE);
    assertThat(p.hasNamespacePermission("orders", NamespacePermission.READ)).isFalse();
  }

  @Test
  void globalAdmin_holdsEveryNamespaceImplicitly() {
    Principal p = MAPPER.map(new Identity("root", "oidc", Map.of("groups", List.of("admins"))));

    assertThat(p.hasNamespacePermission("anything", NamespacePermission.WRITE)).isTrue();
  }
}
