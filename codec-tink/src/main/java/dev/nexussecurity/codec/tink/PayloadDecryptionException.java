package dev.nexussecurity.codec.tink;

import io.temporal.common.converter.DataConverterException;
import java.util.Objects;
import java.util.Optional;
import javax.annotation.Nullable;

/**
 * Thrown by {@link TinkPayloadCodec#decode} when a payload cannot be decoded: it was altered,
 * truncated, encrypted under a key this codec does not hold or has disabled, written in an
 * unsupported format, or is not encrypted at all while the codec rejects plaintext.
 *
 * <p>It is a {@link DataConverterException}: retrying the same payload with the same codec cannot
 * succeed. The message names the reason, the payload's encoding and the key id (when the payload
 * names one) and says what to fix; it never contains key material or payload contents.
 *
 * <pre>{@code
 * try {
 *   codec.decode(payloads);
 * } catch (PayloadDecryptionException e) {
 *   if (e.getReason() == PayloadDecryptionException.Reason.DISABLED_KEY) {
 *     log.error("re-enable key {} to read old payloads", e.getKeyId().orElse("?"));
 *   }
 * }
 * }</pre>
 */
public final class PayloadDecryptionException extends DataConverterException {
  private static final long serialVersionUID = 1L;

  /** Why a payload could not be decoded. */
  public enum Reason {
    /**
     * The payload is not encrypted and the codec's plaintext policy is {@link
     * PlaintextPolicy#REJECT}.
     */
    PLAINTEXT_REJECTED(
        "Encrypt the payload with the same codec on the writing side, or enable"
            + " PlaintextPolicy.ACCEPT_FOR_MIGRATION while unencrypted payloads are being phased out."),
    /** The payload was written in a format version this codec does not read. */
    UNSUPPORTED_FORMAT_VERSION(
        "Upgrade nexus-security on this worker to a version that reads the payload's format."),
    /** The payload was encrypted with a scheme this codec does not implement. */
    UNSUPPORTED_SCHEME("Configure this worker with a codec that implements the payload's scheme."),
    /** The payload's metadata or decrypted contents do not follow the format. */
    MALFORMED(
        "The payload was altered or written by an incompatible codec; use matching codecs on both"
            + " sides."),
    /** The payload names a keyset or key that this codec does not hold. */
    UNKNOWN_KEY(
        "Add the key to this worker's keyset (roll out new keys to every reader before promoting"
            + " them)."),
    /** The payload names a key that is present but not enabled in this codec's keyset. */
    DISABLED_KEY(
        "Re-enable the key in this worker's keyset while payloads encrypted under it are still"
            + " read."),
    /**
     * Decryption failed: the data or the bound metadata was altered or truncated, or the payload
     * was encrypted with different key material under the same key id.
     */
    AUTHENTICATION_FAILED(
        "The payload was altered or truncated, or both sides hold different key material under the"
            + " same key id; make both sides load the same keyset."),
    /**
     * The payload authenticated, but it was made for another call, operation, direction or position
     * than the one being decoded (or a Nexus-bound payload reached a context-free decode, or the
     * other way round): it was moved, swapped or replayed.
     */
    CONTEXT_MISMATCH(
        "The payload was made for another Nexus call, operation, direction or position; it was"
            + " moved or replayed. Send a fresh payload through the call it belongs to."),
    /** The payload is in format version 1, which carries no call context. */
    LEGACY_FORMAT_REFUSED(
        "Format 1 payloads carry no call context; set TinkPayloadCodec.Builder.setAcceptFormat1(true)"
            + " only while histories written by the previous version are still read."),
    /** The payload names a key-agreement key that the key directory marks as revoked. */
    REVOKED_KEY(
        "The key was revoked in the key directory; payloads under it are no longer accepted. Use"
            + " the namespace's current key."),
    /**
     * A Nexus input authenticated but was written under another payload protection than the one the
     * handler selects for its endpoint and service (from the endpoint registry or the key policy):
     * a downgrade, or caller and handler disagree.
     */
    PROTECTION_MISMATCH(
        "Make caller and handler select the same payload protection for the endpoint and service:"
            + " state it on the endpoint (NexusEndpoint.Builder.setPayloadProtection) and give both"
            + " codecs the registry (TinkPayloadCodec.Builder.setEndpointRegistry), or align their"
            + " key policies.");

    private final String hint;

    Reason(String hint) {
      this.hint = hint;
    }

    /** What to change so that payloads decode; never contains secrets. */
    public String getHint() {
      return hint;
    }
  }

  private final Reason reason;
  private final @Nullable String encoding;
  private final @Nullable String keyId;

  /**
   * Creates an exception.
   *
   * @param reason why decoding failed, not null
   * @param encoding the payload's {@code encoding} metadata value, or null if it has none
   * @param keyId the key id the payload names ({@code <keyset>/<id>}), or null if it names none
   * @param detail what exactly was wrong, not null; must not contain secrets
   * @param cause the underlying error, or null
   */
  public PayloadDecryptionException(
      Reason reason,
      @Nullable String encoding,
      @Nullable String keyId,
      String detail,
      @Nullable Throwable cause) {
    super(message(reason, encoding, keyId, detail), cause);
    this.reason = Objects.requireNonNull(reason, "reason");
    this.encoding = encoding;
    this.keyId = keyId;
  }

  /** Why decoding failed. */
  public Reason getReason() {
    return reason;
  }

  /** The payload's {@code encoding} metadata value; empty if it has none. */
  public Optional<String> getEncoding() {
    return Optional.ofNullable(encoding);
  }

  /** The key id the payload names, as {@code <keyset>/<id>}; empty if it names none. */
  public Optional<String> getKeyId() {
    return Optional.ofNullable(keyId);
  }

  private static String message(
      Reason reason, @Nullable String encoding, @Nullable String keyId, String detail) {
    Objects.requireNonNull(reason, "reason");
    Objects.requireNonNull(detail, "detail");
    return "Cannot decode payload ["
        + reason
        + ", encoding="
        + (encoding == null ? "<none>" : "'" + encoding + "'")
        + ", key="
        + (keyId == null ? "<none>" : "'" + keyId + "'")
        + "]: "
        + detail
        + " "
        + reason.getHint();
  }
}
