package dev.nexussecurity.core.keys;

/**
 * The kind of Tink keyset a {@link KeysetSource} is expected to hold. Loading checks every key of
 * the keyset against the kind and refuses a keyset with any other key (for example a payload AEAD
 * keyset given where a signing keyset belongs), naming the key id and what was found. Each kind is
 * parsed with Tink's hermetic configuration for its primitive: nothing is registered globally and
 * no Tink registration is needed before loading.
 *
 * <pre>{@code
 * KeysetHandle signing = KeysetSource.kmsEncryptedJson(path, kms, kekUri).load(KeysetKind.SIGNING);
 * }</pre>
 */
public enum KeysetKind {
  /**
   * A symmetric AEAD keyset: the payload keys of the Tink payload codec (for example AES256_GCM).
   */
  PAYLOAD_AEAD("payload AEAD"),

  /**
   * A private key-agreement keyset: Tink HPKE private keys with KEM DHKEM(X25519, HKDF-SHA256), a
   * namespace's agreement keys ({@link NamespaceKeys#getAgreementKeys()}).
   */
  KEY_AGREEMENT("private key-agreement (HPKE X25519)"),

  /**
   * A private signature keyset (Ed25519, ECDSA, RSA-SSA): identity token signing keys, a
   * namespace's signature keys and the registry policy signing keyset.
   */
  SIGNING("private signature"),

  /** A symmetric MAC keyset (HMAC): the shared token keys of the MAC identity mode. */
  MAC("MAC");

  private final String description;

  KeysetKind(String description) {
    this.description = description;
  }

  /** A short human description, for messages ("payload AEAD", "private signature", ...). */
  public String description() {
    return description;
  }
}
