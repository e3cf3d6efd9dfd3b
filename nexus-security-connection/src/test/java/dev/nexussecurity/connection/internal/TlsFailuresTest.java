package dev.nexussecurity.connection.internal;

import static org.assertj.core.api.Assertions.assertThat;

import dev.nexussecurity.connection.ConnectionSecurityException;
import dev.nexussecurity.connection.ConnectionSecurityException.Reason;
import dev.nexussecurity.connection.TestPki;
import io.grpc.Status;
import io.grpc.netty.shaded.io.netty.handler.ssl.NotSslRecordException;
import java.security.cert.CertificateException;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import javax.net.ssl.SSLException;
import javax.net.ssl.SSLHandshakeException;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class TlsFailuresTest {
  private static final CertificateException REFUSAL = new CertificateException("refused");
  private static TestPki.Issued ca;
  private static TestPki.Issued otherCa;
  private static TestPki.Issued server;
  private static TestPki.Issued client;

  @BeforeAll
  static void issue() {
    ca = TestPki.newCa("diag-ca");
    otherCa = TestPki.newCa("diag-other-ca");
    server =
        TestPki.newServer(
            ca, List.of("frontend.example", "*.temporal.example"), List.of("10.1.2.3"));
    client = TestPki.newClient(ca, "diag-worker");
  }

  private static ConnectionSecurityException diagnose(
      TestPki.Issued leaf, String host, X509Certificate anchor, Instant now) {
    return TlsFailures.serverCertificateRefused(
        new X509Certificate[] {leaf.certificate},
        Optional.of(host),
        List.of(anchor),
        "server CA bundle file '/etc/ca.pem'",
        now,
        REFUSAL);
  }

  // ---------------------------------------------------------------- the server's certificate

  @Test
  void serverCertificate_fromAnotherCa_isUntrusted() {
    ConnectionSecurityException e =
        diagnose(server, "frontend.example", otherCa.certificate, Instant.now());
    assertThat(e.getReason()).isEqualTo(Reason.SERVER_CERTIFICATE_UNTRUSTED);
    assertThat(e.getCause()).isSameAs(REFUSAL);
    assertThat(e)
        .hasMessageContaining("'CN=server'")
        .hasMessageContaining("issued by 'CN=diag-ca'")
        .hasMessageContaining("for 'frontend.example'")
        .hasMessageContaining("server CA bundle file '/etc/ca.pem': 'CN=diag-other-ca'")
        .hasMessageContaining("Add the CA that issued 'CN=diag-ca'");
  }

  @Test
  void serverCertificate_withAForgedSignature_isUntrusted() {
    // Same issuer name as the trusted CA, signed by another key.
    TestPki.Issued impostorCa = TestPki.newCa("diag-ca");
    TestPki.Issued forged = TestPki.newServer(impostorCa, List.of("frontend.example"), List.of());
    assertThat(diagnose(forged, "frontend.example", ca.certificate, Instant.now()).getReason())
        .isEqualTo(Reason.SERVER_CERTIFICATE_UNTRUSTED);
  }

  @Test
  void serverCertificate_pastItsNotAfter_isNotCurrentlyValid() {
    Instant later = server.certificate.getNotAfter().toInstant().plus(Duration.ofMinutes(1));
    ConnectionSecurityException e = diagnose(server, "frontend.example", ca.certificate, later);
    assertThat(e.getReason()).isEqualTo(Reason.SERVER_CERTIFICATE_NOT_CURRENTLY_VALID);
    assertThat(e)
        .hasMessageContaining("expired at " + server.certificate.getNotAfter().toInstant())
        .hasMessageContaining("it is now " + later);
  }

  @Test
  void serverCertificate_beforeItsNotBefore_isNotCurrentlyValid() {
    Instant earlier = server.certificate.getNotBefore().toInstant().minus(Duration.ofMinutes(1));
    ConnectionSecurityException e = diagnose(server, "frontend.example", ca.certificate, earlier);
    assertThat(e.getReason()).isEqualTo(Reason.SERVER_CERTIFICATE_NOT_CURRENTLY_VALID);
    assertThat(e).hasMessageContaining("is not valid before");
  }

  @Test
  void serverCertificate_fromAnotherCaAndExpired_isReportedAsUntrustedFirst() {
    Instant later = server.certificate.getNotAfter().toInstant().plus(Duration.ofMinutes(1));
    assertThat(diagnose(server, "frontend.example", otherCa.certificate, later).getReason())
        .isEqualTo(Reason.SERVER_CERTIFICATE_UNTRUSTED);
  }

  @ParameterizedTest(name = "{0} named: {1}")
  @CsvSource({
    "frontend.example, true",
    "FRONTEND.example, true",
    "a.temporal.example, true",
    "temporal.example, false",
    "a.b.temporal.example, false",
    "10.1.2.3, true",
    "10.1.2.4, false",
    "impostor.example, false"
  })
  void serverName_isMatchedAgainstTheAlternativeNames(String host, boolean named) {
    assertThat(TlsFailures.names(server.certificate, host)).isEqualTo(named);
    ConnectionSecurityException e = diagnose(server, host, ca.certificate, Instant.now());
    if (named) {
      assertThat(e.getReason()).isEqualTo(Reason.TLS_HANDSHAKE_FAILED);
      assertThat(e).hasMessageContaining("was refused: refused");
    } else {
      assertThat(e.getReason()).isEqualTo(Reason.SERVER_NAME_MISMATCH);
      assertThat(e)
          .hasMessageContaining("does not name '" + host + "'")
          .hasMessageContaining("it names DNS frontend.example, *.temporal.example; IP 10.1.2.3");
    }
  }

  @Test
  void serverName_withoutAlternativeNames_fallsBackToTheCommonName() {
    TestPki.Issued cnOnly = TestPki.newClient(ca, "frontend.example");
    assertThat(TlsFailures.names(cnOnly.certificate, "frontend.example")).isTrue();
    assertThat(diagnose(cnOnly, "other.example", ca.certificate, Instant.now()))
        .hasMessageContaining("only the common name 'frontend.example'");
  }

  @Test
  void serverCertificate_withHostileSubject_isQuotedInTheMessage() {
    TestPki.Issued hostile = TestPki.newServer(otherCa, List.of("x"), List.of());
    ConnectionSecurityException e =
        TlsFailures.serverCertificateRefused(
            new X509Certificate[] {hostile.certificate},
            Optional.of("evil\nhost"),
            List.of(ca.certificate),
            "bundle",
            Instant.now(),
            REFUSAL);
    assertThat(e).hasMessageContaining("'evil\\u000Ahost'").hasMessageNotContaining("\n");
  }

  @Test
  void isAnchored_followsTheChainThroughAnIntermediate() {
    TestPki.Issued intermediate = TestPki.newIntermediateCa(ca, "diag-intermediate");
    TestPki.Issued leaf = TestPki.newServer(intermediate, List.of("x.example"), List.of());
    X509Certificate[] chain = {leaf.certificate, intermediate.certificate};
    assertThat(TlsFailures.isAnchored(chain, List.of(ca.certificate))).isTrue();
    assertThat(TlsFailures.isAnchored(chain, List.of(intermediate.certificate))).isTrue();
    assertThat(TlsFailures.isAnchored(chain, List.of(otherCa.certificate))).isFalse();
    assertThat(
            TlsFailures.isAnchored(
                new X509Certificate[] {leaf.certificate}, List.of(ca.certificate)))
        .isFalse();
  }

  // ---------------------------------------------------------------- alerts from the server

  @ParameterizedTest(name = "{0}")
  @CsvSource(
      delimiter = '|',
      value = {
        "error:10000418:SSL routines:OPENSSL_internal:TLSV1_ALERT_UNKNOWN_CA | UNKNOWN_CA",
        "Received fatal alert: unknown_ca | UNKNOWN_CA",
        "error:10000412:SSL routines:OPENSSL_internal:SSLV3_ALERT_BAD_CERTIFICATE | BAD_CERTIFICATE",
        "Received fatal alert: bad_certificate | BAD_CERTIFICATE",
        "error:1000045c:SSL routines:OPENSSL_internal:TLSV1_ALERT_CERTIFICATE_REQUIRED"
            + " | CERTIFICATE_REQUIRED",
        "Received fatal alert: certificate_required | CERTIFICATE_REQUIRED",
        "no alert here | "
      })
  void alert_isReadFromOpenSslAndJdkMessages(String message, String alert) {
    assertThat(TlsFailures.alert(message)).isEqualTo(Optional.ofNullable(alert));
  }

  @ParameterizedTest(name = "{0} -> {1}")
  @CsvSource(
      delimiter = '|',
      value = {
        "TLSV1_ALERT_UNKNOWN_CA | CLIENT_CERTIFICATE_REJECTED | it does not trust the"
            + " certificate's issuer 'CN=diag-ca'",
        "SSLV3_ALERT_BAD_CERTIFICATE | CLIENT_CERTIFICATE_REJECTED | most likely it does not"
            + " trust the certificate's issuer 'CN=diag-ca'",
        "Received fatal alert: certificate_unknown | CLIENT_CERTIFICATE_REJECTED | most likely",
        "TLSV1_ALERT_INTERNAL_ERROR | CLIENT_CERTIFICATE_REJECTED | most likely",
        "SSLV3_ALERT_CERTIFICATE_EXPIRED | CLIENT_CERTIFICATE_REJECTED | considers the"
            + " certificate expired",
        "SSLV3_ALERT_CERTIFICATE_REVOKED | CLIENT_CERTIFICATE_REJECTED | revoked",
        "SSLV3_ALERT_UNSUPPORTED_CERTIFICATE | CLIENT_CERTIFICATE_REJECTED | clientAuth",
        "TLSV1_ALERT_ACCESS_DENIED | CLIENT_CERTIFICATE_REJECTED | does not grant it access",
        "TLSV1_ALERT_CERTIFICATE_REQUIRED | CLIENT_CERTIFICATE_REJECTED | did not receive it",
        "TLSV1_ALERT_PROTOCOL_VERSION | TLS_HANDSHAKE_FAILED | alert 'protocol_version'",
        "SSLV3_ALERT_HANDSHAKE_FAILURE | TLS_HANDSHAKE_FAILED | alert 'handshake_failure'"
      })
  void alert_withClientCertificate_namesTheCertificateAndTheFix(
      String message, Reason reason, String explanation) {
    ConnectionSecurityException e =
        TlsFailures.fromTlsFailure(
            new SSLException(message), "frontend.example:7233", Optional.of(client.certificate));
    assertThat(e.getReason()).isEqualTo(reason);
    assertThat(e).hasMessageContaining(explanation).hasMessageContaining("frontend.example:7233");
    if (reason == Reason.CLIENT_CERTIFICATE_REJECTED) {
      assertThat(e)
          .hasMessageContaining("refused the client certificate 'CN=diag-worker'")
          .hasMessageContaining("issued by 'CN=diag-ca'")
          .hasMessageContaining("valid from " + client.certificate.getNotBefore().toInstant());
    }
  }

  @ParameterizedTest
  @CsvSource(
      delimiter = '|',
      value = {
        "TLSV1_ALERT_CERTIFICATE_REQUIRED | CLIENT_CERTIFICATE_REQUIRED",
        "TLSV1_ALERT_UNKNOWN_CA | TLS_HANDSHAKE_FAILED",
        "TLSV1_ALERT_INTERNAL_ERROR | TLS_HANDSHAKE_FAILED"
      })
  void alert_withoutClientCertificate(String message, Reason reason) {
    assertThat(
            TlsFailures.fromTlsFailure(new SSLException(message), "t:1", Optional.empty())
                .getReason())
        .isEqualTo(reason);
  }

  @Test
  void plaintextAnswer_isNamed() {
    ConnectionSecurityException e =
        TlsFailures.fromTlsFailure(
            new NotSslRecordException("not an SSL/TLS record: 0000"), "t:1", Optional.empty());
    assertThat(e.getReason()).isEqualTo(Reason.TLS_HANDSHAKE_FAILED);
    assertThat(e).hasMessageContaining("does not answer with TLS");
  }

  // ---------------------------------------------------------------- a failed call

  @Test
  void diagnose_withADiagnosisInTheCauses_returnsIt() {
    ConnectionSecurityException diagnosis =
        new ConnectionSecurityException(Reason.SERVER_NAME_MISMATCH, "name");
    Throwable handshake =
        new SSLHandshakeException("General OpenSslEngine problem")
            .initCause(new CertificateException("name", diagnosis));
    assertThat(
            TlsFailures.diagnose(
                Status.UNAVAILABLE.withCause(handshake), "t:1", Optional.of(client.certificate)))
        .containsSame(diagnosis);
  }

  @Test
  void diagnose_withAnotherFailure_isEmpty() {
    assertThat(TlsFailures.diagnose(Status.UNAVAILABLE, "t:1", Optional.empty())).isEmpty();
    assertThat(
            TlsFailures.diagnose(
                Status.UNAVAILABLE.withCause(new java.net.ConnectException("Connection refused")),
                "t:1",
                Optional.empty()))
        .isEmpty();
    assertThat(
            TlsFailures.diagnose(
                Status.PERMISSION_DENIED.withCause(new SSLException("TLSV1_ALERT_UNKNOWN_CA")),
                "t:1",
                Optional.empty()))
        .isEmpty();
  }
}
