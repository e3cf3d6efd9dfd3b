package dev.nexussecurity.codec.tink;

import com.google.crypto.tink.KeysetHandle;
import dev.nexussecurity.api.CodecDescriptor;
import dev.nexussecurity.api.DescribedCodec;
import dev.nexussecurity.codec.tink.internal.EnvelopeCodec;
import dev.nexussecurity.codec.tink.internal.KeySelector;
import dev.nexussecurity.codec.tink.internal.TinkAeadKeySelector;
import dev.nexussecurity.codec.tink.internal.WireFormat;
import dev.nexussecurity.core.keys.KeysetKind;
import dev.nexussecurity.core.keys.KeysetLoadException;
import dev.nexussecurity.core.keys.KeysetSource;
import io.temporal.api.common.v1.Payload;
import io.temporal.payload.codec.PayloadCodec;
import io.temporal.payload.codec.PayloadCodecException;
import io.temporal.payload.context.SerializationContext;
import java.util.List;
import java.util.Objects;
import java.util.regex.Pattern;
import javax.annotation.Nonnull;
import javax.annotation.Nullable;

/**
 * A Temporal {@link PayloadCodec} that encrypts every payload with a Google Tink AEAD keyset, for
 * caller and handler workers of a Nexus endpoint (or any workers) that share the keyset.
 *
 * <p><b>Security guarantees.</b> Each payload is encrypted with the keyset's primary key; the whole
 * original payload (metadata and data) is the plaintext, so neither its value nor its encoding is
 * visible in history. Every metadata entry the codec writes (encoding, format version, scheme,
 * keyset name, key id, compression) is bound as associated data: altering, removing or truncating
 * anything is detected on decode. Decoding uses exactly the enabled key the payload names, so keys
 * can be rotated while old payloads stay readable (add a key, roll it out, promote it, then disable
 * the old one). Unencrypted payloads are rejected on decode unless {@link
 * PlaintextPolicy#ACCEPT_FOR_MIGRATION} is set. Payload sizes, the key id and the time of
 * encryption are not hidden. The wire format is specified byte by byte in the module README.
 *
 * <p><b>Errors.</b> Decoding failures throw {@link PayloadDecryptionException} (a {@code
 * DataConverterException}, with a reason, the encoding and the key id); payloads that would exceed
 * the size limit throw {@link PayloadTooLargeException}; an unreachable KMS while building throws
 * {@link PayloadCodecException}; an unusable keyset throws {@link KeysetLoadException}. No message
 * contains key material.
 *
 * <p>Instances are immutable and thread-safe; build one per keyset and share it.
 *
 * <pre>{@code
 * TinkPayloadCodec codec = TinkPayloadCodec.newBuilder()
 *     .setKeysetSource(KeysetSource.kmsEncryptedJson(keysetPath, kmsClient, kekUri))
 *     .setKeysetName("orders")
 *     .build();
 * DataConverter converter =
 *     new CodecDataConverter(DefaultDataConverter.newDefaultInstance(), List.of(codec));
 * WorkflowClientOptions options =
 *     WorkflowClientOptions.newBuilder().setDataConverter(converter).build();
 * }</pre>
 */
public final class TinkPayloadCodec implements PayloadCodec, DescribedCodec {
  /** The codec id reported by {@link #describe()}. */
  public static final String CODEC_ID = "nexus-security/tink-aead";

  /**
   * Default limit of an encoded payload: 2 MiB (2,097,152 bytes), Temporal's default payload limit.
   */
  public static final int DEFAULT_MAX_ENCODED_PAYLOAD_SIZE = 2 * 1024 * 1024;

  /** Default keyset name. */
  public static final String DEFAULT_KEYSET_NAME = "default";

  private static final Pattern KEYSET_NAME = Pattern.compile("[A-Za-z0-9][A-Za-z0-9._-]{0,63}");
  private static final int MIN_MAX_ENCODED_PAYLOAD_SIZE = 1024;

  private final EnvelopeCodec engine;
  private final CodecDescriptor descriptor;
  private final String keysetName;
  private final boolean compressionEnabled;
  private final PlaintextPolicy plaintextPolicy;
  private final int maxEncodedPayloadSize;
  private final @Nullable SerializationContext context;

  private TinkPayloadCodec(Builder b, KeySelector keys) {
    this.keysetName = b.keysetName;
    this.compressionEnabled = b.compressionEnabled;
    this.plaintextPolicy = b.plaintextPolicy;
    this.maxEncodedPayloadSize = b.maxEncodedPayloadSize;
    this.engine =
        new EnvelopeCodec(keys, compressionEnabled, plaintextPolicy, maxEncodedPayloadSize);
    CodecDescriptor.Builder d =
        CodecDescriptor.newBuilder(CODEC_ID)
            .setEncryptionKeyId(keys.getEncryptionKeyId())
            .setAcceptingUnencodedPayloads(plaintextPolicy == PlaintextPolicy.ACCEPT_FOR_MIGRATION);
    keys.getDecryptionKeyIds().forEach(d::addDecryptionKeyId);
    this.descriptor = d.build();
    this.context = null;
  }

  private TinkPayloadCodec(TinkPayloadCodec base, SerializationContext context) {
    this.engine = base.engine;
    this.descriptor = base.descriptor;
    this.keysetName = base.keysetName;
    this.compressionEnabled = base.compressionEnabled;
    this.plaintextPolicy = base.plaintextPolicy;
    this.maxEncodedPayloadSize = base.maxEncodedPayloadSize;
    this.context = context;
  }

  /** Returns a builder; a keyset source is required. */
  public static Builder newBuilder() {
    return new Builder();
  }

  /**
   * Encrypts every payload with the primary key.
   *
   * @throws PayloadTooLargeException if an encoded payload would exceed the size limit
   */
  @Nonnull
  @Override
  public List<Payload> encode(@Nonnull List<Payload> payloads) {
    return engine.encode(payloads, context);
  }

  /**
   * Decrypts every payload with the key it names.
   *
   * @throws PayloadDecryptionException if a payload cannot be decoded
   */
  @Nonnull
  @Override
  public List<Payload> decode(@Nonnull List<Payload> payloads) {
    return engine.decode(payloads);
  }

  /** A codec that passes {@code context} to key selection; cheap, shares everything else. */
  @Nonnull
  @Override
  public PayloadCodec withContext(@Nonnull SerializationContext context) {
    return new TinkPayloadCodec(this, Objects.requireNonNull(context, "context"));
  }

  /**
   * The codec id {@value #CODEC_ID}, the key id new payloads are encrypted with and the ids of
   * every enabled key, each as {@code <keyset name>/<unsigned Tink key id>}, and whether
   * unencrypted payloads are accepted (only in {@link PlaintextPolicy#ACCEPT_FOR_MIGRATION}). No
   * key material.
   */
  @Override
  public CodecDescriptor describe() {
    return descriptor;
  }

  /** The keyset name written into every payload. */
  public String getKeysetName() {
    return keysetName;
  }

  /** Whether payloads are compressed (when that shrinks them) before encryption. */
  public boolean isCompressionEnabled() {
    return compressionEnabled;
  }

  /** What decoding does with unencrypted payloads. */
  public PlaintextPolicy getPlaintextPolicy() {
    return plaintextPolicy;
  }

  /** The largest encoded payload, in bytes, this codec emits. */
  public int getMaxEncodedPayloadSize() {
    return maxEncodedPayloadSize;
  }

  @Override
  public String toString() {
    return "TinkPayloadCodec{keyset="
        + keysetName
        + ", encryptsWith="
        + descriptor.getEncryptionKeyId().orElse("?")
        + ", compression="
        + compressionEnabled
        + ", plaintextPolicy="
        + plaintextPolicy
        + ", maxEncodedPayloadSize="
        + maxEncodedPayloadSize
        + "}";
  }

  /** Builder for {@link TinkPayloadCodec}. */
  public static final class Builder {
    private KeysetSource keysetSource;
    private String keysetName = DEFAULT_KEYSET_NAME;
    private boolean compressionEnabled;
    private PlaintextPolicy plaintextPolicy = PlaintextPolicy.REJECT;
    private int maxEncodedPayloadSize = DEFAULT_MAX_ENCODED_PAYLOAD_SIZE;

    private Builder() {}

    /** Sets where the keyset comes from; required. */
    public Builder setKeysetSource(KeysetSource keysetSource) {
      this.keysetSource = Objects.requireNonNull(keysetSource, "keysetSource must not be null");
      return this;
    }

    /**
     * Sets the keyset's name, written into every payload and part of every key id ({@code
     * <name>/<id>}); payloads decode only with a codec of the same keyset name. 1 to 64 characters
     * of {@code [A-Za-z0-9._-]}, starting with a letter or digit. Default {@value
     * TinkPayloadCodec#DEFAULT_KEYSET_NAME}.
     */
    public Builder setKeysetName(String keysetName) {
      if (keysetName == null || !KEYSET_NAME.matcher(keysetName).matches()) {
        throw new IllegalArgumentException(
            "keysetName must be 1 to 64 characters of [A-Za-z0-9._-] starting with a letter or digit,"
                + " got '"
                + keysetName
                + "'");
      }
      this.keysetName = keysetName;
      return this;
    }

    /**
     * Sets whether to compress payloads with zlib before encrypting them; a compressed form is kept
     * only when it is smaller. Default off: compressing secrets together with attacker-chosen data
     * can reveal the secrets through the ciphertext's length.
     */
    public Builder setCompressionEnabled(boolean compressionEnabled) {
      this.compressionEnabled = compressionEnabled;
      return this;
    }

    /**
     * Sets what decoding does with unencrypted payloads; default {@link PlaintextPolicy#REJECT}.
     */
    public Builder setPlaintextPolicy(PlaintextPolicy plaintextPolicy) {
      this.plaintextPolicy =
          Objects.requireNonNull(plaintextPolicy, "plaintextPolicy must not be null");
      return this;
    }

    /**
     * Sets the largest encoded payload, in bytes, the codec emits (serialized size of the encrypted
     * payload, metadata included); larger ones fail with {@link PayloadTooLargeException}. Between
     * 1024 and 67,108,864 (64 MiB); default {@value
     * TinkPayloadCodec#DEFAULT_MAX_ENCODED_PAYLOAD_SIZE} (2 MiB).
     */
    public Builder setMaxEncodedPayloadSize(int maxEncodedPayloadSize) {
      if (maxEncodedPayloadSize < MIN_MAX_ENCODED_PAYLOAD_SIZE
          || maxEncodedPayloadSize > WireFormat.MAX_DECOMPRESSED_SIZE) {
        throw new IllegalArgumentException(
            "maxEncodedPayloadSize must be between "
                + MIN_MAX_ENCODED_PAYLOAD_SIZE
                + " and "
                + WireFormat.MAX_DECOMPRESSED_SIZE
                + " bytes, got "
                + maxEncodedPayloadSize);
      }
      this.maxEncodedPayloadSize = maxEncodedPayloadSize;
      return this;
    }

    /**
     * Loads the keyset and builds the codec.
     *
     * @throws IllegalStateException if no keyset source was set
     * @throws KeysetLoadException if the keyset cannot be used (see {@link KeysetSource})
     * @throws PayloadCodecException if the KMS could not be reached; retrying may succeed
     */
    public TinkPayloadCodec build() {
      if (keysetSource == null) {
        throw new IllegalStateException(
            "keysetSource is required: call setKeysetSource(KeysetSource...) before build()");
      }
      KeysetHandle handle = keysetSource.load(KeysetKind.PAYLOAD_AEAD);
      if (handle.size() == 0) {
        throw new KeysetLoadException("The keyset from " + keysetSource + " is empty.");
      }
      return new TinkPayloadCodec(this, new TinkAeadKeySelector(handle, keysetName));
    }
  }
}
