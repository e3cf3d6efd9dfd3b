package dev.nexussecurity.core.internal.identity;

import com.google.crypto.tink.InsecureSecretKeyAccess;
import com.google.crypto.tink.Key;
import com.google.crypto.tink.PublicKeySign;
import com.google.crypto.tink.PublicKeyVerify;
import com.google.crypto.tink.signature.Ed25519PrivateKey;
import com.google.crypto.tink.signature.Ed25519PublicKey;
import com.google.crypto.tink.signature.internal.Ed25519SignJce;
import com.google.crypto.tink.signature.internal.Ed25519VerifyJce;
import com.google.crypto.tink.util.Bytes;
import com.google.crypto.tink.util.SecretBytes;
import java.security.GeneralSecurityException;
import java.security.Provider;
import java.util.Arrays;
import java.util.HexFormat;

/**
 * Tink's Ed25519 primitives backed by an explicit JCA provider ({@code
 * NexusSecurityOptions.Builder.setSignatureProvider}): Tink's own {@code
 * Ed25519SignJce.createWithProvider} / {@code Ed25519VerifyJce.createWithProvider}, built from one
 * keyset entry's Tink key. Tink stays the API and the key format and applies the entry's output
 * prefix itself, so the signatures are byte-identical to those of the keyset's default (pure-Java)
 * primitive; only the curve arithmetic runs in the provider.
 *
 * <p>The only class of core allowed to use Tink's {@code signature.internal} package (see
 * CoreArchitectureTest): Tink 1.24 uses its JCE implementation only for providers named Conscrypt
 * and the like, and offers no public way to pass another provider. The Tink version is pinned by
 * our BOM.
 */
public final class Ed25519WithProvider {
  // RFC 8032, section 7.1, test 1: the empty message under this key.
  private static final HexFormat HEX = HexFormat.of();
  private static final byte[] RFC8032_SEED =
      HEX.parseHex("9d61b19deffd5a60ba844af492ec2cc44449c5697b326919703bac031cae7f60");
  private static final byte[] RFC8032_PUBLIC =
      HEX.parseHex("d75a980182b10ab7d54bfed3c964073a0ee172f3daa62325af021a68f707511a");
  private static final byte[] RFC8032_SIGNATURE =
      HEX.parseHex(
          "e5564300c360ac729086e2cc806e828a84877f1eb8e5d974d873e065224901555fb8821590a33bacc61e39701cf9b46bd25bf5f0595bbe24655141438e7a100b");

  private Ed25519WithProvider() {}

  /**
   * Checks that {@code provider} implements the "Ed25519" KeyFactory and Signature and computes RFC
   * 8032's first test vector (sign and verify) through Tink's wrapper.
   *
   * @return null when it does, else what is missing or wrong
   */
  public static String problemWith(Provider provider) {
    if (provider.getService("KeyFactory", "Ed25519") == null
        || provider.getService("Signature", "Ed25519") == null) {
      return "it does not implement the \"Ed25519\" KeyFactory and Signature";
    }
    try {
      Ed25519PublicKey pub = Ed25519PublicKey.create(Bytes.copyFrom(RFC8032_PUBLIC));
      Ed25519PrivateKey priv =
          Ed25519PrivateKey.create(
              pub, SecretBytes.copyFrom(RFC8032_SEED, InsecureSecretKeyAccess.get()));
      byte[] sig = Ed25519SignJce.createWithProvider(priv, provider).sign(new byte[0]);
      if (!Arrays.equals(sig, RFC8032_SIGNATURE)) {
        return "its Ed25519 signature of RFC 8032's first test vector is wrong";
      }
      Ed25519VerifyJce.createWithProvider(pub, provider).verify(sig, new byte[0]);
      return null;
    } catch (GeneralSecurityException | RuntimeException e) {
      return "its Ed25519 fails RFC 8032's first test vector ("
          + e.getClass().getSimpleName()
          + ")";
    }
  }

  /** A signer for {@code key} through {@code provider}, or null when it is not an Ed25519 key. */
  static PublicKeySign signer(Key key, Provider provider) throws GeneralSecurityException {
    return key instanceof Ed25519PrivateKey priv
        ? Ed25519SignJce.createWithProvider(priv, provider)
        : null;
  }

  /** A verifier for {@code key} through {@code provider}, or null when it is not an Ed25519 key. */
  static PublicKeyVerify verifier(Key key, Provider provider) throws GeneralSecurityException {
    return key instanceof Ed25519PublicKey pub
        ? Ed25519VerifyJce.createWithProvider(pub, provider)
        : null;
  }
}
