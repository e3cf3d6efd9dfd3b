package dev.nexussecurity.api;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import org.junit.jupiter.params.provider.ValueSource;

class PrincipalTest {

  @Test
  void newBuilder_defaultsToRoleNoneAndNoPermissions() {
    Principal p = Principal.newBuilder("alice").build();

    assertThat(p.getId()).isEqualTo("alice");
    assertThat(p.getAccountRole()).isEqualTo(AccountRole.NONE);
    assertThat(p.getNamespacePermissions()).isEmpty();
    assertThat(p.getEffectivePermission("any-ns")).isEmpty();
  }

  @ParameterizedTest
  @ValueSource(strings = {"", " "})
  void newBuilder_blankId_isRejected(String id) {
    assertThatThrownBy(() -> Principal.newBuilder(id))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("Principal id must be non-blank, got '" + id + "'");
  }

  @Test
  void newBuilder_nullId_isRejected() {
    assertThatThrownBy(() -> Principal.newBuilder(null))
        .isInstanceOf(IllegalArgumentException.class);
  }

  @Test
  void putNamespacePermission_blankNamespace_isRejected() {
    assertThatThrownBy(
            () -> Principal.newBuilder("a").putNamespacePermission(" ", NamespacePermission.ADMIN))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("non-blank");
  }

  @Test
  void putNamespacePermission_nullPermission_isRejected() {
    assertThatThrownBy(() -> Principal.newBuilder("a").putNamespacePermission("ns", null))
        .isInstanceOf(NullPointerException.class);
  }

  @Test
  void setAccountRole_null_isRejected() {
    assertThatThrownBy(() -> Principal.newBuilder("a").setAccountRole(null))
        .isInstanceOf(NullPointerException.class);
  }

  @Test
  void putNamespacePermission_replacesEarlierGrant() {
    Principal p =
        Principal.newBuilder("a")
            .putNamespacePermission("ns", NamespacePermission.ADMIN)
            .putNamespacePermission("ns", NamespacePermission.READ)
            .build();

    assertThat(p.getEffectivePermission("ns")).contains(NamespacePermission.READ);
    assertThat(p.hasNamespacePermission("ns", NamespacePermission.ADMIN)).isFalse();
  }

  @Test
  void explicitGrant_appliesOnlyToItsNamespace() {
    Principal p =
        Principal.newBuilder("dev")
            .setAccountRole(AccountRole.DEVELOPER)
            .putNamespacePermission("payments-ns", NamespacePermission.ADMIN)
            .build();

    assertThat(p.hasNamespacePermission("payments-ns", NamespacePermission.ADMIN)).isTrue();
    assertThat(p.hasNamespacePermission("payments-ns", NamespacePermission.READ)).isTrue();
    assertThat(p.hasNamespacePermission("orders-ns", NamespacePermission.READ)).isFalse();
  }

  @Test
  void writeGrant_doesNotIncludeAdmin() {
    Principal p =
        Principal.newBuilder("dev").putNamespacePermission("ns", NamespacePermission.WRITE).build();

    assertThat(p.hasNamespacePermission("ns", NamespacePermission.WRITE)).isTrue();
    assertThat(p.hasNamespacePermission("ns", NamespacePermission.ADMIN)).isFalse();
  }

  @ParameterizedTest
  @EnumSource(
      value = AccountRole.class,
      names = {"ACCOUNT_OWNER", "GLOBAL_ADMIN"})
  void implicitAdminRoles_areAdminOnEveryNamespace(AccountRole role) {
    Principal p = Principal.newBuilder("boss").setAccountRole(role).build();

    assertThat(p.getEffectivePermission("never-granted-ns")).contains(NamespacePermission.ADMIN);
    assertThat(p.hasNamespacePermission("never-granted-ns", NamespacePermission.ADMIN)).isTrue();
  }

  @ParameterizedTest
  @EnumSource(
      value = AccountRole.class,
      names = {"DEVELOPER", "FINANCE_ADMIN", "READ_ONLY", "NONE"})
  void otherRoles_haveOnlyExplicitGrants(AccountRole role) {
    Principal p = Principal.newBuilder("someone").setAccountRole(role).build();

    assertThat(p.getEffectivePermission("never-granted-ns")).isEmpty();
    assertThat(p.hasNamespacePermission("never-granted-ns", NamespacePermission.READ)).isFalse();
  }

  @Test
  void getNamespacePermissions_isSortedCopyAndUnmodifiable() {
    Principal p =
        Principal.newBuilder("a")
            .putNamespacePermission("z-ns", NamespacePermission.READ)
            .putNamespacePermission("a-ns", NamespacePermission.ADMIN)
            .build();

    assertThat(p.getNamespacePermissions().keySet()).containsExactly("a-ns", "z-ns");
    Map<String, NamespacePermission> map = p.getNamespacePermissions();
    assertThatThrownBy(() -> map.put("b-ns", NamespacePermission.ADMIN))
        .isInstanceOf(UnsupportedOperationException.class);
  }

  @Test
  void toBuilder_copiesEverythingAndLeavesOriginalUnchanged() {
    Principal p =
        Principal.newBuilder("a")
            .setAccountRole(AccountRole.DEVELOPER)
            .putNamespacePermission("ns", NamespacePermission.WRITE)
            .build();

    Principal copy = p.toBuilder().build();
    Principal changed =
        p.toBuilder().putNamespacePermission("ns", NamespacePermission.ADMIN).build();

    assertThat(copy).isEqualTo(p).hasSameHashCodeAs(p);
    assertThat(changed).isNotEqualTo(p);
    assertThat(p.getEffectivePermission("ns")).contains(NamespacePermission.WRITE);
  }

  @Test
  void equals_comparesIdRoleAndPermissions() {
    Principal p = Principal.newBuilder("a").setAccountRole(AccountRole.READ_ONLY).build();

    assertThat(p)
        .isNotEqualTo(Principal.newBuilder("b").setAccountRole(AccountRole.READ_ONLY).build());
    assertThat(p).isNotEqualTo(Principal.newBuilder("a").setAccountRole(AccountRole.NONE).build());
    assertThat(p)
        .isNotEqualTo(p.toBuilder().putNamespacePermission("ns", NamespacePermission.READ).build());
    assertThat(p).isNotEqualTo(null).isNotEqualTo("a");
  }

  @Test
  void toString_namesIdRoleAndGrants() {
    Principal p =
        Principal.newBuilder("alice")
            .setAccountRole(AccountRole.DEVELOPER)
            .putNamespacePermission("ns", NamespacePermission.ADMIN)
            .build();

    assertThat(p.toString())
        .isEqualTo("Principal{id=alice, role=DEVELOPER, namespaces={ns=ADMIN}}");
  }

  @ParameterizedTest
  @EnumSource(AccountRole.class)
  void nullNamespace_hasNoPermission_forEveryRole(AccountRole role) {
    Principal p =
        Principal.newBuilder("alice")
            .setAccountRole(role)
            .putNamespacePermission("ns", NamespacePermission.ADMIN)
            .build();
    assertThat(p.getEffectivePermission(null)).isEmpty();
    assertThat(p.hasNamespacePermission(null, NamespacePermission.READ)).isFalse();
  }
}
