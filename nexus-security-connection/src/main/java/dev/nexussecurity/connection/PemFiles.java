package dev.nexussecurity.connection;

import dev.nexussecurity.connection.internal.PemReader;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.PrivateKey;
import java.security.cert.X509Certificate;
import java.util.List;
import java.util.Objects;

/**
 * Reads TLS material from PEM files with errors that name the file and what to fix, never key
 * bytes: certificate chains and CA bundles ({@code CERTIFICATE} blocks) and unencrypted PKCS#8
 * private keys (EC, RSA, Ed25519, Ed448). The same reader backs {@link WorkerConnectionOptions};
 * servers that terminate TLS themselves (the control plane) use it to read their own certificates.
 *
 * <pre>{@code
 * List<X509Certificate> chain = PemFiles.readCertificateChain(Path.of("/etc/tls/server.pem"));
 * PrivateKey key = PemFiles.readPrivateKey(Path.of("/etc/tls/server.key"));
 * }</pre>
 */
public final class PemFiles {
  private PemFiles() {}

  /**
   * The certificates of {@code file}, leaf first.
   *
   * @throws ConnectionSecurityException ({@code INVALID_CLIENT_CERTIFICATE}) if the file cannot be
   *     read or holds no valid certificate
   */
  public static List<X509Certificate> readCertificateChain(Path file) {
    return PemReader.readCertificates(
        read(file, ConnectionSecurityException.Reason.INVALID_CLIENT_CERTIFICATE),
        "certificate chain file " + file,
        ConnectionSecurityException.Reason.INVALID_CLIENT_CERTIFICATE);
  }

  /**
   * The CA certificates of {@code file}.
   *
   * @throws ConnectionSecurityException ({@code INVALID_CA_BUNDLE}) if the file cannot be read or
   *     holds no valid certificate
   */
  public static List<X509Certificate> readCaBundle(Path file) {
    return PemReader.readCertificates(
        read(file, ConnectionSecurityException.Reason.INVALID_CA_BUNDLE),
        "CA bundle file " + file,
        ConnectionSecurityException.Reason.INVALID_CA_BUNDLE);
  }

  /**
   * The single private key of {@code file}.
   *
   * @throws ConnectionSecurityException ({@code INVALID_PRIVATE_KEY}) if the file cannot be read or
   *     does not hold exactly one unencrypted PKCS#8 key
   */
  public static PrivateKey readPrivateKey(Path file) {
    return PemReader.readPrivateKey(
        read(file, ConnectionSecurityException.Reason.INVALID_PRIVATE_KEY),
        "private key file " + file);
  }

  private static byte[] read(Path file, ConnectionSecurityException.Reason reason) {
    Objects.requireNonNull(file, "file");
    try {
      return Files.readAllBytes(file);
    } catch (IOException e) {
      throw new ConnectionSecurityException(
          reason, "cannot read " + file + " (" + e.getClass().getSimpleName() + ")");
    }
  }
}
