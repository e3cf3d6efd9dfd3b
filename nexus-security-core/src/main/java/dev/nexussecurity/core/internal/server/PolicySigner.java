package dev.nexussecurity.core.internal.server;

import com.google.crypto.tink.KeysetHandle;
import com.google.crypto.tink.PublicKeySign;
import com.google.crypto.tink.RegistryConfiguration;
import com.google.crypto.tink.signature.SignaturePrivateKey;
import dev.nexussecurity.core.internal.json.SignedEnvelope;
import java.security.GeneralSecurityException;

/**
 * Signs endpoint policies and registry manifests ({@link SignedEnvelope}s) with the registry's
 * private signing keyset, and verifies them with its public half. Immutable and thread-safe.
 */
public final class PolicySigner {
  static {
    PolicyVerifier.registerTink();
  }

  private final PublicKeySign sign;
  private final PolicyVerifier verifier;
  private final Integer primaryKeyId;

  private PolicySigner(PublicKeySign sign, PolicyVerifier verifier, Integer primaryKeyId) {
    this.sign = sign;
    this.verifier = verifier;
    this.primaryKeyId = primaryKeyId;
  }

  /**
   * A signer for {@code privateKeyset}.
   *
   * @throws IllegalArgumentException if the keyset's primary is not a private signature key
   */
  public static PolicySigner fromPrivateKeyset(KeysetHandle privateKeyset) {
    if (privateKeyset == null || privateKeyset.size() == 0) {
      throw new IllegalArgumentException("the registry signing keyset must hold at least one key");
    }
    KeysetHandle.Entry primary = privateKeyset.getPrimary();
    if (!(primary.getKey() instanceof SignaturePrivateKey)) {
      throw new IllegalArgumentException(
          "the registry signing keyset's primary key (id "
              + Integer.toUnsignedString(primary.getId())
              + ") is a "
              + primary.getKey().getClass().getSimpleName()
              + ", not a private signature key; generate one with"
              + " KeysetHandle.generateNew(PredefinedSignatureParameters.ED25519)");
    }
    try {
      PublicKeySign sign =
          privateKeyset.getPrimitive(RegistryConfiguration.get(), PublicKeySign.class);
      PolicyVerifier verifier =
          PolicyVerifier.fromPublicKeyset(privateKeyset.getPublicKeysetHandle());
      Integer id = primary.getKey().getIdRequirementOrNull() == null ? null : primary.getId();
      return new PolicySigner(sign, verifier, id);
    } catch (GeneralSecurityException e) {
      throw new IllegalArgumentException(
          "the registry signing keyset cannot create a signer: " + e.getMessage(), e);
    }
  }

  /** Seals {@code payload} as a {@link SignedEnvelope} of {@code type}, signed by the primary. */
  String seal(String type, byte[] payload) {
    try {
      return SignedEnvelope.seal(type, payload, sign::sign);
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException(
          "signing a "
              + type
              + " document failed with key id "
              + (primaryKeyId == null ? "(none)" : Integer.toUnsignedString(primaryKeyId)),
          e);
    }
  }

  /** The verifier of the public half of this keyset. */
  public PolicyVerifier getVerifier() {
    return verifier;
  }

  /** The primary key's Tink key id, or {@code null} when its signatures carry no key id (RAW). */
  public Integer getPrimaryKeyId() {
    return primaryKeyId;
  }
}
