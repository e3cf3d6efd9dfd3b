package dev.nexussecurity.controlplane.internal;

import org.eclipse.jetty.server.Handler;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.server.Response;
import org.eclipse.jetty.util.Callback;

/**
 * The management listener (loopback by default): {@code GET /healthz} and {@code GET /metrics}
 * (Prometheus text format). Nothing else; no payloads, no credentials.
 */
public final class ManagementHandler extends Handler.Abstract {
  private final ServerMetrics metrics;

  /** A handler exposing {@code metrics}. */
  public ManagementHandler(ServerMetrics metrics) {
    super(InvocationType.BLOCKING);
    this.metrics = metrics;
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
      Exchange.json(response, callback, 200, "{\"status\":\"ok\"}");
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
