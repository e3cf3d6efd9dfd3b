package dev.nexussecurity.core.internal.server;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;

import com.google.protobuf.ByteString;
import dev.nexussecurity.core.EndpointArbitraries;
import dev.nexussecurity.core.Mutations;
import io.temporal.api.common.v1.Payload;
import java.time.Instant;
import java.util.Base64;
import java.util.SortedMap;
import java.util.TreeMap;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;

/**
 * Properties of signed registry manifests ({@link ManifestCodec}): every manifest the registry
 * signs decodes to the same manifest, and every edit of its bytes is refused with an {@link
 * InvalidSignedDocumentException} or changes nothing that was signed.
 */
class ManifestCodecPropertiesTest {
  private static final PolicySigner SIGNER = PolicySigner.fromPrivateKeyset(TestKeys.registry());
  private static final PolicyVerifier VERIFIER = TestKeys.registryPublicVerifier();
  private static final String AUDIENCE = "prod-eu";

  @Property(tries = 100)
  void encode_thenDecode_returnsTheSignedManifest(@ForAll("manifests") RegistryManifest manifest)
      throws Exception {
    Payload description = ManifestCodec.encode(manifest, SIGNER);
    VerifiedManifest verified = ManifestCodec.decode(description, VERIFIER, AUDIENCE);
    assertThat(verified.manifest()).isEqualTo(manifest);
    assertThat(verified.getKeyId()).contains(SIGNER.getPrimaryKeyId());
    assertThat(verified.digest()).isEqualTo(PolicyCodec.digest(description));
    Throwable otherAudience =
        catchThrowable(() -> ManifestCodec.decode(description, VERIFIER, "staging"));
    assertThat(((InvalidSignedDocumentException) otherAudience).getProblem())
        .isEqualTo(InvalidSignedDocumentException.Problem.WRONG_AUDIENCE);
  }

  @Property(tries = 200)
  void decode_ofAnEditedManifest_isRefusedOrIsTheSignedManifest(
      @ForAll("manifests") RegistryManifest manifest,
      @ForAll("kinds") int kind,
      @ForAll("positions") int at,
      @ForAll byte value)
      throws Exception {
    Payload description = ManifestCodec.encode(manifest, SIGNER);
    Payload edited =
        description.toBuilder()
            .setData(
                ByteString.copyFrom(
                    Mutations.edit(description.getData().toByteArray(), kind, at, value)))
            .build();
    VerifiedManifest[] decoded = new VerifiedManifest[1];
    Throwable thrown =
        catchThrowable(() -> decoded[0] = ManifestCodec.decode(edited, VERIFIER, AUDIENCE));
    if (thrown != null) {
      assertThat(thrown).isExactlyInstanceOf(InvalidSignedDocumentException.class);
    } else {
      assertThat(decoded[0].manifest()).isEqualTo(manifest);
    }
  }

  @Provide
  Arbitrary<Integer> kinds() {
    return Arbitraries.integers().between(0, 4);
  }

  @Provide
  Arbitrary<Integer> positions() {
    return Arbitraries.integers().greaterOrEqual(0);
  }

  @Provide
  Arbitrary<RegistryManifest> manifests() {
    Arbitrary<String> digests =
        Arbitraries.bytes()
            .array(byte[].class)
            .ofSize(32)
            .map(b -> Base64.getUrlEncoder().withoutPadding().encodeToString(b));
    Arbitrary<SortedMap<String, String>> endpoints =
        Arbitraries.maps(EndpointArbitraries.names(), digests)
            .ofMaxSize(5)
            .map(m -> (SortedMap<String, String>) new TreeMap<>(m));
    return Combinators.combine(
            Arbitraries.longs().between(1, 253402300799999L),
            Arbitraries.longs().between(0, 253402300799998L),
            Arbitraries.longs().between(1, 1_000_000_000L),
            endpoints)
        .as(
            (epoch, issued, validity, eps) ->
                new RegistryManifest(
                    AUDIENCE,
                    epoch,
                    Instant.ofEpochMilli(issued),
                    Instant.ofEpochMilli(issued + validity),
                    eps));
  }
}
