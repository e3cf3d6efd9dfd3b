package dev.nexussecurity.controlplane.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import dev.nexussecurity.core.keys.NamespaceKeyDirectory;
import dev.nexussecurity.core.keys.NamespaceKeys;
import dev.nexussecurity.core.keys.NamespacePublicKeys;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class KeyDirectoryFileTest {
  @TempDir Path dir;

  private final NamespacePublicKeys orders =
      NamespaceKeys.generate("orders-ns", false).toPublicKeys();
  private final NamespaceKeyDirectory original =
      NamespaceKeyDirectory.newBuilder().put(orders).build();

  private Path write(NamespaceKeyDirectory directory) {
    Path file = dir.resolve("key-directory.json");
    directory.save(file);
    return file;
  }

  @Test
  void open_readsTheFile_andCurrentPublishesIt() {
    KeyDirectoryFile f = KeyDirectoryFile.open(write(original));

    assertThat(f.current()).isEqualTo(original);
    assertThat(f.problem()).isEmpty();
  }

  @Test
  void aChangedFile_isPublishedAtTheNextRead() {
    KeyDirectoryFile f = KeyDirectoryFile.open(write(original));
    int keyId = orders.getPrimaryAgreementKeyId().orElseThrow();
    NamespaceKeyDirectory revoked =
        NamespaceKeyDirectory.newBuilder()
            .put(
                NamespaceKeys.generate("orders-ns", false).toPublicKeys().toBuilder()
                    .addRevokedKeyId(keyId)
                    .build())
            .build();

    write(revoked);

    assertThat(f.current()).isEqualTo(revoked);
    assertThat(f.current().findNamespace("orders-ns").orElseThrow().isRevoked(keyId)).isTrue();
  }

  @Test
  void aMalformedFile_keepsTheLastGoodDirectory_andReportsTheFileAndTheProblem_untilFixed()
      throws Exception {
    Path file = write(original);
    KeyDirectoryFile f = KeyDirectoryFile.open(file);

    Files.writeString(file, "{\"schemaVersion\": 1, \"namespaces\": {\"orders-ns\": 7}}");

    assertThat(f.current()).isEqualTo(original);
    assertThat(f.problem())
        .hasValueSatisfying(
            p ->
                assertThat(p)
                    .contains(file.toString())
                    .contains("orders-ns")
                    .contains("the last good directory (1 namespaces) stays published"));
    assertThat(f.current()).isEqualTo(original); // the same bad content: still reported
    assertThat(f.problem()).isPresent();

    write(original); // fixed, with the last good content
    assertThat(f.current()).isEqualTo(original);
    assertThat(f.problem()).isEmpty();
  }

  @Test
  void aDeletedFile_keepsTheLastGoodDirectory_andReportsThatItDoesNotExist() throws Exception {
    Path file = write(original);
    KeyDirectoryFile f = KeyDirectoryFile.open(file);

    Files.delete(file);

    assertThat(f.current()).isEqualTo(original);
    assertThat(f.problem())
        .hasValueSatisfying(p -> assertThat(p).contains(file + " does not exist"));
    write(original);
    assertThat(f.current()).isEqualTo(original);
    assertThat(f.problem()).isEmpty();
  }

  @Test
  void open_withAMalformedOrMissingFile_failsNamingTheFileAndTheProblem() throws Exception {
    Path missing = dir.resolve("nope.json");
    Path malformed = dir.resolve("bad.json");
    Files.writeString(malformed, "{\"schemaVersion\": 2, \"namespaces\": {}}");

    IllegalArgumentException notThere =
        catchThrowableOfType(IllegalArgumentException.class, () -> KeyDirectoryFile.open(missing));
    IllegalArgumentException bad =
        catchThrowableOfType(
            IllegalArgumentException.class, () -> KeyDirectoryFile.open(malformed));

    assertThat(notThere).hasMessageContaining(missing + " does not exist");
    assertThat(bad)
        .hasMessageContaining(malformed.toString())
        .hasMessageContaining("unsupported schema version 2");
  }
}
