package dev.nexussecurity.benchmarks;

import java.security.GeneralSecurityException;
import java.security.SecureRandom;
import javax.crypto.Cipher;
import javax.crypto.SecretKey;
import javax.crypto.spec.GCMParameterSpec;

/**
 * The lower bound a payload codec can reach: JCE AES-256-GCM encryption with a fresh random 12-byte
 * nonce, then decryption, of a byte array, with one reused {@link Cipher} and {@link SecureRandom}.
 * No framing, no metadata, no protobuf. Not thread-safe (one instance per benchmark thread).
 */
public final class RawAesGcm {
  private static final int TAG_BITS = 128;

  private final SecretKey key;
  private final Cipher cipher;
  private final SecureRandom random = new SecureRandom();
  private final byte[] nonce = new byte[12];

  /** Creates a helper for {@code key}. */
  public RawAesGcm(SecretKey key) throws GeneralSecurityException {
    this.key = key;
    this.cipher = Cipher.getInstance("AES/GCM/NoPadding");
  }

  /** Encrypts {@code plaintext} under a new nonce and decrypts the result again. */
  public byte[] encryptThenDecrypt(byte[] plaintext) throws GeneralSecurityException {
    random.nextBytes(nonce);
    GCMParameterSpec spec = new GCMParameterSpec(TAG_BITS, nonce);
    cipher.init(Cipher.ENCRYPT_MODE, key, spec);
    byte[] ciphertext = cipher.doFinal(plaintext);
    cipher.init(Cipher.DECRYPT_MODE, key, spec);
    return cipher.doFinal(ciphertext);
  }
}
