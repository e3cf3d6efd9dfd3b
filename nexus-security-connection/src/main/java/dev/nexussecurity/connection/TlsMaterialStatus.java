package dev.nexussecurity.connection;

import java.security.cert.X509Certificate;
import java.time.Instant;
import java.util.List;
import java.util.Optional;

/**
 * An immutable snapshot of a {@link WorkerConnection}'s TLS material: the client certificate that
 * new TLS handshakes present, the CA certificates that pin the server, and the outcome of the last
 * reload.
 *
 * <p>After a failed reload the previously loaded material stays in use; {@link
 * #getLastReloadError()} reports why the new files were refused until a later reload succeeds.
 * Certificates are public data; the status never holds private keys or API keys.
 *
 * <pre>{@code
 * TlsMaterialStatus status = connection.getTlsMaterialStatus();
 * status.getClientCertificate()
 *     .ifPresent(c -> log.info("client cert serial {} valid until {}",
 *         c.getSerialNumber(), c.getNotAfter()));
 * status.getLastReloadError().ifPresent(e -> log.warn("TLS reload failing: {}", e.getMessage()));
 * }</pre>
 */
public final class TlsMaterialStatus {
  private final boolean tlsEnabled;
  private final X509Certificate clientCertificate;
  private final List<X509Certificate> trustedCertificates;
  private final Instant lastLoadedAt;
  private final Instant lastCheckedAt;
  private final ConnectionSecurityException lastReloadError;
  private final long consecutiveReloadFailures;

  TlsMaterialStatus(
      boolean tlsEnabled,
      X509Certificate clientCertificate,
      List<X509Certificate> trustedCertificates,
      Instant lastLoadedAt,
      Instant lastCheckedAt,
      ConnectionSecurityException lastReloadError,
      long consecutiveReloadFailures) {
    this.tlsEnabled = tlsEnabled;
    this.clientCertificate = clientCertificate;
    this.trustedCertificates = List.copyOf(trustedCertificates);
    this.lastLoadedAt = lastLoadedAt;
    this.lastCheckedAt = lastCheckedAt;
    this.lastReloadError = lastReloadError;
    this.consecutiveReloadFailures = consecutiveReloadFailures;
  }

  static TlsMaterialStatus plaintext() {
    return new TlsMaterialStatus(false, null, List.of(), null, null, null, 0);
  }

  /** Whether the connection uses TLS; when false every other value is empty. */
  public boolean isTlsEnabled() {
    return tlsEnabled;
  }

  /** The client (leaf) certificate new handshakes present; empty without mutual TLS. */
  public Optional<X509Certificate> getClientCertificate() {
    return Optional.ofNullable(clientCertificate);
  }

  /** The CA certificates that pin the server; empty when the JVM's default trust store is used. */
  public List<X509Certificate> getTrustedCertificates() {
    return trustedCertificates;
  }

  /** When TLS material was last installed (initially, or by a reload that found changes). */
  public Optional<Instant> getLastLoadedAt() {
    return Optional.ofNullable(lastLoadedAt);
  }

  /** When the files were last checked. */
  public Optional<Instant> getLastCheckedAt() {
    return Optional.ofNullable(lastCheckedAt);
  }

  /** Why the last reload was refused; empty when it succeeded or found nothing new. */
  public Optional<ConnectionSecurityException> getLastReloadError() {
    return Optional.ofNullable(lastReloadError);
  }

  /** How many reloads in a row have failed; 0 after a successful one. */
  public long getConsecutiveReloadFailures() {
    return consecutiveReloadFailures;
  }

  @Override
  public String toString() {
    StringBuilder sb = new StringBuilder("TlsMaterialStatus{tls=").append(tlsEnabled);
    if (clientCertificate != null) {
      sb.append(", clientCertificate='")
          .append(clientCertificate.getSubjectX500Principal().getName())
          .append("' serial ")
          .append(clientCertificate.getSerialNumber().toString(16))
          .append(" notAfter ")
          .append(clientCertificate.getNotAfter().toInstant());
    }
    if (tlsEnabled) {
      sb.append(", trustedCertificates=")
          .append(trustedCertificates.isEmpty() ? "JVM default" : trustedCertificates.size());
      sb.append(", lastLoadedAt=").append(lastLoadedAt);
      sb.append(", lastCheckedAt=").append(lastCheckedAt);
    }
    if (lastReloadError != null) {
      sb.append(", lastReloadError=")
          .append(lastReloadError.getReason())
          .append(": ")
          .append(lastReloadError.getMessage());
      sb.append(", consecutiveReloadFailures=").append(consecutiveReloadFailures);
    }
    return sb.append('}').toString();
  }
}
