package dev.nexussecurity.api;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

class PermissionDeniedExceptionTest {

  @ParameterizedTest
  @EnumSource(RegistryOperation.class)
  void message_namesTheOperationInLowerCase(RegistryOperation operation) {
    PermissionDeniedException e =
        new NamespacePermissionRequiredException(
            "p", operation, "ep", "ns", NamespacePermission.ADMIN);

    assertThat(e.getMessage())
        .startsWith("Principal 'p' may not " + operation.name().toLowerCase() + " endpoint 'ep': ");
  }
}
