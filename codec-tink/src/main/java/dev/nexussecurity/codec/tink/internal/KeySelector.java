package dev.nexussecurity.codec.tink.internal;

import dev.nexussecurity.codec.tink.PayloadDecryptionException;
import io.temporal.payload.context.SerializationContext;
import java.util.Set;
import javax.annotation.Nullable;

/**
 * The one seam through which the codec chooses keys: the scheme and key to encrypt an outgoing
 * payload with, and the key an incoming payload's metadata names. The wire format carries scheme,
 * keyset name and key id, so a selector that picks keysets per Nexus endpoint or service, or that
 * encrypts to a public key ({@code tink-hpke}), fits behind this interface without changing the
 * framing.
 *
 * <p>Implementations are immutable and thread-safe.
 */
public interface KeySelector {

  /**
   * The key to encrypt an outgoing payload with.
   *
   * @param context the serialization context the codec was bound to with {@code withContext}, or
   *     null when it was used without one; decoding never depends on it
   */
  EnvelopeKey selectForEncryption(@Nullable SerializationContext context);

  /**
   * The key named by an incoming payload's header.
   *
   * @throws PayloadDecryptionException with reason {@code UNSUPPORTED_SCHEME}, {@code UNKNOWN_KEY}
   *     or {@code DISABLED_KEY} when no enabled key matches
   */
  EnvelopeKey resolveForDecryption(WireHeader header);

  /** The qualified id of the key new payloads are encrypted with (without context). */
  String getEncryptionKeyId();

  /** The qualified ids of every key this selector can decrypt with. */
  Set<String> getDecryptionKeyIds();
}
