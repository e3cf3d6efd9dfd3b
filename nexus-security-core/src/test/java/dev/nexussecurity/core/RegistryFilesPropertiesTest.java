package dev.nexussecurity.core;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;

import dev.nexussecurity.api.EndpointValidationException;
import dev.nexussecurity.api.NexusEndpoint;
import dev.nexussecurity.core.internal.registry.RegistryJson;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.Tuple;
import net.jqwik.api.lifecycle.AfterContainer;
import net.jqwik.api.lifecycle.BeforeContainer;

/**
 * Properties of the registry file ({@link RegistryFiles}, {@link RegistryJson}): everything saved
 * loads back equal, a registry that load would refuse is never saved, and any other content (random
 * bytes, edits of a valid file) either loads as valid endpoints or is refused with a {@link
 * RegistryFileException}, never another exception.
 */
class RegistryFilesPropertiesTest {
  private static final Path FILE = Path.of("registry.json");
  private static Path dir;

  @BeforeContainer
  static void createDirectory() throws IOException {
    dir = Files.createTempDirectory("registry-files-properties");
  }

  @AfterContainer
  static void deleteDirectory() throws IOException {
    try (var files = Files.list(dir)) {
      for (Path p : files.toList()) {
        Files.deleteIfExists(p);
      }
    }
    Files.deleteIfExists(dir);
  }

  @Property(tries = 20)
  void save_thenLoad_returnsTheSameEndpointsSortedByName(
      @ForAll("endpointLists") List<NexusEndpoint> endpoints) throws IOException {
    Path file = dir.resolve("registry.json");
    Files.deleteIfExists(file);
    if (!oneSpellingPerNamespace(endpoints)) {
      // a file that load would refuse is never written
      assertThat(catchThrowable(() -> RegistryFiles.save(file, endpoints)))
          .isInstanceOf(EndpointValidationException.class);
      assertThat(file).doesNotExist();
      return;
    }
    RegistryFiles.save(file, endpoints);
    List<NexusEndpoint> loaded = RegistryFiles.load(file);
    assertThat(loaded)
        .containsExactlyElementsOf(
            endpoints.stream().sorted(Comparator.comparing(NexusEndpoint::getName)).toList());
  }

  @Property(tries = 200)
  void write_thenRead_returnsTheSameEndpointsSortedByName(
      @ForAll("endpointLists") List<NexusEndpoint> endpoints) {
    if (!oneSpellingPerNamespace(endpoints)) {
      assertThat(catchThrowable(() -> RegistryJson.write(endpoints)))
          .isInstanceOf(EndpointValidationException.class);
      return;
    }
    assertThat(RegistryJson.read(FILE, RegistryJson.write(endpoints)))
        .containsExactlyElementsOf(
            endpoints.stream().sorted(Comparator.comparing(NexusEndpoint::getName)).toList());
  }

  @Property(tries = 400)
  void read_ofArbitraryContent_returnsValidEndpointsOrThrowsRegistryFileException(
      @ForAll("contents") byte[] content) {
    List<NexusEndpoint>[] loaded = new List[1];
    Throwable thrown = catchThrowable(() -> loaded[0] = RegistryJson.read(FILE, content));
    if (thrown != null) {
      assertThat(thrown).isExactlyInstanceOf(RegistryFileException.class);
      assertThat(thrown.getMessage()).contains(FILE.toString()).doesNotContain("\n");
    } else {
      // whatever loads is a valid registry: every endpoint stored, names unique, and it saves back
      assertThat(loaded[0]).allSatisfy(e -> assertThat(e.getVersion()).isPositive());
      assertThat(loaded[0].stream().map(NexusEndpoint::getName).distinct().count())
          .isEqualTo(loaded[0].size());
      assertThat(RegistryJson.read(FILE, RegistryJson.write(loaded[0])))
          .containsExactlyInAnyOrderElementsOf(loaded[0]);
    }
  }

  private static boolean oneSpellingPerNamespace(List<NexusEndpoint> endpoints) {
    Map<String, String> spelling = new HashMap<>();
    for (NexusEndpoint e : endpoints) {
      List<String> all = new ArrayList<>(e.getAllowedCallerNamespaces());
      all.add(e.getTargetNamespace());
      for (String ns : all) {
        String first = spelling.putIfAbsent(ns.toLowerCase(Locale.ROOT), ns);
        if (first != null && !first.equals(ns)) {
          return false;
        }
      }
    }
    return true;
  }

  @Provide
  Arbitrary<List<NexusEndpoint>> endpointLists() {
    return EndpointArbitraries.endpointLists(5);
  }

  @Provide
  Arbitrary<byte[]> contents() {
    Arbitrary<byte[]> valid =
        EndpointArbitraries.endpointLists(3)
            .filter(RegistryFilesPropertiesTest::oneSpellingPerNamespace)
            .map(RegistryJson::write);
    return Arbitraries.frequencyOf(
        Tuple.of(4, Mutations.of(valid)),
        Tuple.of(1, valid),
        Tuple.of(1, Arbitraries.bytes().array(byte[].class).ofMaxSize(64)),
        Tuple.of(
            1,
            Arbitraries.strings()
                .withChars("{}[]\":,0123456789-eE.tfnul \\ab\u00e9")
                .ofMaxLength(60)
                .map(s -> s.getBytes(StandardCharsets.UTF_8))));
  }
}
