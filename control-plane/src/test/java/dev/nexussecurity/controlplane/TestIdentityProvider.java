package dev.nexussecurity.controlplane;

import com.nimbusds.jose.JOSEException;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.JWSHeader;
import com.nimbusds.jose.crypto.MACSigner;
import com.nimbusds.jose.crypto.RSASSASigner;
import com.nimbusds.jose.jwk.JWKSet;
import com.nimbusds.jose.jwk.KeyUse;
import com.nimbusds.jose.jwk.RSAKey;
import com.nimbusds.jose.jwk.gen.RSAKeyGenerator;
import com.nimbusds.jose.util.Base64URL;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.SignedJWT;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.Date;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;

/**
 * A local OIDC identity provider for tests: RSA signing keys, a JWKS endpoint on loopback that
 * counts its fetches and can rotate keys, and token minting with any claims, including tokens an
 * attacker would forge.
 */
public final class TestIdentityProvider implements AutoCloseable {
  public static final String ISSUER = "https://idp.test.example";
  public static final String AUDIENCE = "temporal-codec";

  private final HttpServer server;
  private final AtomicInteger fetches = new AtomicInteger();
  private final AtomicReference<List<RSAKey>> published = new AtomicReference<>();
  private volatile RSAKey signing;

  public TestIdentityProvider() throws IOException {
    signing = newKey("key-1");
    published.set(List.of(signing));
    server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
    server.createContext(
        "/jwks",
        exchange -> {
          fetches.incrementAndGet();
          byte[] body =
              new JWKSet(
                      published.get().stream()
                          .map(k -> (com.nimbusds.jose.jwk.JWK) k.toPublicJWK())
                          .toList())
                  .toString(true)
                  .getBytes(StandardCharsets.UTF_8);
          exchange.getResponseHeaders().set("Content-Type", "application/json");
          exchange.sendResponseHeaders(200, body.length);
          try (OutputStream out = exchange.getResponseBody()) {
            out.write(body);
          }
        });
    server.start();
  }

  public static RSAKey newKey(String kid) {
    try {
      return new RSAKeyGenerator(2048)
          .keyID(kid)
          .keyUse(KeyUse.SIGNATURE)
          .algorithm(JWSAlgorithm.RS256)
          .generate();
    } catch (JOSEException e) {
      throw new IllegalStateException(e);
    }
  }

  public String jwksUri() {
    return "http://127.0.0.1:" + server.getAddress().getPort() + "/jwks";
  }

  /** How many times the JWKS was fetched. */
  public int fetches() {
    return fetches.get();
  }

  /** Publishes {@code next} alongside the current key, and signs with it from now on. */
  public void rotateTo(RSAKey next) {
    published.set(List.of(signing, next));
    signing = next;
  }

  /** A valid token for {@code subject} with {@code groups}, valid for five minutes. */
  public String token(String subject, String... groups) {
    return sign(signing, claims(subject, groups).build());
  }

  public JWTClaimsSet.Builder claims(String subject, String... groups) {
    Instant now = Instant.now();
    return new JWTClaimsSet.Builder()
        .issuer(ISSUER)
        .audience(AUDIENCE)
        .subject(subject)
        .issueTime(Date.from(now))
        .expirationTime(Date.from(now.plus(Duration.ofMinutes(5))))
        .claim("groups", List.of(groups));
  }

  public String sign(JWTClaimsSet claims) {
    return sign(signing, claims);
  }

  public static String sign(RSAKey key, JWTClaimsSet claims) {
    try {
      SignedJWT jwt =
          new SignedJWT(
              new JWSHeader.Builder(JWSAlgorithm.RS256).keyID(key.getKeyID()).build(), claims);
      jwt.sign(new RSASSASigner(key));
      return jwt.serialize();
    } catch (JOSEException e) {
      throw new IllegalStateException(e);
    }
  }

  /** An unsigned token ({@code alg: none}) with valid claims. */
  public String unsignedToken(String subject, String... groups) {
    String header = Base64URL.encode("{\"alg\":\"none\"}").toString();
    String payload = Base64URL.encode(claims(subject, groups).build().toString()).toString();
    return header + "." + payload + ".";
  }

  /** HS256 with the provider's public key (as published in the JWKS) as the HMAC secret. */
  public String hs256WithPublicKeyAsSecret(String subject, String... groups) {
    try {
      byte[] secret = signing.toPublicJWK().toJSONString().getBytes(StandardCharsets.UTF_8);
      SignedJWT jwt =
          new SignedJWT(
              new JWSHeader.Builder(JWSAlgorithm.HS256).keyID(signing.getKeyID()).build(),
              claims(subject, groups).build());
      jwt.sign(new MACSigner(secret));
      return jwt.serialize();
    } catch (JOSEException e) {
      throw new IllegalStateException(e);
    }
  }

  /** The OIDC section of a server configuration trusting this provider. */
  public Map<String, Object> oidcSettings() {
    return Map.of("issuer", ISSUER, "jwksUri", jwksUri(), "audiences", List.of(AUDIENCE));
  }

  @Override
  public void close() {
    server.stop(0);
  }
}
