package dev.nexussecurity.core.internal.json;

/**
 * A JSON document that {@link StrictJson} refused: invalid syntax, a duplicate key, trailing
 * content, excessive nesting, a missing or unknown field, or a value of the wrong type. The message
 * names the source, the line and column, the JSON path and the problem, and quotes untrusted text
 * safely.
 */
public final class StrictJsonException extends Exception {
  private static final long serialVersionUID = 1L;

  private final String source;
  private final String path;
  private final int line;
  private final int column;
  private final String problem;

  StrictJsonException(String source, String path, int line, int column, String problem) {
    super(format(source, path, line, column, problem));
    this.source = source;
    this.path = path;
    this.line = line;
    this.column = column;
    this.problem = problem;
  }

  private static String format(String source, String path, int line, int column, String problem) {
    StringBuilder sb = new StringBuilder(source);
    if (line > 0) {
      sb.append(", line ").append(line).append(" column ").append(column);
    }
    if (path != null && !path.isEmpty()) {
      sb.append(" (").append(path).append(')');
    }
    return sb.append(": ").append(problem).toString();
  }

  /** What was read, e.g. {@code "registry file /etc/registry.json"}. */
  public String getSource() {
    return source;
  }

  /** The JSON path of the offending value, e.g. {@code $.endpoints[2].name}; empty if unknown. */
  public String getPath() {
    return path;
  }

  /** The line of the offending value (1-based), or 0 when unknown. */
  public int getLine() {
    return line;
  }

  /** The column of the offending value (1-based), or 0 when unknown. */
  public int getColumn() {
    return column;
  }

  /** The problem without source and location, e.g. {@code "unknown field 'x'"}. */
  public String getProblem() {
    return problem;
  }
}
