package dev.nexussecurity.core.internal.keys;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermission;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class KeysetFilesTest {
  @TempDir Path dir;

  @Test
  void writeAtomically_newFile_isOwnerReadableOnly() throws Exception {
    Path f = dir.resolve("k.json");
    KeysetFiles.writeAtomically(f, "{}", false);
    assertThat(f).hasContent("{}");
    assertThat(Files.getPosixFilePermissions(f))
        .containsExactlyInAnyOrder(PosixFilePermission.OWNER_READ, PosixFilePermission.OWNER_WRITE);
    try (var files = Files.list(dir)) {
      assertThat(files).containsExactly(f);
    }
  }

  @Test
  void writeAtomically_withoutReplace_neverOverwrites() throws Exception {
    Path f = dir.resolve("k.json");
    Files.writeString(f, "original");
    assertThatThrownBy(() -> KeysetFiles.writeAtomically(f, "new", false))
        .isInstanceOf(FileAlreadyExistsException.class);
    assertThat(f).hasContent("original");
    try (var files = Files.list(dir)) {
      assertThat(files).as("no temporary file left").containsExactly(f);
    }
  }

  @Test
  void writeAtomically_withReplace_replacesWholeFile() throws Exception {
    Path f = dir.resolve("k.json");
    Files.writeString(f, "original content that is longer");
    KeysetFiles.writeAtomically(f, "new", true);
    assertThat(f).hasContent("new");
    assertThat(Files.getPosixFilePermissions(f)).doesNotContain(PosixFilePermission.OTHERS_READ);
  }

  @Test
  void writeAtomically_intoMissingDirectory_failsAndCreatesNothing() {
    Path f = dir.resolve("missing/k.json");
    assertThatThrownBy(() -> KeysetFiles.writeAtomically(f, "x", false))
        .isInstanceOf(java.io.IOException.class);
    assertThat(dir.resolve("missing")).doesNotExist();
  }

  @Test
  void redact_hidesTheKeyOfFakeKmsUris_only() {
    assertThat(KeysetFiles.redact("key fake-kms://CM2b3_MDElQ-abc= failed"))
        .isEqualTo("key fake-kms://<redacted> failed");
    assertThat(KeysetFiles.redact("FAKE-KMS://abc and fake-kms://def"))
        .isEqualTo("fake-kms://<redacted> and fake-kms://<redacted>");
    assertThat(KeysetFiles.redact("aws-kms://arn:aws:kms:eu-west-1:1:key/x"))
        .isEqualTo("aws-kms://arn:aws:kms:eu-west-1:1:key/x");
    assertThat(KeysetFiles.redact(null)).isNull();
    assertThat(KeysetFiles.redact("key fake-kms://<redacted> failed"))
        .as("redacting twice changes nothing")
        .isEqualTo("key fake-kms://<redacted> failed");
  }
}
