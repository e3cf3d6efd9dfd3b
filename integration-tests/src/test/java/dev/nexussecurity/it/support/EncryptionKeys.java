package dev.nexussecurity.it.support;

import com.google.crypto.tink.InsecureSecretKeyAccess;
import com.google.crypto.tink.KeysetHandle;
import com.google.crypto.tink.aead.AeadConfig2026;
import com.google.crypto.tink.aead.AesGcmKey;
import com.google.crypto.tink.aead.PredefinedAeadParameters;
import dev.nexussecurity.codec.tink.TinkPayloadCodec;
import dev.nexussecurity.core.keys.KeysetSource;
import io.temporal.common.converter.CodecDataConverter;
import io.temporal.common.converter.DataConverter;
import io.temporal.common.converter.DefaultDataConverter;
import java.security.GeneralSecurityException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * Three AES256_GCM payload-encryption keys generated per test run, K0 (oldest), K1 (current) and K2
 * (newest), and keysets made of them that keep each key's Tink id, so that "the same key" means the
 * same id and key material on both sides. Never committed, never written to disk.
 */
public final class EncryptionKeys {
  /** Index of the oldest key. */
  public static final int K0 = 0;

  /** Index of the current key. */
  public static final int K1 = 1;

  /** Index of the newest key. */
  public static final int K2 = 2;

  private final KeysetHandle all;

  private EncryptionKeys(KeysetHandle all) {
    this.all = all;
  }

  /** Generates K0, K1 and K2. */
  public static EncryptionKeys generate() {
    try {
      KeysetHandle.Builder b = KeysetHandle.newBuilder().setConfiguration(AeadConfig2026.get());
      for (int i = 0; i < 3; i++) {
        b.addEntry(
            KeysetHandle.generateEntryFromParameters(PredefinedAeadParameters.AES256_GCM)
                .withRandomId());
      }
      b.getAt(K1).makePrimary();
      return new EncryptionKeys(b.build());
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("cannot generate test keys", e);
    }
  }

  /**
   * A keyset holding the keys {@code keep}, with {@code primary} (one of them) as its primary key.
   */
  public KeysetHandle keyset(int primary, int... keep) {
    if (Arrays.stream(keep).noneMatch(k -> k == primary)) {
      throw new IllegalArgumentException("the primary key must be kept");
    }
    try {
      KeysetHandle.Builder b = KeysetHandle.newBuilder(all).setConfiguration(AeadConfig2026.get());
      b.getAt(primary).makePrimary();
      // Delete from the highest index down, so the indices of the keys still to visit stay valid.
      for (int i = b.size() - 1; i >= 0; i--) {
        int index = i;
        if (Arrays.stream(keep).noneMatch(k -> k == index)) {
          b.deleteAt(index);
        }
      }
      return b.build();
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("cannot build a test keyset", e);
    }
  }

  /** A Tink codec (keyset name {@code default}) over {@link #keyset(int, int...)}. */
  public TinkPayloadCodec codec(boolean compression, int primary, int... keep) {
    return TinkPayloadCodec.newBuilder()
        .setKeysetSource(KeysetSource.fromKeysetHandle(keyset(primary, keep)))
        .setCompressionEnabled(compression)
        .build();
  }

  /** {@code CodecDataConverter(DefaultDataConverter, [TinkPayloadCodec])} over those keys. */
  public DataConverter converter(int primary, int... keep) {
    return converter(codec(false, primary, keep));
  }

  /** {@code CodecDataConverter(DefaultDataConverter, [codec])}. */
  public static DataConverter converter(TinkPayloadCodec codec) {
    return new CodecDataConverter(DefaultDataConverter.newDefaultInstance(), List.of(codec));
  }

  /**
   * The key id of key {@code index} as the codec reports it: {@code default/<unsigned Tink id>}.
   */
  public String keyId(int index) {
    return TinkPayloadCodec.DEFAULT_KEYSET_NAME + "/" + Integer.toUnsignedString(tinkId(index));
  }

  /** The Tink id of key {@code index}. */
  public int tinkId(int index) {
    return all.getAt(index).getId();
  }

  /** The secret AES key bytes of every key, for tests that assert they appear nowhere. */
  public List<byte[]> secretKeyBytes() {
    List<byte[]> secrets = new ArrayList<>();
    for (int i = 0; i < all.size(); i++) {
      AesGcmKey key = (AesGcmKey) all.getAt(i).getKey();
      secrets.add(key.getKeyBytes().toByteArray(InsecureSecretKeyAccess.get()));
    }
    return secrets;
  }
}
