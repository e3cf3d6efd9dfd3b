package dev.nexussecurity.core.internal.identity;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.catchThrowable;

import dev.nexussecurity.api.NexusEndpoint;
import dev.nexussecurity.api.ReasonCode;
import dev.nexussecurity.core.HandlerPolicy;
import dev.nexussecurity.core.IdentityMode;
import dev.nexussecurity.core.MapRegistry;
import dev.nexussecurity.core.internal.json.JsonValue;
import dev.nexussecurity.core.internal.json.StrictJson;
import dev.nexussecurity.core.keys.NamespaceKeys;
import dev.nexussecurity.core.keys.PairwiseKeys;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HexFormat;
import java.util.List;
import java.util.stream.Stream;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestFactory;

/** The token format: known-answer vectors (iterated per case) and parsing of bad input. */
class IdentityTokensTest {
  static JsonValue vectors() throws Exception {
    try (InputStream in =
        IdentityTokensTest.class.getResourceAsStream("/identity/identity-token-vectors.json")) {
      return StrictJson.parse(in.readAllBytes(), 1 << 20, "identity-token-vectors.json");
    }
  }

  static TokenVerifier verifier() throws Exception {
    NamespaceKeys payments = IdentityTokenVectors.payments();
    MapRegistry registry =
        new MapRegistry()
            .put(
                NexusEndpoint.newBuilder()
                    .setName("payments-endpoint")
                    .setTargetNamespace("payments")
                    .setTargetTaskQueue("payments-tq")
                    .addAllowedCallerNamespace("orders")
                    .build());
    return new TokenVerifier(
        "payments",
        PairwiseKeys.create(payments, IdentityTokenVectors.directory()),
        IdentityTokenVectors.directory(),
        registry,
        HandlerPolicy.defaults(),
        new ReplayCache(10),
        true);
  }

  static HandlerRequest request(String token) {
    return new HandlerRequest(
        token,
        "PaymentsService",
        "charge",
        "payments-endpoint",
        "payments",
        "payments-tq",
        1_767_225_600_000L);
  }

  @TestFactory
  Stream<DynamicTest> validVectors_areReproducedAndAdmitted() throws Exception {
    JsonValue v = vectors();
    byte[] identityKey = HexFormat.of().parseHex(v.field("pairwiseIdentityKey").asText());
    List<DynamicTest> tests = new ArrayList<>();
    for (JsonValue c : v.field("valid").elements()) {
      String name = c.field("name").asText();
      IdentityMode mode = IdentityMode.valueOf(c.field("mode").asText());
      String token = c.field("token").asText();
      String tokenId = c.field("tokenId").asText();
      tests.add(
          DynamicTest.dynamicTest(
              name,
              () -> {
                NamespaceKeys orders = IdentityTokenVectors.orders();
                String issued =
                    TokenIssuer.create(
                            orders,
                            PairwiseKeys.create(orders, IdentityTokenVectors.directory()),
                            mode)
                        .issue(IdentityTokenVectors.claims(mode, tokenId));
                assertThat(issued).isEqualTo(token);
                Verdict verdict = verifier().checkBeforeDecode(request(token));
                assertThat(verdict.isAllowed()).as(verdict.detail()).isTrue();
                assertThat(verdict.claims().tokenId()).isEqualTo(tokenId);
                if (mode == IdentityMode.PAIRWISE) {
                  // The documented derivation and a plain JCE HMAC reproduce the tag.
                  int last = token.lastIndexOf('.');
                  Mac mac = Mac.getInstance("HmacSHA256");
                  mac.init(new SecretKeySpec(identityKey, "HmacSHA256"));
                  byte[] tag =
                      mac.doFinal(token.substring(0, last).getBytes(StandardCharsets.US_ASCII));
                  assertThat(Base64.getUrlEncoder().withoutPadding().encodeToString(tag))
                      .isEqualTo(token.substring(last + 1));
                }
              }));
    }
    return tests.stream();
  }

  @TestFactory
  Stream<DynamicTest> invalidVectors_areRefusedWithTheirReason() throws Exception {
    List<DynamicTest> tests = new ArrayList<>();
    for (JsonValue c : vectors().field("invalid").elements()) {
      String token = c.field("token").asText();
      ReasonCode expected = ReasonCode.valueOf(c.field("expect").asText());
      tests.add(
          DynamicTest.dynamicTest(
              c.field("name").asText(),
              () ->
                  assertThat(verifier().checkBeforeDecode(request(token)).reason())
                      .isEqualTo(expected)));
    }
    return tests.stream();
  }

  @Test
  void pairwiseIdentityKey_ofTheVectors_isTheOneTheLibraryDerives() throws Exception {
    assertThat(HexFormat.of().formatHex(IdentityTokenVectors.pairwiseIdentityKey()))
        .isEqualTo(vectors().field("pairwiseIdentityKey").asText());
  }

  private static String withClaims(String json) {
    return "v2."
        + Base64.getUrlEncoder()
            .withoutPadding()
            .encodeToString(json.getBytes(StandardCharsets.UTF_8))
        + ".AAAA";
  }

  @Test
  void parse_withUnknownClaim_isRefused_namingIt() {
    String claims =
        IdentityTokens.signedPart(IdentityTokenVectors.claims(IdentityMode.SIGNATURE, "x"));
    String json =
        new String(Base64.getUrlDecoder().decode(claims.substring(3)), StandardCharsets.UTF_8);
    String token = withClaims(json.replace("{", "{\"admin\":true,"));
    assertThatThrownBy(() -> IdentityTokens.parse(token))
        .isInstanceOf(MalformedTokenException.class)
        .hasMessageContaining("admin");
  }

  @Test
  void parse_withHandlerKeyIdInSignatureMode_isRefused() {
    String claims =
        IdentityTokens.signedPart(IdentityTokenVectors.claims(IdentityMode.SIGNATURE, "x"));
    String json =
        new String(Base64.getUrlDecoder().decode(claims.substring(3)), StandardCharsets.UTF_8);
    assertThatThrownBy(() -> IdentityTokens.parse(withClaims(json.replace("}", ",\"hk\":1}"))))
        .isInstanceOf(MalformedTokenException.class)
        .hasMessageContaining("hk");
  }

  @Test
  void parse_withBidiCharacterInClaim_isRefused() {
    String claims =
        IdentityTokens.signedPart(IdentityTokenVectors.claims(IdentityMode.SIGNATURE, "x"));
    String json =
        new String(Base64.getUrlDecoder().decode(claims.substring(3)), StandardCharsets.UTF_8);
    assertThatThrownBy(
            () -> IdentityTokens.parse(withClaims(json.replace("charge", "char\u202Ege"))))
        .isInstanceOf(MalformedTokenException.class)
        .hasMessageContaining("'op'");
  }

  @Test
  void parse_withInvalidNamespaceName_isRefused() {
    String claims =
        IdentityTokens.signedPart(IdentityTokenVectors.claims(IdentityMode.SIGNATURE, "x"));
    String json =
        new String(Base64.getUrlDecoder().decode(claims.substring(3)), StandardCharsets.UTF_8);
    assertThatThrownBy(
            () -> IdentityTokens.parse(withClaims(json.replace("\"orders\"", "\"ord ers\""))))
        .isInstanceOf(MalformedTokenException.class)
        .hasMessageContaining("namespace name");
  }

  @Test
  void parse_overTheLimit_isRefused_beforeDecoding() {
    assertThatThrownBy(() -> IdentityTokens.parse("v2." + "A".repeat(5000) + ".AA"))
        .isInstanceOf(MalformedTokenException.class)
        .hasMessageContaining("4096");
  }

  @Test
  void parse_withUnknownMode_isRefused() {
    assertThatThrownBy(() -> IdentityTokens.parse(withClaims("{\"m\":\"x\"}")))
        .isInstanceOf(MalformedTokenException.class)
        .hasMessageContaining("'m'");
  }

  private static String signatureClaimsJson() {
    String claims =
        IdentityTokens.signedPart(IdentityTokenVectors.claims(IdentityMode.SIGNATURE, "x"));
    return new String(Base64.getUrlDecoder().decode(claims.substring(3)), StandardCharsets.UTF_8);
  }

  @Test
  void parse_keyIdsAtTheEdgesOfUnsigned32Bits_areRead_oneBeyond_isRefused() throws Exception {
    String json = signatureClaimsJson();
    assertThat(
            IdentityTokens.parse(withClaims(json.replaceAll("\"ck\":\\d+", "\"ck\":0")))
                .claims()
                .callerKeyId())
        .isZero();
    assertThat(
            IdentityTokens.parse(withClaims(json.replaceAll("\"ck\":\\d+", "\"ck\":4294967295")))
                .claims()
                .callerKeyId())
        .isEqualTo(-1);
    for (String bad : new String[] {"-1", "4294967296"}) {
      assertThatThrownBy(
              () ->
                  IdentityTokens.parse(withClaims(json.replaceAll("\"ck\":\\d+", "\"ck\":" + bad))))
          .isInstanceOf(MalformedTokenException.class)
          .hasMessageContaining("must be an unsigned 32-bit key id, got " + bad);
    }
  }

  @Test
  void parse_ofExactlyTheLimit_isNotRefusedForItsLength() {
    String token = "v2." + "A".repeat(IdentityTokens.MAX_TOKEN_CHARS - 6) + ".AA";
    assertThat(token).hasSize(IdentityTokens.MAX_TOKEN_CHARS);
    assertThatThrownBy(() -> IdentityTokens.parse(token))
        .isInstanceOf(MalformedTokenException.class)
        .hasMessageNotContaining("characters, more than");
    assertThatThrownBy(() -> IdentityTokens.parse(token + "A"))
        .isInstanceOf(MalformedTokenException.class)
        .hasMessage("the identity header has 4097 characters, more than 4096");
  }

  @Test
  void parse_withAnEmptyVersion_namesTheVersion() {
    assertThatThrownBy(() -> IdentityTokens.parse(".e30.AA"))
        .isInstanceOf(MalformedTokenException.class)
        .hasMessageStartingWith("unsupported identity token version ''");
    assertThatThrownBy(() -> IdentityTokens.parse("v2.e30"))
        .isInstanceOf(MalformedTokenException.class)
        .hasMessage("the identity header does not have three '.'-separated parts");
  }

  @Test
  void parse_withAnUnsafeCharacterFirstInAClaim_isRefused_namingTheClaim() {
    assertThatThrownBy(
            () ->
                IdentityTokens.parse(
                    withClaims(signatureClaimsJson().replace("\"charge\"", "\"\u202Echarge\""))))
        .isInstanceOf(MalformedTokenException.class)
        .hasMessage("the token's claim 'op' contains the character U+202E");
  }

  @Test
  void parse_withNonCanonicalBase64url_isRefused_forTheClaimsAndTheTag() {
    String token = withClaims(signatureClaimsJson());
    // "AAAA" decodes to 3 bytes; "AB" has unused bits set where "AA" does not.
    assertThatThrownBy(() -> IdentityTokens.parse(token.replace(".AAAA", ".AB")))
        .isInstanceOf(MalformedTokenException.class)
        .hasMessageContaining("tag is not canonical base64url");
    assertThatThrownBy(() -> IdentityTokens.parse(token.replace(".AAAA", ".AAB")))
        .isInstanceOf(MalformedTokenException.class)
        .hasMessageContaining("tag is not canonical base64url");
    assertThat(catchThrowable(() -> IdentityTokens.parse(token.replace(".AAAA", ".AAE")))).isNull();
    assertThat(catchThrowable(() -> IdentityTokens.parse(token.replace(".AAAA", ".AQ")))).isNull();
    // every last character of a 1- and a 2-byte tail: canonical exactly when its unused bits are 0
    String alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";
    for (int i = 0; i < 64; i++) {
      int v = i;
      char last = alphabet.charAt(v);
      assertThat(catchThrowable(() -> IdentityTokens.parse(token.replace(".AAAA", ".A" + last))))
          .as("tag A%s", last)
          .matches(t -> ((v & 0x0F) == 0) == (t == null));
      assertThat(catchThrowable(() -> IdentityTokens.parse(token.replace(".AAAA", ".AA" + last))))
          .as("tag AA%s", last)
          .matches(t -> ((v & 0x03) == 0) == (t == null));
    }
  }
}
