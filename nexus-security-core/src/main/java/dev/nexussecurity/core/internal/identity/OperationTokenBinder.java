package dev.nexussecurity.core.internal.identity;

import com.google.crypto.tink.InsecureSecretKeyAccess;
import com.google.crypto.tink.KeyStatus;
import com.google.crypto.tink.KeysetHandle;
import com.google.crypto.tink.Mac;
import com.google.crypto.tink.hybrid.HpkePrivateKey;
import com.google.crypto.tink.mac.HmacKey;
import com.google.crypto.tink.mac.HmacParameters;
import com.google.crypto.tink.mac.MacConfig2026;
import com.google.crypto.tink.subtle.Hkdf;
import com.google.crypto.tink.util.SecretBytes;
import dev.nexussecurity.core.internal.keys.TinkKeysets;
import dev.nexussecurity.core.keys.NamespaceKeys;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.util.Arrays;
import java.util.Base64;
import java.util.HashMap;
import java.util.Map;

/**
 * Binds the operation tokens a handler returns for asynchronous operations to the caller that
 * started them, so that only that caller's run can cancel them.
 *
 * <p>A bound token is {@code nso1.<inner>.<callerNs>.<tokenId>.<keyId>.<tag>} (each text part
 * unpadded base64url of its UTF-8 bytes, the key id unsigned decimal), where {@code tag} is
 * HMAC-SHA256 over the ASCII bytes before the last dot, under a key only the handler namespace
 * holds: {@code HKDF-SHA256(ikm = the handler's X25519 private key <keyId>, salt = empty, info =
 * "nexus-security operation token v1" || 0x00 || handler namespace (UTF-8) || keyId (4 bytes,
 * big-endian))}. Every replica of the handler namespace derives the same key; callers and other
 * namespaces cannot. Immutable and thread-safe.
 */
public final class OperationTokenBinder {
  static final String PREFIX = "nso1";
  private static final byte[] LABEL =
      "nexus-security operation token v1".getBytes(StandardCharsets.US_ASCII);
  private static final Base64.Encoder B64 = Base64.getUrlEncoder().withoutPadding();
  private static final Base64.Decoder B64D = Base64.getUrlDecoder();

  private final int primaryKeyId;
  private final Map<Integer, Mac> macs;

  private OperationTokenBinder(int primaryKeyId, Map<Integer, Mac> macs) {
    this.primaryKeyId = primaryKeyId;
    this.macs = macs;
  }

  /** A binder with keys derived from {@code own}'s enabled key-agreement keys. */
  public static OperationTokenBinder create(NamespaceKeys own) {
    KeysetHandle keys = own.getAgreementKeys();
    Map<Integer, Mac> macs = new HashMap<>();
    try {
      HmacParameters params =
          HmacParameters.builder()
              .setKeySizeBytes(32)
              .setTagSizeBytes(32)
              .setHashType(HmacParameters.HashType.SHA256)
              .setVariant(HmacParameters.Variant.NO_PREFIX)
              .build();
      for (int i = 0; i < keys.size(); i++) {
        KeysetHandle.Entry e = keys.getAt(i);
        if (!e.getStatus().equals(KeyStatus.ENABLED)) {
          continue;
        }
        byte[] ikm = TinkKeysets.x25519Private((HpkePrivateKey) e.getKey());
        ByteArrayOutputStream info = new ByteArrayOutputStream();
        info.writeBytes(LABEL);
        info.write(0);
        info.writeBytes(own.getNamespace().getBytes(StandardCharsets.UTF_8));
        int id = e.getId();
        info.write(id >>> 24);
        info.write(id >>> 16);
        info.write(id >>> 8);
        info.write(id);
        byte[] key = Hkdf.computeHkdf("HMACSHA256", ikm, new byte[0], info.toByteArray(), 32);
        Arrays.fill(ikm, (byte) 0);
        Mac mac =
            KeysetHandle.newBuilder()
                .addEntry(
                    KeysetHandle.importKey(
                            HmacKey.builder()
                                .setParameters(params)
                                .setKeyBytes(
                                    SecretBytes.copyFrom(key, InsecureSecretKeyAccess.get()))
                                .build())
                        .withRandomId()
                        .makePrimary())
                .build()
                .getPrimitive(MacConfig2026.get(), Mac.class);
        Arrays.fill(key, (byte) 0);
        macs.put(id, mac);
      }
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("deriving the operation token key failed", e);
    }
    return new OperationTokenBinder(keys.getPrimary().getId(), Map.copyOf(macs));
  }

  /** {@code inner} bound to {@code callerNamespace}'s call {@code tokenId}. */
  public String bind(String inner, String callerNamespace, String tokenId) {
    String unsigned =
        PREFIX
            + "."
            + b64(inner)
            + "."
            + b64(callerNamespace)
            + "."
            + b64(tokenId)
            + "."
            + Integer.toUnsignedString(primaryKeyId);
    try {
      byte[] tag = macs.get(primaryKeyId).computeMac(unsigned.getBytes(StandardCharsets.US_ASCII));
      return unsigned + "." + B64.encodeToString(tag);
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("HMAC-SHA256 failed", e);
    }
  }

  /** An opened bound token. */
  public record Bound(String inner, String callerNamespace, String tokenId) {}

  /**
   * Opens a bound token.
   *
   * @throws GeneralSecurityException with a message saying what is wrong (not bound, unknown key,
   *     tag invalid), never quoting the token
   */
  public Bound open(String bound) throws GeneralSecurityException {
    if (bound == null || !bound.startsWith(PREFIX + ".")) {
      throw new GeneralSecurityException(
          "the operation token was not issued by a nexus-security handler of this namespace");
    }
    String[] parts = bound.split("\\.", -1);
    if (parts.length != 6) {
      throw new GeneralSecurityException("the operation token does not have six parts");
    }
    int keyId;
    try {
      keyId = Integer.parseUnsignedInt(parts[4]);
    } catch (NumberFormatException e) {
      throw new GeneralSecurityException("the operation token's key id is not a number");
    }
    Mac mac = macs.get(keyId);
    if (mac == null) {
      throw new GeneralSecurityException(
          "the operation token names key "
              + Integer.toUnsignedString(keyId)
              + ", not an enabled key-agreement key of this handler namespace");
    }
    int last = bound.lastIndexOf('.');
    try {
      mac.verifyMac(
          B64D.decode(parts[5]), bound.substring(0, last).getBytes(StandardCharsets.US_ASCII));
      return new Bound(text(parts[1]), text(parts[2]), text(parts[3]));
    } catch (IllegalArgumentException e) {
      throw new GeneralSecurityException("the operation token is not valid base64url");
    } catch (GeneralSecurityException e) {
      throw new GeneralSecurityException("the operation token's tag does not verify");
    }
  }

  private static String b64(String s) {
    return B64.encodeToString(s.getBytes(StandardCharsets.UTF_8));
  }

  private static String text(String b64) {
    return new String(B64D.decode(b64), StandardCharsets.UTF_8);
  }
}
