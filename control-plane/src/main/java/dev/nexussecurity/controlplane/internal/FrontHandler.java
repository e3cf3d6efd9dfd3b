package dev.nexussecurity.controlplane.internal;

import java.time.Instant;
import java.util.Set;
import java.util.UUID;
import org.eclipse.jetty.http.HttpHeader;
import org.eclipse.jetty.server.Handler;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.server.Response;
import org.eclipse.jetty.util.Callback;

/**
 * The first handler of the main listener, for every API: gives each request an id ({@code
 * X-Request-Id}), refuses any request whose {@code Origin} is neither the server's own (the browse
 * page) nor a configured UI origin (403, before CORS preflight handling, so a browser on another
 * origin never gets a CORS grant), answers {@code GET /healthz}, passes the rest to the APIs, and
 * answers 404 for unknown paths.
 */
public final class FrontHandler extends Handler.Wrapper {
  private final Set<String> allowedOrigins;
  private final boolean anyOrigin;
  private final AuditLog audit;
  private final ServerMetrics metrics;

  /** A front handler allowing {@code allowedOrigins} (lower case) in front of {@code apis}. */
  public FrontHandler(
      Set<String> allowedOrigins, AuditLog audit, ServerMetrics metrics, Handler apis) {
    super(apis);
    this.anyOrigin = allowedOrigins.contains("*");
    this.allowedOrigins = Set.copyOf(allowedOrigins);
    this.audit = audit;
    this.metrics = metrics;
  }

  @Override
  public boolean handle(Request request, Response response, Callback callback) throws Exception {
    if (ServerAssembly.MANAGEMENT.equals(
        request.getConnectionMetaData().getConnector().getName())) {
      return false;
    }
    String id = UUID.randomUUID().toString();
    request.setAttribute(Exchange.REQUEST_ID_ATTRIBUTE, id);
    request.setAttribute(Exchange.START_NANOS_ATTRIBUTE, System.nanoTime());
    response.getHeaders().put("X-Request-Id", id);
    String origin = request.getHeaders().get(HttpHeader.ORIGIN);
    if (origin != null
        && !anyOrigin
        && !allowedOrigins.contains(origin.toLowerCase(java.util.Locale.ROOT))
        && !origin.equalsIgnoreCase(ownOrigin(request))) {
      Refusal r =
          new Refusal(
              403,
              "origin_not_allowed",
              "Requests from this web origin are refused; add it to cors.allowedOrigins if it is"
                  + " a Temporal UI.");
      AuditEvent e =
          new AuditEvent(
              Instant.now(),
              id,
              "cors.refused",
              null,
              null,
              Request.getRemoteAddr(request),
              origin,
              null,
              null,
              403,
              "refused",
              r.code(),
              Exchange.elapsedMillis(request));
      audit.record(e);
      metrics.record(e);
      Exchange.refuse(request, response, callback, r);
      return true;
    }
    String path = Request.getPathInContext(request);
    if (path.equals("/healthz") && "GET".equals(request.getMethod())) {
      Exchange.json(response, callback, 200, "{\"status\":\"ok\"}");
      return true;
    }
    if (super.handle(request, response, callback)) {
      return true;
    }
    Exchange.refuse(
        request,
        response,
        callback,
        new Refusal(
            404,
            "not_found",
            "No such path. The codec API is POST <prefix>/encode and <prefix>/decode; the"
                + " endpoint management API is under "
                + EndpointApiHandler.PATH
                + "; the browse page is "
                + PageHandler.PREFIX
                + "/."));
    return true;
  }

  /**
   * The origin this request was sent to, {@code scheme://host[:port]} as a browser writes it in
   * {@code Origin} (no port when it is the scheme's default): a request whose {@code Origin} equals
   * it comes from a page of this server.
   */
  static String ownOrigin(Request request) {
    String scheme = request.isSecure() ? "https" : "http";
    int port = Request.getServerPort(request);
    boolean defaultPort =
        port <= 0
            || (scheme.equals("http") && port == 80)
            || (scheme.equals("https") && port == 443);
    String host = Request.getServerName(request);
    if (host.contains(":") && !host.startsWith("[")) {
      host = "[" + host + "]";
    }
    return scheme + "://" + host + (defaultPort ? "" : ":" + port);
  }
}
