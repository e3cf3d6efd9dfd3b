package dev.nexussecurity.core.internal.identity;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.nexussecurity.api.internal.UntrustedText;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.util.Base64;
import java.util.Iterator;
import java.util.Set;

/**
 * Encodes, signs and parses caller identity tokens.
 *
 * <p>Format (all ASCII): {@code v1.<claims>.<signature>} where {@code <claims>} is the unpadded
 * base64url encoding of a UTF-8 JSON object {@code {"ns","ep","svc","op","jti","iat","exp"}} and
 * {@code <signature>} the unpadded base64url encoding of a Tink signature (Tink output prefix
 * included, so the key id travels with it) over the ASCII bytes of {@code v1.<claims>}. The version
 * prefix is signed, so a token cannot be re-labelled as another format.
 */
public final class IdentityTokens {
  /** Version prefix of the current token format. */
  public static final String VERSION = "v1";

  /** Tokens longer than this are rejected before any parsing. */
  public static final int MAX_TOKEN_CHARS = 4096;

  private static final Set<String> FIELDS = Set.of("ns", "ep", "svc", "op", "jti", "iat", "exp");
  private static final Base64.Encoder B64 = Base64.getUrlEncoder().withoutPadding();
  private static final Base64.Decoder B64D = Base64.getUrlDecoder();
  private static final ObjectMapper MAPPER =
      new ObjectMapper()
          .enable(DeserializationFeature.FAIL_ON_READING_DUP_TREE_KEY)
          .enable(JsonParser.Feature.STRICT_DUPLICATE_DETECTION);

  private IdentityTokens() {}

  /** Computes the authentication tag of a token: a Tink signature, or a Tink MAC in MAC mode. */
  @FunctionalInterface
  public interface Authenticator {
    byte[] tag(byte[] data) throws GeneralSecurityException;
  }

  /** Authenticates {@code claims} with {@code authenticator} and returns the token string. */
  public static String sign(IdentityClaims claims, Authenticator authenticator)
      throws GeneralSecurityException {
    String signedPart = signedPart(claims);
    byte[] signature = authenticator.tag(signedPart.getBytes(StandardCharsets.US_ASCII));
    return signedPart + "." + B64.encodeToString(signature);
  }

  /** The part of the token that is signed: {@code v1.<claims>}. */
  static String signedPart(IdentityClaims claims) {
    ObjectNode json = MAPPER.createObjectNode();
    json.put("ns", claims.getCallerNamespace());
    json.put("ep", claims.getEndpoint());
    json.put("svc", claims.getService());
    json.put("op", claims.getOperation());
    json.put("jti", claims.getTokenId());
    json.put("iat", claims.getIssuedAtMillis());
    json.put("exp", claims.getExpiresAtMillis());
    byte[] bytes;
    try {
      bytes = MAPPER.writeValueAsBytes(json);
    } catch (JsonProcessingException e) {
      throw new IllegalStateException("cannot serialize token claims", e);
    }
    return VERSION + "." + B64.encodeToString(bytes);
  }

  /**
   * Parses a token without verifying it.
   *
   * @throws MalformedTokenException if any part is missing, not base64url, not the expected JSON,
   *     or a claim is missing, empty, of the wrong type or unknown
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
              + VERSION);
    }
    String claimsPart = token.substring(first + 1, last);
    String signaturePart = token.substring(last + 1);
    byte[] claimsBytes = decode("claims", claimsPart);
    byte[] signature = decode("signature", signaturePart);
    if (signature.length == 0) {
      throw new MalformedTokenException("the identity token has an empty signature");
    }
    IdentityClaims claims = parseClaims(claimsBytes);
    byte[] signedBytes = token.substring(0, last).getBytes(StandardCharsets.US_ASCII);
    return new ParsedToken(claims, signedBytes, signature);
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
    try {
      return B64D.decode(text);
    } catch (IllegalArgumentException e) {
      throw new MalformedTokenException("the token's " + part + " is not valid base64url", e);
    }
  }

  private static IdentityClaims parseClaims(byte[] bytes) throws MalformedTokenException {
    JsonNode node;
    try {
      node = MAPPER.readTree(bytes);
    } catch (java.io.IOException e) {
      throw new MalformedTokenException("the token's claims are not valid JSON", e);
    }
    if (node == null || !node.isObject()) {
      throw new MalformedTokenException("the token's claims are not a JSON object");
    }
    for (Iterator<String> it = node.fieldNames(); it.hasNext(); ) {
      String name = it.next();
      if (!FIELDS.contains(name)) {
        throw new MalformedTokenException(
            "the token has an unknown claim '" + UntrustedText.quote(name) + "'");
      }
    }
    try {
      return new IdentityClaims(
          text(node, "ns"),
          text(node, "ep"),
          text(node, "svc"),
          text(node, "op"),
          text(node, "jti"),
          number(node, "iat"),
          number(node, "exp"));
    } catch (IllegalArgumentException e) {
      throw new MalformedTokenException("the token's claims are invalid: " + e.getMessage(), e);
    }
  }

  private static String text(JsonNode node, String field) throws MalformedTokenException {
    JsonNode v = node.get(field);
    if (v == null || !v.isTextual() || v.asText().isEmpty()) {
      throw new MalformedTokenException(
          "the token's claim '" + field + "' is missing or not a string");
    }
    String text = v.asText();
    for (int i = 0; i < text.length(); i++) {
      char c = text.charAt(i);
      if (breaksLogLine(c)) {
        // Claims end up in audit events, log lines and messages before the signature is checked:
        // a line break there would let anyone forge log lines.
        throw new MalformedTokenException(
            "the token's claim '"
                + field
                + "' contains the control character U+"
                + String.format("%04X", (int) c));
      }
    }
    return text;
  }

  private static boolean breaksLogLine(char c) {
    return Character.isISOControl(c) || c == 0x2028 || c == 0x2029; // line, paragraph separator
  }

  private static long number(JsonNode node, String field) throws MalformedTokenException {
    JsonNode v = node.get(field);
    if (v == null || !v.isIntegralNumber() || !v.canConvertToLong()) {
      throw new MalformedTokenException(
          "the token's claim '" + field + "' is missing or not an integer");
    }
    return v.asLong();
  }

  /**
   * At most 40 characters of untrusted text for a message, with everything but printable ASCII
   * escaped as {@code \\uXXXX}, so that it can neither break nor forge a log line.
   */
  /** A parsed, not yet verified token. */
  public static final class ParsedToken {
    private final IdentityClaims claims;
    private final byte[] signedBytes;
    private final byte[] signature;

    ParsedToken(IdentityClaims claims, byte[] signedBytes, byte[] signature) {
      this.claims = claims;
      this.signedBytes = signedBytes;
      this.signature = signature;
    }

    public IdentityClaims getClaims() {
      return claims;
    }

    byte[] getSignedBytes() {
      return signedBytes;
    }

    byte[] getSignature() {
      return signature;
    }

    /**
     * The Tink key id named by the signature's output prefix, or {@code null} when the signature
     * has no Tink prefix (RAW keys).
     */
    public Integer getSignatureKeyId() {
      if (signature.length >= 5 && (signature[0] == 0x01 || signature[0] == 0x00)) {
        return ((signature[1] & 0xff) << 24)
            | ((signature[2] & 0xff) << 16)
            | ((signature[3] & 0xff) << 8)
            | (signature[4] & 0xff);
      }
      return null;
    }
  }
}
