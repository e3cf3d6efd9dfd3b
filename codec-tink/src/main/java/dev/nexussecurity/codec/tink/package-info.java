/**
 * A Google Tink payload codec for Temporal: {@link dev.nexussecurity.codec.tink.TinkPayloadCodec}
 * encrypts every payload with a Tink AEAD keyset shared by the workers on both sides of a Nexus
 * endpoint, with key rotation, KMS-encrypted keysets ({@link
 * dev.nexussecurity.core.keys.KeysetSource}) and typed, secret-free errors. The wire format is
 * specified in the module README.
 *
 * <pre>{@code
 * TinkPayloadCodec codec = TinkPayloadCodec.newBuilder()
 *     .setKeysetSource(KeysetSource.kmsEncryptedJson(keysetPath, kmsClient, kekUri))
 *     .build();
 * DataConverter converter =
 *     new CodecDataConverter(DefaultDataConverter.newDefaultInstance(), List.of(codec));
 * }</pre>
 */
package dev.nexussecurity.codec.tink;
