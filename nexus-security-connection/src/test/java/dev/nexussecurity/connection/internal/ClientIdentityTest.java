package dev.nexussecurity.connection.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.nexussecurity.connection.ConnectionSecurityException;
import dev.nexussecurity.connection.ConnectionSecurityException.Reason;
import dev.nexussecurity.connection.TestPki;
import java.nio.file.Path;
import java.security.KeyPairGenerator;
import java.time.Instant;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

class ClientIdentityTest {
  private static final PemSource CERT =
      PemSource.ofFile("client certificate", Path.of("/tls/client.pem"));
  private static final PemSource KEY =
      PemSource.ofFile("client private key", Path.of("/tls/client.key"));
  private static TestPki.Issued ca;
  private static TestPki.Issued client;

  @BeforeAll
  static void issue() {
    ca = TestPki.newCa("identity-ca");
    client = TestPki.newClient(ca, "identity-client");
  }

  @Test
  void load_validPair_isAccepted() {
    ClientIdentity identity =
        ClientIdentity.load(client.chainPem(), client.keyPem(), CERT, KEY, Instant.now());
    assertThat(identity.getLeaf()).isEqualTo(client.certificate);
    assertThat(identity.getKey()).isEqualTo(client.keyPair.getPrivate());
    assertThat(identity.toString()).contains("identity-client").contains("<redacted>");
  }

  @Test
  void load_expiredCertificate_isRejected() {
    TestPki.Issued expired = TestPki.newExpiredClient(ca, "old");
    assertThatThrownBy(
            () ->
                ClientIdentity.load(expired.chainPem(), expired.keyPem(), CERT, KEY, Instant.now()))
        .isInstanceOfSatisfying(
            ConnectionSecurityException.class,
            e -> assertThat(e.getReason()).isEqualTo(Reason.CLIENT_CERTIFICATE_NOT_CURRENTLY_VALID))
        .hasMessageContaining("expired at")
        .hasMessageContaining("/tls/client.pem");
  }

  @Test
  void load_notYetValidCertificate_isRejected() {
    TestPki.Issued future = TestPki.newNotYetValidClient(ca, "future");
    assertThatThrownBy(
            () -> ClientIdentity.load(future.chainPem(), future.keyPem(), CERT, KEY, Instant.now()))
        .isInstanceOfSatisfying(
            ConnectionSecurityException.class,
            e -> assertThat(e.getReason()).isEqualTo(Reason.CLIENT_CERTIFICATE_NOT_CURRENTLY_VALID))
        .hasMessageContaining("not valid before");
  }

  @Test
  void load_certificateWithoutClientAuthUsage_isRejected() {
    TestPki.Issued serverOnly = TestPki.newServerOnlyUsage(ca, "server-only");
    assertThatThrownBy(
            () ->
                ClientIdentity.load(
                    serverOnly.chainPem(), serverOnly.keyPem(), CERT, KEY, Instant.now()))
        .isInstanceOfSatisfying(
            ConnectionSecurityException.class,
            e -> assertThat(e.getReason()).isEqualTo(Reason.INVALID_CLIENT_CERTIFICATE))
        .hasMessageContaining("clientAuth");
  }

  @Test
  void load_keyOfAnotherEcCertificate_isRejected() {
    TestPki.Issued other = TestPki.newClient(ca, "other");
    assertThatThrownBy(
            () -> ClientIdentity.load(client.chainPem(), other.keyPem(), CERT, KEY, Instant.now()))
        .isInstanceOfSatisfying(
            ConnectionSecurityException.class,
            e -> assertThat(e.getReason()).isEqualTo(Reason.KEY_CERTIFICATE_MISMATCH))
        .hasMessageContaining("/tls/client.key")
        .hasMessageContaining("identity-client");
  }

  @Test
  void load_rsaKeyForEcCertificate_isRejected() throws Exception {
    KeyPairGenerator rsa = KeyPairGenerator.getInstance("RSA");
    rsa.initialize(2048);
    byte[] rsaKey = TestPki.pkcs8Pem(rsa.generateKeyPair().getPrivate());
    assertThatThrownBy(
            () -> ClientIdentity.load(client.chainPem(), rsaKey, CERT, KEY, Instant.now()))
        .isInstanceOfSatisfying(
            ConnectionSecurityException.class,
            e -> assertThat(e.getReason()).isEqualTo(Reason.KEY_CERTIFICATE_MISMATCH));
  }
}
