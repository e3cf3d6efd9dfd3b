package dev.nexussecurity.connection.internal;

import java.security.cert.X509Certificate;

/** Short, secret-free descriptions of certificates for messages and logs. */
public final class CertificateNames {
  private CertificateNames() {}

  /** {@code 'CN=worker,O=acme' (serial 1a2b)}. */
  public static String describe(X509Certificate certificate) {
    return "'"
        + certificate.getSubjectX500Principal().getName()
        + "' (serial "
        + certificate.getSerialNumber().toString(16)
        + ")";
  }
}
