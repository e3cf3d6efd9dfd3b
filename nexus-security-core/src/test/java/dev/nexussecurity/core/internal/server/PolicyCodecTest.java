package dev.nexussecurity.core.internal.server;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.google.protobuf.ByteString;
import dev.nexussecurity.api.NexusEndpoint;
import io.temporal.api.common.v1.Payload;
import io.temporal.api.nexus.v1.Endpoint;
import io.temporal.api.nexus.v1.EndpointSpec;
import io.temporal.api.nexus.v1.EndpointTarget;
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
  static JsonNode vectors;
  static PolicySigner registry;
  static PolicySigner other;

  @BeforeAll
  static void load() throws Exception {
    vectors = new ObjectMapper().readTree(TestKeys.resource("policy-vectors.json"));
    registry = PolicySigner.fromPrivateKeyset(TestKeys.registry());
    other = PolicySigner.fromPrivateKeyset(TestKeys.other());
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
  void encode_matchesTheKnownAnswer_byteForByte() throws Exception {
    Payload encoded =
        PolicyCodec.encode(new PolicyDocument(validEndpoint(), validIssuedAt()), registry);
    JsonNode valid = vectors.get("valid");
    assertThat(encoded.getData().toStringUtf8()).isEqualTo(valid.get("data").asText());
    assertThat(encoded.getMetadataMap())
        .containsOnly(
            Map.entry("encoding", ByteString.copyFromUtf8("json/plain")),
            Map.entry("nexus-security-policy", ByteString.copyFromUtf8("1")));
  }

  @Test
  void decode_ofTheKnownAnswer_givesTheSignedEndpointAndKeyId() throws Exception {
    JsonNode valid = vectors.get("valid");
    VerifiedPolicy verified =
        PolicyCodec.decode(
            payload(valid.get("metadata"), valid.get("data").asText()), registry.getVerifier());
    assertThat(verified.getDocument().getEndpoint()).isEqualTo(validEndpoint());
    assertThat(verified.getDocument().getIssuedAt()).isEqualTo(validIssuedAt());
    assertThat(verified.getKeyId()).isEqualTo(registry.getPrimaryKeyId());
  }

  @TestFactory
  Stream<DynamicTest> knownAnswerVectors_verifyOrFailWithTheExpectedProblem() {
    List<DynamicTest> tests = new ArrayList<>();
    for (JsonNode c : vectors.get("cases")) {
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
                  assertThat(PolicyCodec.verifyFor(endpoint, registry.getVerifier()).getDocument())
                      .isEqualTo(new PolicyDocument(validEndpoint(), validIssuedAt()));
                } else {
                  assertThatThrownBy(() -> PolicyCodec.verifyFor(endpoint, registry.getVerifier()))
                      .isInstanceOf(InvalidPolicyException.class)
                      .satisfies(
                          e ->
                              assertThat(((InvalidPolicyException) e).getProblem().name())
                                  .isEqualTo(expect))
                      .satisfies(e -> assertThat(e.getMessage()).isNotBlank());
                }
              }));
    }
    return tests.stream();
  }

  @Test
  void vectors_coverEveryProblemExceptRollback() {
    List<String> expected = new ArrayList<>();
    vectors.get("cases").forEach(c -> expected.add(c.get("expect").asText()));
    for (InvalidPolicyException.Problem p : InvalidPolicyException.Problem.values()) {
      if (p != InvalidPolicyException.Problem.ROLLED_BACK) {
        assertThat(expected).as("a vector for " + p).contains(p.name());
      }
    }
  }

  @Test
  void signedByAnotherRegistry_isUnknownKey_namingTheKeyId() throws Exception {
    Payload foreign =
        PolicyCodec.encode(new PolicyDocument(validEndpoint(), validIssuedAt()), other);
    assertThatThrownBy(() -> PolicyCodec.decode(foreign, registry.getVerifier()))
        .isInstanceOf(InvalidPolicyException.class)
        .hasMessageContaining("key id " + Integer.toUnsignedString(other.getPrimaryKeyId()))
        .hasMessageContaining("not an enabled key of the registry public keyset");
  }

  @Test
  void tamperedPolicy_messageSaysItWasChangedAfterSigning_withoutEchoingIt() throws Exception {
    String data = vectors.get("valid").get("data").asText().replace("orders-ns", "zzz-distinctive");
    Payload tampered = payload(vectors.get("valid").get("metadata"), data);
    assertThatThrownBy(() -> PolicyCodec.decode(tampered, registry.getVerifier()))
        .isInstanceOf(InvalidPolicyException.class)
        .hasMessageContaining("changed after the registry signed it")
        .satisfies(e -> assertThat(e.getMessage()).doesNotContain("zzz-distinctive"));
  }

  @Test
  void roundTrip_keepsEveryField_withUnusualText() throws Exception {
    NexusEndpoint endpoint =
        validEndpoint().toBuilder()
            .setDescription(
                "line1\nline2\t\"quoted\" \\ back / slash \u0001 \u2028 \uD83D\uDE00 日本")
            .setAllowedCallerNamespaces(List.of("a", "b.c", "ns-with-dash", "ünïcode"))
            .setVersion(Long.MAX_VALUE)
            .build();
    Instant issued = Instant.parse("2030-12-31T23:59:59.999Z");
    Payload encoded = PolicyCodec.encode(new PolicyDocument(endpoint, issued), registry);
    PolicyDocument decoded = PolicyCodec.decode(encoded, registry.getVerifier()).getDocument();
    assertThat(decoded.getEndpoint()).isEqualTo(endpoint);
    assertThat(decoded.getIssuedAt()).isEqualTo(issued);
  }

  @Test
  void issueTime_isTruncatedToMilliseconds() throws Exception {
    Instant precise = Instant.parse("2025-05-01T10:00:00.123456789Z");
    Payload encoded = PolicyCodec.encode(new PolicyDocument(validEndpoint(), precise), registry);
    assertThat(PolicyCodec.decode(encoded, registry.getVerifier()).getDocument().getIssuedAt())
        .isEqualTo(Instant.parse("2025-05-01T10:00:00.123Z"));
  }

  @Test
  void policyOverTheDescriptionLimit_isRefused_namingItsSize() {
    NexusEndpoint big = validEndpoint().toBuilder().setDescription("x".repeat(19_800)).build();
    assertThatThrownBy(() -> PolicyCodec.encode(new PolicyDocument(big, validIssuedAt()), registry))
        .isInstanceOf(PolicyTooLargeException.class)
        .hasMessageContaining("endpoint 'payments' would be ")
        .hasMessageContaining("at most 20000 bytes")
        .hasMessageContaining("19800 UTF-8 bytes")
        .satisfies(e -> assertThat(((PolicyTooLargeException) e).getSize()).isGreaterThan(20_000));
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
    assertThatThrownBy(
            () -> PolicyCodec.encode(new PolicyDocument(justOver, validIssuedAt()), registry))
        .isInstanceOf(PolicyTooLargeException.class)
        .satisfies(e -> assertThat(((PolicyTooLargeException) e).getSize()).isEqualTo(20_001));
  }

  /**
   * The serialized size of a policy with an {@code n}-byte description, computed without the limit.
   */
  private static int encodedSize(int n) {
    NexusEndpoint e = validEndpoint().toBuilder().setDescription("x".repeat(n)).build();
    try {
      return PolicyCodec.encode(new PolicyDocument(e, validIssuedAt()), registry)
          .getSerializedSize();
    } catch (PolicyTooLargeException tooLarge) {
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
    Payload huge =
        payload(
            vectors.get("valid").get("metadata"), "{\"policy\":\"" + "a".repeat(70_000) + "\"}");
    assertThatThrownBy(() -> PolicyCodec.decode(huge, registry.getVerifier()))
        .isInstanceOf(InvalidPolicyException.class)
        .hasMessageContaining("more than a policy can have");
  }

  @Test
  void serverControlledText_inMessages_hasNoControlCharacters() throws Exception {
    Payload encoded =
        PolicyCodec.encode(new PolicyDocument(validEndpoint(), validIssuedAt()), registry);
    Endpoint forged = server("payments", "payments-ns", "tq\nFAKE LOG LINE", encoded);
    assertThatThrownBy(() -> PolicyCodec.verifyFor(forged, registry.getVerifier()))
        .isInstanceOf(InvalidPolicyException.class)
        .hasMessageEndingWith("targets payments-ns/tq\\u000AFAKE LOG LINE");
    Payload oddField =
        payload(
            vectors.get("valid").get("metadata"),
            "{\"policy\":\"x\",\"signature\":\"AA\",\"a\\nb\":1}");
    assertThatThrownBy(() -> PolicyCodec.decode(oddField, registry.getVerifier()))
        .hasMessage("the description has an unknown field 'a\\u000Ab'");
  }

  @Test
  void externalTarget_isATargetMismatch() throws Exception {
    Payload encoded =
        PolicyCodec.encode(new PolicyDocument(validEndpoint(), validIssuedAt()), registry);
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
    assertThatThrownBy(() -> PolicyCodec.verifyFor(external, registry.getVerifier()))
        .isInstanceOf(InvalidPolicyException.class)
        .hasMessageContaining("external URL https://evil.example")
        .satisfies(
            e ->
                assertThat(((InvalidPolicyException) e).getProblem())
                    .isEqualTo(InvalidPolicyException.Problem.TARGET_MISMATCH));
  }
}
