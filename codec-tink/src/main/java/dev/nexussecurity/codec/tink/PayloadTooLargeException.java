package dev.nexussecurity.codec.tink;

import io.temporal.common.converter.DataConverterException;

/**
 * Thrown by {@link TinkPayloadCodec#encode} instead of emitting an encoded payload larger than the
 * codec's limit ({@link TinkPayloadCodec.Builder#setMaxEncodedPayloadSize}); the Temporal server
 * would reject such a payload later, far from its cause.
 *
 * <pre>{@code
 * try {
 *   codec.encode(payloads);
 * } catch (PayloadTooLargeException e) {
 *   log.error("payload {} bytes > {} bytes", e.getSize(), e.getLimit());
 * }
 * }</pre>
 */
public final class PayloadTooLargeException extends DataConverterException {
  private static final long serialVersionUID = 1L;

  private final long size;
  private final long limit;

  /**
   * Creates an exception for an encoded payload of {@code size} bytes over a limit of {@code limit}
   * bytes.
   */
  public PayloadTooLargeException(long size, long limit) {
    super(
        "Encoded payload would be "
            + size
            + " bytes, over the limit of "
            + limit
            + " bytes (TinkPayloadCodec maxEncodedPayloadSize). Pass a smaller value, enable"
            + " compression, or store large data outside Temporal and pass a reference.");
    this.size = size;
    this.limit = limit;
  }

  /** The size in bytes the encoded payload would have had. */
  public long getSize() {
    return size;
  }

  /** The codec's limit in bytes. */
  public long getLimit() {
    return limit;
  }
}
