package dev.nexussecurity.api;

import java.util.Collections;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;

/**
 * A stable, non-secret description of a payload codec, used to prove that caller and handler
 * converters are compatible: the codec's id, the key id it encrypts with now (if it encrypts) and
 * the key ids it can decrypt. Key ids are identifiers, never key material.
 *
 * <pre>{@code
 * CodecDescriptor d = CodecDescriptor.newBuilder("nexus-security/tink-aead")
 *     .setEncryptionKeyId("default/1234")
 *     .addDecryptionKeyId("default/1234")
 *     .addDecryptionKeyId("default/987")
 *     .build();
 * d.canDecrypt("default/987"); // true
 * }</pre>
 */
public final class CodecDescriptor {
  private final String codecId;
  private final String encryptionKeyId;
  private final Set<String> decryptionKeyIds;
  private final boolean acceptsUnencodedPayloads;
  private final Set<String> protections;

  private CodecDescriptor(Builder b) {
    this.protections = Collections.unmodifiableSet(new TreeSet<>(b.protections));
    this.codecId = b.codecId;
    this.encryptionKeyId = b.encryptionKeyId;
    this.decryptionKeyIds = Collections.unmodifiableSet(new TreeSet<>(b.decryptionKeyIds));
    this.acceptsUnencodedPayloads = b.acceptsUnencodedPayloads;
  }

  /**
   * Returns a builder for a codec identified by {@code codecId}: a short, stable name such as
   * {@code "nexus-security/tink-aead"} or {@code "zlib"}.
   */
  public static Builder newBuilder(String codecId) {
    return new Builder(codecId);
  }

  /** The codec's id. */
  public String getCodecId() {
    return codecId;
  }

  /** The key id new payloads are encrypted with; empty for codecs that do not encrypt. */
  public Optional<String> getEncryptionKeyId() {
    return Optional.ofNullable(encryptionKeyId);
  }

  /**
   * The key ids this codec can decrypt, sorted, unmodifiable; empty for codecs that do not encrypt.
   */
  public Set<String> getDecryptionKeyIds() {
    return decryptionKeyIds;
  }

  /**
   * Whether this codec's decode passes through payloads it did not encode (as a compression codec
   * does) rather than rejecting them (as an encryption codec that refuses plaintext does). Defaults
   * to true, so a codec that does not say is never assumed to reject.
   */
  public boolean isAcceptingUnencodedPayloads() {
    return acceptsUnencodedPayloads;
  }

  /**
   * The payload protections this codec decodes, in {@link PayloadProtection}'s text form ({@code
   * shared:<keyset>}, {@code pairwise}, {@code hpke}, {@code authenticated}), sorted, unmodifiable;
   * empty for codecs that do not say.
   */
  public Set<String> getPayloadProtections() {
    return protections;
  }

  /** Whether this codec decodes payloads under {@code protection}. */
  public boolean accepts(PayloadProtection protection) {
    return protections.contains(protection.toString());
  }

  /** Whether this codec can decrypt payloads encrypted under {@code keyId}. */
  public boolean canDecrypt(String keyId) {
    return decryptionKeyIds.contains(keyId);
  }

  @Override
  public boolean equals(Object o) {
    if (this == o) {
      return true;
    }
    if (!(o instanceof CodecDescriptor)) {
      return false;
    }
    CodecDescriptor d = (CodecDescriptor) o;
    return codecId.equals(d.codecId)
        && Objects.equals(encryptionKeyId, d.encryptionKeyId)
        && decryptionKeyIds.equals(d.decryptionKeyIds)
        && acceptsUnencodedPayloads == d.acceptsUnencodedPayloads
        && protections.equals(d.protections);
  }

  @Override
  public int hashCode() {
    return Objects.hash(
        codecId, encryptionKeyId, decryptionKeyIds, acceptsUnencodedPayloads, protections);
  }

  @Override
  public String toString() {
    return "CodecDescriptor{id="
        + codecId
        + (encryptionKeyId == null ? "" : ", encryptsWith=" + encryptionKeyId)
        + (decryptionKeyIds.isEmpty() ? "" : ", decrypts=" + decryptionKeyIds)
        + (protections.isEmpty() ? "" : ", protections=" + protections)
        + (acceptsUnencodedPayloads ? "" : ", rejectsUnencoded")
        + "}";
  }

  /** Builder for {@link CodecDescriptor}. */
  public static final class Builder {
    private final String codecId;
    private String encryptionKeyId;
    private final Set<String> decryptionKeyIds = new TreeSet<>();
    private boolean acceptsUnencodedPayloads = true;
    private final Set<String> protections = new TreeSet<>();

    private Builder(String codecId) {
      this.codecId = requireId("codecId", codecId);
    }

    /** Sets the key id used for encryption. */
    public Builder setEncryptionKeyId(String keyId) {
      this.encryptionKeyId = requireId("encryptionKeyId", keyId);
      return this;
    }

    /** Adds a key id this codec can decrypt. */
    public Builder addDecryptionKeyId(String keyId) {
      decryptionKeyIds.add(requireId("decryptionKeyIds", keyId));
      return this;
    }

    /**
     * Sets whether decode passes through payloads this codec did not encode (default true); an
     * encryption codec that rejects plaintext sets false.
     */
    public Builder setAcceptingUnencodedPayloads(boolean accepts) {
      this.acceptsUnencodedPayloads = accepts;
      return this;
    }

    /** Adds a payload protection this codec decodes. */
    public Builder addPayloadProtection(PayloadProtection protection) {
      protections.add(Objects.requireNonNull(protection, "protection").toString());
      return this;
    }

    /** Builds the descriptor. */
    public CodecDescriptor build() {
      return new CodecDescriptor(this);
    }

    private static String requireId(String field, String value) {
      if (value == null || value.isBlank()) {
        throw new IllegalArgumentException(
            field + " must be a non-blank identifier, got '" + value + "'");
      }
      return value;
    }
  }
}
