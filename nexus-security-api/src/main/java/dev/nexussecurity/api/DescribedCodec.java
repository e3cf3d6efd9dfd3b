package dev.nexussecurity.api;

/**
 * Implemented by payload codecs that can describe themselves for the converter compatibility check.
 * The compatibility checker and the runtime converter fingerprint look at codecs only through this
 * interface, so core never depends on a particular codec implementation. Codecs that do not
 * implement it are identified by class name.
 *
 * <pre>{@code
 * final class MyCodec implements PayloadCodec, DescribedCodec {
 *   @Override public CodecDescriptor describe() {
 *     return CodecDescriptor.newBuilder("my-company/zstd").build();
 *   }
 *   ...
 * }
 * }</pre>
 */
public interface DescribedCodec {

  /**
   * The current description; it may change when keys rotate. Must be cheap and never expose
   * secrets.
   */
  CodecDescriptor describe();
}
