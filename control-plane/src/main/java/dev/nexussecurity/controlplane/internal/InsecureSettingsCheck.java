package dev.nexussecurity.controlplane.internal;

import dev.nexussecurity.controlplane.ControlPlaneConfigException;
import dev.nexussecurity.controlplane.internal.Settings.KeysetSettings;
import dev.nexussecurity.controlplane.internal.Settings.NamespaceSettings;
import java.net.InetAddress;
import java.net.URI;
import java.net.UnknownHostException;
import java.util.ArrayList;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Refuses configurations that would expose decrypted payloads: plaintext HTTP on a non-loopback
 * address, CORS {@code *} (credentials are always allowed, so {@code *} would let every web page
 * read payloads with the user's token), no authentication, and a JWKS fetched over plaintext HTTP
 * from another host. With {@code insecureDevelopmentMode: true} each of these is logged as a
 * warning instead. Cleartext keyset files are always only a warning: they are how development and
 * tests run, and the README says how to move to KMS-encrypted keysets.
 */
public final class InsecureSettingsCheck {
  private static final Logger log = LoggerFactory.getLogger(InsecureSettingsCheck.class);

  private InsecureSettingsCheck() {}

  /**
   * Checks {@code settings}; returns the problems waived by development mode (already logged).
   *
   * @throws ControlPlaneConfigException listing every insecure setting and how to fix it, unless
   *     development mode is on
   */
  public static List<String> check(Settings settings) {
    List<String> insecure = new ArrayList<>();
    String host = settings.listen().host();
    if (settings.tls().isEmpty() && !isLoopback(host)) {
      insecure.add(
          "listen.host "
              + host
              + " is not a loopback address and tls is not configured: decoded payloads and bearer"
              + " tokens would cross the network in plaintext. Configure tls.certificateChainFile"
              + " and tls.privateKeyFile, or listen on 127.0.0.1 behind a TLS-terminating proxy on"
              + " the same host");
    }
    if (settings.management().isPresent() && !isLoopback(settings.management().get().host())) {
      insecure.add(
          "management.host "
              + settings.management().get().host()
              + " is not a loopback address: the management listener (health, metrics) has no"
              + " TLS and no authentication. Bind it to 127.0.0.1 and scrape metrics locally");
    }
    if (settings.cors().allowedOrigins().contains("*")) {
      insecure.add(
          "cors.allowedOrigins contains \"*\": the server allows credentials, so every web page"
              + " a signed-in user visits could read decoded payloads. List the Temporal UI's"
              + " origins instead, e.g. [\"https://temporal-ui.example.com\"]");
    }
    if (!settings.authentication().isConfigured()) {
      insecure.add(
          "authentication configures neither oidc nor clientCertificates: anyone who can reach"
              + " the server could decode every payload. Configure authentication.oidc (issuer,"
              + " jwksUri, audiences) or authentication.clientCertificates with tls.clientAuth");
    }
    if (settings.authentication().anonymousPrincipal().isPresent()) {
      insecure.add(
          "authentication.anonymousPrincipal is set: requests without credentials act as '"
              + settings.authentication().anonymousPrincipal().get()
              + "'. Remove it outside development");
    }
    settings
        .authentication()
        .oidc()
        .ifPresent(
            oidc -> {
              URI jwks = oidc.jwksUri();
              if (!"https".equals(jwks.getScheme()) && !isLoopback(jwks.getHost())) {
                insecure.add(
                    "authentication.oidc.jwksUri "
                        + jwks
                        + " is plain http to another host: whoever sits on the path could"
                        + " substitute signing keys. Use the provider's https JWKS URL");
              }
            });
    if (!insecure.isEmpty() && !settings.insecureDevelopmentMode()) {
      List<String> problems = new ArrayList<>(insecure);
      problems.add(
          "for local development only, \"insecureDevelopmentMode\": true starts the server"
              + " anyway and logs each of these as a warning");
      throw new ControlPlaneConfigException(settings.source(), problems);
    }
    for (String w : insecure) {
      log.warn("INSECURE (allowed by insecureDevelopmentMode): {}", w);
    }
    for (NamespaceSettings ns : settings.namespaces()) {
      for (KeysetSettings k : ns.keysets()) {
        if (k.kmsKeyUri().isEmpty()) {
          log.warn(
              "Namespace {}: keyset {} is a cleartext file ({}); anyone who can read it can read"
                  + " every payload. Outside development, encrypt it under a KMS key and set"
                  + " kmsKeyUri.",
              ns.namespace(),
              k.name(),
              k.file());
        }
      }
      ns.namespaceKeys()
          .filter(k -> k.kmsKeyUri().isEmpty())
          .ifPresent(
              k ->
                  log.warn(
                      "Namespace {}: namespaceKeys is a cleartext file ({}); anyone who can read it"
                          + " can read the namespace's pairwise and HPKE payloads and impersonate"
                          + " it. Outside development, encrypt it under a KMS key"
                          + " (nexus-security-keys namespace-keys wrap) and set kmsKeyUri.",
                      ns.namespace(),
                      k.file()));
    }
    return List.copyOf(insecure);
  }

  /** Whether {@code host} is a loopback name or address (no DNS lookup for other names). */
  static boolean isLoopback(String host) {
    if (host == null) {
      return false;
    }
    String h =
        host.startsWith("[") && host.endsWith("]") ? host.substring(1, host.length() - 1) : host;
    if (h.equalsIgnoreCase("localhost")) {
      return true;
    }
    if (!h.matches("[0-9.]+|[0-9A-Fa-f:.]*:[0-9A-Fa-f:.]*")) {
      return false; // a name other than localhost: never resolved here
    }
    try {
      return InetAddress.getByName(h).isLoopbackAddress();
    } catch (UnknownHostException e) {
      return false;
    }
  }
}
