package dev.nexussecurity.core.internal.identity;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.google.crypto.tink.KeysetHandle;
import dev.nexussecurity.api.ReasonCode;
import dev.nexussecurity.core.HandlerPolicy;
import dev.nexussecurity.core.IdentityMode;
import dev.nexussecurity.core.MapRegistry;
import dev.nexussecurity.core.ReplayStore;
import dev.nexussecurity.core.keys.NamespaceKeyDirectory;
import dev.nexussecurity.core.keys.NamespaceKeys;
import dev.nexussecurity.core.keys.PairwiseKeys;
import java.nio.charset.StandardCharsets;
import java.security.Provider;
import java.security.Security;
import java.util.Base64;
import org.bouncycastle.jce.provider.BouncyCastleProvider;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Signature-mode tokens with Ed25519 computed in a JCA provider (BouncyCastle) through Tink's
 * {@code createWithProvider}: the same token format in both directions, the same denials.
 */
class Ed25519WithProviderTest {
  static final Provider BC = new BouncyCastleProvider();
  static final long NOW = TokenVerifierTest.NOW;
  static final String CALLER = TokenVerifierTest.CALLER;
  static final String HANDLER = TokenVerifierTest.HANDLER;
  static final String TQ = TokenVerifierTest.TQ;

  static NamespaceKeys callerKeys;
  static NamespaceKeys handlerKeys;
  static NamespaceKeys otherKeys;
  static NamespaceKeyDirectory directory;

  @BeforeAll
  static void keys() {
    callerKeys = NamespaceKeys.generate(CALLER, true);
    handlerKeys = NamespaceKeys.generate(HANDLER, true);
    otherKeys = NamespaceKeys.generate(TokenVerifierTest.OTHER, true);
    directory =
        NamespaceKeyDirectory.newBuilder()
            .put(callerKeys.toPublicKeys())
            .put(handlerKeys.toPublicKeys())
            .put(otherKeys.toPublicKeys())
            .build();
  }

  static HandlerRequest request(String token) {
    return TokenVerifierTest.request(token);
  }

  static String issueWith(Provider provider, TokenClaims c) throws Exception {
    return TokenIssuer.create(
            callerKeys, PairwiseKeys.create(callerKeys, directory), c.mode(), provider)
        .issue(c);
  }

  static TokenVerifier verifierWith(Provider provider, NamespaceKeyDirectory dir) {
    HandlerPolicy policy = HandlerPolicy.defaults();
    return new TokenVerifier(
        HANDLER,
        PairwiseKeys.create(handlerKeys, dir),
        dir,
        new MapRegistry().put(TokenVerifierTest.endpoint(CALLER, TokenVerifierTest.OTHER)),
        policy,
        ReplayStore.inMemory(policy.getReplayQuotaPerNamespace()),
        true,
        provider);
  }

  static TokenClaims signatureClaims() {
    return TokenVerifierTest.claims(IdentityMode.SIGNATURE, CALLER);
  }

  @Test
  void providerSignedToken_verifiesWithTinksOwnVerifier() throws Exception {
    String token = issueWith(BC, signatureClaims());
    Verdict v = verifierWith(null, directory).checkBeforeDecode(request(token));
    assertThat(v.reason()).isEqualTo(ReasonCode.ALLOWED);
  }

  @Test
  void tinkSignedToken_verifiesWithTheProvidersVerifier() throws Exception {
    String token = issueWith(null, signatureClaims());
    Verdict v = verifierWith(BC, directory).checkBeforeDecode(request(token));
    assertThat(v.reason()).isEqualTo(ReasonCode.ALLOWED);
  }

  @Test
  void providerSignedToken_verifiesWithTheProvidersVerifier() throws Exception {
    String token = issueWith(BC, signatureClaims());
    assertThat(verifierWith(BC, directory).checkBeforeDecode(request(token)).reason())
        .isEqualTo(ReasonCode.ALLOWED);
  }

  @Test
  void tokens_signedWithProviderAndWithTink_areByteIdentical_ed25519IsDeterministic()
      throws Exception {
    TokenClaims c = signatureClaims();
    String withProvider = issueWith(BC, c);
    String withTink = issueWith(null, c);
    assertThat(withProvider).isEqualTo(withTink);
    // the tag keeps Tink's 5-byte output prefix (0x01 and the key id) before the 64-byte signature
    byte[] tag = Base64.getUrlDecoder().decode(withProvider.split("\\.")[2]);
    assertThat(tag).hasSize(69);
    assertThat(tag[0]).isEqualTo((byte) 1);
  }

  @Test
  void editedToken_withTheProvidersVerifier_isDenied_badSignature() throws Exception {
    String token = issueWith(BC, signatureClaims());
    String[] parts = token.split("\\.");
    String json =
        new String(Base64.getUrlDecoder().decode(parts[1]), StandardCharsets.UTF_8)
            .replace("\"op\":\"charge\"", "\"op\":\"refund\"");
    assertThat(json).contains("\"op\":\"refund\"");
    String forged =
        parts[0]
            + "."
            + Base64.getUrlEncoder()
                .withoutPadding()
                .encodeToString(json.getBytes(StandardCharsets.UTF_8))
            + "."
            + parts[2];
    Verdict v =
        verifierWith(BC, directory)
            .checkBeforeDecode(
                new HandlerRequest(forged, "Payments", "refund", "pay", HANDLER, TQ, NOW));
    assertThat(v.reason()).isEqualTo(ReasonCode.BAD_SIGNATURE);
    assertThat(v.detail()).contains("signature does not verify").contains(CALLER);
  }

  @Test
  void tokenSignedByAnotherNamespace_claimingTheCaller_withTheProvidersVerifier_isDenied()
      throws Exception {
    // "audit" signs with its own key but names "orders" and orders' key id.
    TokenClaims c =
        signatureClaims()
            .withKeyIds(callerKeys.getSignatureKeys().orElseThrow().getPrimary().getId(), 0);
    String signed = IdentityTokens.signedPart(c);
    KeysetHandle auditSigning = otherKeys.getSignatureKeys().orElseThrow();
    byte[] sig =
        Ed25519WithProvider.signer(auditSigning.getPrimary().getKey(), BC)
            .sign(signed.getBytes(StandardCharsets.US_ASCII));
    // Tink's prefix names audit's key id; put orders' in front to pass the prefix check.
    byte[] prefix = Base64.getUrlDecoder().decode(issueWith(BC, signatureClaims()).split("\\.")[2]);
    System.arraycopy(prefix, 0, sig, 0, 5);
    String token = IdentityTokens.assemble(signed, sig);
    assertThat(verifierWith(BC, directory).checkBeforeDecode(request(token)).reason())
        .isEqualTo(ReasonCode.BAD_SIGNATURE);
    assertThat(verifierWith(null, directory).checkBeforeDecode(request(token)).reason())
        .isEqualTo(ReasonCode.BAD_SIGNATURE);
  }

  @Test
  void tokenOfARevokedKey_withTheProvidersVerifier_isDenied_untrustedCaller() throws Exception {
    int revoked = callerKeys.getSignatureKeys().orElseThrow().getPrimary().getId();
    NamespaceKeyDirectory revokedDir =
        directory.toBuilder()
            .put(callerKeys.toPublicKeys().toBuilder().addRevokedKeyId(revoked).build())
            .build();
    Verdict v =
        verifierWith(BC, revokedDir).checkBeforeDecode(request(issueWith(BC, signatureClaims())));
    assertThat(v.reason()).isEqualTo(ReasonCode.UNTRUSTED_CALLER);
    assertThat(v.detail()).contains("revoked");
  }

  @Test
  void problemWith_bouncyCastleAndTheJdksSunEc_isNone() {
    assertThat(Ed25519WithProvider.problemWith(BC)).isNull();
    assertThat(Ed25519WithProvider.problemWith(Security.getProvider("SunEC"))).isNull();
  }

  @Test
  void problemWith_aProviderWithoutEd25519_saysWhatIsMissing() {
    Provider sunJce = Security.getProvider("SunJCE");
    assertThat(Ed25519WithProvider.problemWith(sunJce))
        .isEqualTo("it does not implement the \"Ed25519\" KeyFactory and Signature");
  }

  @Test
  void signerAndVerifier_forANonEd25519Key_areNull_soTinksKeysetPrimitiveIsUsed() throws Exception {
    // the namespace's X25519 agreement key: not an Ed25519 key
    var otherKey = callerKeys.getAgreementKeys().getPrimary().getKey();
    assertThat(Ed25519WithProvider.signer(otherKey, BC)).isNull();
    assertThat(Ed25519WithProvider.verifier(otherKey, BC)).isNull();
  }

  @Test
  void issuerAndVerifier_runInTheGivenProvider_notInTinksOwnCode() throws Exception {
    // A provider without Ed25519 (which build() would refuse) shows the primitives come from it.
    Provider noEd25519 = Security.getProvider("SunJCE");
    assertThatThrownBy(
            () ->
                TokenIssuer.create(
                    callerKeys,
                    PairwiseKeys.create(callerKeys, directory),
                    IdentityMode.SIGNATURE,
                    noEd25519))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("cannot create a signer");
    Verdict v =
        verifierWith(noEd25519, directory)
            .checkBeforeDecode(request(issueWith(null, signatureClaims())));
    assertThat(v.reason()).isNotEqualTo(ReasonCode.ALLOWED);
  }

  /** BouncyCastle's Ed25519 key factory, under another provider. */
  public static final class DelegatingKeyFactory extends java.security.KeyFactorySpi {
    private final java.security.KeyFactory bc;

    public DelegatingKeyFactory() throws java.security.NoSuchAlgorithmException {
      bc = java.security.KeyFactory.getInstance("Ed25519", BC);
    }

    @Override
    protected java.security.PublicKey engineGeneratePublic(java.security.spec.KeySpec spec)
        throws java.security.spec.InvalidKeySpecException {
      return bc.generatePublic(spec);
    }

    @Override
    protected java.security.PrivateKey engineGeneratePrivate(java.security.spec.KeySpec spec)
        throws java.security.spec.InvalidKeySpecException {
      return bc.generatePrivate(spec);
    }

    @Override
    protected <T extends java.security.spec.KeySpec> T engineGetKeySpec(
        java.security.Key key, Class<T> type) throws java.security.spec.InvalidKeySpecException {
      return bc.getKeySpec(key, type);
    }

    @Override
    protected java.security.Key engineTranslateKey(java.security.Key key)
        throws java.security.InvalidKeyException {
      return bc.translateKey(key);
    }
  }

  /** BouncyCastle's Ed25519 with the last signature byte flipped: a broken implementation. */
  public static final class FlippingSignature extends java.security.SignatureSpi {
    private final java.security.Signature bc;

    public FlippingSignature() throws java.security.NoSuchAlgorithmException {
      bc = java.security.Signature.getInstance("Ed25519", BC);
    }

    @Override
    protected void engineInitVerify(java.security.PublicKey key)
        throws java.security.InvalidKeyException {
      bc.initVerify(key);
    }

    @Override
    protected void engineInitSign(java.security.PrivateKey key)
        throws java.security.InvalidKeyException {
      bc.initSign(key);
    }

    @Override
    protected void engineUpdate(byte b) throws java.security.SignatureException {
      bc.update(b);
    }

    @Override
    protected void engineUpdate(byte[] b, int off, int len)
        throws java.security.SignatureException {
      bc.update(b, off, len);
    }

    @Override
    protected byte[] engineSign() throws java.security.SignatureException {
      byte[] sig = bc.sign();
      sig[sig.length - 1] ^= 1;
      return sig;
    }

    @Override
    protected boolean engineVerify(byte[] sig) throws java.security.SignatureException {
      return bc.verify(sig);
    }

    @Override
    @SuppressWarnings("deprecation")
    protected void engineSetParameter(String param, Object value) {
      throw new java.security.InvalidParameterException(param);
    }

    @Override
    @SuppressWarnings("deprecation")
    protected Object engineGetParameter(String param) {
      throw new java.security.InvalidParameterException(param);
    }
  }

  /** A provider whose Ed25519 signatures are wrong. */
  static final class BrokenEd25519Provider extends Provider {
    private static final long serialVersionUID = 1L;

    BrokenEd25519Provider() {
      super("BrokenEd25519", "1", "Ed25519 with a flipped bit");
      put("KeyFactory.Ed25519", DelegatingKeyFactory.class.getName());
      put("Signature.Ed25519", FlippingSignature.class.getName());
    }
  }

  @Test
  void problemWith_aProviderWithWrongEd25519Signatures_saysSo() {
    assertThat(Ed25519WithProvider.problemWith(new BrokenEd25519Provider()))
        .isEqualTo("its Ed25519 signature of RFC 8032's first test vector is wrong");
  }
}
