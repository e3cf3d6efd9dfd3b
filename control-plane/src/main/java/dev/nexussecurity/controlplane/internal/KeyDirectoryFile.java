package dev.nexussecurity.controlplane.internal;

import dev.nexussecurity.api.internal.UntrustedText;
import dev.nexussecurity.core.keys.KeyDirectoryException;
import dev.nexussecurity.core.keys.NamespaceKeyDirectory;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Arrays;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The key directory file ({@code registry.temporal.keyDirectory}) the server-backed registry
 * publishes: read at start (a file that cannot be read fails the start), then read again at every
 * reconcile and parsed again when its content changed. A file that became unreadable or malformed
 * keeps the last good directory published; the problem is logged once per content and reported by
 * {@link #problem()} until a good file replaces it. Thread-safe.
 */
final class KeyDirectoryFile {
  private static final Logger log = LoggerFactory.getLogger(KeyDirectoryFile.class);

  private final Path file;
  private NamespaceKeyDirectory lastGood;
  private byte[] lastDigest;
  private volatile String problem;

  private KeyDirectoryFile(Path file, NamespaceKeyDirectory directory, byte[] digest) {
    this.file = file;
    this.lastGood = directory;
    this.lastDigest = digest;
  }

  /**
   * Reads {@code file}.
   *
   * @throws IllegalArgumentException naming the file and its problem when it cannot be read or is
   *     not a valid key directory
   */
  static KeyDirectoryFile open(Path file) {
    try {
      byte[] digest = digest(file);
      return new KeyDirectoryFile(file, NamespaceKeyDirectory.load(file), digest);
    } catch (IOException | KeyDirectoryException e) {
      throw new IllegalArgumentException(describe(file, e), e);
    }
  }

  /** The directory to publish now: the file's, or the last good one when the file is not good. */
  synchronized NamespaceKeyDirectory current() {
    byte[] digest;
    try {
      digest = digest(file);
    } catch (IOException e) {
      failed(null, e);
      return lastGood;
    }
    if (Arrays.equals(digest, lastDigest)) {
      return lastGood;
    }
    try {
      NamespaceKeyDirectory loaded = NamespaceKeyDirectory.load(file);
      if (!loaded.equals(lastGood)) {
        log.info(
            "Key directory file {} changed: publishing namespaces {}",
            file,
            loaded.getNamespaces());
      }
      lastGood = loaded;
      lastDigest = digest;
      if (problem != null) {
        log.info("Key directory file {} is valid again", file);
      }
      problem = null;
    } catch (KeyDirectoryException e) {
      failed(digest, e);
    }
    return lastGood;
  }

  /** What is wrong with the file now, if anything (the last good directory is published). */
  Optional<String> problem() {
    return Optional.ofNullable(problem);
  }

  Path file() {
    return file;
  }

  private void failed(byte[] digest, Exception e) {
    String now =
        describe(file, e)
            + "; the last good directory ("
            + lastGood.getNamespaces().size()
            + " namespaces) stays published until the file is fixed";
    if (!now.equals(problem)) {
      log.error("{}", now);
    }
    problem = now;
    // a bad content is parsed once (a change, fixed or not, is read again); after a read error,
    // the next good read is parsed even when it holds the last good content
    lastDigest = digest;
  }

  private static String describe(Path file, Exception e) {
    String message = e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage();
    if (e instanceof java.nio.file.NoSuchFileException) {
      message = "key directory file " + file + " does not exist";
    } else if (e instanceof IOException) {
      message = "key directory file " + file + " cannot be read: " + message;
    }
    return UntrustedText.quote(message, 600);
  }

  private static byte[] digest(Path file) throws IOException {
    long size = Files.size(file);
    if (size > NamespaceKeyDirectory.MAX_FILE_BYTES) {
      throw new IOException(
          "it has " + size + " bytes, more than " + NamespaceKeyDirectory.MAX_FILE_BYTES);
    }
    try {
      return MessageDigest.getInstance("SHA-256").digest(Files.readAllBytes(file));
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("SHA-256 is missing from the JDK", e);
    }
  }
}
