package dev.nexussecurity.codec.tink.internal;

import com.google.crypto.tink.HybridDecrypt;
import com.google.crypto.tink.HybridEncrypt;
import com.google.crypto.tink.KeyStatus;
import com.google.crypto.tink.KeysetHandle;
import com.google.crypto.tink.hybrid.HybridConfig2026;
import com.google.protobuf.ByteString;
import com.google.protobuf.CodedInputStream;
import com.google.protobuf.InvalidProtocolBufferException;
import com.google.protobuf.UnsafeByteOperations;
import dev.nexussecurity.api.EndpointRegistry;
import dev.nexussecurity.api.NexusEndpoint;
import dev.nexussecurity.api.PayloadBinding;
import dev.nexussecurity.api.PayloadBindings;
import dev.nexussecurity.api.PayloadProtection;
import dev.nexussecurity.api.internal.UntrustedText;
import dev.nexussecurity.codec.tink.PayloadDecryptionException;
import dev.nexussecurity.codec.tink.PayloadDecryptionException.Reason;
import dev.nexussecurity.codec.tink.PayloadKeyPolicy;
import dev.nexussecurity.codec.tink.PayloadTooLargeException;
import dev.nexussecurity.codec.tink.PlaintextPolicy;
import dev.nexussecurity.core.keys.KeyDirectory;
import dev.nexussecurity.core.keys.NamespaceKeys;
import dev.nexussecurity.core.keys.NamespacePublicKeys;
import dev.nexussecurity.core.keys.PairwiseKeyException;
import dev.nexussecurity.core.keys.PairwiseKeys;
import dev.nexussecurity.core.keys.PayloadAcceptance;
import io.temporal.api.common.v1.Payload;
import io.temporal.nexus.Nexus;
import io.temporal.payload.codec.PayloadCodecException;
import io.temporal.payload.context.SerializationContext;
import io.temporal.workflow.Workflow;
import io.temporal.workflow.unsafe.WorkflowUnsafe;
import java.io.IOException;
import java.security.GeneralSecurityException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import javax.annotation.Nullable;

/**
 * The engine of the version-2 wire format: binds every payload to its encryption context (from
 * {@link PayloadBindings#current()}), protects it under the scheme the {@link PayloadKeyPolicy}
 * selects, and on decode authenticates the context the payload carries and checks it against what
 * the decoding thread expects. Format-1 payloads are decoded by the version-1 engine only when
 * allowed. Immutable and thread-safe.
 */
public final class ContextCodec {
  private static final Pattern POSITION = Pattern.compile("(0|[1-9][0-9]{0,8})/([1-9][0-9]{0,8})");
  private static final Pattern KEY_PAIR =
      Pattern.compile("(0|[1-9][0-9]{0,9}):(0|[1-9][0-9]{0,9})");
  private static final Pattern KEY_ONE = Pattern.compile("0|[1-9][0-9]{0,9}");
  private static final byte[] EMPTY = new byte[0];
  private static final ByteString ONLY_POSITION = ByteString.copyFromUtf8("0/1");

  private final Map<String, TinkAeadKeySelector> shared;
  private final Map<ByteString, TinkAeadKeySelector> sharedByName;
  private final Map<String, EnvelopeCodec> v1ByName;
  private final @Nullable NamespaceKeys own;
  private final @Nullable KeyDirectory directory;
  private final @Nullable PairwiseKeys pairs;
  private final Map<Integer, HybridDecrypt> hpkeDecrypt;
  private final ConcurrentHashMap<String, HpkeTarget> hpkeTargets = new ConcurrentHashMap<>();
  private final PayloadKeyPolicy policy;
  private final boolean compression;
  private final PlaintextPolicy plaintextPolicy;
  private final int maxEncodedPayloadSize;
  private final boolean acceptFormat1;
  private final boolean checkPositions;
  private final PayloadContext unboundContext;

  /** Per-list caches (immutable holders; a miss just recomputes). */
  private volatile BoundContext lastBound;

  private volatile Sealer lastShared;
  private volatile Sealer lastPairwise;
  private volatile Sealer lastAuthenticated;
  private volatile PayloadContext lastReceived;
  private volatile Opener lastOpener;
  private volatile KeyNames lastKeyNames;

  /** Creates an engine; arguments are validated by the public builder. */
  /** Where the endpoints' stated payload protections come from; null: the policy alone. */
  private final @Nullable EndpointRegistry registry;

  public ContextCodec(
      Map<String, TinkAeadKeySelector> shared,
      @Nullable NamespaceKeys own,
      @Nullable KeyDirectory directory,
      PayloadKeyPolicy policy,
      boolean compression,
      PlaintextPolicy plaintextPolicy,
      int maxEncodedPayloadSize,
      boolean acceptFormat1,
      boolean checkPositions) {
    this(
        shared,
        own,
        directory,
        policy,
        compression,
        plaintextPolicy,
        maxEncodedPayloadSize,
        acceptFormat1,
        checkPositions,
        null);
  }

  /**
   * As above; with {@code registry}, a bound payload's protection is its endpoint's stated one
   * ({@link NexusEndpoint#getPayloadProtection}) where the registry has one, else the policy's.
   */
  public ContextCodec(
      Map<String, TinkAeadKeySelector> shared,
      @Nullable NamespaceKeys own,
      @Nullable KeyDirectory directory,
      PayloadKeyPolicy policy,
      boolean compression,
      PlaintextPolicy plaintextPolicy,
      int maxEncodedPayloadSize,
      boolean acceptFormat1,
      boolean checkPositions,
      @Nullable EndpointRegistry registry) {
    this.registry = registry;
    this.shared = Collections.unmodifiableMap(new HashMap<>(shared));
    Map<ByteString, TinkAeadKeySelector> byName = new HashMap<>();
    Map<String, EnvelopeCodec> v1 = new HashMap<>();
    shared.forEach(
        (name, sel) -> {
          byName.put(ByteString.copyFromUtf8(name), sel);
          v1.put(name, new EnvelopeCodec(sel, plaintextPolicy));
        });
    this.sharedByName = Collections.unmodifiableMap(byName);
    this.v1ByName = Collections.unmodifiableMap(v1);
    this.own = own;
    this.directory = directory;
    this.pairs = own != null && directory != null ? PairwiseKeys.create(own, directory) : null;
    this.hpkeDecrypt = own != null ? hpkeDecrypters(own) : Map.of();
    this.policy = policy;
    this.compression = compression;
    this.plaintextPolicy = plaintextPolicy;
    this.maxEncodedPayloadSize = maxEncodedPayloadSize;
    this.acceptFormat1 = acceptFormat1;
    this.checkPositions = checkPositions;
    this.unboundContext = PayloadContext.unbound(own != null ? own.getNamespace() : "");
  }

  private static Map<Integer, HybridDecrypt> hpkeDecrypters(NamespaceKeys own) {
    Map<Integer, HybridDecrypt> m = new HashMap<>();
    KeysetHandle keys = own.getAgreementKeys();
    for (int i = 0; i < keys.size(); i++) {
      KeysetHandle.Entry e = keys.getAt(i);
      if (e.getStatus() != KeyStatus.ENABLED) {
        continue;
      }
      try {
        m.put(e.getId(), single(e).getPrimitive(HybridConfig2026.get(), HybridDecrypt.class));
      } catch (GeneralSecurityException ex) {
        throw new IllegalArgumentException(
            "key-agreement key "
                + Integer.toUnsignedString(e.getId())
                + " of namespace '"
                + own.getNamespace()
                + "' is not usable for HPKE",
            ex);
      }
    }
    return Collections.unmodifiableMap(m);
  }

  private static KeysetHandle single(KeysetHandle.Entry e) throws GeneralSecurityException {
    return KeysetHandle.newBuilder()
        .addEntry(KeysetHandle.importKey(e.getKey()).withFixedId(e.getId()).makePrimary())
        .build();
  }

  /** The key policy. */
  public PayloadKeyPolicy getPolicy() {
    return policy;
  }

  /** The shared keysets by name. */
  public Map<String, TinkAeadKeySelector> getShared() {
    return shared;
  }

  /** This worker's namespace keys, if configured. */
  public Optional<NamespaceKeys> getNamespaceKeys() {
    return Optional.ofNullable(own);
  }

  // ---------------------------------------------------------------------------------------------
  // encode

  /** Protects every payload under the context of the current call (or none) and its position. */
  public List<Payload> encode(List<Payload> payloads, @Nullable SerializationContext serCtx) {
    if (payloads.isEmpty() || plaintextPolicy == PlaintextPolicy.ROLLOUT_DECODE_ONLY) {
      return payloads;
    }
    PayloadContext ctx;
    PayloadProtection protection;
    PayloadBinding b = PayloadBindings.current().orElse(null);
    if (b != null && (serCtx == null || b.getDirection() != PayloadBinding.Direction.INPUT)) {
      PayloadBinding.Direction d = b.getDirection();
      if (d == PayloadBinding.Direction.INPUT && isHandlerSide(b)) {
        d = PayloadBinding.Direction.RESULT;
      }
      BoundContext cached = lastBound;
      if (cached != null && cached.binding == b && cached.direction == d) {
        ctx = cached.context;
        protection = cached.protection;
      } else {
        ctx = PayloadContext.bound(b, d);
        protection = select(b);
        lastBound = new BoundContext(b, d, ctx, protection);
      }
    } else {
      ctx = unboundContext;
      protection = policy.getUnbound();
    }
    if (ctx.isBound()) {
      requireAccepted(protection, ctx);
    }
    Sealer sealer = sealer(protection, ctx);
    int n = payloads.size();
    List<Payload> out = new ArrayList<>(n);
    for (int i = 0; i < n; i++) {
      ByteString position = n == 1 ? ONLY_POSITION : ByteString.copyFromUtf8(i + "/" + n);
      out.add(encodeOne(payloads.get(i), sealer, ctx, position));
    }
    return out;
  }

  private Payload encodeOne(
      Payload payload, Sealer sealer, PayloadContext ctx, ByteString position) {
    byte[] plaintext = payload.toByteArray();
    boolean zlib = false;
    if (compression && sealer.encrypting && plaintext.length <= WireFormat.MAX_DECOMPRESSED_SIZE) {
      byte[] compressed = Zlib.compressIfSmaller(plaintext);
      if (compressed != null) {
        plaintext = compressed;
        zlib = true;
      }
    }
    ByteString compressionBytes =
        zlib ? WireFormat.COMPRESSION_ZLIB_BYTES : WireFormat.COMPRESSION_NONE_BYTES;
    byte[] prefix = sealer.prefix;
    byte[] direction = ctx.directionField;
    byte[] tail = ctx.tailFields;
    byte[] ad =
        new byte
            [prefix.length
                + 8
                + compressionBytes.size()
                + direction.length
                + position.size()
                + tail.length];
    System.arraycopy(prefix, 0, ad, 0, prefix.length);
    int at = WireFormatV2.put(ad, prefix.length, compressionBytes);
    System.arraycopy(direction, 0, ad, at, direction.length);
    at = WireFormatV2.put(ad, at + direction.length, position);
    System.arraycopy(tail, 0, ad, at, tail.length);
    ByteString data;
    try {
      if (sealer.encrypting) {
        data = UnsafeByteOperations.unsafeWrap(sealer.cipher.encrypt(plaintext, ad));
      } else {
        byte[] tag = sealer.cipher.encrypt(EMPTY, concat(ad, plaintext));
        data =
            UnsafeByteOperations.unsafeWrap(tag).concat(UnsafeByteOperations.unsafeWrap(plaintext));
      }
    } catch (GeneralSecurityException e) {
      throw new PayloadCodecException(
          "Protecting a payload with key " + sealer.qualified + " failed: " + e.getMessage(), e);
    }
    Payload encoded =
        Payload.newBuilder()
            .putMetadata(WireFormat.ENCODING_KEY, sealer.encoding)
            .putMetadata(WireFormat.FORMAT_KEY, WireFormatV2.FORMAT_V2_BYTES)
            .putMetadata(WireFormat.KEY_ID_KEY, sealer.keyId)
            .putMetadata(WireFormatV2.CONTEXT_KEY, UnsafeByteOperations.unsafeWrap(ad))
            .setData(data)
            .build();
    int size = encoded.getSerializedSize();
    if (size > maxEncodedPayloadSize) {
      throw new PayloadTooLargeException(size, maxEncodedPayloadSize);
    }
    return encoded;
  }

  private static byte[] concat(byte[] a, byte[] b) {
    byte[] out = Arrays.copyOf(a, a.length + b.length);
    System.arraycopy(b, 0, out, a.length, b.length);
    return out;
  }

  /** The scheme, key and metadata values new payloads of {@code ctx} are protected with. */
  Sealer sealer(PayloadProtection protection, PayloadContext ctx) {
    switch (protection.getMode()) {
      case SHARED:
        {
          String name = protection.getKeysetName().orElseThrow();
          TinkAeadKeySelector sel = shared.get(name);
          if (sel == null) {
            throw new PayloadCodecException(
                "The key policy selects shared keyset '"
                    + name
                    + "' but the codec holds "
                    + shared.keySet()
                    + "; add it with addSharedKeyset");
          }
          EnvelopeKey k = sel.primary();
          Sealer cached = lastShared;
          if (cached != null && cached.source == k) {
            return cached;
          }
          Sealer made =
              new Sealer(
                  k,
                  true,
                  k.schemeBytes(),
                  k.keysetBytes(),
                  k.keyIdBytes(),
                  k.getQualifiedKeyId(),
                  k.cipher());
          lastShared = made;
          return made;
        }
      case PAIRWISE:
      case AUTHENTICATED:
        {
          requireSender(ctx);
          PairwiseKeys.PairKey k;
          try {
            k = pairs.forSending(PairwiseKeys.Purpose.PAYLOAD, ctx.recipient());
          } catch (PairwiseKeyException e) {
            throw new PayloadCodecException(
                "No pairwise payload key for " + ctx + ": " + e.getMessage(), e);
          }
          boolean encrypting = protection.getMode() == PayloadProtection.Mode.PAIRWISE;
          Sealer cached = encrypting ? lastPairwise : lastAuthenticated;
          if (cached != null && cached.source == k) {
            return cached;
          }
          String keyId =
              Integer.toUnsignedString(k.getSenderKeyId())
                  + ":"
                  + Integer.toUnsignedString(k.getRecipientKeyId());
          com.google.crypto.tink.Aead aead = k.aead();
          Sealer made =
              new Sealer(
                  k,
                  encrypting,
                  ByteString.copyFromUtf8(
                      encrypting ? WireFormatV2.SCHEME_PAIRWISE : WireFormatV2.SCHEME_PAIRWISE_MAC),
                  ByteString.copyFromUtf8(WireFormatV2.KEYSET_PAIRWISE),
                  ByteString.copyFromUtf8(keyId),
                  WireFormatV2.KEYSET_PAIRWISE + "/" + keyId,
                  new PayloadCipher() {
                    @Override
                    public byte[] encrypt(byte[] pt, byte[] ad) throws GeneralSecurityException {
                      return aead.encrypt(pt, ad);
                    }

                    @Override
                    public byte[] decrypt(byte[] ct, byte[] ad) throws GeneralSecurityException {
                      return aead.decrypt(ct, ad);
                    }
                  });
          if (encrypting) {
            lastPairwise = made;
          } else {
            lastAuthenticated = made;
          }
          return made;
        }
      case HPKE:
        {
          requireSender(ctx);
          HpkeTarget t = hpkeTarget(ctx.recipient());
          return new Sealer(
              t,
              true,
              ByteString.copyFromUtf8(WireFormatV2.SCHEME_HPKE),
              ByteString.copyFromUtf8(WireFormatV2.KEYSET_HPKE),
              t.keyIdBytes,
              WireFormatV2.KEYSET_HPKE + "/" + t.keyIdBytes.toStringUtf8(),
              new PayloadCipher() {
                @Override
                public byte[] encrypt(byte[] pt, byte[] ad) throws GeneralSecurityException {
                  return t.encrypt.encrypt(pt, ad);
                }

                @Override
                public byte[] decrypt(byte[] ct, byte[] ad) throws GeneralSecurityException {
                  throw new GeneralSecurityException("HPKE targets only encrypt");
                }
              });
        }
    }
    throw new IllegalStateException("unknown protection " + protection);
  }

  /**
   * The protection of the payloads of {@code b}'s call: the endpoint's stated protection for the
   * service, where the registry has one, else the key policy's choice.
   */
  PayloadProtection select(PayloadBinding b) {
    if (registry != null) {
      Optional<PayloadProtection> stated =
          registry
              .findEndpoint(b.getEndpoint())
              .flatMap(e -> e.getPayloadProtection(b.getService()));
      if (stated.isPresent()) {
        return stated.get();
      }
    }
    return policy.select(b.getEndpoint(), b.getService());
  }

  /**
   * The protection stated for {@code b}'s endpoint and service: by the registry's endpoint, else by
   * an entry of the key policy for the endpoint or the service; null when only the policy's default
   * applies.
   */
  private @Nullable PayloadProtection stated(PayloadBinding b) {
    if (registry != null) {
      Optional<PayloadProtection> fromRegistry =
          registry
              .findEndpoint(b.getEndpoint())
              .flatMap(e -> e.getPayloadProtection(b.getService()));
      if (fromRegistry.isPresent()) {
        return fromRegistry.get();
      }
    }
    Map<String, PayloadProtection> perService = policy.getServices().get(b.getEndpoint());
    if (perService != null && perService.containsKey(b.getService())) {
      return perService.get(b.getService());
    }
    return policy.findForEndpoint(b.getEndpoint()).orElse(null);
  }

  /**
   * Refuses an input written under another protection than the one selected for its endpoint and
   * service, so that neither a rogue caller nor whoever relays the request can downgrade it (to
   * authenticated-only, or to a shared keyset more workers hold).
   */
  private void checkProtection(
      ByteString scheme, ByteString keyset, PayloadBinding b, String enc, String qualified) {
    PayloadProtection expected = stated(b);
    if (expected == null) {
      // Only the policy's default applies: that is how this worker encodes, not a statement of
      // what it accepts; any protection it can authenticate and decode is accepted.
      return;
    }
    String s = scheme.toStringUtf8();
    boolean matches =
        switch (expected.getMode()) {
          case SHARED ->
              WireFormatV2.SCHEME_SHARED.equals(s)
                  && expected.getKeysetName().orElseThrow().equals(keyset.toStringUtf8());
          case PAIRWISE -> WireFormatV2.SCHEME_PAIRWISE.equals(s);
          case AUTHENTICATED -> WireFormatV2.SCHEME_PAIRWISE_MAC.equals(s);
          case HPKE -> WireFormatV2.SCHEME_HPKE.equals(s);
        };
    if (!matches) {
      throw fail(
          Reason.PROTECTION_MISMATCH,
          enc,
          qualified,
          "the input was written under scheme '"
              + UntrustedText.quote(s)
              + "' but this handler selects "
              + expected
              + " for endpoint '"
              + UntrustedText.quote(b.getEndpoint())
              + "' service '"
              + UntrustedText.quote(b.getService())
              + "'.");
    }
  }

  /**
   * Refuses, on the sending side, a protection the recipient namespace says (in the key directory)
   * its workers cannot decode, instead of letting the receiver fail to decode it.
   */
  private void requireAccepted(PayloadProtection protection, PayloadContext ctx) {
    if (directory == null) {
      return;
    }
    PayloadAcceptance accepts =
        directory
            .findNamespace(ctx.recipient())
            .flatMap(NamespacePublicKeys::getPayloadAcceptance)
            .orElse(null);
    if (accepts == null) {
      return;
    }
    boolean ok;
    switch (protection.getMode()) {
      case SHARED:
        ok = accepts.getSharedKeysets().contains(protection.getKeysetName().orElseThrow());
        break;
      case PAIRWISE:
      case AUTHENTICATED:
        ok = accepts.isPairwise();
        break;
      case HPKE:
        ok = accepts.isHpke();
        break;
      default:
        ok = false;
    }
    if (!ok) {
      throw new PayloadCodecException(
          "Namespace '"
              + UntrustedText.quote(ctx.recipient())
              + "' states in the key directory that its workers decode "
              + accepts
              + ", not "
              + protection
              + " selected for "
              + quoted(ctx)
              + "; align the key policy of endpoint '"
              + UntrustedText.quote(ctx.endpoint)
              + "' with what the receiver accepts");
    }
  }

  private void requireSender(PayloadContext ctx) {
    if (own == null || pairs == null) {
      throw new PayloadCodecException(
          "The key policy selects a namespace-key protection but the codec has no namespace keys"
              + " and key directory (setNamespaceKeys, setKeyDirectory)");
    }
    if (!own.getNamespace().equals(ctx.sender())) {
      throw new PayloadCodecException(
          "This worker's namespace '"
              + own.getNamespace()
              + "' is not the sender '"
              + UntrustedText.quote(ctx.sender())
              + "' of "
              + ctx
              + "; configure the codec with the keys of the namespace the worker runs in");
    }
  }

  private HpkeTarget hpkeTarget(String recipient) {
    NamespacePublicKeys keys = directory.findNamespace(recipient).orElse(null);
    if (keys == null && recipient.equals(own.getNamespace())) {
      keys = own.toPublicKeys();
    }
    if (keys == null || keys.getAgreementKeys().isEmpty()) {
      throw new PayloadCodecException(
          "The key directory has no key-agreement keys for namespace '"
              + UntrustedText.quote(recipient)
              + "'; HPKE payloads cannot be addressed to it");
    }
    int id = keys.getPrimaryAgreementKeyId().orElseThrow();
    byte[] pub = keys.usableAgreementKey(id);
    if (pub == null) {
      throw new PayloadCodecException(
          "The primary key-agreement key "
              + Integer.toUnsignedString(id)
              + " of namespace '"
              + UntrustedText.quote(recipient)
              + "' is revoked or disabled in the key directory");
    }
    HpkeTarget cached = hpkeTargets.get(recipient);
    if (cached != null && cached.keyId == id && Arrays.equals(cached.publicKey, pub)) {
      return cached;
    }
    KeysetHandle agreement = keys.getAgreementKeys().get();
    try {
      HybridEncrypt enc =
          single(entryById(agreement, id))
              .getPrimitive(HybridConfig2026.get(), HybridEncrypt.class);
      HpkeTarget t = new HpkeTarget(id, pub, enc);
      hpkeTargets.put(recipient, t);
      return t;
    } catch (GeneralSecurityException e) {
      throw new PayloadCodecException(
          "The key-agreement key of namespace '"
              + UntrustedText.quote(recipient)
              + "' is not usable for HPKE: "
              + e.getMessage(),
          e);
    }
  }

  private static KeysetHandle.Entry entryById(KeysetHandle keys, int id)
      throws GeneralSecurityException {
    for (int i = 0; i < keys.size(); i++) {
      if (keys.getAt(i).getId() == id) {
        return keys.getAt(i);
      }
    }
    throw new GeneralSecurityException("no key " + Integer.toUnsignedString(id));
  }

  /**
   * Whether an INPUT binding is in force on the handler's side (so what is encoded now is the
   * result): known from this worker's namespace when it holds namespace keys and the call is not
   * from a namespace to itself, else from the thread.
   */
  private boolean isHandlerSide(PayloadBinding b) {
    if (own != null && !b.getCallerNamespace().equals(b.getHandlerNamespace())) {
      return own.getNamespace().equals(b.getHandlerNamespace());
    }
    return inNexusHandlerTask();
  }

  /**
   * Whether this thread runs a Nexus handler task. The SDK's Nexus task threads are named {@code
   * "Nexus Executor ..."}; only on such a thread is the SDK asked (its answer costs an exception
   * elsewhere). Should a future SDK rename the threads, this answers false: handler results are
   * then written as INPUT and refused by the caller, and inputs decoded without a binding are not
   * recorded as verified; both fail closed.
   */
  static boolean inNexusHandlerTask() {
    if (!Thread.currentThread().getName().startsWith("Nexus Executor")) {
      return false;
    }
    try {
      Nexus.getOperationContext();
      return true;
    } catch (RuntimeException e) {
      return false;
    }
  }

  // ---------------------------------------------------------------------------------------------
  // decode

  /** What the decoding thread expects of the payloads' context. */
  private enum Expect {
    /** A Nexus input (or result) bound to the current binding. */
    BINDING,
    /** Only context-free payloads. */
    UNBOUND,
    /** The caller's result decode: context-free, RESULT or FAILURE of this namespace's calls. */
    CALLER_RESULT,
    /** No expectation (clients, codec servers): whatever authenticates. */
    ANY
  }

  /** Decodes every payload, checking its context against what this thread expects. */
  public List<Payload> decode(List<Payload> payloads, @Nullable SerializationContext serCtx) {
    if (payloads.isEmpty()) {
      return payloads;
    }
    PayloadBinding b = PayloadBindings.current().orElse(null);
    Expect expect;
    String workflowNamespace = null;
    if (b != null && serCtx == null) {
      expect = Expect.BINDING;
    } else if (serCtx != null) {
      expect = Expect.UNBOUND;
    } else if (WorkflowUnsafe.isWorkflowThread()) {
      expect = Expect.CALLER_RESULT;
      workflowNamespace = Workflow.getInfo().getNamespace();
    } else if (inNexusHandlerTask()) {
      expect = Expect.UNBOUND;
    } else {
      expect = Expect.ANY;
    }
    int n = payloads.size();
    List<Payload> out = new ArrayList<>(n);
    boolean allVerified = true;
    for (int i = 0; i < n; i++) {
      Decoded d;
      try {
        d = decodeOne(payloads.get(i), i, n, expect, b, workflowNamespace);
      } catch (PayloadDecryptionException e) {
        if (expect == Expect.BINDING
            && b.getDirection() == PayloadBinding.Direction.INPUT
            && isHandlerSide(b)) {
          return rejectedInput(b, e, n);
        }
        throw e;
      }
      allVerified &= d.verifiedBound;
      out.add(d.payload);
    }
    if (expect == Expect.BINDING
        && allVerified
        && b.getDirection() == PayloadBinding.Direction.INPUT) {
      PayloadBindings.recordVerifiedInput(b.getBindingId());
    }
    return out;
  }

  /**
   * The handler's refusal of the input of the call in force: recorded for the handler's
   * interceptor, which denies the call (non-retryably, before handler code) with this reason;
   * meanwhile the input decodes to null for any type, so that the SDK does not turn the refusal
   * into a retryable deserialization failure. Without the interceptor's INPUT binding the codec
   * throws instead (fail closed).
   */
  private static List<Payload> rejectedInput(
      PayloadBinding b, PayloadDecryptionException e, int count) {
    PayloadBindings.recordRejectedInput(b.getBindingId(), e.getReason().name(), e.getMessage());
    List<Payload> nulls = new ArrayList<>(count);
    for (int i = 0; i < count; i++) {
      nulls.add(NULL_PAYLOAD);
    }
    return nulls;
  }

  /** Temporal's encoding of null: decodes to null for every type. */
  private static final Payload NULL_PAYLOAD =
      Payload.newBuilder()
          .putMetadata(WireFormat.ENCODING_KEY, ByteString.copyFromUtf8("binary/null"))
          .build();

  private static final class Decoded {
    final Payload payload;
    final boolean verifiedBound;

    Decoded(Payload payload, boolean verifiedBound) {
      this.payload = payload;
      this.verifiedBound = verifiedBound;
    }
  }

  private Decoded decodeOne(
      Payload payload,
      int index,
      int count,
      Expect expect,
      @Nullable PayloadBinding b,
      @Nullable String workflowNamespace) {
    Map<String, ByteString> m = payload.getMetadataMap();
    ByteString encoding = m.get(WireFormat.ENCODING_KEY);
    boolean authenticated = WireFormatV2.ENCODING_AUTHENTICATED_BYTES.equals(encoding);
    if (!authenticated && !WireFormat.ENCODING_ENCRYPTED_BYTES.equals(encoding)) {
      return new Decoded(plaintext(payload, encoding), false);
    }
    String enc = encoding.toStringUtf8();
    ByteString format = m.get(WireFormat.FORMAT_KEY);
    if (format == null) {
      throw fail(
          Reason.MALFORMED,
          enc,
          null,
          "it has no '"
              + WireFormat.FORMAT_KEY
              + "' metadata entry, so it was not written by a nexus-security codec or the entry"
              + " was removed.");
    }
    if (WireFormat.FORMAT_V1_BYTES.equals(format) && !authenticated) {
      return new Decoded(decodeV1(payload), false);
    }
    if (!WireFormatV2.FORMAT_V2_BYTES.equals(format)) {
      throw fail(
          Reason.UNSUPPORTED_FORMAT_VERSION,
          enc,
          null,
          "format version '"
              + WireHeader.printable(format)
              + "' is not supported; this codec reads version 2"
              + (acceptFormat1 ? " and version 1." : "."));
    }
    ByteString context = m.get(WireFormatV2.CONTEXT_KEY);
    if (context == null) {
      throw fail(
          Reason.MALFORMED,
          enc,
          null,
          "the '" + WireFormatV2.CONTEXT_KEY + "' metadata entry is missing.");
    }
    ByteString keyIdEntry = m.get(WireFormat.KEY_ID_KEY);
    if (keyIdEntry == null) {
      throw fail(
          Reason.MALFORMED,
          enc,
          null,
          "the '" + WireFormat.KEY_ID_KEY + "' metadata entry is missing.");
    }
    byte[] ad = EnvelopeCodec.bytesOf(context);
    int[] off = WireFormatV2.offsets(ad);
    if (off == null) {
      throw fail(
          Reason.MALFORMED,
          enc,
          null,
          "the '"
              + WireFormatV2.CONTEXT_KEY
              + "' entry is not "
              + WireFormatV2.FIELD_COUNT
              + " length-prefixed fields (4-byte big-endian length, then the bytes).");
    }
    String mirrored =
        !WireFormatV2.fieldEquals(
                ad,
                off,
                0,
                authenticated
                    ? WireFormatV2.ENCODING_AUTHENTICATED_ARRAY
                    : WireFormatV2.ENCODING_ENCRYPTED_ARRAY)
            ? WireFormat.ENCODING_KEY
            : !WireFormatV2.fieldEquals(ad, off, 1, WireFormatV2.FORMAT_V2_ARRAY)
                ? WireFormat.FORMAT_KEY
                : null;
    KeyNames names = lastKeyNames;
    if (names == null || !Arrays.equals(ad, 0, off[5], names.prefix, 0, names.prefix.length)) {
      names =
          new KeyNames(
              Arrays.copyOf(ad, off[5]),
              WireFormatV2.field(ad, off, 2),
              WireFormatV2.field(ad, off, 3),
              WireFormatV2.field(ad, off, 4));
      lastKeyNames = names;
    }
    if (mirrored == null && !keyIdEntry.equals(names.keyId)) {
      mirrored = WireFormat.KEY_ID_KEY;
    }
    if (mirrored != null) {
      throw fail(
          Reason.MALFORMED,
          enc,
          null,
          "the '"
              + mirrored
              + "' entry differs from its copy in the '"
              + WireFormatV2.CONTEXT_KEY
              + "' entry.");
    }
    ByteString scheme = names.scheme;
    ByteString keyset = names.keyset;
    ByteString keyId = names.keyId;
    String qualified = names.qualified;
    PayloadContext ctx = lastReceived;
    if (ctx == null
        || !Arrays.equals(ad, off[6], off[7], ctx.directionField, 0, ctx.directionField.length)
        || !Arrays.equals(ad, off[8], ad.length, ctx.tailFields, 0, ctx.tailFields.length)) {
      ctx =
          PayloadContext.received(
              WireFormatV2.field(ad, off, 6),
              WireFormatV2.field(ad, off, 8),
              WireFormatV2.field(ad, off, 9),
              WireFormatV2.field(ad, off, 10),
              WireFormatV2.field(ad, off, 11),
              WireFormatV2.field(ad, off, 12),
              WireFormatV2.field(ad, off, 13));
      checkContextShape(ctx, enc, qualified);
      lastReceived = ctx;
    }
    ByteString position = ONLY_POSITION;
    if (!WireFormatV2.fieldEquals(ad, off, 7, WireFormatV2.ONLY_POSITION_ARRAY)) {
      position = WireFormatV2.field(ad, off, 7);
      Matcher pos = POSITION.matcher(position.toStringUtf8());
      if (!pos.matches() || Integer.parseInt(pos.group(1)) >= Integer.parseInt(pos.group(2))) {
        throw fail(
            Reason.MALFORMED,
            enc,
            qualified,
            "position '"
                + WireHeader.printable(position)
                + "' is not '<index>/<count>' with index < count.");
      }
    }
    boolean zlib;
    if (WireFormatV2.fieldEquals(ad, off, 5, WireFormatV2.COMPRESSION_NONE_ARRAY)) {
      zlib = false;
    } else if (WireFormatV2.fieldEquals(ad, off, 5, WireFormatV2.COMPRESSION_ZLIB_ARRAY)
        && !authenticated) {
      zlib = true;
    } else {
      throw fail(
          Reason.MALFORMED,
          enc,
          qualified,
          "compression '"
              + WireHeader.printable(WireFormatV2.field(ad, off, 5))
              + "' is not supported; expected "
              + (authenticated ? "'none'." : "'none' or 'zlib'."));
    }
    PayloadCipher cipher = opener(scheme, keyset, keyId, ctx, authenticated, enc, qualified);
    byte[] data = EnvelopeCodec.bytesOf(payload.getData());
    byte[] plaintext;
    try {
      if (authenticated) {
        if (data.length < WireFormatV2.MAC_LENGTH) {
          throw new GeneralSecurityException("too short");
        }
        byte[] tag = Arrays.copyOf(data, WireFormatV2.MAC_LENGTH);
        plaintext = Arrays.copyOfRange(data, WireFormatV2.MAC_LENGTH, data.length);
        if (cipher.decrypt(tag, concat(ad, plaintext)).length != 0) {
          throw new GeneralSecurityException("not a MAC");
        }
      } else {
        plaintext = cipher.decrypt(data, ad);
      }
    } catch (GeneralSecurityException e) {
      throw new PayloadDecryptionException(
          Reason.AUTHENTICATION_FAILED,
          enc,
          qualified,
          "the data or its metadata did not authenticate under this key.",
          e);
    }
    checkExpected(ctx, position, index, count, expect, b, workflowNamespace, enc, qualified);
    if (expect == Expect.BINDING && b.getDirection() == PayloadBinding.Direction.INPUT) {
      checkProtection(scheme, keyset, b, enc, qualified);
    }
    if (zlib) {
      try {
        plaintext = Zlib.decompress(plaintext, WireFormat.MAX_DECOMPRESSED_SIZE);
      } catch (Zlib.InvalidStreamException e) {
        throw fail(
            Reason.MALFORMED,
            enc,
            qualified,
            "the decrypted data is not a valid compressed payload: " + e.getMessage() + ".");
      }
    }
    try {
      CodedInputStream in = UnsafeByteOperations.unsafeWrap(plaintext).newCodedInput();
      in.enableAliasing(true);
      return new Decoded(Payload.parseFrom(in), ctx.isBound());
    } catch (InvalidProtocolBufferException e) {
      throw fail(
          Reason.MALFORMED,
          enc,
          qualified,
          "the protected data is not a serialized Temporal payload.");
    } catch (IOException e) {
      throw new PayloadCodecException("Reading a decoded payload failed", e);
    }
  }

  private static void checkContextShape(PayloadContext ctx, String enc, String qualified) {
    boolean bound;
    switch (ctx.direction) {
      case PayloadContext.NONE:
        bound = false;
        break;
      case "INPUT":
      case "RESULT":
      case "FAILURE":
        bound = true;
        break;
      default:
        throw fail(
            Reason.MALFORMED,
            enc,
            qualified,
            "direction '"
                + UntrustedText.quote(ctx.direction)
                + "' is not NONE, INPUT, RESULT or FAILURE.");
    }
    boolean callFieldsEmpty =
        ctx.endpoint.isEmpty()
            && ctx.service.isEmpty()
            && ctx.operation.isEmpty()
            && ctx.bindingId.isEmpty();
    boolean allPresent =
        !ctx.endpoint.isEmpty()
            && !ctx.service.isEmpty()
            && !ctx.operation.isEmpty()
            && !ctx.bindingId.isEmpty()
            && !ctx.caller.isEmpty()
            && !ctx.handler.isEmpty();
    if (bound ? !allPresent : !callFieldsEmpty || !ctx.caller.equals(ctx.handler)) {
      throw fail(
          Reason.MALFORMED,
          enc,
          qualified,
          bound
              ? "a Nexus-bound payload must name endpoint, service, operation, both namespaces and"
                  + " the binding id."
              : "a context-free payload must not name a call, and its caller and handler entries"
                  + " must be equal.");
    }
  }

  private void checkExpected(
      PayloadContext ctx,
      ByteString position,
      int index,
      int count,
      Expect expect,
      @Nullable PayloadBinding b,
      @Nullable String workflowNamespace,
      String enc,
      String qualified) {
    if (checkPositions
        && !(count == 1
            ? position == ONLY_POSITION
            : position.toStringUtf8().equals(index + "/" + count))) {
      String expectedPosition = index + "/" + count;
      throw mismatch(
          enc,
          qualified,
          "it was written at position "
              + WireHeader.printable(position)
              + " of its list but is decoded at position "
              + expectedPosition
              + " (arguments swapped, dropped or added).");
    }
    switch (expect) {
      case ANY:
        return;
      case UNBOUND:
        if (ctx.isBound()) {
          throw mismatch(
              enc,
              qualified,
              "it is bound to a Nexus call ("
                  + quoted(ctx)
                  + ") but is decoded where only context-free payloads are expected (workflow or"
                  + " activity data, or a Nexus handler without the nexus-security interceptor).");
        }
        return;
      case CALLER_RESULT:
        if (!ctx.isBound()) {
          return;
        }
        if ("INPUT".equals(ctx.direction)) {
          throw mismatch(
              enc,
              qualified,
              "it is the INPUT of a Nexus call ("
                  + quoted(ctx)
                  + ") but a caller workflow decodes only results and failures.");
        }
        if (!ctx.caller.equals(workflowNamespace)) {
          throw mismatch(
              enc,
              qualified,
              "it is the "
                  + ctx.direction
                  + " of a call made by namespace '"
                  + UntrustedText.quote(ctx.caller)
                  + "', not by this workflow's namespace '"
                  + workflowNamespace
                  + "'.");
        }
        return;
      case BINDING:
        if (!ctx.isBound()) {
          throw mismatch(
              enc,
              qualified,
              "it is a context-free payload, but the "
                  + b.getDirection()
                  + " of the Nexus call "
                  + b
                  + " is being decoded.");
        }
        String field =
            !ctx.direction.equals(b.getDirection().name())
                ? "direction"
                : !ctx.endpoint.equals(b.getEndpoint())
                    ? "endpoint"
                    : !ctx.service.equals(b.getService())
                        ? "service"
                        : !ctx.operation.equals(b.getOperation())
                            ? "operation"
                            : !ctx.caller.equals(b.getCallerNamespace())
                                ? "caller namespace"
                                : !ctx.handler.equals(b.getHandlerNamespace())
                                    ? "handler namespace"
                                    : !ctx.bindingId.equals(b.getBindingId()) ? "binding id" : null;
        if (field != null) {
          throw mismatch(
              enc,
              qualified,
              "its "
                  + field
                  + " differs from the call being decoded: the payload belongs to "
                  + quoted(ctx)
                  + (field.equals("binding id") ? " with another binding id" : "")
                  + ", the call is "
                  + b
                  + ".");
        }
        return;
    }
  }

  private static String quoted(PayloadContext ctx) {
    return UntrustedText.quote(ctx.toString(), 300);
  }

  private PayloadCipher opener(
      ByteString scheme,
      ByteString keyset,
      ByteString keyId,
      PayloadContext ctx,
      boolean authenticated,
      String enc,
      String qualified) {
    String s = scheme.toStringUtf8();
    if (authenticated != WireFormatV2.SCHEME_PAIRWISE_MAC.equals(s)) {
      throw fail(
          Reason.MALFORMED,
          enc,
          qualified,
          "encoding '" + enc + "' does not go with scheme '" + UntrustedText.quote(s) + "'.");
    }
    switch (s) {
      case WireFormatV2.SCHEME_SHARED:
        {
          TinkAeadKeySelector sel = sharedByName.get(keyset);
          if (sel == null) {
            throw fail(
                Reason.UNKNOWN_KEY,
                enc,
                qualified,
                "the payload was encrypted under shared keyset '"
                    + WireHeader.printable(keyset)
                    + "', but this codec holds "
                    + (shared.isEmpty() ? "no shared keyset" : heldKeysets())
                    + ".");
          }
          return sel.resolve(scheme, keyset, keyId, qualified).cipher();
        }
      case WireFormatV2.SCHEME_PAIRWISE:
      case WireFormatV2.SCHEME_PAIRWISE_MAC:
        {
          if (pairs == null) {
            throw fail(
                Reason.UNSUPPORTED_SCHEME,
                enc,
                qualified,
                "scheme '"
                    + s
                    + "' needs namespace keys and a key directory, which this codec lacks.");
          }
          Opener known = lastOpener;
          int senderKeyId;
          int recipientKeyId;
          if (known != null
              && known.pairwise
              && known.keyset.equals(keyset)
              && known.keyId.equals(keyId)) {
            senderKeyId = known.senderKeyId;
            recipientKeyId = known.recipientKeyId;
          } else {
            Matcher k = KEY_PAIR.matcher(keyId.toStringUtf8());
            if (!WireFormatV2.KEYSET_PAIRWISE.equals(keyset.toStringUtf8()) || !k.matches()) {
              throw fail(
                  Reason.MALFORMED,
                  enc,
                  qualified,
                  "a pairwise payload names keyset 'pairwise' and '<sender key id>:<recipient key"
                      + " id>'.");
            }
            senderKeyId = Integer.parseUnsignedInt(k.group(1));
            recipientKeyId = Integer.parseUnsignedInt(k.group(2));
            lastOpener = new Opener(true, keyset, keyId, qualified, senderKeyId, recipientKeyId);
          }
          // The peer's key is refused by pairs.get when revoked (the directory's usable keys
          // exclude revoked ones); this namespace's own key is taken from its own keyset, so its
          // revocation in the directory is checked here.
          if (own.getNamespace().equals(ctx.sender())) {
            revoked(ctx.sender(), senderKeyId, enc, qualified);
          } else if (own.getNamespace().equals(ctx.recipient())) {
            revoked(ctx.recipient(), recipientKeyId, enc, qualified);
          }
          PairwiseKeys.PairKey key;
          try {
            key =
                pairs.get(
                    PairwiseKeys.Purpose.PAYLOAD,
                    ctx.sender(),
                    senderKeyId,
                    ctx.recipient(),
                    recipientKeyId);
          } catch (PairwiseKeyException e) {
            revoked(ctx.sender(), senderKeyId, enc, qualified);
            revoked(ctx.recipient(), recipientKeyId, enc, qualified);
            throw new PayloadDecryptionException(
                Reason.UNKNOWN_KEY,
                enc,
                qualified,
                "no pairwise key of "
                    + quoted(ctx)
                    + " is available to namespace '"
                    + own.getNamespace()
                    + "': "
                    + e.getMessage()
                    + ".",
                null);
          }
          com.google.crypto.tink.Aead aead = key.aead();
          return new PayloadCipher() {
            @Override
            public byte[] encrypt(byte[] pt, byte[] ad) throws GeneralSecurityException {
              return aead.encrypt(pt, ad);
            }

            @Override
            public byte[] decrypt(byte[] ct, byte[] ad) throws GeneralSecurityException {
              return aead.decrypt(ct, ad);
            }
          };
        }
      case WireFormatV2.SCHEME_HPKE:
        {
          if (own == null) {
            throw fail(
                Reason.UNSUPPORTED_SCHEME,
                enc,
                qualified,
                "scheme '" + s + "' needs this namespace's keys, which this codec lacks.");
          }
          if (!WireFormatV2.KEYSET_HPKE.equals(keyset.toStringUtf8())
              || !KEY_ONE.matcher(keyId.toStringUtf8()).matches()) {
            throw fail(
                Reason.MALFORMED,
                enc,
                qualified,
                "an HPKE payload names keyset 'hpke' and the recipient's key id.");
          }
          if (!own.getNamespace().equals(ctx.recipient())) {
            throw fail(
                Reason.UNKNOWN_KEY,
                enc,
                qualified,
                "the payload is addressed to namespace '"
                    + UntrustedText.quote(ctx.recipient())
                    + "'; only its workers hold the private key, this is '"
                    + own.getNamespace()
                    + "'.");
          }
          int id = Integer.parseUnsignedInt(keyId.toStringUtf8());
          revoked(own.getNamespace(), id, enc, qualified);
          HybridDecrypt dec = hpkeDecrypt.get(id);
          if (dec == null) {
            throw fail(
                Reason.UNKNOWN_KEY,
                enc,
                qualified,
                "key-agreement key "
                    + Integer.toUnsignedString(id)
                    + " is not an enabled key of namespace '"
                    + own.getNamespace()
                    + "'.");
          }
          return new PayloadCipher() {
            @Override
            public byte[] encrypt(byte[] pt, byte[] ad) throws GeneralSecurityException {
              throw new GeneralSecurityException("decrypt only");
            }

            @Override
            public byte[] decrypt(byte[] ct, byte[] ad) throws GeneralSecurityException {
              return dec.decrypt(ct, ad);
            }
          };
        }
      default:
        throw fail(
            Reason.UNSUPPORTED_SCHEME,
            enc,
            qualified,
            "scheme '"
                + UntrustedText.quote(s)
                + "' is not supported; this codec reads tink-aead, pairwise-aes256gcm,"
                + " pairwise-gmac and hpke-x25519-aes256gcm.");
    }
  }

  private String heldKeysets() {
    StringBuilder b = new StringBuilder("keyset ");
    for (String name : new java.util.TreeSet<>(shared.keySet())) {
      b.append(b.length() > 7 ? ", '" : "'").append(name).append('\'');
    }
    return b.toString();
  }

  private void revoked(String namespace, int keyId, String enc, String qualified) {
    if (directory == null) {
      return;
    }
    NamespacePublicKeys k = directory.findNamespace(namespace).orElse(null);
    if (k != null && k.isRevoked(keyId)) {
      throw fail(
          Reason.REVOKED_KEY,
          enc,
          qualified,
          "key-agreement key "
              + Integer.toUnsignedString(keyId)
              + " of namespace '"
              + UntrustedText.quote(namespace)
              + "' is revoked in the key directory.");
    }
  }

  private Payload decodeV1(Payload payload) {
    if (!acceptFormat1) {
      throw fail(
          Reason.LEGACY_FORMAT_REFUSED,
          WireFormat.ENCODING_ENCRYPTED,
          qualifiedV1(payload),
          "the payload is in format version 1, which binds no call context; this codec reads"
              + " version 2.");
    }
    ByteString name = payload.getMetadataMap().get(WireFormat.KEYSET_KEY);
    EnvelopeCodec v1 = name == null ? null : v1ByName.get(name.toStringUtf8());
    if (v1 == null) {
      if (v1ByName.isEmpty()) {
        throw fail(
            Reason.UNKNOWN_KEY,
            WireFormat.ENCODING_ENCRYPTED,
            qualifiedV1(payload),
            "format 1 payloads are under a shared keyset and this codec holds none.");
      }
      v1 = v1ByName.values().iterator().next();
    }
    return v1.decode(List.of(payload)).get(0);
  }

  private static String qualifiedV1(Payload payload) {
    ByteString keyset = payload.getMetadataMap().get(WireFormat.KEYSET_KEY);
    ByteString keyId = payload.getMetadataMap().get(WireFormat.KEY_ID_KEY);
    if (keyId == null) {
      return null;
    }
    return (keyset == null ? "<no keyset>" : WireHeader.printable(keyset))
        + "/"
        + WireHeader.printable(keyId);
  }

  private Payload plaintext(Payload payload, @Nullable ByteString encoding) {
    String encodingText = encoding == null ? null : WireHeader.printable(encoding);
    if (payload.containsMetadata(WireFormat.FORMAT_KEY)) {
      throw fail(
          Reason.MALFORMED,
          encodingText,
          null,
          "the payload carries a '"
              + WireFormat.FORMAT_KEY
              + "' entry but its encoding is neither '"
              + WireFormat.ENCODING_ENCRYPTED
              + "' nor '"
              + WireFormatV2.ENCODING_AUTHENTICATED
              + "': a protected payload whose metadata was altered.");
    }
    if (plaintextPolicy.isAcceptingPlaintext()) {
      return payload;
    }
    throw fail(
        Reason.PLAINTEXT_REJECTED,
        encodingText,
        null,
        "the payload is not protected and this codec rejects plaintext (PlaintextPolicy.REJECT).");
  }

  private static PayloadDecryptionException fail(
      Reason reason, @Nullable String encoding, @Nullable String keyId, String detail) {
    return new PayloadDecryptionException(reason, encoding, keyId, detail, null);
  }

  private static PayloadDecryptionException mismatch(String enc, String qualified, String detail) {
    return fail(Reason.CONTEXT_MISMATCH, enc, qualified, detail);
  }

  /** The protection of new payloads: scheme, keyset and key id values and the cipher. */
  static final class Sealer {
    final Object source;
    final boolean encrypting;
    final ByteString encoding;

    /** Encoding, format, scheme, keyset and key id as length-prefixed context fields. */
    final byte[] prefix;

    final ByteString scheme;
    final ByteString keyset;
    final ByteString keyId;
    final String qualified;
    final PayloadCipher cipher;

    Sealer(
        Object source,
        boolean encrypting,
        ByteString scheme,
        ByteString keyset,
        ByteString keyId,
        String qualified,
        PayloadCipher cipher) {
      this.source = source;
      this.encrypting = encrypting;
      this.encoding =
          encrypting
              ? WireFormat.ENCODING_ENCRYPTED_BYTES
              : WireFormatV2.ENCODING_AUTHENTICATED_BYTES;
      this.prefix =
          WireFormatV2.associatedData(
              encoding, WireFormatV2.FORMAT_V2_BYTES, scheme, keyset, keyId);
      this.scheme = scheme;
      this.keyset = keyset;
      this.keyId = keyId;
      this.qualified = qualified;
      this.cipher = cipher;
    }
  }

  /**
   * Scheme, keyset and key id of the last payload decoded, with the context bytes they came from.
   */
  private static final class KeyNames {
    /** Fields 1 to 5 of the context entry (encoding, format, scheme, keyset, key id). */
    final byte[] prefix;

    final ByteString scheme;
    final ByteString keyset;
    final ByteString keyId;
    final String qualified;

    KeyNames(byte[] prefix, ByteString scheme, ByteString keyset, ByteString keyId) {
      this.prefix = prefix;
      this.scheme = scheme;
      this.keyset = keyset;
      this.keyId = keyId;
      this.qualified = WireHeader.printable(keyset) + "/" + WireHeader.printable(keyId);
    }
  }

  /** The key names of the last payload opened, parsed once (keyset and key id values only). */
  private static final class Opener {
    final boolean pairwise;
    final ByteString keyset;
    final ByteString keyId;
    final String qualified;
    final int senderKeyId;
    final int recipientKeyId;

    Opener(
        boolean pairwise,
        ByteString keyset,
        ByteString keyId,
        String qualified,
        int senderKeyId,
        int recipientKeyId) {
      this.pairwise = pairwise;
      this.keyset = keyset;
      this.keyId = keyId;
      this.qualified = qualified;
      this.senderKeyId = senderKeyId;
      this.recipientKeyId = recipientKeyId;
    }
  }

  private static final class BoundContext {
    final PayloadBinding binding;
    final PayloadBinding.Direction direction;
    final PayloadContext context;
    final PayloadProtection protection;

    BoundContext(
        PayloadBinding binding,
        PayloadBinding.Direction direction,
        PayloadContext context,
        PayloadProtection protection) {
      this.binding = binding;
      this.direction = direction;
      this.context = context;
      this.protection = protection;
    }
  }

  private static final class HpkeTarget {
    final int keyId;
    final byte[] publicKey;
    final HybridEncrypt encrypt;
    final ByteString keyIdBytes;

    HpkeTarget(int keyId, byte[] publicKey, HybridEncrypt encrypt) {
      this.keyId = keyId;
      this.publicKey = publicKey;
      this.encrypt = encrypt;
      this.keyIdBytes = ByteString.copyFromUtf8(Integer.toUnsignedString(keyId));
    }
  }
}
