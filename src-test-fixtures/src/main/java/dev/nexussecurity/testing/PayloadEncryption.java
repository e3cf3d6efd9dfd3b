package dev.nexussecurity.testing;

import dev.nexussecurity.codec.tink.TinkPayloadCodec;
import java.util.Objects;
import java.util.Optional;

/**
 * How a namespace of a {@link NexusSecurityExtension} protects its payloads: with a {@link
 * TinkPayloadCodec} over a named test keyset, or not at all.
 *
 * <p>Namespaces that name the same keyset share it (same keys, so they read each other's payloads);
 * namespaces with different keysets cannot read each other's payloads, and a namespace with {@link
 * #none()} writes plaintext into its histories. The default of {@link
 * NexusSecurityExtension.Builder#addNamespace(String)} is {@link #sharedKeyset()}.
 *
 * <pre>{@code
 * NexusSecurityExtension.newBuilder()
 *     .addNamespace("orders-ns")                                        // keyset "shared"
 *     .addNamespace("payments-ns")                                      // keyset "shared"
 *     .addNamespace("audit-ns", PayloadEncryption.keyset("audit"))      // its own keyset
 *     .addNamespace("legacy-ns", PayloadEncryption.none())              // no codec: plaintext
 *     .build();
 * }</pre>
 *
 * <p>Immutable value type.
 */
public final class PayloadEncryption {
  /** The keyset name of {@link #sharedKeyset()}. */
  public static final String SHARED_KEYSET_NAME = "shared";

  private static final PayloadEncryption SHARED = new PayloadEncryption(SHARED_KEYSET_NAME);
  private static final PayloadEncryption NONE = new PayloadEncryption(null);

  private final String keysetName;

  private PayloadEncryption(String keysetName) {
    this.keysetName = keysetName;
  }

  /**
   * A codec over the keyset {@value #SHARED_KEYSET_NAME} that every namespace shares by default.
   */
  public static PayloadEncryption sharedKeyset() {
    return SHARED;
  }

  /**
   * A codec over the test keyset {@code keysetName}, shared with every namespace that names it.
   *
   * @param keysetName a valid {@link TinkPayloadCodec} keyset name: 1 to 64 characters of {@code
   *     [A-Za-z0-9._-]}, starting with a letter or digit
   * @throws IllegalArgumentException if the name is not a valid keyset name
   */
  public static PayloadEncryption keyset(String keysetName) {
    // The codec's own rule, so that the name is rejected here and not when the server starts.
    TinkPayloadCodec.newBuilder().setKeysetName(keysetName);
    return SHARED_KEYSET_NAME.equals(keysetName) ? SHARED : new PayloadEncryption(keysetName);
  }

  /** No codec: payloads go into histories as plaintext (the Temporal SDK's default converter). */
  public static PayloadEncryption none() {
    return NONE;
  }

  /** Whether payloads are encrypted. */
  public boolean isEnabled() {
    return keysetName != null;
  }

  /** The keyset name, or empty for {@link #none()}. */
  public Optional<String> getKeysetName() {
    return Optional.ofNullable(keysetName);
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof PayloadEncryption
        && Objects.equals(keysetName, ((PayloadEncryption) o).keysetName);
  }

  @Override
  public int hashCode() {
    return Objects.hashCode(keysetName);
  }

  @Override
  public String toString() {
    return keysetName == null
        ? "PayloadEncryption{none}"
        : "PayloadEncryption{keyset=" + keysetName + "}";
  }
}
