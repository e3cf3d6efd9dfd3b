package dev.nexussecurity.connection.internal;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class CredentialHeadersTest {
  @ParameterizedTest
  @ValueSource(
      strings = {
        "authorization",
        "Authorization",
        "AUTHORIZATION",
        "proxy-authorization",
        "cookie",
        "Cookie",
        "x-api-key",
        "X-Api-Key",
        "temporal-api-key",
        "x-auth-token",
        "x-amz-security-token",
        "access_token",
        "x-client-secret",
        "db-password",
        "x-passwd",
        "my-apikey",
        "x-goog-api_key",
        "x-credentials",
        "x-session-id",
        "x-bearer",
        "x-jwt-assertion",
        "x-private-key",
        "grpc-oauth",
        "set-cookie"
      })
  void isCredential_forCredentialHeaderNames_isTrue(String name) {
    assertThat(CredentialHeaders.isCredential(name)).isTrue();
  }

  @ParameterizedTest
  @ValueSource(
      strings = {
        "x-request-id",
        "temporal-namespace",
        "client-name",
        "client-version",
        "traceparent",
        "x-b3-traceid",
        "user-agent",
        "x-idempotency-key"
      })
  void isCredential_forOrdinaryHeaderNames_isFalse(String name) {
    assertThat(CredentialHeaders.isCredential(name)).isFalse();
  }

  @Test
  void first_findsTheFirstCredentialHeaderInOrder() {
    assertThat(CredentialHeaders.first(List.of("x-request-id", "cookie", "x-api-key")))
        .contains("cookie");
    assertThat(CredentialHeaders.first(List.of("x-request-id", "traceparent"))).isEmpty();
  }

  @ParameterizedTest
  @ValueSource(strings = {"authorization", "x-api-key", "token", "password", "apikey", "cookie"})
  void rule_namesEveryNameAndPart(String word) {
    assertThat(CredentialHeaders.RULE).contains(word).contains("case-insensitive");
  }
}
