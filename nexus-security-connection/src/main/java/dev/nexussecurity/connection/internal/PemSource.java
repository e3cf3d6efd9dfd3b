package dev.nexussecurity.connection.internal;

import dev.nexussecurity.connection.ConnectionSecurityException;
import dev.nexussecurity.connection.ConnectionSecurityException.Reason;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Objects;

/** Where PEM data comes from: a file, read again on every reload, or bytes given inline. */
public final class PemSource {
  private final String what;
  private final Path path;
  private final byte[] inline;

  private PemSource(String what, Path path, byte[] inline) {
    this.what = what;
    this.path = path;
    this.inline = inline;
  }

  /** A file source; {@code what} names the content in messages ("client certificate"). */
  public static PemSource ofFile(String what, Path path) {
    return new PemSource(what, Objects.requireNonNull(path, "path"), null);
  }

  /** An inline source; the bytes are copied. */
  public static PemSource ofBytes(String what, byte[] pem) {
    return new PemSource(what, null, Objects.requireNonNull(pem, "pem").clone());
  }

  /** Whether this source is a file that may change. */
  public boolean isFile() {
    return path != null;
  }

  /** The file, or null for inline data. */
  public Path getPath() {
    return path;
  }

  /** Names this source in messages, e.g. {@code client certificate file '/etc/tls/client.pem'}. */
  public String describe() {
    return path != null ? what + " file '" + path + "'" : "inline " + what + " PEM";
  }

  /** Reads the current content; the caller owns the returned array. */
  public byte[] read() {
    if (path == null) {
      return inline.clone();
    }
    try {
      return Files.readAllBytes(path);
    } catch (NoSuchFileException e) {
      throw new ConnectionSecurityException(
          Reason.FILE_UNREADABLE, describe() + " does not exist; check the path");
    } catch (IOException | SecurityException e) {
      throw new ConnectionSecurityException(
          Reason.FILE_UNREADABLE,
          describe()
              + " cannot be read ("
              + e.getClass().getSimpleName()
              + "); check the path and"
              + " that the worker's user may read it");
    }
  }

  @Override
  public String toString() {
    return path != null ? path.toString() : "<inline PEM, " + inline.length + " bytes>";
  }

  @Override
  public boolean equals(Object o) {
    if (this == o) {
      return true;
    }
    if (!(o instanceof PemSource)) {
      return false;
    }
    PemSource that = (PemSource) o;
    return what.equals(that.what)
        && Objects.equals(path, that.path)
        && Arrays.equals(inline, that.inline);
  }

  @Override
  public int hashCode() {
    return Objects.hash(what, path, Arrays.hashCode(inline));
  }
}
