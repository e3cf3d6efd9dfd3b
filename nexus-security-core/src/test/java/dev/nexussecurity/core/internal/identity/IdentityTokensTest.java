package dev.nexussecurity.core.internal.identity;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.google.crypto.tink.KeysetHandle;
import com.google.crypto.tink.PublicKeySign;
import com.google.crypto.tink.RegistryConfiguration;
import com.google.crypto.tink.signature.PredefinedSignatureParameters;
import com.google.crypto.tink.signature.SignatureConfig;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

class IdentityTokensTest {
  static PublicKeySign signer;
  static KeysetHandle keyset;
  static final IdentityClaims CLAIMS =
      new IdentityClaims("orders-ns", "payments", "Payments", "charge", "tid-1", 1000, 2000);

  @BeforeAll
  static void keys() throws Exception {
    SignatureConfig.register();
    keyset = KeysetHandle.generateNew(PredefinedSignatureParameters.ED25519);
    signer = keyset.getPrimitive(RegistryConfiguration.get(), PublicKeySign.class);
  }

  static String b64(String s) {
    return Base64.getUrlEncoder()
        .withoutPadding()
        .encodeToString(s.getBytes(StandardCharsets.UTF_8));
  }

  @Test
  void signedToken_parsesBackToTheSameClaims_andNamesTheSigningKeyId() throws Exception {
    String token = IdentityTokens.sign(CLAIMS, signer::sign);
    IdentityTokens.ParsedToken parsed = IdentityTokens.parse(token);
    assertThat(parsed.getClaims()).isEqualTo(CLAIMS);
    assertThat(parsed.getSignatureKeyId()).isEqualTo(keyset.getPrimary().getId());
    assertThat(token).startsWith("v1.").matches("v1\\.[A-Za-z0-9_-]+\\.[A-Za-z0-9_-]+");
  }

  @Test
  void signing_isDeterministic_soReplayReproducesTheSameHeader() throws Exception {
    assertThat(IdentityTokens.sign(CLAIMS, signer::sign))
        .isEqualTo(IdentityTokens.sign(CLAIMS, signer::sign));
  }

  static Stream<Arguments> malformed() {
    String good =
        "{\"ns\":\"a\",\"ep\":\"e\",\"svc\":\"s\",\"op\":\"o\",\"jti\":\"t\",\"iat\":1,\"exp\":2}";
    return Stream.of(
        Arguments.of("", "empty"),
        Arguments.of("x".repeat(IdentityTokens.MAX_TOKEN_CHARS + 1), "more than"),
        Arguments.of("v1.abc", "three"),
        Arguments.of("v2." + b64(good) + ".AAAA", "unsupported identity token version 'v2'"),
        Arguments.of("v1." + b64(good) + "=.AAAA", "not unpadded base64url"),
        Arguments.of("v1." + b64(good) + ".AA+A", "signature is not unpadded base64url"),
        Arguments.of("v1." + b64(good) + ".", "empty signature"),
        Arguments.of("v1." + b64("not json") + ".AAAA", "not valid JSON"),
        Arguments.of("v1." + b64("[1]") + ".AAAA", "not a JSON object"),
        Arguments.of("v1." + b64(good.replace("\"ns\":\"a\",", "")) + ".AAAA", "'ns' is missing"),
        Arguments.of("v1." + b64(good.replace("\"ns\":\"a\"", "\"ns\":\"\"")) + ".AAAA", "'ns'"),
        Arguments.of("v1." + b64(good.replace("\"iat\":1", "\"iat\":\"1\"")) + ".AAAA", "'iat'"),
        Arguments.of("v1." + b64(good.replace("\"exp\":2", "\"exp\":2.5")) + ".AAAA", "'exp'"),
        Arguments.of(
            "v1." + b64(good.replace("}", ",\"admin\":true}")) + ".AAAA", "unknown claim 'admin'"),
        Arguments.of("v1." + b64(good.replace("}", ",\"ns\":\"b\"}")) + ".AAAA", "not valid JSON"),
        Arguments.of(
            "v1." + b64(good.replace("\"exp\":2", "\"exp\":0")) + ".AAAA", "before its issue time"),
        Arguments.of(
            "v1." + b64(good.replace("\"ns\":\"a\"", "\"ns\":\"a\\nforged line\"")) + ".AAAA",
            "claim 'ns' contains the control character U+000A"),
        Arguments.of(
            "v1." + b64(good.replace("\"op\":\"o\"", "\"op\":\"o\\u2028x\"")) + ".AAAA",
            "claim 'op' contains the control character U+2028"),
        Arguments.of(
            "x\r\nforged line." + b64(good) + ".AAAA",
            "unsupported identity token version 'x\\u000D\\u000Aforged line'"),
        Arguments.of(
            "v1." + b64(good.replace("}", ",\"a\\nb\":true}")) + ".AAAA",
            "unknown claim 'a\\u000Ab'"));
  }

  @ParameterizedTest(name = "{1}")
  @MethodSource("malformed")
  void malformedToken_isRejected_withWhatIsWrong(String token, String expected) {
    assertThatThrownBy(() -> IdentityTokens.parse(token))
        .isInstanceOf(MalformedTokenException.class)
        .hasMessageContaining(expected);
  }

  @Test
  void nullToken_isRejected() {
    assertThatThrownBy(() -> IdentityTokens.parse(null))
        .isInstanceOf(MalformedTokenException.class)
        .hasMessageContaining("empty");
  }

  @Test
  void malformedMessages_neverEchoTheToken() {
    String secretLooking = "v1." + b64("{\"zzz-distinctive-value\":1}") + ".AAAA";
    assertThatThrownBy(() -> IdentityTokens.parse(secretLooking))
        .isInstanceOf(MalformedTokenException.class)
        .satisfies(e -> assertThat(e.getMessage()).doesNotContain(secretLooking.substring(3, 20)));
  }
}
