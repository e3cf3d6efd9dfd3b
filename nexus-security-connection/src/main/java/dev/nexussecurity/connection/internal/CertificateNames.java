package dev.nexussecurity.connection.internal;

import dev.nexussecurity.api.internal.UntrustedText;
import java.security.cert.X509Certificate;

/**
 * Short, secret-free descriptions of certificates for messages and logs. Names are quoted with
 * {@link UntrustedText}: a certificate the server presents is untrusted input.
 */
public final class CertificateNames {
  private static final int MAX_NAME_CHARS = 200;

  private CertificateNames() {}

  /** {@code 'CN=worker,O=acme' (serial 1a2b)}. */
  public static String describe(X509Certificate certificate) {
    return "'" + subject(certificate) + "' (serial " + serial(certificate) + ")";
  }

  /**
   * {@code 'CN=server' (serial 1a2b, issued by 'CN=ca', valid from 2030-01-01T00:00:00Z to
   * 2031-01-01T00:00:00Z)}.
   */
  public static String describeFully(X509Certificate certificate) {
    return "'"
        + subject(certificate)
        + "' (serial "
        + serial(certificate)
        + ", issued by '"
        + issuer(certificate)
        + "', valid from "
        + certificate.getNotBefore().toInstant()
        + " to "
        + certificate.getNotAfter().toInstant()
        + ")";
  }

  /** The subject name, quoted. */
  public static String subject(X509Certificate certificate) {
    return UntrustedText.quote(certificate.getSubjectX500Principal().getName(), MAX_NAME_CHARS);
  }

  /** The issuer name, quoted. */
  public static String issuer(X509Certificate certificate) {
    return UntrustedText.quote(certificate.getIssuerX500Principal().getName(), MAX_NAME_CHARS);
  }

  private static String serial(X509Certificate certificate) {
    return certificate.getSerialNumber().toString(16);
  }
}
