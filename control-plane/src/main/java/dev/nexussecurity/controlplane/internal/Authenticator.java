package dev.nexussecurity.controlplane.internal;

import dev.nexussecurity.controlplane.internal.Settings.Authentication;
import java.security.cert.X509Certificate;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import javax.security.auth.x500.X500Principal;

/**
 * Establishes the {@link Identity} of a request from its credentials, shared by every API of the
 * server: an {@code Authorization: Bearer} token is verified as an OIDC token; otherwise a client
 * certificate (already verified against the client CA during the TLS handshake) identifies the
 * caller by its subject DN; otherwise the configured anonymous principal (development only) is
 * used; otherwise the request is refused with 401.
 */
public final class Authenticator {
  private static final Map<String, String> CHALLENGE = Map.of("WWW-Authenticate", "Bearer");

  private final Optional<OidcVerifier> oidc;
  private final boolean clientCertificates;
  private final Optional<String> anonymous;

  /** An authenticator for the configured methods. */
  public Authenticator(Authentication settings, Optional<OidcVerifier> oidc) {
    this.oidc = oidc;
    this.clientCertificates = settings.clientCertificates();
    this.anonymous = settings.anonymousPrincipal();
  }

  /**
   * The identity proven by {@code authorization} (the header's value, if any) or {@code
   * clientChain} (the verified peer certificates, if any).
   *
   * @throws Refusal 401 when no accepted credential is present or the presented one is invalid
   */
  public Identity authenticate(Optional<String> authorization, List<X509Certificate> clientChain) {
    if (authorization.isPresent()) {
      String value = authorization.get().trim();
      if (value.length() < 7 || !value.regionMatches(true, 0, "Bearer ", 0, 7)) {
        throw new Refusal(
            401,
            "unsupported_authorization",
            "The Authorization header must be 'Bearer <token>'.",
            CHALLENGE);
      }
      if (oidc.isEmpty()) {
        throw new Refusal(
            401,
            "bearer_not_accepted",
            "This server does not accept bearer tokens; authenticate with a client certificate.",
            CHALLENGE);
      }
      return oidc.get().verify(value.substring(7).trim());
    }
    if (clientCertificates && !clientChain.isEmpty()) {
      X500Principal subject = clientChain.get(0).getSubjectX500Principal();
      String dn = subject.getName(X500Principal.RFC2253);
      return new Identity(dn, "client-certificate", Map.of("subject", dn));
    }
    if (anonymous.isPresent()) {
      return new Identity(anonymous.get(), "anonymous", Map.of());
    }
    throw new Refusal(
        401,
        "credentials_missing",
        oidc.isPresent()
            ? "Send 'Authorization: Bearer <token>' with a token from the identity provider (in"
                + " the Temporal UI: enable 'Pass the user access token' for the codec server)."
            : "Present a client certificate signed by the configured client CA.",
        CHALLENGE);
  }
}
