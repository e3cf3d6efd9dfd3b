package dev.nexussecurity.core.internal.identity;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.File;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;

/**
 * Cross-implementation check of identity tokens version 2: an independent verifier written in
 * JavaScript from docs/identity-tokens.md with Node.js's {@code node:crypto} only (X25519, HKDF,
 * HMAC-SHA256, Ed25519; no Tink) derives the pairwise identity key from the test namespaces' raw
 * keys and classifies every known-answer vector; its key must be the vectors' and its verdicts the
 * ones the vectors (and so {@link TokenVerifier}, see {@code IdentityTokensTest}) expect. Skipped
 * with a message where {@code node} is not on the PATH ({@code .ci/run} installs it).
 */
class IdentityTokenVectorsCrossImplementationTest {
  private static final Path RESOURCES = Path.of("src", "test", "resources");
  private static final Path SCRIPT = RESOURCES.resolve("crossimpl/verify-token-vectors.mjs");
  private static final Path VECTORS = RESOURCES.resolve("identity/identity-token-vectors.json");

  @Test
  void nodeImplementation_derivesThePairwiseKey_andReachesEveryVectorsVerdict() throws Exception {
    String node = findNode();
    Assumptions.assumeTrue(
        node != null,
        "Node.js ('node') is not on the PATH: the cross-implementation check of the identity token"
            + " vectors is skipped (install Node.js 18+, as .ci/run does, to run it)");
    Process p =
        new ProcessBuilder(
                node,
                SCRIPT.toString(),
                VECTORS.toString(),
                "orders",
                IdentityTokenVectors.ORDERS_X25519,
                Integer.toUnsignedString(IdentityTokenVectors.ORDERS_AGREEMENT_ID),
                "payments",
                IdentityTokenVectors.PAYMENTS_X25519,
                Integer.toUnsignedString(IdentityTokenVectors.PAYMENTS_AGREEMENT_ID),
                IdentityTokenVectors.ORDERS_ED25519_SEED)
            .start();
    p.getOutputStream().close();
    byte[] out = p.getInputStream().readAllBytes();
    byte[] err = p.getErrorStream().readAllBytes();
    assertThat(p.waitFor(60, TimeUnit.SECONDS)).as("node finished").isTrue();
    assertThat(p.exitValue())
        .as("node exit status; stderr: %s", new String(err, StandardCharsets.UTF_8))
        .isZero();

    ObjectMapper json = new ObjectMapper();
    JsonNode result = json.readTree(out);
    JsonNode vectors = json.readTree(VECTORS.toFile());
    assertThat(result.get("pairwiseIdentityKey").asText())
        .isEqualTo(vectors.get("pairwiseIdentityKey").asText());
    int checked = 0;
    for (JsonNode v : vectors.get("valid")) {
      assertThat(result.get("verdicts").get(v.get("name").asText()).asText())
          .as("node's verdict on valid vector %s", v.get("name").asText())
          .isEqualTo("ALLOWED");
      checked++;
    }
    for (JsonNode v : vectors.get("invalid")) {
      assertThat(result.get("verdicts").get(v.get("name").asText()).asText())
          .as("node's verdict on invalid vector %s", v.get("name").asText())
          .isEqualTo(v.get("expect").asText());
      checked++;
    }
    assertThat(checked).isGreaterThanOrEqualTo(8);
  }

  private static String findNode() {
    String path = System.getenv("PATH");
    if (path == null) {
      return null;
    }
    for (String dir : path.split(File.pathSeparator)) {
      Path candidate = Path.of(dir, "node");
      if (Files.isExecutable(candidate)) {
        return candidate.toString();
      }
    }
    return null;
  }
}
