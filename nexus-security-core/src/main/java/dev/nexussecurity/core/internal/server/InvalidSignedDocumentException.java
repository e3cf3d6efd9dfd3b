package dev.nexussecurity.core.internal.server;

/**
 * A signed document read from the server (an endpoint policy or the registry manifest) failed
 * parsing, verification, binding or a freshness check. The message says what is wrong in words an
 * operator can act on; it never contains key material, and server-controlled text in it is quoted.
 */
public final class InvalidSignedDocumentException extends Exception {
  private static final long serialVersionUID = 1L;

  /** What is wrong with a signed document. */
  public enum Problem {
    /** The document is not of a known shape (metadata, envelope, JSON, fields, types, names). */
    MALFORMED,
    /** The document declares a format version this library does not read. */
    UNSUPPORTED_VERSION,
    /** The signature names a key that is not an enabled key of the registry public keyset. */
    UNKNOWN_KEY,
    /** The signature does not verify: the document was edited after it was signed. */
    BAD_SIGNATURE,
    /** The document was signed for another cluster (audience) than this one. */
    WRONG_AUDIENCE,
    /** The document's issue time (or epoch) lies after now plus the allowed clock skew. */
    ISSUED_IN_FUTURE,
    /** The signed policy names another endpoint than the server endpoint that carries it. */
    NAME_MISMATCH,
    /** The signed policy names another target than the server endpoint's target. */
    TARGET_MISMATCH,
    /** The policy is not the one the registry manifest lists for this endpoint. */
    NOT_IN_MANIFEST,
    /** The server has no registry manifest. */
    MISSING,
    /** The manifest is older than one this worker already accepted. */
    ROLLED_BACK,
    /** The manifest has expired. */
    EXPIRED
  }

  private final Problem problem;

  public InvalidSignedDocumentException(Problem problem, String message) {
    super(message);
    this.problem = problem;
  }

  /** What is wrong. */
  public Problem getProblem() {
    return problem;
  }
}
