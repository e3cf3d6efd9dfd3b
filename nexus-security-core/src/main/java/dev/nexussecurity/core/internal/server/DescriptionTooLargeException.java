package dev.nexussecurity.core.internal.server;

/**
 * A signed document (an endpoint policy or the registry manifest) would not fit into a server
 * endpoint's description. The message names the size, the limit and what to shorten.
 */
public final class DescriptionTooLargeException extends Exception {
  private static final long serialVersionUID = 1L;

  private final int size;

  public DescriptionTooLargeException(String message, int size) {
    super(message);
    this.size = size;
  }

  /** The encoded size in bytes. */
  public int getSize() {
    return size;
  }
}
