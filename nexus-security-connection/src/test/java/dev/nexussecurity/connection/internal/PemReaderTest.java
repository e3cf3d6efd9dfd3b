package dev.nexussecurity.connection.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.nexussecurity.connection.ConnectionSecurityException;
import dev.nexussecurity.connection.ConnectionSecurityException.Reason;
import dev.nexussecurity.connection.TestPki;
import java.nio.charset.StandardCharsets;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.PrivateKey;
import java.security.cert.X509Certificate;
import java.util.List;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class PemReaderTest {
  private static final String SOURCE = "client certificate file '/etc/tls/client.pem'";
  private static TestPki.Issued ca;
  private static TestPki.Issued client;

  @BeforeAll
  static void issue() {
    ca = TestPki.newCa("pem-ca");
    client = TestPki.newClient(ca, "pem-client");
  }

  @Test
  void readCertificates_readsAllCertificatesInOrderAndIgnoresOtherBlocks() {
    byte[] pem =
        concat(
            "leading text\n".getBytes(StandardCharsets.US_ASCII),
            client.chainPem(),
            client.keyPem(),
            TestPki.certificatesPem(ca.certificate));
    List<X509Certificate> certs =
        PemReader.readCertificates(pem, SOURCE, Reason.INVALID_CLIENT_CERTIFICATE);
    assertThat(certs).containsExactly(client.certificate, ca.certificate);
  }

  @ParameterizedTest
  @ValueSource(
      strings = {
        "",
        "not a pem file",
        "-----BEGIN PRIVATE KEY-----\nAAAA\n-----END PRIVATE KEY-----\n",
        "-----BEGIN CERTIFICATE-----\nMIIB\n",
        "-----BEGIN CERTIFICATE-----\nMIIB\n-----END PRIVATE KEY-----\n",
        "-----BEGIN CERTIFICATE-----\nAAAAAAAA\n-----END CERTIFICATE-----\n",
        "-----BEGIN CERTIFICATE-----\n\n-----END CERTIFICATE-----\n"
      })
  void readCertificates_withUnusableContent_isRejectedNamingTheSource(String content) {
    assertThatThrownBy(
            () ->
                PemReader.readCertificates(
                    content.getBytes(StandardCharsets.US_ASCII), SOURCE, Reason.INVALID_CA_BUNDLE))
        .isInstanceOfSatisfying(
            ConnectionSecurityException.class,
            e -> assertThat(e.getReason()).isEqualTo(Reason.INVALID_CA_BUNDLE))
        .hasMessageContaining(SOURCE);
  }

  @Test
  void readCertificates_truncatedFile_saysItIsTruncated() {
    byte[] pem = client.chainPem();
    byte[] half = java.util.Arrays.copyOf(pem, pem.length / 2);
    assertThatThrownBy(
            () -> PemReader.readCertificates(half, SOURCE, Reason.INVALID_CLIENT_CERTIFICATE))
        .hasMessageContaining("truncated");
  }

  @Test
  void readPrivateKey_readsPkcs8EcAndRsaKeys() throws Exception {
    PrivateKey ec = PemReader.readPrivateKey(client.keyPem(), "key");
    assertThat(ec).isEqualTo(client.keyPair.getPrivate());

    KeyPairGenerator rsa = KeyPairGenerator.getInstance("RSA");
    rsa.initialize(2048);
    KeyPair rsaPair = rsa.generateKeyPair();
    assertThat(PemReader.readPrivateKey(TestPki.pkcs8Pem(rsaPair.getPrivate()), "key"))
        .isEqualTo(rsaPair.getPrivate());
  }

  @Test
  void readPrivateKey_sec1EcKey_isRejectedWithConversionCommand() {
    byte[] sec1 = TestPki.legacyPem(client.keyPair.getPrivate());
    assertThat(new String(sec1, StandardCharsets.US_ASCII)).contains("BEGIN EC PRIVATE KEY");
    assertThatThrownBy(() -> PemReader.readPrivateKey(sec1, "client private key file 'k.pem'"))
        .isInstanceOfSatisfying(
            ConnectionSecurityException.class,
            e -> assertThat(e.getReason()).isEqualTo(Reason.INVALID_PRIVATE_KEY))
        .hasMessageContaining("openssl pkcs8 -topk8 -nocrypt")
        .hasMessageContaining("k.pem");
  }

  @Test
  void readPrivateKey_encryptedKey_isRejected() {
    String pem =
        "-----BEGIN ENCRYPTED PRIVATE KEY-----\nMIIFHzBJBgkq\n-----END ENCRYPTED PRIVATE KEY-----\n";
    assertThatThrownBy(() -> PemReader.readPrivateKey(pem.getBytes(StandardCharsets.US_ASCII), "k"))
        .hasMessageContaining("encrypted private key");
  }

  @Test
  void readPrivateKey_twoKeys_isRejected() {
    byte[] pem = concat(client.keyPem(), TestPki.pkcs8Pem(TestPki.newKeyPair().getPrivate()));
    assertThatThrownBy(() -> PemReader.readPrivateKey(pem, "k"))
        .hasMessageContaining("more than one");
  }

  @Test
  void readPrivateKey_certificateOnly_isRejected() {
    assertThatThrownBy(() -> PemReader.readPrivateKey(client.chainPem(), "k"))
        .hasMessageContaining("no '-----BEGIN PRIVATE KEY-----' block");
  }

  @Test
  void readPrivateKey_corruptKey_isRejectedWithoutQuotingIt() {
    String body = "MIGHAgEAMBMGByqGSM49AgEGCCqGSM49AwEHBG0wawIBAQQg" + "A".repeat(40);
    String pem = "-----BEGIN PRIVATE KEY-----\n" + body + "\n-----END PRIVATE KEY-----\n";
    assertThatThrownBy(() -> PemReader.readPrivateKey(pem.getBytes(StandardCharsets.US_ASCII), "k"))
        .isInstanceOfSatisfying(
            ConnectionSecurityException.class,
            e -> assertThat(e.getReason()).isEqualTo(Reason.INVALID_PRIVATE_KEY))
        .hasMessageNotContaining(body.substring(0, 20));
  }

  private static byte[] concat(byte[]... parts) {
    int length = 0;
    for (byte[] p : parts) {
      length += p.length;
    }
    byte[] out = new byte[length];
    int at = 0;
    for (byte[] p : parts) {
      System.arraycopy(p, 0, out, at, p.length);
      at += p.length;
    }
    return out;
  }
}
