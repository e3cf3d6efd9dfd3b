package dev.nexussecurity.core.internal.identity;

import com.google.crypto.tink.KeysetHandle;
import com.google.crypto.tink.PublicKeySign;
import com.google.crypto.tink.signature.SignatureConfig2026;
import dev.nexussecurity.api.internal.UntrustedText;
import dev.nexussecurity.core.IdentityMode;
import dev.nexussecurity.core.keys.NamespaceKeys;
import dev.nexussecurity.core.keys.PairwiseKeys;
import java.security.GeneralSecurityException;
import java.security.Provider;

/**
 * Issues version-2 identity tokens for one caller namespace: pairwise (HMAC-SHA256 under the key
 * derived for the pair caller → handler) or signature (Ed25519 with the caller's signature keyset).
 * Thread-safe.
 */
public final class TokenIssuer {
  private final IdentityMode mode;
  private final PairwiseKeys pairwise;
  private final PublicKeySign signer;
  private final int signatureKeyId;

  private TokenIssuer(
      IdentityMode mode, PairwiseKeys pairwise, PublicKeySign signer, int signatureKeyId) {
    this.mode = mode;
    this.pairwise = pairwise;
    this.signer = signer;
    this.signatureKeyId = signatureKeyId;
  }

  /**
   * An issuer for {@code keys}' namespace.
   *
   * @throws IllegalArgumentException in signature mode when the keys have no usable signature
   *     keyset
   */
  public static TokenIssuer create(NamespaceKeys keys, PairwiseKeys pairwise, IdentityMode mode) {
    return create(keys, pairwise, mode, null);
  }

  /**
   * An issuer for {@code keys}' namespace whose Ed25519 signatures run in {@code signatureProvider}
   * (through Tink's {@code createWithProvider}, see {@link Ed25519WithProvider}), or in Tink's own
   * code when it is null. The tokens are byte-identical.
   *
   * @throws IllegalArgumentException in signature mode when the keys have no usable signature
   *     keyset
   */
  public static TokenIssuer create(
      NamespaceKeys keys, PairwiseKeys pairwise, IdentityMode mode, Provider signatureProvider) {
    if (mode == IdentityMode.PAIRWISE) {
      return new TokenIssuer(mode, pairwise, null, 0);
    }
    KeysetHandle signing =
        keys.getSignatureKeys()
            .orElseThrow(
                () ->
                    new IllegalArgumentException(
                        "namespace '" + keys.getNamespace() + "' has no signature keyset"));
    try {
      KeysetHandle.Entry primary = signing.getPrimary();
      PublicKeySign signer =
          signatureProvider == null
              ? null
              : Ed25519WithProvider.signer(primary.getKey(), signatureProvider);
      if (signer == null) {
        signer = signing.getPrimitive(SignatureConfig2026.get(), PublicKeySign.class);
      }
      return new TokenIssuer(mode, pairwise, signer, primary.getId());
    } catch (GeneralSecurityException e) {
      throw new IllegalArgumentException("the signature keyset cannot create a signer: " + e, e);
    }
  }

  public IdentityMode getMode() {
    return mode;
  }

  /**
   * Completes {@code claims} with the key ids and authenticates them.
   *
   * @throws TokenIssueException if no key is available for the handler namespace, or the token
   *     would exceed {@link IdentityTokens#MAX_TOKEN_CHARS} (naming the longest field)
   */
  public String issue(TokenClaims claims) throws TokenIssueException {
    refuseUnsafeText(claims);
    try {
      if (mode == IdentityMode.PAIRWISE) {
        PairwiseKeys.PairKey key =
            pairwise.forSending(PairwiseKeys.Purpose.IDENTITY_TOKEN, claims.handlerNamespace());
        TokenClaims keyed = claims.withKeyIds(key.getSenderKeyId(), key.getRecipientKeyId());
        String signedPart = checkedSize(keyed);
        return IdentityTokens.assemble(
            signedPart,
            key.mac().computeMac(signedPart.getBytes(java.nio.charset.StandardCharsets.US_ASCII)));
      }
      TokenClaims keyed = claims.withKeyIds(signatureKeyId, 0);
      String signedPart = checkedSize(keyed);
      return IdentityTokens.assemble(
          signedPart, signer.sign(signedPart.getBytes(java.nio.charset.StandardCharsets.US_ASCII)));
    } catch (RuntimeException e) {
      if (e instanceof dev.nexussecurity.core.keys.PairwiseKeyException) {
        throw new TokenIssueException(false, e.getMessage(), e);
      }
      throw e;
    } catch (GeneralSecurityException e) {
      throw new TokenIssueException(false, "authenticating the identity token failed: " + e, e);
    }
  }

  /**
   * Refuses claims a handler would refuse as malformed: a control, format or bidi character in a
   * name (claims reach audit lines before their tag is checked, so handlers never accept them).
   * Refused here, the caller fails at once with a message that names the field, instead of the
   * handler's MALFORMED_TOKEN after a round trip.
   */
  private static void refuseUnsafeText(TokenClaims claims) throws TokenIssueException {
    // runs on every call: no arrays or lambdas, one scan per field
    refuseUnsafe("caller workflow id", claims.workflowId());
    refuseUnsafe("caller run id", claims.runId());
    refuseUnsafe("endpoint", claims.endpoint());
    refuseUnsafe("service", claims.service());
    refuseUnsafe("operation", claims.operation());
    refuseUnsafe("handler task queue", claims.taskQueue());
  }

  private static void refuseUnsafe(String field, String value) throws TokenIssueException {
    int bad = UntrustedText.firstUnsafe(value);
    if (bad >= 0) {
      throw new TokenIssueException(
          false,
          "the "
              + field
              + " contains the character "
              + UntrustedText.codePoint(value.codePointAt(bad))
              + ", which handlers refuse in an identity token (no control, format or bidi"
              + " characters); use a "
              + field
              + " without it",
          null);
    }
  }

  /** The signed part, after checking that the whole token will fit the handler's limit. */
  private static String checkedSize(TokenClaims claims) throws TokenIssueException {
    String signedPart = IdentityTokens.signedPart(claims);
    // tag: 32-byte HMAC or 64-byte Ed25519 signature plus a 5-byte Tink prefix, base64url
    int total = signedPart.length() + 1 + 94;
    if (total > IdentityTokens.MAX_TOKEN_CHARS) {
      String[][] fields = {
        {"endpoint", claims.endpoint()},
        {"service", claims.service()},
        {"operation", claims.operation()},
        {"caller workflow id", claims.workflowId()},
        {"handler task queue", claims.taskQueue()},
        {"handler namespace", claims.handlerNamespace()},
        {"caller namespace", claims.callerNamespace()},
        {"caller run id", claims.runId()},
      };
      String[] longest = fields[0];
      for (String[] f : fields) {
        if (f[1].length() > longest[1].length()) {
          longest = f;
        }
      }
      throw new TokenIssueException(
          true,
          "the identity token would have about "
              + total
              + " characters, more than the "
              + IdentityTokens.MAX_TOKEN_CHARS
              + " a handler accepts; the longest field is the "
              + longest[0]
              + " ("
              + longest[1].length()
              + " characters)",
          null);
    }
    return signedPart;
  }

  /** A token could not be issued. */
  public static final class TokenIssueException extends Exception {
    private static final long serialVersionUID = 1L;
    private final boolean tooLarge;

    TokenIssueException(boolean tooLarge, String message, Throwable cause) {
      super(message, cause);
      this.tooLarge = tooLarge;
    }

    /** Whether the token would exceed the handler's size limit. */
    public boolean isTooLarge() {
      return tooLarge;
    }
  }
}
