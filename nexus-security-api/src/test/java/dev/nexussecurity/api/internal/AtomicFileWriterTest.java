package dev.nexussecurity.api.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.FileSystems;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class AtomicFileWriterTest {
  @TempDir Path dir;

  private List<String> listing() throws IOException {
    try (Stream<Path> files = Files.list(dir)) {
      return files.map(p -> p.getFileName().toString()).sorted().toList();
    }
  }

  private static byte[] bytes(String s) {
    return s.getBytes(StandardCharsets.UTF_8);
  }

  @Test
  void write_createsANewFile() throws IOException {
    Path file = dir.resolve("new.json");

    AtomicFileWriter.DEFAULT.write(file, bytes("new"));

    assertThat(Files.readString(file)).isEqualTo("new");
    assertThat(listing()).containsExactly("new.json");
  }

  @Test
  void write_replacesAnExistingFile() throws IOException {
    Path file = dir.resolve("f.json");
    Files.writeString(file, "a much longer old content");

    AtomicFileWriter.DEFAULT.write(file, bytes("new"));

    assertThat(Files.readString(file)).isEqualTo("new");
    assertThat(listing()).containsExactly("f.json");
  }

  @Test
  void write_relativePath_isResolvedAgainstTheWorkingDirectory() throws IOException {
    Path absolute = dir.resolve("rel.json");
    Path relative = Path.of("").toAbsolutePath().relativize(absolute);

    AtomicFileWriter.DEFAULT.write(relative, bytes("x"));

    assertThat(Files.readString(absolute)).isEqualTo("x");
  }

  @Test
  void write_keepsThePosixPermissionsOfTheReplacedFile() throws IOException {
    assumeTrue(FileSystems.getDefault().supportedFileAttributeViews().contains("posix"));
    Path file = dir.resolve("f.json");
    Files.writeString(file, "old");
    Files.setPosixFilePermissions(file, PosixFilePermissions.fromString("rw-r-----"));

    AtomicFileWriter.DEFAULT.write(file, bytes("new"));

    assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(file)))
        .isEqualTo("rw-r-----");
  }

  @Test
  void write_runtimeFailureWhileWriting_propagatesAndRemovesTheTemporaryFile() throws IOException {
    Path file = dir.resolve("f.json");
    Files.writeString(file, "old");
    AtomicFileWriter failing =
        new AtomicFileWriter() {
          @Override
          protected void writeContent(FileChannel channel, byte[] content) {
            throw new IllegalStateException("bug while writing");
          }
        };

    assertThatThrownBy(() -> failing.write(file, bytes("new")))
        .isInstanceOf(IllegalStateException.class)
        .hasMessage("bug while writing");

    assertThat(Files.readString(file)).isEqualTo("old");
    assertThat(listing()).containsExactly("f.json");
  }

  @Test
  void write_temporaryFileIsHiddenAndInTheSameDirectory() throws IOException {
    Path file = dir.resolve("f.json");
    Path[] seen = new Path[1];
    AtomicFileWriter spying =
        new AtomicFileWriter() {
          @Override
          protected void beforeMove(Path temp) {
            seen[0] = temp;
          }
        };

    spying.write(file, bytes("x"));

    assertThat(seen[0].getParent()).isEqualTo(file.toAbsolutePath().getParent());
    assertThat(seen[0].getFileName().toString()).startsWith(".f.json.").endsWith(".tmp");
    assertThat(Files.exists(seen[0])).isFalse();
  }

  @Test
  void createNew_createsTheFile() throws IOException {
    Path file = dir.resolve("keyset.json");

    AtomicFileWriter.DEFAULT.write(file, bytes("k"), AtomicFileWriter.Mode.CREATE_NEW, false);

    assertThat(Files.readString(file)).isEqualTo("k");
    assertThat(listing()).containsExactly("keyset.json");
  }

  @Test
  void createNew_existingFile_isRefusedAndKept() throws IOException {
    Path file = dir.resolve("keyset.json");
    Files.writeString(file, "old");

    assertThatThrownBy(
            () ->
                AtomicFileWriter.DEFAULT.write(
                    file, bytes("new"), AtomicFileWriter.Mode.CREATE_NEW, false))
        .isInstanceOf(FileAlreadyExistsException.class)
        .hasMessageContaining("keyset.json");

    assertThat(Files.readString(file)).isEqualTo("old");
    assertThat(listing()).containsExactly("keyset.json");
  }

  @Test
  void createNew_fileAppearingWhileWriting_isNotReplaced() throws IOException {
    Path file = dir.resolve("keyset.json");
    AtomicFileWriter racing =
        new AtomicFileWriter() {
          @Override
          protected void beforeMove(Path temp) throws IOException {
            Files.writeString(file, "written by someone else");
          }
        };

    assertThatThrownBy(
            () -> racing.write(file, bytes("new"), AtomicFileWriter.Mode.CREATE_NEW, false))
        .isInstanceOf(FileAlreadyExistsException.class);

    assertThat(Files.readString(file)).isEqualTo("written by someone else");
    assertThat(listing()).containsExactly("keyset.json");
  }

  @Test
  void ownerOnly_newFileIsReadableByItsOwnerOnly() throws IOException {
    assumeTrue(FileSystems.getDefault().supportedFileAttributeViews().contains("posix"));
    Path file = dir.resolve("secret.json");
    String[] tempPermissions = new String[1];
    AtomicFileWriter spying =
        new AtomicFileWriter() {
          @Override
          protected void beforeMove(Path temp) throws IOException {
            tempPermissions[0] = PosixFilePermissions.toString(Files.getPosixFilePermissions(temp));
          }
        };

    spying.write(file, bytes("secret"), AtomicFileWriter.Mode.CREATE_NEW, true);

    assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(file)))
        .isEqualTo("rw-------");
    assertThat(tempPermissions[0]).isEqualTo("rw-------");
  }

  @Test
  void replace_failureBeforeMove_keepsTheOldFileAndLeavesNoTemporaryFile() throws IOException {
    Path file = dir.resolve("f.json");
    Files.writeString(file, "old");
    AtomicFileWriter failing =
        new AtomicFileWriter() {
          @Override
          protected void beforeMove(Path temp) throws IOException {
            throw new IOException("disk full");
          }
        };

    assertThatThrownBy(() -> failing.write(file, bytes("new")))
        .isInstanceOf(IOException.class)
        .hasMessage("disk full");

    assertThat(Files.readString(file)).isEqualTo("old");
    assertThat(listing()).containsExactly("f.json");
  }

  @Test
  void ownerOnly_replacingAWorldReadableFile_makesItOwnerOnly() throws IOException {
    assumeTrue(FileSystems.getDefault().supportedFileAttributeViews().contains("posix"));
    Path file = dir.resolve("secret.json");
    Files.writeString(file, "old");
    Files.setPosixFilePermissions(file, PosixFilePermissions.fromString("rw-r--r--"));

    AtomicFileWriter.DEFAULT.write(file, bytes("new"), AtomicFileWriter.Mode.REPLACE, true);

    assertThat(Files.readString(file)).isEqualTo("new");
    assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(file)))
        .isEqualTo("rw-------");
  }
}
