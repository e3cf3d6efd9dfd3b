package dev.nexussecurity.api;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class RegistryOperationTest {

  @ParameterizedTest(name = "{0} write={1}")
  @CsvSource({"CREATE, true", "UPDATE, true", "DELETE, true", "GET, false", "LIST, false"})
  void isWrite_onlyForChanges(RegistryOperation operation, boolean write) {
    assertThat(operation.isWrite()).isEqualTo(write);
  }
}
