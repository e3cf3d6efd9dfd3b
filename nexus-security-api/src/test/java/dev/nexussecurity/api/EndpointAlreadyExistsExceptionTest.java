package dev.nexussecurity.api;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class EndpointAlreadyExistsExceptionTest {

  @Test
  void message_namesTheEndpointAndWhatToDo() {
    EndpointAlreadyExistsException e = new EndpointAlreadyExistsException("payments");

    assertThat(e)
        .isInstanceOf(NexusSecurityException.class)
        .hasMessage(
            "Nexus endpoint 'payments' already exists; update it with its current version, or"
                + " choose another name");
    assertThat(e.getEndpointName()).isEqualTo("payments");
  }
}
