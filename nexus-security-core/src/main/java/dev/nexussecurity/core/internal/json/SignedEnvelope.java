package dev.nexussecurity.core.internal.json;

import dev.nexussecurity.api.internal.UntrustedText;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.util.Arrays;
import java.util.Base64;
import java.util.Optional;

/**
 * The one signed-envelope format of nexus-security: {@code <type>.<payload>.<tag>}, where {@code
 * type} names the format and its version (for example {@code nsid2}), {@code payload} is the
 * unpadded base64url encoding of a JSON document (read with {@link StrictJson}) and {@code tag} the
 * unpadded base64url encoding of a signature or MAC computed over the ASCII bytes of {@code
 * <type>.<payload>}. Binding the type into the signed bytes keeps a signature made for one format
 * from passing as another.
 *
 * <p>Identity tokens, endpoint policies and registry manifests use it. (Tink's JWT was considered:
 * it has no pairwise-derived MAC keys, its validators decide expiry against their own clock while
 * ours follows Temporal's time, and a JWT header would add about 40 characters to every Nexus
 * call's token without carrying anything we need.)
 *
 * <pre>{@code
 * String sealed = SignedEnvelope.seal("nsid2", claimsJson, signer::sign);
 * SignedEnvelope.Parsed p = SignedEnvelope.parse(sealed, "nsid2", 8192, "identity token");
 * verifier.verify(p.tag(), p.signedBytes());
 * JsonValue claims = StrictJson.parse(p.payload(), 8192, "identity token claims");
 * }</pre>
 */
public final class SignedEnvelope {
  private static final Base64.Encoder B64 = Base64.getUrlEncoder().withoutPadding();
  private static final Base64.Decoder B64D = Base64.getUrlDecoder();

  /** Computes a tag (signature or MAC) over bytes. */
  @FunctionalInterface
  public interface Signer {
    byte[] sign(byte[] data) throws GeneralSecurityException;
  }

  private SignedEnvelope() {}

  /** Seals {@code payload} under {@code type} with a tag from {@code signer}. */
  public static String seal(String type, byte[] payload, Signer signer)
      throws GeneralSecurityException {
    requireType(type);
    String signed = type + "." + B64.encodeToString(payload);
    byte[] tag = signer.sign(signed.getBytes(StandardCharsets.US_ASCII));
    return signed + "." + B64.encodeToString(tag);
  }

  /**
   * Splits and decodes an envelope without verifying it.
   *
   * @param maxChars the longest envelope accepted; longer ones are refused before decoding
   * @param source what is read, for messages (e.g. {@code "identity token"})
   * @throws StrictJsonException if the envelope is empty, too long, not three parts of unpadded
   *     base64url, or of another type than {@code expectedType}
   */
  public static Parsed parse(String envelope, String expectedType, int maxChars, String source)
      throws StrictJsonException {
    if (envelope == null || envelope.isEmpty()) {
      throw problem(source, "is empty");
    }
    if (envelope.length() > maxChars) {
      throw problem(
          source, "has " + envelope.length() + " characters, more than the limit of " + maxChars);
    }
    int first = envelope.indexOf('.');
    int last = envelope.lastIndexOf('.');
    if (first < 0 || first == last) {
      throw problem(source, "does not have three '.'-separated parts");
    }
    String type = envelope.substring(0, first);
    if (!type.equals(expectedType)) {
      throw problem(
          source,
          "is of type '" + UntrustedText.quote(type, 40) + "', expected '" + expectedType + "'");
    }
    byte[] payload = decode(source, "payload", envelope.substring(first + 1, last));
    byte[] tag = decode(source, "tag", envelope.substring(last + 1));
    if (tag.length == 0) {
      throw problem(source, "has an empty tag");
    }
    byte[] signed = envelope.substring(0, last).getBytes(StandardCharsets.US_ASCII);
    return new Parsed(type, payload, signed, tag);
  }

  private static byte[] decode(String source, String part, String text) throws StrictJsonException {
    for (int i = 0; i < text.length(); i++) {
      char c = text.charAt(i);
      boolean ok =
          (c >= 'A' && c <= 'Z')
              || (c >= 'a' && c <= 'z')
              || (c >= '0' && c <= '9')
              || c == '-'
              || c == '_';
      if (!ok) {
        throw problem(source, "has a " + part + " that is not unpadded base64url");
      }
    }
    byte[] bytes;
    try {
      bytes = B64D.decode(text);
    } catch (IllegalArgumentException e) {
      throw problem(source, "has a " + part + " that is not valid base64url");
    }
    // the decoder ignores the unused low bits of the last character: without this check one
    // signature or payload would have several spellings (e.g. "AA" and "AB")
    if (!B64.encodeToString(bytes).equals(text)) {
      throw problem(source, "has a " + part + " that is not canonical base64url");
    }
    return bytes;
  }

  private static void requireType(String type) {
    if (type == null || !type.matches("[a-z][a-z0-9-]{0,31}")) {
      throw new IllegalArgumentException(
          "an envelope type is 1-32 characters of [a-z0-9-] starting with a letter, got '"
              + UntrustedText.quote(type)
              + "'");
    }
  }

  private static StrictJsonException problem(String source, String problem) {
    return new StrictJsonException(source, "", 0, 0, problem);
  }

  /**
   * A split, decoded and not yet verified envelope.
   *
   * @param type the envelope type
   * @param payload the decoded payload bytes (a JSON document)
   * @param signedBytes the bytes the tag must authenticate: the ASCII of {@code <type>.<payload>}
   * @param tag the decoded tag
   */
  public record Parsed(String type, byte[] payload, byte[] signedBytes, byte[] tag) {
    /**
     * The Tink key id named by the tag's 5-byte output prefix ({@code 0x01} TINK or {@code 0x00}
     * LEGACY/CRUNCHY, then the id), or empty when the tag has no such prefix (RAW keys).
     */
    public Optional<Integer> tinkKeyId() {
      if (tag.length >= 5 && (tag[0] == 0x01 || tag[0] == 0x00)) {
        return Optional.of(
            ((tag[1] & 0xff) << 24)
                | ((tag[2] & 0xff) << 16)
                | ((tag[3] & 0xff) << 8)
                | (tag[4] & 0xff));
      }
      return Optional.empty();
    }

    @Override
    public boolean equals(Object o) {
      return o instanceof Parsed p
          && type.equals(p.type)
          && Arrays.equals(payload, p.payload)
          && Arrays.equals(signedBytes, p.signedBytes)
          && Arrays.equals(tag, p.tag);
    }

    @Override
    public int hashCode() {
      return type.hashCode() * 31 + Arrays.hashCode(tag);
    }

    @Override
    public String toString() {
      return "SignedEnvelope.Parsed{type=" + type + ", " + payload.length + " payload bytes}";
    }
  }
}
