package dev.nexussecurity.connection;

import static org.assertj.core.api.Assertions.assertThat;

import dev.nexussecurity.connection.ConnectionSecurityException.Reason;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class TlsMaterialStatusTest {
  @Test
  void plaintext_hasNoMaterial() {
    TlsMaterialStatus status = TlsMaterialStatus.plaintext();
    assertThat(status.isTlsEnabled()).isFalse();
    assertThat(status.getClientCertificate()).isEmpty();
    assertThat(status.getTrustedCertificates()).isEmpty();
    assertThat(status.getLastLoadedAt()).isEmpty();
    assertThat(status.getLastReloadError()).isEmpty();
    assertThat(status.toString()).isEqualTo("TlsMaterialStatus{tls=false}");
  }

  @Test
  void snapshot_copiesTrustedCertificatesAndDescribesMaterialAndError() {
    TestPki.Issued ca = TestPki.newCa("status-ca");
    TestPki.Issued client = TestPki.newClient(ca, "status-client");
    List<java.security.cert.X509Certificate> trusted = new ArrayList<>(List.of(ca.certificate));
    ConnectionSecurityException error =
        new ConnectionSecurityException(Reason.KEY_CERTIFICATE_MISMATCH, "key does not match");
    Instant now = Instant.now();
    TlsMaterialStatus status =
        new TlsMaterialStatus(true, client.certificate, trusted, now, now, error, 3);
    trusted.clear();

    assertThat(status.getTrustedCertificates()).containsExactly(ca.certificate);
    assertThat(status.getClientCertificate()).contains(client.certificate);
    assertThat(status.getConsecutiveReloadFailures()).isEqualTo(3);
    assertThat(status.toString())
        .contains(
            "CN=status-client", client.serial().toString(16), "KEY_CERTIFICATE_MISMATCH", "=3");
  }
}
