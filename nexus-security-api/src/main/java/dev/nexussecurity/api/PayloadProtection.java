package dev.nexussecurity.api;

import dev.nexussecurity.api.internal.UntrustedText;
import java.util.Locale;
import java.util.Objects;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * How the payloads of a Nexus endpoint (or of one service behind it) are protected on the wire: the
 * value an endpoint's configuration names and a binding-aware payload codec (the Tink codec)
 * selects its key mode by. Every mode binds each payload to its call (direction, position,
 * endpoint, service, operation, namespaces, binding id) in authenticated data.
 *
 * <ul>
 *   <li>{@link Mode#SHARED}: AEAD under a named keyset that caller and handler both hold.
 *   <li>{@link Mode#PAIRWISE}: AES-256-GCM under the key derived for the (sender namespace,
 *       receiver namespace) pair from their X25519 keys in the key directory; no secret crosses a
 *       team boundary, and a successful decryption proves which pair produced the payload.
 *   <li>{@link Mode#HPKE}: HPKE (X25519, HKDF-SHA256, AES-256-GCM) to the receiving namespace's
 *       public key, for per-payload forward secrecy against a later sender-key compromise.
 *   <li>{@link Mode#AUTHENTICATED}: no encryption; a pairwise MAC over the call's context and the
 *       payload, so the input that reaches handler code is provably the one the caller sent.
 * </ul>
 *
 * <pre>{@code
 * PayloadProtection shared = PayloadProtection.shared("payments");
 * PayloadProtection pairwise = PayloadProtection.pairwise();
 * PayloadProtection parsed = PayloadProtection.parse("shared:payments"); // equals shared
 * }</pre>
 *
 * <p>Immutable; {@link #toString()} is the text form {@link #parse} reads ({@code shared:<keyset>},
 * {@code pairwise}, {@code hpke}, {@code authenticated}).
 */
public final class PayloadProtection {
  /** The protection modes. */
  public enum Mode {
    /** AEAD under a named shared keyset. */
    SHARED,
    /** AES-256-GCM under the sender/receiver pair's derived key. */
    PAIRWISE,
    /** HPKE to the receiver namespace's public key. */
    HPKE,
    /** No encryption; a pairwise MAC binds the payload to its call. */
    AUTHENTICATED
  }

  private static final Pattern KEYSET_NAME = Pattern.compile("[A-Za-z0-9][A-Za-z0-9._-]{0,63}");
  private static final PayloadProtection PAIRWISE = new PayloadProtection(Mode.PAIRWISE, null);
  private static final PayloadProtection HPKE = new PayloadProtection(Mode.HPKE, null);
  private static final PayloadProtection AUTHENTICATED =
      new PayloadProtection(Mode.AUTHENTICATED, null);

  private final Mode mode;
  private final String keysetName;

  private PayloadProtection(Mode mode, String keysetName) {
    this.mode = mode;
    this.keysetName = keysetName;
  }

  /**
   * AEAD under the shared keyset named {@code keysetName}: 1 to 64 characters of {@code
   * [A-Za-z0-9._-]} starting with a letter or digit.
   */
  public static PayloadProtection shared(String keysetName) {
    if (keysetName == null || !KEYSET_NAME.matcher(keysetName).matches()) {
      throw new IllegalArgumentException(
          "PayloadProtection keysetName must be 1 to 64 characters of [A-Za-z0-9._-] starting with"
              + " a letter or digit, got '"
              + (keysetName == null ? "null" : UntrustedText.quote(keysetName))
              + "'");
    }
    return new PayloadProtection(Mode.SHARED, keysetName);
  }

  /** AES-256-GCM under the pairwise key of sender and receiver namespace. */
  public static PayloadProtection pairwise() {
    return PAIRWISE;
  }

  /** HPKE to the receiving namespace's public key-agreement key. */
  public static PayloadProtection hpke() {
    return HPKE;
  }

  /** No encryption; a pairwise MAC over the call's context and the payload. */
  public static PayloadProtection authenticated() {
    return AUTHENTICATED;
  }

  /**
   * Reads the text form: {@code shared:<keyset>}, {@code pairwise}, {@code hpke} or {@code
   * authenticated} (lower case).
   *
   * @throws IllegalArgumentException naming the text and the accepted forms
   */
  public static PayloadProtection parse(String text) {
    Objects.requireNonNull(text, "text");
    switch (text) {
      case "pairwise":
        return PAIRWISE;
      case "hpke":
        return HPKE;
      case "authenticated":
        return AUTHENTICATED;
      default:
        if (text.startsWith("shared:")) {
          return shared(text.substring("shared:".length()));
        }
        throw new IllegalArgumentException(
            "payload protection '"
                + UntrustedText.quote(text)
                + "' is not one of shared:<keyset>, pairwise, hpke, authenticated");
    }
  }

  public Mode getMode() {
    return mode;
  }

  /** The shared keyset's name; present exactly for {@link Mode#SHARED}. */
  public Optional<String> getKeysetName() {
    return Optional.ofNullable(keysetName);
  }

  /** Whether payloads under this protection are encrypted (all modes but AUTHENTICATED). */
  public boolean isEncrypting() {
    return mode != Mode.AUTHENTICATED;
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof PayloadProtection
        && mode == ((PayloadProtection) o).mode
        && Objects.equals(keysetName, ((PayloadProtection) o).keysetName);
  }

  @Override
  public int hashCode() {
    return Objects.hash(mode, keysetName);
  }

  /** The text form {@link #parse} reads. */
  @Override
  public String toString() {
    return mode == Mode.SHARED ? "shared:" + keysetName : mode.name().toLowerCase(Locale.ROOT);
  }
}
