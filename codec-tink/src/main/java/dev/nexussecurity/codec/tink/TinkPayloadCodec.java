package dev.nexussecurity.codec.tink;

import com.google.crypto.tink.KeyStatus;
import com.google.crypto.tink.KeysetHandle;
import com.google.protobuf.ByteString;
import dev.nexussecurity.api.CodecDescriptor;
import dev.nexussecurity.api.DescribedCodec;
import dev.nexussecurity.api.EndpointRegistry;
import dev.nexussecurity.api.PayloadProtection;
import dev.nexussecurity.codec.tink.internal.ContextCodec;
import dev.nexussecurity.codec.tink.internal.TinkAeadKeySelector;
import dev.nexussecurity.codec.tink.internal.WireFormat;
import dev.nexussecurity.codec.tink.internal.WireFormatV2;
import dev.nexussecurity.core.keys.KeyDirectory;
import dev.nexussecurity.core.keys.KeysetKind;
import dev.nexussecurity.core.keys.KeysetLoadException;
import dev.nexussecurity.core.keys.KeysetSource;
import dev.nexussecurity.core.keys.NamespaceKeys;
import io.temporal.api.common.v1.Payload;
import io.temporal.payload.codec.PayloadCodec;
import io.temporal.payload.codec.PayloadCodecException;
import io.temporal.payload.context.SerializationContext;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.regex.Pattern;
import javax.annotation.Nonnull;
import javax.annotation.Nullable;

/**
 * A Temporal {@link PayloadCodec} that encrypts every payload with a Google Tink AEAD keyset, for
 * caller and handler workers of a Nexus endpoint (or any workers) that share the keyset.
 *
 * <p><b>Security guarantees.</b> Each payload is encrypted with the keyset's primary key; the whole
 * original payload (metadata and data) is the plaintext, so neither its value nor its encoding is
 * visible in history. Every metadata entry the codec writes (encoding, format version, scheme,
 * keyset name, key id, compression) is bound as associated data: altering, removing or truncating
 * anything is detected on decode. Decoding uses exactly the enabled key the payload names, so keys
 * can be rotated while old payloads stay readable (add a key, roll it out, promote it, then disable
 * the old one). Unencrypted payloads are rejected on decode unless {@link
 * PlaintextPolicy#ACCEPT_FOR_MIGRATION} is set. Payload sizes, the key id and the time of
 * encryption are not hidden. The wire format is specified byte by byte in the module README.
 *
 * <p><b>Errors.</b> Decoding failures throw {@link PayloadDecryptionException} (a {@code
 * DataConverterException}, with a reason, the encoding and the key id); payloads that would exceed
 * the size limit throw {@link PayloadTooLargeException}; an unreachable KMS while building throws
 * {@link PayloadCodecException}; an unusable keyset throws {@link KeysetLoadException}. No message
 * contains key material.
 *
 * <p>Instances are immutable and thread-safe; build one per keyset and share it.
 *
 * <pre>{@code
 * TinkPayloadCodec codec = TinkPayloadCodec.newBuilder()
 *     .setKeysetSource(KeysetSource.kmsEncryptedJson(keysetPath, kmsClient, kekUri))
 *     .setKeysetName("orders")
 *     .build();
 * DataConverter converter =
 *     new CodecDataConverter(DefaultDataConverter.newDefaultInstance(), List.of(codec));
 * WorkflowClientOptions options =
 *     WorkflowClientOptions.newBuilder().setDataConverter(converter).build();
 * }</pre>
 */
public final class TinkPayloadCodec implements PayloadCodec, DescribedCodec {
  /** The codec id reported by {@link #describe()}. */
  public static final String CODEC_ID = "nexus-security/tink-aead";

  /**
   * Default limit of an encoded payload: 2 MiB (2,097,152 bytes), Temporal's default payload limit.
   */
  public static final int DEFAULT_MAX_ENCODED_PAYLOAD_SIZE = 2 * 1024 * 1024;

  /** Default keyset name. */
  public static final String DEFAULT_KEYSET_NAME = "default";

  private static final Pattern KEYSET_NAME = Pattern.compile("[A-Za-z0-9][A-Za-z0-9._-]{0,63}");
  private static final int MIN_MAX_ENCODED_PAYLOAD_SIZE = 1024;

  private final ContextCodec engine;
  private final CodecDescriptor descriptor;
  private final String keysetName;
  private final boolean compressionEnabled;
  private final PlaintextPolicy plaintextPolicy;
  private final int maxEncodedPayloadSize;
  private final boolean acceptFormat1;
  private final @Nullable SerializationContext context;

  private TinkPayloadCodec(Builder b, Map<String, TinkAeadKeySelector> shared) {
    this.keysetName = b.keysetName;
    this.compressionEnabled = b.compressionEnabled;
    this.plaintextPolicy = b.plaintextPolicy;
    this.maxEncodedPayloadSize = b.maxEncodedPayloadSize;
    this.acceptFormat1 = b.acceptFormat1;
    PayloadKeyPolicy policy = b.policy;
    if (policy == null) {
      policy =
          PayloadKeyPolicy.of(
              shared.isEmpty()
                  ? PayloadProtection.pairwise()
                  : PayloadProtection.shared(
                      shared.containsKey(b.keysetName)
                          ? b.keysetName
                          : shared.keySet().iterator().next()));
    }
    for (PayloadProtection p : policy.allProtections()) {
      if (p.getMode() == PayloadProtection.Mode.SHARED) {
        if (!shared.containsKey(p.getKeysetName().orElseThrow())) {
          throw new IllegalStateException(
              "the key policy selects "
                  + p
                  + " but the codec holds no keyset of that name (holds "
                  + shared.keySet()
                  + "); add it with addSharedKeyset(name, source)");
        }
      } else if (b.namespaceKeys == null || b.directory == null) {
        throw new IllegalStateException(
            "the key policy selects "
                + p
                + ", which needs this namespace's keys and the key directory: call"
                + " setNamespaceKeys(...) and setKeyDirectory(...)");
      }
    }
    this.engine =
        new ContextCodec(
            shared,
            b.namespaceKeys,
            b.directory,
            policy,
            compressionEnabled,
            plaintextPolicy,
            maxEncodedPayloadSize,
            acceptFormat1,
            b.checkPositions,
            b.registry);
    this.descriptor = describe(policy, shared, b.namespaceKeys, plaintextPolicy);
    this.context = null;
  }

  private static CodecDescriptor describe(
      PayloadKeyPolicy policy,
      Map<String, TinkAeadKeySelector> shared,
      @Nullable NamespaceKeys own,
      PlaintextPolicy plaintextPolicy) {
    CodecDescriptor.Builder d =
        CodecDescriptor.newBuilder(CODEC_ID)
            .setAcceptingUnencodedPayloads(plaintextPolicy.isAcceptingPlaintext());
    shared.forEach(
        (name, sel) -> {
          sel.getDecryptionKeyIds().forEach(d::addDecryptionKeyId);
          d.addPayloadProtection(PayloadProtection.shared(name));
        });
    PayloadProtection def = policy.getDefault();
    if (def.getMode() == PayloadProtection.Mode.SHARED) {
      d.setEncryptionKeyId(shared.get(def.getKeysetName().orElseThrow()).getEncryptionKeyId());
    }
    if (own != null) {
      d.addPayloadProtection(PayloadProtection.pairwise());
      d.addPayloadProtection(PayloadProtection.hpke());
      d.addPayloadProtection(PayloadProtection.authenticated());
      // no encryption key id for the namespace modes: their keys are per pair (the peer's ids
      // differ), so an exact key-id comparison would report a false mismatch; the protections say
      // what each side decodes
      KeysetHandle keys = own.getAgreementKeys();
      for (int i = 0; i < keys.size(); i++) {
        KeysetHandle.Entry e = keys.getAt(i);
        if (e.getStatus() == KeyStatus.ENABLED) {
          String id = own.getNamespace() + ":" + Integer.toUnsignedString(e.getId());
          d.addDecryptionKeyId("pairwise/" + id);
          d.addDecryptionKeyId("hpke/" + id);
        }
      }
    }
    return d.build();
  }

  private TinkPayloadCodec(TinkPayloadCodec base, SerializationContext context) {
    this.engine = base.engine;
    this.descriptor = base.descriptor;
    this.keysetName = base.keysetName;
    this.compressionEnabled = base.compressionEnabled;
    this.plaintextPolicy = base.plaintextPolicy;
    this.maxEncodedPayloadSize = base.maxEncodedPayloadSize;
    this.acceptFormat1 = base.acceptFormat1;
    this.context = context;
  }

  /**
   * The clear-text call context of a format-2 payload this codec wrote: the fields of its {@code
   * nexus-security-context} entry, keyed by their README names in context order ({@code encoding},
   * {@code format}, {@code scheme}, {@code keyset}, {@code key-id}, {@code compression}, {@code
   * direction}, {@code position}, {@code endpoint}, {@code service}, {@code operation}, {@code
   * caller}, {@code handler}, {@code binding}). Empty for any other payload (plaintext, format 1, a
   * malformed entry). The values are <b>not authenticated</b> by this call: for diagnostics and
   * display only, never for a security decision.
   *
   * <pre>{@code
   * TinkPayloadCodec.contextOf(payload).map(c -> c.get("scheme")).orElse("none");
   * }</pre>
   */
  public static Optional<Map<String, String>> contextOf(Payload payload) {
    ByteString context = payload.getMetadataMap().get(WireFormatV2.CONTEXT_KEY);
    return context == null
        ? Optional.empty()
        : Optional.ofNullable(WireFormatV2.contextFields(context));
  }

  /** Returns a builder; a keyset source is required. */
  public static Builder newBuilder() {
    return new Builder();
  }

  /**
   * Encrypts every payload with the primary key.
   *
   * @throws PayloadTooLargeException if an encoded payload would exceed the size limit
   */
  @Nonnull
  @Override
  public List<Payload> encode(@Nonnull List<Payload> payloads) {
    return engine.encode(payloads, context);
  }

  /**
   * Decrypts every payload with the key it names.
   *
   * @throws PayloadDecryptionException if a payload cannot be decoded
   */
  @Nonnull
  @Override
  public List<Payload> decode(@Nonnull List<Payload> payloads) {
    return engine.decode(payloads, context);
  }

  /** A codec that passes {@code context} to key selection; cheap, shares everything else. */
  @Nonnull
  @Override
  public PayloadCodec withContext(@Nonnull SerializationContext context) {
    return new TinkPayloadCodec(this, Objects.requireNonNull(context, "context"));
  }

  /**
   * The codec id {@value #CODEC_ID}, the key id new payloads are encrypted with and the ids of
   * every enabled key, each as {@code <keyset name>/<unsigned Tink key id>}, and whether
   * unencrypted payloads are accepted (only in {@link PlaintextPolicy#ACCEPT_FOR_MIGRATION}). No
   * key material.
   */
  @Override
  public CodecDescriptor describe() {
    return descriptor;
  }

  /** The key policy: which protection each call's payloads get. */
  public PayloadKeyPolicy getKeyPolicy() {
    return engine.getPolicy();
  }

  /** Whether format-1 payloads (no call context) are still decoded. */
  public boolean isAcceptingFormat1() {
    return acceptFormat1;
  }

  /** The name of the keyset set with {@link Builder#setKeysetSource}. */
  public String getKeysetName() {
    return keysetName;
  }

  /** Whether payloads are compressed (when that shrinks them) before encryption. */
  public boolean isCompressionEnabled() {
    return compressionEnabled;
  }

  /** What decoding does with unencrypted payloads. */
  public PlaintextPolicy getPlaintextPolicy() {
    return plaintextPolicy;
  }

  /** The largest encoded payload, in bytes, this codec emits. */
  public int getMaxEncodedPayloadSize() {
    return maxEncodedPayloadSize;
  }

  @Override
  public String toString() {
    return "TinkPayloadCodec{policy="
        + engine.getPolicy()
        + ", keysets="
        + new java.util.TreeSet<>(engine.getShared().keySet())
        + engine.getNamespaceKeys().map(k -> ", namespace=" + k.getNamespace()).orElse("")
        + ", encryptsWith="
        + descriptor.getEncryptionKeyId().orElse("?")
        + ", compression="
        + compressionEnabled
        + ", plaintextPolicy="
        + plaintextPolicy
        + ", maxEncodedPayloadSize="
        + maxEncodedPayloadSize
        + (acceptFormat1 ? ", acceptFormat1" : "")
        + "}";
  }

  /** Builder for {@link TinkPayloadCodec}. */
  public static final class Builder {
    private KeysetSource keysetSource;
    private String keysetName = DEFAULT_KEYSET_NAME;
    private boolean compressionEnabled;
    private PlaintextPolicy plaintextPolicy = PlaintextPolicy.REJECT;
    private int maxEncodedPayloadSize = DEFAULT_MAX_ENCODED_PAYLOAD_SIZE;
    private final Map<String, KeysetSource> sharedSources = new LinkedHashMap<>();
    private NamespaceKeys namespaceKeys;
    private KeyDirectory directory;
    private PayloadKeyPolicy policy;
    private boolean acceptFormat1;
    private boolean checkPositions = true;
    private EndpointRegistry registry;

    private Builder() {}

    /**
     * Sets the endpoint registry whose endpoints' stated payload protection ({@link
     * dev.nexussecurity.api.NexusEndpoint#getPayloadProtection(String)}) decides, where present,
     * how a Nexus call's payloads are protected; the key policy decides for endpoints and services
     * that state none. On the handler, an input written under another protection than the one
     * stated for its endpoint and service (by the registry, or by a policy entry for the endpoint
     * or service; the policy's default states nothing) is refused ({@link
     * PayloadDecryptionException.Reason#PROTECTION_MISMATCH}): neither a caller nor whoever relays
     * the request can downgrade it. Optional; give caller and handler workers the same registry
     * (NexusSecurityOptions' one).
     *
     * <pre>{@code
     * TinkPayloadCodec.newBuilder()
     *     .setNamespaceKeys(keys)
     *     .setKeyDirectory(directory)
     *     .setEndpointRegistry(registry)
     *     .build();
     * }</pre>
     */
    public Builder setEndpointRegistry(EndpointRegistry registry) {
      this.registry = Objects.requireNonNull(registry, "registry must not be null");
      return this;
    }

    /**
     * Sets whether decoding compares each payload's authenticated position ({@code
     * <index>/<count>}) with its place in the list being decoded; default true. Set false only in a
     * codec server that decodes payloads out of the lists they were written in (one at a time, or
     * several events' payloads together); the position is still authenticated, and every other
     * check stays.
     */
    public Builder setCheckPositions(boolean checkPositions) {
      this.checkPositions = checkPositions;
      return this;
    }

    /**
     * Adds a named shared keyset (several allowed), selected by {@link
     * PayloadProtection#shared(String)} in the key policy and by the keyset name in incoming
     * payloads.
     */
    public Builder addSharedKeyset(String name, KeysetSource source) {
      PayloadProtection.shared(name); // validates the name
      Objects.requireNonNull(source, "source must not be null");
      if (sharedSources.putIfAbsent(name, source) != null) {
        throw new IllegalArgumentException("shared keyset '" + name + "' was added twice");
      }
      return this;
    }

    /**
     * Sets this worker's namespace keys (private X25519 key-agreement keyset), for the {@code
     * pairwise}, {@code hpke} and {@code authenticated} protections; needs {@link
     * #setKeyDirectory}.
     */
    public Builder setNamespaceKeys(NamespaceKeys namespaceKeys) {
      this.namespaceKeys = Objects.requireNonNull(namespaceKeys, "namespaceKeys must not be null");
      return this;
    }

    /**
     * Sets the directory of namespaces' public keys (the peers of pairwise and HPKE payloads; it
     * must list this worker's own namespace too, for payloads outside a Nexus call).
     */
    public Builder setKeyDirectory(KeyDirectory directory) {
      this.directory = Objects.requireNonNull(directory, "directory must not be null");
      return this;
    }

    /**
     * Sets which protection each call's payloads get; default: the shared keyset (the one set with
     * {@link #setKeysetSource}, else the first added) or, without shared keysets, pairwise.
     */
    public Builder setKeyPolicy(PayloadKeyPolicy policy) {
      this.policy = Objects.requireNonNull(policy, "policy must not be null");
      return this;
    }

    /**
     * Sets whether format-1 payloads (written by earlier versions, with no call context) are still
     * decoded; default false, so they are refused with {@code LEGACY_FORMAT_REFUSED}. Enable only
     * while such histories are still read. New payloads are always format 2.
     */
    public Builder setAcceptFormat1(boolean acceptFormat1) {
      this.acceptFormat1 = acceptFormat1;
      return this;
    }

    /** Sets where the keyset comes from; required. */
    public Builder setKeysetSource(KeysetSource keysetSource) {
      this.keysetSource = Objects.requireNonNull(keysetSource, "keysetSource must not be null");
      return this;
    }

    /**
     * Sets the keyset's name, written into every payload and part of every key id ({@code
     * <name>/<id>}); payloads decode only with a codec of the same keyset name. 1 to 64 characters
     * of {@code [A-Za-z0-9._-]}, starting with a letter or digit. Default {@value
     * TinkPayloadCodec#DEFAULT_KEYSET_NAME}.
     */
    public Builder setKeysetName(String keysetName) {
      if (keysetName == null || !KEYSET_NAME.matcher(keysetName).matches()) {
        throw new IllegalArgumentException(
            "keysetName must be 1 to 64 characters of [A-Za-z0-9._-] starting with a letter or digit,"
                + " got '"
                + keysetName
                + "'");
      }
      this.keysetName = keysetName;
      return this;
    }

    /**
     * Sets whether to compress payloads with zlib before encrypting them; a compressed form is kept
     * only when it is smaller. Default off: compressing secrets together with attacker-chosen data
     * can reveal the secrets through the ciphertext's length.
     */
    public Builder setCompressionEnabled(boolean compressionEnabled) {
      this.compressionEnabled = compressionEnabled;
      return this;
    }

    /**
     * Sets what decoding does with unencrypted payloads; default {@link PlaintextPolicy#REJECT}.
     */
    public Builder setPlaintextPolicy(PlaintextPolicy plaintextPolicy) {
      this.plaintextPolicy =
          Objects.requireNonNull(plaintextPolicy, "plaintextPolicy must not be null");
      return this;
    }

    /**
     * Sets the largest encoded payload, in bytes, the codec emits (serialized size of the encrypted
     * payload, metadata included); larger ones fail with {@link PayloadTooLargeException}. Between
     * 1024 and 67,108,864 (64 MiB); default {@value
     * TinkPayloadCodec#DEFAULT_MAX_ENCODED_PAYLOAD_SIZE} (2 MiB).
     */
    public Builder setMaxEncodedPayloadSize(int maxEncodedPayloadSize) {
      if (maxEncodedPayloadSize < MIN_MAX_ENCODED_PAYLOAD_SIZE
          || maxEncodedPayloadSize > WireFormat.MAX_DECOMPRESSED_SIZE) {
        throw new IllegalArgumentException(
            "maxEncodedPayloadSize must be between "
                + MIN_MAX_ENCODED_PAYLOAD_SIZE
                + " and "
                + WireFormat.MAX_DECOMPRESSED_SIZE
                + " bytes, got "
                + maxEncodedPayloadSize);
      }
      this.maxEncodedPayloadSize = maxEncodedPayloadSize;
      return this;
    }

    /**
     * Loads the keyset and builds the codec.
     *
     * @throws IllegalStateException if no keyset source was set
     * @throws KeysetLoadException if the keyset cannot be used (see {@link KeysetSource})
     * @throws PayloadCodecException if the KMS could not be reached; retrying may succeed
     */
    public TinkPayloadCodec build() {
      if (keysetSource == null && sharedSources.isEmpty() && namespaceKeys == null) {
        throw new IllegalStateException(
            "keysetSource is required: call setKeysetSource(KeysetSource...), addSharedKeyset(...)"
                + " or setNamespaceKeys(...) with setKeyDirectory(...) before build()");
      }
      if ((namespaceKeys == null) != (directory == null)) {
        throw new IllegalStateException(
            "setNamespaceKeys and setKeyDirectory go together: pairwise and HPKE payloads need"
                + " this namespace's private keys and the peers' public keys");
      }
      Map<String, TinkAeadKeySelector> shared = new LinkedHashMap<>();
      if (keysetSource != null) {
        if (sharedSources.containsKey(keysetName)) {
          throw new IllegalStateException(
              "shared keyset '"
                  + keysetName
                  + "' was set twice (setKeysetSource and addSharedKeyset)");
        }
        shared.put(keysetName, selector(keysetSource, keysetName));
      }
      sharedSources.forEach((name, source) -> shared.put(name, selector(source, name)));
      return new TinkPayloadCodec(this, shared);
    }

    private static TinkAeadKeySelector selector(KeysetSource source, String name) {
      KeysetHandle handle = source.load(KeysetKind.PAYLOAD_AEAD);
      if (handle.size() == 0) {
        throw new KeysetLoadException("The keyset from " + source + " is empty.");
      }
      return new TinkAeadKeySelector(handle, name);
    }
  }
}
