package dev.nexussecurity.it.support;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.google.crypto.tink.KeysetHandle;
import com.google.crypto.tink.PublicKeySign;
import com.google.crypto.tink.signature.SignatureConfig2026;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.util.Base64;
import java.util.function.Consumer;

/**
 * TEST ONLY: reads and forges caller identity tokens from their documented wire format
 * (SECURITY.md): {@code v2.<base64url JSON claims>.<base64url Tink signature>} in signature mode,
 * the signature over {@code v2.<claims>}, its first five bytes the Tink output prefix {@code 0x01
 * || key id}. Written from the documentation, independently of the library's own codec.
 */
public final class Tokens {
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final Base64.Encoder B64 = Base64.getUrlEncoder().withoutPadding();
  private static final Base64.Decoder B64D = Base64.getUrlDecoder();

  private Tokens() {}

  private static String[] parts(String token) {
    String[] parts = token.split("\\.", -1);
    if (parts.length != 3) {
      throw new IllegalArgumentException("not a token of three parts: " + parts.length + " parts");
    }
    return parts;
  }

  /** The token's claims as JSON. */
  public static ObjectNode claims(String token) {
    try {
      return (ObjectNode) JSON.readTree(B64D.decode(parts(token)[1]));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** The token's id claim ({@code jti}). */
  public static String tokenId(String token) {
    return claims(token).get("jti").asText();
  }

  /** The key id in the signature's Tink prefix. */
  public static int signatureKeyId(String token) {
    byte[] signature = B64D.decode(parts(token)[2]);
    return ByteBuffer.wrap(signature, 1, 4).getInt();
  }

  /** The token with its claims edited by {@code edit}, keeping the original signature. */
  public static String withEditedClaims(String token, Consumer<ObjectNode> edit) {
    String[] parts = parts(token);
    ObjectNode claims = claims(token);
    edit.accept(claims);
    try {
      return parts[0] + "." + B64.encodeToString(JSON.writeValueAsBytes(claims)) + "." + parts[2];
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** The same claims signed with {@code attackerKey} (a private signature keyset) instead. */
  public static String resignedWith(String token, KeysetHandle attackerKey) {
    String[] parts = parts(token);
    String signed = parts[0] + "." + parts[1];
    try {
      byte[] signature =
          attackerKey
              .getPrimitive(SignatureConfig2026.get(), PublicKeySign.class)
              .sign(signed.getBytes(StandardCharsets.US_ASCII));
      return signed + "." + B64.encodeToString(signature);
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException(e);
    }
  }

  /**
   * The same claims, naming {@code attackerKey}'s primary key as the caller key ({@code ck}),
   * signed with it: a token of the caller namespace under a key the handler does not know.
   */
  public static String signedWithUnknownKey(String token, KeysetHandle attackerKey) {
    long keyId = Integer.toUnsignedLong(attackerKey.getPrimary().getId());
    return resignedWith(withEditedClaims(token, c -> c.put("ck", keyId)), attackerKey);
  }

  /** The token with the key id in its signature's Tink prefix replaced by {@code keyId}. */
  public static String withSignatureKeyId(String token, int keyId) {
    String[] parts = parts(token);
    byte[] signature = B64D.decode(parts[2]);
    ByteBuffer.wrap(signature, 1, 4).putInt(keyId);
    return parts[0] + "." + parts[1] + "." + B64.encodeToString(signature);
  }
}
