package dev.nexussecurity.core.internal.server;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;

import com.google.protobuf.ByteString;
import dev.nexussecurity.api.NexusEndpoint;
import dev.nexussecurity.core.EndpointArbitraries;
import dev.nexussecurity.core.Mutations;
import io.temporal.api.common.v1.Payload;
import io.temporal.api.nexus.v1.Endpoint;
import java.time.Instant;
import java.util.Map;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.Tuple;

/**
 * Properties of signed endpoint policies ({@link PolicyCodec}) as workers read them from the
 * server: every policy the registry signs decodes to the same document, and any other description
 * (random metadata and data, edits of a signed one, a policy of another audience, on another
 * endpoint) is refused with an {@link InvalidSignedDocumentException}, never another exception, and
 * never yields a document other than the one the registry signed.
 */
class PolicyCodecPropertiesTest {
  private static final PolicySigner SIGNER = PolicySigner.fromPrivateKeyset(TestKeys.registry());
  private static final PolicyVerifier VERIFIER = TestKeys.registryPublicVerifier();
  private static final String AUDIENCE = "prod-eu";

  @Property(tries = 100)
  void encode_thenVerifyFor_returnsTheSignedDocument(@ForAll("documents") PolicyDocument document)
      throws Exception {
    Payload description = encodeOrSkip(document);
    if (description == null) {
      return;
    }
    Endpoint server = serverEndpoint(document.getEndpoint(), description);
    VerifiedPolicy verified = PolicyCodec.verifyFor(server, VERIFIER, AUDIENCE);
    assertThat(verified.getDocument()).isEqualTo(document);
    assertThat(verified.getDocument().getEndpoint().getAllowedCallerNamespaces())
        .isEqualTo(document.getEndpoint().getAllowedCallerNamespaces());
    assertThat(verified.getKeyId()).contains(SIGNER.getPrimaryKeyId());
    assertThat(verified.digest()).isEqualTo(PolicyCodec.digest(description));
    assertThat(PolicyCodec.isManaged(description)).isTrue();
  }

  @Property(tries = 200)
  void decode_ofAnEditedPolicy_isRefusedOrIsTheSignedDocument(
      @ForAll("documents") PolicyDocument document, @ForAll("edits") Edit edit) throws Exception {
    Payload description = encodeOrSkip(document);
    if (description == null) {
      return;
    }
    Payload edited = edit.apply(description);
    VerifiedPolicy[] decoded = new VerifiedPolicy[1];
    Throwable thrown =
        catchThrowable(() -> decoded[0] = PolicyCodec.decode(edited, VERIFIER, AUDIENCE));
    if (thrown != null) {
      assertThat(thrown).isExactlyInstanceOf(InvalidSignedDocumentException.class);
      assertThat(((InvalidSignedDocumentException) thrown).getProblem()).isNotNull();
      assertThat(thrown.getMessage()).doesNotContain("\n");
    } else {
      // an edit that still verifies (a no-op, or re-ordered/extra metadata) changes nothing signed
      assertThat(decoded[0].getDocument()).isEqualTo(document);
    }
  }

  @Property(tries = 100)
  void verifyFor_aServerEndpointOfAnotherNameOrTarget_isRefused(
      @ForAll("documents") PolicyDocument document,
      @ForAll("endpointNames") String otherName,
      @ForAll("namespaces") String otherNamespace)
      throws Exception {
    Payload description = encodeOrSkip(document);
    if (description == null) {
      return;
    }
    NexusEndpoint e = document.getEndpoint();
    Endpoint moved =
        Endpoint.newBuilder()
            .setSpec(
                PolicyCodec.specOf(otherName, otherNamespace, e.getTargetTaskQueue(), description))
            .build();
    Throwable thrown = catchThrowable(() -> PolicyCodec.verifyFor(moved, VERIFIER, AUDIENCE));
    if (otherName.equals(e.getName()) && otherNamespace.equals(e.getTargetNamespace())) {
      assertThat(thrown).isNull();
    } else {
      assertThat(thrown).isExactlyInstanceOf(InvalidSignedDocumentException.class);
      assertThat(((InvalidSignedDocumentException) thrown).getProblem())
          .isIn(
              InvalidSignedDocumentException.Problem.NAME_MISMATCH,
              InvalidSignedDocumentException.Problem.TARGET_MISMATCH);
    }
    Throwable otherAudience =
        catchThrowable(() -> PolicyCodec.decode(description, VERIFIER, "staging"));
    assertThat(((InvalidSignedDocumentException) otherAudience).getProblem())
        .isEqualTo(InvalidSignedDocumentException.Problem.WRONG_AUDIENCE);
  }

  @Property(tries = 400)
  void decode_ofArbitraryDescriptions_isRefused(@ForAll("descriptions") Payload description) {
    Throwable thrown = catchThrowable(() -> PolicyCodec.decode(description, VERIFIER, AUDIENCE));
    assertThat(thrown).isExactlyInstanceOf(InvalidSignedDocumentException.class);
  }

  private static Payload encodeOrSkip(PolicyDocument document) {
    try {
      return PolicyCodec.encode(document, SIGNER);
    } catch (DescriptionTooLargeException e) {
      return null;
    }
  }

  static Endpoint serverEndpoint(NexusEndpoint e, Payload description) {
    return Endpoint.newBuilder().setSpec(PolicyCodec.specOf(e, description)).build();
  }

  /** An edit of a description payload. */
  record Edit(String name, java.util.function.UnaryOperator<Payload> op) {
    Payload apply(Payload p) {
      return op.apply(p);
    }

    @Override
    public String toString() {
      return name;
    }
  }

  @Provide
  Arbitrary<Edit> edits() {
    Arbitrary<Edit> dataEdits =
        Combinators.combine(
                Arbitraries.integers().between(0, 4),
                Arbitraries.integers().greaterOrEqual(0),
                Arbitraries.bytes())
            .as(
                (kind, at, value) ->
                    new Edit(
                        "data edit " + kind + "@" + at + "=" + value,
                        p ->
                            p.toBuilder()
                                .setData(
                                    ByteString.copyFrom(
                                        Mutations.edit(p.getData().toByteArray(), kind, at, value)))
                                .build()));
    Arbitrary<Edit> metadataEdits =
        Combinators.combine(
                Arbitraries.of(
                    "encoding", PolicyCodec.METADATA_KEY, ManifestCodec.METADATA_KEY, "x"),
                Arbitraries.of("json/plain", "binary/plain", "1", "2", "3", ""),
                Arbitraries.of(true, false))
            .as(
                (key, value, remove) ->
                    new Edit(
                        (remove ? "remove " : "set ") + key + "=" + value,
                        p ->
                            remove
                                ? p.toBuilder().removeMetadata(key).build()
                                : p.toBuilder()
                                    .putMetadata(key, ByteString.copyFromUtf8(value))
                                    .build()));
    return Arbitraries.frequencyOf(Tuple.of(4, dataEdits), Tuple.of(1, metadataEdits));
  }

  @Provide
  Arbitrary<PolicyDocument> documents() {
    return Combinators.combine(
            EndpointArbitraries.endpoints(),
            Arbitraries.of(AUDIENCE),
            Arbitraries.longs().between(0, 253402300799999L).map(Instant::ofEpochMilli))
        .as((e, audience, at) -> new PolicyDocument(audience, e, at));
  }

  @Provide
  Arbitrary<String> endpointNames() {
    return Arbitraries.frequencyOf(
        Tuple.of(1, Arbitraries.of("payments")), Tuple.of(3, EndpointArbitraries.names()));
  }

  @Provide
  Arbitrary<String> namespaces() {
    return EndpointArbitraries.namespaces();
  }

  @Provide
  Arbitrary<Payload> descriptions() {
    Arbitrary<Map<String, String>> metadata =
        Arbitraries.maps(
                Arbitraries.of("encoding", PolicyCodec.METADATA_KEY, "x"),
                Arbitraries.of("json/plain", "2", "binary/plain", ""))
            .ofMaxSize(3);
    Arbitrary<byte[]> data =
        Arbitraries.oneOf(
            Arbitraries.bytes().array(byte[].class).ofMaxSize(64),
            Arbitraries.strings()
                .withChars("\"nspol2.eyJAa_-=")
                .ofMaxLength(40)
                .map(s -> s.getBytes(java.nio.charset.StandardCharsets.UTF_8)));
    return Combinators.combine(metadata, data)
        .as(
            (m, d) -> {
              Payload.Builder b = Payload.newBuilder().setData(ByteString.copyFrom(d));
              m.forEach((k, v) -> b.putMetadata(k, ByteString.copyFromUtf8(v)));
              return b.build();
            });
  }
}
