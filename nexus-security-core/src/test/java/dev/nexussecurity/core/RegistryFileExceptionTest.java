package dev.nexussecurity.core;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.nexussecurity.api.NexusSecurityException;
import java.io.IOException;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;

class RegistryFileExceptionTest {
  private static final Path FILE = Path.of("/etc/nexus/registry.json");

  @Test
  void message_withEverything_namesFileLineColumnEndpointFieldAndProblem() {
    RegistryFileException e =
        new RegistryFileException(FILE, 7, 26, "payments", "targetTaskQueue", "is reserved", null);

    assertThat(e)
        .isInstanceOf(NexusSecurityException.class)
        .hasMessage(
            "Registry file '/etc/nexus/registry.json', line 7, column 26, endpoint 'payments',"
                + " field 'targetTaskQueue': is reserved");
    assertThat(e.getFile()).isEqualTo(FILE);
    assertThat(e.getLine()).isEqualTo(7);
    assertThat(e.getColumn()).isEqualTo(26);
    assertThat(e.getEndpointName()).isEqualTo("payments");
    assertThat(e.getField()).isEqualTo("targetTaskQueue");
    assertThat(e.getProblem()).isEqualTo("is reserved");
  }

  @Test
  void message_withoutPosition_leavesItOut() {
    IOException cause = new IOException("disk");

    RegistryFileException e =
        new RegistryFileException(FILE, -1, -1, null, null, "could not be saved", cause);

    assertThat(e).hasMessage("Registry file '/etc/nexus/registry.json': could not be saved");
    assertThat(e).hasCause(cause);
    assertThat(e.getEndpointName()).isNull();
    assertThat(e.getField()).isNull();
  }

  @Test
  void fileAndProblem_areRequired() {
    assertThatThrownBy(() -> new RegistryFileException(null, 1, 1, null, null, "p", null))
        .isInstanceOf(NullPointerException.class)
        .hasMessage("file");
    assertThatThrownBy(() -> new RegistryFileException(FILE, 1, 1, null, null, null, null))
        .isInstanceOf(NullPointerException.class)
        .hasMessage("problem");
  }
}
