package dev.nexussecurity.core.internal.server;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.nexussecurity.api.internal.AtomicFileWriter;
import dev.nexussecurity.api.internal.UntrustedText;
import dev.nexussecurity.core.internal.json.JsonValue;
import dev.nexussecurity.core.internal.json.StrictJson;
import dev.nexussecurity.core.internal.json.StrictJsonException;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;

/**
 * The worker's state file: the {@link HighWaterMark} of the newest registry manifest it accepted,
 * so that a restarted worker refuses manifests older than one it already trusted.
 *
 * <pre>{@code
 * {
 *   "schemaVersion": 1,
 *   "audience": "prod-eu",
 *   "epoch": 1746093600123,
 *   "issuedAt": "2025-05-01T10:00:00.123Z",
 *   "manifestDigest": "Qm9vbXMtYW5kLWJpdHMtYW5kLWJvYnMtYW5kLWJvYnMt"
 * }
 * }</pre>
 *
 * <p>Written atomically ({@link AtomicFileWriter}: a crash leaves the old file or the new one,
 * never a mix). Reading is strict: a file that exists but cannot be read, is malformed, or belongs
 * to another cluster is an error, never silently ignored, because ignoring it would let an older
 * manifest back in. Not thread-safe; the registry writes it under its refresh lock.
 */
public final class HighWaterMarkFile {
  /** The schema version this class reads and writes. */
  public static final int SCHEMA_VERSION = 1;

  private static final int MAX_BYTES = 4096;
  private static final Set<String> FIELDS =
      Set.of("schemaVersion", "audience", "epoch", "issuedAt", "manifestDigest");

  private final Path file;
  private final AtomicFileWriter writer;

  public HighWaterMarkFile(Path file, AtomicFileWriter writer) {
    this.file = Objects.requireNonNull(file, "file");
    this.writer = Objects.requireNonNull(writer, "writer");
  }

  /** The file. */
  public Path getFile() {
    return file;
  }

  /**
   * The mark stored in the file; empty when the file does not exist yet.
   *
   * @throws IOException naming the file when it cannot be read, is malformed, or was written for
   *     another cluster than {@code audience}
   */
  public Optional<HighWaterMark> read(String audience) throws IOException {
    byte[] content;
    try {
      content = Files.readAllBytes(file);
    } catch (NoSuchFileException e) {
      return Optional.empty();
    }
    String source = "registry state file " + file;
    try {
      JsonValue json = StrictJson.parse(content, MAX_BYTES, source);
      json.allowOnly(FIELDS);
      int version = json.field("schemaVersion").asInt();
      if (version != SCHEMA_VERSION) {
        throw json.field("schemaVersion")
            .error(
                "is "
                    + version
                    + "; this version of nexus-security reads schema version "
                    + SCHEMA_VERSION);
      }
      String stored = json.field("audience").asNonEmptyText();
      if (!stored.equals(audience)) {
        throw json.field("audience")
            .error(
                "is '"
                    + UntrustedText.quote(stored)
                    + "', but this worker is configured for cluster '"
                    + audience
                    + "'; give each cluster its own state file");
      }
      JsonValue issued = json.field("issuedAt");
      Instant issuedAt;
      try {
        issuedAt = Instant.parse(issued.asText());
      } catch (DateTimeParseException e) {
        throw issued.error("is not an ISO-8601 instant");
      }
      return Optional.of(
          new HighWaterMark(
              stored,
              json.field("epoch").asLong(),
              issuedAt,
              json.field("manifestDigest").asNonEmptyText()));
    } catch (StrictJsonException e) {
      throw new IOException(
          e.getMessage()
              + ". It records the newest registry manifest this worker accepted; restore it, or"
              + " delete it to accept any current manifest again",
          e);
    }
  }

  /**
   * Replaces the file with {@code mark}, atomically.
   *
   * @throws IOException if it cannot be written; the previous file is then unchanged
   */
  public void write(HighWaterMark mark) throws IOException {
    ObjectNode json = StrictJson.newObject();
    json.put("schemaVersion", SCHEMA_VERSION);
    json.put("audience", mark.audience());
    json.put("epoch", mark.epoch());
    json.put("issuedAt", mark.issuedAt().toString());
    json.put("manifestDigest", mark.manifestDigest());
    writer.write(file, StrictJson.writePretty(json).getBytes(StandardCharsets.UTF_8));
  }
}
