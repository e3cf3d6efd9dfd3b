package dev.nexussecurity.api;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class AccountRoleTest {

  @ParameterizedTest(name = "{0}: manage={1} view={2} implicitAdmin={3}")
  @CsvSource({
    "ACCOUNT_OWNER, true,  true,  true",
    "GLOBAL_ADMIN,  true,  true,  true",
    "DEVELOPER,     true,  true,  false",
    "FINANCE_ADMIN, false, true,  false",
    "READ_ONLY,     false, true,  false",
    "NONE,          false, false, false",
  })
  void capabilities_matchTemporalCloud(
      AccountRole role, boolean manage, boolean view, boolean implicitAdmin) {
    assertThat(role.canManageEndpoints()).isEqualTo(manage);
    assertThat(role.canViewEndpoints()).isEqualTo(view);
    assertThat(role.isImplicitNamespaceAdmin()).isEqualTo(implicitAdmin);
  }

  @org.junit.jupiter.api.Test
  void values_areTheSixCloudRoles() {
    assertThat(AccountRole.values())
        .containsExactly(
            AccountRole.ACCOUNT_OWNER,
            AccountRole.GLOBAL_ADMIN,
            AccountRole.DEVELOPER,
            AccountRole.FINANCE_ADMIN,
            AccountRole.READ_ONLY,
            AccountRole.NONE);
  }
}
