package dev.nexussecurity.core.internal.identity;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.nexussecurity.core.keys.NamespaceKeys;
import java.security.GeneralSecurityException;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

class OperationTokenBinderTest {
  static NamespaceKeys handler;
  static NamespaceKeys otherHandler;

  @BeforeAll
  static void keys() {
    handler = NamespaceKeys.generate("payments", false);
    otherHandler = NamespaceKeys.generate("payments", false);
  }

  @Test
  void open_ofBoundToken_returnsInnerTokenAndStarter() throws Exception {
    OperationTokenBinder binder = OperationTokenBinder.create(handler);
    String bound = binder.bind("inner-token", "orders", "jti-1");
    assertThat(bound).startsWith("nso1.").doesNotContain("inner-token");
    assertThat(binder.open(bound))
        .isEqualTo(new OperationTokenBinder.Bound("inner-token", "orders", "jti-1"));
  }

  @Test
  void open_byAnotherReplicaOfTheSameNamespace_succeeds() throws Exception {
    String bound = OperationTokenBinder.create(handler).bind("inner", "orders", "jti-1");
    assertThat(OperationTokenBinder.create(handler).open(bound).tokenId()).isEqualTo("jti-1");
  }

  @Test
  void open_withStarterRewritten_isRefused() throws Exception {
    OperationTokenBinder binder = OperationTokenBinder.create(handler);
    String bound = binder.bind("inner", "orders", "jti-1");
    String[] parts = bound.split("\\.");
    parts[2] =
        java.util.Base64.getUrlEncoder()
            .withoutPadding()
            .encodeToString("audit".getBytes(java.nio.charset.StandardCharsets.UTF_8));
    assertThatThrownBy(() -> binder.open(String.join(".", parts)))
        .isInstanceOf(GeneralSecurityException.class)
        .hasMessageContaining("does not verify");
  }

  @Test
  void open_ofTokenBoundByAnotherKey_isRefused() {
    String bound = OperationTokenBinder.create(otherHandler).bind("inner", "orders", "jti-1");
    assertThatThrownBy(() -> OperationTokenBinder.create(handler).open(bound))
        .isInstanceOf(GeneralSecurityException.class);
  }

  @Test
  void open_ofUnboundSdkToken_isRefused_namingTheProblem() {
    assertThatThrownBy(() -> OperationTokenBinder.create(handler).open("eyJ0IjoxfQ"))
        .isInstanceOf(GeneralSecurityException.class)
        .hasMessageContaining("not issued by a nexus-security handler");
  }

  /** HKDF-SHA256 (RFC 5869) with javax.crypto alone, for one 32-byte output block. */
  private static byte[] hkdf32(byte[] ikm, byte[] info) throws Exception {
    javax.crypto.Mac extract = javax.crypto.Mac.getInstance("HmacSHA256");
    extract.init(new javax.crypto.spec.SecretKeySpec(new byte[32], "HmacSHA256"));
    byte[] prk = extract.doFinal(ikm);
    javax.crypto.Mac expand = javax.crypto.Mac.getInstance("HmacSHA256");
    expand.init(new javax.crypto.spec.SecretKeySpec(prk, "HmacSHA256"));
    expand.update(info);
    expand.update((byte) 1);
    return expand.doFinal();
  }

  @Test
  void bind_tagsWithTheDocumentedKey_derivedFromTheHandlersAgreementKeyAndNamespaceAndKeyId()
      throws Exception {
    NamespaceKeys payments = IdentityTokenVectors.payments();
    String bound = OperationTokenBinder.create(payments).bind("inner", "orders", "jti-1");
    String[] parts = bound.split("\\.");
    assertThat(parts[4])
        .isEqualTo(Integer.toUnsignedString(IdentityTokenVectors.PAYMENTS_AGREEMENT_ID));

    java.io.ByteArrayOutputStream info = new java.io.ByteArrayOutputStream();
    info.writeBytes(
        "nexus-security operation token v1".getBytes(java.nio.charset.StandardCharsets.US_ASCII));
    info.write(0);
    info.writeBytes("payments".getBytes(java.nio.charset.StandardCharsets.UTF_8));
    info.writeBytes(
        java.nio.ByteBuffer.allocate(4).putInt(IdentityTokenVectors.PAYMENTS_AGREEMENT_ID).array());
    byte[] key =
        hkdf32(
            java.util.HexFormat.of().parseHex(IdentityTokenVectors.PAYMENTS_X25519),
            info.toByteArray());
    javax.crypto.Mac hmac = javax.crypto.Mac.getInstance("HmacSHA256");
    hmac.init(new javax.crypto.spec.SecretKeySpec(key, "HmacSHA256"));
    byte[] expected =
        hmac.doFinal(
            bound
                .substring(0, bound.lastIndexOf('.'))
                .getBytes(java.nio.charset.StandardCharsets.US_ASCII));
    assertThat(java.util.Base64.getUrlDecoder().decode(parts[5])).isEqualTo(expected);
  }

  @Test
  void open_withAKeyIdThatIsNotANumber_orNotThisNamespaces_isRefused_sayingWhich()
      throws Exception {
    OperationTokenBinder binder = OperationTokenBinder.create(handler);
    String[] parts = binder.bind("inner", "orders", "jti-1").split("\\.");
    parts[4] = "x";
    assertThatThrownBy(() -> binder.open(String.join(".", parts)))
        .isInstanceOf(GeneralSecurityException.class)
        .hasMessage("the operation token's key id is not a number");
    parts[4] = "4294967295";
    assertThatThrownBy(() -> binder.open(String.join(".", parts)))
        .isInstanceOf(GeneralSecurityException.class)
        .hasMessageContaining("names key 4294967295, not an enabled key-agreement key");
    assertThatThrownBy(() -> binder.open("nso1.a.b"))
        .isInstanceOf(GeneralSecurityException.class)
        .hasMessage("the operation token does not have six parts");
  }
}
