package dev.nexussecurity.api.internal;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.FileSystems;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.FileAttribute;
import java.nio.file.attribute.PosixFileAttributeView;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Set;
import java.util.UUID;

/**
 * The one way nexus-security writes files (registries, key directories, keysets): the content goes
 * to a new temporary file in the same directory, which is flushed to disk and then renamed over the
 * target, and the directory is flushed too. Readers see the old file or the new one, never a mix; a
 * crash or error at any point leaves the previous file intact, and an error removes the temporary
 * file. A file system that cannot rename atomically is refused rather than written non-atomically.
 *
 * <p>{@link Mode#REPLACE} keeps the POSIX permissions of the file it replaces; {@link
 * Mode#CREATE_NEW} never replaces an existing file (the final step is a hard link, which fails
 * atomically if the target appeared meanwhile). With {@code ownerOnly} (for secret key material)
 * the written file is readable and writable by its owner only, from the moment its temporary file
 * exists, whatever the permissions of a file it replaces.
 *
 * <p>Not part of the public API. The two protected methods are seams for tests that inject
 * failures; production code uses {@link #DEFAULT}.
 *
 * <pre>{@code
 * AtomicFileWriter.DEFAULT.write(Path.of("registry.json"), bytes);
 * AtomicFileWriter.DEFAULT.write(Path.of("keyset.json"), bytes, Mode.CREATE_NEW, true);
 * }</pre>
 */
public class AtomicFileWriter {
  /** The writer without injected behaviour. */
  public static final AtomicFileWriter DEFAULT = new AtomicFileWriter();

  /** Whether a write may replace an existing file. */
  public enum Mode {
    /** Replace the target if it exists (keeping its POSIX permissions), or create it. */
    REPLACE,
    /** Create the target; fail with {@link FileAlreadyExistsException} if it exists. */
    CREATE_NEW
  }

  private static final Set<PosixFilePermission> OWNER_ONLY =
      PosixFilePermissions.fromString("rw-------");

  /** Creates a writer; subclass only to inject failures in tests. */
  protected AtomicFileWriter() {}

  /**
   * Atomically replaces (or creates) {@code target} with {@code content}.
   *
   * @throws IOException if any step fails; {@code target} is then unchanged and no temporary file
   *     is left behind
   */
  public final void write(Path target, byte[] content) throws IOException {
    write(target, content, Mode.REPLACE, false);
  }

  /**
   * Atomically writes {@code content} to {@code target}.
   *
   * @param ownerOnly whether the file gets owner-only permissions ({@code rw-------}); otherwise a
   *     replaced file keeps its permissions and a new one gets the file system's defaults
   * @throws FileAlreadyExistsException in {@link Mode#CREATE_NEW} when {@code target} exists
   * @throws IOException if any step fails; {@code target} is then unchanged and no temporary file
   *     is left behind
   */
  public final void write(Path target, byte[] content, Mode mode, boolean ownerOnly)
      throws IOException {
    Path absolute = target.toAbsolutePath();
    Path directory = absolute.getParent();
    if (directory == null) {
      throw new IOException("'" + target + "' has no parent directory");
    }
    if (mode == Mode.CREATE_NEW && Files.exists(absolute)) {
      throw new FileAlreadyExistsException(absolute.toString(), null, "refusing to overwrite");
    }
    Path temp = directory.resolve("." + absolute.getFileName() + "." + UUID.randomUUID() + ".tmp");
    boolean placed = false;
    try {
      try (FileChannel channel = FileChannel.open(temp, createOptions(), attributes(ownerOnly))) {
        writeContent(channel, content);
        channel.force(true);
      }
      if (mode == Mode.REPLACE && !ownerOnly) {
        copyPermissions(absolute, temp);
      }
      beforeMove(temp);
      if (mode == Mode.REPLACE) {
        moveIntoPlace(temp, absolute);
        placed = true;
      } else {
        linkIntoPlace(temp, absolute);
      }
    } finally {
      if (!placed) {
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

  private static Set<StandardOpenOption> createOptions() {
    return Set.of(StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE);
  }

  private static FileAttribute<?>[] attributes(boolean ownerOnly) {
    if (ownerOnly && FileSystems.getDefault().supportedFileAttributeViews().contains("posix")) {
      return new FileAttribute<?>[] {PosixFilePermissions.asFileAttribute(OWNER_ONLY)};
    }
    return new FileAttribute<?>[0];
  }

  private static void moveIntoPlace(Path temp, Path target) throws IOException {
    try {
      Files.move(temp, target, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
    } catch (AtomicMoveNotSupportedException e) {
      throw new IOException(
          "the file system of '"
              + target.getParent()
              + "' cannot rename files atomically, so '"
              + target.getFileName()
              + "' cannot be replaced safely",
          e);
    }
  }

  /** Creates {@code target} as a second name of {@code temp}: atomic, and never replaces a file. */
  private static void linkIntoPlace(Path temp, Path target) throws IOException {
    try {
      Files.createLink(target, temp);
    } catch (UnsupportedOperationException e) {
      throw new IOException(
          "the file system of '"
              + target.getParent()
              + "' has no hard links, so '"
              + target.getFileName()
              + "' cannot be created without a risk of replacing another file",
          e);
    }
  }

  private static void copyPermissions(Path from, Path to) throws IOException {
    PosixFileAttributeView source = Files.getFileAttributeView(from, PosixFileAttributeView.class);
    PosixFileAttributeView dest = Files.getFileAttributeView(to, PosixFileAttributeView.class);
    if (source == null || dest == null || !Files.isRegularFile(from)) {
      return;
    }
    dest.setPermissions(source.readAttributes().permissions());
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
