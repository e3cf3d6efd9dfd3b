package dev.nexussecurity.api;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class NamespacePermissionTest {

  @ParameterizedTest(name = "{0} includes {1}: {2}")
  @CsvSource({
    "READ,  READ,  true",
    "READ,  WRITE, false",
    "READ,  ADMIN, false",
    "WRITE, READ,  true",
    "WRITE, WRITE, true",
    "WRITE, ADMIN, false",
    "ADMIN, READ,  true",
    "ADMIN, WRITE, true",
    "ADMIN, ADMIN, true",
  })
  void includes_followsTheHierarchy(
      NamespacePermission held, NamespacePermission required, boolean expected) {
    assertThat(held.includes(required)).isEqualTo(expected);
  }
}
