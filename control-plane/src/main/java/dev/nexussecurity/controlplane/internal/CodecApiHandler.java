package dev.nexussecurity.controlplane.internal;

import com.google.protobuf.InvalidProtocolBufferException;
import dev.nexussecurity.api.NamespacePermission;
import dev.nexussecurity.api.Principal;
import dev.nexussecurity.api.internal.UntrustedText;
import dev.nexussecurity.codec.tink.PayloadDecryptionException;
import dev.nexussecurity.codec.tink.PayloadTooLargeException;
import io.temporal.api.common.v1.Payload;
import io.temporal.api.common.v1.Payloads;
import io.temporal.common.converter.DataConverterException;
import io.temporal.payload.codec.AbstractRemoteDataEncoderCodec;
import io.temporal.payload.codec.PayloadCodec;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Pattern;
import org.eclipse.jetty.http.HttpHeader;
import org.eclipse.jetty.io.Content;
import org.eclipse.jetty.server.Handler;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.server.Response;
import org.eclipse.jetty.util.Callback;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Temporal's remote codec protocol: {@code POST <prefix>/encode} and {@code POST <prefix>/decode}
 * with a proto3 JSON {@code Payloads} body ({@code {"payloads":[...]}}), answered with the same
 * shape. The namespace comes from the {@code X-Namespace} header under the common prefix, or from a
 * namespace's own path prefix (where {@code X-Namespace}, if sent, must agree).
 *
 * <p>Every request is checked in this order, and refused at the first failure: method, route,
 * authentication (401), the principal's request rate (429), namespace (400), namespace served by
 * this server and the principal's permission on it — read for decode, write for encode (403),
 * content type (415), body size (413, before the body is read when its length is declared), JSON
 * (400), payload count and per-payload size (413), then the codec (422 for a payload that cannot be
 * decoded, 413 for one that would be too large encoded). Each request writes one audit line and is
 * counted in the metrics.
 */
public final class CodecApiHandler extends Handler.Abstract {
  private static final Logger log = LoggerFactory.getLogger(CodecApiHandler.class);
  private static final Pattern NAMESPACE = Pattern.compile("[A-Za-z0-9][A-Za-z0-9._-]{0,254}");
  private static final String ENCODE = AbstractRemoteDataEncoderCodec.ENCODE_PATH_POSTFIX;
  private static final String DECODE = AbstractRemoteDataEncoderCodec.DECODE_PATH_POSTFIX;

  /** A codec endpoint: encode or decode, for the header's namespace or a fixed one. */
  private record Route(boolean encode, Optional<String> namespace) {}

  private final Map<String, Route> routes = new HashMap<>();
  private final Map<String, PayloadCodec> codecs;
  private final Authenticator authenticator;
  private final ClaimMapper claims;
  private final PrincipalRateLimiter rateLimiter;
  private final Settings.Limits limits;
  private final AuditLog audit;
  private final ServerMetrics metrics;

  /** A handler serving {@code codecs} (by namespace) under the configured prefixes. */
  public CodecApiHandler(
      Settings settings,
      Map<String, PayloadCodec> codecs,
      Authenticator authenticator,
      ClaimMapper claims,
      PrincipalRateLimiter rateLimiter,
      AuditLog audit,
      ServerMetrics metrics) {
    super(InvocationType.BLOCKING);
    this.codecs = Map.copyOf(codecs);
    this.authenticator = authenticator;
    this.claims = claims;
    this.rateLimiter = rateLimiter;
    this.limits = settings.limits();
    this.audit = audit;
    this.metrics = metrics;
    String common = settings.codecPathPrefix();
    routes.put(common + ENCODE, new Route(true, Optional.empty()));
    routes.put(common + DECODE, new Route(false, Optional.empty()));
    for (Settings.NamespaceSettings ns : settings.namespaces()) {
      ns.pathPrefix()
          .ifPresent(
              p -> {
                routes.put(p + ENCODE, new Route(true, Optional.of(ns.namespace())));
                routes.put(p + DECODE, new Route(false, Optional.of(ns.namespace())));
              });
    }
  }

  /** Whether {@code path} is one of this handler's endpoints. */
  public boolean serves(String path) {
    return routes.containsKey(path);
  }

  @Override
  public boolean handle(Request request, Response response, Callback callback) {
    String path = Request.getPathInContext(request);
    Route route = routes.get(path);
    if (route == null) {
      return false;
    }
    String action = route.encode() ? "codec.encode" : "codec.decode";
    Identity identity = null;
    String namespace = route.namespace().orElse(null);
    Integer count = null;
    byte[] body = null;
    Refusal refusal = null;
    try {
      if (!"POST".equals(request.getMethod())) {
        throw new Refusal(
            405,
            "method_not_allowed",
            "Use POST for " + path + ".",
            Map.of("Allow", "POST, OPTIONS"));
      }
      identity =
          authenticator.authenticate(
              Exchange.singleHeader(request, "Authorization"), Exchange.clientChain(request));
      rateLimiter.acquire(identity.id());
      namespace = namespace(request, route);
      authorize(claims.map(identity), namespace, route.encode());
      checkContentType(request);
      List<Payload> in = readPayloads(request);
      count = in.size();
      List<Payload> out = transform(codecs.get(namespace), in, route.encode());
      body =
          Exchange.utf8(
              AbstractRemoteDataEncoderCodec.JSON_PRINTER.print(
                  Payloads.newBuilder().addAllPayloads(out).build()));
    } catch (Refusal r) {
      refusal = r;
    } catch (RuntimeException | IOException e) {
      log.error("Request {} failed: {}", Exchange.requestId(request), e.getClass().getName());
      refusal =
          new Refusal(
              500,
              "internal_error",
              "The server failed; the request id is in its log. Nothing was decoded or encoded.");
    }
    // audit before answering, so that the line exists once the client has its answer
    int status = refusal == null ? 200 : refusal.status();
    AuditEvent event =
        new AuditEvent(
            Instant.now(),
            Exchange.requestId(request),
            action,
            identity == null ? null : identity.id(),
            identity == null ? null : identity.method(),
            Request.getRemoteAddr(request),
            request.getHeaders().get(HttpHeader.ORIGIN),
            namespace,
            count,
            status,
            refusal == null ? "allowed" : "refused",
            refusal == null ? "ok" : refusal.code(),
            Exchange.elapsedMillis(request));
    audit.record(event);
    metrics.record(event);
    if (refusal == null) {
      Exchange.bytes(response, callback, 200, "application/json", body);
    } else {
      Exchange.refuse(request, response, callback, refusal);
    }
    return true;
  }

  private static String namespace(Request request, Route route) {
    Optional<String> header = Exchange.singleHeader(request, "X-Namespace");
    if (header.isPresent() && !NAMESPACE.matcher(header.get()).matches()) {
      throw new Refusal(
          400,
          "invalid_namespace",
          "X-Namespace " + UntrustedText.quote(header.get()) + " is not a namespace name.");
    }
    if (route.namespace().isPresent()) {
      if (header.isPresent() && !header.get().equals(route.namespace().get())) {
        throw new Refusal(
            400,
            "namespace_mismatch",
            "X-Namespace "
                + UntrustedText.quote(header.get())
                + " differs from the namespace of this path, "
                + route.namespace().get()
                + ".");
      }
      return route.namespace().get();
    }
    return header.orElseThrow(
        () ->
            new Refusal(
                400,
                "namespace_missing",
                "Send the X-Namespace header naming the payloads' namespace (the Temporal UI"
                    + " and CLI send it), or use the namespace's own path prefix."));
  }

  private void authorize(Principal principal, String namespace, boolean encode) {
    if (!codecs.containsKey(namespace)) {
      throw new Refusal(
          403,
          "namespace_not_served",
          "This codec server holds no keys for namespace "
              + UntrustedText.quote(namespace)
              + "; it decodes and encodes only for the namespaces it is configured for.");
    }
    NamespacePermission needed = encode ? NamespacePermission.WRITE : NamespacePermission.READ;
    if (!principal.hasNamespacePermission(namespace, needed)) {
      throw new Refusal(
          403,
          "permission_denied",
          (encode ? "Encoding" : "Decoding")
              + " payloads of namespace "
              + namespace
              + " needs the "
              + needed.name().toLowerCase(Locale.ROOT)
              + " permission on it, which "
              + UntrustedText.quote(principal.getId())
              + " does not have; ask for a grant in the server's authorization section.");
    }
  }

  private static void checkContentType(Request request) {
    String type = request.getHeaders().get(HttpHeader.CONTENT_TYPE);
    if (type == null
        || !type.toLowerCase(Locale.ROOT)
            .startsWith(AbstractRemoteDataEncoderCodec.CONTENT_TYPE_APPLICATION_JSON)) {
      throw new Refusal(
          415, "unsupported_media_type", "Send the payloads as Content-Type: application/json.");
    }
  }

  private List<Payload> readPayloads(Request request) throws IOException {
    long declared = request.getLength();
    int max = limits.maxRequestBytes();
    if (declared > max) {
      throw tooLarge(declared);
    }
    byte[] body;
    try (InputStream in = Content.Source.asInputStream(request)) {
      body = in.readNBytes(max + 1);
    }
    if (body.length > max) {
      throw tooLarge(-1);
    }
    Payloads.Builder payloads = Payloads.newBuilder();
    try (InputStreamReader reader =
        new InputStreamReader(new ByteArrayInputStream(body), StandardCharsets.UTF_8)) {
      AbstractRemoteDataEncoderCodec.JSON_FORMAT.merge(reader, payloads);
    } catch (InvalidProtocolBufferException | RuntimeException e) {
      throw new Refusal(
          400,
          "malformed_request",
          "The body is not proto3 JSON of temporal.api.common.v1.Payloads, i.e."
              + " {\"payloads\":[{\"metadata\":{\"encoding\":\"<base64>\"},\"data\":\"<base64>\"}]}"
              + " (bad JSON syntax, an unknown field, or invalid base64).");
    }
    if (payloads.getPayloadsCount() > limits.maxPayloadsPerRequest()) {
      throw new Refusal(
          413,
          "too_many_payloads",
          payloads.getPayloadsCount()
              + " payloads in one request; the limit is "
              + limits.maxPayloadsPerRequest()
              + ". Send fewer per request.");
    }
    for (int i = 0; i < payloads.getPayloadsCount(); i++) {
      int size = payloads.getPayloads(i).getSerializedSize();
      if (size > limits.maxPayloadBytes()) {
        throw new Refusal(
            413,
            "payload_too_large",
            "Payload "
                + i
                + " is "
                + size
                + " bytes; the limit is "
                + limits.maxPayloadBytes()
                + " bytes per payload.");
      }
    }
    return payloads.getPayloadsList();
  }

  private Refusal tooLarge(long declared) {
    return new Refusal(
        413,
        "request_too_large",
        (declared > 0 ? "The body is " + declared + " bytes" : "The body is too large")
            + "; the limit is "
            + limits.maxRequestBytes()
            + " bytes. Send fewer payloads per request.");
  }

  private static List<Payload> transform(PayloadCodec codec, List<Payload> in, boolean encode) {
    try {
      return encode ? codec.encode(in) : codec.decode(in);
    } catch (PayloadDecryptionException e) {
      throw new Refusal(
          422,
          "payload_not_decodable",
          "A payload cannot be decoded: "
              + e.getReason()
              + e.getKeyId().map(k -> " (key " + UntrustedText.quote(k) + ")").orElse("")
              + ". Nothing was returned.");
    } catch (PayloadTooLargeException e) {
      throw new Refusal(
          413,
          "payload_too_large",
          "An encoded payload would be "
              + e.getSize()
              + " bytes, over the codec's limit of "
              + e.getLimit()
              + " bytes.");
    } catch (DataConverterException e) {
      throw new Refusal(
          422,
          "payload_not_processable",
          "A payload cannot be " + (encode ? "encoded" : "decoded") + ". Nothing was returned.");
    }
  }
}
