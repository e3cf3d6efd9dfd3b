package dev.nexussecurity.controlplane.internal;

import java.util.List;
import java.util.Map;
import java.util.function.Supplier;
import org.eclipse.jetty.server.Handler;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.server.Response;
import org.eclipse.jetty.util.Callback;

/**
 * The management listener (loopback by default): {@code GET /healthz} and {@code GET /metrics}
 * (Prometheus text format). Nothing else; no payloads, no credentials. The health check answers
 * {@code {"status":"ok"}}, or {@code {"status":"degraded","problems":[...]}} while the server keeps
 * serving with the last good copy of an input that became invalid (a key directory file).
 */
public final class ManagementHandler extends Handler.Abstract {
  private final ServerMetrics metrics;
  private final Supplier<List<String>> problems;

  /** A handler exposing {@code metrics} and, in the health check, the {@code problems}. */
  public ManagementHandler(ServerMetrics metrics, Supplier<List<String>> problems) {
    super(InvocationType.BLOCKING);
    this.metrics = metrics;
    this.problems = problems;
  }

  @Override
  public boolean handle(Request request, Response response, Callback callback) {
    if (!ServerAssembly.MANAGEMENT.equals(
        request.getConnectionMetaData().getConnector().getName())) {
      return false;
    }
    String path = Request.getPathInContext(request);
    if (!"GET".equals(request.getMethod())) {
      Exchange.json(response, callback, 405, "{\"error\":\"method_not_allowed\"}");
    } else if (path.equals("/healthz")) {
      // still serving (a problem keeps the last good input in use): 200, "degraded" naming why
      List<String> now = problems.get();
      Exchange.json(
          response,
          callback,
          200,
          now.isEmpty()
              ? "{\"status\":\"ok\"}"
              : Exchange.toJson(Map.of("status", "degraded", "problems", now)));
    } else if (path.equals("/metrics")) {
      Exchange.bytes(
          response,
          callback,
          200,
          "text/plain; version=0.0.4; charset=utf-8",
          Exchange.utf8(metrics.scrape()));
    } else {
      Exchange.json(response, callback, 404, "{\"error\":\"not_found\"}");
    }
    return true;
  }
}
