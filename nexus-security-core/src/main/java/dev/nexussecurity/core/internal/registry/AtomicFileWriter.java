package dev.nexussecurity.core.internal.registry;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFileAttributeView;
import java.nio.file.attribute.PosixFilePermission;
import java.util.Set;
import java.util.UUID;

/**
 * Replaces a file atomically: the content goes to a new temporary file in the same directory, which is
 * flushed to disk and then renamed over the target. Readers see the old file or the new one, never a
 * mix; a crash or error at any point leaves the previous file intact, and an error removes the temporary
 * file.
 *
 * <p>The replacement keeps the POSIX permissions of the file it replaces; a new file gets the default
 * permissions of the directory's file system (umask). The two protected methods are seams for tests that
 * inject failures; production code uses {@link #DEFAULT}.
 *
 * <pre>{@code
 * AtomicFileWriter.DEFAULT.write(Path.of("registry.json"), bytes);
 * }</pre>
 */
public class AtomicFileWriter {
  /** The writer without injected behaviour. */
  public static final AtomicFileWriter DEFAULT = new AtomicFileWriter();

  /** Creates a writer; subclass only to inject failures in tests. */
  protected AtomicFileWriter() {}

  /**
   * Atomically replaces (or creates) {@code target} with {@code content}.
   *
   * @throws IOException if any step fails; {@code target} is then unchanged and no temporary file is
   *     left behind
   */
  public final void write(Path target, byte[] content) throws IOException {
    Path absolute = target.toAbsolutePath();
    Path directory = absolute.getParent();
    if (directory == null) {
      throw new IOException("'" + target + "' has no parent directory");
    }
    Path temp =
        directory.resolve("." + absolute.getFileName() + "." + UUID.randomUUID() + ".tmp");
    boolean moved = false;
    try {
      try (FileChannel channel =
          FileChannel.open(temp, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE)) {
        writeContent(channel, content);
        channel.force(true);
      }
      copyPermissions(absolute, temp);
      beforeMove(temp);
      moveIntoPlace(temp, absolute);
      moved = true;
    } finally {
      if (!moved) {
        deleteQuietly(temp);
      }
    }
    syncDirectory(directory);
  }

  /** Writes {@code content} to the temporary file. Tests override this to fail part way. */
  protected void writeContent(FileChannel channel, byte[] content) throws IOException {
    ByteBuffer buffer = ByteBuffer.wrap(content);
    while (buffer.hasRemaining()) {
      channel.write(buffer);
    }
  }

  /** Called after the temporary file is complete and before it is moved. Tests override this. */
  protected void beforeMove(Path temp) throws IOException {}

  private static void moveIntoPlace(Path temp, Path target) throws IOException {
    try {
      Files.move(temp, target, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
    } catch (AtomicMoveNotSupportedException e) {
      throw new IOException(
          "the file system of '"
              + target.getParent()
              + "' cannot rename files atomically, so the registry file cannot be replaced safely",
          e);
    }
  }

  private static void copyPermissions(Path from, Path to) throws IOException {
    PosixFileAttributeView source = Files.getFileAttributeView(from, PosixFileAttributeView.class);
    PosixFileAttributeView dest = Files.getFileAttributeView(to, PosixFileAttributeView.class);
    if (source == null || dest == null || !Files.isRegularFile(from)) {
      return;
    }
    Set<PosixFilePermission> permissions = source.readAttributes().permissions();
    dest.setPermissions(permissions);
  }

  private static void deleteQuietly(Path temp) {
    try {
      Files.deleteIfExists(temp);
    } catch (IOException ignored) {
      // The original error is what matters; a leftover hidden .tmp file is harmless.
    }
  }

  /** Makes the rename durable where the platform allows opening a directory (Linux, macOS). */
  private static void syncDirectory(Path directory) {
    try (FileChannel channel = FileChannel.open(directory, StandardOpenOption.READ)) {
      channel.force(true);
    } catch (IOException | UnsupportedOperationException e) {
      // Not supported on every platform (e.g. Windows); the rename itself is already atomic.
    }
  }
}
