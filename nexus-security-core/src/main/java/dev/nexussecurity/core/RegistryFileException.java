package dev.nexussecurity.core;

import dev.nexussecurity.api.NexusSecurityException;
import java.nio.file.Path;
import java.util.Objects;

/**
 * A registry file could not be loaded or saved. The message names the file, the place in it (line
 * and column, when known), the endpoint and field concerned (when known) and the problem; it
 * contains no secrets (registry files hold none).
 *
 * <p>Loading is all or nothing: when this exception is thrown by {@link RegistryFiles#load},
 * nothing of the file was loaded. Saving is atomic: when it is thrown by {@link
 * RegistryFiles#save}, the previous file, if any, is unchanged and no temporary file is left
 * behind.
 *
 * <pre>{@code
 * try {
 *   registry = InMemoryEndpointRegistry.newBuilder().loadFrom(path).build();
 * } catch (RegistryFileException e) {
 *   log.error(e.getMessage()); // ... line 7, column 5, endpoint 'payments', field 'targetTaskQueue': ...
 * }
 * }</pre>
 */
public final class RegistryFileException extends NexusSecurityException {
  private static final long serialVersionUID = 1L;

  private final transient Path file;
  private final int line;
  private final int column;
  private final String endpointName;
  private final String field;
  private final String problem;

  /**
   * Creates the exception.
   *
   * @param file the registry file; required
   * @param line the 1-based line of the problem, or -1 when not known
   * @param column the 1-based column of the problem, or -1 when not known
   * @param endpointName the endpoint concerned, or {@code null}
   * @param field the endpoint or document field concerned, or {@code null}
   * @param problem what is wrong and, where useful, what to do; required
   * @param cause the underlying exception, or {@code null}
   */
  public RegistryFileException(
      Path file,
      int line,
      int column,
      String endpointName,
      String field,
      String problem,
      Throwable cause) {
    super(format(file, line, column, endpointName, field, problem), cause);
    this.file = file;
    this.line = line;
    this.column = column;
    this.endpointName = endpointName;
    this.field = field;
    this.problem = problem;
  }

  private static String format(
      Path file, int line, int column, String endpointName, String field, String problem) {
    Objects.requireNonNull(file, "file");
    Objects.requireNonNull(problem, "problem");
    StringBuilder sb = new StringBuilder("Registry file '").append(file).append('\'');
    if (line > 0) {
      sb.append(", line ").append(line);
      if (column > 0) {
        sb.append(", column ").append(column);
      }
    }
    if (endpointName != null) {
      sb.append(", endpoint '").append(endpointName).append('\'');
    }
    if (field != null) {
      sb.append(", field '").append(field).append('\'');
    }
    return sb.append(": ").append(problem).toString();
  }

  /** The registry file concerned. */
  public Path getFile() {
    return file;
  }

  /** The 1-based line of the problem, or -1 when not known (e.g. for I/O errors). */
  public int getLine() {
    return line;
  }

  /** The 1-based column of the problem, or -1 when not known. */
  public int getColumn() {
    return column;
  }

  /** The endpoint concerned, or {@code null} when the problem is not about one named endpoint. */
  public String getEndpointName() {
    return endpointName;
  }

  /**
   * The field concerned (e.g. {@code "targetTaskQueue"} or {@code "schemaVersion"}), or {@code
   * null}.
   */
  public String getField() {
    return field;
  }

  /** The problem in words, without the file and location prefix. */
  public String getProblem() {
    return problem;
  }
}
