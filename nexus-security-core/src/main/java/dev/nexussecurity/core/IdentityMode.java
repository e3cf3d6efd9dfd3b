package dev.nexussecurity.core;

/**
 * How a caller proves its namespace to a handler: the authentication of its identity tokens.
 *
 * <pre>{@code
 * CallerPolicy caller = CallerPolicy.newBuilder().setIdentityMode(IdentityMode.SIGNATURE).build();
 * }</pre>
 */
public enum IdentityMode {
  /**
   * The default: HMAC-SHA256 under the key that caller and handler namespace derive for their pair
   * from their static X25519 keys and each other's public key (no secret crosses a team boundary).
   * A handler can forge a token only to itself; about as fast as no authentication at all.
   */
  PAIRWISE,
  /**
   * Ed25519 signatures with the caller namespace's signature keys, verified with its public keys
   * from the key directory: any party holding the directory can verify a token (non-repudiation),
   * at the cost of a signature per call.
   */
  SIGNATURE
}
