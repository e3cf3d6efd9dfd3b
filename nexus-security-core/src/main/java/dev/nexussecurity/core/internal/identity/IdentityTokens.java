package dev.nexussecurity.core.internal.identity;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.core.StreamReadFeature;
import dev.nexussecurity.api.NamespaceNames;
import dev.nexussecurity.api.internal.UntrustedText;
import dev.nexussecurity.core.IdentityMode;
import dev.nexussecurity.core.internal.json.JsonValue;
import dev.nexussecurity.core.internal.json.StrictJson;
import dev.nexussecurity.core.internal.json.StrictJsonException;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
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
  private static final JsonFactory JSON = new JsonFactory();

  /** The reader of {@link #parsePlainClaims}: Jackson's streaming parser, duplicates refused. */
  private static final JsonFactory CLAIMS_JSON =
      JsonFactory.builder().enable(StreamReadFeature.STRICT_DUPLICATE_DETECTION).build();

  private IdentityTokens() {}

  /** A fresh token id: 128 bits from {@link SecureRandom}, unpadded base64url (22 characters). */
  public static String newTokenId() {
    byte[] id = new byte[16];
    RANDOM.nextBytes(id);
    return B64.encodeToString(id);
  }

  /**
   * The part of the token that is authenticated: {@code v2.<claims>}. The claims are written with
   * Jackson's streaming generator, field by field in the documented order (the same compact bytes
   * as a tree written by {@link StrictJson#write}, without building the tree).
   */
  public static String signedPart(TokenClaims c) {
    ByteArrayOutputStream out = new ByteArrayOutputStream(384);
    try (JsonGenerator g = JSON.createGenerator(out)) {
      g.writeStartObject();
      g.writeStringField("m", c.mode() == IdentityMode.PAIRWISE ? PAIRWISE : SIGNATURE);
      g.writeStringField("ns", c.callerNamespace());
      g.writeStringField("hns", c.handlerNamespace());
      g.writeStringField("htq", c.taskQueue());
      g.writeStringField("ep", c.endpoint());
      g.writeStringField("svc", c.service());
      g.writeStringField("op", c.operation());
      g.writeStringField("wf", c.workflowId());
      g.writeStringField("run", c.runId());
      g.writeNumberField("iat", c.issuedAtMillis());
      g.writeNumberField("exp", c.notAfterMillis());
      g.writeStringField("jti", c.tokenId());
      g.writeNumberField("ck", Integer.toUnsignedLong(c.callerKeyId()));
      if (c.mode() == IdentityMode.PAIRWISE) {
        g.writeNumberField("hk", Integer.toUnsignedLong(c.handlerKeyId()));
      }
      g.writeEndObject();
    } catch (IOException e) {
      throw new UncheckedIOException("writing identity token claims in memory failed", e);
    }
    return VERSION + "." + B64.encodeToString(out.toByteArray());
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
    TokenClaims plain = parsePlainClaims(bytes);
    return plain != null ? plain : parseClaimsStrictly(bytes);
  }

  /**
   * The claims of a plain, valid claims document, read in one pass with Jackson's streaming parser
   * (every token a handler receives from a well-behaved caller); null for anything else, which
   * {@link #parseClaimsStrictly} then refuses with its precise message. Accepts only what the
   * strict reader accepts, with the same result: one flat object whose fields are all known for its
   * mode, none twice, strings non-empty and free of unsafe characters, namespaces valid, numbers
   * whole and within range, nothing after it, within {@link #MAX_TOKEN_CHARS} bytes.
   */
  public static TokenClaims parsePlainClaims(byte[] bytes) {
    if (bytes.length > MAX_TOKEN_CHARS) {
      return null;
    }
    String[] text = new String[TEXT_CLAIMS.length];
    long[] number = new long[NUMBER_CLAIMS.length];
    boolean[] numberSeen = new boolean[NUMBER_CLAIMS.length];
    try (JsonParser p = CLAIMS_JSON.createParser(bytes)) {
      if (p.nextToken() != JsonToken.START_OBJECT) {
        return null;
      }
      JsonToken t;
      while ((t = p.nextToken()) == JsonToken.FIELD_NAME) {
        String name = p.currentName();
        JsonToken value = p.nextToken();
        if (value == JsonToken.VALUE_STRING) {
          int i = indexOf(TEXT_CLAIMS, name);
          String v = p.getText();
          if (i < 0 || text[i] != null || v.isEmpty() || UntrustedText.firstUnsafe(v) >= 0) {
            return null;
          }
          text[i] = v;
        } else if (value == JsonToken.VALUE_NUMBER_INT
            && p.getNumberType() != JsonParser.NumberType.BIG_INTEGER) {
          int i = indexOf(NUMBER_CLAIMS, name);
          if (i < 0 || numberSeen[i]) {
            return null;
          }
          number[i] = p.getLongValue();
          numberSeen[i] = true;
        } else {
          return null;
        }
      }
      if (t != JsonToken.END_OBJECT || p.nextToken() != null) {
        return null;
      }
    } catch (IOException | RuntimeException e) {
      return null;
    }
    IdentityMode mode;
    if (PAIRWISE.equals(text[0])) {
      mode = IdentityMode.PAIRWISE;
    } else if (SIGNATURE.equals(text[0])) {
      mode = IdentityMode.SIGNATURE;
    } else {
      return null;
    }
    for (String v : text) {
      if (v == null) {
        return null;
      }
    }
    // iat, exp, ck always; hk exactly in pairwise mode
    if (!numberSeen[0]
        || !numberSeen[1]
        || !numberSeen[2]
        || numberSeen[3] != (mode == IdentityMode.PAIRWISE)) {
      return null;
    }
    if (!NamespaceNames.isValid(text[1]) || !NamespaceNames.isValid(text[2])) {
      return null;
    }
    for (int i = 2; i < NUMBER_CLAIMS.length; i++) {
      if (numberSeen[i] && (number[i] < 0 || number[i] > 0xFFFF_FFFFL)) {
        return null;
      }
    }
    if (number[1] < number[0]) {
      return null; // exp before iat: the strict reader refuses it with its message
    }
    return new TokenClaims(
        mode,
        text[1],
        text[2],
        text[3],
        text[4],
        text[5],
        text[6],
        text[7],
        text[8],
        number[0],
        number[1],
        text[9],
        (int) number[2],
        mode == IdentityMode.PAIRWISE ? (int) number[3] : 0);
  }

  /** String claims, in the order {@link #parsePlainClaims} keeps them. */
  private static final String[] TEXT_CLAIMS = {
    "m", "ns", "hns", "htq", "ep", "svc", "op", "wf", "run", "jti"
  };

  /** Number claims, in the order {@link #parsePlainClaims} keeps them. */
  private static final String[] NUMBER_CLAIMS = {"iat", "exp", "ck", "hk"};

  private static int indexOf(String[] names, String name) {
    for (int i = 0; i < names.length; i++) {
      if (names[i].equals(name)) {
        return i;
      }
    }
    return -1;
  }

  /** The claims through the strict tree reader: every refusal names its field and reason. */
  public static TokenClaims parseClaimsStrictly(byte[] bytes) throws MalformedTokenException {
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
