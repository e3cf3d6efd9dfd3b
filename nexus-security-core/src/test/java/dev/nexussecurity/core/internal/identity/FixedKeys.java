package dev.nexussecurity.core.internal.identity;

import com.google.crypto.tink.InsecureSecretKeyAccess;
import com.google.crypto.tink.KeysetHandle;
import com.google.crypto.tink.hybrid.HpkeParameters;
import com.google.crypto.tink.hybrid.HpkePrivateKey;
import com.google.crypto.tink.hybrid.HpkePublicKey;
import com.google.crypto.tink.signature.Ed25519Parameters;
import com.google.crypto.tink.signature.Ed25519PrivateKey;
import com.google.crypto.tink.signature.Ed25519PublicKey;
import com.google.crypto.tink.subtle.Ed25519Sign;
import com.google.crypto.tink.subtle.X25519;
import com.google.crypto.tink.util.Bytes;
import com.google.crypto.tink.util.SecretBytes;
import dev.nexussecurity.core.keys.NamespaceKeys;
import java.security.GeneralSecurityException;
import java.util.HexFormat;

/** Namespace keys built from fixed bytes, for known-answer vectors. Test key material only. */
final class FixedKeys {
  private FixedKeys() {}

  static NamespaceKeys of(
      String namespace,
      String x25519PrivateHex,
      int agreementKeyId,
      String ed25519SeedHex,
      int signatureKeyId)
      throws GeneralSecurityException {
    byte[] scalar = HexFormat.of().parseHex(x25519PrivateHex);
    HpkeParameters params =
        HpkeParameters.builder()
            .setKemId(HpkeParameters.KemId.DHKEM_X25519_HKDF_SHA256)
            .setKdfId(HpkeParameters.KdfId.HKDF_SHA256)
            .setAeadId(HpkeParameters.AeadId.AES_256_GCM)
            .setVariant(HpkeParameters.Variant.TINK)
            .build();
    HpkePrivateKey agreement =
        HpkePrivateKey.create(
            HpkePublicKey.create(
                params, Bytes.copyFrom(X25519.publicFromPrivate(scalar)), agreementKeyId),
            SecretBytes.copyFrom(scalar, InsecureSecretKeyAccess.get()));
    byte[] seed = HexFormat.of().parseHex(ed25519SeedHex);
    Ed25519Sign.KeyPair pair = Ed25519Sign.KeyPair.newKeyPairFromSeed(seed);
    Ed25519PrivateKey signature =
        Ed25519PrivateKey.create(
            Ed25519PublicKey.create(
                Ed25519Parameters.Variant.TINK,
                Bytes.copyFrom(pair.getPublicKey()),
                signatureKeyId),
            SecretBytes.copyFrom(pair.getPrivateKey(), InsecureSecretKeyAccess.get()));
    return NamespaceKeys.newBuilder(namespace)
        .setAgreementKeys(
            KeysetHandle.newBuilder()
                .addEntry(
                    KeysetHandle.importKey(agreement).withFixedId(agreementKeyId).makePrimary())
                .build())
        .setSignatureKeys(
            KeysetHandle.newBuilder()
                .addEntry(
                    KeysetHandle.importKey(signature).withFixedId(signatureKeyId).makePrimary())
                .build())
        .build();
  }
}
