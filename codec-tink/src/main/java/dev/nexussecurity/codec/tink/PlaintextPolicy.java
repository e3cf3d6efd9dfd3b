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
  ACCEPT_FOR_MIGRATION,

  /**
   * ROLLOUT ONLY, never a production setting: decode protected and unencrypted payloads (as {@link
   * #ACCEPT_FOR_MIGRATION}) but still WRITE every payload unencrypted. Install the codec with this
   * policy on every worker and client first, so that each of them can read protected payloads
   * before any peer writes one (a peer that writes protected payloads to a worker without the codec
   * makes each of its calls fail and retry until timeout); then switch every one to {@link
   * #ACCEPT_FOR_MIGRATION} (writes protected payloads), and to {@link #REJECT} once no unencrypted
   * payload is read any more. See docs/rollout.md.
   *
   * <pre>{@code
   * TinkPayloadCodec codec = TinkPayloadCodec.newBuilder()
   *     .setKeysetSource(source)
   *     .setPlaintextPolicy(PlaintextPolicy.ROLLOUT_DECODE_ONLY) // step 1 of docs/rollout.md
   *     .build();
   * }</pre>
   */
  ROLLOUT_DECODE_ONLY;

  /** Whether this policy lets unencrypted payloads through on decode. */
  public boolean isAcceptingPlaintext() {
    return this != REJECT;
  }
}
