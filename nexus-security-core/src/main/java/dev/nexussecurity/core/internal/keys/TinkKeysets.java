package dev.nexussecurity.core.internal.keys;

import com.google.crypto.tink.InsecureSecretKeyAccess;
import com.google.crypto.tink.Key;
import com.google.crypto.tink.KeyStatus;
import com.google.crypto.tink.KeysetHandle;
import com.google.crypto.tink.TinkJsonProtoKeysetFormat;
import com.google.crypto.tink.hybrid.HpkeParameters;
import com.google.crypto.tink.hybrid.HpkePrivateKey;
import com.google.crypto.tink.hybrid.HpkePublicKey;
import com.google.crypto.tink.hybrid.HybridConfig2026;
import com.google.crypto.tink.signature.Ed25519PrivateKey;
import com.google.crypto.tink.signature.Ed25519PublicKey;
import com.google.crypto.tink.signature.SignatureConfig2026;
import java.security.GeneralSecurityException;

/**
 * Tink keyset handling for namespace keys, with Tink's hermetic configurations only (no global
 * registry): key-agreement keysets are HPKE keysets whose keys use DHKEM(X25519, HKDF-SHA256);
 * signature keysets hold Ed25519 keys.
 */
public final class TinkKeysets {
  /** The parameters of a new key-agreement key: HPKE with X25519, HKDF-SHA256, AES-256-GCM. */
  public static final HpkeParameters AGREEMENT_PARAMETERS;

  static {
    try {
      AGREEMENT_PARAMETERS =
          HpkeParameters.builder()
              .setKemId(HpkeParameters.KemId.DHKEM_X25519_HKDF_SHA256)
              .setKdfId(HpkeParameters.KdfId.HKDF_SHA256)
              .setAeadId(HpkeParameters.AeadId.AES_256_GCM)
              .setVariant(HpkeParameters.Variant.TINK)
              .build();
    } catch (GeneralSecurityException e) {
      throw new ExceptionInInitializerError(e);
    }
  }

  /** The kind of key a keyset holds. */
  public enum Kind {
    AGREEMENT("key-agreement (HPKE X25519)"),
    SIGNATURE("signature (Ed25519)");

    private final String description;

    Kind(String description) {
      this.description = description;
    }

    public String description() {
      return description;
    }
  }

  private TinkKeysets() {}

  /** Parses a public keyset of {@code kind} from Tink JSON; private keys are refused. */
  public static KeysetHandle parsePublic(String json, Kind kind) throws GeneralSecurityException {
    KeysetHandle h =
        TinkJsonProtoKeysetFormat.parseKeysetWithoutSecret(
            json, kind == Kind.AGREEMENT ? HybridConfig2026.get() : SignatureConfig2026.get());
    requireKeys(h, kind, false);
    return h;
  }

  /** Parses a private keyset of {@code kind} from cleartext Tink JSON. */
  public static KeysetHandle parsePrivate(String json, Kind kind) throws GeneralSecurityException {
    KeysetHandle h =
        TinkJsonProtoKeysetFormat.parseKeyset(
            json,
            kind == Kind.AGREEMENT ? HybridConfig2026.get() : SignatureConfig2026.get(),
            InsecureSecretKeyAccess.get());
    requireKeys(h, kind, true);
    return h;
  }

  /** The Tink JSON of a public keyset. */
  public static String toPublicJson(KeysetHandle publicKeyset, Kind kind)
      throws GeneralSecurityException {
    return TinkJsonProtoKeysetFormat.serializeKeysetWithoutSecret(
        publicKeyset, kind == Kind.AGREEMENT ? HybridConfig2026.get() : SignatureConfig2026.get());
  }

  /** The cleartext Tink JSON of a private keyset (for development files and tools only). */
  public static String toCleartextPrivateJson(KeysetHandle keyset, Kind kind)
      throws GeneralSecurityException {
    return TinkJsonProtoKeysetFormat.serializeKeyset(
        keyset,
        kind == Kind.AGREEMENT ? HybridConfig2026.get() : SignatureConfig2026.get(),
        InsecureSecretKeyAccess.get());
  }

  /** A new keyset with one fresh primary key of {@code kind}. */
  public static KeysetHandle generate(Kind kind) throws GeneralSecurityException {
    return kind == Kind.AGREEMENT
        ? KeysetHandle.generateNew(AGREEMENT_PARAMETERS, HybridConfig2026.get())
        : KeysetHandle.generateNew(
            com.google.crypto.tink.signature.PredefinedSignatureParameters.ED25519,
            SignatureConfig2026.get());
  }

  /**
   * {@code keyset} with one more fresh key of {@code kind}, enabled, made primary if {@code
   * primary} (key rotation).
   */
  public static KeysetHandle withNewKey(KeysetHandle keyset, Kind kind, boolean primary)
      throws GeneralSecurityException {
    KeysetHandle.Builder.Entry entry =
        KeysetHandle.generateEntryFromParameters(
                kind == Kind.AGREEMENT
                    ? AGREEMENT_PARAMETERS
                    : com.google.crypto.tink.signature.PredefinedSignatureParameters.ED25519)
            .withRandomId();
    if (primary) {
      entry.makePrimary();
    }
    return KeysetHandle.newBuilder(keyset)
        .setConfiguration(
            kind == Kind.AGREEMENT ? HybridConfig2026.get() : SignatureConfig2026.get())
        .addEntry(entry)
        .build();
  }

  /**
   * Checks that every key of {@code keyset} is of {@code kind} and private or public as required,
   * and that it has an enabled primary key.
   *
   * @throws GeneralSecurityException naming the first key that does not fit
   */
  public static void requireKeys(KeysetHandle keyset, Kind kind, boolean privateKeys)
      throws GeneralSecurityException {
    if (keyset.size() == 0) {
      throw new GeneralSecurityException("the keyset holds no key");
    }
    for (int i = 0; i < keyset.size(); i++) {
      KeysetHandle.Entry e = keyset.getAt(i);
      Key key = e.getKey();
      boolean ok =
          switch (kind) {
            case AGREEMENT ->
                privateKeys
                    ? key instanceof HpkePrivateKey priv && isX25519(priv.getParameters())
                    : key instanceof HpkePublicKey pub && isX25519(pub.getParameters());
            case SIGNATURE ->
                privateKeys ? key instanceof Ed25519PrivateKey : key instanceof Ed25519PublicKey;
          };
      if (!ok) {
        throw new GeneralSecurityException(
            "key "
                + Integer.toUnsignedString(e.getId())
                + " is a "
                + key.getClass().getSimpleName()
                + ", not a "
                + (privateKeys ? "private " : "public ")
                + kind.description()
                + " key");
      }
    }
    if (!keyset.getPrimary().getStatus().equals(KeyStatus.ENABLED)) {
      throw new GeneralSecurityException("the keyset's primary key is not enabled");
    }
  }

  private static boolean isX25519(HpkeParameters p) {
    return p.getKemId().equals(HpkeParameters.KemId.DHKEM_X25519_HKDF_SHA256);
  }

  /** The raw 32-byte X25519 public value of a public or private key-agreement key. */
  public static byte[] x25519Public(Key key) {
    HpkePublicKey pub =
        key instanceof HpkePrivateKey priv ? priv.getPublicKey() : (HpkePublicKey) key;
    return pub.getPublicKeyBytes().toByteArray();
  }

  /** The raw 32-byte X25519 private scalar of a private key-agreement key. */
  public static byte[] x25519Private(HpkePrivateKey key) {
    return key.getPrivateKeyBytes().toByteArray(InsecureSecretKeyAccess.get());
  }

  /** The raw 32-byte Ed25519 public key. */
  public static byte[] ed25519Public(Key key) {
    Ed25519PublicKey pub =
        key instanceof Ed25519PrivateKey priv ? priv.getPublicKey() : (Ed25519PublicKey) key;
    return pub.getPublicKeyBytes().toByteArray();
  }

  /** The raw 32-byte Ed25519 private seed. */
  public static byte[] ed25519Private(Ed25519PrivateKey key) {
    return key.getPrivateKeyBytes().toByteArray(InsecureSecretKeyAccess.get());
  }

  /** The output prefix Tink puts before a signature of {@code key} (empty for RAW keys). */
  public static byte[] ed25519OutputPrefix(Key key) {
    Ed25519PublicKey pub =
        key instanceof Ed25519PrivateKey priv ? priv.getPublicKey() : (Ed25519PublicKey) key;
    return pub.getOutputPrefix().toByteArray();
  }
}
