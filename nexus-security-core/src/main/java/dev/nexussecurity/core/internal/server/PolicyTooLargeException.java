package dev.nexussecurity.core.internal.server;

/** A signed policy document would not fit into a server endpoint's description. */
public final class PolicyTooLargeException extends Exception {
  private static final long serialVersionUID = 1L;

  private final String endpointName;
  private final int size;

  public PolicyTooLargeException(String endpointName, int size, int descriptionBytes, int callers) {
    super(
        "the signed policy document of endpoint '"
            + endpointName
            + "' would be "
            + size
            + " bytes, but the Temporal server stores at most "
            + PolicyCodec.MAX_DESCRIPTION_BYTES
            + " bytes in an endpoint description (data and metadata); shorten its description ("
            + descriptionBytes
            + " UTF-8 bytes) or its allowlist ("
            + callers
            + " caller namespaces) by at least "
            + (size - PolicyCodec.MAX_DESCRIPTION_BYTES)
            + " bytes");
    this.endpointName = endpointName;
    this.size = size;
  }

  /** The endpoint. */
  public String getEndpointName() {
    return endpointName;
  }

  /** The encoded size in bytes. */
  public int getSize() {
    return size;
  }
}
