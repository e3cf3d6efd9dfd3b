package dev.nexussecurity.codec.tink;

/**
 * What {@link TinkPayloadCodec#decode} does with a payload that is not encrypted (its {@code
 * encoding} is not {@code binary/encrypted}). Encoding always encrypts, whatever the policy.
 *
 * <pre>{@code
 * TinkPayloadCodec codec = TinkPayloadCodec.newBuilder()
 *     .setKeysetSource(source)
 *     .setPlaintextPolicy(PlaintextPolicy.ACCEPT_FOR_MIGRATION) // only while old histories drain
 *     .build();
 * }</pre>
 */
public enum PlaintextPolicy {
  /**
   * Reject unencrypted payloads with {@link PayloadDecryptionException.Reason#PLAINTEXT_REJECTED}.
   * The default: a codec that silently passes plaintext through accepts payloads anyone with write
   * access to the server could have injected.
   */
  REJECT,

  /**
   * Pass unencrypted payloads through unchanged. Meant only for migrating existing workflows to
   * encryption; switch back to {@link #REJECT} once no unencrypted payload is read any more.
   * Payloads that carry this codec's format entry but not its encoding are still rejected, since
   * they are encrypted payloads whose metadata was altered.
   */
  ACCEPT_FOR_MIGRATION
}
