package dev.nexussecurity.core.internal.server;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.google.protobuf.ByteString;
import dev.nexussecurity.api.NexusEndpoint;
import dev.nexussecurity.api.PayloadProtection;
import io.temporal.api.common.v1.Payload;
import io.temporal.api.nexus.v1.Endpoint;
import io.temporal.api.nexus.v1.EndpointSpec;
import io.temporal.api.nexus.v1.EndpointTarget;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestFactory;

class PolicyCodecTest {
  static final String AUDIENCE = "prod-eu";
  static JsonNode vectors;
  static PolicySigner registry;
  static PolicySigner other;

  @BeforeAll
  static void load() throws Exception {
    vectors = new ObjectMapper().readTree(TestKeys.resource("policy-vectors.json"));
    registry = PolicySigner.fromPrivateKeyset(TestKeys.registry());
    other = PolicySigner.fromPrivateKeyset(TestKeys.other());
  }

  static PolicyDocument validDocument() {
    return new PolicyDocument(AUDIENCE, validEndpoint(), validIssuedAt());
  }

  static PolicyDocument document(NexusEndpoint endpoint, Instant issuedAt) {
    return new PolicyDocument(AUDIENCE, endpoint, issuedAt);
  }

  static NexusEndpoint validEndpoint() {
    JsonNode v = vectors.get("valid");
    List<String> callers = new ArrayList<>();
    v.get("allowedCallerNamespaces").forEach(n -> callers.add(n.asText()));
    return NexusEndpoint.newBuilder()
        .setName(v.get("endpoint").asText())
        .setTargetNamespace(v.get("targetNamespace").asText())
        .setTargetTaskQueue(v.get("targetTaskQueue").asText())
        .setAllowedCallerNamespaces(callers)
        .setDescription(v.get("description").asText())
        .setVersion(v.get("registryVersion").asLong())
        .build();
  }

  static Instant validIssuedAt() {
    return Instant.parse(vectors.get("valid").get("issuedAt").asText());
  }

  static Payload payload(JsonNode metadata, String data) {
    Payload.Builder p = Payload.newBuilder().setData(ByteString.copyFromUtf8(data));
    for (Map.Entry<String, JsonNode> e : metadata.properties()) {
      p.putMetadata(e.getKey(), ByteString.copyFromUtf8(e.getValue().asText()));
    }
    return p.build();
  }

  static Endpoint server(String name, String namespace, String taskQueue, Payload description) {
    return Endpoint.newBuilder()
        .setId("id-" + name)
        .setVersion(7)
        .setSpec(
            EndpointSpec.newBuilder()
                .setName(name)
                .setTarget(
                    EndpointTarget.newBuilder()
                        .setWorker(
                            EndpointTarget.Worker.newBuilder()
                                .setNamespace(namespace)
                                .setTaskQueue(taskQueue)))
                .setDescription(description))
        .build();
  }

  @Test
  void vectorsFile_isWhatItsGeneratorWrites() throws Exception {
    assertThat(new String(new PolicyVectorsGenerator().generate(), StandardCharsets.UTF_8))
        .isEqualTo(TestKeys.resource("policy-vectors.json"));
  }

  @Test
  void encode_matchesTheKnownAnswer_byteForByte() throws Exception {
    Payload encoded = PolicyCodec.encode(validDocument(), registry);
    JsonNode valid = vectors.get("valid");
    assertThat(encoded.getData().toStringUtf8()).isEqualTo(valid.get("data").asText());
    assertThat(encoded.getMetadataMap())
        .containsOnly(
            Map.entry("encoding", ByteString.copyFromUtf8("json/plain")),
            Map.entry("nexus-security-policy", ByteString.copyFromUtf8("2")));
    assertThat(PolicyCodec.digest(encoded)).isEqualTo(valid.get("digest").asText());
  }

  @Test
  void decode_ofTheKnownAnswer_givesTheSignedEndpointKeyIdAndDigest() throws Exception {
    JsonNode valid = vectors.get("valid");
    VerifiedPolicy verified =
        PolicyCodec.decode(
            payload(valid.get("metadata"), valid.get("data").asText()),
            registry.getVerifier(),
            AUDIENCE);
    assertThat(verified.getDocument().getEndpoint()).isEqualTo(validEndpoint());
    assertThat(verified.getDocument().getIssuedAt()).isEqualTo(validIssuedAt());
    assertThat(verified.getDocument().getAudience()).isEqualTo(AUDIENCE);
    assertThat(verified.getKeyId()).contains(registry.getPrimaryKeyId());
    assertThat(verified.digest()).isEqualTo(valid.get("digest").asText());
  }

  @TestFactory
  Stream<DynamicTest> knownAnswerVectors_verifyOrFailWithTheExpectedProblem() {
    List<DynamicTest> tests = new ArrayList<>();
    for (JsonNode c : vectors.get("cases")) {
      if (!c.get("kind").asText().equals("policy")) {
        continue;
      }
      tests.add(
          DynamicTest.dynamicTest(
              c.get("name").asText(),
              () -> {
                Endpoint endpoint =
                    server(
                        c.get("serverName").asText(),
                        c.get("serverNamespace").asText(),
                        c.get("serverTaskQueue").asText(),
                        payload(c.get("metadata"), c.get("data").asText()));
                String expect = c.get("expect").asText();
                if (expect.equals("VALID")) {
                  assertThat(
                          PolicyCodec.verifyFor(endpoint, registry.getVerifier(), AUDIENCE)
                              .getDocument())
                      .isEqualTo(validDocument());
                } else {
                  assertThatThrownBy(
                          () -> PolicyCodec.verifyFor(endpoint, registry.getVerifier(), AUDIENCE))
                      .isInstanceOf(InvalidSignedDocumentException.class)
                      .satisfies(
                          e ->
                              assertThat(((InvalidSignedDocumentException) e).getProblem().name())
                                  .isEqualTo(expect))
                      .satisfies(e -> assertThat(e.getMessage()).matches("[\\x20-\\x7E]+"));
                }
              }));
    }
    return tests.stream();
  }

  @Test
  void vectors_coverEveryProblemADescriptionAloneCanHave() {
    List<String> expected = new ArrayList<>();
    vectors.get("cases").forEach(c -> expected.add(c.get("expect").asText()));
    for (InvalidSignedDocumentException.Problem p :
        InvalidSignedDocumentException.Problem.values()) {
      switch (p) {
        case NOT_IN_MANIFEST, MISSING, ROLLED_BACK, EXPIRED, ISSUED_IN_FUTURE ->
            assertThat(p).as("decided with a manifest, a clock or a listing").isNotNull();
        default -> assertThat(expected).as("a vector for " + p).contains(p.name());
      }
    }
  }

  @Test
  void signedByAnotherRegistry_isUnknownKey_namingTheKeyId() throws Exception {
    Payload foreign = PolicyCodec.encode(validDocument(), other);
    assertThatThrownBy(() -> PolicyCodec.decode(foreign, registry.getVerifier(), AUDIENCE))
        .isInstanceOf(InvalidSignedDocumentException.class)
        .hasMessageContaining("key id " + Integer.toUnsignedString(other.getPrimaryKeyId()))
        .hasMessageContaining("not an enabled key of the registry public keyset");
  }

  @Test
  void tamperedPolicy_messageSaysItWasChangedAfterSigning_withoutEchoingIt() throws Exception {
    Payload tampered =
        TestKeys.editSignedJson(
            PolicyCodec.encode(validDocument(), registry), j -> j.replace("orders-ns", "zzz-ns"));
    assertThatThrownBy(() -> PolicyCodec.decode(tampered, registry.getVerifier(), AUDIENCE))
        .isInstanceOf(InvalidSignedDocumentException.class)
        .hasMessageContaining("changed after the registry signed it")
        .satisfies(e -> assertThat(e.getMessage()).doesNotContain("zzz-ns"));
  }

  @Test
  void roundTrip_keepsEveryField_withUnusualText() throws Exception {
    NexusEndpoint endpoint =
        validEndpoint().toBuilder()
            .setDescription(
                "line1\nline2\t\"quoted\" \\ back / slash \u0001 \u2028 \uD83D\uDE00 日本")
            .setAllowedCallerNamespaces(List.of("a", "b.c", "ns-with-dash", "x:y/z_1"))
            .setVersion(Long.MAX_VALUE)
            .build();
    Instant issued = Instant.parse("2030-12-31T23:59:59.999Z");
    Payload encoded = PolicyCodec.encode(document(endpoint, issued), registry);
    PolicyDocument decoded =
        PolicyCodec.decode(encoded, registry.getVerifier(), AUDIENCE).getDocument();
    assertThat(decoded.getEndpoint()).isEqualTo(endpoint);
    assertThat(decoded.getIssuedAt()).isEqualTo(issued);
  }

  @Test
  void issueTime_isTruncatedToMilliseconds() throws Exception {
    Instant precise = Instant.parse("2025-05-01T10:00:00.123456789Z");
    Payload encoded = PolicyCodec.encode(document(validEndpoint(), precise), registry);
    assertThat(
            PolicyCodec.decode(encoded, registry.getVerifier(), AUDIENCE)
                .getDocument()
                .getIssuedAt())
        .isEqualTo(Instant.parse("2025-05-01T10:00:00.123Z"));
  }

  @Test
  void policyOverTheDescriptionLimit_isRefused_namingItsSize() {
    NexusEndpoint big = validEndpoint().toBuilder().setDescription("x".repeat(19_800)).build();

    assertThatThrownBy(() -> PolicyCodec.encode(document(big, validIssuedAt()), registry))
        .isInstanceOf(DescriptionTooLargeException.class)
        .hasMessageContaining("endpoint 'payments' would be ")
        .hasMessageContaining("at most 20000 bytes")
        .hasMessageContaining("19800 UTF-8 bytes")
        .satisfies(
            e -> assertThat(((DescriptionTooLargeException) e).getSize()).isGreaterThan(20_000));
  }

  @Test
  void sizeLimit_countsTheWholePayload_andThePolicyJustUnderItIsAccepted() throws Exception {
    // Binary search for the longest description that fits; one more byte must tip it over.
    int low = 0;
    int high = 20_000;
    while (low + 1 < high) {
      int mid = (low + high) >>> 1;
      if (encodedSize(mid) <= 20_000) {
        low = mid;
      } else {
        high = mid;
      }
    }
    assertThat(encodedSize(low)).isLessThanOrEqualTo(20_000).isGreaterThan(19_990);
    NexusEndpoint justOver =
        validEndpoint().toBuilder().setDescription("x".repeat(low + 1)).build();
    assertThatThrownBy(() -> PolicyCodec.encode(document(justOver, validIssuedAt()), registry))
        .isInstanceOf(DescriptionTooLargeException.class)
        .satisfies(
            e ->
                assertThat(((DescriptionTooLargeException) e).getSize())
                    .isGreaterThan(20_000)
                    .isLessThanOrEqualTo(20_004));
  }

  /**
   * The serialized size of a policy with an {@code n}-byte description, computed without the limit.
   */
  private static int encodedSize(int n) {
    NexusEndpoint e = validEndpoint().toBuilder().setDescription("x".repeat(n)).build();
    try {
      return PolicyCodec.encode(document(e, validIssuedAt()), registry).getSerializedSize();
    } catch (DescriptionTooLargeException tooLarge) {
      return tooLarge.getSize();
    }
  }

  @Test
  void isManaged_looksOnlyAtTheMetadataMarker() {
    String validData = vectors.get("valid").get("data").asText();
    assertThat(PolicyCodec.isManaged(Payload.getDefaultInstance())).isFalse();
    assertThat(
            PolicyCodec.isManaged(
                Payload.newBuilder()
                    .putMetadata("encoding", ByteString.copyFromUtf8("json/plain"))
                    .setData(ByteString.copyFromUtf8(validData))
                    .build()))
        .as("a policy without the marker is not managed")
        .isFalse();
    assertThat(
            PolicyCodec.isManaged(
                Payload.newBuilder()
                    .putMetadata("nexus-security-policy", ByteString.copyFromUtf8("garbage"))
                    .build()))
        .as("the marker alone makes it managed, and then it must verify")
        .isTrue();
  }

  @Test
  void oversizedDescription_isRefusedBeforeParsing() {
    Payload huge = payload(vectors.get("valid").get("metadata"), "\"" + "a".repeat(70_000) + "\"");
    assertThatThrownBy(() -> PolicyCodec.decode(huge, registry.getVerifier(), AUDIENCE))
        .isInstanceOf(InvalidSignedDocumentException.class)
        .hasMessageContaining("more than the limit of 65536");
  }

  @Test
  void serverControlledText_inMessages_hasNoControlCharacters() throws Exception {
    Payload encoded = PolicyCodec.encode(validDocument(), registry);
    Endpoint forged = server("payments", "payments-ns", "tq\nFAKE LOG LINE", encoded);
    assertThatThrownBy(() -> PolicyCodec.verifyFor(forged, registry.getVerifier(), AUDIENCE))
        .isInstanceOf(InvalidSignedDocumentException.class)
        .hasMessageEndingWith("targets payments-ns/tq\\u000AFAKE LOG LINE");
    Payload oddType = payload(vectors.get("valid").get("metadata"), "\"nspol2\\n.AA.AA\"");
    assertThatThrownBy(() -> PolicyCodec.decode(oddType, registry.getVerifier(), AUDIENCE))
        .hasMessage("the policy envelope: is of type 'nspol2\\u000A', expected 'nspol2'");
  }

  @Test
  void externalTarget_isATargetMismatch() throws Exception {
    Payload encoded = PolicyCodec.encode(validDocument(), registry);
    Endpoint external =
        Endpoint.newBuilder()
            .setId("x")
            .setSpec(
                EndpointSpec.newBuilder()
                    .setName("payments")
                    .setTarget(
                        EndpointTarget.newBuilder()
                            .setExternal(
                                EndpointTarget.External.newBuilder()
                                    .setUrl("https://evil.example")))
                    .setDescription(encoded))
            .build();
    assertThatThrownBy(() -> PolicyCodec.verifyFor(external, registry.getVerifier(), AUDIENCE))
        .isInstanceOf(InvalidSignedDocumentException.class)
        .hasMessageContaining("external URL https://evil.example")
        .satisfies(
            e ->
                assertThat(((InvalidSignedDocumentException) e).getProblem())
                    .isEqualTo(InvalidSignedDocumentException.Problem.TARGET_MISMATCH));
  }

  @Test
  void policyOfAnotherCluster_isRefused_namingBothClusters() throws Exception {
    Payload staging =
        PolicyCodec.encode(
            new PolicyDocument("staging", validEndpoint(), validIssuedAt()), registry);
    assertThatThrownBy(() -> PolicyCodec.decode(staging, registry.getVerifier(), AUDIENCE))
        .isInstanceOf(InvalidSignedDocumentException.class)
        .hasMessage(
            "the policy was signed for cluster 'staging', but this is cluster 'prod-eu': a policy"
                + " of one cluster does not admit callers in another");
  }

  static NexusEndpoint protectedEndpoint() {
    return validEndpoint().toBuilder()
        .setPayloadProtection(PayloadProtection.pairwise())
        .putServicePayloadProtection("refunds", PayloadProtection.shared("refunds-key"))
        .build();
  }

  @Test
  void roundTrip_keepsThePayloadProtection() throws Exception {
    Payload encoded = PolicyCodec.encode(document(protectedEndpoint(), validIssuedAt()), registry);

    NexusEndpoint decoded =
        PolicyCodec.decode(encoded, registry.getVerifier(), AUDIENCE).getDocument().getEndpoint();

    assertThat(decoded).isEqualTo(protectedEndpoint());
    assertThat(decoded.getPayloadProtection("refunds"))
        .contains(PayloadProtection.shared("refunds-key"));
  }

  @Test
  void encode_withoutProtection_hasNoProtectionFields_soExistingPoliciesKeepTheirBytes()
      throws Exception {
    String json = signedJson(PolicyCodec.encode(validDocument(), registry));

    assertThat(json).doesNotContain("ayloadProtection");
  }

  @Test
  void operatorDowngradingTheProtection_isRefusedAsTampering() throws Exception {
    Payload signed = PolicyCodec.encode(document(protectedEndpoint(), validIssuedAt()), registry);
    Payload downgraded =
        TestKeys.editSignedJson(
            signed,
            j ->
                j.replace(
                    "\"payloadProtection\":\"pairwise\"",
                    "\"payloadProtection\":\"authenticated\""));
    assertThat(signedJson(downgraded)).contains("authenticated");

    assertThatThrownBy(() -> PolicyCodec.decode(downgraded, registry.getVerifier(), AUDIENCE))
        .isInstanceOf(InvalidSignedDocumentException.class)
        .satisfies(
            e ->
                assertThat(((InvalidSignedDocumentException) e).getProblem())
                    .isEqualTo(InvalidSignedDocumentException.Problem.BAD_SIGNATURE))
        .hasMessageContaining("changed after the registry signed it");
  }

  @Test
  void operatorStrippingTheProtection_isRefusedAsTampering() throws Exception {
    Payload signed = PolicyCodec.encode(document(protectedEndpoint(), validIssuedAt()), registry);
    Payload stripped =
        TestKeys.editSignedJson(
            signed,
            j ->
                j.replaceAll("\"payloadProtection\":\"[^\"]*\",", "")
                    .replaceAll("\"servicePayloadProtections\":\\{[^}]*\\},", ""));
    assertThat(signedJson(stripped)).doesNotContain("ayloadProtection");

    assertThatThrownBy(() -> PolicyCodec.decode(stripped, registry.getVerifier(), AUDIENCE))
        .isInstanceOf(InvalidSignedDocumentException.class)
        .satisfies(
            e ->
                assertThat(((InvalidSignedDocumentException) e).getProblem())
                    .isEqualTo(InvalidSignedDocumentException.Problem.BAD_SIGNATURE));
  }

  @Test
  void operatorSwappingAServiceOverridesKeyset_isRefusedAsTampering() throws Exception {
    Payload signed = PolicyCodec.encode(document(protectedEndpoint(), validIssuedAt()), registry);
    Payload swapped =
        TestKeys.editSignedJson(signed, j -> j.replace("shared:refunds-key", "shared:leaked-key"));

    assertThatThrownBy(() -> PolicyCodec.decode(swapped, registry.getVerifier(), AUDIENCE))
        .isInstanceOf(InvalidSignedDocumentException.class)
        .hasMessageContaining("changed after the registry signed it")
        .satisfies(e -> assertThat(e.getMessage()).doesNotContain("leaked-key"));
  }

  @Test
  void signedPolicyWithAnUnknownMode_isMalformed_namingTheAcceptedForms() throws Exception {
    String json =
        signedJson(PolicyCodec.encode(document(protectedEndpoint(), validIssuedAt()), registry))
            .replace("\"payloadProtection\":\"pairwise\"", "\"payloadProtection\":\"quantum\"");
    Payload resigned =
        SignedDescription.wrap(
            PolicyCodec.METADATA_KEY,
            PolicyCodec.METADATA_VALUE,
            registry.seal(PolicyCodec.ENVELOPE_TYPE, json.getBytes(StandardCharsets.UTF_8)));

    assertThatThrownBy(() -> PolicyCodec.decode(resigned, registry.getVerifier(), AUDIENCE))
        .isInstanceOf(InvalidSignedDocumentException.class)
        .satisfies(
            e ->
                assertThat(((InvalidSignedDocumentException) e).getProblem())
                    .isEqualTo(InvalidSignedDocumentException.Problem.MALFORMED))
        .hasMessageContaining("quantum")
        .hasMessageContaining("shared:<keyset>, pairwise, hpke or authenticated");
  }

  @Test
  void signedPolicyWithAnEmptyServiceName_isMalformed() throws Exception {
    String json =
        signedJson(PolicyCodec.encode(document(protectedEndpoint(), validIssuedAt()), registry))
            .replace("\"refunds\":", "\"\":");
    Payload resigned =
        SignedDescription.wrap(
            PolicyCodec.METADATA_KEY,
            PolicyCodec.METADATA_VALUE,
            registry.seal(PolicyCodec.ENVELOPE_TYPE, json.getBytes(StandardCharsets.UTF_8)));

    assertThatThrownBy(() -> PolicyCodec.decode(resigned, registry.getVerifier(), AUDIENCE))
        .isInstanceOf(InvalidSignedDocumentException.class)
        .hasMessageContaining("non-empty Nexus service name");
  }

  private static String signedJson(Payload description) {
    String data = description.getData().toStringUtf8();
    String[] parts = data.substring(1, data.length() - 1).split("\\.");
    return new String(java.util.Base64.getUrlDecoder().decode(parts[1]), StandardCharsets.UTF_8);
  }

  @Test
  void policyOfExactlyTheDescriptionLimit_isAccepted() throws Exception {
    int exact = -1;
    for (int n = 14_000; n < 15_500 && exact < 0; n++) {
      if (encodedSize(n) == 20_000) {
        exact = n;
      }
    }
    assertThat(exact)
        .as("a description length that makes the policy exactly 20,000 bytes")
        .isPositive();
    NexusEndpoint atLimit = validEndpoint().toBuilder().setDescription("x".repeat(exact)).build();

    assertThat(PolicyCodec.encode(document(atLimit, validIssuedAt()), registry).getSerializedSize())
        .isEqualTo(20_000);
  }

  /**
   * The "shorten by at least N bytes" hint of an oversized policy is enough (shortening the
   * description by N makes it fit) and not far off (shortening by N - 3 does not).
   */
  @Test
  void policyOverTheLimit_namesHowManyBytesToShorten_enoughAndNotFarMore() throws Exception {
    java.util.regex.Pattern figure = java.util.regex.Pattern.compile("by at least (\\d+) bytes$");
    int checked = 0;
    for (int n = 14_700; n < 15_100; n += 23) {
      NexusEndpoint big = validEndpoint().toBuilder().setDescription("x".repeat(n)).build();
      DescriptionTooLargeException e =
          org.assertj.core.api.Assertions.catchThrowableOfType(
              () -> PolicyCodec.encode(document(big, validIssuedAt()), registry),
              DescriptionTooLargeException.class);
      assertThat(e).as("description of %d bytes", n).isNotNull();
      java.util.regex.Matcher m = figure.matcher(e.getMessage());
      assertThat(m.find()).as(e.getMessage()).isTrue();
      int shortenBy = Integer.parseInt(m.group(1));

      assertThat(encodedSize(n - shortenBy))
          .as("%d bytes over: shortened by %d", e.getSize() - 20_000, shortenBy)
          .isLessThanOrEqualTo(20_000);
      if (shortenBy >= 3) {
        assertThat(encodedSize(n - shortenBy + 3))
            .as("%d bytes over: shortened by %d - 3", e.getSize() - 20_000, shortenBy)
            .isGreaterThan(20_000);
      }
      checked++;
    }
    assertThat(checked).isGreaterThan(10);
  }

  @Test
  void targetOf_describesWorkerExternalAndMissingTargets() {
    assertThat(PolicyCodec.targetOf(server("ep", "ns", "tq", Payload.getDefaultInstance())))
        .isEqualTo("ns/tq");
    Endpoint external =
        Endpoint.newBuilder()
            .setSpec(
                EndpointSpec.newBuilder()
                    .setName("ep")
                    .setTarget(
                        EndpointTarget.newBuilder()
                            .setExternal(
                                EndpointTarget.External.newBuilder().setUrl("https://x.example"))))
            .build();
    assertThat(PolicyCodec.targetOf(external)).isEqualTo("external URL https://x.example");
    assertThat(
            PolicyCodec.targetOf(
                Endpoint.newBuilder().setSpec(EndpointSpec.newBuilder().setName("ep")).build()))
        .isEqualTo("(no target)");
  }
}
