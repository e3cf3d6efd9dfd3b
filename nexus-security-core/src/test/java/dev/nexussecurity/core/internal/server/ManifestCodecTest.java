package dev.nexussecurity.core.internal.server;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.google.protobuf.ByteString;
import io.temporal.api.common.v1.Payload;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestFactory;

class ManifestCodecTest {
  static final String AUDIENCE = "prod-eu";
  static final Duration SKEW = Duration.ofMinutes(1);
  static JsonNode vectors;
  static PolicySigner registry;

  @BeforeAll
  static void load() throws Exception {
    vectors = new ObjectMapper().readTree(TestKeys.resource("policy-vectors.json"));
    registry = PolicySigner.fromPrivateKeyset(TestKeys.registry());
  }

  static RegistryManifest validManifest() {
    JsonNode m = vectors.get("manifest");
    return new RegistryManifest(
        AUDIENCE,
        m.get("epoch").asLong(),
        Instant.parse(m.get("issuedAt").asText()),
        Instant.parse(m.get("expiresAt").asText()),
        new TreeMap<>(
            Map.of(
                "payments",
                vectors.get("valid").get("digest").asText(),
                "shipping",
                "AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA")));
  }

  static Payload payload(JsonNode metadata, String data) {
    Payload.Builder p = Payload.newBuilder().setData(ByteString.copyFromUtf8(data));
    metadata
        .properties()
        .forEach(e -> p.putMetadata(e.getKey(), ByteString.copyFromUtf8(e.getValue().asText())));
    return p.build();
  }

  static VerifiedManifest verified(long epoch, Instant issuedAt, Instant expiresAt)
      throws Exception {
    Payload p =
        ManifestCodec.encode(
            new RegistryManifest(AUDIENCE, epoch, issuedAt, expiresAt, new TreeMap<>()), registry);
    return ManifestCodec.decode(p, registry.getVerifier(), AUDIENCE);
  }

  @Test
  void encode_matchesTheKnownAnswer_byteForByte() throws Exception {
    Payload encoded = ManifestCodec.encode(validManifest(), registry);

    assertThat(encoded.getData().toStringUtf8())
        .isEqualTo(vectors.get("manifest").get("data").asText());
    assertThat(encoded.getMetadataMap())
        .containsOnly(
            Map.entry("encoding", ByteString.copyFromUtf8("json/plain")),
            Map.entry("nexus-security-manifest", ByteString.copyFromUtf8("1")));
  }

  @Test
  void decode_ofTheKnownAnswer_givesTheManifest_andListsThePolicyVectorsDigest() throws Exception {
    JsonNode m = vectors.get("manifest");
    VerifiedManifest v =
        ManifestCodec.decode(
            payload(m.get("metadata"), m.get("data").asText()), registry.getVerifier(), AUDIENCE);

    assertThat(v.manifest()).isEqualTo(validManifest());
    assertThat(v.manifest().endpoints().get("payments"))
        .isEqualTo(PolicyVectorsGenerator.sha256(vectors.get("valid").get("data").asText()));
    assertThat(v.getKeyId()).contains(registry.getPrimaryKeyId());
  }

  @TestFactory
  Stream<DynamicTest> knownAnswerVectors_verifyOrFailWithTheExpectedProblem() {
    List<DynamicTest> tests = new ArrayList<>();
    for (JsonNode c : vectors.get("cases")) {
      if (!c.get("kind").asText().equals("manifest")) {
        continue;
      }
      tests.add(
          DynamicTest.dynamicTest(
              c.get("name").asText(),
              () -> {
                Payload p = payload(c.get("metadata"), c.get("data").asText());
                String expect = c.get("expect").asText();
                if (expect.equals("VALID")) {
                  assertThat(ManifestCodec.decode(p, registry.getVerifier(), AUDIENCE).manifest())
                      .isEqualTo(validManifest());
                } else {
                  assertThatThrownBy(
                          () -> ManifestCodec.decode(p, registry.getVerifier(), AUDIENCE))
                      .isInstanceOf(InvalidSignedDocumentException.class)
                      .satisfies(
                          e ->
                              assertThat(((InvalidSignedDocumentException) e).getProblem().name())
                                  .isEqualTo(expect))
                      .satisfies(e -> assertThat(e.getMessage()).matches("[\\x20-\\x7E]+"));
                }
              }));
    }
    assertThat(tests).hasSizeGreaterThan(5);
    return tests.stream();
  }

  @Test
  void checkCurrent_acceptsANewerEpoch_andTheSameManifestAgain() throws Exception {
    Instant now = Instant.parse("2025-05-01T12:00:00Z");
    VerifiedManifest m = verified(100, now.minusSeconds(60), now.plusSeconds(3600));
    HighWaterMark older =
        new HighWaterMark(AUDIENCE, 99, now.minusSeconds(120), "older-manifest-digest");

    ManifestCodec.checkCurrent(m, older, now, SKEW);
    ManifestCodec.checkCurrent(m, HighWaterMark.of(m), now, SKEW);
    ManifestCodec.checkCurrent(m, null, now, SKEW);
  }

  @Test
  void checkCurrent_olderEpoch_isRolledBack() throws Exception {
    Instant now = Instant.parse("2025-05-01T12:00:00Z");
    VerifiedManifest old = verified(99, now.minusSeconds(60), now.plusSeconds(3600));
    HighWaterMark mark = new HighWaterMark(AUDIENCE, 100, now.minusSeconds(30), "d");

    assertThatThrownBy(() -> ManifestCodec.checkCurrent(old, mark, now, SKEW))
        .isInstanceOf(InvalidSignedDocumentException.class)
        .hasMessageContaining("epoch 99")
        .hasMessageContaining("older than epoch 100")
        .satisfies(e -> assertProblem(e, InvalidSignedDocumentException.Problem.ROLLED_BACK));
  }

  @Test
  void checkCurrent_anotherManifestOfTheSameEpoch_isRefused() throws Exception {
    Instant now = Instant.parse("2025-05-01T12:00:00Z");
    VerifiedManifest m = verified(100, now.minusSeconds(60), now.plusSeconds(3600));
    HighWaterMark mark = new HighWaterMark(AUDIENCE, 100, now.minusSeconds(60), "other-digest");

    assertThatThrownBy(() -> ManifestCodec.checkCurrent(m, mark, now, SKEW))
        .satisfies(e -> assertProblem(e, InvalidSignedDocumentException.Problem.ROLLED_BACK));
  }

  @Test
  void checkCurrent_issuedOrNumberedBeyondTheSkew_isRefused() throws Exception {
    Instant now = Instant.parse("2025-05-01T12:00:00Z");
    VerifiedManifest farIssue = verified(1, now.plusSeconds(61), now.plusSeconds(3600));
    VerifiedManifest farEpoch =
        verified(now.plusSeconds(61).toEpochMilli(), now, now.plusSeconds(3600));
    VerifiedManifest withinSkew =
        verified(now.plusSeconds(59).toEpochMilli(), now.plusSeconds(59), now.plusSeconds(3600));

    assertThatThrownBy(() -> ManifestCodec.checkCurrent(farIssue, null, now, SKEW))
        .hasMessageContaining("after now (2025-05-01T12:00:00Z) plus the allowed clock skew")
        .satisfies(e -> assertProblem(e, InvalidSignedDocumentException.Problem.ISSUED_IN_FUTURE));
    assertThatThrownBy(() -> ManifestCodec.checkCurrent(farEpoch, null, now, SKEW))
        .satisfies(e -> assertProblem(e, InvalidSignedDocumentException.Problem.ISSUED_IN_FUTURE));
    ManifestCodec.checkCurrent(withinSkew, null, now, SKEW);
  }

  @Test
  void checkCurrent_expired_isRefused() throws Exception {
    Instant now = Instant.parse("2025-05-01T12:00:00Z");
    VerifiedManifest expired = verified(5, now.minusSeconds(7200), now);

    assertThatThrownBy(() -> ManifestCodec.checkCurrent(expired, null, now, SKEW))
        .hasMessage(
            "the manifest of epoch 5 expired at 2025-05-01T12:00:00Z; run the EndpointReconciler,"
                + " which signs a new one")
        .satisfies(e -> assertProblem(e, InvalidSignedDocumentException.Problem.EXPIRED));
  }

  @Test
  void manifestOverTheDescriptionLimit_isRefused_namingTheEndpointCount() {
    TreeMap<String, String> many = new TreeMap<>();
    for (int i = 0; i < 400; i++) {
      many.put("endpoint-number-" + i, "AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA");
    }
    RegistryManifest big =
        new RegistryManifest(AUDIENCE, 1, Instant.EPOCH, Instant.EPOCH.plusSeconds(1), many);

    assertThatThrownBy(() -> ManifestCodec.encode(big, registry))
        .isInstanceOf(DescriptionTooLargeException.class)
        .hasMessageContaining("it lists 400 endpoints")
        .hasMessageContaining("at most 20000 bytes");
  }

  @Test
  void isManifest_looksOnlyAtTheMarker() throws Exception {
    Payload p = ManifestCodec.encode(validManifest(), registry);
    assertThat(
            ManifestCodec.isManifest(
                io.temporal.api.nexus.v1.Endpoint.newBuilder()
                    .setSpec(io.temporal.api.nexus.v1.EndpointSpec.newBuilder().setDescription(p))
                    .build()))
        .isTrue();
    assertThat(PolicyCodec.isManaged(p)).as("a manifest is not a policy").isFalse();
  }

  private static void assertProblem(Throwable e, InvalidSignedDocumentException.Problem problem) {
    assertThat(((InvalidSignedDocumentException) e).getProblem()).isEqualTo(problem);
  }

  @Test
  void keyDirectoryListing_roundTrips_andAManifestWithoutOneKeepsItsBytes() throws Exception {
    RegistryManifest without = validManifest();
    RegistryManifest with =
        new RegistryManifest(
            without.audience(),
            without.epoch(),
            without.issuedAt(),
            without.expiresAt(),
            without.endpoints(),
            new TreeMap<>(Map.of("orders.ns", "BBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBB")));

    VerifiedManifest decoded =
        ManifestCodec.decode(
            ManifestCodec.encode(with, registry), registry.getVerifier(), AUDIENCE);
    assertThat(decoded.manifest()).isEqualTo(with);
    assertThat(decoded.manifest().keyDirectory())
        .containsExactly(Map.entry("orders.ns", "BBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBB"));

    String plain = TestKeys.signedJson(ManifestCodec.encode(without, registry));
    assertThat(plain).doesNotContain("keyDirectory");
    assertThat(
            ManifestCodec.decode(
                    ManifestCodec.encode(without, registry), registry.getVerifier(), AUDIENCE)
                .manifest()
                .keyDirectory())
        .isNull();
    assertThat(TestKeys.signedJson(ManifestCodec.encode(with, registry)))
        .endsWith(
            ",\"keyDirectory\":{\"orders.ns\":\"BBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBB\"}}");
  }

  @Test
  void keyDirectoryListing_withABadNamespaceOrDigest_isMalformed() throws Exception {
    RegistryManifest m = validManifest();
    for (Map<String, String> bad :
        List.of(
            Map.of("has space", "BBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBB"),
            Map.of("orders-ns", "not-a-digest"))) {
      RegistryManifest withBad =
          new RegistryManifest(
              m.audience(),
              m.epoch(),
              m.issuedAt(),
              m.expiresAt(),
              m.endpoints(),
              new TreeMap<>(bad));
      Payload p = ManifestCodec.encode(withBad, registry);
      assertThatThrownBy(() -> ManifestCodec.decode(p, registry.getVerifier(), AUDIENCE))
          .isInstanceOfSatisfying(
              InvalidSignedDocumentException.class,
              e ->
                  assertThat(e.getProblem())
                      .isEqualTo(InvalidSignedDocumentException.Problem.MALFORMED))
          .hasMessageContaining("keyDirectory");
    }
  }

  @Test
  void manifestOfExactlyTheDescriptionLimit_isAccepted_andOneByteMoreIsRefused() throws Exception {
    // 260 endpoints and one more whose name length is tuned so the payload is exactly 20,000 bytes
    int exact = -1;
    for (int len = 1; len < 60 && exact < 0; len++) {
      if (encodedSize(len) == 20_000) {
        exact = len;
      }
    }
    assertThat(exact).as("a name length that makes the manifest exactly 20,000 bytes").isPositive();

    assertThat(ManifestCodec.encode(tuned(exact), registry).getSerializedSize()).isEqualTo(20_000);
    int len = exact + 1;
    assertThatThrownBy(() -> ManifestCodec.encode(tuned(len), registry))
        .isInstanceOf(DescriptionTooLargeException.class)
        .hasMessageStartingWith("the signed registry manifest would be 2000")
        .hasMessageContaining("it lists 261 endpoints");
  }

  private static RegistryManifest tuned(int lastNameLength) {
    TreeMap<String, String> listing = new TreeMap<>();
    for (int i = 0; i < 260; i++) {
      listing.put("exxxx" + i, "A".repeat(43));
    }
    listing.put("z" + "x".repeat(lastNameLength), "A".repeat(43));
    return new RegistryManifest(AUDIENCE, 1, Instant.EPOCH, Instant.EPOCH.plusSeconds(1), listing);
  }

  private static int encodedSize(int lastNameLength) {
    try {
      return ManifestCodec.encode(tuned(lastNameLength), registry).getSerializedSize();
    } catch (DescriptionTooLargeException tooLarge) {
      return tooLarge.getSize();
    }
  }

  @Test
  void checkCurrent_issuedAndNumberedExactlyAtNowPlusTheSkew_isAccepted() throws Exception {
    Instant now = Instant.parse("2025-05-01T12:00:00Z");
    Instant latest = now.plus(SKEW);
    VerifiedManifest atTheEdge = verified(latest.toEpochMilli(), latest, now.plusSeconds(3600));
    VerifiedManifest oneMsLater = verified(latest.toEpochMilli() + 1, now, now.plusSeconds(3600));

    ManifestCodec.checkCurrent(atTheEdge, null, now, SKEW);
    assertThatThrownBy(() -> ManifestCodec.checkCurrent(oneMsLater, null, now, SKEW))
        .satisfies(e -> assertProblem(e, InvalidSignedDocumentException.Problem.ISSUED_IN_FUTURE));
  }

  @Test
  void checkCurrent_expiringOneMillisecondFromNow_isAccepted() throws Exception {
    Instant now = Instant.parse("2025-05-01T12:00:00Z");
    ManifestCodec.checkCurrent(
        verified(5, now.minusSeconds(60), now.plusMillis(1)), null, now, SKEW);
  }
}
