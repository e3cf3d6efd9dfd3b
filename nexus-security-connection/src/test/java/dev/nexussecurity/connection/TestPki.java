package dev.nexussecurity.connection;

import java.io.IOException;
import java.io.StringWriter;
import java.io.UncheckedIOException;
import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.PrivateKey;
import java.security.SecureRandom;
import java.security.cert.X509Certificate;
import java.security.spec.ECGenParameterSpec;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Date;
import java.util.List;
import org.bouncycastle.asn1.x500.X500Name;
import org.bouncycastle.asn1.x509.BasicConstraints;
import org.bouncycastle.asn1.x509.ExtendedKeyUsage;
import org.bouncycastle.asn1.x509.Extension;
import org.bouncycastle.asn1.x509.GeneralName;
import org.bouncycastle.asn1.x509.GeneralNames;
import org.bouncycastle.asn1.x509.KeyPurposeId;
import org.bouncycastle.asn1.x509.KeyUsage;
import org.bouncycastle.cert.X509v3CertificateBuilder;
import org.bouncycastle.cert.jcajce.JcaX509CertificateConverter;
import org.bouncycastle.cert.jcajce.JcaX509v3CertificateBuilder;
import org.bouncycastle.openssl.jcajce.JcaPEMWriter;
import org.bouncycastle.operator.OperatorCreationException;
import org.bouncycastle.operator.jcajce.JcaContentSignerBuilder;

/**
 * Test certificate authority: EC P-256 CAs, server and client certificates (also expired ones or
 * ones without the clientAuth usage), written as PEM. Built with BouncyCastle so that the code
 * under test (which uses the JDK) does not produce its own expected inputs.
 */
public final class TestPki {
  private static final SecureRandom RANDOM = new SecureRandom();

  private TestPki() {}

  /** A key pair and its certificate. */
  public static final class Issued {
    public final KeyPair keyPair;
    public final X509Certificate certificate;
    public final List<X509Certificate> chain;

    Issued(KeyPair keyPair, X509Certificate certificate, List<X509Certificate> chain) {
      this.keyPair = keyPair;
      this.certificate = certificate;
      this.chain = chain;
    }

    public BigInteger serial() {
      return certificate.getSerialNumber();
    }

    /** The certificate chain (leaf first, without the root) as PEM. */
    public byte[] chainPem() {
      return certificatesPem(chain.toArray(new X509Certificate[0]));
    }

    /** The private key as unencrypted PKCS#8 PEM. */
    public byte[] keyPem() {
      return pkcs8Pem(keyPair.getPrivate());
    }
  }

  /** Creates a self-signed CA valid for a day around now. */
  public static Issued newCa(String commonName) {
    KeyPair keyPair = newKeyPair();
    X500Name name = new X500Name("CN=" + commonName);
    Instant now = Instant.now();
    try {
      X509v3CertificateBuilder builder =
          new JcaX509v3CertificateBuilder(
              name,
              serial(),
              Date.from(now.minus(Duration.ofHours(1))),
              Date.from(now.plus(Duration.ofDays(1))),
              name,
              keyPair.getPublic());
      builder.addExtension(Extension.basicConstraints, true, new BasicConstraints(true));
      builder.addExtension(
          Extension.keyUsage, true, new KeyUsage(KeyUsage.keyCertSign | KeyUsage.cRLSign));
      X509Certificate cert = sign(builder, keyPair.getPrivate());
      return new Issued(keyPair, cert, List.of(cert));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** An intermediate CA issued by {@code ca}, valid for a day around now. */
  public static Issued newIntermediateCa(Issued ca, String commonName) {
    KeyPair keyPair = newKeyPair();
    Instant now = Instant.now();
    try {
      X509v3CertificateBuilder builder =
          new JcaX509v3CertificateBuilder(
              ca.certificate,
              serial(),
              Date.from(now.minus(Duration.ofHours(1))),
              Date.from(now.plus(Duration.ofDays(1))),
              new X500Name("CN=" + commonName),
              keyPair.getPublic());
      builder.addExtension(Extension.basicConstraints, true, new BasicConstraints(true));
      builder.addExtension(
          Extension.keyUsage, true, new KeyUsage(KeyUsage.keyCertSign | KeyUsage.cRLSign));
      X509Certificate cert = sign(builder, ca.keyPair.getPrivate());
      return new Issued(keyPair, cert, List.of(cert));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** A server certificate for the given DNS names and IP addresses. */
  public static Issued newServer(Issued ca, List<String> dnsNames, List<String> ipAddresses) {
    Instant now = Instant.now();
    return newServer(
        ca, dnsNames, ipAddresses, now.minus(Duration.ofHours(1)), now.plus(Duration.ofHours(12)));
  }

  /** A server certificate for the given names, valid from {@code notBefore} to {@code notAfter}. */
  public static Issued newServer(
      Issued ca,
      List<String> dnsNames,
      List<String> ipAddresses,
      Instant notBefore,
      Instant notAfter) {
    List<GeneralName> names = new ArrayList<>();
    dnsNames.forEach(n -> names.add(new GeneralName(GeneralName.dNSName, n)));
    ipAddresses.forEach(n -> names.add(new GeneralName(GeneralName.iPAddress, n)));
    return issue(ca, "server", KeyPurposeId.id_kp_serverAuth, names, notBefore, notAfter);
  }

  /** A client certificate valid from an hour ago for twelve hours. */
  public static Issued newClient(Issued ca, String commonName) {
    Instant now = Instant.now();
    return issue(
        ca,
        commonName,
        KeyPurposeId.id_kp_clientAuth,
        List.of(),
        now.minus(Duration.ofHours(1)),
        now.plus(Duration.ofHours(12)));
  }

  /** A client certificate that expired an hour ago. */
  public static Issued newExpiredClient(Issued ca, String commonName) {
    Instant now = Instant.now();
    return issue(
        ca,
        commonName,
        KeyPurposeId.id_kp_clientAuth,
        List.of(),
        now.minus(Duration.ofDays(2)),
        now.minus(Duration.ofHours(1)));
  }

  /** A client certificate whose validity starts in an hour. */
  public static Issued newNotYetValidClient(Issued ca, String commonName) {
    Instant now = Instant.now();
    return issue(
        ca,
        commonName,
        KeyPurposeId.id_kp_clientAuth,
        List.of(),
        now.plus(Duration.ofHours(1)),
        now.plus(Duration.ofDays(1)));
  }

  /** A certificate for server authentication only, not usable as a client certificate. */
  public static Issued newServerOnlyUsage(Issued ca, String commonName) {
    Instant now = Instant.now();
    return issue(
        ca,
        commonName,
        KeyPurposeId.id_kp_serverAuth,
        List.of(),
        now.minus(Duration.ofHours(1)),
        now.plus(Duration.ofHours(12)));
  }

  private static Issued issue(
      Issued ca,
      String commonName,
      KeyPurposeId usage,
      List<GeneralName> sans,
      Instant notBefore,
      Instant notAfter) {
    KeyPair keyPair = newKeyPair();
    try {
      X509v3CertificateBuilder builder =
          new JcaX509v3CertificateBuilder(
              ca.certificate,
              serial(),
              Date.from(notBefore),
              Date.from(notAfter),
              new X500Name("CN=" + commonName),
              keyPair.getPublic());
      builder.addExtension(Extension.basicConstraints, true, new BasicConstraints(false));
      builder.addExtension(
          Extension.keyUsage,
          true,
          new KeyUsage(KeyUsage.digitalSignature | KeyUsage.keyAgreement));
      builder.addExtension(Extension.extendedKeyUsage, false, new ExtendedKeyUsage(usage));
      if (!sans.isEmpty()) {
        builder.addExtension(
            Extension.subjectAlternativeName,
            false,
            new GeneralNames(sans.toArray(new GeneralName[0])));
      }
      X509Certificate cert = sign(builder, ca.keyPair.getPrivate());
      return new Issued(keyPair, cert, List.of(cert));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** PEM of several certificates. */
  public static byte[] certificatesPem(X509Certificate... certificates) {
    StringBuilder sb = new StringBuilder();
    for (X509Certificate c : certificates) {
      try {
        sb.append(pem("CERTIFICATE", c.getEncoded()));
      } catch (GeneralSecurityException e) {
        throw new IllegalStateException(e);
      }
    }
    return sb.toString().getBytes(StandardCharsets.US_ASCII);
  }

  /** A private key as PKCS#8 PEM. */
  public static byte[] pkcs8Pem(PrivateKey key) {
    return pem("PRIVATE KEY", key.getEncoded()).getBytes(StandardCharsets.US_ASCII);
  }

  /** A private key in the format BouncyCastle's PEM writer chooses for it (SEC1 for EC keys). */
  public static byte[] legacyPem(PrivateKey key) {
    StringWriter out = new StringWriter();
    try (JcaPEMWriter writer = new JcaPEMWriter(out)) {
      writer.writeObject(key);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return out.toString().getBytes(StandardCharsets.US_ASCII);
  }

  private static String pem(String type, byte[] der) {
    return "-----BEGIN "
        + type
        + "-----\n"
        + Base64.getMimeEncoder(64, new byte[] {'\n'}).encodeToString(der)
        + "\n-----END "
        + type
        + "-----\n";
  }

  /** A fresh EC P-256 key pair. */
  public static KeyPair newKeyPair() {
    try {
      KeyPairGenerator generator = KeyPairGenerator.getInstance("EC");
      generator.initialize(new ECGenParameterSpec("secp256r1"), RANDOM);
      return generator.generateKeyPair();
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException(e);
    }
  }

  private static BigInteger serial() {
    return new BigInteger(64, RANDOM).add(BigInteger.ONE);
  }

  private static X509Certificate sign(X509v3CertificateBuilder builder, PrivateKey issuerKey) {
    try {
      return new JcaX509CertificateConverter()
          .getCertificate(
              builder.build(new JcaContentSignerBuilder("SHA256withECDSA").build(issuerKey)));
    } catch (GeneralSecurityException | OperatorCreationException e) {
      throw new IllegalStateException(e);
    }
  }
}
