package dev.nexussecurity.core.internal.identity;

import com.google.crypto.tink.KeysetHandle;
import com.google.crypto.tink.PublicKeySign;
import com.google.crypto.tink.RegistryConfiguration;
import com.google.crypto.tink.signature.SignaturePrivateKey;
import java.security.GeneralSecurityException;

/** Signs caller identity tokens with the caller namespace's private signing keyset. Thread-safe. */
public final class TokenIssuer {
  static {
    TinkKeyTypes.register();
  }

  private final IdentityTokens.Authenticator signer;
  private final int primaryKeyId;

  private TokenIssuer(IdentityTokens.Authenticator signer, int primaryKeyId) {
    this.signer = signer;
    this.primaryKeyId = primaryKeyId;
  }

  /**
   * An issuer that authenticates tokens with a shared-secret Tink MAC keyset instead of a signature
   * (the weaker, single-team mode: every holder of the keyset can issue tokens).
   *
   * @throws IllegalArgumentException if the keyset's primary key is not a MAC key
   */
  public static TokenIssuer fromMacKeyset(KeysetHandle keyset) {
    if (keyset == null || keyset.size() == 0) {
      throw new IllegalArgumentException("the identity MAC keyset must hold at least one key");
    }
    KeysetHandle macKeyset = TinkKeyTypes.recognized(keyset, true);
    if (!(macKeyset.getPrimary().getKey() instanceof com.google.crypto.tink.mac.MacKey)) {
      throw new IllegalArgumentException(
          "the identity MAC keyset's primary key (id "
              + Integer.toUnsignedString(macKeyset.getPrimary().getId())
              + ") is a "
              + macKeyset.getPrimary().getKey().getClass().getSimpleName()
              + ", not a MAC key; generate one with"
              + " KeysetHandle.generateNew(PredefinedMacParameters.HMAC_SHA256_256BITTAG)");
    }
    try {
      com.google.crypto.tink.Mac mac =
          macKeyset.getPrimitive(
              com.google.crypto.tink.mac.MacConfig2026.get(), com.google.crypto.tink.Mac.class);
      return new TokenIssuer(mac::computeMac, macKeyset.getPrimary().getId());
    } catch (GeneralSecurityException e) {
      throw new IllegalArgumentException("the identity MAC keyset cannot create a MAC: " + e, e);
    }
  }

  /**
   * @throws IllegalArgumentException if the keyset's primary key is not a private signature key
   */
  public static TokenIssuer fromPrivateKeyset(KeysetHandle keyset) {
    if (keyset == null || keyset.size() == 0) {
      throw new IllegalArgumentException("the signing keyset must hold at least one key");
    }
    KeysetHandle privateKeyset = TinkKeyTypes.recognized(keyset, true);
    if (!(privateKeyset.getPrimary().getKey() instanceof SignaturePrivateKey)) {
      throw new IllegalArgumentException(
          "the signing keyset's primary key (id "
              + Integer.toUnsignedString(privateKeyset.getPrimary().getId())
              + ") is a "
              + privateKeyset.getPrimary().getKey().getClass().getSimpleName()
              + ", not a private signature key; generate one with"
              + " KeysetHandle.generateNew(PredefinedSignatureParameters.ED25519)");
    }
    try {
      PublicKeySign sign =
          privateKeyset.getPrimitive(RegistryConfiguration.get(), PublicKeySign.class);
      return new TokenIssuer(sign::sign, privateKeyset.getPrimary().getId());
    } catch (GeneralSecurityException e) {
      throw new IllegalArgumentException("the signing keyset cannot create a signer: " + e, e);
    }
  }

  /** Signs {@code claims}. */
  public String issue(IdentityClaims claims) {
    try {
      return IdentityTokens.sign(claims, signer);
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException(
          "signing the caller identity token failed with key id "
              + Integer.toUnsignedString(primaryKeyId),
          e);
    }
  }

  /** The primary key's id, unsigned decimal. */
  public String getPrimaryKeyId() {
    return Integer.toUnsignedString(primaryKeyId);
  }
}
