package dev.nexussecurity.api;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class VersionConflictExceptionTest {

  @Test
  void message_namesBothVersionsAndHowToRetry() {
    VersionConflictException e = new VersionConflictException("payments", 3, 5);

    assertThat(e)
        .isInstanceOf(NexusSecurityException.class)
        .hasMessage(
            "Nexus endpoint 'payments' is at version 5, not the expected version 3; re-read it and"
                + " retry with version 5");
    assertThat(e.getEndpointName()).isEqualTo("payments");
    assertThat(e.getExpectedVersion()).isEqualTo(3);
    assertThat(e.getActualVersion()).isEqualTo(5);
  }
}
