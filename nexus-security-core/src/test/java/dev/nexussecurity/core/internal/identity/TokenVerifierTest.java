package dev.nexussecurity.core.internal.identity;

import static org.assertj.core.api.Assertions.assertThat;

import com.google.crypto.tink.KeysetHandle;
import com.google.crypto.tink.PublicKeySign;
import com.google.crypto.tink.RegistryConfiguration;
import com.google.crypto.tink.signature.PredefinedSignatureParameters;
import com.google.crypto.tink.signature.SignatureConfig;
import dev.nexussecurity.api.NexusEndpoint;
import dev.nexussecurity.api.ReasonCode;
import dev.nexussecurity.core.MapRegistry;
import dev.nexussecurity.core.TrustStore;
import io.nexusrpc.Link;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Base64;
import java.util.List;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class TokenVerifierTest {
  static final long NOW = 1_700_000_000_000L;
  static final long HOUR = 3_600_000L;
  static KeysetHandle callerKey;
  static KeysetHandle otherKey;
  static PublicKeySign callerSigner;
  static PublicKeySign otherSigner;

  MapRegistry registry;
  TokenVerifier verifier;

  @BeforeAll
  static void keys() throws Exception {
    SignatureConfig.register();
    callerKey = KeysetHandle.generateNew(PredefinedSignatureParameters.ED25519);
    otherKey = KeysetHandle.generateNew(PredefinedSignatureParameters.ED25519);
    callerSigner = callerKey.getPrimitive(RegistryConfiguration.get(), PublicKeySign.class);
    otherSigner = otherKey.getPrimitive(RegistryConfiguration.get(), PublicKeySign.class);
  }

  @BeforeEach
  void setUp() throws Exception {
    registry =
        new MapRegistry()
            .put(
                NexusEndpoint.newBuilder()
                    .setName("payments")
                    .setTargetNamespace("payments-ns")
                    .setTargetTaskQueue("payments-tq")
                    .addAllowedCallerNamespace("orders-ns")
                    .build())
            .put(
                NexusEndpoint.newBuilder()
                    .setName("closed")
                    .setTargetNamespace("payments-ns")
                    .setTargetTaskQueue("payments-tq")
                    .build());
    verifier = verifier(10);
  }

  TokenVerifier verifier(int cacheCapacity) throws Exception {
    TrustStore trust =
        TrustStore.newBuilder()
            .addNamespace("orders-ns", callerKey.getPublicKeysetHandle())
            .addNamespace("billing-ns", otherKey.getPublicKeysetHandle())
            .build();
    return new TokenVerifier(
        new TrustedVerifiers(trust),
        registry,
        Duration.ofMinutes(1),
        Duration.ofDays(1),
        new ReplayCache(cacheCapacity),
        false);
  }

  static IdentityClaims claims(String ns, String endpoint, String op, long iat, long exp) {
    return new IdentityClaims(ns, endpoint, "Payments", op, "tid-" + ns + endpoint + op, iat, exp);
  }

  static IdentityClaims good() {
    return claims("orders-ns", "payments", "charge", NOW - 1000, NOW + HOUR);
  }

  static String sign(IdentityClaims c, PublicKeySign s) throws Exception {
    return IdentityTokens.sign(c, s::sign);
  }

  Verdict pre(String token) {
    return pre(token, "Payments", "charge", "payments", "payments-ns", "payments-tq", NOW);
  }

  Verdict pre(String token, String svc, String op, String ep, String ns, String tq, long now) {
    return verifier.checkBeforeDecode(token, svc, op, ep, ns, tq, now);
  }

  @Test
  void validToken_forAllowedCaller_isAllowed_beforeDecode_andAtStart() throws Exception {
    Verdict v = pre(sign(good(), callerSigner));
    assertThat(v.getReason()).isEqualTo(ReasonCode.ALLOWED);
    assertThat(v.getClaims()).isEqualTo(good());
    Verdict s = verifier.checkStart(good(), "req-1", List.of(link("orders-ns")), NOW);
    assertThat(s.getReason()).isEqualTo(ReasonCode.ALLOWED);
  }

  @Test
  void missingToken_isDenied() {
    assertThat(pre(null).getReason()).isEqualTo(ReasonCode.MISSING_TOKEN);
  }

  @Test
  void garbageToken_isMalformed() {
    Verdict v = pre("hello");
    assertThat(v.getReason()).isEqualTo(ReasonCode.MALFORMED_TOKEN);
    assertThat(v.getClaims()).isNull();
  }

  @Test
  void callerNamespaceNotInTrustStore_isUntrusted() throws Exception {
    Verdict v = pre(sign(claims("rogue-ns", "payments", "charge", NOW, NOW + HOUR), callerSigner));
    assertThat(v.getReason()).isEqualTo(ReasonCode.UNTRUSTED_CALLER);
    assertThat(v.getDetail()).contains("no public keyset for caller namespace 'rogue-ns'");
  }

  @Test
  void tokenSignedWithAnotherNamespacesKey_isUntrusted_keyIdNotInKeyset() throws Exception {
    Verdict v = pre(sign(good(), otherSigner));
    assertThat(v.getReason()).isEqualTo(ReasonCode.UNTRUSTED_CALLER);
    assertThat(v.getDetail())
        .contains(Integer.toUnsignedString(otherKey.getPrimary().getId()))
        .contains("orders-ns");
  }

  @Test
  void editedClaim_withOriginalSignature_failsSignature() throws Exception {
    String token = sign(good(), callerSigner);
    String[] parts = token.split("\\.");
    String forgedClaims =
        new String(Base64.getUrlDecoder().decode(parts[1]), StandardCharsets.UTF_8)
            .replace("\"op\":\"charge\"", "\"op\":\"refund\"");
    String forged =
        parts[0]
            + "."
            + Base64.getUrlEncoder()
                .withoutPadding()
                .encodeToString(forgedClaims.getBytes(StandardCharsets.UTF_8))
            + "."
            + parts[2];
    Verdict v = pre(forged, "Payments", "refund", "payments", "payments-ns", "payments-tq", NOW);
    assertThat(v.getReason()).isEqualTo(ReasonCode.BAD_SIGNATURE);
  }

  @Test
  void everySingleByteFlipOfTheSignature_isRejected() throws Exception {
    String token = sign(good(), callerSigner);
    String[] parts = token.split("\\.");
    byte[] sig = Base64.getUrlDecoder().decode(parts[2]);
    for (int i = 0; i < sig.length; i++) {
      byte[] copy = sig.clone();
      copy[i] ^= 0x01;
      String t =
          parts[0]
              + "."
              + parts[1]
              + "."
              + Base64.getUrlEncoder().withoutPadding().encodeToString(copy);
      assertThat(pre(t).getReason())
          .as("flip at signature byte %d", i)
          .isIn(ReasonCode.BAD_SIGNATURE, ReasonCode.UNTRUSTED_CALLER);
    }
  }

  @Test
  void tokenFromTheFuture_isNotYetValid() throws Exception {
    IdentityClaims c = claims("orders-ns", "payments", "charge", NOW + 120_000, NOW + HOUR);
    assertThat(pre(sign(c, callerSigner)).getReason()).isEqualTo(ReasonCode.TOKEN_NOT_YET_VALID);
  }

  @Test
  void smallClockSkew_isTolerated() throws Exception {
    IdentityClaims c = claims("orders-ns", "payments", "charge", NOW + 30_000, NOW + HOUR);
    assertThat(pre(sign(c, callerSigner)).getReason()).isEqualTo(ReasonCode.ALLOWED);
  }

  @Test
  void expiredToken_isDeniedAtStart_butAdmitsCancelWithinGrace() throws Exception {
    IdentityClaims c = claims("orders-ns", "payments", "charge", NOW - 3 * HOUR, NOW - 2 * HOUR);
    assertThat(pre(sign(c, callerSigner)).getReason()).isEqualTo(ReasonCode.ALLOWED);
    Verdict start = verifier.checkStart(c, "req-1", List.of(), NOW);
    assertThat(start.getReason()).isEqualTo(ReasonCode.TOKEN_EXPIRED);
    assertThat(start.getDetail()).contains("expired");
  }

  @Test
  void tokenExpiredBeyondCancelGrace_isDeniedBeforeDecode() throws Exception {
    IdentityClaims c = claims("orders-ns", "payments", "charge", NOW - 30 * HOUR, NOW - 26 * HOUR);
    assertThat(pre(sign(c, callerSigner)).getReason()).isEqualTo(ReasonCode.TOKEN_EXPIRED);
  }

  @Test
  void tokenForAnotherOperation_isScopeMismatch() throws Exception {
    Verdict v =
        pre(
            sign(good(), callerSigner),
            "Payments",
            "refund",
            "payments",
            "payments-ns",
            "payments-tq",
            NOW);
    assertThat(v.getReason()).isEqualTo(ReasonCode.TOKEN_SCOPE_MISMATCH);
    assertThat(v.getDetail()).contains("'charge'").contains("'refund'");
  }

  @Test
  void tokenForAnotherService_isScopeMismatch() throws Exception {
    Verdict v =
        pre(
            sign(good(), callerSigner),
            "Refunds",
            "charge",
            "payments",
            "payments-ns",
            "payments-tq",
            NOW);
    assertThat(v.getReason()).isEqualTo(ReasonCode.TOKEN_SCOPE_MISMATCH);
  }

  @Test
  void tokenForAnotherEndpoint_thanTheServerReports_isScopeMismatch() throws Exception {
    Verdict v =
        pre(
            sign(good(), callerSigner),
            "Payments",
            "charge",
            "other-ep",
            "payments-ns",
            "payments-tq",
            NOW);
    assertThat(v.getReason()).isEqualTo(ReasonCode.TOKEN_SCOPE_MISMATCH);
    assertThat(v.getDetail()).contains("other-ep");
  }

  @Test
  void serverNotReportingTheEndpoint_fallsBackToTheTokensEndpoint() throws Exception {
    Verdict v =
        pre(
            sign(good(), callerSigner),
            "Payments",
            "charge",
            "",
            "payments-ns",
            "payments-tq",
            NOW);
    assertThat(v.getReason()).isEqualTo(ReasonCode.ALLOWED);
  }

  @Test
  void endpointMissingFromRegistry_isUnknown() throws Exception {
    registry.remove("payments");
    assertThat(pre(sign(good(), callerSigner)).getReason()).isEqualTo(ReasonCode.UNKNOWN_ENDPOINT);
  }

  @Test
  void endpointWhosePolicyFailedVerification_isPolicyInvalid_notUnknown() throws Exception {
    registry.remove("payments");
    registry.markPolicyInvalid("payments");
    Verdict v = pre(sign(good(), callerSigner));
    assertThat(v.getReason()).isEqualTo(ReasonCode.ENDPOINT_POLICY_INVALID);
    assertThat(v.getDetail()).contains("'payments'").contains("failed verification");
  }

  @Test
  void workerInAnotherNamespaceOrTaskQueue_isTargetMismatch() throws Exception {
    String token = sign(good(), callerSigner);
    assertThat(
            pre(token, "Payments", "charge", "payments", "orders-ns", "payments-tq", NOW)
                .getReason())
        .isEqualTo(ReasonCode.TARGET_MISMATCH);
    assertThat(
            pre(token, "Payments", "charge", "payments", "payments-ns", "other-tq", NOW)
                .getReason())
        .isEqualTo(ReasonCode.TARGET_MISMATCH);
  }

  @Test
  void trustedCaller_notOnAllowlist_isNotAllowed() throws Exception {
    IdentityClaims c = claims("billing-ns", "payments", "charge", NOW, NOW + HOUR);
    assertThat(pre(sign(c, otherSigner)).getReason()).isEqualTo(ReasonCode.CALLER_NOT_ALLOWED);
  }

  @Test
  void emptyAllowlist_admitsNobody() throws Exception {
    IdentityClaims c = claims("orders-ns", "closed", "charge", NOW, NOW + HOUR);
    Verdict v =
        pre(
            sign(c, callerSigner),
            "Payments",
            "charge",
            "closed",
            "payments-ns",
            "payments-tq",
            NOW);
    assertThat(v.getReason()).isEqualTo(ReasonCode.CALLER_NOT_ALLOWED);
  }

  @Test
  void serverRetryOfSameRequest_isAdmitted_butAnotherRequest_isReplay() {
    assertThat(verifier.checkStart(good(), "req-1", List.of(), NOW).getReason())
        .isEqualTo(ReasonCode.ALLOWED);
    assertThat(verifier.checkStart(good(), "req-1", List.of(), NOW + 5).getReason())
        .isEqualTo(ReasonCode.ALLOWED);
    Verdict replay = verifier.checkStart(good(), "req-2", List.of(), NOW + 10);
    assertThat(replay.getReason()).isEqualTo(ReasonCode.TOKEN_REPLAYED);
    assertThat(replay.getReason().isRetryable()).isFalse();
  }

  @Test
  void fullReplayCache_deniesRetryably() throws Exception {
    verifier = verifier(1);
    verifier.checkStart(good(), "req-1", List.of(), NOW);
    IdentityClaims second = claims("orders-ns", "payments", "refund", NOW, NOW + HOUR);
    Verdict v = verifier.checkStart(second, "req-2", List.of(), NOW);
    assertThat(v.getReason()).isEqualTo(ReasonCode.REPLAY_CACHE_FULL);
    assertThat(v.getReason().isRetryable()).isTrue();
  }

  @Test
  void serverLinkNamingAnotherNamespace_isLinkMismatch() {
    Verdict v = verifier.checkStart(good(), "req-1", List.of(link("rogue-ns")), NOW);
    assertThat(v.getReason()).isEqualTo(ReasonCode.CALLER_LINK_MISMATCH);
    assertThat(v.getDetail()).contains("rogue-ns").contains("orders-ns");
  }

  @Test
  void missingLink_isAllowedByDefault_butDeniedWhenRequired() throws Exception {
    assertThat(verifier.checkStart(good(), "req-1", List.of(), NOW).getReason())
        .isEqualTo(ReasonCode.ALLOWED);
    TokenVerifier strict =
        new TokenVerifier(
            new TrustedVerifiers(
                TrustStore.newBuilder()
                    .addNamespace("orders-ns", callerKey.getPublicKeysetHandle())
                    .build()),
            registry,
            Duration.ofMinutes(1),
            Duration.ofDays(1),
            new ReplayCache(10),
            true);
    assertThat(strict.checkStart(good(), "req-1", List.of(), NOW).getReason())
        .isEqualTo(ReasonCode.CALLER_LINK_MISMATCH);
    assertThat(strict.checkStart(good(), "req-1", List.of(link("orders-ns")), NOW).getReason())
        .isEqualTo(ReasonCode.ALLOWED);
  }

  @Test
  void callerNamespaceOfLink_readsTheServerBuiltForm_andIgnoresOthers() {
    assertThat(
            TokenVerifier.callerNamespaceOf(
                URI.create("temporal:///namespaces/my%2Dns/workflows/wf/run/history?eventID=5")))
        .isEqualTo("my-ns");
    assertThat(TokenVerifier.callerNamespaceOf(URI.create("https://example.com/namespaces/x/y")))
        .isNull();
    assertThat(TokenVerifier.callerNamespaceOf(URI.create("temporal:///other/x"))).isNull();
  }

  @Test
  void sharedSecretNamespace_macTokenIsAllowed_editedOrForeignMacIsDenied() throws Exception {
    com.google.crypto.tink.mac.MacConfig.register();
    KeysetHandle mac =
        KeysetHandle.generateNew(
            com.google.crypto.tink.mac.PredefinedMacParameters.HMAC_SHA256_256BITTAG);
    KeysetHandle otherMac =
        KeysetHandle.generateNew(
            com.google.crypto.tink.mac.PredefinedMacParameters.HMAC_SHA256_256BITTAG);
    verifier =
        new TokenVerifier(
            new TrustedVerifiers(
                TrustStore.newBuilder().addSharedSecretNamespace("orders-ns", mac).build()),
            registry,
            Duration.ofMinutes(1),
            Duration.ofDays(1),
            new ReplayCache(10),
            false);
    String token = TokenIssuer.fromMacKeyset(mac).issue(good());
    assertThat(pre(token).getReason()).isEqualTo(ReasonCode.ALLOWED);
    assertThat(pre(TokenIssuer.fromMacKeyset(otherMac).issue(good())).getReason())
        .isEqualTo(ReasonCode.UNTRUSTED_CALLER);
    String[] parts = token.split("\\.");
    String edited =
        parts[0]
            + "."
            + Base64.getUrlEncoder()
                .withoutPadding()
                .encodeToString(
                    new String(Base64.getUrlDecoder().decode(parts[1]), StandardCharsets.UTF_8)
                        .replace("\"op\":\"charge\"", "\"op\":\"refund\"")
                        .getBytes(StandardCharsets.UTF_8))
            + "."
            + parts[2];
    assertThat(
            pre(edited, "Payments", "refund", "payments", "payments-ns", "payments-tq", NOW)
                .getReason())
        .isEqualTo(ReasonCode.BAD_SIGNATURE);
    // a signature-mode token for a namespace trusted by MAC does not verify either
    assertThat(pre(sign(good(), callerSigner)).getReason()).isEqualTo(ReasonCode.UNTRUSTED_CALLER);
  }

  static Link link(String ns) {
    return Link.newBuilder()
        .setUri(URI.create("temporal:///namespaces/" + ns + "/workflows/wf/run/history?eventID=5"))
        .setType("temporal.api.common.v1.Link.WorkflowEvent")
        .build();
  }
}
