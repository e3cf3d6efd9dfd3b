package dev.nexussecurity.controlplane.internal;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.json.JsonMapper;
import dev.nexussecurity.api.AccountRoleRequiredException;
import dev.nexussecurity.api.EndpointAlreadyExistsException;
import dev.nexussecurity.api.EndpointNotFoundException;
import dev.nexussecurity.api.NamespacePermissionRequiredException;
import dev.nexussecurity.api.NexusEndpoint;
import dev.nexussecurity.api.PermissionDeniedException;
import dev.nexussecurity.api.Principal;
import dev.nexussecurity.api.VersionConflictException;
import dev.nexussecurity.api.internal.UntrustedText;
import java.io.IOException;
import java.io.InputStream;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.UUID;
import java.util.function.Predicate;
import org.eclipse.jetty.http.HttpHeader;
import org.eclipse.jetty.io.Content;
import org.eclipse.jetty.server.Handler;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.server.Response;
import org.eclipse.jetty.util.Callback;
import org.eclipse.jetty.util.Fields;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The endpoint management API, modelled on the Temporal Cloud Ops API's Nexus endpoint resources
 * (see {@link EndpointJson} for the resource):
 *
 * <ul>
 *   <li>{@code GET
 *       /api/v1/nexus/endpoints?pageSize=&pageToken=&targetNamespaceId=&targetTaskQueue=&name=} —
 *       {@code {"endpoints":[...],"nextPageToken":"..."}}, by name, at most {@code pageSize}
 *       (default 100, at most 1000) per page;
 *   <li>{@code GET /api/v1/nexus/endpoints/{id}} — {@code {"endpoint":{...}}};
 *   <li>{@code POST /api/v1/nexus/endpoints} {@code {"spec":{...}}} — 201 {@code
 *       {"endpointId":"...","endpoint":{...}}};
 *   <li>{@code POST /api/v1/nexus/endpoints/{id}} {@code {"spec":{...},"resourceVersion":"3"}} —
 *       {@code {"endpoint":{...}}};
 *   <li>{@code DELETE /api/v1/nexus/endpoints/{id}?resourceVersion=3} — {@code {}};
 *   <li>{@code GET /api/v1/nexus/key-directory} — the namespace key directory the registry
 *       publishes, as the workers read it (public key ids, primary, revoked; see {@link
 *       KeyDirectoryJson}), with the same RBAC as endpoint reads; 404 when the registry publishes
 *       none (a registry file).
 * </ul>
 *
 * <p>Changes are synchronous: when the answer arrives the change is stored (and, with the
 * server-backed registry, on the Temporal server), so there is no async operation to poll. Each
 * request is checked in this order, and refused at the first failure: route and method (404, 405),
 * authentication (401) and, for a change made with the page's session, its CSRF token (403), rate
 * (429), the request (415, 413, 400 with field errors), then the registry: RBAC (403, naming what
 * is missing), existence (404, 409), resource version (409, with the current one). Every change and
 * every refusal writes an audit line ({@link EndpointAuditEvent}); every request is counted in the
 * metrics.
 */
public final class EndpointApiHandler extends Handler.Abstract {
  /** The collection path. */
  public static final String PATH = "/api/v1/nexus/endpoints";

  /** The key directory's path (read only). */
  public static final String KEY_DIRECTORY_PATH = "/api/v1/nexus/key-directory";

  static final int DEFAULT_PAGE_SIZE = 100;
  static final int MAX_PAGE_SIZE = 1000;
  private static final int MAX_BODY_BYTES = 256 * 1024;
  private static final Logger log = LoggerFactory.getLogger(EndpointApiHandler.class);
  private static final ObjectMapper JSON =
      JsonMapper.builder()
          .enable(JsonParser.Feature.STRICT_DUPLICATE_DETECTION)
          .enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS)
          .build();

  private final EndpointStore store;
  private final Callers callers;
  private final ClaimMapper claims;
  private final PrincipalRateLimiter rateLimiter;
  private final AuditLog audit;
  private final ServerMetrics metrics;

  EndpointApiHandler(
      EndpointStore store,
      Callers callers,
      ClaimMapper claims,
      PrincipalRateLimiter rateLimiter,
      AuditLog audit,
      ServerMetrics metrics) {
    super(InvocationType.BLOCKING);
    this.store = store;
    this.callers = callers;
    this.claims = claims;
    this.rateLimiter = rateLimiter;
    this.audit = audit;
    this.metrics = metrics;
  }

  /** The outcome of one request, for the answer and the audit line. */
  private static final class Exchanged {
    String operation;
    Identity identity;
    String endpoint;
    String namespace;
    NexusEndpoint before;
    NexusEndpoint after;
    int status = 200;
    Object body;
    String message = "";
  }

  @Override
  public boolean handle(Request request, Response response, Callback callback) {
    String path = Request.getPathInContext(request);
    String id;
    boolean directory = path.equals(KEY_DIRECTORY_PATH);
    if (directory || path.equals(PATH) || path.equals(PATH + "/")) {
      id = null;
    } else if (path.startsWith(PATH + "/") && path.indexOf('/', PATH.length() + 1) < 0) {
      id = path.substring(PATH.length() + 1);
    } else {
      return false;
    }
    String method = request.getMethod();
    Exchanged x = new Exchanged();
    x.endpoint = id;
    x.operation =
        directory ? (method.equals("GET") ? "GetKeyDirectory" : null) : operation(method, id);
    Refusal refusal = null;
    try {
      if (x.operation == null && directory) {
        throw new Refusal(
            405,
            "method_not_allowed",
            "Use GET for " + KEY_DIRECTORY_PATH + ": the directory is read only here.",
            Map.of("Allow", "GET"));
      }
      if (x.operation == null) {
        throw new Refusal(
            405,
            "method_not_allowed",
            "Use "
                + (id == null ? "GET or POST" : "GET, POST or DELETE")
                + " for "
                + (id == null ? PATH : PATH + "/{id}")
                + ".",
            Map.of("Allow", id == null ? "GET, POST" : "GET, POST, DELETE"));
      }
      boolean change = !method.equals("GET");
      Callers.Caller caller = callers.authenticate(request, change);
      x.identity = caller.identity();
      rateLimiter.acquire(caller.identity().id());
      Principal principal = claims.map(caller.identity());
      if (id != null) {
        checkId(id);
      }
      serve(request, method, id, principal, x);
    } catch (Refusal r) {
      refusal = r;
    } catch (PermissionDeniedException e) {
      refusal = forbidden(e, x);
    } catch (EndpointNotFoundException e) {
      refusal =
          new Refusal(
              404,
              "endpoint_not_found",
              "Endpoint " + UntrustedText.quote(e.getEndpointName()) + " is not in the registry.");
    } catch (EndpointAlreadyExistsException e) {
      refusal =
          new Refusal(
              409,
              "endpoint_already_exists",
              "Endpoint "
                  + UntrustedText.quote(e.getEndpointName())
                  + " exists already; update it with its resourceVersion, or choose another name.");
    } catch (VersionConflictException e) {
      refusal =
          new Refusal(
              409,
              "resource_version_conflict",
              "Endpoint "
                  + UntrustedText.quote(e.getEndpointName())
                  + " is at resourceVersion "
                  + e.getActualVersion()
                  + ", not "
                  + e.getExpectedVersion()
                  + ": it changed since you read it. Get it again, re-apply your change and retry"
                  + " with resourceVersion "
                  + e.getActualVersion()
                  + ". Nothing was changed.",
              Map.of(),
              Map.of("currentResourceVersion", Long.toString(e.getActualVersion())));
    } catch (IOException e) {
      refusal =
          new Refusal(
              400, "malformed_request", "The request body could not be read. Nothing was changed.");
    } catch (RuntimeException e) {
      log.error("Request {} failed", Exchange.requestId(request), e);
      refusal =
          new Refusal(
              500,
              "internal_error",
              "The server failed; the request id is in its log. Nothing was changed.");
    }
    if (refusal != null) {
      x.status = refusal.status();
      x.message = refusal.getMessage();
    }
    EndpointAuditEvent event =
        new EndpointAuditEvent(
            Instant.now(),
            UUID.randomUUID().toString(),
            Exchange.requestId(request),
            x.operation == null ? "Unsupported" : x.operation,
            x.identity,
            Request.getRemoteAddr(request),
            request.getHeaders().get(HttpHeader.ORIGIN),
            x.endpoint,
            x.namespace,
            x.before,
            x.after,
            x.status,
            refusal == null ? "ok" : refusal.code(),
            x.message,
            Exchange.elapsedMillis(request));
    boolean isChange = x.after != null || (x.before != null && x.operation.startsWith("Delete"));
    if (refusal != null || isChange) {
      audit.record(event);
    }
    metrics.record(event);
    if (refusal != null) {
      Exchange.refuse(request, response, callback, refusal);
    } else {
      Exchange.json(response, callback, x.status, Exchange.toJson(x.body));
    }
    return true;
  }

  private static String operation(String method, String id) {
    return switch (method) {
      case "GET" -> id == null ? "GetNexusEndpoints" : "GetNexusEndpoint";
      case "POST" -> id == null ? "CreateNexusEndpoint" : "UpdateNexusEndpoint";
      case "DELETE" -> id == null ? null : "DeleteNexusEndpoint";
      default -> null;
    };
  }

  private void serve(Request request, String method, String id, Principal principal, Exchanged x)
      throws IOException {
    switch (x.operation) {
      case "GetNexusEndpoints" -> x.body = list(request, principal);
      case "GetKeyDirectory" -> {
        store.list(principal); // the endpoint reads' RBAC: any account role but None
        x.body =
            KeyDirectoryJson.toJson(
                store
                    .keyDirectory()
                    .orElseThrow(
                        () ->
                            new Refusal(
                                404,
                                "key_directory_not_published",
                                "This control plane's registry publishes no key directory: set"
                                    + " registry.temporal.keyDirectory (the server-backed"
                                    + " registry) to publish one.")),
                store.keyDirectoryProblems());
      }
      case "GetNexusEndpoint" -> {
        NexusEndpoint e = store.get(principal, id);
        x.namespace = e.getTargetNamespace();
        x.body = Map.of("endpoint", EndpointJson.toJson(e));
      }
      case "CreateNexusEndpoint" -> {
        JsonNode body = readBody(request);
        List<EndpointJson.FieldError> errors = new ArrayList<>();
        EndpointJson.unknownFields(body, "", java.util.Set.of("spec", "asyncOperationId"), errors);
        if (body.has("asyncOperationId")) {
          errors.add(
              new EndpointJson.FieldError(
                  "asyncOperationId",
                  "is not supported: changes are applied before the answer; omit it"));
        }
        NexusEndpoint wanted = EndpointJson.parseSpec(body.get("spec"), null, errors);
        if (wanted != null) {
          x.endpoint = wanted.getName();
          x.namespace = wanted.getTargetNamespace();
          store
              .reserved(wanted.getName())
              .ifPresent(why -> errors.add(new EndpointJson.FieldError("spec.name", why)));
        }
        requireValid(errors);
        EndpointStore.Change c = store.create(principal, wanted);
        x.after = c.after();
        x.status = 201;
        x.message = "created endpoint " + wanted.getName();
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("endpointId", c.after().getName());
        out.put("endpoint", EndpointJson.toJson(c.after()));
        x.body = out;
      }
      case "UpdateNexusEndpoint" -> {
        JsonNode body = readBody(request);
        List<EndpointJson.FieldError> errors = new ArrayList<>();
        EndpointJson.unknownFields(
            body, "", java.util.Set.of("spec", "resourceVersion", "asyncOperationId"), errors);
        if (body.has("asyncOperationId")) {
          errors.add(
              new EndpointJson.FieldError(
                  "asyncOperationId",
                  "is not supported: changes are applied before the answer; omit it"));
        }
        NexusEndpoint wanted = EndpointJson.parseSpec(body.get("spec"), id, errors);
        Long version =
            EndpointJson.resourceVersion(body.get("resourceVersion"), "resourceVersion", errors);
        if (wanted != null) {
          x.namespace = wanted.getTargetNamespace();
        }
        requireValid(errors);
        EndpointStore.Change c = store.update(principal, wanted, version);
        x.before = c.before();
        x.after = c.after();
        x.message =
            "updated endpoint "
                + id
                + " ("
                + String.join(", ", EndpointAuditEvent.changedFields(c.before(), c.after()))
                + ")";
        x.body = Map.of("endpoint", EndpointJson.toJson(c.after()));
      }
      case "DeleteNexusEndpoint" -> {
        List<EndpointJson.FieldError> errors = new ArrayList<>();
        Fields query = Request.extractQueryParameters(request);
        for (String name : query.getNames()) {
          if (!name.equals("resourceVersion") && !name.equals("resource_version")) {
            errors.add(
                new EndpointJson.FieldError(
                    UntrustedText.quote(name), "is not a known parameter; send resourceVersion"));
          }
        }
        String v = query.getValue("resourceVersion");
        Long version =
            EndpointJson.resourceVersion(
                v != null ? v : query.getValue("resource_version"), "resourceVersion", errors);
        requireValid(errors);
        EndpointStore.Change c = store.delete(principal, id, version);
        x.before = c.before();
        x.namespace = c.before().getTargetNamespace();
        x.message = "deleted endpoint " + id;
        x.body = Map.of();
      }
      default -> throw new IllegalStateException(x.operation);
    }
  }

  private Map<String, Object> list(Request request, Principal principal) {
    Fields query = Request.extractQueryParameters(request);
    List<EndpointJson.FieldError> errors = new ArrayList<>();
    java.util.Set<String> known =
        java.util.Set.of("pageSize", "pageToken", "targetNamespaceId", "targetTaskQueue", "name");
    for (String name : query.getNames()) {
      if (!known.contains(name)) {
        errors.add(
            new EndpointJson.FieldError(
                UntrustedText.quote(name),
                "is not a known parameter; known are " + new java.util.TreeSet<>(known)));
      }
    }
    int pageSize = DEFAULT_PAGE_SIZE;
    String size = query.getValue("pageSize");
    if (size != null) {
      if (!size.matches("[0-9]{1,7}") || Integer.parseInt(size) > MAX_PAGE_SIZE) {
        errors.add(
            new EndpointJson.FieldError(
                "pageSize",
                "must be 0 to " + MAX_PAGE_SIZE + " (0: the default, " + DEFAULT_PAGE_SIZE + ")"));
      } else if (Integer.parseInt(size) > 0) {
        pageSize = Integer.parseInt(size);
      }
    }
    String after = null;
    String token = query.getValue("pageToken");
    if (token != null && !token.isEmpty()) {
      try {
        after =
            new String(
                Base64.getUrlDecoder().decode(token), java.nio.charset.StandardCharsets.UTF_8);
        if (!after.startsWith("after:")) {
          throw new IllegalArgumentException("not a page token");
        }
        after = after.substring(6);
      } catch (IllegalArgumentException e) {
        errors.add(
            new EndpointJson.FieldError(
                "pageToken", "is not a page token from this API; pass nextPageToken unchanged"));
      }
    }
    requireValid(errors);
    String ns = query.getValue("targetNamespaceId");
    String tq = query.getValue("targetTaskQueue");
    String name = query.getValue("name");
    Predicate<NexusEndpoint> filter =
        e ->
            (ns == null || ns.isEmpty() || e.getTargetNamespace().equals(ns))
                && (tq == null || tq.isEmpty() || e.getTargetTaskQueue().equals(tq))
                && (name == null || name.isEmpty() || e.getName().equals(name));
    List<Map<String, Object>> page = new ArrayList<>();
    String next = "";
    String afterName = after;
    List<NexusEndpoint> all = store.list(principal); // sorted by name
    for (NexusEndpoint e : all) {
      if ((afterName != null && e.getName().compareTo(afterName) <= 0) || !filter.test(e)) {
        continue;
      }
      if (page.size() == pageSize) {
        String last = (String) page.get(page.size() - 1).get("id");
        next =
            Base64.getUrlEncoder()
                .withoutPadding()
                .encodeToString(
                    ("after:" + last).getBytes(java.nio.charset.StandardCharsets.UTF_8));
        break;
      }
      page.add(EndpointJson.toJson(e));
    }
    Map<String, Object> out = new LinkedHashMap<>();
    out.put("endpoints", page);
    out.put("nextPageToken", next);
    return out;
  }

  private static void checkId(String id) {
    if (id.isEmpty()
        || id.length() > NexusEndpoint.MAX_NAME_LENGTH
        || !NexusEndpoint.NAME_PATTERN.matcher(id).matches()) {
      throw new Refusal(
          400,
          "invalid_argument",
          "'"
              + UntrustedText.quote(id)
              + "' is not an endpoint name (letters, digits and '-', starting with a letter).",
          Map.of(),
          Map.of(
              "fieldErrors",
              List.of(new EndpointJson.FieldError("id", "is not an endpoint name").toJson())));
    }
  }

  private static void requireValid(List<EndpointJson.FieldError> errors) {
    if (!errors.isEmpty()) {
      List<Object> fields = new ArrayList<>();
      errors.forEach(e -> fields.add(e.toJson()));
      EndpointJson.FieldError first = errors.get(0);
      throw new Refusal(
          400,
          "invalid_argument",
          "The request is invalid: "
              + first.field()
              + " "
              + first.message()
              + (errors.size() > 1 ? " (and " + (errors.size() - 1) + " more in fieldErrors)" : "")
              + ". Nothing was changed.",
          Map.of(),
          Map.of("fieldErrors", fields));
    }
  }

  private static JsonNode readBody(Request request) throws IOException {
    String type = request.getHeaders().get(HttpHeader.CONTENT_TYPE);
    if (type == null || !type.toLowerCase(Locale.ROOT).startsWith("application/json")) {
      throw new Refusal(
          415, "unsupported_media_type", "Send the request as Content-Type: application/json.");
    }
    if (request.getLength() > MAX_BODY_BYTES) {
      throw tooLarge();
    }
    byte[] body;
    try (InputStream in = Content.Source.asInputStream(request)) {
      body = in.readNBytes(MAX_BODY_BYTES + 1);
    }
    if (body.length > MAX_BODY_BYTES) {
      throw tooLarge();
    }
    JsonNode node;
    try {
      node = JSON.readTree(body);
    } catch (JsonProcessingException e) {
      throw new Refusal(
          400,
          "malformed_request",
          "The body is not valid JSON (line "
              + e.getLocation().getLineNr()
              + ", column "
              + e.getLocation().getColumnNr()
              + "): "
              + UntrustedText.quote(e.getOriginalMessage(), 200)
              + ". Nothing was changed.");
    }
    if (node == null || !node.isObject()) {
      throw new Refusal(
          400, "malformed_request", "The body must be a JSON object. Nothing was changed.");
    }
    return node;
  }

  private static Refusal tooLarge() {
    return new Refusal(
        413, "request_too_large", "The body is larger than " + MAX_BODY_BYTES + " bytes.");
  }

  /** The registry's typed refusal as a 403 naming what is missing. */
  private static Refusal forbidden(PermissionDeniedException e, Exchanged x) {
    String verb = e.getOperation().name().toLowerCase(Locale.ROOT);
    String what =
        e.getEndpointName() == null
            ? "endpoints"
            : "endpoint " + UntrustedText.quote(e.getEndpointName());
    Map<String, Object> missing = new LinkedHashMap<>();
    String message;
    String code;
    if (e instanceof NamespacePermissionRequiredException n) {
      code = "namespace_admin_required";
      missing.put("namespace", n.getNamespace());
      missing.put("namespacePermission", n.getRequired().name().toLowerCase(Locale.ROOT));
      x.namespace = x.namespace == null ? n.getNamespace() : x.namespace;
      message =
          UntrustedText.quote(e.getPrincipalId())
              + " may not "
              + verb
              + " "
              + what
              + ": that needs the Namespace Admin permission on namespace "
              + UntrustedText.quote(n.getNamespace())
              + " (the endpoint's "
              + (n.getNamespace().equals(x.namespace) ? "" : "current ")
              + "target), which it does not have. Ask for \"admin\" on that namespace in the"
              + " server's authorization grants.";
    } else {
      AccountRoleRequiredException a = (AccountRoleRequiredException) e;
      code = "account_role_required";
      missing.put("accountRole", a.getRequirement());
      missing.put("actualAccountRole", a.getActualRole().name().toLowerCase(Locale.ROOT));
      message =
          UntrustedText.quote(e.getPrincipalId())
              + " may not "
              + verb
              + " "
              + what
              + ": that needs "
              + a.getRequirement()
              + ", and its account role is "
              + a.getActualRole().name().toLowerCase(Locale.ROOT)
              + ". Ask for an \"accountRole\" grant in the server's authorization section.";
    }
    Map<String, Object> details = new LinkedHashMap<>();
    details.put("operation", verb);
    details.put("missing", missing);
    return new Refusal(403, code, message, Map.of(), details);
  }
}
