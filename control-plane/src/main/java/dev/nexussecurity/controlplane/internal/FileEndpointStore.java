package dev.nexussecurity.controlplane.internal;

import dev.nexussecurity.api.NexusEndpoint;
import dev.nexussecurity.api.internal.UntrustedText;
import dev.nexussecurity.controlplane.ControlPlaneConfigException;
import dev.nexussecurity.core.InMemoryEndpointRegistry;
import dev.nexussecurity.core.RegistryFileException;
import dev.nexussecurity.core.RegistryFiles;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.attribute.BasicFileAttributes;
import java.nio.file.attribute.FileTime;
import java.util.List;
import java.util.Objects;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The registry file ({@link RegistryFiles} format) as the management API's storage. The file is the
 * source of truth: it is read again whenever it changed on disk (an edit under version control, a
 * deploy), each change is applied to the state just read and saved atomically (temporary file,
 * flush, rename) before it is answered, and changes are serialized, so concurrent requests never
 * lose an update. Workers load the same file as they do today.
 *
 * <p>A file that became invalid on disk keeps the last good state for reads (logged) and refuses
 * changes with 503 until it is fixed, so nothing is built on a state that is not the file's. One
 * server process writes a given file; several processes writing the same file would overwrite each
 * other's changes.
 */
final class FileEndpointStore extends EndpointStore {
  private static final Logger log = LoggerFactory.getLogger(FileEndpointStore.class);

  /** What identifies one version of the file on disk: a rename gives a new file key. */
  private record Stamp(Object fileKey, FileTime modified, long size) {}

  private record State(InMemoryEndpointRegistry registry, Stamp stamp) {}

  private final Path file;
  private final Object changeLock = new Object();
  private volatile State state;
  private volatile Stamp lastBadStamp;

  private FileEndpointStore(Path file, State state) {
    this.file = file;
    this.state = state;
  }

  /**
   * Opens {@code file}, creating an empty registry file when none exists.
   *
   * @throws ControlPlaneConfigException when the file is invalid or cannot be created
   */
  static FileEndpointStore open(String source, Path file) {
    try {
      if (!Files.exists(file)) {
        RegistryFiles.save(file, List.of());
        log.info("Created the empty registry file {}", file);
      }
      Stamp stamp = stamp(file);
      return new FileEndpointStore(file, new State(readOnly(RegistryFiles.load(file)), stamp));
    } catch (RegistryFileException | IOException e) {
      throw new ControlPlaneConfigException(
          source,
          List.of(
              "registry.file: "
                  + UntrustedText.quote(e.getMessage(), 600)
                  + "; fix the file or point registry.file at a valid registry file"),
          e);
    }
  }

  @Override
  public String describe() {
    return "registry file " + file;
  }

  @Override
  InMemoryEndpointRegistry readable() {
    try {
      return current().registry();
    } catch (RegistryFileException | IOException e) {
      return state.registry(); // the last good state; current() logged the problem
    }
  }

  @Override
  Change change(String name, Operation operation) {
    synchronized (changeLock) {
      State now;
      try {
        now = current();
      } catch (RegistryFileException | IOException e) {
        throw unavailable(
            "the registry file "
                + file
                + " cannot be read ("
                + UntrustedText.quote(e.getMessage(), 400)
                + "); fix it, then retry. Nothing was changed.");
      }
      Applied applied = apply(now.registry().listEndpoints(), operation);
      List<NexusEndpoint> next = applied.registry().listEndpoints();
      try {
        RegistryFiles.save(file, next);
      } catch (RegistryFileException e) {
        throw unavailable(
            "the registry file "
                + file
                + " cannot be written ("
                + UntrustedText.quote(e.getMessage(), 400)
                + "); the previous file is unchanged and nothing was changed.");
      }
      Stamp saved;
      try {
        saved = stamp(file);
      } catch (IOException e) {
        saved = null; // read the file again on the next request
      }
      state = new State(readOnly(next), saved);
      return applied.change();
    }
  }

  /** The state of the file as it is on disk now, read again when it changed. */
  private State current() throws IOException {
    State s = state;
    Stamp now = stamp(file);
    if (now.equals(s.stamp())) {
      return s;
    }
    try {
      State fresh = new State(readOnly(RegistryFiles.load(file)), now);
      synchronized (this) {
        // keep the newest: another thread may have stored a later state meanwhile
        if (Objects.equals(state, s)) {
          state = fresh;
        }
      }
      lastBadStamp = null;
      return fresh;
    } catch (RegistryFileException e) {
      if (!now.equals(lastBadStamp)) {
        lastBadStamp = now;
        log.error(
            "The registry file {} changed on disk and is now invalid; reads keep the last good"
                + " state and changes are refused until it is fixed: {}",
            file,
            UntrustedText.quote(e.getMessage(), 600));
      }
      throw e;
    }
  }

  private static Stamp stamp(Path file) throws IOException {
    try {
      BasicFileAttributes a = Files.readAttributes(file, BasicFileAttributes.class);
      return new Stamp(a.fileKey(), a.lastModifiedTime(), a.size());
    } catch (NoSuchFileException e) {
      throw new IOException("the file does not exist (it was removed)", e);
    }
  }

  private static Refusal unavailable(String message) {
    return new Refusal(503, "registry_unavailable", message);
  }

  @Override
  public String toString() {
    return "FileEndpointStore{" + file + "}";
  }
}
