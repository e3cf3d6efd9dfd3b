package dev.nexussecurity.connection.internal;

import dev.nexussecurity.connection.ConnectionSecurityException;
import java.net.Socket;
import java.security.cert.CertificateException;
import java.security.cert.X509Certificate;
import java.time.Clock;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import javax.net.ssl.SSLEngine;
import javax.net.ssl.X509ExtendedTrustManager;

/**
 * Wraps the trust manager that authenticates the server, so that a refused server certificate
 * carries a {@link ConnectionSecurityException} naming the problem: the refusal is rethrown as a
 * {@link CertificateException} whose cause is that exception, which the TLS stack passes on as the
 * cause of the handshake failure. Every decision is the wrapped trust manager's.
 */
public final class DiagnosingTrustManager extends X509ExtendedTrustManager {
  private final X509ExtendedTrustManager delegate;
  private final String trustSource;
  private final Clock clock;

  /**
   * @param delegate decides
   * @param trustSource where the delegate's CA certificates come from, for messages
   * @param clock the time of diagnoses
   */
  public DiagnosingTrustManager(
      X509ExtendedTrustManager delegate, String trustSource, Clock clock) {
    this.delegate = Objects.requireNonNull(delegate, "delegate");
    this.trustSource = Objects.requireNonNull(trustSource, "trustSource");
    this.clock = Objects.requireNonNull(clock, "clock");
  }

  @Override
  public void checkServerTrusted(X509Certificate[] chain, String authType, SSLEngine engine)
      throws CertificateException {
    try {
      delegate.checkServerTrusted(chain, authType, engine);
    } catch (CertificateException e) {
      throw diagnosed(chain, engine == null ? null : engine.getPeerHost(), e);
    }
  }

  @Override
  public void checkServerTrusted(X509Certificate[] chain, String authType, Socket socket)
      throws CertificateException {
    try {
      delegate.checkServerTrusted(chain, authType, socket);
    } catch (CertificateException e) {
      throw diagnosed(chain, null, e);
    }
  }

  @Override
  public void checkServerTrusted(X509Certificate[] chain, String authType)
      throws CertificateException {
    try {
      delegate.checkServerTrusted(chain, authType);
    } catch (CertificateException e) {
      throw diagnosed(chain, null, e);
    }
  }

  @Override
  public void checkClientTrusted(X509Certificate[] chain, String authType, SSLEngine engine)
      throws CertificateException {
    delegate.checkClientTrusted(chain, authType, engine);
  }

  @Override
  public void checkClientTrusted(X509Certificate[] chain, String authType, Socket socket)
      throws CertificateException {
    delegate.checkClientTrusted(chain, authType, socket);
  }

  @Override
  public void checkClientTrusted(X509Certificate[] chain, String authType)
      throws CertificateException {
    delegate.checkClientTrusted(chain, authType);
  }

  @Override
  public X509Certificate[] getAcceptedIssuers() {
    return delegate.getAcceptedIssuers();
  }

  private CertificateException diagnosed(
      X509Certificate[] chain, String host, CertificateException refusal) {
    ConnectionSecurityException diagnosis =
        TlsFailures.serverCertificateRefused(
            chain,
            Optional.ofNullable(host),
            List.of(delegate.getAcceptedIssuers()),
            trustSource,
            clock.instant(),
            refusal);
    return new CertificateException(diagnosis.getMessage(), diagnosis);
  }
}
