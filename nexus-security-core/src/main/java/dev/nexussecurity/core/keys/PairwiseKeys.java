package dev.nexussecurity.core.keys;

import com.google.crypto.tink.Aead;
import com.google.crypto.tink.InsecureSecretKeyAccess;
import com.google.crypto.tink.KeyStatus;
import com.google.crypto.tink.KeysetHandle;
import com.google.crypto.tink.Mac;
import com.google.crypto.tink.aead.AeadConfig2026;
import com.google.crypto.tink.aead.AesGcmKey;
import com.google.crypto.tink.aead.AesGcmParameters;
import com.google.crypto.tink.hybrid.HpkePrivateKey;
import com.google.crypto.tink.mac.HmacKey;
import com.google.crypto.tink.mac.HmacParameters;
import com.google.crypto.tink.mac.MacConfig2026;
import com.google.crypto.tink.subtle.Hkdf;
import com.google.crypto.tink.subtle.X25519;
import com.google.crypto.tink.util.SecretBytes;
import dev.nexussecurity.api.internal.UntrustedText;
import dev.nexussecurity.core.internal.keys.TinkKeysets;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.InvalidKeyException;
import java.util.Arrays;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Keys this namespace shares with one other namespace, derived on each side from its own private
 * X25519 key and the other's public one, never distributed: the construction of libsodium's {@code
 * crypto_box} precomputation and Noise's static-static (KK) pattern, built from Tink's X25519, HKDF
 * and primitives.
 *
 * <p>For a sender namespace S with key-agreement key {@code s} and a recipient R with key {@code
 * r}, the key for a {@link Purpose} is {@code HKDF-SHA256(ikm = X25519(s, R_pub) = X25519(r,
 * S_pub), salt = empty, info)} where {@code info} binds the purpose, both namespace names, both key
 * ids and both public keys ({@code docs/key-directory.md} specifies it byte by byte). Both sides
 * compute the same key; a third namespace, or a handler holding another pair's keys, cannot. The
 * direction is part of the key: what the caller sends the handler and what the handler sends back
 * are under different keys, so neither can be reflected as the other.
 *
 * <p>Derived keys are cached per peer namespace and key ids (the X25519 step costs about 0.2 ms; a
 * cache hit does not allocate). A key that is disabled or revoked in the directory, or whose public
 * key changed, is derived again or refused.
 *
 * <pre>{@code
 * PairwiseKeys pairs = PairwiseKeys.create(ordersKeys, directory);
 * PairwiseKeys.PairKey toPayments = pairs.forSending(PairwiseKeys.Purpose.PAYLOAD, "payments");
 * byte[] ciphertext = toPayments.aead().encrypt(plaintext, associatedData);
 * }</pre>
 */
public final class PairwiseKeys {
  /** What a pairwise key is used for; each purpose gets its own key. */
  public enum Purpose {
    /** Authenticates caller identity tokens (HMAC-SHA256). */
    IDENTITY_TOKEN(1),
    /** Encrypts payloads (AES-256-GCM). */
    PAYLOAD(2),
    /** Binds operation tokens a handler returns to the caller that started the operation. */
    OPERATION_TOKEN(3);

    private final int code;

    Purpose(int code) {
      this.code = code;
    }

    /** The byte that stands for this purpose in the derivation's info. */
    public int code() {
      return code;
    }
  }

  /** The label that starts every derivation's info. */
  static final byte[] LABEL = "nexus-security pairwise v1".getBytes(StandardCharsets.US_ASCII);

  private static final HmacParameters HMAC;
  private static final AesGcmParameters AES_GCM;

  static {
    try {
      HMAC =
          HmacParameters.builder()
              .setKeySizeBytes(32)
              .setTagSizeBytes(32)
              .setHashType(HmacParameters.HashType.SHA256)
              .setVariant(HmacParameters.Variant.NO_PREFIX)
              .build();
      AES_GCM =
          AesGcmParameters.builder()
              .setKeySizeBytes(32)
              .setIvSizeBytes(12)
              .setTagSizeBytes(16)
              .setVariant(AesGcmParameters.Variant.NO_PREFIX)
              .build();
    } catch (GeneralSecurityException e) {
      throw new ExceptionInInitializerError(e);
    }
  }

  private final NamespaceKeys own;
  private final KeyDirectory directory;
  private final int primaryOwnKeyId;
  private final int[] ownKeyIds;
  private final byte[][] ownPrivate;
  private final byte[][] ownPublic;
  private final ConcurrentHashMap<String, PairKey[]> cache = new ConcurrentHashMap<>();

  private PairwiseKeys(NamespaceKeys own, KeyDirectory directory) {
    this.own = own;
    this.directory = directory;
    KeysetHandle keys = own.getAgreementKeys();
    this.primaryOwnKeyId = keys.getPrimary().getId();
    int n = 0;
    int[] ids = new int[keys.size()];
    byte[][] priv = new byte[keys.size()][];
    byte[][] pub = new byte[keys.size()][];
    for (int i = 0; i < keys.size(); i++) {
      KeysetHandle.Entry e = keys.getAt(i);
      if (e.getStatus().equals(KeyStatus.ENABLED)) {
        ids[n] = e.getId();
        priv[n] = TinkKeysets.x25519Private((HpkePrivateKey) e.getKey());
        pub[n] = TinkKeysets.x25519Public(e.getKey());
        n++;
      }
    }
    this.ownKeyIds = Arrays.copyOf(ids, n);
    this.ownPrivate = Arrays.copyOf(priv, n);
    this.ownPublic = Arrays.copyOf(pub, n);
  }

  /** Pairwise keys of {@code own}'s namespace with every namespace in {@code directory}. */
  public static PairwiseKeys create(NamespaceKeys own, KeyDirectory directory) {
    return new PairwiseKeys(
        Objects.requireNonNull(own, "own"), Objects.requireNonNull(directory, "directory"));
  }

  /** This side's namespace. */
  public String getNamespace() {
    return own.getNamespace();
  }

  /** The id of this side's key used for new tokens and payloads (its keyset's primary). */
  public int getPrimaryKeyId() {
    return primaryOwnKeyId;
  }

  /**
   * The key for sending to {@code peer} now: this side's primary key and the peer's primary key in
   * the directory.
   *
   * @throws PairwiseKeyException if the directory has no usable key-agreement key for the peer
   */
  public PairKey forSending(Purpose purpose, String peer) {
    Optional<Integer> peerKeyId = peerKeys(peer).getPrimaryAgreementKeyId();
    if (peerKeyId.isEmpty()) {
      throw new PairwiseKeyException(
          "namespace '"
              + UntrustedText.quote(peer)
              + "' publishes no key-agreement keys in the key directory");
    }
    return get(purpose, own.getNamespace(), primaryOwnKeyId, peer, peerKeyId.get());
  }

  /**
   * The key for {@code purpose} between {@code sender} (key {@code senderKeyId}) and {@code
   * recipient} (key {@code recipientKeyId}); this side must be one of them.
   *
   * @throws PairwiseKeyException if this side is neither, or a named key is unknown, disabled or
   *     revoked (the message names which)
   */
  public PairKey get(
      Purpose purpose, String sender, int senderKeyId, String recipient, int recipientKeyId) {
    boolean ownIsSender = own.getNamespace().equals(sender);
    if (!ownIsSender && !own.getNamespace().equals(recipient)) {
      throw new PairwiseKeyException(
          "namespace '"
              + own.getNamespace()
              + "' is neither the sender '"
              + UntrustedText.quote(sender)
              + "' nor the recipient '"
              + UntrustedText.quote(recipient)
              + "' of this pairwise key");
    }
    String peer = ownIsSender ? recipient : sender;
    int ownKeyId = ownIsSender ? senderKeyId : recipientKeyId;
    int peerKeyId = ownIsSender ? recipientKeyId : senderKeyId;
    NamespacePublicKeys peerKeys = peerKeys(peer);
    byte[] peerPublic = peerKeys.usableAgreementKey(peerKeyId);
    if (peerPublic == null) {
      throw new PairwiseKeyException(
          "key-agreement key "
              + Integer.toUnsignedString(peerKeyId)
              + " of namespace '"
              + UntrustedText.quote(peer)
              + "' is "
              + (peerKeys.isRevoked(peerKeyId) ? "revoked" : "not an enabled key")
              + " in the key directory");
    }
    int ownIndex = indexOf(ownKeyId);
    if (ownIndex < 0) {
      throw new PairwiseKeyException(
          "key-agreement key "
              + Integer.toUnsignedString(ownKeyId)
              + " of namespace '"
              + own.getNamespace()
              + "' is not an enabled key of this worker's own keyset");
    }
    PairKey[] entries = cache.get(peer);
    if (entries != null) {
      for (PairKey k : entries) {
        if (k.purpose == purpose
            && k.ownIsSender == ownIsSender
            && k.ownKeyId == ownKeyId
            && k.peerKeyId == peerKeyId
            && Arrays.equals(k.peerPublic, peerPublic)) {
          return k;
        }
      }
    }
    PairKey derived =
        derive(purpose, ownIsSender, ownIndex, peer, peerKeyId, peerPublic, sender, recipient);
    cache.compute(
        peer,
        (p, old) -> {
          if (old == null) {
            return new PairKey[] {derived};
          }
          PairKey[] grown = Arrays.copyOf(old, old.length + 1);
          grown[old.length] = derived;
          return grown;
        });
    return derived;
  }

  private NamespacePublicKeys peerKeys(String peer) {
    // No capturing lambda: this runs on every call.
    Optional<NamespacePublicKeys> found = directory.findNamespace(peer);
    if (found.isEmpty()) {
      throw new PairwiseKeyException(directory.describeMissing(peer));
    }
    return found.get();
  }

  private int indexOf(int ownKeyId) {
    for (int i = 0; i < ownKeyIds.length; i++) {
      if (ownKeyIds[i] == ownKeyId) {
        return i;
      }
    }
    return -1;
  }

  private PairKey derive(
      Purpose purpose,
      boolean ownIsSender,
      int ownIndex,
      String peer,
      int peerKeyId,
      byte[] peerPublic,
      String sender,
      String recipient) {
    byte[] shared;
    try {
      shared = X25519.computeSharedSecret(ownPrivate[ownIndex], peerPublic);
    } catch (InvalidKeyException e) {
      throw new PairwiseKeyException(
          "the key-agreement key "
              + Integer.toUnsignedString(peerKeyId)
              + " of namespace '"
              + UntrustedText.quote(peer)
              + "' is not a valid X25519 public key",
          e);
    }
    boolean allZero = true;
    for (byte b : shared) {
      allZero &= b == 0;
    }
    if (allZero) {
      throw new PairwiseKeyException(
          "the key-agreement key "
              + Integer.toUnsignedString(peerKeyId)
              + " of namespace '"
              + UntrustedText.quote(peer)
              + "' is a low-order point; refusing it");
    }
    int ownKeyId = ownKeyIds[ownIndex];
    byte[] info =
        info(
            purpose,
            sender,
            ownIsSender ? ownKeyId : peerKeyId,
            ownIsSender ? ownPublic[ownIndex] : peerPublic,
            recipient,
            ownIsSender ? peerKeyId : ownKeyId,
            ownIsSender ? peerPublic : ownPublic[ownIndex]);
    try {
      byte[] key = Hkdf.computeHkdf("HMACSHA256", shared, new byte[0], info, 32);
      Arrays.fill(shared, (byte) 0);
      return new PairKey(
          purpose,
          ownIsSender,
          sender,
          ownIsSender ? ownKeyId : peerKeyId,
          recipient,
          ownIsSender ? peerKeyId : ownKeyId,
          ownKeyId,
          peerKeyId,
          peerPublic,
          key);
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("HKDF-SHA256 failed", e);
    }
  }

  /**
   * The HKDF info of a pairwise key: {@code "nexus-security pairwise v1"}, a zero byte, the purpose
   * byte, then sender and recipient, each as namespace (4-byte big-endian length, UTF-8 bytes), key
   * id (4 bytes big-endian) and X25519 public key (32 bytes).
   */
  static byte[] info(
      Purpose purpose,
      String sender,
      int senderKeyId,
      byte[] senderPublic,
      String recipient,
      int recipientKeyId,
      byte[] recipientPublic) {
    ByteArrayOutputStream out = new ByteArrayOutputStream(160);
    out.writeBytes(LABEL);
    out.write(0);
    out.write(purpose.code());
    party(out, sender, senderKeyId, senderPublic);
    party(out, recipient, recipientKeyId, recipientPublic);
    return out.toByteArray();
  }

  private static void party(ByteArrayOutputStream out, String ns, int keyId, byte[] pub) {
    byte[] name = ns.getBytes(StandardCharsets.UTF_8);
    int32(out, name.length);
    out.writeBytes(name);
    int32(out, keyId);
    out.writeBytes(pub);
  }

  private static void int32(ByteArrayOutputStream out, int v) {
    out.write(v >>> 24);
    out.write(v >>> 16);
    out.write(v >>> 8);
    out.write(v);
  }

  @Override
  public String toString() {
    return "PairwiseKeys{" + own.getNamespace() + ", " + cache.size() + " peers cached}";
  }

  /**
   * One derived pairwise key: who sends, who receives, with which keys, and the Tink primitives
   * built from it. Immutable and thread-safe; {@code toString} shows no key material.
   */
  public static final class PairKey {
    private final Purpose purpose;
    private final boolean ownIsSender;
    private final String sender;
    private final int senderKeyId;
    private final String recipient;
    private final int recipientKeyId;
    private final int ownKeyId;
    private final int peerKeyId;
    private final byte[] peerPublic;
    private final Mac mac;
    private final Aead aead;

    private PairKey(
        Purpose purpose,
        boolean ownIsSender,
        String sender,
        int senderKeyId,
        String recipient,
        int recipientKeyId,
        int ownKeyId,
        int peerKeyId,
        byte[] peerPublic,
        byte[] key) {
      this.purpose = purpose;
      this.ownIsSender = ownIsSender;
      this.sender = sender;
      this.senderKeyId = senderKeyId;
      this.recipient = recipient;
      this.recipientKeyId = recipientKeyId;
      this.ownKeyId = ownKeyId;
      this.peerKeyId = peerKeyId;
      this.peerPublic = peerPublic;
      try {
        SecretBytes secret = SecretBytes.copyFrom(key, InsecureSecretKeyAccess.get());
        Arrays.fill(key, (byte) 0);
        if (purpose == Purpose.PAYLOAD) {
          this.mac = null;
          this.aead =
              KeysetHandle.newBuilder()
                  .addEntry(
                      KeysetHandle.importKey(
                              AesGcmKey.builder()
                                  .setParameters(AES_GCM)
                                  .setKeyBytes(secret)
                                  .build())
                          .withRandomId()
                          .makePrimary())
                  .build()
                  .getPrimitive(AeadConfig2026.get(), Aead.class);
        } else {
          this.aead = null;
          this.mac =
              KeysetHandle.newBuilder()
                  .addEntry(
                      KeysetHandle.importKey(
                              HmacKey.builder().setParameters(HMAC).setKeyBytes(secret).build())
                          .withRandomId()
                          .makePrimary())
                  .build()
                  .getPrimitive(MacConfig2026.get(), Mac.class);
        }
      } catch (GeneralSecurityException e) {
        throw new IllegalStateException("building a Tink primitive from a derived key failed", e);
      }
    }

    public Purpose getPurpose() {
      return purpose;
    }

    public String getSender() {
      return sender;
    }

    public int getSenderKeyId() {
      return senderKeyId;
    }

    public String getRecipient() {
      return recipient;
    }

    public int getRecipientKeyId() {
      return recipientKeyId;
    }

    /**
     * The HMAC-SHA256 (32-byte tag) of an {@link Purpose#IDENTITY_TOKEN} or {@link
     * Purpose#OPERATION_TOKEN} key.
     *
     * @throws IllegalStateException for a {@link Purpose#PAYLOAD} key
     */
    public Mac mac() {
      if (mac == null) {
        throw new IllegalStateException("a " + purpose + " key has no MAC");
      }
      return mac;
    }

    /**
     * The AES-256-GCM AEAD (12-byte random IV, 16-byte tag, no prefix) of a {@link Purpose#PAYLOAD}
     * key.
     *
     * @throws IllegalStateException for a key of another purpose
     */
    public Aead aead() {
      if (aead == null) {
        throw new IllegalStateException("a " + purpose + " key has no AEAD");
      }
      return aead;
    }

    @Override
    public String toString() {
      return "PairKey{"
          + purpose
          + " "
          + sender
          + "/"
          + Integer.toUnsignedString(senderKeyId)
          + " -> "
          + recipient
          + "/"
          + Integer.toUnsignedString(recipientKeyId)
          + "}";
    }
  }
}
