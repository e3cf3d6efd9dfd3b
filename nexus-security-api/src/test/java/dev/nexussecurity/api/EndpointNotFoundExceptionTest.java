package dev.nexussecurity.api;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class EndpointNotFoundExceptionTest {

  @Test
  void message_namesTheEndpoint() {
    EndpointNotFoundException e = new EndpointNotFoundException("payments");

    assertThat(e)
        .isInstanceOf(NexusSecurityException.class)
        .hasMessage("Nexus endpoint 'payments' is not in the registry");
    assertThat(e.getEndpointName()).isEqualTo("payments");
  }
}
