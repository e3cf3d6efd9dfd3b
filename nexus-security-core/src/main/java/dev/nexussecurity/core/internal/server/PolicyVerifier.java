package dev.nexussecurity.core.internal.server;

import com.google.crypto.tink.Key;
import com.google.crypto.tink.KeyStatus;
import com.google.crypto.tink.KeysetHandle;
import com.google.crypto.tink.PublicKeyVerify;
import com.google.crypto.tink.RegistryConfiguration;
import com.google.crypto.tink.signature.SignatureConfig;
import com.google.crypto.tink.signature.SignaturePublicKey;
import dev.nexussecurity.core.internal.json.SignedEnvelope;
import java.security.GeneralSecurityException;
import java.util.ArrayList;
import java.util.List;

/**
 * Verifies the signatures of endpoint policies and registry manifests with the registry's public
 * keyset. Immutable and thread-safe.
 *
 * <p>Only enabled keys verify. A signature whose Tink output prefix names none of them is reported
 * as signed by an unknown key, distinct from a signature that does not verify.
 */
public final class PolicyVerifier {
  static {
    registerTink();
  }

  private final PublicKeyVerify verify;
  private final List<byte[]> enabledPrefixes;
  private final boolean hasRawKey;

  private PolicyVerifier(PublicKeyVerify verify, List<byte[]> enabledPrefixes, boolean hasRawKey) {
    this.verify = verify;
    this.enabledPrefixes = enabledPrefixes;
    this.hasRawKey = hasRawKey;
  }

  /**
   * A verifier for {@code publicKeyset}.
   *
   * @throws IllegalArgumentException if the keyset is empty, holds anything but public signature
   *     keys, or cannot create a verifier
   */
  public static PolicyVerifier fromPublicKeyset(KeysetHandle publicKeyset) {
    if (publicKeyset == null || publicKeyset.size() == 0) {
      throw new IllegalArgumentException("the registry public keyset must hold at least one key");
    }
    List<byte[]> prefixes = new ArrayList<>();
    boolean raw = false;
    for (int i = 0; i < publicKeyset.size(); i++) {
      KeysetHandle.Entry entry = publicKeyset.getAt(i);
      Key key = entry.getKey();
      if (!(key instanceof SignaturePublicKey)) {
        throw new IllegalArgumentException(
            "the registry public keyset holds a "
                + key.getClass().getSimpleName()
                + " (key id "
                + Integer.toUnsignedString(entry.getId())
                + "); it must hold only public signature keys. Workers hold the public half of the"
                + " registry signing keyset: KeysetHandle.getPublicKeysetHandle()");
      }
      if (!entry.getStatus().equals(KeyStatus.ENABLED)) {
        continue;
      }
      byte[] prefix = ((SignaturePublicKey) key).getOutputPrefix().toByteArray();
      if (prefix.length == 0) {
        raw = true;
      } else {
        prefixes.add(prefix);
      }
    }
    try {
      return new PolicyVerifier(
          publicKeyset.getPrimitive(RegistryConfiguration.get(), PublicKeyVerify.class),
          List.copyOf(prefixes),
          raw);
    } catch (GeneralSecurityException e) {
      throw new IllegalArgumentException(
          "the registry public keyset cannot create a signature verifier: " + e.getMessage(), e);
    }
  }

  /**
   * Verifies the tag of {@code envelope} over its signed bytes.
   *
   * @param what the document, for messages (e.g. {@code "the policy"})
   * @throws InvalidSignedDocumentException {@link
   *     InvalidSignedDocumentException.Problem#UNKNOWN_KEY} when no enabled key could have made the
   *     signature, {@link InvalidSignedDocumentException.Problem#BAD_SIGNATURE} when it does not
   *     verify
   */
  void verify(SignedEnvelope.Parsed envelope, String what) throws InvalidSignedDocumentException {
    byte[] signature = envelope.tag();
    if (!knowsKeyOf(signature)) {
      throw new InvalidSignedDocumentException(
          InvalidSignedDocumentException.Problem.UNKNOWN_KEY,
          what
              + " is signed with "
              + describeKey(envelope)
              + ", which is not an enabled key of the registry public keyset; sign it with the"
              + " registry key, or add that key's public half to the workers' registry keyset");
    }
    try {
      verify.verify(signature, envelope.signedBytes());
    } catch (GeneralSecurityException e) {
      throw new InvalidSignedDocumentException(
          InvalidSignedDocumentException.Problem.BAD_SIGNATURE,
          what
              + "'s signature ("
              + describeKey(envelope)
              + ") does not verify: it was changed after the registry signed it");
    }
  }

  private boolean knowsKeyOf(byte[] signature) {
    if (hasRawKey) {
      return true;
    }
    for (byte[] prefix : enabledPrefixes) {
      if (startsWith(signature, prefix)) {
        return true;
      }
    }
    return false;
  }

  private static boolean startsWith(byte[] data, byte[] prefix) {
    if (data.length < prefix.length) {
      return false;
    }
    for (int i = 0; i < prefix.length; i++) {
      if (data[i] != prefix[i]) {
        return false;
      }
    }
    return true;
  }

  static String describeKey(SignedEnvelope.Parsed envelope) {
    return envelope
        .tinkKeyId()
        .map(id -> "key id " + Integer.toUnsignedString(id))
        .orElse("a key without a key id");
  }

  static void registerTink() {
    try {
      SignatureConfig.register();
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("cannot register Tink signature primitives", e);
    }
  }
}
