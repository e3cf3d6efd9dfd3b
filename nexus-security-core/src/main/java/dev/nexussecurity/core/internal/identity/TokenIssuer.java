package dev.nexussecurity.core.internal.identity;

import com.google.crypto.tink.KeysetHandle;
import com.google.crypto.tink.PublicKeySign;
import com.google.crypto.tink.RegistryConfiguration;
import com.google.crypto.tink.signature.SignatureConfig;
import com.google.crypto.tink.signature.SignaturePrivateKey;
import java.security.GeneralSecurityException;

/** Signs caller identity tokens with the caller namespace's private signing keyset. Thread-safe. */
public final class TokenIssuer {
  static {
    TinkSignatures.register();
  }

  private final PublicKeySign signer;
  private final int primaryKeyId;

  private TokenIssuer(PublicKeySign signer, int primaryKeyId) {
    this.signer = signer;
    this.primaryKeyId = primaryKeyId;
  }

  /**
   * @throws IllegalArgumentException if the keyset's primary key is not a private signature key
   */
  public static TokenIssuer fromPrivateKeyset(KeysetHandle privateKeyset) {
    if (privateKeyset == null || privateKeyset.size() == 0) {
      throw new IllegalArgumentException("the signing keyset must hold at least one key");
    }
    if (!(privateKeyset.getPrimary().getKey() instanceof SignaturePrivateKey)) {
      throw new IllegalArgumentException(
          "the signing keyset's primary key (id "
              + Integer.toUnsignedString(privateKeyset.getPrimary().getId())
              + ") is a "
              + privateKeyset.getPrimary().getKey().getClass().getSimpleName()
              + ", not a private signature key; generate one with"
              + " KeysetHandle.generateNew(PredefinedSignatureParameters.ED25519)"
              + (privateKeyset.getPrimary().getKey().getClass().getSimpleName().equals("LegacyProtoKey")
                  ? ", or, if it is one, call SignatureConfig.register() before parsing it so that"
                      + " Tink recognizes its key type"
                  : ""));
    }
    try {
      return new TokenIssuer(
          privateKeyset.getPrimitive(RegistryConfiguration.get(), PublicKeySign.class),
          privateKeyset.getPrimary().getId());
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

  /**
   * Registers Tink's signature key types and primitives (idempotent). Parsing a keyset before this
   * reads its keys as unknown legacy keys, so every entry point that parses or uses signature keysets
   * calls it.
   */
  public static final class TinkSignatures {
    private TinkSignatures() {}

    public static void register() {
      try {
        SignatureConfig.register();
      } catch (GeneralSecurityException e) {
        throw new IllegalStateException("cannot register Tink signature primitives", e);
      }
    }
  }
}
