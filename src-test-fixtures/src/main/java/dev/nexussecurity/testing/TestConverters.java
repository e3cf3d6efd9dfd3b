package dev.nexussecurity.testing;

import com.google.crypto.tink.KeysetHandle;
import dev.nexussecurity.codec.tink.TinkPayloadCodec;
import dev.nexussecurity.core.keys.KeysetSource;
import io.temporal.common.converter.CodecDataConverter;
import io.temporal.common.converter.DataConverter;
import io.temporal.common.converter.DefaultDataConverter;
import java.util.List;
import java.util.Objects;

/**
 * Data converters that do not match a namespace's converter, built on purpose to test how callers,
 * handlers and compatibility checks deal with a mismatch.
 *
 * <ul>
 *   <li>{@link #withKeyTheHandlerLacks} — the handler's payload keyset plus a newer key, made
 *       primary: the caller encrypts with a key the handler does not hold (a key promoted before it
 *       was rolled out). The caller still reads the handler's results.
 *   <li>{@link #withoutCodec()} — no codec at all: plaintext payloads, which a handler with the
 *       codec rejects.
 *   <li>{@link #withCodec} — the building block: the SDK's default converter with a {@link
 *       TinkPayloadCodec} over a given keyset.
 * </ul>
 *
 * <pre>{@code
 * DataConverter stale = TestConverters.withKeyTheHandlerLacks(env.getNamespace("payments-ns"));
 * NexusSecurityAssertions.assertCompatible(stale, payments.getDataConverter()); // fails: KEY_UNAVAILABLE
 *
 * TestNamespace orders = env.getNamespace("orders-ns");
 * WorkerFactory staleCaller = orders.newWorkerFactory(
 *     orders.newWorkflowClient(stale), orders.newOptionsBuilder().setDataConverter(stale).build());
 * // its Nexus calls to payments-ns are denied at once with ENCRYPTION_KEY_UNAVAILABLE
 * }</pre>
 */
public final class TestConverters {
  private static final String NEW_KEY_LABEL = "key-the-handler-lacks";

  private TestConverters() {}

  /** The Temporal SDK's default converter, without any codec: payloads stay plaintext. */
  public static DataConverter withoutCodec() {
    return DefaultDataConverter.newDefaultInstance();
  }

  /**
   * The SDK's default converter with a {@link TinkPayloadCodec} over {@code payloadKeyset}, named
   * {@code keysetName} (failure messages and stack traces not encoded).
   */
  public static DataConverter withCodec(KeysetHandle payloadKeyset, String keysetName) {
    Objects.requireNonNull(payloadKeyset, "payloadKeyset");
    TinkPayloadCodec codec =
        TinkPayloadCodec.newBuilder()
            .setKeysetSource(KeysetSource.fromKeysetHandle(payloadKeyset))
            .setKeysetName(keysetName)
            .build();
    return new CodecDataConverter(DefaultDataConverter.newDefaultInstance(), List.of(codec));
  }

  /**
   * A converter that encrypts with a key {@code handler} lacks: {@code handler}'s payload keyset
   * plus a new key (derived from the environment's {@link TestKeys}) as primary, under the same
   * keyset name.
   *
   * @throws IllegalArgumentException if {@code handler} was declared with {@link
   *     PayloadEncryption#none()}
   */
  public static DataConverter withKeyTheHandlerLacks(TestNamespace handler) {
    Objects.requireNonNull(handler, "handler");
    KeysetHandle keyset =
        handler
            .getPayloadKeyset()
            .orElseThrow(
                () ->
                    new IllegalArgumentException(
                        "namespace '"
                            + handler.getName()
                            + "' has no payload codec (PayloadEncryption.none()); use withCodec(...)"
                            + " or withoutCodec() instead"));
    String keysetName = handler.getPayloadEncryption().getKeysetName().orElseThrow();
    return withCodec(handler.getKeys().withNewPrimaryKey(keyset, NEW_KEY_LABEL), keysetName);
  }

  /**
   * A converter that encrypts with a key the holder of {@code handlerKeyset} lacks: that keyset
   * plus a new random key as primary, under {@code keysetName}.
   */
  public static DataConverter withKeyTheHandlerLacks(
      KeysetHandle handlerKeyset, String keysetName) {
    Objects.requireNonNull(handlerKeyset, "handlerKeyset");
    return withCodec(TestKeys.random().withNewPrimaryKey(handlerKeyset, NEW_KEY_LABEL), keysetName);
  }
}
