package dev.nexussecurity.core.internal.server;

/**
 * A server endpoint's policy document failed parsing, verification or binding. The message says
 * what is wrong in words an operator can act on; it never contains key material.
 */
public final class InvalidPolicyException extends Exception {
  private static final long serialVersionUID = 1L;

  /** What is wrong with a policy document. */
  public enum Problem {
    /**
     * The description is not a policy document of a known shape (JSON, fields, types, metadata).
     */
    MALFORMED,
    /** The document declares a format version this library does not read. */
    UNSUPPORTED_VERSION,
    /** The signature names a key that is not an enabled key of the registry public keyset. */
    UNKNOWN_KEY,
    /** The signature does not verify: the policy was edited after it was signed. */
    BAD_SIGNATURE,
    /** The signed policy names another endpoint than the server endpoint that carries it. */
    NAME_MISMATCH,
    /** The signed policy names another target than the server endpoint's target. */
    TARGET_MISMATCH,
    /** The signed policy is older than one already accepted for this endpoint. */
    ROLLED_BACK
  }

  private final Problem problem;

  public InvalidPolicyException(Problem problem, String message) {
    super(message);
    this.problem = problem;
  }

  public InvalidPolicyException(Problem problem, String message, Throwable cause) {
    super(message, cause);
    this.problem = problem;
  }

  /** What is wrong. */
  public Problem getProblem() {
    return problem;
  }
}
