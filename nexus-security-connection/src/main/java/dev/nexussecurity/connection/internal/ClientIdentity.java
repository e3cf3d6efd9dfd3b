package dev.nexussecurity.connection.internal;

import dev.nexussecurity.connection.ConnectionSecurityException;
import dev.nexussecurity.connection.ConnectionSecurityException.Reason;
import java.security.GeneralSecurityException;
import java.security.PrivateKey;
import java.security.SecureRandom;
import java.security.Signature;
import java.security.cert.CertificateExpiredException;
import java.security.cert.CertificateNotYetValidException;
import java.security.cert.CertificateParsingException;
import java.security.cert.X509Certificate;
import java.time.Instant;
import java.util.Date;
import java.util.List;
import java.util.Locale;

/**
 * A validated client certificate chain and its private key. {@link #load} refuses a chain whose
 * leaf is expired, not yet valid or not usable for TLS client authentication, and a key that does
 * not belong to the leaf certificate, so that a half-rotated pair is never installed.
 */
public final class ClientIdentity {
  private static final String CLIENT_AUTH_EKU = "1.3.6.1.5.5.7.3.2";
  private static final String ANY_EKU = "2.5.29.37.0";
  private static final SecureRandom RANDOM = new SecureRandom();

  private final X509Certificate[] chain;
  private final PrivateKey key;

  private ClientIdentity(X509Certificate[] chain, PrivateKey key) {
    this.chain = chain;
    this.key = key;
  }

  /** Reads, parses and validates the pair at {@code now}. */
  public static ClientIdentity load(
      byte[] certPem, byte[] keyPem, PemSource certSource, PemSource keySource, Instant now) {
    List<X509Certificate> certs =
        PemReader.readCertificates(
            certPem, certSource.describe(), Reason.INVALID_CLIENT_CERTIFICATE);
    PrivateKey key = PemReader.readPrivateKey(keyPem, keySource.describe());
    X509Certificate leaf = certs.get(0);
    String leafName = CertificateNames.describe(leaf);
    try {
      leaf.checkValidity(Date.from(now));
    } catch (CertificateExpiredException e) {
      throw new ConnectionSecurityException(
          Reason.CLIENT_CERTIFICATE_NOT_CURRENTLY_VALID,
          "The client certificate "
              + leafName
              + " in "
              + certSource.describe()
              + " expired at "
              + leaf.getNotAfter().toInstant()
              + "; install a renewed certificate and key");
    } catch (CertificateNotYetValidException e) {
      throw new ConnectionSecurityException(
          Reason.CLIENT_CERTIFICATE_NOT_CURRENTLY_VALID,
          "The client certificate "
              + leafName
              + " in "
              + certSource.describe()
              + " is not valid before "
              + leaf.getNotBefore().toInstant()
              + "; check the clock of this host and of the issuing CA");
    }
    checkClientAuthUsage(leaf, leafName, certSource);
    checkKeyMatches(leaf, key, leafName, certSource, keySource);
    return new ClientIdentity(certs.toArray(new X509Certificate[0]), key);
  }

  private static void checkClientAuthUsage(
      X509Certificate leaf, String leafName, PemSource certSource) {
    List<String> usages;
    try {
      usages = leaf.getExtendedKeyUsage();
    } catch (CertificateParsingException e) {
      throw new ConnectionSecurityException(
          Reason.INVALID_CLIENT_CERTIFICATE,
          "The client certificate "
              + leafName
              + " in "
              + certSource.describe()
              + " has an unreadable extended key usage extension");
    }
    if (usages != null && !usages.contains(CLIENT_AUTH_EKU) && !usages.contains(ANY_EKU)) {
      throw new ConnectionSecurityException(
          Reason.INVALID_CLIENT_CERTIFICATE,
          "The client certificate "
              + leafName
              + " in "
              + certSource.describe()
              + " is not allowed for TLS client authentication (its extended key usage lacks"
              + " clientAuth); issue a certificate with extendedKeyUsage=clientAuth");
    }
  }

  private static void checkKeyMatches(
      X509Certificate leaf,
      PrivateKey key,
      String leafName,
      PemSource certSource,
      PemSource keySource) {
    String mismatch =
        "The private key in "
            + keySource.describe()
            + " does not belong to the client certificate "
            + leafName
            + " in "
            + certSource.describe()
            + "; replace both files with a matching pair (if a rotation is in progress, the next"
            + " reload picks up the completed pair)";
    String algorithm = signatureAlgorithm(key.getAlgorithm());
    if (algorithm == null) {
      throw new ConnectionSecurityException(
          Reason.INVALID_PRIVATE_KEY,
          keySource.describe()
              + " holds a "
              + key.getAlgorithm()
              + " key; use an EC, RSA or EdDSA key");
    }
    if (!sameFamily(key.getAlgorithm(), leaf.getPublicKey().getAlgorithm())) {
      throw new ConnectionSecurityException(Reason.KEY_CERTIFICATE_MISMATCH, mismatch);
    }
    byte[] challenge = new byte[32];
    RANDOM.nextBytes(challenge);
    try {
      Signature signer = Signature.getInstance(algorithm);
      signer.initSign(key);
      signer.update(challenge);
      byte[] signature = signer.sign();
      Signature verifier = Signature.getInstance(algorithm);
      verifier.initVerify(leaf.getPublicKey());
      verifier.update(challenge);
      if (!verifier.verify(signature)) {
        throw new ConnectionSecurityException(Reason.KEY_CERTIFICATE_MISMATCH, mismatch);
      }
    } catch (GeneralSecurityException | IllegalArgumentException e) {
      // For example an EC key on another curve than the certificate's.
      throw new ConnectionSecurityException(Reason.KEY_CERTIFICATE_MISMATCH, mismatch);
    }
  }

  private static String signatureAlgorithm(String keyAlgorithm) {
    switch (keyAlgorithm.toUpperCase(Locale.ROOT)) {
      case "EC":
        return "SHA256withECDSA";
      case "RSA":
        return "SHA256withRSA";
      case "EDDSA":
      case "ED25519":
      case "ED448":
        return "EdDSA";
      default:
        return null;
    }
  }

  private static boolean sameFamily(String keyAlgorithm, String certAlgorithm) {
    String a = signatureAlgorithm(keyAlgorithm);
    return a != null && a.equals(signatureAlgorithm(certAlgorithm));
  }

  /** The chain, leaf first; a copy. */
  public X509Certificate[] getChain() {
    return chain.clone();
  }

  /** The leaf certificate. */
  public X509Certificate getLeaf() {
    return chain[0];
  }

  /** The private key; never log it. */
  public PrivateKey getKey() {
    return key;
  }

  @Override
  public String toString() {
    return "ClientIdentity{" + CertificateNames.describe(chain[0]) + ", key=<redacted>}";
  }
}
