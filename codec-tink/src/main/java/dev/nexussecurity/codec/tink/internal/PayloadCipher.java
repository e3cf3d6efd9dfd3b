package dev.nexussecurity.codec.tink.internal;

import java.security.GeneralSecurityException;

/**
 * One key's encryption operation, bound to associated data. Implemented today by a single Tink AEAD
 * key; a public-key scheme implements it with Tink {@code HybridEncrypt} / {@code HybridDecrypt},
 * the associated data becoming the context info.
 */
public interface PayloadCipher {

  /** Encrypts {@code plaintext} bound to {@code associatedData}; neither array is modified. */
  byte[] encrypt(byte[] plaintext, byte[] associatedData) throws GeneralSecurityException;

  /**
   * Decrypts and authenticates {@code ciphertext} bound to {@code associatedData}; neither is
   * modified.
   */
  byte[] decrypt(byte[] ciphertext, byte[] associatedData) throws GeneralSecurityException;
}
