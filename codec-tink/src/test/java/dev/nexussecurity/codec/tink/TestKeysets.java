package dev.nexussecurity.codec.tink;

import com.google.crypto.tink.KeyStatus;
import com.google.crypto.tink.KeysetHandle;
import com.google.crypto.tink.Parameters;
import com.google.crypto.tink.aead.AeadConfig2026;
import com.google.crypto.tink.aead.PredefinedAeadParameters;
import dev.nexussecurity.core.keys.KeysetSource;
import java.security.GeneralSecurityException;

/** Keysets generated fresh for tests (never committed). */
public final class TestKeysets {
  private TestKeysets() {}

  /** A new keyset with one AES256_GCM primary key. */
  public static KeysetHandle aes256Gcm() {
    return single(PredefinedAeadParameters.AES256_GCM);
  }

  /** A new keyset with one primary key of {@code parameters}. */
  public static KeysetHandle single(Parameters parameters) {
    try {
      return KeysetHandle.newBuilder()
          .setConfiguration(AeadConfig2026.get())
          .addEntry(
              KeysetHandle.generateEntryFromParameters(parameters).withRandomId().makePrimary())
          .build();
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException(e);
    }
  }

  /** {@code handle} plus a new enabled, non-primary AES256_GCM key. */
  public static KeysetHandle withNewKey(KeysetHandle handle) {
    try {
      return KeysetHandle.newBuilder(handle)
          .setConfiguration(AeadConfig2026.get())
          .addEntry(
              KeysetHandle.generateEntryFromParameters(PredefinedAeadParameters.AES256_GCM)
                  .withRandomId())
          .build();
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException(e);
    }
  }

  /** {@code handle} with the key at {@code index} promoted to primary. */
  public static KeysetHandle promote(KeysetHandle handle, int index) {
    try {
      KeysetHandle.Builder b = KeysetHandle.newBuilder(handle);
      b.getAt(index).makePrimary();
      return b.build();
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException(e);
    }
  }

  /** {@code handle} with the key at {@code index} set to {@code status}. */
  public static KeysetHandle withStatus(KeysetHandle handle, int index, KeyStatus status) {
    try {
      KeysetHandle.Builder b = KeysetHandle.newBuilder(handle);
      b.getAt(index).setStatus(status);
      return b.build();
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException(e);
    }
  }

  /** {@code handle} without the key at {@code index}. */
  public static KeysetHandle without(KeysetHandle handle, int index) {
    try {
      return KeysetHandle.newBuilder(handle).deleteAt(index).build();
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException(e);
    }
  }

  /** A codec over {@code handle} with default options. */
  public static TinkPayloadCodec codec(KeysetHandle handle) {
    return TinkPayloadCodec.newBuilder()
        .setKeysetSource(KeysetSource.fromKeysetHandle(handle))
        .build();
  }
}
