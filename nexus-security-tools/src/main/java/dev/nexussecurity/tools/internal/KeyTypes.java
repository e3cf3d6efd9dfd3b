package dev.nexussecurity.tools.internal;

import com.google.crypto.tink.KeysetHandle;
import com.google.crypto.tink.Parameters;
import com.google.crypto.tink.aead.PredefinedAeadParameters;
import com.google.crypto.tink.mac.PredefinedMacParameters;
import com.google.crypto.tink.signature.PredefinedSignatureParameters;
import dev.nexussecurity.core.internal.keys.KeysetFiles;
import dev.nexussecurity.core.internal.keys.TinkKeysets;
import dev.nexussecurity.core.keys.KeysetKind;
import dev.nexussecurity.core.keys.KeysetLoadException;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;

/** The key types the command makes, per kind of keyset, by the names users type. */
final class KeyTypes {
  /** The kinds of keyset {@code keyset create --kind} makes. */
  enum Kind {
    PAYLOAD(KeysetKind.PAYLOAD_AEAD, "AES256_GCM"),
    SIGNING(KeysetKind.SIGNING, "ED25519"),
    MAC(KeysetKind.MAC, "HMAC_SHA256_256BITTAG"),
    HPKE(KeysetKind.KEY_AGREEMENT, "DHKEM_X25519_HKDF_SHA256_HKDF_SHA256_AES_256_GCM");

    final KeysetKind keysetKind;
    final String defaultType;

    Kind(KeysetKind keysetKind, String defaultType) {
      this.keysetKind = keysetKind;
      this.defaultType = defaultType;
    }

    String cliName() {
      return name().toLowerCase(Locale.ROOT);
    }
  }

  private static final Map<Kind, Map<String, Parameters>> TYPES = types();

  private KeyTypes() {}

  /** The parameters of {@code name} for {@code kind}, or the kind's default for null. */
  static Parameters parameters(Kind kind, String name) {
    String n = name == null ? kind.defaultType : name.toUpperCase(Locale.ROOT);
    Parameters p = TYPES.get(kind).get(n);
    if (p == null) {
      throw new CommandFailure(
          Commands.USAGE,
          "--key-type "
              + name
              + " is not a "
              + kind.cliName()
              + " key type; use one of "
              + String.join(", ", TYPES.get(kind).keySet()));
    }
    return p;
  }

  /** All type names of {@code kind}. */
  static Iterable<String> names(Kind kind) {
    return TYPES.get(kind).keySet();
  }

  /** The name of {@code p}, or its description if it has none here. */
  static String name(Parameters p) {
    for (Map<String, Parameters> m : TYPES.values()) {
      for (Map.Entry<String, Parameters> e : m.entrySet()) {
        if (e.getValue().equals(p)) {
          return e.getKey();
        }
      }
    }
    return p.toString();
  }

  /** The kind of every key of {@code handle}, or a failure naming {@code what}. */
  static Kind kindOf(KeysetHandle handle, String what) {
    for (Kind k : Kind.values()) {
      try {
        KeysetFiles.requireKind(handle, k.keysetKind, what);
        return k;
      } catch (KeysetLoadException e) {
        // try the next kind
      }
    }
    throw new CommandFailure(
        Commands.FAILED,
        what
            + " holds keys of several kinds or of a kind this command does not manage (payload"
            + " AEAD, signing, MAC, HPKE X25519).");
  }

  private static Map<Kind, Map<String, Parameters>> types() {
    Map<Kind, Map<String, Parameters>> all = new LinkedHashMap<>();
    Map<String, Parameters> aead = new LinkedHashMap<>();
    aead.put("AES256_GCM", PredefinedAeadParameters.AES256_GCM);
    aead.put("AES128_GCM", PredefinedAeadParameters.AES128_GCM);
    aead.put("AES256_CTR_HMAC_SHA256", PredefinedAeadParameters.AES256_CTR_HMAC_SHA256);
    aead.put("AES128_CTR_HMAC_SHA256", PredefinedAeadParameters.AES128_CTR_HMAC_SHA256);
    aead.put("AES256_EAX", PredefinedAeadParameters.AES256_EAX);
    aead.put("CHACHA20_POLY1305", PredefinedAeadParameters.CHACHA20_POLY1305);
    aead.put("XCHACHA20_POLY1305", PredefinedAeadParameters.XCHACHA20_POLY1305);
    aead.put("XAES_256_GCM_192_BIT_NONCE", PredefinedAeadParameters.XAES_256_GCM_192_BIT_NONCE);
    all.put(Kind.PAYLOAD, Collections.unmodifiableMap(aead));
    Map<String, Parameters> sign = new LinkedHashMap<>();
    sign.put("ED25519", PredefinedSignatureParameters.ED25519);
    sign.put("ECDSA_P256", PredefinedSignatureParameters.ECDSA_P256);
    sign.put("ECDSA_P384", PredefinedSignatureParameters.ECDSA_P384);
    sign.put(
        "RSA_SSA_PSS_3072_SHA256_SHA256_32_F4",
        PredefinedSignatureParameters.RSA_SSA_PSS_3072_SHA256_SHA256_32_F4);
    all.put(Kind.SIGNING, Collections.unmodifiableMap(sign));
    Map<String, Parameters> mac = new LinkedHashMap<>();
    mac.put("HMAC_SHA256_256BITTAG", PredefinedMacParameters.HMAC_SHA256_256BITTAG);
    mac.put("HMAC_SHA512_512BITTAG", PredefinedMacParameters.HMAC_SHA512_512BITTAG);
    all.put(Kind.MAC, Collections.unmodifiableMap(mac));
    Map<String, Parameters> hpke = new LinkedHashMap<>();
    hpke.put("DHKEM_X25519_HKDF_SHA256_HKDF_SHA256_AES_256_GCM", TinkKeysets.AGREEMENT_PARAMETERS);
    all.put(Kind.HPKE, Collections.unmodifiableMap(hpke));
    return Collections.unmodifiableMap(all);
  }
}
