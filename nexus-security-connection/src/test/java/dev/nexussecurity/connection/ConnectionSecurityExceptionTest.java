package dev.nexussecurity.connection;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.nexussecurity.api.NexusSecurityException;
import dev.nexussecurity.connection.ConnectionSecurityException.Reason;
import java.io.IOException;
import org.junit.jupiter.api.Test;

class ConnectionSecurityExceptionTest {
  @Test
  void carriesReasonMessageAndCause() {
    IOException cause = new IOException("disk");
    ConnectionSecurityException e =
        new ConnectionSecurityException(Reason.FILE_UNREADABLE, "cannot read /x", cause);
    assertThat(e)
        .isInstanceOf(NexusSecurityException.class)
        .hasMessage("cannot read /x")
        .hasCause(cause);
    assertThat(e.getReason()).isEqualTo(Reason.FILE_UNREADABLE);
  }

  @Test
  void nullReasonOrMessage_isRejected() {
    assertThatThrownBy(() -> new ConnectionSecurityException(null, "m"))
        .hasMessageContaining("reason");
    assertThatThrownBy(() -> new ConnectionSecurityException(Reason.TLS_SETUP_FAILED, null))
        .hasMessageContaining("message");
  }
}
