package dev.nexussecurity.connection.internal;

import dev.nexussecurity.connection.ConnectionSecurityException;
import dev.nexussecurity.connection.ConnectionSecurityException.Reason;
import java.io.ByteArrayInputStream;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.KeyFactory;
import java.security.PrivateKey;
import java.security.cert.CertificateException;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.security.spec.PKCS8EncodedKeySpec;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Base64;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Reads PEM certificates and PKCS#8 private keys, with errors that say which source is wrong and
 * how. Error messages never contain key bytes.
 */
public final class PemReader {
  private static final Pattern BLOCK =
      Pattern.compile(
          "-----BEGIN ([A-Z0-9 ]+)-----(.*?)-----END ([A-Z0-9 ]+)-----", Pattern.DOTALL);
  private static final Pattern BEGIN = Pattern.compile("-----BEGIN ([A-Z0-9 ]+)-----");

  /** Key algorithms tried, in order, for a PKCS#8 key. */
  private static final List<String> KEY_ALGORITHMS = List.of("EC", "RSA", "Ed25519", "Ed448");

  private PemReader() {}

  /**
   * Reads every {@code CERTIFICATE} block of {@code pem}, in order; other blocks are ignored.
   *
   * @param source names the source in error messages ("client certificate file
   *     /etc/tls/client.pem")
   * @param reason the reason reported when the content is not usable
   */
  public static List<X509Certificate> readCertificates(byte[] pem, String source, Reason reason) {
    CertificateFactory factory;
    try {
      factory = CertificateFactory.getInstance("X.509");
    } catch (CertificateException e) {
      throw new ConnectionSecurityException(
          Reason.TLS_SETUP_FAILED, "The JVM has no X.509 certificate factory", e);
    }
    List<X509Certificate> certificates = new ArrayList<>();
    for (Block block : blocks(pem, source, reason)) {
      if (!block.type.equals("CERTIFICATE")) {
        continue;
      }
      byte[] der = block.decode(source, reason);
      try {
        certificates.add(
            (X509Certificate) factory.generateCertificate(new ByteArrayInputStream(der)));
      } catch (CertificateException | ClassCastException e) {
        throw new ConnectionSecurityException(
            reason,
            source
                + ": PEM block "
                + block.index
                + " is not a valid X.509 certificate ("
                + e.getMessage()
                + "); replace it with a PEM-encoded certificate");
      }
    }
    if (certificates.isEmpty()) {
      throw new ConnectionSecurityException(
          reason,
          source
              + " contains no '-----BEGIN CERTIFICATE-----' block; it must hold PEM-encoded"
              + " certificates");
    }
    return certificates;
  }

  /**
   * Reads the single private key of {@code pem}; it must be an unencrypted PKCS#8 {@code PRIVATE
   * KEY} block holding an EC, RSA, Ed25519 or Ed448 key. Certificate blocks next to it are ignored.
   */
  public static PrivateKey readPrivateKey(byte[] pem, String source) {
    Reason reason = Reason.INVALID_PRIVATE_KEY;
    Block key = null;
    for (Block block : blocks(pem, source, reason)) {
      switch (block.type) {
        case "PRIVATE KEY":
          if (key != null) {
            throw new ConnectionSecurityException(
                reason, source + " contains more than one private key; keep exactly one");
          }
          key = block;
          break;
        case "RSA PRIVATE KEY":
        case "EC PRIVATE KEY":
          throw new ConnectionSecurityException(
              reason,
              source
                  + " holds a '"
                  + block.type
                  + "' (PKCS#1/SEC1) key; convert it to PKCS#8 with"
                  + " 'openssl pkcs8 -topk8 -nocrypt -in <key> -out <key.pkcs8.pem>'");
        case "ENCRYPTED PRIVATE KEY":
          throw new ConnectionSecurityException(
              reason,
              source
                  + " holds an encrypted private key, which is not supported; store it"
                  + " unencrypted in PKCS#8 ('openssl pkcs8 -topk8 -nocrypt') with file permissions"
                  + " that only the worker can read");
        default:
          // certificates next to the key are allowed and ignored
      }
    }
    if (key == null) {
      throw new ConnectionSecurityException(
          reason,
          source
              + " contains no '-----BEGIN PRIVATE KEY-----' block; it must hold one PEM-encoded"
              + " PKCS#8 private key");
    }
    byte[] der = key.decode(source, reason);
    try {
      PKCS8EncodedKeySpec spec = new PKCS8EncodedKeySpec(der);
      for (String algorithm : KEY_ALGORITHMS) {
        try {
          return KeyFactory.getInstance(algorithm).generatePrivate(spec);
        } catch (GeneralSecurityException | IllegalArgumentException e) {
          // Try the next algorithm. The exception is dropped: it may describe parts of the key.
        }
      }
      throw new ConnectionSecurityException(
          reason,
          source
              + " holds a PKCS#8 block that is not a valid EC, RSA, Ed25519 or Ed448 private key");
    } finally {
      Arrays.fill(der, (byte) 0);
    }
  }

  private static List<Block> blocks(byte[] pem, String source, Reason reason) {
    if (pem == null || pem.length == 0) {
      throw new ConnectionSecurityException(reason, source + " is empty; it must hold PEM data");
    }
    String text = new String(pem, StandardCharsets.US_ASCII);
    List<Block> blocks = new ArrayList<>();
    Matcher matcher = BLOCK.matcher(text);
    int end = 0;
    while (matcher.find()) {
      String type = matcher.group(1);
      int index = blocks.size() + 1;
      if (!type.equals(matcher.group(3))) {
        throw new ConnectionSecurityException(
            reason,
            source
                + ": PEM block "
                + index
                + " begins as '"
                + type
                + "' but ends as '"
                + matcher.group(3)
                + "'; the file is corrupt or was cut while being written");
      }
      blocks.add(new Block(index, type, matcher.group(2)));
      end = matcher.end();
    }
    Matcher dangling = BEGIN.matcher(text);
    if (dangling.find(end)) {
      throw new ConnectionSecurityException(
          reason,
          source
              + ": the PEM block '"
              + dangling.group(1)
              + "' has no END line; the file is"
              + " truncated or still being written");
    }
    if (blocks.isEmpty()) {
      throw new ConnectionSecurityException(
          reason, source + " contains no PEM block ('-----BEGIN ...-----'); it must hold PEM data");
    }
    return blocks;
  }

  private static final class Block {
    final int index;
    final String type;
    final String body;

    Block(int index, String type, String body) {
      this.index = index;
      this.type = type;
      this.body = body;
    }

    byte[] decode(String source, Reason reason) {
      byte[] der;
      try {
        der = Base64.getMimeDecoder().decode(body.trim());
      } catch (IllegalArgumentException e) {
        throw new ConnectionSecurityException(
            reason, source + ": PEM block " + index + " ('" + type + "') is not valid base64");
      }
      if (der.length == 0) {
        throw new ConnectionSecurityException(
            reason, source + ": PEM block " + index + " ('" + type + "') is empty");
      }
      return der;
    }
  }
}
