package dev.nexussecurity.core.internal.identity;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.nexussecurity.core.IdentityMode;
import dev.nexussecurity.core.keys.NamespaceKeyDirectory;
import dev.nexussecurity.core.keys.NamespaceKeys;
import dev.nexussecurity.core.keys.PairwiseKeys;
import org.junit.jupiter.api.Test;

class TokenIssuerTest {
  static final NamespaceKeys ORDERS = NamespaceKeys.generate("orders", true);
  static final NamespaceKeys PAYMENTS = NamespaceKeys.generate("payments", true);
  static final NamespaceKeyDirectory DIRECTORY =
      NamespaceKeyDirectory.newBuilder()
          .put(ORDERS.toPublicKeys())
          .put(PAYMENTS.toPublicKeys())
          .build();

  static TokenClaims claims(String service, String handler) {
    return new TokenClaims(
        IdentityMode.PAIRWISE,
        "orders",
        handler,
        "tq",
        "pay",
        service,
        "charge",
        "wf",
        "run",
        1,
        2,
        IdentityTokens.newTokenId(),
        0,
        0);
  }

  static TokenIssuer issuer(IdentityMode mode) {
    return TokenIssuer.create(ORDERS, PairwiseKeys.create(ORDERS, DIRECTORY), mode);
  }

  @Test
  void issue_withServiceNameTooLongForTheHandler_isRefused_namingTheField() {
    assertThatThrownBy(
            () -> issuer(IdentityMode.PAIRWISE).issue(claims("S".repeat(3500), "payments")))
        .isInstanceOf(TokenIssuer.TokenIssueException.class)
        .hasMessageContaining("service (3500 characters)")
        .hasMessageContaining("4096")
        .satisfies(e -> assertThat(((TokenIssuer.TokenIssueException) e).isTooLarge()).isTrue());
  }

  @Test
  void issue_atTheLimit_staysWithinWhatTheHandlerParses() throws Exception {
    for (int n = 2000; n < 3200; n += 50) {
      try {
        String token = issuer(IdentityMode.SIGNATURE).issue(claims("S".repeat(n), "payments"));
        assertThat(token.length()).isLessThanOrEqualTo(IdentityTokens.MAX_TOKEN_CHARS);
        assertThat(IdentityTokens.parse(token).claims().service()).hasSize(n);
      } catch (TokenIssuer.TokenIssueException e) {
        assertThat(e.isTooLarge()).isTrue();
      }
    }
  }

  @Test
  void issue_withAServiceNameHoldingABidiOverride_isRefused_namingTheFieldAndTheCodePoint() {
    for (IdentityMode mode : IdentityMode.values()) {
      assertThatThrownBy(() -> issuer(mode).issue(claims("Pay\u202Ements", "payments")))
          .isInstanceOf(TokenIssuer.TokenIssueException.class)
          .hasMessage(
              "the service contains the character U+202E, which handlers refuse in an identity"
                  + " token (no control, format or bidi characters); use a service without it")
          .satisfies(e -> assertThat(((TokenIssuer.TokenIssueException) e).isTooLarge()).isFalse());
    }
  }

  @Test
  void issue_forHandlerMissingFromDirectory_isRefused_notTooLarge() {
    assertThatThrownBy(() -> issuer(IdentityMode.PAIRWISE).issue(claims("S", "unknown-ns")))
        .isInstanceOf(TokenIssuer.TokenIssueException.class)
        .hasMessageContaining("unknown-ns")
        .satisfies(e -> assertThat(((TokenIssuer.TokenIssueException) e).isTooLarge()).isFalse());
  }

  @Test
  void newTokenId_is128RandomBits() {
    String a = IdentityTokens.newTokenId();
    assertThat(a).hasSize(22).matches("[A-Za-z0-9_-]+");
    assertThat(IdentityTokens.newTokenId()).isNotEqualTo(a);
  }

  /** Signature-mode claims whose signed part is {@code length} characters, or null if none. */
  static TokenClaims signatureClaimsWithSignedPartOf(int length) {
    int keyId = ORDERS.getSignatureKeys().orElseThrow().getPrimary().getId();
    for (int n = 2_000; n < 3_400; n++) {
      TokenClaims c =
          new TokenClaims(
              IdentityMode.SIGNATURE,
              "orders",
              "payments",
              "tq",
              "pay",
              "S".repeat(n),
              "charge",
              "wf",
              "run",
              1,
              2,
              "jti-fixed",
              0,
              0);
      if (IdentityTokens.signedPart(c.withKeyIds(keyId, 0)).length() == length) {
        return c;
      }
    }
    throw new IllegalStateException("no service length gives a signed part of " + length);
  }

  @Test
  void issue_whoseEstimateIsExactlyTheLimit_isIssued_oneCharacterMore_isRefused() throws Exception {
    // estimate = signed part + '.' + 94 (the longest tag: Tink-prefixed Ed25519, base64url)
    int atLimit = IdentityTokens.MAX_TOKEN_CHARS - 1 - 94;
    String token = issuer(IdentityMode.SIGNATURE).issue(signatureClaimsWithSignedPartOf(atLimit));
    assertThat(token.length()).isLessThanOrEqualTo(IdentityTokens.MAX_TOKEN_CHARS);
    assertThat(IdentityTokens.parse(token).claims().service()).startsWith("SSS");

    assertThatThrownBy(
            () ->
                issuer(IdentityMode.SIGNATURE).issue(signatureClaimsWithSignedPartOf(atLimit + 1)))
        .isInstanceOf(TokenIssuer.TokenIssueException.class)
        .hasMessageStartingWith("the identity token would have about 4097 characters, more than");
  }

  @Test
  void issue_tooLarge_withTwoFieldsOfTheSameLongestLength_namesTheFirstInItsList() {
    TokenClaims c =
        new TokenClaims(
            IdentityMode.PAIRWISE,
            "orders",
            "payments",
            "tq",
            "pay",
            "S".repeat(1600),
            "charge",
            "W".repeat(1600),
            "run",
            1,
            2,
            IdentityTokens.newTokenId(),
            0,
            0);
    assertThatThrownBy(() -> issuer(IdentityMode.PAIRWISE).issue(c))
        .isInstanceOf(TokenIssuer.TokenIssueException.class)
        .hasMessageEndingWith("the longest field is the service (1600 characters)");
  }

  @Test
  void create_inSignatureMode_withoutASignatureKeyset_isRefused_namingTheNamespace() {
    NamespaceKeys agreementOnly = NamespaceKeys.generate("orders", false);
    assertThatThrownBy(
            () ->
                TokenIssuer.create(
                    agreementOnly,
                    PairwiseKeys.create(agreementOnly, DIRECTORY),
                    IdentityMode.SIGNATURE))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("namespace 'orders' has no signature keyset");
    assertThat(
            TokenIssuer.create(
                    agreementOnly,
                    PairwiseKeys.create(agreementOnly, DIRECTORY),
                    IdentityMode.PAIRWISE)
                .getMode())
        .isEqualTo(IdentityMode.PAIRWISE);
    assertThat(issuer(IdentityMode.SIGNATURE).getMode()).isEqualTo(IdentityMode.SIGNATURE);
  }
}
