package dev.nexussecurity.core.keys;

import dev.nexussecurity.api.internal.UntrustedText;
import java.util.Collection;
import java.util.Objects;
import java.util.Set;
import java.util.TreeSet;

/**
 * What a namespace's workers can decrypt, as published in the {@link NamespaceKeyDirectory}:
 * pairwise payloads (derived from the namespaces' key-agreement keys), HPKE payloads addressed to
 * the namespace, payloads under named shared keysets, and plaintext. A caller about to send a
 * payload its handler cannot decrypt is refused on the caller side with a named reason, instead of
 * letting the operation retry until it times out. Immutable.
 *
 * <pre>{@code
 * PayloadAcceptance accepts = PayloadAcceptance.newBuilder()
 *     .setPairwise(true)
 *     .addSharedKeyset("payments")
 *     .build();
 * }</pre>
 */
public final class PayloadAcceptance {
  private final boolean pairwise;
  private final boolean hpke;
  private final boolean plaintext;
  private final Set<String> sharedKeysets;

  private PayloadAcceptance(Builder b) {
    this.pairwise = b.pairwise;
    this.hpke = b.hpke;
    this.plaintext = b.plaintext;
    this.sharedKeysets = Set.copyOf(b.sharedKeysets);
  }

  public static Builder newBuilder() {
    return new Builder();
  }

  public Builder toBuilder() {
    return new Builder()
        .setPairwise(pairwise)
        .setHpke(hpke)
        .setPlaintext(plaintext)
        .addSharedKeysets(sharedKeysets);
  }

  /** Whether pairwise payloads (X25519-derived keys) are decrypted. */
  public boolean isPairwise() {
    return pairwise;
  }

  /** Whether HPKE payloads addressed to the namespace are decrypted. */
  public boolean isHpke() {
    return hpke;
  }

  /** Whether unencrypted payloads are accepted. */
  public boolean isPlaintext() {
    return plaintext;
  }

  /** The names of the shared keysets whose payloads are decrypted, unmodifiable. */
  public Set<String> getSharedKeysets() {
    return sharedKeysets;
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof PayloadAcceptance a
        && pairwise == a.pairwise
        && hpke == a.hpke
        && plaintext == a.plaintext
        && sharedKeysets.equals(a.sharedKeysets);
  }

  @Override
  public int hashCode() {
    return Objects.hash(pairwise, hpke, plaintext, sharedKeysets);
  }

  @Override
  public String toString() {
    return "PayloadAcceptance{pairwise="
        + pairwise
        + ", hpke="
        + hpke
        + ", plaintext="
        + plaintext
        + ", sharedKeysets="
        + new TreeSet<>(sharedKeysets)
        + "}";
  }

  /** Builder for {@link PayloadAcceptance}; everything is refused unless set. */
  public static final class Builder {
    private boolean pairwise;
    private boolean hpke;
    private boolean plaintext;
    private final Set<String> sharedKeysets = new TreeSet<>();

    private Builder() {}

    public Builder setPairwise(boolean pairwise) {
      this.pairwise = pairwise;
      return this;
    }

    public Builder setHpke(boolean hpke) {
      this.hpke = hpke;
      return this;
    }

    public Builder setPlaintext(boolean plaintext) {
      this.plaintext = plaintext;
      return this;
    }

    /** Adds a shared keyset name: 1-64 characters of {@code [A-Za-z0-9._-]}. */
    public Builder addSharedKeyset(String name) {
      Objects.requireNonNull(name, "sharedKeyset");
      if (!name.matches("[A-Za-z0-9._-]{1,64}")) {
        throw new IllegalArgumentException(
            "PayloadAcceptance.sharedKeyset must be 1-64 characters of [A-Za-z0-9._-], got '"
                + UntrustedText.quote(name)
                + "'");
      }
      sharedKeysets.add(name);
      return this;
    }

    public Builder addSharedKeysets(Collection<String> names) {
      names.forEach(this::addSharedKeyset);
      return this;
    }

    public PayloadAcceptance build() {
      return new PayloadAcceptance(this);
    }
  }
}
