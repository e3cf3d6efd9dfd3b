package dev.nexussecurity.core.internal.identity;

import com.google.crypto.tink.subtle.Hkdf;
import com.google.crypto.tink.subtle.X25519;
import dev.nexussecurity.core.IdentityMode;
import dev.nexussecurity.core.keys.NamespaceKeyDirectory;
import dev.nexussecurity.core.keys.NamespaceKeys;
import dev.nexussecurity.core.keys.PairwiseKeys;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.HexFormat;

/**
 * The fixed inputs of the identity token known-answer vectors ({@code
 * identity/identity-token-vectors.json}) and, through {@link #main}, their generator. Test key
 * material only.
 */
final class IdentityTokenVectors {
  static final String ORDERS_X25519 =
      "a8abababababababababababababababababababababababababababababab6b";
  static final String ORDERS_ED25519_SEED =
      "9d61b19deffd5a60ba844af492ec2cc44449c5697b326919703bac031cae7f60";
  static final String PAYMENTS_X25519 =
      "c8cdcdcdcdcdcdcdcdcdcdcdcdcdcdcdcdcdcdcdcdcdcdcdcdcdcdcdcdcdcd4d";
  static final String PAYMENTS_ED25519_SEED =
      "4ccd089b28ff96da9db6c346ec114e0f5b8a319f35aba624da8cf6ed4fb8a6fb";
  static final int ORDERS_AGREEMENT_ID = 0x1a2b3c4d;
  static final int ORDERS_SIGNATURE_ID = 0x5e6f7081;
  static final int PAYMENTS_AGREEMENT_ID = 0x11223344;
  static final int PAYMENTS_SIGNATURE_ID = 0x55667788;

  private IdentityTokenVectors() {}

  static NamespaceKeys orders() throws Exception {
    return FixedKeys.of(
        "orders", ORDERS_X25519, ORDERS_AGREEMENT_ID, ORDERS_ED25519_SEED, ORDERS_SIGNATURE_ID);
  }

  static NamespaceKeys payments() throws Exception {
    return FixedKeys.of(
        "payments",
        PAYMENTS_X25519,
        PAYMENTS_AGREEMENT_ID,
        PAYMENTS_ED25519_SEED,
        PAYMENTS_SIGNATURE_ID);
  }

  static NamespaceKeyDirectory directory() throws Exception {
    return NamespaceKeyDirectory.newBuilder()
        .put(orders().toPublicKeys())
        .put(payments().toPublicKeys())
        .build();
  }

  static TokenClaims claims(IdentityMode mode, String tokenId) {
    return new TokenClaims(
        mode,
        "orders",
        "payments",
        "payments-tq",
        "payments-endpoint",
        "PaymentsService",
        "charge",
        "order-42",
        "6f1e0c2a-8b7d-4e9f-a1b2-c3d4e5f60718",
        1_767_225_600_000L,
        1_767_229_200_000L,
        tokenId,
        0,
        0);
  }

  /**
   * The pairwise identity key orders → payments, computed from the documented derivation alone
   * (docs/key-directory.md): HKDF-SHA256 over X25519(orders, payments) with the documented info.
   */
  static byte[] pairwiseIdentityKey() throws Exception {
    byte[] ordersPriv = HexFormat.of().parseHex(ORDERS_X25519);
    byte[] paymentsPriv = HexFormat.of().parseHex(PAYMENTS_X25519);
    byte[] ordersPub = X25519.publicFromPrivate(ordersPriv);
    byte[] paymentsPub = X25519.publicFromPrivate(paymentsPriv);
    byte[] shared = X25519.computeSharedSecret(ordersPriv, paymentsPub);
    ByteArrayOutputStream info = new ByteArrayOutputStream();
    info.writeBytes("nexus-security pairwise v1".getBytes(StandardCharsets.US_ASCII));
    info.write(0);
    info.write(PairwiseKeys.Purpose.IDENTITY_TOKEN.code());
    party(info, "orders", ORDERS_AGREEMENT_ID, ordersPub);
    party(info, "payments", PAYMENTS_AGREEMENT_ID, paymentsPub);
    return Hkdf.computeHkdf("HMACSHA256", shared, new byte[0], info.toByteArray(), 32);
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

  /** Prints the vectors file. */
  public static void main(String[] args) throws Exception {
    NamespaceKeys orders = orders();
    NamespaceKeyDirectory dir = directory();
    StringBuilder out = new StringBuilder();
    out.append("{\n  \"pairwiseIdentityKey\": \"")
        .append(HexFormat.of().formatHex(pairwiseIdentityKey()))
        .append("\",\n  \"cases\": [\n");
    String[][] cases = {
      {"pairwise", "PAIRWISE", "AAECAwQFBgcICQoLDA0ODw"},
      {"signature", "SIGNATURE", "EBESExQVFhcYGRobHB0eHw"}
    };
    for (int i = 0; i < cases.length; i++) {
      IdentityMode mode = IdentityMode.valueOf(cases[i][1]);
      TokenClaims c = claims(mode, cases[i][2]);
      String token = TokenIssuer.create(orders, PairwiseKeys.create(orders, dir), mode).issue(c);
      out.append("    {\"name\": \"")
          .append(cases[i][0])
          .append("\", \"mode\": \"")
          .append(mode)
          .append("\", \"tokenId\": \"")
          .append(cases[i][2])
          .append("\",\n     \"token\": \"")
          .append(token)
          .append("\"}")
          .append(i + 1 < cases.length ? ",\n" : "\n");
    }
    out.append("  ]\n}\n");
    System.out.print(out);
  }
}
