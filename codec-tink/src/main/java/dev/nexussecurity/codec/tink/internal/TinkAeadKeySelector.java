package dev.nexussecurity.codec.tink.internal;

import com.google.crypto.tink.Aead;
import com.google.crypto.tink.KeyStatus;
import com.google.crypto.tink.KeysetHandle;
import com.google.crypto.tink.aead.AeadConfig2026;
import com.google.protobuf.ByteString;
import dev.nexussecurity.codec.tink.PayloadDecryptionException;
import dev.nexussecurity.codec.tink.PayloadDecryptionException.Reason;
import dev.nexussecurity.core.keys.KeysetLoadException;
import io.temporal.payload.context.SerializationContext;
import java.security.GeneralSecurityException;
import java.util.Collections;
import java.util.HashMap;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import javax.annotation.Nullable;

/**
 * Selects keys from one Tink AEAD keyset: encrypts with the primary key, decrypts with exactly the
 * enabled key the payload's metadata names. Each enabled key gets its own single-key primitive, so
 * a payload decrypts only under the key its (authenticated) metadata names.
 */
public final class TinkAeadKeySelector implements KeySelector {
  private final String keysetName;
  private final ByteString keysetNameBytes;
  private final EnvelopeKey primary;
  private final Map<ByteString, EnvelopeKey> enabledByKeyIdText;
  private final Set<ByteString> notEnabledKeyIdTexts;
  private final Set<String> decryptionKeyIds;

  /**
   * Creates a selector over {@code handle}.
   *
   * @throws KeysetLoadException if a key is not an AEAD key supported by Tink's AEAD configuration
   */
  public TinkAeadKeySelector(KeysetHandle handle, String keysetName) {
    this.keysetName = keysetName;
    this.keysetNameBytes = WireFormat.utf8(keysetName);
    Map<ByteString, EnvelopeKey> enabled = new HashMap<>();
    Set<ByteString> notEnabled = new java.util.HashSet<>();
    Set<String> ids = new TreeSet<>();
    EnvelopeKey primaryKey = null;
    for (int i = 0; i < handle.size(); i++) {
      KeysetHandle.Entry entry = handle.getAt(i);
      ByteString idText = WireFormat.utf8(WireFormat.keyIdText(entry.getId()));
      if (entry.getStatus() != KeyStatus.ENABLED) {
        notEnabled.add(idText);
        continue;
      }
      EnvelopeKey key =
          new EnvelopeKey(WireFormat.SCHEME_TINK_AEAD, keysetName, entry.getId(), aeadFor(entry));
      enabled.put(idText, key);
      ids.add(key.getQualifiedKeyId());
      if (entry.isPrimary()) {
        primaryKey = key;
      }
    }
    if (primaryKey == null) {
      throw new KeysetLoadException(
          "Keyset '"
              + keysetName
              + "' has no enabled primary key; promote an enabled key to primary.");
    }
    this.primary = primaryKey;
    this.enabledByKeyIdText = Collections.unmodifiableMap(enabled);
    this.notEnabledKeyIdTexts = Collections.unmodifiableSet(notEnabled);
    this.decryptionKeyIds = Collections.unmodifiableSet(ids);
  }

  private PayloadCipher aeadFor(KeysetHandle.Entry entry) {
    Aead aead;
    try {
      KeysetHandle single =
          KeysetHandle.newBuilder()
              .addEntry(
                  KeysetHandle.importKey(entry.getKey()).withFixedId(entry.getId()).makePrimary())
              .build();
      aead = single.getPrimitive(AeadConfig2026.get(), Aead.class);
    } catch (GeneralSecurityException | RuntimeException e) {
      throw new KeysetLoadException(
          "Key "
              + WireFormat.qualifiedKeyId(keysetName, entry.getId())
              + " ("
              + entry.getKey().getParameters()
              + ") is not an AEAD key usable with Tink's AEAD configuration; remove it from the keyset"
              + " or replace it with an AEAD key such as AES256_GCM.",
          e);
    }
    return new PayloadCipher() {
      @Override
      public byte[] encrypt(byte[] plaintext, byte[] associatedData)
          throws GeneralSecurityException {
        return aead.encrypt(plaintext, associatedData);
      }

      @Override
      public byte[] decrypt(byte[] ciphertext, byte[] associatedData)
          throws GeneralSecurityException {
        return aead.decrypt(ciphertext, associatedData);
      }
    };
  }

  @Override
  public EnvelopeKey selectForEncryption(@Nullable SerializationContext context) {
    return primary;
  }

  @Override
  public EnvelopeKey resolveForDecryption(WireHeader header) {
    return resolve(
        header.getScheme(),
        header.getKeysetName(),
        header.getKeyId(),
        header.qualifiedKeyIdForMessages());
  }

  /** The primary key, for new payloads. */
  EnvelopeKey primary() {
    return primary;
  }

  /** The enabled key named by the payload's scheme, keyset name and key id entries. */
  EnvelopeKey resolve(ByteString scheme, ByteString keyset, ByteString keyId, String qualified) {
    if (!scheme.equals(primary.schemeBytes())) {
      throw new PayloadDecryptionException(
          Reason.UNSUPPORTED_SCHEME,
          WireFormat.ENCODING_ENCRYPTED,
          qualified,
          "scheme '"
              + WireHeader.printable(scheme)
              + "' is not supported; this codec decrypts '"
              + WireFormat.SCHEME_TINK_AEAD
              + "'.",
          null);
    }
    if (!keyset.equals(keysetNameBytes)) {
      throw new PayloadDecryptionException(
          Reason.UNKNOWN_KEY,
          WireFormat.ENCODING_ENCRYPTED,
          qualified,
          "the payload was encrypted under keyset '"
              + WireHeader.printable(keyset)
              + "', but this codec holds keyset '"
              + keysetName
              + "'.",
          null);
    }
    EnvelopeKey key = enabledByKeyIdText.get(keyId);
    if (key != null) {
      return key;
    }
    if (notEnabledKeyIdTexts.contains(keyId)) {
      throw new PayloadDecryptionException(
          Reason.DISABLED_KEY,
          WireFormat.ENCODING_ENCRYPTED,
          qualified,
          "the key is in keyset '" + keysetName + "' but is not enabled.",
          null);
    }
    throw new PayloadDecryptionException(
        Reason.UNKNOWN_KEY,
        WireFormat.ENCODING_ENCRYPTED,
        qualified,
        "keyset '" + keysetName + "' has no key with this id.",
        null);
  }

  @Override
  public String getEncryptionKeyId() {
    return primary.getQualifiedKeyId();
  }

  @Override
  public Set<String> getDecryptionKeyIds() {
    return decryptionKeyIds;
  }
}
