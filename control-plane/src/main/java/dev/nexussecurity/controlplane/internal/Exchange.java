package dev.nexussecurity.controlplane.internal;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.charset.StandardCharsets;
import java.security.cert.X509Certificate;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.eclipse.jetty.http.HttpHeader;
import org.eclipse.jetty.io.Content;
import org.eclipse.jetty.io.EndPoint;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.server.Response;
import org.eclipse.jetty.util.Callback;

/** Small helpers for answering Jetty requests, shared by the server's handlers. */
final class Exchange {
  static final String REQUEST_ID_ATTRIBUTE = "dev.nexussecurity.controlplane.requestId";
  static final String START_NANOS_ATTRIBUTE = "dev.nexussecurity.controlplane.startNanos";
  private static final ObjectMapper JSON = new ObjectMapper();

  private Exchange() {}

  /** Writes {@code body} (JSON) with {@code status} and completes the exchange. */
  static void json(Response response, Callback callback, int status, String body) {
    response.setStatus(status);
    response.getHeaders().put(HttpHeader.CONTENT_TYPE, "application/json");
    response.getHeaders().put(HttpHeader.CACHE_CONTROL, "no-store");
    response.getHeaders().put("X-Content-Type-Options", "nosniff");
    Content.Sink.write(response, true, body, callback);
  }

  /** Writes bytes with {@code contentType} and completes the exchange. */
  static void bytes(
      Response response, Callback callback, int status, String contentType, byte[] body) {
    response.setStatus(status);
    response.getHeaders().put(HttpHeader.CONTENT_TYPE, contentType);
    response.getHeaders().put(HttpHeader.CACHE_CONTROL, "no-store");
    response.getHeaders().put("X-Content-Type-Options", "nosniff");
    response.write(true, java.nio.ByteBuffer.wrap(body), callback);
  }

  /** The most of a refused request's unread body that is read so the connection can be reused. */
  static final int MAX_DRAIN_BYTES = 256 * 1024;

  /**
   * Answers {@code refusal} as {@code {"error","message","requestId"}}. What is left of the
   * request's body is read first (at most {@link #MAX_DRAIN_BYTES}), so that the client's next
   * request on the same connection finds it in a clean state; a larger rest closes the connection
   * instead.
   */
  static void refuse(Request request, Response response, Callback callback, Refusal refusal) {
    drain(request, response);
    refusal.headers().forEach((k, v) -> response.getHeaders().put(k, v));
    Map<String, Object> body = new LinkedHashMap<>();
    body.put("error", refusal.code());
    body.put("message", refusal.getMessage());
    body.put("requestId", requestId(request));
    refusal.details().forEach(body::putIfAbsent);
    json(response, callback, refusal.status(), toJson(body));
  }

  private static void drain(Request request, Response response) {
    if (request.getLength() > MAX_DRAIN_BYTES) {
      response.getHeaders().put(HttpHeader.CONNECTION, "close");
      return;
    }
    try (java.io.InputStream in = Content.Source.asInputStream(request)) {
      byte[] buffer = new byte[8192];
      long read = 0;
      int n;
      while (read <= MAX_DRAIN_BYTES && (n = in.read(buffer)) >= 0) {
        read += n;
      }
      if (read > MAX_DRAIN_BYTES) {
        response.getHeaders().put(HttpHeader.CONNECTION, "close");
      }
    } catch (java.io.IOException | RuntimeException e) {
      response.getHeaders().put(HttpHeader.CONNECTION, "close");
    }
  }

  static String toJson(Object value) {
    try {
      return JSON.writeValueAsString(value);
    } catch (JsonProcessingException e) {
      throw new IllegalStateException(e);
    }
  }

  static String requestId(Request request) {
    Object id = request.getAttribute(REQUEST_ID_ATTRIBUTE);
    return id == null ? "-" : id.toString();
  }

  static long elapsedMillis(Request request) {
    Object start = request.getAttribute(START_NANOS_ATTRIBUTE);
    return start == null ? 0 : (System.nanoTime() - (Long) start) / 1_000_000;
  }

  /** The single value of header {@code name}; a repeated header is refused. */
  static Optional<String> singleHeader(Request request, String name) {
    List<String> values = request.getHeaders().getValuesList(name);
    if (values.size() > 1) {
      throw new Refusal(400, "repeated_header", "Send the " + name + " header once.");
    }
    return values.isEmpty() ? Optional.empty() : Optional.of(values.get(0));
  }

  /** The client certificates verified in the TLS handshake, leaf first; empty without TLS. */
  static List<X509Certificate> clientChain(Request request) {
    Object data = request.getAttribute(EndPoint.SslSessionData.ATTRIBUTE);
    if (data instanceof EndPoint.SslSessionData ssl && ssl.peerCertificates() != null) {
      return List.of(ssl.peerCertificates());
    }
    return List.of();
  }

  static byte[] utf8(String s) {
    return s.getBytes(StandardCharsets.UTF_8);
  }
}
