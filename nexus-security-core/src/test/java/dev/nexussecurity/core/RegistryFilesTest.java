package dev.nexussecurity.core;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.catchThrowable;

import dev.nexussecurity.api.EndpointValidationException;
import dev.nexussecurity.api.NexusEndpoint;
import dev.nexussecurity.api.internal.AtomicFileWriter;
import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvFileSource;

class RegistryFilesTest {
  @TempDir Path dir;

  private static final NexusEndpoint PAYMENTS =
      NexusEndpoint.newBuilder()
          .setName("payments")
          .setTargetNamespace("payments-ns")
          .setTargetTaskQueue("payments-nexus")
          .addAllowedCallerNamespace("orders-ns")
          .addAllowedCallerNamespace("billing-ns")
          .setDescription("Charges cards \u2014 \"quoted\"")
          .setVersion(3)
          .build();
  private static final NexusEndpoint CLOSED =
      NexusEndpoint.newBuilder()
          .setName("closed")
          .setTargetNamespace("vault-ns")
          .setTargetTaskQueue("vault-nexus")
          .setVersion(1)
          .build();

  private static byte[] resource(String name) throws IOException {
    try (InputStream in = RegistryFilesTest.class.getResourceAsStream("registry-files/" + name)) {
      assertThat(in).as("resource %s", name).isNotNull();
      return in.readAllBytes();
    }
  }

  private Path copyOf(String resource) throws IOException {
    Path file = dir.resolve("registry.json");
    Files.write(file, resource(resource));
    return file;
  }

  private List<String> directoryListing() throws IOException {
    try (Stream<Path> files = Files.list(dir)) {
      return files.map(p -> p.getFileName().toString()).sorted().toList();
    }
  }

  // ---------------------------------------------------------------- loading

  @Test
  void load_validFile_returnsEndpointsInFileOrderWithVersions() throws IOException {
    List<NexusEndpoint> endpoints = RegistryFiles.load(copyOf("valid.json"));

    assertThat(endpoints).extracting(NexusEndpoint::getName).containsExactly("orders", "payments");
    NexusEndpoint payments = endpoints.get(1);
    assertThat(payments.getTargetNamespace()).isEqualTo("payments-ns");
    assertThat(payments.getTargetTaskQueue()).isEqualTo("payments-nexus");
    assertThat(payments.getAllowedCallerNamespaces()).containsExactly("billing-ns", "orders-ns");
    assertThat(payments.getDescription()).isEqualTo("Charges cards for orders");
    assertThat(payments.getVersion()).isEqualTo(3);
    assertThatThrownBy(() -> endpoints.add(CLOSED))
        .isInstanceOf(UnsupportedOperationException.class);
  }

  @Test
  void load_withoutDescription_hasEmptyDescription() throws IOException {
    Path file = dir.resolve("r.json");
    Files.writeString(
        file,
        "{\"endpoints\": [{\"version\": 2, \"allowedCallerNamespaces\": [], \"targetTaskQueue\":"
            + " \"q\", \"targetNamespace\": \"n\", \"name\": \"ab\"}], \"schemaVersion\": 1}");

    NexusEndpoint e = RegistryFiles.load(file).get(0);

    assertThat(e.getDescription()).isEmpty();
    assertThat(e.getAllowedCallerNamespaces()).isEmpty();
    assertThat(e.getVersion()).isEqualTo(2);
  }

  @Test
  void load_emptyEndpointList_isAnEmptyRegistry() throws IOException {
    Path file = dir.resolve("r.json");
    Files.writeString(file, "{\"schemaVersion\": 1, \"endpoints\": []}");

    assertThat(RegistryFiles.load(file)).isEmpty();
  }

  @ParameterizedTest(name = "{0}: line {1}, column {2}, endpoint {3}, field {4}")
  @CsvFileSource(
      resources = "registry-files/invalid-files.csv",
      delimiter = '|',
      quoteCharacter = '`',
      numLinesToSkip = 1)
  void load_invalidFile_isRejectedWholeWithPositionAndRule(
      String resource, int line, int column, String endpoint, String field, String problem)
      throws IOException {
    Path file = dir.resolve("registry.json");
    byte[] content = resource("invalid/" + resource);
    Files.write(file, content);

    Throwable thrown = catchThrowable(() -> RegistryFiles.load(file));

    assertThat(thrown).isInstanceOf(RegistryFileException.class);
    RegistryFileException e = (RegistryFileException) thrown;
    assertThat(e.getFile()).isEqualTo(file);
    assertThat(e.getLine()).as("line").isEqualTo(line);
    assertThat(e.getColumn()).as("column").isEqualTo(column);
    assertThat(e.getEndpointName()).as("endpoint").isEqualTo(endpoint);
    assertThat(e.getField()).as("field").isEqualTo(field);
    assertThat(e.getProblem()).as("problem").startsWith(problem);
    assertThat(e.getMessage()).startsWith("Registry file '" + file + "'").contains(problem);
    if (line > 0) {
      assertThat(e.getMessage()).contains("line " + line + ", column " + column);
    }
    assertThat(Files.readAllBytes(file)).as("the file is left as it was").isEqualTo(content);
    assertThat(directoryListing()).containsExactly("registry.json");
  }

  @Test
  void load_descriptionOverLimit_isRejectedWithEndpointAndRule() throws IOException {
    Path file = dir.resolve("registry.json");
    Files.writeString(
        file,
        "{\"schemaVersion\": 1, \"endpoints\": [{\"name\": \"big\", \"targetNamespace\": \"n\","
            + " \"targetTaskQueue\": \"q\", \"allowedCallerNamespaces\": [], \"description\": \""
            + "d".repeat(20_001)
            + "\", \"version\": 1}]}");

    RegistryFileException e =
        (RegistryFileException) catchThrowable(() -> RegistryFiles.load(file));

    assertThat(e.getEndpointName()).isEqualTo("big");
    assertThat(e.getField()).isEqualTo("description");
    assertThat(e.getProblem()).contains("is 20001 UTF-8 bytes; at most 20000 are allowed");
    assertThat(e.getMessage()).hasSizeLessThan(500);
  }

  @Test
  void load_missingFile_namesTheFile() {
    Path file = dir.resolve("absent.json");

    RegistryFileException e =
        (RegistryFileException) catchThrowable(() -> RegistryFiles.load(file));

    assertThat(e.getMessage()).startsWith("Registry file '" + file + "': cannot be read");
    assertThat(e.getLine()).isEqualTo(-1);
    assertThat(e).hasCauseInstanceOf(NoSuchFileException.class);
  }

  // ---------------------------------------------------------------- saving

  @Test
  void save_namespaceSpelledInTwoCases_isRefusedAndKeepsThePreviousFile() throws IOException {
    // found by RegistryFilesPropertiesTest: save wrote a file that load then refused, so the
    // registry could not start again from its own file
    Path file = dir.resolve("registry.json");
    RegistryFiles.save(file, List.of(PAYMENTS));
    byte[] before = Files.readAllBytes(file);
    NexusEndpoint upperCaseCaller =
        NexusEndpoint.newBuilder()
            .setName("refunds")
            .setTargetNamespace("refunds-ns")
            .setTargetTaskQueue("refunds-tq")
            .addAllowedCallerNamespace(
                PAYMENTS.getAllowedCallerNamespaces().iterator().next().toUpperCase(Locale.ROOT))
            .setVersion(1)
            .build();

    Throwable thrown =
        catchThrowable(() -> RegistryFiles.save(file, List.of(PAYMENTS, upperCaseCaller)));

    assertThat(thrown)
        .isInstanceOf(EndpointValidationException.class)
        .hasMessageContaining("differs only in case");
    assertThat(Files.readAllBytes(file)).isEqualTo(before);
    assertThat(RegistryFiles.load(file)).containsExactly(PAYMENTS);
  }

  @Test
  void save_writesTheDeterministicDocument() throws IOException {
    Path file = dir.resolve("registry.json");

    RegistryFiles.save(file, List.of(PAYMENTS, CLOSED));

    assertThat(new String(Files.readAllBytes(file), StandardCharsets.UTF_8))
        .isEqualTo(new String(resource("expected-saved.json"), StandardCharsets.UTF_8));
  }

  @Test
  void save_sameEndpointsInAnyOrder_writesIdenticalBytes() throws IOException {
    Path a = dir.resolve("a.json");
    Path b = dir.resolve("b.json");

    RegistryFiles.save(a, List.of(PAYMENTS, CLOSED));
    RegistryFiles.save(b, List.of(CLOSED, PAYMENTS));

    assertThat(Files.readAllBytes(a)).isEqualTo(Files.readAllBytes(b));
  }

  @Test
  void save_thenLoad_roundTripsEveryField() {
    Path file = dir.resolve("registry.json");
    NexusEndpoint unicode =
        NexusEndpoint.newBuilder()
            .setName("Unicode-1")
            .setTargetNamespace("ns.with.dots")
            .setTargetTaskQueue("queue/with/slashes \u00e9\u4e2d")
            .addAllowedCallerNamespace("caller.with_punct:1/x")
            .setDescription("line1\nline2\t\"tab\" \\ backslash")
            .setVersion(Long.MAX_VALUE)
            .build();

    RegistryFiles.save(file, List.of(PAYMENTS, CLOSED, unicode));

    assertThat(RegistryFiles.load(file)).containsExactly(unicode, CLOSED, PAYMENTS);
  }

  @Test
  void save_replacesTheExistingFileAndLeavesNoTemporaryFile() throws IOException {
    Path file = dir.resolve("registry.json");
    RegistryFiles.save(file, List.of(PAYMENTS, CLOSED));

    RegistryFiles.save(file, List.of(CLOSED));

    assertThat(RegistryFiles.load(file)).containsExactly(CLOSED);
    assertThat(directoryListing()).containsExactly("registry.json");
  }

  @Test
  void save_unstoredEndpoint_isRejectedBeforeTouchingTheFile() throws IOException {
    Path file = copyOf("valid.json");
    NexusEndpoint unstored = CLOSED.toBuilder().setVersion(0).build();

    assertThatThrownBy(() -> RegistryFiles.save(file, List.of(unstored)))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("has version 0");

    assertThat(Files.readAllBytes(file)).isEqualTo(resource("valid.json"));
    assertThat(directoryListing()).containsExactly("registry.json");
  }

  @Test
  void save_duplicateNames_isRejectedBeforeTouchingTheFile() throws IOException {
    Path file = copyOf("valid.json");

    assertThatThrownBy(() -> RegistryFiles.save(file, List.of(CLOSED, CLOSED)))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("Duplicate Nexus endpoint name 'closed'");

    assertThat(Files.readAllBytes(file)).isEqualTo(resource("valid.json"));
  }

  @Test
  void save_failingHalfwayThroughWriting_leavesTheOldFileIntactAndNoTemporaryFile()
      throws IOException {
    Path file = copyOf("valid.json");
    AtomicFileWriter failsHalfway =
        new AtomicFileWriter() {
          @Override
          protected void writeContent(FileChannel channel, byte[] content) throws IOException {
            channel.write(ByteBuffer.wrap(content, 0, content.length / 2));
            throw new IOException("No space left on device (simulated)");
          }
        };

    Throwable thrown =
        catchThrowable(() -> RegistryFiles.save(file, List.of(CLOSED), failsHalfway));

    assertThat(thrown)
        .isInstanceOf(RegistryFileException.class)
        .hasMessageContaining("could not be saved")
        .hasMessageContaining("No space left on device (simulated)")
        .hasMessageContaining("the previous file, if any, is unchanged");
    assertThat(Files.readAllBytes(file)).isEqualTo(resource("valid.json"));
    assertThat(directoryListing()).containsExactly("registry.json");
  }

  @Test
  void save_failingJustBeforeTheMove_leavesTheOldFileIntactAndNoTemporaryFile() throws IOException {
    Path file = copyOf("valid.json");
    AtomicFileWriter failsBeforeMove =
        new AtomicFileWriter() {
          @Override
          protected void beforeMove(Path temp) throws IOException {
            assertThat(Files.size(temp)).isPositive();
            throw new IOException("crash before rename (simulated)");
          }
        };

    assertThatThrownBy(() -> RegistryFiles.save(file, List.of(CLOSED), failsBeforeMove))
        .isInstanceOf(RegistryFileException.class);

    assertThat(Files.readAllBytes(file)).isEqualTo(resource("valid.json"));
    assertThat(directoryListing()).containsExactly("registry.json");
  }

  @Test
  void save_ontoANonEmptyDirectory_failsAndLeavesItAndNoTemporaryFile() throws IOException {
    Path target = dir.resolve("registry.json");
    Files.createDirectory(target);
    Files.writeString(target.resolve("keep.txt"), "keep");

    RegistryFileException e =
        (RegistryFileException) catchThrowable(() -> RegistryFiles.save(target, List.of(CLOSED)));

    assertThat(e).isNotNull();
    assertThat(e.getFile()).isEqualTo(target);
    assertThat(e.getMessage()).startsWith("Registry file '" + target + "': could not be saved");
    assertThat(Files.readString(target.resolve("keep.txt"))).isEqualTo("keep");
    assertThat(directoryListing()).containsExactly("registry.json");
  }

  @Test
  void save_whereTheParentIsAFile_failsAndLeavesTheParentFileIntact() throws IOException {
    Path parent = dir.resolve("not-a-directory");
    Files.writeString(parent, "content");

    assertThatThrownBy(() -> RegistryFiles.save(parent.resolve("registry.json"), List.of(CLOSED)))
        .isInstanceOf(RegistryFileException.class)
        .hasMessageContaining("could not be saved");

    assertThat(Files.readString(parent)).isEqualTo("content");
    assertThat(directoryListing()).containsExactly("not-a-directory");
  }

  @Test
  void nullArguments_areRejected() {
    assertThatThrownBy(() -> RegistryFiles.load(null)).hasMessage("file");
    assertThatThrownBy(() -> RegistryFiles.save(null, List.of())).hasMessage("file");
    assertThatThrownBy(() -> RegistryFiles.save(dir.resolve("x"), null)).hasMessage("endpoints");
  }
}
