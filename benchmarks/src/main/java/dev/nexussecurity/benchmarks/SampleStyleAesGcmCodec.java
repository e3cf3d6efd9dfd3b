package dev.nexussecurity.benchmarks;

import com.google.protobuf.ByteString;
import com.google.protobuf.InvalidProtocolBufferException;
import io.temporal.api.common.v1.Payload;
import io.temporal.payload.codec.PayloadCodec;
import io.temporal.payload.codec.PayloadCodecException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.List;
import javax.annotation.Nonnull;
import javax.crypto.Cipher;
import javax.crypto.SecretKey;
import javax.crypto.spec.GCMParameterSpec;

/**
 * A minimal hand-written AES-GCM payload codec of the kind the Temporal samples show: a JCE cipher
 * obtained per call, a fresh {@link SecureRandom} nonce prefixed to the ciphertext, the whole
 * serialized payload as plaintext, a fixed key id in metadata and no associated data. A performance
 * reference only: it has no key rotation, no binding of its metadata and passes unknown payloads
 * through.
 */
public final class SampleStyleAesGcmCodec implements PayloadCodec {
  private static final ByteString ENCODING = ByteString.copyFromUtf8("binary/encrypted");
  private static final ByteString CIPHER = ByteString.copyFromUtf8("AES/GCM/NoPadding");
  private static final int NONCE_LENGTH = 12;
  private static final int TAG_BITS = 128;

  private final SecretKey key;
  private final ByteString keyId;

  /** Creates a codec with a 256-bit AES key and a key id written into metadata. */
  public SampleStyleAesGcmCodec(SecretKey key, String keyId) {
    this.key = key;
    this.keyId = ByteString.copyFrom(keyId, StandardCharsets.UTF_8);
  }

  @Nonnull
  @Override
  public List<Payload> encode(@Nonnull List<Payload> payloads) {
    List<Payload> out = new ArrayList<>(payloads.size());
    for (Payload p : payloads) {
      out.add(
          Payload.newBuilder()
              .putMetadata("encoding", ENCODING)
              .putMetadata("encryption-cipher", CIPHER)
              .putMetadata("encryption-key-id", keyId)
              .setData(ByteString.copyFrom(encrypt(p.toByteArray())))
              .build());
    }
    return out;
  }

  @Nonnull
  @Override
  public List<Payload> decode(@Nonnull List<Payload> payloads) {
    List<Payload> out = new ArrayList<>(payloads.size());
    for (Payload p : payloads) {
      if (!ENCODING.equals(p.getMetadataOrDefault("encoding", ByteString.EMPTY))) {
        out.add(p);
        continue;
      }
      try {
        out.add(Payload.parseFrom(decrypt(p.getData().toByteArray())));
      } catch (InvalidProtocolBufferException e) {
        throw new PayloadCodecException(e);
      }
    }
    return out;
  }

  private byte[] encrypt(byte[] plaintext) {
    try {
      byte[] nonce = new byte[NONCE_LENGTH];
      new SecureRandom().nextBytes(nonce);
      Cipher cipher = Cipher.getInstance("AES/GCM/NoPadding");
      cipher.init(Cipher.ENCRYPT_MODE, key, new GCMParameterSpec(TAG_BITS, nonce));
      byte[] ciphertext = cipher.doFinal(plaintext);
      return ByteBuffer.allocate(NONCE_LENGTH + ciphertext.length)
          .put(nonce)
          .put(ciphertext)
          .array();
    } catch (GeneralSecurityException e) {
      throw new PayloadCodecException(e);
    }
  }

  private byte[] decrypt(byte[] data) {
    try {
      Cipher cipher = Cipher.getInstance("AES/GCM/NoPadding");
      cipher.init(Cipher.DECRYPT_MODE, key, new GCMParameterSpec(TAG_BITS, data, 0, NONCE_LENGTH));
      return cipher.doFinal(data, NONCE_LENGTH, data.length - NONCE_LENGTH);
    } catch (GeneralSecurityException e) {
      throw new PayloadCodecException(e);
    }
  }
}
