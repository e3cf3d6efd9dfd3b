package dev.nexussecurity.testing;

import com.google.crypto.tink.InsecureSecretKeyAccess;
import com.google.crypto.tink.KeysetHandle;
import com.google.crypto.tink.Parameters;
import com.google.crypto.tink.aead.PredefinedAeadParameters;
import com.google.crypto.tink.hybrid.HpkeParameters;
import com.google.crypto.tink.hybrid.HpkePrivateKey;
import com.google.crypto.tink.hybrid.HpkePublicKey;
import com.google.crypto.tink.keyderivation.KeyDerivationConfig2026;
import com.google.crypto.tink.keyderivation.KeysetDeriver;
import com.google.crypto.tink.keyderivation.PrfBasedKeyDerivationKey;
import com.google.crypto.tink.keyderivation.PrfBasedKeyDerivationParameters;
import com.google.crypto.tink.prf.HkdfPrfKey;
import com.google.crypto.tink.prf.HkdfPrfParameters;
import com.google.crypto.tink.prf.PrfConfig2026;
import com.google.crypto.tink.prf.PrfSet;
import com.google.crypto.tink.signature.Ed25519Parameters;
import com.google.crypto.tink.subtle.X25519;
import com.google.crypto.tink.util.Bytes;
import com.google.crypto.tink.util.SecretBytes;
import dev.nexussecurity.core.keys.NamespaceKeys;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.util.Objects;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;

/**
 * Test keys derived with Tink from one 32-byte seed: {@link NamespaceKeys} per namespace (an X25519
 * key-agreement key and an Ed25519 signing keyset) and an AES256-GCM payload keyset per keyset
 * name. The same seed and name always give the same keyset (key material and key id); different
 * names give independent keys.
 *
 * <p>Derivation is Tink's PRF-based key derivation ({@code PrfBasedKeyDerivationKey} over an
 * HKDF-SHA256 PRF key holding the seed, with the purpose and name as salt), through Tink's
 * registry-free {@code KeyDerivationConfig2026}. Key ids come from the same PRF, so they are stable
 * for a seed and differ between names.
 *
 * <p><b>For tests only.</b> {@link #random()} (what {@link NexusSecurityExtension} uses unless told
 * otherwise) draws a fresh seed for every test run, so no key is ever written anywhere. {@link
 * #fromSeed(byte[])} reproduces the keys of a run; a seed in test code is key material of that test
 * only and must never protect real data. {@code toString} never shows the seed or any key.
 *
 * <pre>{@code
 * TestKeys keys = TestKeys.random();
 * KeysetHandle ordersSigning = keys.getSigningKeyset("orders-ns");   // Ed25519, private
 * KeysetHandle payloads = keys.getPayloadKeyset("shared");            // AES256-GCM
 * keys.getSigningKeyset("orders-ns").equalsKeyset(ordersSigning);     // true: same name, same keys
 * }</pre>
 *
 * <p>Thread-safe.
 */
public final class TestKeys {
  /** Length of a seed in bytes. */
  public static final int SEED_BYTES = 32;

  private static final HkdfPrfParameters PRF_PARAMETERS = prfParameters();

  private final HkdfPrfKey seed;
  private final PrfSet idPrf;
  private final boolean givenSeed;
  private final ConcurrentMap<String, KeysetHandle> derived = new ConcurrentHashMap<>();
  private final ConcurrentMap<String, NamespaceKeys> namespaceKeys = new ConcurrentHashMap<>();

  private TestKeys(SecretBytes seedBytes, boolean givenSeed) {
    try {
      this.seed = HkdfPrfKey.builder().setParameters(PRF_PARAMETERS).setKeyBytes(seedBytes).build();
      this.idPrf =
          KeysetHandle.newBuilder()
              .addEntry(KeysetHandle.importKey(seed).withFixedId(1).makePrimary())
              .build()
              .getPrimitive(PrfConfig2026.get(), PrfSet.class);
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("Tink cannot build the HKDF key of the test keys", e);
    }
    this.givenSeed = givenSeed;
  }

  /** Keys from a fresh random seed: different in every run. */
  public static TestKeys random() {
    return new TestKeys(SecretBytes.randomBytes(SEED_BYTES), false);
  }

  /**
   * Keys from {@code seed}, to reproduce a run. The seed is copied.
   *
   * @param seed exactly {@value #SEED_BYTES} bytes
   * @throws IllegalArgumentException if the seed is null or not {@value #SEED_BYTES} bytes long
   */
  public static TestKeys fromSeed(byte[] seed) {
    if (seed == null || seed.length != SEED_BYTES) {
      throw new IllegalArgumentException(
          "seed must be exactly "
              + SEED_BYTES
              + " bytes, got "
              + (seed == null ? "null" : seed.length + " bytes"));
    }
    return new TestKeys(SecretBytes.copyFrom(seed, InsecureSecretKeyAccess.get()), true);
  }

  /**
   * The private Ed25519 signing keyset of {@code namespace} (one key, Tink output prefix). Its
   * public half is published in the key directory (see {@link #getNamespaceKeys}).
   *
   * @param namespace non-blank
   */
  public KeysetHandle getSigningKeyset(String namespace) {
    return derive("signing/", namespace, Ed25519Parameters.create(Ed25519Parameters.Variant.TINK));
  }

  /**
   * The private keys of {@code namespace}: a key-agreement key (X25519, as a Tink HPKE private key
   * with a Tink output prefix) derived from the seed, and the {@link #getSigningKeyset Ed25519
   * signing keyset}. Their public halves ({@code toPublicKeys()}) go into the key directory.
   *
   * @param namespace a valid namespace name
   */
  public NamespaceKeys getNamespaceKeys(String namespace) {
    if (namespace == null || namespace.isBlank()) {
      throw new IllegalArgumentException("namespace must be non-blank, got " + quoted(namespace));
    }
    return namespaceKeys.computeIfAbsent(
        namespace,
        ns ->
            NamespaceKeys.newBuilder(ns)
                .setAgreementKeys(agreementKeyset(ns))
                .setSignatureKeys(getSigningKeyset(ns))
                .build());
  }

  private KeysetHandle agreementKeyset(String namespace) {
    try {
      byte[] label = ("agreement/" + namespace).getBytes(StandardCharsets.UTF_8);
      int keyId = ByteBuffer.wrap(idPrf.computePrimary(concat("key-id/", label), 4)).getInt();
      byte[] scalar = idPrf.computePrimary(concat("x25519/", label), 32);
      HpkeParameters params =
          HpkeParameters.builder()
              .setKemId(HpkeParameters.KemId.DHKEM_X25519_HKDF_SHA256)
              .setKdfId(HpkeParameters.KdfId.HKDF_SHA256)
              .setAeadId(HpkeParameters.AeadId.AES_256_GCM)
              .setVariant(HpkeParameters.Variant.TINK)
              .build();
      HpkePublicKey publicKey =
          HpkePublicKey.create(params, Bytes.copyFrom(X25519.publicFromPrivate(scalar)), keyId);
      HpkePrivateKey privateKey =
          HpkePrivateKey.create(
              publicKey, SecretBytes.copyFrom(scalar, InsecureSecretKeyAccess.get()));
      return KeysetHandle.newBuilder()
          .addEntry(KeysetHandle.importKey(privateKey).withFixedId(keyId).makePrimary())
          .build();
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException(
          "Tink cannot build the test key-agreement key of " + quoted(namespace), e);
    }
  }

  /**
   * The AES256-GCM payload keyset named {@code keysetName} (one key, Tink output prefix), for a
   * {@link dev.nexussecurity.codec.tink.TinkPayloadCodec}.
   *
   * @param keysetName non-blank
   */
  public KeysetHandle getPayloadKeyset(String keysetName) {
    return derive("payload/", keysetName, PredefinedAeadParameters.AES256_GCM);
  }

  /**
   * {@code base} plus one more AES256-GCM key, derived from this seed and {@code label}, made
   * primary: what a keyset looks like after a new key was promoted. A reader that holds only {@code
   * base} cannot decrypt what this keyset encrypts; this keyset still decrypts everything {@code
   * base} did.
   *
   * @param base an AEAD keyset; not changed
   * @param label names the new key; the same label gives the same key
   */
  public KeysetHandle withNewPrimaryKey(KeysetHandle base, String label) {
    Objects.requireNonNull(base, "base");
    KeysetHandle extra = derive("rotated/", label, PredefinedAeadParameters.AES256_GCM);
    KeysetHandle.Entry newKey = extra.getPrimary();
    for (int i = 0; i < base.size(); i++) {
      if (base.getAt(i).getId() == newKey.getId()) {
        throw new IllegalArgumentException(
            "base already holds a key with id "
                + Integer.toUnsignedString(newKey.getId())
                + "; use another label");
      }
    }
    try {
      return KeysetHandle.newBuilder(base)
          .addEntry(
              KeysetHandle.importKey(newKey.getKey()).withFixedId(newKey.getId()).makePrimary())
          .build();
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("Tink cannot add a key to the keyset", e);
    }
  }

  private KeysetHandle derive(String purpose, String name, Parameters derivedParameters) {
    if (name == null || name.isBlank()) {
      throw new IllegalArgumentException("key name must be non-blank, got " + quoted(name));
    }
    return derived.computeIfAbsent(purpose + name, label -> deriveNow(label, derivedParameters));
  }

  private KeysetHandle deriveNow(String label, Parameters derivedParameters) {
    try {
      byte[] salt = label.getBytes(StandardCharsets.UTF_8);
      int keyId = ByteBuffer.wrap(idPrf.computePrimary(concat("key-id/", salt), 4)).getInt();
      PrfBasedKeyDerivationKey derivationKey =
          PrfBasedKeyDerivationKey.create(
              PrfBasedKeyDerivationParameters.builder()
                  .setPrfParameters(PRF_PARAMETERS)
                  .setDerivedKeyParameters(derivedParameters)
                  .build(),
              seed,
              keyId);
      KeysetDeriver deriver =
          KeysetHandle.newBuilder()
              .addEntry(KeysetHandle.importKey(derivationKey).withFixedId(keyId).makePrimary())
              .build()
              .getPrimitive(KeyDerivationConfig2026.get(), KeysetDeriver.class);
      return deriver.deriveKeyset(salt);
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("Tink cannot derive the test keyset " + quoted(label), e);
    }
  }

  private static byte[] concat(String prefix, byte[] rest) {
    byte[] p = prefix.getBytes(StandardCharsets.UTF_8);
    byte[] out = new byte[p.length + rest.length];
    System.arraycopy(p, 0, out, 0, p.length);
    System.arraycopy(rest, 0, out, p.length, rest.length);
    return out;
  }

  private static HkdfPrfParameters prfParameters() {
    try {
      return HkdfPrfParameters.builder()
          .setKeySizeBytes(SEED_BYTES)
          .setHashType(HkdfPrfParameters.HashType.SHA256)
          .build();
    } catch (GeneralSecurityException e) {
      throw new ExceptionInInitializerError(e);
    }
  }

  private static String quoted(String s) {
    return s == null ? "null" : "'" + s + "'";
  }

  /** Says whether the seed was random or given; never shows the seed or any key. */
  @Override
  public String toString() {
    return "TestKeys{seed=" + (givenSeed ? "given" : "random") + "}";
  }
}
