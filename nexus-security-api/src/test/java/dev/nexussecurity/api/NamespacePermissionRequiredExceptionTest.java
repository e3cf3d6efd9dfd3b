package dev.nexussecurity.api;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class NamespacePermissionRequiredExceptionTest {

  @Test
  void message_namesNamespaceAndPermission() {
    NamespacePermissionRequiredException e =
        new NamespacePermissionRequiredException(
            "carol", RegistryOperation.UPDATE, "payments", "new-ns", NamespacePermission.ADMIN);

    assertThat(e)
        .isInstanceOf(PermissionDeniedException.class)
        .hasMessage(
            "Principal 'carol' may not update endpoint 'payments': missing Namespace ADMIN"
                + " permission on namespace 'new-ns'");
    assertThat(e.getNamespace()).isEqualTo("new-ns");
    assertThat(e.getRequired()).isEqualTo(NamespacePermission.ADMIN);
    assertThat(e.getPrincipalId()).isEqualTo("carol");
    assertThat(e.getOperation()).isEqualTo(RegistryOperation.UPDATE);
    assertThat(e.getEndpointName()).isEqualTo("payments");
  }
}
