package dev.nexussecurity.core.internal.identity;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.nexussecurity.api.NamespaceNames;
import dev.nexussecurity.api.internal.UntrustedText;
import dev.nexussecurity.core.IdentityMode;
import dev.nexussecurity.core.internal.json.JsonValue;
import dev.nexussecurity.core.internal.json.StrictJson;
import dev.nexussecurity.core.internal.json.StrictJsonException;
import java.nio.charset.StandardCharsets;
import java.security.SecureRandom;
import java.util.Base64;
import java.util.Set;

/**
 * The version-2 identity token format, specified byte by byte in {@code docs/identity-tokens.md}.
 *
 * <p>{@code v2.<claims>.<tag>}: {@code <claims>} is the unpadded base64url encoding of a compact
 * UTF-8 JSON object, {@code <tag>} the unpadded base64url encoding of the authentication tag over
 * the ASCII bytes of {@code v2.<claims>} (HMAC-SHA256 under the pairwise identity key, or the
 * caller's Tink Ed25519 signature). The version and the mode are authenticated, so a token can be
 * neither relabelled nor moved between modes.
 */
public final class IdentityTokens {
  /** Version prefix of the format. */
  public static final String VERSION = "v2";

  /** The longest token a handler accepts; callers refuse to issue longer ones. */
  public static final int MAX_TOKEN_CHARS = 4096;

  /** Mode values of the {@code m} claim. */
  static final String PAIRWISE = "p";

  static final String SIGNATURE = "s";

  private static final Set<String> PAIRWISE_FIELDS =
      Set.of(
          "m", "ns", "hns", "htq", "ep", "svc", "op", "wf", "run", "iat", "exp", "jti", "ck", "hk");
  private static final Set<String> SIGNATURE_FIELDS =
      Set.of("m", "ns", "hns", "htq", "ep", "svc", "op", "wf", "run", "iat", "exp", "jti", "ck");
  private static final Base64.Encoder B64 = Base64.getUrlEncoder().withoutPadding();
  private static final Base64.Decoder B64D = Base64.getUrlDecoder();
  private static final String B64_ALPHABET =
      "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";
  private static final SecureRandom RANDOM = new SecureRandom();

  private IdentityTokens() {}

  /** A fresh token id: 128 bits from {@link SecureRandom}, unpadded base64url (22 characters). */
  public static String newTokenId() {
    byte[] id = new byte[16];
    RANDOM.nextBytes(id);
    return B64.encodeToString(id);
  }

  /** The part of the token that is authenticated: {@code v2.<claims>}. */
  public static String signedPart(TokenClaims c) {
    ObjectNode json = StrictJson.newObject();
    json.put("m", c.mode() == IdentityMode.PAIRWISE ? PAIRWISE : SIGNATURE);
    json.put("ns", c.callerNamespace());
    json.put("hns", c.handlerNamespace());
    json.put("htq", c.taskQueue());
    json.put("ep", c.endpoint());
    json.put("svc", c.service());
    json.put("op", c.operation());
    json.put("wf", c.workflowId());
    json.put("run", c.runId());
    json.put("iat", c.issuedAtMillis());
    json.put("exp", c.notAfterMillis());
    json.put("jti", c.tokenId());
    json.put("ck", Integer.toUnsignedLong(c.callerKeyId()));
    if (c.mode() == IdentityMode.PAIRWISE) {
      json.put("hk", Integer.toUnsignedLong(c.handlerKeyId()));
    }
    return VERSION + "." + B64.encodeToString(StrictJson.write(json));
  }

  /** The token: {@code signedPart + "." + base64url(tag)}. */
  public static String assemble(String signedPart, byte[] tag) {
    return signedPart + "." + B64.encodeToString(tag);
  }

  /**
   * Parses a token without authenticating it.
   *
   * @throws MalformedTokenException naming the part or claim that is wrong, never quoting the token
   */
  public static ParsedToken parse(String token) throws MalformedTokenException {
    if (token == null || token.isEmpty()) {
      throw new MalformedTokenException("the identity header is empty");
    }
    if (token.length() > MAX_TOKEN_CHARS) {
      throw new MalformedTokenException(
          "the identity header has "
              + token.length()
              + " characters, more than "
              + MAX_TOKEN_CHARS);
    }
    int first = token.indexOf('.');
    int last = token.lastIndexOf('.');
    if (first < 0 || first == last) {
      throw new MalformedTokenException(
          "the identity header does not have three '.'-separated parts");
    }
    String version = token.substring(0, first);
    if (!VERSION.equals(version)) {
      throw new MalformedTokenException(
          "unsupported identity token version '"
              + UntrustedText.quote(version)
              + "', expected "
              + VERSION
              + " (upgrade the caller's nexus-security: version 1 tokens are no longer accepted)");
    }
    byte[] claimsBytes = decode("claims", token.substring(first + 1, last));
    byte[] tag = decode("tag", token.substring(last + 1));
    if (tag.length == 0) {
      throw new MalformedTokenException("the identity token has an empty tag");
    }
    TokenClaims claims = parseClaims(claimsBytes);
    return new ParsedToken(
        claims, token.substring(0, last).getBytes(StandardCharsets.US_ASCII), tag);
  }

  private static byte[] decode(String part, String text) throws MalformedTokenException {
    for (int i = 0; i < text.length(); i++) {
      char c = text.charAt(i);
      boolean ok =
          (c >= 'A' && c <= 'Z')
              || (c >= 'a' && c <= 'z')
              || (c >= '0' && c <= '9')
              || c == '-'
              || c == '_';
      if (!ok) {
        throw new MalformedTokenException("the token's " + part + " is not unpadded base64url");
      }
    }
    // The decoder ignores the unused low bits of a last character that ends a partial group;
    // they must be zero, or one tag (or claims text) would have several spellings.
    int rest = text.length() % 4;
    if (rest >= 2
        && (B64_ALPHABET.indexOf(text.charAt(text.length() - 1)) & (rest == 2 ? 0x0F : 0x03))
            != 0) {
      throw new MalformedTokenException(
          "the token's "
              + part
              + " is not canonical base64url (its last character has unused bits set)");
    }
    try {
      return B64D.decode(text);
    } catch (IllegalArgumentException e) {
      throw new MalformedTokenException("the token's " + part + " is not valid base64url", e);
    }
  }

  private static TokenClaims parseClaims(byte[] bytes) throws MalformedTokenException {
    try {
      JsonValue json = StrictJson.parse(bytes, MAX_TOKEN_CHARS, "identity token claims");
      String m = json.field("m").asText();
      IdentityMode mode;
      if (PAIRWISE.equals(m)) {
        mode = IdentityMode.PAIRWISE;
        json.allowOnly(PAIRWISE_FIELDS);
      } else if (SIGNATURE.equals(m)) {
        mode = IdentityMode.SIGNATURE;
        json.allowOnly(SIGNATURE_FIELDS);
      } else {
        throw new MalformedTokenException(
            "the token's claim 'm' is '" + UntrustedText.quote(m) + "', expected 'p' or 's'");
      }
      return new TokenClaims(
          mode,
          namespace(json, "ns"),
          namespace(json, "hns"),
          text(json, "htq"),
          text(json, "ep"),
          text(json, "svc"),
          text(json, "op"),
          text(json, "wf"),
          text(json, "run"),
          json.field("iat").asLong(),
          json.field("exp").asLong(),
          text(json, "jti"),
          keyId(json, "ck"),
          mode == IdentityMode.PAIRWISE ? keyId(json, "hk") : 0);
    } catch (StrictJsonException e) {
      throw new MalformedTokenException("the token's claims are invalid: " + e.getMessage(), e);
    } catch (IllegalArgumentException e) {
      throw new MalformedTokenException("the token's claims are invalid: " + e.getMessage(), e);
    }
  }

  private static String text(JsonValue json, String field)
      throws StrictJsonException, MalformedTokenException {
    String text = json.field(field).asNonEmptyText();
    int bad = UntrustedText.firstUnsafe(text);
    if (bad >= 0) {
      // Claims reach audit events and messages before the tag is checked: no control, format or
      // bidi characters that could break or spoof a log line.
      throw new MalformedTokenException(
          "the token's claim '"
              + field
              + "' contains the character "
              + UntrustedText.codePoint(text.codePointAt(bad)));
    }
    return text;
  }

  private static String namespace(JsonValue json, String field)
      throws StrictJsonException, MalformedTokenException {
    String ns = text(json, field);
    if (!NamespaceNames.isValid(ns)) {
      throw new MalformedTokenException(
          "the token's claim '"
              + field
              + "' is not a valid namespace name: "
              + NamespaceNames.RULE);
    }
    return ns;
  }

  private static int keyId(JsonValue json, String field) throws StrictJsonException {
    long v = json.field(field).asLong();
    if (v < 0 || v > 0xFFFF_FFFFL) {
      throw json.field(field).error("must be an unsigned 32-bit key id, got " + v);
    }
    return (int) v;
  }

  /** A parsed, not yet authenticated token. */
  public record ParsedToken(TokenClaims claims, byte[] signedBytes, byte[] tag) {}
}
