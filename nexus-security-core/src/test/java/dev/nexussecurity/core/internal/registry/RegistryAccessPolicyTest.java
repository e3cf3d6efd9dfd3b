package dev.nexussecurity.core.internal.registry;

import static org.assertj.core.api.Assertions.assertThatCode;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.nexussecurity.api.AccountRole;
import dev.nexussecurity.api.AccountRoleRequiredException;
import dev.nexussecurity.api.NamespacePermission;
import dev.nexussecurity.api.NamespacePermissionRequiredException;
import dev.nexussecurity.api.Principal;
import dev.nexussecurity.api.RegistryOperation;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

class RegistryAccessPolicyTest {

  private static Principal withRole(AccountRole role) {
    return Principal.newBuilder("p").setAccountRole(role).build();
  }

  @ParameterizedTest
  @EnumSource(value = AccountRole.class, names = "NONE", mode = EnumSource.Mode.EXCLUDE)
  void requireView_anyRoleButNone_passes(AccountRole role) {
    assertThatCode(
            () -> RegistryAccessPolicy.requireView(withRole(role), RegistryOperation.GET, "e"))
        .doesNotThrowAnyException();
  }

  @Test
  void requireView_none_isRefusedNamingTheRequirement() {
    assertThatThrownBy(
            () ->
                RegistryAccessPolicy.requireView(
                    withRole(AccountRole.NONE), RegistryOperation.LIST, null))
        .isInstanceOf(AccountRoleRequiredException.class)
        .hasMessage(
            "Principal 'p' may not list endpoints: missing an account role other than None (has"
                + " NONE)");
  }

  @ParameterizedTest
  @EnumSource(
      value = AccountRole.class,
      names = {"ACCOUNT_OWNER", "GLOBAL_ADMIN", "DEVELOPER"})
  void requireManage_developerOrHigher_passes(AccountRole role) {
    assertThatCode(
            () -> RegistryAccessPolicy.requireManage(withRole(role), RegistryOperation.CREATE, "e"))
        .doesNotThrowAnyException();
  }

  @ParameterizedTest
  @EnumSource(
      value = AccountRole.class,
      names = {"FINANCE_ADMIN", "READ_ONLY", "NONE"})
  void requireManage_weakerRoles_areRefused(AccountRole role) {
    assertThatThrownBy(
            () -> RegistryAccessPolicy.requireManage(withRole(role), RegistryOperation.DELETE, "e"))
        .isInstanceOf(AccountRoleRequiredException.class)
        .hasMessage(
            "Principal 'p' may not delete endpoint 'e': missing account role Developer or higher"
                + " (Developer, Global Admin or Account Owner) (has "
                + role
                + ")");
  }

  @Test
  void requireNamespaceAdmin_explicitAdmin_passesAndWrite_isRefused() {
    Principal p =
        Principal.newBuilder("p")
            .setAccountRole(AccountRole.DEVELOPER)
            .putNamespacePermission("a-ns", NamespacePermission.ADMIN)
            .putNamespacePermission("w-ns", NamespacePermission.WRITE)
            .build();

    assertThatCode(
            () ->
                RegistryAccessPolicy.requireNamespaceAdmin(
                    p, RegistryOperation.UPDATE, "e", "a-ns"))
        .doesNotThrowAnyException();
    assertThatThrownBy(
            () ->
                RegistryAccessPolicy.requireNamespaceAdmin(
                    p, RegistryOperation.UPDATE, "e", "w-ns"))
        .isInstanceOf(NamespacePermissionRequiredException.class)
        .hasMessageEndingWith("missing Namespace ADMIN permission on namespace 'w-ns'");
  }

  @ParameterizedTest
  @EnumSource(
      value = AccountRole.class,
      names = {"ACCOUNT_OWNER", "GLOBAL_ADMIN"})
  void requireNamespaceAdmin_implicitAdminRoles_passEverywhere(AccountRole role) {
    assertThatCode(
            () ->
                RegistryAccessPolicy.requireNamespaceAdmin(
                    withRole(role), RegistryOperation.CREATE, "e", "never-granted-ns"))
        .doesNotThrowAnyException();
  }
}
