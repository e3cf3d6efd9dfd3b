package dev.nexussecurity.controlplane.internal;

import com.nimbusds.jose.JOSEException;
import com.nimbusds.jose.JOSEObjectType;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.JWSHeader;
import com.nimbusds.jose.KeySourceException;
import com.nimbusds.jose.jwk.source.JWKSource;
import com.nimbusds.jose.jwk.source.JWKSourceBuilder;
import com.nimbusds.jose.jwk.source.RateLimitReachedException;
import com.nimbusds.jose.proc.BadJOSEException;
import com.nimbusds.jose.proc.DefaultJOSEObjectTypeVerifier;
import com.nimbusds.jose.proc.JWSKeySelector;
import com.nimbusds.jose.proc.JWSVerificationKeySelector;
import com.nimbusds.jose.proc.SecurityContext;
import com.nimbusds.jose.util.DefaultResourceRetriever;
import com.nimbusds.jwt.JWT;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.JWTParser;
import com.nimbusds.jwt.PlainJWT;
import com.nimbusds.jwt.SignedJWT;
import com.nimbusds.jwt.proc.BadJWTException;
import com.nimbusds.jwt.proc.DefaultJWTClaimsVerifier;
import com.nimbusds.jwt.proc.DefaultJWTProcessor;
import dev.nexussecurity.api.internal.UntrustedText;
import dev.nexussecurity.controlplane.internal.Settings.Oidc;
import java.net.MalformedURLException;
import java.security.Key;
import java.text.ParseException;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * Verifies OIDC bearer tokens (JWS-signed JWTs) with Nimbus JOSE+JWT against the identity
 * provider's JWK set.
 *
 * <p>The JWK set is fetched over HTTP(S) when first needed, cached for {@code jwksCacheTtl}, and
 * fetched again when a token names a key id the cached set lacks (the provider rotated its keys),
 * at most twice per {@code jwksRefreshMinInterval} whatever tokens arrive. Keys the set marks for
 * encryption, and key types or algorithms the configuration does not accept, are never used to
 * verify. Only the configured asymmetric algorithms are accepted: {@code alg: none}, HMAC
 * algorithms (a public key used as a shared secret) and every other algorithm are refused before
 * any key is looked up. The issuer must equal the configured one exactly; the audience must hold
 * one of the configured audiences; {@code exp} is required and {@code exp}/{@code nbf} are checked
 * with the configured clock skew.
 */
public final class OidcVerifier {
  private static final Map<String, String> BEARER_CHALLENGE =
      Map.of("WWW-Authenticate", "Bearer error=\"invalid_token\"");

  private final Oidc settings;
  private final Set<JWSAlgorithm> algorithms;
  private final DefaultJWTProcessor<SecurityContext> processor;

  /** A verifier that fetches the JWK set from {@code settings.jwksUri()}. */
  public OidcVerifier(Oidc settings) {
    this.settings = settings;
    this.algorithms =
        settings.algorithms().stream()
            .map(JWSAlgorithm::parse)
            .collect(Collectors.toUnmodifiableSet());
    int timeoutMillis = (int) settings.jwksFetchTimeout().toMillis();
    JWKSource<SecurityContext> keys;
    try {
      keys =
          JWKSourceBuilder.<SecurityContext>create(
                  settings.jwksUri().toURL(),
                  new DefaultResourceRetriever(timeoutMillis, timeoutMillis, 1024 * 1024))
              .cache(settings.jwksCacheTtl().toMillis(), timeoutMillis)
              .refreshAheadCache(false)
              .rateLimited(settings.jwksRefreshMinInterval().toMillis())
              .retrying(false)
              .build();
    } catch (MalformedURLException e) {
      throw new IllegalArgumentException("jwksUri is not a URL", e);
    }
    JWSKeySelector<SecurityContext> selector = new KnownKeySelector(algorithms, keys);
    this.processor = new DefaultJWTProcessor<>();
    processor.setJWSTypeVerifier(
        new DefaultJOSEObjectTypeVerifier<>(
            JOSEObjectType.JWT,
            new JOSEObjectType("at+jwt"),
            new JOSEObjectType("application/at+jwt"),
            null));
    processor.setJWSKeySelector(selector);
    DefaultJWTClaimsVerifier<SecurityContext> claims =
        new DefaultJWTClaimsVerifier<>(null, null, Set.of("exp"), null);
    claims.setMaxClockSkew((int) settings.clockSkew().toSeconds());
    processor.setJWTClaimsSetVerifier(claims);
  }

  /**
   * Verifies {@code token} and returns the identity it proves.
   *
   * @throws Refusal 401 with a reason code for every invalid token; 503 when the JWK set cannot be
   *     fetched
   */
  public Identity verify(String token) {
    JWT jwt;
    try {
      jwt = JWTParser.parse(token);
    } catch (ParseException e) {
      throw unauthorized(
          "token_malformed", "The bearer token is not a JWT (three base64url parts).");
    }
    if (jwt instanceof PlainJWT) {
      throw unauthorized(
          "token_unsigned",
          "The bearer token is unsigned (alg \"none\"); unsigned tokens are refused.");
    }
    if (!(jwt instanceof SignedJWT signed)) {
      throw unauthorized("token_encrypted", "Encrypted (JWE) bearer tokens are not accepted.");
    }
    JWSHeader header = signed.getHeader();
    if (!algorithms.contains(header.getAlgorithm())) {
      throw unauthorized(
          "algorithm_not_allowed",
          "The bearer token is signed with "
              + UntrustedText.quote(header.getAlgorithm().getName())
              + "; accepted: "
              + settings.algorithms().stream().sorted().toList()
              + ".");
    }
    checkIssuer(signed);
    JWTClaimsSet claims;
    try {
      claims = processor.process(signed, null);
    } catch (UnknownKeyException e) {
      throw unauthorized(
          "unknown_key",
          "No key of the identity provider's key set matches the token's key id "
              + UntrustedText.quote(header.getKeyID())
              + " and algorithm "
              + header.getAlgorithm().getName()
              + ", even after fetching the key set again.");
    } catch (RateLimitReachedException e) {
      throw unauthorized(
          "unknown_key",
          "The token's key id "
              + UntrustedText.quote(header.getKeyID())
              + " is not in the identity provider's key set, which was fetched again only"
              + " moments ago; retry later if the provider has just rotated its keys.");
    } catch (KeySourceException e) {
      throw new Refusal(
          503,
          "jwks_unavailable",
          "The identity provider's key set cannot be fetched right now; retry later.");
    } catch (BadJWTException e) {
      throw unauthorized(timeReason(e), "The bearer token " + timeText(e) + ".");
    } catch (BadJOSEException e) {
      throw unauthorized(
          "bad_signature", "The bearer token's signature does not verify with the provider's key.");
    } catch (JOSEException e) {
      throw unauthorized("bad_signature", "The bearer token's signature cannot be verified.");
    }
    if (!settings.issuer().equals(claims.getIssuer())) {
      throw wrongIssuer(claims.getIssuer());
    }
    List<String> audience = claims.getAudience() == null ? List.of() : claims.getAudience();
    if (Collections.disjoint(audience, settings.audiences())) {
      throw unauthorized(
          "wrong_audience",
          "The bearer token's audience "
              + audience.stream().map(UntrustedText::quote).toList()
              + " names none of this server's audiences "
              + settings.audiences().stream().sorted().toList()
              + "; ask the identity provider for a token for this server's client id.");
    }
    Object id = claims.getClaim(settings.principalClaim());
    if (!(id instanceof String s) || s.isBlank() || UntrustedText.firstUnsafe(s) >= 0) {
      throw unauthorized(
          "principal_claim_missing",
          "The bearer token has no usable '"
              + settings.principalClaim()
              + "' claim (a non-blank string) to identify the caller.");
    }
    return new Identity(s, "oidc", claims.toJSONObject());
  }

  private void checkIssuer(SignedJWT signed) {
    String issuer;
    try {
      issuer = signed.getJWTClaimsSet().getIssuer();
    } catch (ParseException e) {
      throw unauthorized("token_malformed", "The bearer token's claims are not a JSON object.");
    }
    if (!settings.issuer().equals(issuer)) {
      throw wrongIssuer(issuer);
    }
  }

  private Refusal wrongIssuer(String issuer) {
    return unauthorized(
        "wrong_issuer",
        "The bearer token was issued by "
            + UntrustedText.quote(issuer, 200)
            + ", not by "
            + settings.issuer()
            + "; sign in with the identity provider this server trusts.");
  }

  private static String timeReason(BadJWTException e) {
    String m = String.valueOf(e.getMessage());
    if (m.startsWith("Expired")) {
      return "token_expired";
    }
    if (m.contains("before use time")) {
      return "token_not_yet_valid";
    }
    return "token_claims_invalid";
  }

  private static String timeText(BadJWTException e) {
    return switch (timeReason(e)) {
      case "token_expired" -> "has expired; sign in again for a fresh token";
      case "token_not_yet_valid" -> "is not valid yet (nbf in the future); check the clocks";
      default -> "lacks a required claim (exp)";
    };
  }

  private static Refusal unauthorized(String code, String message) {
    return new Refusal(401, code, message, BEARER_CHALLENGE);
  }

  /** Raised when no key of the (freshly fetched) JWK set fits the token's header. */
  static final class UnknownKeyException extends KeySourceException {
    private static final long serialVersionUID = 1L;

    UnknownKeyException() {
      super("no matching key");
    }
  }

  /** Nimbus's key selection, turning "no key found" into {@link UnknownKeyException}. */
  private static final class KnownKeySelector implements JWSKeySelector<SecurityContext> {
    private final JWSVerificationKeySelector<SecurityContext> delegate;

    KnownKeySelector(Set<JWSAlgorithm> algorithms, JWKSource<SecurityContext> keys) {
      this.delegate = new JWSVerificationKeySelector<>(algorithms, keys);
    }

    @Override
    public List<? extends Key> selectJWSKeys(JWSHeader header, SecurityContext context)
        throws KeySourceException {
      List<? extends Key> keys = delegate.selectJWSKeys(header, context);
      if (keys.isEmpty()) {
        throw new UnknownKeyException();
      }
      return keys;
    }
  }
}
