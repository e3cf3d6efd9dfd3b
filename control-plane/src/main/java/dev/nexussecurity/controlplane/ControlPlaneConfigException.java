package dev.nexussecurity.controlplane;

import dev.nexussecurity.api.NexusSecurityException;
import java.util.List;
import java.util.Objects;

/**
 * The control-plane server's configuration cannot be used: a field is missing, malformed or unsafe,
 * or a key or certificate file cannot be loaded. The message lists every problem found, each naming
 * the field (for example {@code tls.privateKeyFile}) and saying what to change; it never contains
 * key material or token contents.
 *
 * <pre>{@code
 * try {
 *   ControlPlaneServer.newBuilder(Path.of("server.json")).build();
 * } catch (ControlPlaneConfigException e) {
 *   e.getProblems().forEach(System.err::println);
 * }
 * }</pre>
 */
public final class ControlPlaneConfigException extends NexusSecurityException {
  private static final long serialVersionUID = 1L;

  private final List<String> problems;

  /**
   * Creates an exception for {@code problems} (at least one) in the configuration {@code source}.
   */
  public ControlPlaneConfigException(String source, List<String> problems) {
    this(source, problems, null);
  }

  /** Creates an exception for {@code problems} with the exception that caused the first one. */
  public ControlPlaneConfigException(String source, List<String> problems, Throwable cause) {
    super(message(source, problems), cause);
    this.problems = List.copyOf(problems);
  }

  /** Each problem found, in the order found; never empty. */
  public List<String> getProblems() {
    return problems;
  }

  private static String message(String source, List<String> problems) {
    Objects.requireNonNull(source, "source");
    if (problems.isEmpty()) {
      throw new IllegalArgumentException("problems must not be empty");
    }
    StringBuilder b = new StringBuilder("The control-plane configuration ").append(source);
    b.append(problems.size() == 1 ? " has a problem:" : " has " + problems.size() + " problems:");
    for (String p : problems) {
      b.append("\n  - ").append(p);
    }
    return b.toString();
  }
}
