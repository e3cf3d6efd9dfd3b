package dev.nexussecurity.core.keys;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;

import dev.nexussecurity.core.Mutations;
import java.nio.charset.StandardCharsets;
import java.util.List;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.Tuple;

/**
 * Properties of the namespace key directory file ({@link NamespaceKeyDirectory}): every directory
 * written reads back equal, and any edit of a valid file either reads as a directory or is refused
 * with a {@link KeyDirectoryException}, never another exception (a damaged Tink keyset included).
 */
class NamespaceKeyDirectoryPropertiesTest {
  /** Key generation is slow; the properties draw from a few fixed key pairs. */
  private static final List<NamespaceKeys> KEYS =
      List.of(
          NamespaceKeys.generate("k1", true),
          NamespaceKeys.generate("k2", false),
          NamespaceKeys.generate("k3", true));

  @Property(tries = 50)
  void toJson_thenFromJson_isTheSameDirectory(@ForAll("directories") NamespaceKeyDirectory d) {
    NamespaceKeyDirectory back = NamespaceKeyDirectory.fromJson(d.toJson());
    assertThat(back).isEqualTo(d);
    assertThat(back.getNamespaces()).isEqualTo(d.getNamespaces());
    assertThat(back.toJson()).isEqualTo(d.toJson());
  }

  @Property(tries = 150)
  void fromJson_ofAnEditedFile_returnsADirectoryOrThrowsKeyDirectoryException(
      @ForAll("editedFiles") String json) {
    Throwable thrown = catchThrowable(() -> NamespaceKeyDirectory.fromJson(json));
    if (thrown != null) {
      assertThat(thrown).isExactlyInstanceOf(KeyDirectoryException.class);
    }
  }

  @Provide
  Arbitrary<NamespaceKeyDirectory> directories() {
    Arbitrary<NamespacePublicKeys> entry =
        Combinators.combine(
                dev.nexussecurity.core.EndpointArbitraries.namespaces(),
                Arbitraries.of(KEYS),
                Arbitraries.integers().list().ofMaxSize(3),
                Arbitraries.of(true, false).list().ofSize(3),
                Arbitraries.strings()
                    .withCharRange('a', 'z')
                    .ofMinLength(1)
                    .ofMaxLength(5)
                    .set()
                    .ofMaxSize(2),
                Arbitraries.of(true, false))
            .as(
                (ns, keys, revoked, flags, shared, withAcceptance) -> {
                  NamespacePublicKeys.Builder b = keys.toPublicKeys().toBuilder();
                  NamespacePublicKeys.Builder renamed = NamespacePublicKeys.newBuilder(ns);
                  NamespacePublicKeys pk = b.build();
                  pk.getAgreementKeys().ifPresent(renamed::setAgreementKeys);
                  pk.getSignatureKeys().ifPresent(renamed::setSignatureKeys);
                  int primary = pk.getPrimaryAgreementKeyId().orElse(0);
                  revoked.stream().filter(id -> id != primary).forEach(renamed::addRevokedKeyId);
                  if (withAcceptance) {
                    renamed.setPayloadAcceptance(
                        PayloadAcceptance.newBuilder()
                            .setPairwise(flags.get(0))
                            .setHpke(flags.get(1))
                            .setPlaintext(flags.get(2))
                            .addSharedKeysets(shared)
                            .build());
                  }
                  return renamed.build();
                });
    return entry
        .list()
        .ofMaxSize(3)
        .uniqueElements(NamespacePublicKeys::getNamespace)
        .map(l -> NamespaceKeyDirectory.newBuilder().putAll(l).build());
  }

  @Provide
  Arbitrary<String> editedFiles() {
    Arbitrary<byte[]> valid =
        directories()
            .filter(d -> !d.getNamespaces().isEmpty())
            .map(d -> d.toJson().getBytes(StandardCharsets.UTF_8));
    return Arbitraries.frequencyOf(
            Tuple.of(5, Mutations.of(valid)),
            Tuple.of(1, valid),
            Tuple.of(
                1,
                Arbitraries.of(
                        "{}",
                        "{\"schemaVersion\":1,\"namespaces\":{}}",
                        "{\"schemaVersion\":1,\"namespaces\":{\"a\":{}}}",
                        "{\"schemaVersion\":1,\"namespaces\":{\"a\":{\"primaryKeyId\":1,\"key\":[]}}}",
                        "{\"schemaVersion\":1,\"namespaces\":{\"a\":{\"signatureKeys\":{}}}}",
                        "{\"schemaVersion\":1,\"namespaces\":{\"a\":{\"agreementKeys\":5}}}",
                        "{\"schemaVersion\":1,\"namespaces\":{\"\":{\"agreementKeys\":{}}}}",
                        "{\"schemaVersion\":99999999999999999999,\"namespaces\":{}}",
                        "[]",
                        "")
                    .map(s -> s.getBytes(StandardCharsets.UTF_8))))
        .map(b -> new String(b, StandardCharsets.UTF_8));
  }
}
