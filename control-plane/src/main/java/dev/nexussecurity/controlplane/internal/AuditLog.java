package dev.nexussecurity.controlplane.internal;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.Closeable;
import java.io.IOException;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileSystems;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Writes one JSON object per line for the requests of every API of the server ({@link AuditEvent}
 * for the codec API, {@link EndpointAuditEvent} for the endpoint management API): appended to a
 * file, each line in a single write to a file opened in append mode (so concurrent writers never
 * interleave within a line), or to standard output. A new file is created readable by its owner
 * only. Audit lines never contain payloads, tokens or key material.
 */
public final class AuditLog implements Closeable {
  private static final Logger log = LoggerFactory.getLogger(AuditLog.class);
  private static final ObjectMapper JSON = new ObjectMapper();

  private final FileChannel file;
  private final PrintStream stdout;

  private AuditLog(FileChannel file, PrintStream stdout) {
    this.file = file;
    this.stdout = stdout;
  }

  /** An audit log appending to {@code file}, or writing to standard output when empty. */
  public static AuditLog open(Optional<Path> file) {
    if (file.isEmpty()) {
      return new AuditLog(null, System.out);
    }
    try {
      Path p = file.get();
      FileChannel channel =
          FileSystems.getDefault().supportedFileAttributeViews().contains("posix")
              ? FileChannel.open(
                  p,
                  java.util.Set.of(
                      StandardOpenOption.CREATE,
                      StandardOpenOption.APPEND,
                      StandardOpenOption.WRITE),
                  PosixFilePermissions.asFileAttribute(
                      PosixFilePermissions.fromString("rw-------")))
              : FileChannel.open(
                  p,
                  StandardOpenOption.CREATE,
                  StandardOpenOption.APPEND,
                  StandardOpenOption.WRITE);
      return new AuditLog(channel, null);
    } catch (IOException e) {
      throw new UncheckedIOException(
          "Cannot open the audit file "
              + file.get()
              + " for appending ("
              + e.getClass().getSimpleName()
              + "); check that its directory exists and is writable",
          e);
    }
  }

  /** Appends {@code event} as one line. An I/O failure is logged, never thrown to the request. */
  public void record(AuditRecord event) {
    byte[] line;
    try {
      line = (JSON.writeValueAsString(event.toJson()) + "\n").getBytes(StandardCharsets.UTF_8);
    } catch (JsonProcessingException e) {
      throw new IllegalStateException("audit event not serializable", e);
    }
    if (file == null) {
      synchronized (stdout) {
        stdout.write(line, 0, line.length);
        stdout.flush();
      }
      return;
    }
    try {
      synchronized (file) {
        ByteBuffer buffer = ByteBuffer.wrap(line);
        while (buffer.hasRemaining()) {
          file.write(buffer);
        }
      }
    } catch (IOException e) {
      log.error("Cannot append to the audit file: {}", e.toString());
    }
  }

  /** Whether the log writes to a file (rather than standard output). */
  public boolean isFile() {
    return file != null;
  }

  @Override
  public void close() throws IOException {
    if (file != null) {
      file.force(true);
      file.close();
    }
  }
}
