package dev.nexussecurity.core.internal.server;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.File;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Cross-implementation check of the signed policy and manifest format: an independent verifier
 * written in JavaScript from docs/server-registry.md, using only Node.js's own {@code node:crypto}
 * for Ed25519 (no Tink, no Jackson), classifies every known-answer vector of {@code
 * policy-vectors.json}; its verdicts must be the ones the vectors (and so the Java codec, see
 * {@link PolicyCodecTest} and {@link ManifestCodecTest}) expect. A written spec that drifts from
 * the code, or vectors a second implementation cannot reproduce, fail here.
 *
 * <p>Needs {@code node} (v18 or newer) on the PATH; {@code .ci/run} installs it. Where it is absent
 * the test is skipped with a message saying so.
 */
class PolicyVectorsCrossImplementationTest {
  private static final Path RESOURCES = Path.of("src", "test", "resources");
  private static final Path SCRIPT = RESOURCES.resolve("crossimpl/verify-policy-vectors.mjs");
  private static final Path VECTORS = RESOURCES.resolve("server/policy-vectors.json");

  private static JsonNode vectors;
  private static JsonNode node;

  @BeforeAll
  static void runTheNodeImplementation() throws Exception {
    String nodeBinary = findNode();
    Assumptions.assumeTrue(
        nodeBinary != null,
        "Node.js ('node') is not on the PATH: the cross-implementation check of the signed policy"
            + " vectors is skipped (install Node.js 18+, as .ci/run does, to run it)");
    vectors = new ObjectMapper().readTree(VECTORS.toFile());
    Process p =
        new ProcessBuilder(
                nodeBinary,
                SCRIPT.toString(),
                VECTORS.toString(),
                RESOURCES.resolve("server/registry-test-keyset.json").toString(),
                RESOURCES.resolve("server/other-test-keyset.json").toString())
            .redirectErrorStream(false)
            .start();
    p.getOutputStream().close();
    byte[] out = p.getInputStream().readAllBytes();
    byte[] err = p.getErrorStream().readAllBytes();
    assertThat(p.waitFor(60, TimeUnit.SECONDS)).as("node finished").isTrue();
    assertThat(p.exitValue())
        .as("node exit status; stderr: %s", new String(err, StandardCharsets.UTF_8))
        .isZero();
    node = new ObjectMapper().readTree(out);
  }

  private static String findNode() throws IOException {
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

  @Test
  void everyVector_isClassifiedByTheNodeImplementationAsTheVectorsExpect() {
    Map<String, String> byNode = new HashMap<>();
    node.get("results").forEach(r -> byNode.put(r.get("name").asText(), r.get("result").asText()));
    List<String> mismatches = new ArrayList<>();
    for (JsonNode c : vectors.get("cases")) {
      String name = c.get("name").asText();
      String expect = c.get("expect").asText();
      if (!expect.equals(byNode.get(name))) {
        mismatches.add(name + ": expected " + expect + ", node says " + byNode.get(name));
      }
    }
    assertThat(byNode).hasSameSizeAs(vectors.get("cases"));
    assertThat(mismatches).isEmpty();
  }

  @Test
  void theValidPolicyAndManifest_verifyWithNodeCryptoAndCarryTheDocumentedFields() {
    JsonNode checks = node.get("checks");
    assertThat(checks.get("validPolicy").asText()).isEqualTo("VALID");
    assertThat(checks.get("validPolicyFields").asBoolean()).isTrue();
    assertThat(checks.get("policyDigest").asBoolean()).as("SHA-256 digest of the data").isTrue();
    assertThat(checks.get("manifest").asText()).isEqualTo("VALID");
    assertThat(checks.get("manifestListsPolicyDigest").asBoolean()).isTrue();
    assertThat(checks.get("manifestFields").asBoolean()).isTrue();
  }

  @Test
  void vectorsSignedByAnotherKey_verifyUnderThatKeyInNode() {
    // an UNKNOWN_KEY verdict is about the key, not a broken signature: the other test keyset's
    // public key verifies them
    List<String> unknownKey = new ArrayList<>();
    node.get("results")
        .forEach(
            r -> {
              if (r.get("result").asText().equals("UNKNOWN_KEY")) {
                assertThat(r.get("signedByOtherKeyset").asBoolean())
                    .as(r.get("name").asText())
                    .isTrue();
                unknownKey.add(r.get("name").asText());
              }
            });
    assertThat(unknownKey).hasSize(2);
  }
}
