package dev.nexussecurity.core.internal.server;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.nexussecurity.api.internal.AtomicFileWriter;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class HighWaterMarkFileTest {
  static final HighWaterMark MARK =
      new HighWaterMark(
          "prod-eu",
          1746093600123L,
          Instant.parse("2025-05-01T10:00:00.123Z"),
          "Qm9vbXMtYW5kLWJpdHMtYW5kLWJvYnMtYW5kLWJvYnMt");

  @TempDir Path dir;

  HighWaterMarkFile file() {
    return new HighWaterMarkFile(dir.resolve("state.json"), AtomicFileWriter.DEFAULT);
  }

  @Test
  void write_thenRead_roundTrips_inAReadableFile() throws Exception {
    file().write(MARK);

    assertThat(file().read("prod-eu")).contains(MARK);
    assertThat(Files.readString(dir.resolve("state.json")))
        .isEqualTo(
            "{\n"
                + "  \"schemaVersion\": 1,\n"
                + "  \"audience\": \"prod-eu\",\n"
                + "  \"epoch\": 1746093600123,\n"
                + "  \"issuedAt\": \"2025-05-01T10:00:00.123Z\",\n"
                + "  \"manifestDigest\": \"Qm9vbXMtYW5kLWJpdHMtYW5kLWJvYnMtYW5kLWJvYnMt\"\n"
                + "}\n");
  }

  @Test
  void missingFile_isNoMark() throws Exception {
    assertThat(file().read("prod-eu")).isEmpty();
  }

  @Test
  void fileOfAnotherCluster_isAnError() throws Exception {
    file().write(MARK);

    assertThatThrownBy(() -> file().read("staging"))
        .isInstanceOf(IOException.class)
        .hasMessageContaining("registry state file " + dir.resolve("state.json"))
        .hasMessageContaining("is 'prod-eu', but this worker is configured for cluster 'staging'");
  }

  @Test
  void malformedOrUnknownVersion_isAnError_sayingWhatToDo() throws Exception {
    Path f = dir.resolve("state.json");
    Files.writeString(f, "{\"schemaVersion\": 2}");
    assertThatThrownBy(() -> file().read("prod-eu"))
        .hasMessageContaining("is 2; this version of nexus-security reads schema version 1")
        .hasMessageContaining("restore it, or delete it to accept any current manifest again");
    Files.writeString(f, "not json");
    assertThatThrownBy(() -> file().read("prod-eu")).hasMessageContaining("is not valid JSON");
    Files.writeString(f, "{\"schemaVersion\": 1, \"audience\": \"prod-eu\", \"extra\": 1}");
    assertThatThrownBy(() -> file().read("prod-eu")).hasMessageContaining("unknown field 'extra'");
  }

  @Test
  void getFile_isTheFileItReadsAndWrites() throws Exception {
    HighWaterMarkFile f = file();
    assertThat(f.getFile()).isEqualTo(dir.resolve("state.json"));
    f.write(MARK);
    assertThat(Files.exists(f.getFile())).isTrue();
  }
}
