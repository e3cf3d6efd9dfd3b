package dev.nexussecurity.connection.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatCode;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.nexussecurity.connection.ConnectionSecurityException;
import dev.nexussecurity.connection.ConnectionSecurityException.Reason;
import dev.nexussecurity.connection.TestPki;
import java.net.Socket;
import java.security.NoSuchAlgorithmException;
import java.security.cert.CertificateException;
import java.security.cert.X509Certificate;
import java.time.Clock;
import java.util.List;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLEngine;
import javax.net.ssl.X509ExtendedTrustManager;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The wrapper in isolation, around a delegate that accepts or refuses as told (real handshakes
 * through it are in {@code WorkerConnectionTest}).
 */
class DiagnosingTrustManagerTest {
  private static TestPki.Issued ca;
  private static TestPki.Issued otherCa;

  @BeforeAll
  static void issue() {
    ca = TestPki.newCa("dtm-ca");
    otherCa = TestPki.newCa("dtm-other-ca");
  }

  @Test
  void checkServerTrusted_whenTheDelegateAccepts_passes() {
    DiagnosingTrustManager trustManager = wrap(null);
    TestPki.Issued server = TestPki.newServer(ca, List.of("a.example"), List.of());
    assertThatCode(
            () ->
                trustManager.checkServerTrusted(
                    new X509Certificate[] {server.certificate}, "ECDHE_ECDSA", engine("a.example")))
        .doesNotThrowAnyException();
    assertThat(trustManager.getAcceptedIssuers()).containsExactly(ca.certificate);
  }

  @Test
  void checkServerTrusted_whenTheDelegateRefuses_throwsCertificateExceptionCarryingTheDiagnosis() {
    CertificateException refusal = new CertificateException("PKIX path building failed");
    DiagnosingTrustManager trustManager = wrap(refusal);
    TestPki.Issued server = TestPki.newServer(otherCa, List.of("a.example"), List.of());
    assertThatThrownBy(
            () ->
                trustManager.checkServerTrusted(
                    new X509Certificate[] {server.certificate}, "ECDHE_ECDSA", engine("a.example")))
        .isInstanceOf(CertificateException.class)
        .hasMessageContaining("issued by 'CN=dtm-other-ca'")
        .hasMessageContaining("for 'a.example'")
        .hasMessageContaining("the test bundle: 'CN=dtm-ca'")
        .cause()
        .isInstanceOfSatisfying(
            ConnectionSecurityException.class,
            e -> {
              assertThat(e.getReason()).isEqualTo(Reason.SERVER_CERTIFICATE_UNTRUSTED);
              assertThat(e.getCause()).isSameAs(refusal);
            });
  }

  @Test
  void checkServerTrusted_withNameMismatch_diagnosesTheEnginesPeerHost() {
    DiagnosingTrustManager trustManager = wrap(new CertificateException("No name matching"));
    TestPki.Issued server = TestPki.newServer(ca, List.of("a.example"), List.of());
    assertThatThrownBy(
            () ->
                trustManager.checkServerTrusted(
                    new X509Certificate[] {server.certificate}, "ECDHE_ECDSA", engine("b.example")))
        .isInstanceOf(CertificateException.class)
        .cause()
        .isInstanceOfSatisfying(
            ConnectionSecurityException.class,
            e -> assertThat(e.getReason()).isEqualTo(Reason.SERVER_NAME_MISMATCH))
        .hasMessageContaining("does not name 'b.example': it names DNS a.example");
  }

  @Test
  void checkServerTrusted_withoutEngine_explainsWithoutAHost() {
    DiagnosingTrustManager trustManager = wrap(new CertificateException("SSLEngine required"));
    TestPki.Issued server = TestPki.newServer(ca, List.of("a.example"), List.of());
    assertThatThrownBy(
            () ->
                trustManager.checkServerTrusted(
                    new X509Certificate[] {server.certificate}, "ECDHE_ECDSA"))
        .isInstanceOf(CertificateException.class)
        .cause()
        .isInstanceOfSatisfying(
            ConnectionSecurityException.class,
            e -> assertThat(e.getReason()).isEqualTo(Reason.TLS_HANDSHAKE_FAILED))
        .hasMessageContaining("was refused: SSLEngine required");
  }

  private static DiagnosingTrustManager wrap(CertificateException refusal) {
    return new DiagnosingTrustManager(
        new FixedTrustManager(refusal, ca.certificate), "the test bundle", Clock.systemUTC());
  }

  private static SSLEngine engine(String host) {
    try {
      SSLEngine engine = SSLContext.getDefault().createSSLEngine(host, 443);
      engine.setUseClientMode(true);
      return engine;
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }

  /** Accepts every chain, or refuses every chain with one exception. */
  private static final class FixedTrustManager extends X509ExtendedTrustManager {
    private final CertificateException refusal;
    private final X509Certificate anchor;

    FixedTrustManager(CertificateException refusal, X509Certificate anchor) {
      this.refusal = refusal;
      this.anchor = anchor;
    }

    private void decide() throws CertificateException {
      if (refusal != null) {
        throw refusal;
      }
    }

    @Override
    public void checkServerTrusted(X509Certificate[] chain, String authType, SSLEngine engine)
        throws CertificateException {
      decide();
    }

    @Override
    public void checkServerTrusted(X509Certificate[] chain, String authType, Socket socket)
        throws CertificateException {
      decide();
    }

    @Override
    public void checkServerTrusted(X509Certificate[] chain, String authType)
        throws CertificateException {
      decide();
    }

    @Override
    public void checkClientTrusted(X509Certificate[] chain, String authType, SSLEngine engine)
        throws CertificateException {
      decide();
    }

    @Override
    public void checkClientTrusted(X509Certificate[] chain, String authType, Socket socket)
        throws CertificateException {
      decide();
    }

    @Override
    public void checkClientTrusted(X509Certificate[] chain, String authType)
        throws CertificateException {
      decide();
    }

    @Override
    public X509Certificate[] getAcceptedIssuers() {
      return new X509Certificate[] {anchor};
    }
  }
}
