package dev.nexussecurity.connection.internal;

import dev.nexussecurity.api.internal.UntrustedText;
import dev.nexussecurity.connection.ConnectionSecurityException;
import dev.nexussecurity.connection.ConnectionSecurityException.Reason;
import io.grpc.Status;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.security.GeneralSecurityException;
import java.security.PublicKey;
import java.security.cert.CertificateParsingException;
import java.security.cert.X509Certificate;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import javax.net.ssl.SSLException;

/**
 * Turns TLS handshake failures into a {@link ConnectionSecurityException} that names the
 * certificate problem and what to fix: for the server's certificate (untrusted issuer, expired or
 * not yet valid, not naming the host) from the chain the server presented, and for the client's
 * certificate from the alert the server sent when it refused it.
 *
 * <p>The server's chain is diagnosed only after the JDK's trust manager refused it, and the
 * diagnosis does not decide anything: it only explains. A refusal it cannot explain keeps the trust
 * manager's own message.
 */
public final class TlsFailures {
  private static final String SERVER_CA_SETTINGS =
      "tls.server_ca_cert_path / TEMPORAL_TLS_SERVER_CA_CERT_PATH / setServerCaCertificatesPath";
  private static final String SERVER_NAME_SETTINGS =
      "tls.server_name / TEMPORAL_TLS_SERVER_NAME / setServerName";
  private static final String CLIENT_IDENTITY_SETTINGS =
      "tls.client_cert_path and tls.client_key_path (TEMPORAL_TLS_CLIENT_CERT_PATH,"
          + " TEMPORAL_TLS_CLIENT_KEY_PATH, or setClientCertificatePath and"
          + " setClientPrivateKeyPath)";

  /** A TLS alert name in OpenSSL/BoringSSL ("TLSV1_ALERT_UNKNOWN_CA") or JDK form. */
  private static final Pattern ALERT = Pattern.compile("ALERT(?:_|: ?)([A-Z0-9_]+)");

  private static final int SAN_DNS = 2;
  private static final int SAN_IP = 7;

  private TlsFailures() {}

  // ---------------------------------------------------------------- the server's certificate

  /**
   * Explains why the server's certificate chain was refused.
   *
   * @param chain the chain the server presented, leaf first
   * @param host the host name or IP address the certificate must name (the target's host or the
   *     server name override); empty when unknown
   * @param anchors the CA certificates trusted when the chain was refused
   * @param trustSource where {@code anchors} come from, for the message
   * @param now the time of the check
   * @param refusal the trust manager's refusal
   */
  public static ConnectionSecurityException serverCertificateRefused(
      X509Certificate[] chain,
      Optional<String> host,
      Collection<X509Certificate> anchors,
      String trustSource,
      Instant now,
      Exception refusal) {
    if (chain == null || chain.length == 0) {
      return new ConnectionSecurityException(
          Reason.TLS_HANDSHAKE_FAILED,
          "The server presented no certificate; it cannot be authenticated.",
          refusal);
    }
    X509Certificate leaf = chain[0];
    String leafName = CertificateNames.describeFully(leaf);
    String forHost = host.map(h -> " for '" + UntrustedText.quote(h, 100) + "'").orElse("");
    if (!isAnchored(chain, anchors)) {
      X509Certificate top = chain[chain.length - 1];
      return new ConnectionSecurityException(
          Reason.SERVER_CERTIFICATE_UNTRUSTED,
          "The server's certificate "
              + leafName
              + forHost
              + " is not issued by a CA this worker trusts ("
              + trustSource
              + describeAnchors(anchors)
              + "). Add the CA that issued '"
              + CertificateNames.issuer(top)
              + "' to the server CA bundle ("
              + SERVER_CA_SETTINGS
              + "), or check that the target is the intended server.",
          refusal);
    }
    for (X509Certificate certificate : chain) {
      Instant notBefore = certificate.getNotBefore().toInstant();
      Instant notAfter = certificate.getNotAfter().toInstant();
      if (now.isAfter(notAfter) || now.isBefore(notBefore)) {
        String which =
            certificate == leaf
                ? "The server's certificate " + leafName
                : "The CA certificate "
                    + CertificateNames.describeFully(certificate)
                    + " in the chain of the server's certificate "
                    + leafName;
        String problem =
            now.isAfter(notAfter)
                ? " expired at " + notAfter + " (it is now " + now + ")"
                : " is not valid before " + notBefore + " (it is now " + now + ")";
        return new ConnectionSecurityException(
            Reason.SERVER_CERTIFICATE_NOT_CURRENTLY_VALID,
            which
                + forHost
                + problem
                + ". Renew the server's certificate; if it is current, check the clock of this"
                + " host and of the server.",
            refusal);
      }
    }
    if (host.isPresent() && !names(leaf, host.get())) {
      return new ConnectionSecurityException(
          Reason.SERVER_NAME_MISMATCH,
          "The server's certificate "
              + leafName
              + " does not name '"
              + UntrustedText.quote(host.get(), 100)
              + "': it names "
              + describeNames(leaf)
              + ". Connect to one of those names, or set the server name ("
              + SERVER_NAME_SETTINGS
              + ") to the name the certificate gives.",
          refusal);
    }
    return new ConnectionSecurityException(
        Reason.TLS_HANDSHAKE_FAILED,
        "The server's certificate "
            + leafName
            + forHost
            + " was refused: "
            + UntrustedText.quote(String.valueOf(refusal.getMessage()), 300),
        refusal);
  }

  private static String describeAnchors(Collection<X509Certificate> anchors) {
    if (anchors.isEmpty() || anchors.size() > 5) {
      return "";
    }
    List<String> names = new ArrayList<>();
    anchors.forEach(a -> names.add("'" + CertificateNames.subject(a) + "'"));
    return ": " + String.join(", ", names);
  }

  /** Whether {@code chain} links, certificate by certificate, to one of {@code anchors}. */
  static boolean isAnchored(X509Certificate[] chain, Collection<X509Certificate> anchors) {
    for (int i = 0; i < chain.length; i++) {
      X509Certificate certificate = chain[i];
      if (anchors.contains(certificate)) {
        return true;
      }
      for (X509Certificate anchor : anchors) {
        if (issues(anchor, certificate)) {
          return true;
        }
      }
      if (i + 1 == chain.length || !issues(chain[i + 1], certificate)) {
        return false;
      }
    }
    return false;
  }

  private static boolean issues(X509Certificate issuer, X509Certificate certificate) {
    if (!issuer.getSubjectX500Principal().equals(certificate.getIssuerX500Principal())) {
      return false;
    }
    PublicKey key = issuer.getPublicKey();
    try {
      certificate.verify(key);
      return true;
    } catch (GeneralSecurityException | RuntimeException e) {
      return false;
    }
  }

  /**
   * Whether {@code certificate} names {@code host}: an IP address among its IP address names, a
   * host name among its DNS names (a leading {@code *.} matches one label), or, without DNS names,
   * its subject's common name.
   */
  static boolean names(X509Certificate certificate, String host) {
    Optional<InetAddress> ip = ipLiteral(host);
    List<String> dnsNames = new ArrayList<>();
    for (List<?> san : subjectAlternativeNames(certificate)) {
      int type = (Integer) san.get(0);
      String value = String.valueOf(san.get(1));
      if (type == SAN_IP && ip.isPresent() && ipLiteral(value).equals(ip)) {
        return true;
      }
      if (type == SAN_DNS) {
        dnsNames.add(value);
      }
    }
    if (ip.isPresent()) {
      return false;
    }
    if (dnsNames.isEmpty()) {
      commonName(certificate).ifPresent(dnsNames::add);
    }
    String lowerHost = host.toLowerCase(Locale.ROOT);
    for (String name : dnsNames) {
      String pattern = name.toLowerCase(Locale.ROOT);
      if (pattern.equals(lowerHost)) {
        return true;
      }
      if (pattern.startsWith("*.")) {
        int dot = lowerHost.indexOf('.');
        if (dot > 0 && lowerHost.substring(dot).equals(pattern.substring(1))) {
          return true;
        }
      }
    }
    return false;
  }

  private static String describeNames(X509Certificate certificate) {
    List<String> dns = new ArrayList<>();
    List<String> ips = new ArrayList<>();
    for (List<?> san : subjectAlternativeNames(certificate)) {
      int type = (Integer) san.get(0);
      String value = UntrustedText.quote(String.valueOf(san.get(1)), 100);
      if (type == SAN_DNS) {
        dns.add(value);
      } else if (type == SAN_IP) {
        ips.add(value);
      }
    }
    if (dns.isEmpty() && ips.isEmpty()) {
      return commonName(certificate)
          .map(cn -> "no alternative names, only the common name '" + cn + "'")
          .orElse("no names at all");
    }
    List<String> parts = new ArrayList<>();
    if (!dns.isEmpty()) {
      parts.add("DNS " + String.join(", ", dns));
    }
    if (!ips.isEmpty()) {
      parts.add("IP " + String.join(", ", ips));
    }
    return String.join("; ", parts);
  }

  private static Collection<List<?>> subjectAlternativeNames(X509Certificate certificate) {
    try {
      Collection<List<?>> names = certificate.getSubjectAlternativeNames();
      return names == null ? List.of() : names;
    } catch (CertificateParsingException e) {
      return List.of();
    }
  }

  private static Optional<String> commonName(X509Certificate certificate) {
    for (String part : certificate.getSubjectX500Principal().getName().split(",")) {
      if (part.startsWith("CN=")) {
        return Optional.of(UntrustedText.quote(part.substring(3), 100));
      }
    }
    return Optional.empty();
  }

  /** The address of an IP literal; empty for anything else. Never resolves a name. */
  private static Optional<InetAddress> ipLiteral(String text) {
    String literal =
        text.startsWith("[") && text.endsWith("]") ? text.substring(1, text.length() - 1) : text;
    boolean ipv6 = literal.indexOf(':') >= 0 && literal.matches("[0-9A-Fa-f:.]+");
    boolean ipv4 = literal.matches("[0-9]{1,3}(\\.[0-9]{1,3}){3}");
    if (!ipv4 && !ipv6) {
      return Optional.empty();
    }
    try {
      return Optional.of(InetAddress.getByName(literal));
    } catch (UnknownHostException e) {
      return Optional.empty();
    }
  }

  // ---------------------------------------------------------------- a failed call

  /**
   * The connection security problem behind a failed call, if it was a TLS handshake failure: the
   * diagnosis of the server's certificate made during the handshake, or the server's refusal of the
   * client certificate explained from its alert.
   *
   * @param status how the call ended
   * @param target the target, for messages
   * @param clientCertificate the client certificate presented; empty without mutual TLS
   */
  public static Optional<ConnectionSecurityException> diagnose(
      Status status, String target, Optional<X509Certificate> clientCertificate) {
    if (status.getCode() != Status.Code.UNAVAILABLE || status.getCause() == null) {
      return Optional.empty();
    }
    Throwable tlsFailure = null;
    for (Throwable t = status.getCause(); t != null; t = t.getCause()) {
      if (t instanceof ConnectionSecurityException diagnosed) {
        return Optional.of(diagnosed);
      }
      if (tlsFailure == null && isTlsFailure(t)) {
        tlsFailure = t;
      }
      if (t.getCause() == t) {
        break;
      }
    }
    if (tlsFailure == null) {
      return Optional.empty();
    }
    return Optional.of(fromTlsFailure(tlsFailure, target, clientCertificate));
  }

  private static boolean isTlsFailure(Throwable t) {
    // Netty's OpenSslException and NotSslRecordException are not SSLExceptions by type in every
    // version; their names are stable.
    String name = t.getClass().getSimpleName();
    return t instanceof SSLException
        || name.equals("OpenSslException")
        || name.equals("NotSslRecordException");
  }

  static ConnectionSecurityException fromTlsFailure(
      Throwable failure, String target, Optional<X509Certificate> clientCertificate) {
    String quotedTarget = UntrustedText.quote(target, 100);
    if (failure.getClass().getSimpleName().equals("NotSslRecordException")) {
      return new ConnectionSecurityException(
          Reason.TLS_HANDSHAKE_FAILED,
          "The server at '"
              + quotedTarget
              + "' does not answer with TLS: it serves plaintext on that port, or it is not a"
              + " Temporal frontend. Check the address and port, and whether the server has TLS"
              + " enabled.",
          failure);
    }
    String message = String.valueOf(failure.getMessage());
    Optional<String> alert = alert(message);
    String quotedAlert = alert.map(a -> a.toLowerCase(Locale.ROOT)).orElse("");
    if (alert.isPresent()
        && alert.get().equals("CERTIFICATE_REQUIRED")
        && clientCertificate.isEmpty()) {
      return new ConnectionSecurityException(
          Reason.CLIENT_CERTIFICATE_REQUIRED,
          "The server at '"
              + quotedTarget
              + "' requires a client certificate (mutual TLS), and none is configured. Set "
              + CLIENT_IDENTITY_SETTINGS
              + " to a certificate issued by a CA the server trusts.",
          failure);
    }
    if (alert.isPresent() && clientCertificate.isPresent()) {
      X509Certificate certificate = clientCertificate.get();
      Optional<String> why =
          switch (alert.get()) {
            case "CERTIFICATE_REQUIRED" ->
                Optional.of(
                    "it did not receive it: the certificate's issuer is probably not among the CAs"
                        + " the server asks for; use a certificate issued by a CA the server trusts");
            case "UNKNOWN_CA", "BAD_CERTIFICATE", "CERTIFICATE_UNKNOWN", "INTERNAL_ERROR" ->
                Optional.of(
                    (alert.get().equals("UNKNOWN_CA") ? "it" : "most likely it")
                        + " does not trust the certificate's issuer '"
                        + CertificateNames.issuer(certificate)
                        + "'. Add that CA to the CAs the server accepts client certificates from"
                        + " (on a self-hosted Temporal server its client CA files; on Temporal"
                        + " Cloud the namespace's CA certificates), or install a client"
                        + " certificate issued by a CA the server trusts");
            case "CERTIFICATE_EXPIRED" ->
                Optional.of(
                    "it considers the certificate expired or not yet valid. Install a renewed"
                        + " certificate and key, or check the clocks of this host and of the server");
            case "CERTIFICATE_REVOKED" ->
                Optional.of(
                    "the certificate is revoked. Install a newly issued certificate and key");
            case "UNSUPPORTED_CERTIFICATE" ->
                Optional.of(
                    "it cannot use this kind of certificate. Check its key type and that its"
                        + " extended key usage includes clientAuth");
            case "ACCESS_DENIED" ->
                Optional.of(
                    "it authenticated the certificate but does not grant it access. Check the"
                        + " server's authorization rules for this certificate's subject");
            default -> Optional.empty();
          };
      if (why.isPresent()) {
        return new ConnectionSecurityException(
            Reason.CLIENT_CERTIFICATE_REJECTED,
            "The server at '"
                + quotedTarget
                + "' refused the client certificate "
                + CertificateNames.describeFully(certificate)
                + " (TLS alert '"
                + quotedAlert
                + "'): "
                + why.get()
                + ".",
            failure);
      }
    }
    return new ConnectionSecurityException(
        Reason.TLS_HANDSHAKE_FAILED,
        "The TLS handshake with '"
            + quotedTarget
            + "' failed"
            + (alert.isPresent()
                ? ": the server ended it with the alert '" + quotedAlert + "'"
                : ": " + UntrustedText.quote(message, 300))
            + ". Check that client and server share a TLS version and cipher suite, and the"
            + " server's logs.",
        failure);
  }

  /** The first TLS alert name in {@code message}, upper case; empty if it names none. */
  static Optional<String> alert(String message) {
    Matcher matcher = ALERT.matcher(message.toUpperCase(Locale.ROOT));
    return matcher.find() ? Optional.of(matcher.group(1)) : Optional.empty();
  }
}
