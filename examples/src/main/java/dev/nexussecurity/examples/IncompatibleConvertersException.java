package dev.nexussecurity.examples;

import dev.nexussecurity.api.NexusSecurityException;
import dev.nexussecurity.core.CompatibilityReport;
import java.util.Objects;

/**
 * Thrown at start-up when a caller's and a handler's DataConverters cannot interoperate: the worker
 * refuses to start instead of letting Nexus operations fail in production. {@link #getReport()} has
 * every probe; the message names the first problem.
 *
 * <pre>{@code
 * try {
 *   WorkerBootstrap.requireCompatibleConverters(callerConverter, handlerConverter);
 * } catch (IncompatibleConvertersException e) {
 *   System.err.println(e.getReport().format());
 * }
 * }</pre>
 */
public final class IncompatibleConvertersException extends NexusSecurityException {
  private static final long serialVersionUID = 1L;

  private final transient CompatibilityReport report;

  /** Creates the exception for an incompatible {@code report}. */
  public IncompatibleConvertersException(CompatibilityReport report) {
    super(summary(Objects.requireNonNull(report, "report")));
    this.report = report;
  }

  /** The full report of the check. */
  public CompatibilityReport getReport() {
    return report;
  }

  private static String summary(CompatibilityReport report) {
    String first =
        !report.getFindings().isEmpty()
            ? report.getFindings().get(0)
            : report.getFailureGroups().isEmpty()
                ? "no details"
                : report.getFailureGroups().get(0).toString();
    return "Caller and handler DataConverters are not compatible, refusing to start ("
        + report.getFailures().size()
        + " of "
        + report.getEntries().size()
        + " probes failed): "
        + first;
  }
}
