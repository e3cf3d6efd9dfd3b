package dev.nexussecurity.core.internal.server;

import static dev.nexussecurity.core.internal.server.ReconcilePlannerTest.AUDIENCE;
import static dev.nexussecurity.core.internal.server.ReconcilePlannerTest.MANIFEST;
import static dev.nexussecurity.core.internal.server.ReconcilePlannerTest.OTHER;
import static dev.nexussecurity.core.internal.server.ReconcilePlannerTest.SIGNER;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.google.protobuf.ByteString;
import dev.nexussecurity.api.NexusEndpoint;
import dev.nexussecurity.core.internal.json.StrictJson;
import dev.nexussecurity.core.keys.NamespaceKeys;
import dev.nexussecurity.core.keys.NamespacePublicKeys;
import io.temporal.api.common.v1.Payload;
import io.temporal.api.nexus.v1.Endpoint;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;

class KeyDirectoryCodecTest {
  static final Instant T1 = Instant.parse("2025-05-01T10:00:00.123Z");
  static final NamespacePublicKeys ORDERS =
      NamespaceKeys.generate("orders-ns", true).toPublicKeys().toBuilder()
          .addRevokedKeyId(42)
          .build();
  static final NamespacePublicKeys PAYMENTS =
      NamespaceKeys.generate("payments-ns", false).toPublicKeys();

  /** The entry endpoint of {@code keys}, signed by {@code signer} for {@code audience}. */
  static Endpoint entry(NamespacePublicKeys keys, PolicySigner signer, String audience)
      throws Exception {
    String name = KeyDirectoryCodec.endpointName(MANIFEST, keys.getNamespace());
    Payload description =
        KeyDirectoryCodec.encode(new KeyDirectoryDocument(audience, keys, T1), signer);
    return Endpoint.newBuilder()
        .setId("id-" + name)
        .setVersion(3)
        .setSpec(PolicyCodec.specOf(name, "temporal-system", name, description))
        .build();
  }

  static Endpoint entry(NamespacePublicKeys keys) throws Exception {
    return entry(keys, SIGNER, AUDIENCE);
  }

  /** {@code e} with its description taken from {@code other} (an entry moved between slots). */
  static Endpoint withDescriptionOf(Endpoint e, Endpoint other) {
    return e.toBuilder()
        .setSpec(e.getSpec().toBuilder().setDescription(other.getSpec().getDescription()))
        .build();
  }

  @Test
  void encodeThenDecode_givesTheNamespacesKeys_audienceAndIssueTime() throws Exception {
    Endpoint e = entry(ORDERS);

    VerifiedKeyDirectoryEntry v =
        KeyDirectoryCodec.verifyFor(e, "orders-ns", SIGNER.getVerifier(), AUDIENCE);

    assertThat(v.document().keys()).isEqualTo(ORDERS);
    assertThat(v.document().keys().getRevokedKeyIds()).containsExactly(42);
    assertThat(v.document().audience()).isEqualTo(AUDIENCE);
    assertThat(v.document().issuedAt()).isEqualTo(T1);
    assertThat(v.keyId()).isEqualTo(SIGNER.getPrimaryKeyId());
    assertThat(v.digest()).isEqualTo(KeyDirectoryCodec.digest(e.getSpec().getDescription()));
    assertThat(KeyDirectoryCodec.isEntry(e)).isTrue();
    assertThat(PolicyCodec.isManaged(e)).as("not an endpoint policy").isFalse();
  }

  @Test
  void signedJson_holdsTheEntryInTheDirectoryFileFormat() throws Exception {
    Payload d = entry(PAYMENTS).getSpec().getDescription();
    String json = TestKeys.signedJson(d);

    assertThat(json)
        .startsWith("{\"audience\":\"prod-eu\",\"namespace\":\"payments-ns\",\"keys\":{")
        .contains("\"agreementKeys\":{\"primaryKeyId\":")
        .endsWith(",\"issuedAt\":\"2025-05-01T10:00:00.123Z\"}");
    assertThat(d.getMetadataMap().get("nexus-security-key-directory").toStringUtf8())
        .isEqualTo("1");
    assertThat(d.getMetadataMap().get("encoding").toStringUtf8()).isEqualTo("json/plain");
    // docs/keys.md: an entry with a key of each kind takes 1-3 KB of the 20,000-byte limit
    assertThat(entry(ORDERS).getSpec().getDescription().getSerializedSize()).isBetween(1000, 3000);
  }

  @Test
  void endpointName_isAValidEndpointName_readable_andDistinctPerNamespace() {
    List<String> namespaces =
        List.of("orders-ns", "orders.ns", "orders_ns", "Orders-ns", "x", "a.b/c:d", "9-lives");
    Set<String> names = new HashSet<>();
    for (String ns : namespaces) {
      String name = KeyDirectoryCodec.endpointName(MANIFEST, ns);
      assertThat(name).matches(NexusEndpoint.NAME_PATTERN).hasSizeLessThanOrEqualTo(200);
      assertThat(KeyDirectoryCodec.isEntryName(MANIFEST, name)).isTrue();
      names.add(name);
    }
    assertThat(names).hasSameSizeAs(namespaces);
    assertThat(KeyDirectoryCodec.endpointName(MANIFEST, "orders-ns"))
        .startsWith("nexus-security-manifest-keys-orders-ns-");
    assertThat(KeyDirectoryCodec.endpointName(MANIFEST, "n".repeat(255)))
        .hasSizeLessThanOrEqualTo(200);
    assertThat(
            KeyDirectoryCodec.endpointName(
                "m".repeat(KeyDirectoryCodec.MAX_MANIFEST_NAME_LENGTH), "n".repeat(255)))
        .hasSizeLessThanOrEqualTo(200)
        .matches(NexusEndpoint.NAME_PATTERN);
  }

  @Test
  void editedEntry_attackersKeyAdded_failsTheSignature() throws Exception {
    Endpoint e = entry(ORDERS);
    String attackerKeys =
        TestKeys.signedJson(entry(PAYMENTS).getSpec().getDescription())
            .replaceAll("^.*\"agreementKeys\":(\\{.*?\\]\\}).*$", "$1");
    Payload edited =
        TestKeys.editSignedJson(
            e.getSpec().getDescription(),
            j ->
                j.replaceFirst(
                    "\"agreementKeys\":\\{.*?\\]\\}", "\"agreementKeys\":" + attackerKeys));
    assertThat(edited).isNotEqualTo(e.getSpec().getDescription());

    assertThatThrownBy(() -> KeyDirectoryCodec.decode(edited, SIGNER.getVerifier(), AUDIENCE))
        .isInstanceOfSatisfying(
            InvalidSignedDocumentException.class,
            ex ->
                assertThat(ex.getProblem())
                    .isEqualTo(InvalidSignedDocumentException.Problem.BAD_SIGNATURE))
        .hasMessageContaining("the key directory entry's signature");
  }

  @Test
  void entrySignedWithAnotherKey_isUnknownKey() throws Exception {
    Endpoint e = entry(ORDERS, OTHER, AUDIENCE);
    assertThatThrownBy(
            () -> KeyDirectoryCodec.verifyFor(e, "orders-ns", SIGNER.getVerifier(), AUDIENCE))
        .isInstanceOfSatisfying(
            InvalidSignedDocumentException.class,
            ex ->
                assertThat(ex.getProblem())
                    .isEqualTo(InvalidSignedDocumentException.Problem.UNKNOWN_KEY));
  }

  @Test
  void entryOfAnotherCluster_isRefused() throws Exception {
    Endpoint e = entry(ORDERS, SIGNER, "staging");
    assertThatThrownBy(
            () -> KeyDirectoryCodec.verifyFor(e, "orders-ns", SIGNER.getVerifier(), AUDIENCE))
        .isInstanceOfSatisfying(
            InvalidSignedDocumentException.class,
            ex ->
                assertThat(ex.getProblem())
                    .isEqualTo(InvalidSignedDocumentException.Problem.WRONG_AUDIENCE))
        .hasMessageContaining("signed for cluster 'staging', but this is cluster 'prod-eu'");
  }

  @Test
  void entryMovedToAnotherNamespacesEndpoint_isANameMismatch() throws Exception {
    Endpoint moved = withDescriptionOf(entry(PAYMENTS), entry(ORDERS));
    assertThatThrownBy(
            () -> KeyDirectoryCodec.verifyFor(moved, "payments-ns", SIGNER.getVerifier(), AUDIENCE))
        .isInstanceOfSatisfying(
            InvalidSignedDocumentException.class,
            ex ->
                assertThat(ex.getProblem())
                    .isEqualTo(InvalidSignedDocumentException.Problem.NAME_MISMATCH))
        .hasMessageContaining("signed for namespace 'orders-ns'")
        .hasMessageContaining("endpoint of namespace 'payments-ns'");
  }

  @Test
  void policySignedByTheRegistry_doesNotPassAsAnEntry() throws Exception {
    Endpoint policy =
        ReconcilePlannerTest.managed(ReconcilePlannerTest.endpoint("ep", 1, "x"), SIGNER, T1);
    Payload relabelled =
        policy.getSpec().getDescription().toBuilder()
            .putMetadata("nexus-security-key-directory", ByteString.copyFromUtf8("1"))
            .build();
    assertThatThrownBy(() -> KeyDirectoryCodec.decode(relabelled, SIGNER.getVerifier(), AUDIENCE))
        .isInstanceOfSatisfying(
            InvalidSignedDocumentException.class,
            ex ->
                assertThat(ex.getProblem())
                    .isEqualTo(InvalidSignedDocumentException.Problem.MALFORMED))
        .hasMessageContaining("is of type 'nspol2', expected 'nskeys1'");
  }

  @Test
  void malformedDescription_isMalformed_namingWhatIsWrong() throws Exception {
    Payload garbage =
        entry(ORDERS).getSpec().getDescription().toBuilder()
            .setData(ByteString.copyFromUtf8("not json"))
            .build();
    assertThatThrownBy(() -> KeyDirectoryCodec.decode(garbage, SIGNER.getVerifier(), AUDIENCE))
        .isInstanceOfSatisfying(
            InvalidSignedDocumentException.class,
            ex ->
                assertThat(ex.getProblem())
                    .isEqualTo(InvalidSignedDocumentException.Problem.MALFORMED));

    Payload newer =
        entry(ORDERS).getSpec().getDescription().toBuilder()
            .putMetadata("nexus-security-key-directory", ByteString.copyFromUtf8("2"))
            .build();
    assertThatThrownBy(() -> KeyDirectoryCodec.decode(newer, SIGNER.getVerifier(), AUDIENCE))
        .isInstanceOfSatisfying(
            InvalidSignedDocumentException.class,
            ex ->
                assertThat(ex.getProblem())
                    .isEqualTo(InvalidSignedDocumentException.Problem.UNSUPPORTED_VERSION));
  }

  @Test
  void signedEntryWithAPrivateKey_orAnUnknownField_isMalformed() throws Exception {
    com.google.crypto.tink.hybrid.HybridConfig.register();
    String privateKeyset =
        new String(
            StrictJson.write(
                StrictJson.readTree(
                    com.google.crypto.tink.TinkJsonProtoKeysetFormat.serializeKeyset(
                        NamespaceKeys.generate("orders-ns", false).getAgreementKeys(),
                        com.google.crypto.tink.InsecureSecretKeyAccess.get()))),
            StandardCharsets.UTF_8);
    String withPrivate =
        "{\"audience\":\"prod-eu\",\"namespace\":\"orders-ns\",\"keys\":{\"agreementKeys\":"
            + privateKeyset
            + "},\"issuedAt\":\"2025-05-01T10:00:00Z\"}";
    Payload signed =
        SignedDescription.wrap(
            KeyDirectoryCodec.METADATA_KEY,
            KeyDirectoryCodec.METADATA_VALUE,
            SIGNER.seal(
                KeyDirectoryCodec.ENVELOPE_TYPE, withPrivate.getBytes(StandardCharsets.UTF_8)));
    assertThatThrownBy(() -> KeyDirectoryCodec.decode(signed, SIGNER.getVerifier(), AUDIENCE))
        .isInstanceOfSatisfying(
            InvalidSignedDocumentException.class,
            ex ->
                assertThat(ex.getProblem())
                    .isEqualTo(InvalidSignedDocumentException.Problem.MALFORMED))
        .hasMessageContaining("namespace 'orders-ns'")
        .hasMessageContaining("private and symmetric keys never belong in a key directory")
        .satisfies(ex -> assertThat(ex.getMessage()).doesNotContain("\"value\""));

    String unknownField =
        "{\"audience\":\"prod-eu\",\"namespace\":\"orders-ns\",\"keys\":{},\"extra\":1,"
            + "\"issuedAt\":\"2025-05-01T10:00:00Z\"}";
    Payload signed2 =
        SignedDescription.wrap(
            KeyDirectoryCodec.METADATA_KEY,
            KeyDirectoryCodec.METADATA_VALUE,
            SIGNER.seal(
                KeyDirectoryCodec.ENVELOPE_TYPE, unknownField.getBytes(StandardCharsets.UTF_8)));
    assertThatThrownBy(() -> KeyDirectoryCodec.decode(signed2, SIGNER.getVerifier(), AUDIENCE))
        .isInstanceOf(InvalidSignedDocumentException.class)
        .hasMessageContaining("extra");
  }

  @Test
  void entryTooLargeForADescription_isRefused_namingTheNamespaceAndTheFix() {
    NamespacePublicKeys.Builder many = ORDERS.toBuilder();
    for (int i = 0; i < 3000; i++) {
      many.addRevokedKeyId(1_000_000 + i);
    }
    NamespacePublicKeys big = many.build();
    assertThatThrownBy(
            () -> KeyDirectoryCodec.encode(new KeyDirectoryDocument(AUDIENCE, big, T1), SIGNER))
        .isInstanceOfSatisfying(
            DescriptionTooLargeException.class,
            ex -> assertThat(ex.getSize()).isGreaterThan(20_000))
        .hasMessageContaining("namespace 'orders-ns'")
        .hasMessageContaining("at most 20000 bytes")
        .hasMessageContaining("remove keys");
  }

  /**
   * The entry of docs/keys.md's example directory file (agreement keys, a revocation, payloads).
   */
  static final String DOCUMENTED_ENTRY =
      "{\"schemaVersion\":1,\"namespaces\":{\"orders\":{\"agreementKeys\":{\"primaryKeyId\":2953015054,"
          + "\"key\":[{\"keyData\":{\"typeUrl\":\"type.googleapis.com/google.crypto.tink.HpkePublicKey\","
          + "\"value\":\"EgYIARABGAIaIAOGjzOTMueBwri6cAAHmRHrq1DjxjU3onCWgtTQ1yAP\","
          + "\"keyMaterialType\":\"ASYMMETRIC_PUBLIC\"},\"status\":\"ENABLED\",\"keyId\":2953015054,"
          + "\"outputPrefixType\":\"TINK\"}]},\"revokedKeyIds\":[1234567],\"payloads\":{\"pairwise\":true,"
          + "\"hpke\":false,\"plaintext\":false,\"sharedKeysets\":[\"payments\"]}}}}";

  @Test
  void knownAnswer_theDocumentedEntry_signedWithTheTestRegistryKey() throws Exception {
    NamespacePublicKeys orders =
        dev.nexussecurity.core.keys.NamespaceKeyDirectory.fromJson(DOCUMENTED_ENTRY)
            .findNamespace("orders")
            .orElseThrow();
    Payload d =
        KeyDirectoryCodec.encode(
            new KeyDirectoryDocument("prod-eu", orders, Instant.parse("2025-05-01T10:00:00.123Z")),
            SIGNER);

    assertThat(TestKeys.signedJson(d))
        .isEqualTo(
            "{\"audience\":\"prod-eu\",\"namespace\":\"orders\",\"keys\":"
                + DOCUMENTED_ENTRY.substring(
                    DOCUMENTED_ENTRY.indexOf("{\"agreementKeys\""), DOCUMENTED_ENTRY.length() - 2)
                + ",\"issuedAt\":\"2025-05-01T10:00:00.123Z\"}");
    // Ed25519 signatures are deterministic: the whole description, and so the digest the manifest
    // lists, is fixed for this input.
    assertThat(KeyDirectoryCodec.digest(d))
        .isEqualTo("r5Gij6dZzFv0cSXghBy68XF3ft6_n3qRoW108mDZx4Q");
    assertThat(KeyDirectoryCodec.decode(d, SIGNER.getVerifier(), "prod-eu").document().keys())
        .isEqualTo(orders);
  }
}
