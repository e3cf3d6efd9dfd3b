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
}
