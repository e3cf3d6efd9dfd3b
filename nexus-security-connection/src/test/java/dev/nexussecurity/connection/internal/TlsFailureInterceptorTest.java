package dev.nexussecurity.connection.internal;

import static org.assertj.core.api.Assertions.assertThat;

import dev.nexussecurity.connection.ConnectionSecurityException;
import dev.nexussecurity.connection.ConnectionSecurityException.Reason;
import io.grpc.Status;
import java.util.Optional;
import javax.net.ssl.SSLException;
import org.junit.jupiter.api.Test;

class TlsFailureInterceptorTest {
  private final TlsFailureInterceptor interceptor =
      new TlsFailureInterceptor("frontend.example:7233", Optional::empty);

  @Test
  void rewrite_ofATlsFailure_keepsUnavailableAndCarriesTheDiagnosis() {
    Status rewritten =
        interceptor.rewrite(
            Status.UNAVAILABLE
                .withDescription("ssl exception")
                .withCause(new SSLException("TLSV1_ALERT_CERTIFICATE_REQUIRED")));
    assertThat(rewritten.getCode()).isEqualTo(Status.Code.UNAVAILABLE);
    assertThat(rewritten.getDescription())
        .startsWith("The server at 'frontend.example:7233' requires a client certificate");
    assertThat(rewritten.getCause())
        .isInstanceOfSatisfying(
            ConnectionSecurityException.class,
            e -> {
              assertThat(e.getReason()).isEqualTo(Reason.CLIENT_CERTIFICATE_REQUIRED);
              assertThat(e.getMessage()).isEqualTo(rewritten.getDescription());
            });
  }

  @Test
  void rewrite_ofAnyOtherStatus_changesNothing() {
    Status refused = Status.UNAVAILABLE.withCause(new java.net.ConnectException("refused"));
    assertThat(interceptor.rewrite(refused)).isSameAs(refused);
    assertThat(interceptor.rewrite(Status.OK)).isSameAs(Status.OK);
    Status denied = Status.PERMISSION_DENIED.withDescription("no");
    assertThat(interceptor.rewrite(denied)).isSameAs(denied);
  }
}
