package dev.nexussecurity.core.keys;

import com.google.crypto.tink.KeyStatus;
import com.google.crypto.tink.KeysetHandle;
import dev.nexussecurity.api.internal.UntrustedText;
import dev.nexussecurity.core.internal.keys.TinkKeysets;
import java.security.GeneralSecurityException;
import java.util.Arrays;
import java.util.Collection;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;

/**
 * The public keys one namespace publishes in a {@link KeyDirectory}: its key-agreement keys
 * (X25519, as a Tink HPKE public keyset), from which callers and handlers derive pairwise keys and
 * to which HPKE payloads are addressed; its signature keys (Ed25519), for the signature identity
 * mode — at least one of the two; the ids of keys it has revoked; and what its workers can decrypt.
 *
 * <p>Only public keys are accepted: a private or symmetric key is refused when building. A key is
 * <em>usable</em> when it is enabled in its keyset and not revoked; revoked key ids are refused
 * even if a keyset still lists them. Immutable.
 *
 * <pre>{@code
 * NamespacePublicKeys orders = NamespacePublicKeys.newBuilder("orders")
 *     .setAgreementKeys(ordersKeys.getAgreementPublicKeyset())
 *     .build();
 * }</pre>
 */
public final class NamespacePublicKeys {
  private final String namespace;
  private final KeysetHandle agreementKeys;
  private final KeysetHandle signatureKeys;
  private final Set<Integer> revokedKeyIds;
  private final PayloadAcceptance acceptance;
  private final int[] usableAgreementIds;
  private final byte[][] usableAgreementKeys;
  // Built once: the getters below are on every call's hot path and must not allocate.
  private final Optional<KeysetHandle> agreementKeysView;
  private final Optional<KeysetHandle> signatureKeysView;
  private final Optional<PayloadAcceptance> acceptanceView;
  private final Optional<Integer> primaryAgreementKeyId;
  private final int[] revokedIds;

  private NamespacePublicKeys(Builder b) {
    this.namespace = b.namespace;
    this.agreementKeys = b.agreementKeys;
    this.signatureKeys = b.signatureKeys;
    this.revokedKeyIds = Set.copyOf(b.revokedKeyIds);
    this.acceptance = b.acceptance;
    int n = 0;
    int size = agreementKeys == null ? 0 : agreementKeys.size();
    int[] ids = new int[size];
    byte[][] keys = new byte[size][];
    for (int i = 0; i < size; i++) {
      KeysetHandle.Entry e = agreementKeys.getAt(i);
      if (e.getStatus().equals(KeyStatus.ENABLED) && !revokedKeyIds.contains(e.getId())) {
        ids[n] = e.getId();
        keys[n] = TinkKeysets.x25519Public(e.getKey());
        n++;
      }
    }
    this.usableAgreementIds = Arrays.copyOf(ids, n);
    this.usableAgreementKeys = Arrays.copyOf(keys, n);
    this.agreementKeysView = Optional.ofNullable(agreementKeys);
    this.signatureKeysView = Optional.ofNullable(signatureKeys);
    this.acceptanceView = Optional.ofNullable(acceptance);
    this.primaryAgreementKeyId =
        agreementKeys == null ? Optional.empty() : Optional.of(agreementKeys.getPrimary().getId());
    this.revokedIds = revokedKeyIds.stream().mapToInt(Integer::intValue).sorted().toArray();
  }

  /** A builder for {@code namespace}'s public keys. */
  public static Builder newBuilder(String namespace) {
    return new Builder(namespace);
  }

  public Builder toBuilder() {
    Builder b = new Builder(namespace).addRevokedKeyIds(revokedKeyIds);
    if (agreementKeys != null) {
      b.setAgreementKeys(agreementKeys);
    }
    if (signatureKeys != null) {
      b.setSignatureKeys(signatureKeys);
    }
    if (acceptance != null) {
      b.setPayloadAcceptance(acceptance);
    }
    return b;
  }

  public String getNamespace() {
    return namespace;
  }

  /** The key-agreement public keyset (Tink HPKE, X25519), if the namespace publishes one. */
  public Optional<KeysetHandle> getAgreementKeys() {
    return agreementKeysView;
  }

  /** The signature public keyset (Ed25519), if the namespace publishes one. */
  public Optional<KeysetHandle> getSignatureKeys() {
    return signatureKeysView;
  }

  /** Ids of revoked keys, unmodifiable. */
  public Set<Integer> getRevokedKeyIds() {
    return revokedKeyIds;
  }

  /** What the namespace's workers decrypt, if it says. */
  public Optional<PayloadAcceptance> getPayloadAcceptance() {
    return acceptanceView;
  }

  /**
   * The id of the key-agreement key peers should use now (the keyset's primary), if the namespace
   * publishes key-agreement keys.
   */
  public Optional<Integer> getPrimaryAgreementKeyId() {
    return primaryAgreementKeyId;
  }

  /**
   * The raw X25519 public value of the usable key-agreement key {@code keyId}, or {@code null} when
   * it is unknown, disabled or revoked. Allocation-free.
   */
  public byte[] usableAgreementKey(int keyId) {
    for (int i = 0; i < usableAgreementIds.length; i++) {
      if (usableAgreementIds[i] == keyId) {
        return usableAgreementKeys[i];
      }
    }
    return null;
  }

  /** Whether {@code keyId} is revoked. Allocation-free. */
  public boolean isRevoked(int keyId) {
    return Arrays.binarySearch(revokedIds, keyId) >= 0;
  }

  @Override
  public boolean equals(Object o) {
    if (!(o instanceof NamespacePublicKeys other)) {
      return false;
    }
    return namespace.equals(other.namespace)
        && sameKeyset(agreementKeys, other.agreementKeys)
        && sameKeyset(signatureKeys, other.signatureKeys)
        && revokedKeyIds.equals(other.revokedKeyIds)
        && Objects.equals(acceptance, other.acceptance);
  }

  private static boolean sameKeyset(KeysetHandle a, KeysetHandle b) {
    return a == null ? b == null : b != null && a.equalsKeyset(b);
  }

  @Override
  public int hashCode() {
    return Objects.hash(namespace, revokedKeyIds, acceptance);
  }

  @Override
  public String toString() {
    return "NamespacePublicKeys{"
        + namespace
        + (agreementKeys == null ? "" : ", agreement keys " + ids(agreementKeys))
        + (signatureKeys == null ? "" : ", signature keys " + ids(signatureKeys))
        + (revokedKeyIds.isEmpty()
            ? ""
            : ", revoked "
                + revokedKeyIds.stream()
                    .map(Integer::toUnsignedLong)
                    .sorted()
                    .map(String::valueOf)
                    .toList())
        + "}";
  }

  static String ids(KeysetHandle keyset) {
    StringBuilder sb = new StringBuilder("[");
    for (int i = 0; i < keyset.size(); i++) {
      KeysetHandle.Entry e = keyset.getAt(i);
      if (i > 0) {
        sb.append(", ");
      }
      sb.append(Integer.toUnsignedString(e.getId()));
      if (e.isPrimary()) {
        sb.append(" (primary)");
      }
      if (!e.getStatus().equals(KeyStatus.ENABLED)) {
        sb.append(" (").append(e.getStatus()).append(')');
      }
    }
    return sb.append(']').toString();
  }

  /** Builder for {@link NamespacePublicKeys}. */
  public static final class Builder {
    private final String namespace;
    private KeysetHandle agreementKeys;
    private KeysetHandle signatureKeys;
    private final Set<Integer> revokedKeyIds = new TreeSet<>();
    private PayloadAcceptance acceptance;

    private Builder(String namespace) {
      this.namespace = KeyDirectoryValidation.namespace("namespace", namespace);
    }

    /**
     * Sets the key-agreement public keyset: Tink HPKE public keys with KEM DHKEM(X25519,
     * HKDF-SHA256).
     *
     * @throws IllegalArgumentException for private keys or other key types
     */
    public Builder setAgreementKeys(KeysetHandle publicKeyset) {
      this.agreementKeys =
          checked(publicKeyset, TinkKeysets.Kind.AGREEMENT, "agreementKeys", namespace);
      return this;
    }

    /**
     * Sets the signature public keyset (Ed25519), for the signature identity mode.
     *
     * @throws IllegalArgumentException for private keys or other key types
     */
    public Builder setSignatureKeys(KeysetHandle publicKeyset) {
      this.signatureKeys =
          checked(publicKeyset, TinkKeysets.Kind.SIGNATURE, "signatureKeys", namespace);
      return this;
    }

    /** Revokes key {@code keyId} (of either keyset): it is refused from now on. */
    public Builder addRevokedKeyId(int keyId) {
      revokedKeyIds.add(keyId);
      return this;
    }

    public Builder addRevokedKeyIds(Collection<Integer> keyIds) {
      keyIds.forEach(this::addRevokedKeyId);
      return this;
    }

    /** Sets what the namespace's workers decrypt (absent: callers do not check). */
    public Builder setPayloadAcceptance(PayloadAcceptance acceptance) {
      this.acceptance = Objects.requireNonNull(acceptance, "payloadAcceptance");
      return this;
    }

    /**
     * @throws IllegalArgumentException with neither key-agreement nor signature keys, or when the
     *     primary key-agreement key is revoked
     */
    public NamespacePublicKeys build() {
      if (agreementKeys == null && signatureKeys == null) {
        throw new IllegalArgumentException(
            "NamespacePublicKeys of '"
                + namespace
                + "' need the namespace's key-agreement public keyset (setAgreementKeys), its"
                + " signature public keyset (setSignatureKeys), or both");
      }
      NamespacePublicKeys keys = new NamespacePublicKeys(this);
      if (agreementKeys != null
          && keys.usableAgreementKey(agreementKeys.getPrimary().getId()) == null) {
        throw new IllegalArgumentException(
            "NamespacePublicKeys of '"
                + namespace
                + "': the primary key-agreement key "
                + Integer.toUnsignedString(agreementKeys.getPrimary().getId())
                + " is revoked; promote another key first");
      }
      return keys;
    }

    private static KeysetHandle checked(
        KeysetHandle keyset, TinkKeysets.Kind kind, String field, String namespace) {
      Objects.requireNonNull(keyset, field);
      try {
        TinkKeysets.requireKeys(keyset, kind, false);
      } catch (GeneralSecurityException e) {
        throw new IllegalArgumentException(
            "NamespacePublicKeys."
                + field
                + " of '"
                + UntrustedText.quote(namespace)
                + "' must be a public "
                + kind.description()
                + " keyset: "
                + e.getMessage()
                + " (publish only the public half: KeysetHandle.getPublicKeysetHandle())",
            e);
      }
      return keyset;
    }
  }
}
