package dev.nexussecurity.api;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import org.junit.jupiter.api.Test;

class NexusSecurityExceptionTest {

  @Test
  void isUncheckedAndKeepsMessageAndCause() {
    IOException cause = new IOException("disk");

    NexusSecurityException e = new NexusSecurityException("failed", cause);

    assertThat(e).isInstanceOf(RuntimeException.class).hasMessage("failed").hasCause(cause);
    assertThat(new NexusSecurityException("only message")).hasMessage("only message").hasNoCause();
  }
}
