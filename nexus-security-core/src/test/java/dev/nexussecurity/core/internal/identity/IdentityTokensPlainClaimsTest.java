package dev.nexussecurity.core.internal.identity;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * The one-pass reader of plain claims documents ({@link IdentityTokens#parsePlainClaims}) against
 * the strict reader it stands in front of: it may only ever accept what the strict reader accepts,
 * with the same claims, and must hand everything else to it (null), so that every refusal keeps the
 * strict reader's message.
 */
class IdentityTokensPlainClaimsTest {
  private static final String PAIRWISE =
      "{\"m\":\"p\",\"ns\":\"orders\",\"hns\":\"payments\",\"htq\":\"payments-tq\","
          + "\"ep\":\"payments-endpoint\",\"svc\":\"Payments\",\"op\":\"charge\","
          + "\"wf\":\"order-42\",\"run\":\"run-1\",\"iat\":1700000000000,\"exp\":1700000060000,"
          + "\"jti\":\"AAAAAAAAAAAAAAAAAAAAAA\",\"ck\":4294967295,\"hk\":7}";
  private static final String SIGNATURE =
      "{\"m\":\"s\",\"ns\":\"orders\",\"hns\":\"payments\",\"htq\":\"payments-tq\","
          + "\"ep\":\"payments-endpoint\",\"svc\":\"Payments\",\"op\":\"charge\","
          + "\"wf\":\"order-42\",\"run\":\"run-1\",\"iat\":-5,\"exp\":0,"
          + "\"jti\":\"AAAAAAAAAAAAAAAAAAAAAA\",\"ck\":0}";

  private static byte[] utf8(String s) {
    return s.getBytes(StandardCharsets.UTF_8);
  }

  @Test
  void parsePlainClaims_withValidDocumentOfEachMode_returnsTheStrictReadersClaims()
      throws Exception {
    for (String doc : List.of(PAIRWISE, SIGNATURE, " " + PAIRWISE + "\n")) {
      TokenClaims plain = IdentityTokens.parsePlainClaims(utf8(doc));
      assertThat(plain).as(doc).isNotNull();
      assertThat(plain).isEqualTo(IdentityTokens.parseClaimsStrictly(utf8(doc)));
    }
  }

  @Test
  void parsePlainClaims_withFieldsInAnotherOrder_returnsTheSameClaims() throws Exception {
    String reordered =
        "{\"hk\":7,\"jti\":\"AAAAAAAAAAAAAAAAAAAAAA\",\"ck\":4294967295,\"m\":\"p\","
            + "\"ns\":\"orders\",\"hns\":\"payments\",\"htq\":\"payments-tq\","
            + "\"ep\":\"payments-endpoint\",\"svc\":\"Payments\",\"op\":\"charge\","
            + "\"wf\":\"order-42\",\"run\":\"run-1\",\"exp\":1700000060000,\"iat\":1700000000000}";
    assertThat(IdentityTokens.parsePlainClaims(utf8(reordered)))
        .isEqualTo(IdentityTokens.parsePlainClaims(utf8(PAIRWISE)))
        .isNotNull();
  }

  @Test
  void parsePlainClaims_withEveryDocumentTheStrictReaderRefuses_leavesItToTheStrictReader() {
    List<String> refused = new ArrayList<>();
    // each field missing, null, of the other type, or twice
    for (String field :
        List.of(
            "m", "ns", "hns", "htq", "ep", "svc", "op", "wf", "run", "iat", "exp", "jti", "ck",
            "hk")) {
      refused.add(PAIRWISE.replace("\"" + field + "\":", "\"x" + field + "\":"));
      refused.add(withValue(PAIRWISE, field, "null"));
      refused.add(withValue(PAIRWISE, field, "{}"));
      refused.add(withValue(PAIRWISE, field, "[]"));
      refused.add(withValue(PAIRWISE, field, "true"));
      refused.add(withValue(PAIRWISE, field, isNumber(field) ? "\"5\"" : "5"));
      refused.add(PAIRWISE.replace("{", "{\"" + field + "\":" + valueOf(PAIRWISE, field) + ","));
    }
    for (String field : List.of("ns", "hns", "htq", "ep", "svc", "op", "wf", "run", "jti")) {
      refused.add(withValue(PAIRWISE, field, "\"\""));
      refused.add(withValue(PAIRWISE, field, "\"a\\u0007b\""));
      refused.add(withValue(PAIRWISE, field, "\"a\\u202Eb\""));
    }
    refused.add(withValue(PAIRWISE, "ns", "\"Not A Namespace!\""));
    refused.add(withValue(PAIRWISE, "hns", "\"pay\\u00E9\""));
    refused.add(withValue(PAIRWISE, "hns", "\"" + "n".repeat(1001) + "\""));
    refused.add(withValue(PAIRWISE, "m", "\"x\""));
    refused.add(withValue(PAIRWISE, "m", "\"\""));
    refused.add(withValue(PAIRWISE, "ck", "4294967296"));
    refused.add(withValue(PAIRWISE, "ck", "-1"));
    refused.add(withValue(PAIRWISE, "hk", "4294967296"));
    refused.add(withValue(PAIRWISE, "iat", "9223372036854775808"));
    refused.add(withValue(PAIRWISE, "exp", "1.5"));
    refused.add(withValue(PAIRWISE, "exp", "1e3"));
    refused.add(withValue(PAIRWISE, "exp", "1699999999999")); // before iat
    refused.add(withValue(PAIRWISE, "exp", "1699999999999")); // one millisecond before iat
    refused.add(SIGNATURE.replace("}", ",\"hk\":1}"));
    refused.add(PAIRWISE.replace("}", ",\"extra\":\"x\"}"));
    refused.add(PAIRWISE + "{}");
    refused.add(PAIRWISE + "x");
    refused.add(PAIRWISE.substring(0, PAIRWISE.length() - 1));
    refused.add("[" + PAIRWISE + "]");
    refused.add("\"" + PAIRWISE.replace("\"", "'") + "\"");
    refused.add("");
    refused.add(
        PAIRWISE.replace("}", ",\"pad\":\"" + "x".repeat(IdentityTokens.MAX_TOKEN_CHARS) + "\"}"));
    List<String> acceptedByStrict = new ArrayList<>();
    List<String> acceptedByPlain = new ArrayList<>();
    for (String doc : refused) {
      try {
        IdentityTokens.parseClaimsStrictly(utf8(doc));
        acceptedByStrict.add(doc);
      } catch (MalformedTokenException expected) {
        // the strict reader refuses it: so must the plain one
      }
      if (IdentityTokens.parsePlainClaims(utf8(doc)) != null) {
        acceptedByPlain.add(doc);
      }
    }
    assertThat(acceptedByStrict).as("documents of the corpus the strict reader accepts").isEmpty();
    assertThat(acceptedByPlain).as("documents the plain reader accepts").isEmpty();
  }

  @Test
  void parsePlainClaims_withExpiryBeforeIssue_isLeftToTheStrictReader_whichRefusesItAsMalformed() {
    // found by TokenVerifierPropertiesTest: an edited token whose 'exp' fell before 'iat' made the
    // one-pass reader throw IllegalArgumentException out of the handler's check
    byte[] doc = utf8(withValue(PAIRWISE, "exp", "1699999999999"));

    assertThat(IdentityTokens.parsePlainClaims(doc)).isNull();
    assertThatThrownBy(() -> IdentityTokens.parseClaimsStrictly(doc))
        .isInstanceOf(MalformedTokenException.class)
        .hasMessageContaining("'exp' 1699999999999 is before 'iat' 1700000000000");
  }

  private static boolean isNumber(String field) {
    return List.of("iat", "exp", "ck", "hk").contains(field);
  }

  private static String valueOf(String doc, String field) {
    int start = doc.indexOf("\"" + field + "\":") + field.length() + 3;
    int end = start;
    if (doc.charAt(start) == '"') {
      end = doc.indexOf('"', start + 1) + 1;
    } else {
      while (end < doc.length() && doc.charAt(end) != ',' && doc.charAt(end) != '}') {
        end++;
      }
    }
    return doc.substring(start, end);
  }

  private static String withValue(String doc, String field, String value) {
    String key = "\"" + field + "\":";
    return doc.replace(key + valueOf(doc, field), key + value);
  }
}
