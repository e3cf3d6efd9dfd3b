package dev.nexussecurity.core.keys;

import com.google.crypto.tink.KeysetHandle;
import dev.nexussecurity.api.internal.UntrustedText;
import dev.nexussecurity.core.internal.keys.NamespaceKeyFiles;
import dev.nexussecurity.core.internal.keys.TinkKeysets;
import java.security.GeneralSecurityException;
import java.util.Objects;
import java.util.Optional;

/**
 * One namespace's own private keys, held only by that namespace's workers: its key-agreement keyset
 * (X25519, as a Tink HPKE private keyset), from which it derives a pairwise key with every
 * namespace it calls or serves and decrypts HPKE payloads addressed to it; and optionally its
 * signature keyset (Ed25519), for the signature identity mode. Its public half, {@link
 * #toPublicKeys()}, is what the namespace publishes in the {@link KeyDirectory}.
 *
 * <p>A namespace's keys live in one <em>namespace keys file</em> ({@code docs/keys.md}), made and
 * rotated with {@code nexus-security-keys namespace-keys} (artifact nexus-security-tools) and read
 * with {@link #load}: in production each keyset in it is encrypted under a KMS key ({@link
 * KeysetSource#kmsEncryptedJson}) and bound to the namespace, so the file cannot be moved to
 * another namespace; in development it may be cleartext ({@link
 * KeysetSource#insecureCleartextJson}). No Tink registration is needed. {@link #generate} makes
 * fresh in-memory keys for tests and local trials. Immutable and thread-safe; {@code toString}
 * shows key ids, never key material.
 *
 * <pre>{@code
 * NamespaceKeys orders = NamespaceKeys.load(
 *     KeysetSource.kmsEncryptedJson(Path.of("/etc/orders/orders.keys.json"), kms, kekUri));
 * directory = directory.toBuilder().put(orders.toPublicKeys()).build();
 * }</pre>
 */
public final class NamespaceKeys {
  private final String namespace;
  private final KeysetHandle agreementKeys;
  private final KeysetHandle signatureKeys;

  private NamespaceKeys(Builder b) {
    this.namespace = b.namespace;
    this.agreementKeys = b.agreementKeys;
    this.signatureKeys = b.signatureKeys;
  }

  public static Builder newBuilder(String namespace) {
    return new Builder(namespace);
  }

  /**
   * Fresh keys for {@code namespace}, generated in memory: a key-agreement key and, with {@code
   * withSignatureKey}, an Ed25519 signature key. For tests and local trials; production keys are
   * generated with the key tool and stored encrypted under a KMS key.
   */
  public static NamespaceKeys generate(String namespace, boolean withSignatureKey) {
    try {
      Builder b =
          newBuilder(namespace).setAgreementKeys(TinkKeysets.generate(TinkKeysets.Kind.AGREEMENT));
      if (withSignatureKey) {
        b.setSignatureKeys(TinkKeysets.generate(TinkKeysets.Kind.SIGNATURE));
      }
      return b.build();
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("generating keys failed", e);
    }
  }

  /**
   * Reads a namespace keys file ({@code docs/keys.md}).
   *
   * @param source {@link KeysetSource#kmsEncryptedJson} for a file whose keysets are encrypted
   *     under that KMS key (production), {@link KeysetSource#insecureCleartextJson} for a cleartext
   *     development file; not null
   * @return the keys; their namespace is the file's (check it is the one your worker runs in)
   * @throws KeysetLoadException if the file is missing or malformed, is protected otherwise than
   *     {@code source} says, was encrypted under another KMS key, associated data or namespace, or
   *     holds keys of the wrong kind; the message names the file, line and column and what to fix
   * @throws io.temporal.payload.codec.PayloadCodecException if the KMS could not be reached
   *     (retrying may succeed)
   * @throws IllegalArgumentException if {@code source} is a keyset handle, not a file
   */
  public static NamespaceKeys load(KeysetSource source) {
    Objects.requireNonNull(source, "source");
    return NamespaceKeyFiles.read(requireFile(source), protection(source));
  }

  /**
   * Writes these keys to the namespace keys file of {@code target} atomically (readers see the old
   * file or the new one; a new file is readable by its owner only), encrypted under the target's
   * KMS key, or in cleartext for an {@link KeysetSource#insecureCleartextJson} target (development
   * only). An existing file is replaced.
   *
   * @param target the file and its protection, as {@link #load} reads it back; not null
   * @throws java.io.UncheckedIOException if the file cannot be written; it is then unchanged
   * @throws io.temporal.payload.codec.PayloadCodecException if the KMS could not be reached
   */
  public void save(KeysetSource target) {
    Objects.requireNonNull(target, "target");
    NamespaceKeyFiles.save(requireFile(target), this, protection(target));
  }

  private static java.nio.file.Path requireFile(KeysetSource source) {
    if (source.storage() == KeysetSource.Storage.HANDLE) {
      throw new IllegalArgumentException(
          "a namespace keys file is read from a file: use KeysetSource.kmsEncryptedJson or"
              + " KeysetSource.insecureCleartextJson (for keyset handles, use"
              + " NamespaceKeys.newBuilder)");
    }
    return source.path();
  }

  private static NamespaceKeyFiles.Protection protection(KeysetSource source) {
    return source.storage() == KeysetSource.Storage.CLEARTEXT_FILE
        ? NamespaceKeyFiles.Protection.cleartext()
        : new NamespaceKeyFiles.Protection(
            source.kmsClient(), source.keyEncryptionKeyUri(), source.associatedData());
  }

  public String getNamespace() {
    return namespace;
  }

  /**
   * The private key-agreement keyset. It is a secret of this namespace: never log, serialize in
   * cleartext outside development, or hand it to another team.
   */
  public KeysetHandle getAgreementKeys() {
    return agreementKeys;
  }

  /** The private signature keyset, if this namespace has one. It is a secret of this namespace. */
  public Optional<KeysetHandle> getSignatureKeys() {
    return Optional.ofNullable(signatureKeys);
  }

  /** The public half, to publish in the key directory. */
  public NamespacePublicKeys toPublicKeys() {
    try {
      NamespacePublicKeys.Builder b =
          NamespacePublicKeys.newBuilder(namespace)
              .setAgreementKeys(agreementKeys.getPublicKeysetHandle());
      if (signatureKeys != null) {
        b.setSignatureKeys(signatureKeys.getPublicKeysetHandle());
      }
      return b.build();
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("cannot derive the public keys of " + namespace, e);
    }
  }

  @Override
  public String toString() {
    return "NamespaceKeys{"
        + namespace
        + ", agreement keys "
        + NamespacePublicKeys.ids(agreementKeys)
        + (signatureKeys == null
            ? ""
            : ", signature keys " + NamespacePublicKeys.ids(signatureKeys))
        + "}";
  }

  /** Builder for {@link NamespaceKeys}. */
  public static final class Builder {
    private final String namespace;
    private KeysetHandle agreementKeys;
    private KeysetHandle signatureKeys;

    private Builder(String namespace) {
      this.namespace = KeyDirectoryValidation.namespace("namespace", namespace);
    }

    /**
     * Sets the private key-agreement keyset (required): Tink HPKE private keys with KEM
     * DHKEM(X25519, HKDF-SHA256); the primary key is the one used for new tokens and payloads.
     */
    public Builder setAgreementKeys(KeysetHandle privateKeyset) {
      this.agreementKeys = checked(privateKeyset, TinkKeysets.Kind.AGREEMENT, "agreementKeys");
      return this;
    }

    /** Sets the private signature keyset (Ed25519), for the signature identity mode. */
    public Builder setSignatureKeys(KeysetHandle privateKeyset) {
      this.signatureKeys = checked(privateKeyset, TinkKeysets.Kind.SIGNATURE, "signatureKeys");
      return this;
    }

    public NamespaceKeys build() {
      if (agreementKeys == null) {
        throw new IllegalArgumentException(
            "NamespaceKeys of '"
                + namespace
                + "' need the namespace's private key-agreement keyset (setAgreementKeys); make"
                + " one with the key tool or NamespaceKeys.generate for tests");
      }
      return new NamespaceKeys(this);
    }

    private KeysetHandle checked(KeysetHandle keyset, TinkKeysets.Kind kind, String field) {
      Objects.requireNonNull(keyset, field);
      try {
        TinkKeysets.requireKeys(keyset, kind, true);
      } catch (GeneralSecurityException e) {
        throw new IllegalArgumentException(
            "NamespaceKeys."
                + field
                + " of '"
                + UntrustedText.quote(namespace)
                + "' must be a private "
                + kind.description()
                + " keyset: "
                + e.getMessage(),
            e);
      }
      return keyset;
    }
  }
}
