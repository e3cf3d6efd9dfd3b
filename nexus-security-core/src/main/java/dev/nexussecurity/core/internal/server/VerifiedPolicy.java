package dev.nexussecurity.core.internal.server;

/** A policy document whose signature verified under the registry public keyset. */
public final class VerifiedPolicy {
  private final PolicyDocument document;
  private final Integer keyId;

  VerifiedPolicy(PolicyDocument document, Integer keyId) {
    this.document = document;
    this.keyId = keyId;
  }

  /** The verified content. */
  public PolicyDocument getDocument() {
    return document;
  }

  /** The Tink key id that signed it, or {@code null} when the signature carries no key id. */
  public Integer getKeyId() {
    return keyId;
  }
}
