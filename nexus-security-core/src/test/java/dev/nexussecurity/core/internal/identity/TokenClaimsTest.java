package dev.nexussecurity.core.internal.identity;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.nexussecurity.core.IdentityMode;
import java.util.Arrays;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class TokenClaimsTest {
  static final String[] FIELDS = {"ns", "hns", "htq", "ep", "svc", "op", "wf", "run", "jti"};

  /** Claims with {@code field} set to {@code value} and every other text claim valid. */
  static TokenClaims with(String field, String value, long iat, long exp) {
    String[] t = new String[FIELDS.length];
    for (int i = 0; i < FIELDS.length; i++) {
      t[i] = FIELDS[i].equals(field) ? value : FIELDS[i] + "-value";
    }
    return new TokenClaims(
        IdentityMode.SIGNATURE,
        t[0],
        t[1],
        t[2],
        t[3],
        t[4],
        t[5],
        t[6],
        t[7],
        iat,
        exp,
        t[8],
        7,
        0);
  }

  @ParameterizedTest
  @ValueSource(strings = {"ns", "hns", "htq", "ep", "svc", "op", "wf", "run", "jti"})
  void create_withAnEmptyOrMissingTextClaim_isRefused_namingIt(String field) {
    for (String bad : Arrays.asList("", null)) {
      assertThatThrownBy(() -> with(field, bad, 1, 2))
          .isInstanceOf(IllegalArgumentException.class)
          .hasMessage("token claim '" + field + "' must not be empty");
    }
  }

  @ParameterizedTest
  @ValueSource(longs = {0, 1, 3_600_000})
  void create_withExpAtOrAfterIat_isAccepted_before_isRefusedNamingBoth(long lifetime) {
    assertThat(with(null, null, 100, 100 + lifetime).notAfterMillis()).isEqualTo(100 + lifetime);
    assertThatThrownBy(() -> with(null, null, 100, 99))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("token claim 'exp' 99 is before 'iat' 100");
  }

  @org.junit.jupiter.api.Test
  void toString_namesWhoCallsWhomForWhatAndWhen() {
    TokenClaims c = with(null, null, 100, 200);
    assertThat(c.toString())
        .isEqualTo(
            "TokenClaims{SIGNATURE ns-value -> hns-value/htq-value ep-value/svc-value/op-value,"
                + " jti=jti-value, iat=100, exp=200}");
    assertThat(c.withKeyIds(9, 3).callerKeyId()).isEqualTo(9);
    assertThat(c.withKeyIds(9, 3).handlerKeyId()).isEqualTo(3);
    assertThat(c.withKeyIds(9, 3).withKeyIds(7, 0)).isEqualTo(c);
  }
}
