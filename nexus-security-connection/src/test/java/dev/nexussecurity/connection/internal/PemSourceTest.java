package dev.nexussecurity.connection.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.nexussecurity.connection.ConnectionSecurityException;
import dev.nexussecurity.connection.ConnectionSecurityException.Reason;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class PemSourceTest {
  @TempDir Path dir;

  @Test
  void fileSource_readsCurrentContentEachTime() throws IOException {
    Path file = Files.writeString(dir.resolve("a.pem"), "one");
    PemSource source = PemSource.ofFile("client certificate", file);
    assertThat(source.read()).isEqualTo("one".getBytes(StandardCharsets.US_ASCII));
    Files.writeString(file, "two");
    assertThat(source.read()).isEqualTo("two".getBytes(StandardCharsets.US_ASCII));
    assertThat(source.isFile()).isTrue();
    assertThat(source.describe()).isEqualTo("client certificate file '" + file + "'");
  }

  @Test
  void fileSource_missingFile_isReportedWithPath() {
    Path missing = dir.resolve("missing.pem");
    assertThatThrownBy(() -> PemSource.ofFile("server CA bundle", missing).read())
        .isInstanceOfSatisfying(
            ConnectionSecurityException.class,
            e -> assertThat(e.getReason()).isEqualTo(Reason.FILE_UNREADABLE))
        .hasMessageContaining(missing.toString())
        .hasMessageContaining("does not exist");
  }

  @Test
  void fileSource_directory_isReportedAsUnreadable() {
    assertThatThrownBy(() -> PemSource.ofFile("client private key", dir).read())
        .isInstanceOfSatisfying(
            ConnectionSecurityException.class,
            e -> assertThat(e.getReason()).isEqualTo(Reason.FILE_UNREADABLE));
  }

  @Test
  void inlineSource_isCopiedInAndOutAndHiddenInToString() {
    byte[] pem = "-----BEGIN PRIVATE KEY-----secret".getBytes(StandardCharsets.US_ASCII);
    PemSource source = PemSource.ofBytes("client private key", pem);
    pem[0] = 'X';
    byte[] read = source.read();
    assertThat(read[0]).isEqualTo((byte) '-');
    read[1] = 'Y';
    assertThat(source.read()[1]).isEqualTo((byte) '-');
    assertThat(source.toString()).doesNotContain("secret").contains("inline PEM");
    assertThat(source.describe()).isEqualTo("inline client private key PEM");
  }
}
