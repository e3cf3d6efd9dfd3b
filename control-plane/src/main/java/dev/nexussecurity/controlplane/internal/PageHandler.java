package dev.nexussecurity.controlplane.internal;

import dev.nexussecurity.api.Principal;
import dev.nexussecurity.api.internal.UntrustedText;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import org.eclipse.jetty.http.HttpHeader;
import org.eclipse.jetty.io.Content;
import org.eclipse.jetty.server.Handler;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.server.Response;
import org.eclipse.jetty.util.Callback;
import org.eclipse.jetty.util.Fields;

/**
 * The registry's browse page under {@code /ui/}: plain HTML, CSS and JavaScript served from the jar
 * (no CDN, no inline script, a strict Content-Security-Policy), which reads and changes the
 * registry through the management API with the page's session cookie (see {@link BrowserSessions}).
 *
 * <ul>
 *   <li>{@code GET /ui/login} — the sign-in form: paste an access token from the identity provider;
 *       {@code POST /ui/login} verifies it exactly like a bearer token (issuer, audience,
 *       signature, expiry), opens a session and redirects to {@code /ui/}. A request with another
 *       {@code Origin} is refused, so no other site can sign a user in. With client certificates or
 *       the development anonymous principal, {@code /ui/} opens the session without the form.
 *   <li>{@code GET /ui/} — the page; without a session, a redirect to the sign-in form. Nothing of
 *       the registry is in the page itself: its script fetches the endpoints with the session.
 *   <li>{@code GET /ui/api/session} — who is signed in, their role and namespace permissions, and
 *       the session's CSRF token (readable by the page's own origin only: no CORS headers here).
 *   <li>{@code POST /ui/logout} — ends the session (with the CSRF token).
 * </ul>
 */
public final class PageHandler extends Handler.Abstract {
  /** The page's path prefix. */
  public static final String PREFIX = "/ui";

  private static final String RESOURCES = "/dev/nexussecurity/controlplane/ui/";
  private static final Map<String, String> ASSETS =
      Map.of(
          "/ui/assets/app.js", "application/javascript; charset=utf-8",
          "/ui/assets/app.css", "text/css; charset=utf-8");
  private static final String CSP =
      "default-src 'none'; script-src 'self'; style-src 'self'; connect-src 'self'; img-src 'self';"
          + " form-action 'self'; frame-ancestors 'none'; base-uri 'none'";

  private final BrowserSessions sessions;
  private final Authenticator authenticator;
  private final boolean tokenLogin;
  private final ClaimMapper claims;
  private final PrincipalRateLimiter rateLimiter;
  private final AuditLog audit;
  private final ServerMetrics metrics;
  private final Map<String, byte[]> resources = new LinkedHashMap<>();

  PageHandler(
      BrowserSessions sessions,
      Authenticator authenticator,
      boolean tokenLogin,
      ClaimMapper claims,
      PrincipalRateLimiter rateLimiter,
      AuditLog audit,
      ServerMetrics metrics) {
    super(InvocationType.BLOCKING);
    this.sessions = sessions;
    this.authenticator = authenticator;
    this.tokenLogin = tokenLogin;
    this.claims = claims;
    this.rateLimiter = rateLimiter;
    this.audit = audit;
    this.metrics = metrics;
    for (String name : new String[] {"index.html", "login.html", "app.js", "app.css"}) {
      resources.put(name, resource(name));
    }
  }

  @Override
  public boolean handle(Request request, Response response, Callback callback) throws IOException {
    String path = Request.getPathInContext(request);
    if (!path.equals(PREFIX) && !path.startsWith(PREFIX + "/")) {
      return false;
    }
    String method = request.getMethod();
    securityHeaders(response);
    if (ASSETS.containsKey(path) && method.equals("GET")) {
      String name = path.substring(path.lastIndexOf('/') + 1);
      Exchange.bytes(response, callback, 200, ASSETS.get(path), resources.get(name));
      return true;
    }
    switch (path) {
      case PREFIX -> redirect(response, callback, PREFIX + "/");
      case PREFIX + "/" -> {
        if (!method.equals("GET")) {
          return methodNotAllowed(request, response, callback, "GET");
        }
        Optional<BrowserSessions.Session> session = sessions.find(request);
        if (session.isEmpty()) {
          session = sessionWithoutToken(request, response);
        }
        if (session.isEmpty()) {
          redirect(response, callback, PREFIX + "/login");
        } else {
          html(response, callback, 200, resources.get("index.html"));
        }
      }
      case PREFIX + "/login" -> {
        if (method.equals("GET")) {
          if (sessions.find(request).isPresent()) {
            redirect(response, callback, PREFIX + "/");
          } else {
            loginPage(response, callback, 200, "");
          }
        } else if (method.equals("POST")) {
          login(request, response, callback);
        } else {
          return methodNotAllowed(request, response, callback, "GET, POST");
        }
      }
      case PREFIX + "/logout" -> {
        if (!method.equals("POST")) {
          return methodNotAllowed(request, response, callback, "POST");
        }
        logout(request, response, callback);
      }
      case PREFIX + "/api/session" -> {
        if (!method.equals("GET")) {
          return methodNotAllowed(request, response, callback, "GET");
        }
        Optional<BrowserSessions.Session> session = sessions.find(request);
        if (session.isEmpty()) {
          Exchange.refuse(
              request,
              response,
              callback,
              new Refusal(401, "session_missing", "Sign in at " + PREFIX + "/login."));
        } else {
          Exchange.json(response, callback, 200, Exchange.toJson(describe(session.get())));
        }
      }
      default -> {
        return false;
      }
    }
    return true;
  }

  /** A session from a client certificate or the development anonymous principal, if either. */
  private Optional<BrowserSessions.Session> sessionWithoutToken(
      Request request, Response response) {
    Identity identity;
    try {
      identity = authenticator.authenticate(Optional.empty(), Exchange.clientChain(request));
    } catch (Refusal r) {
      return Optional.empty();
    }
    BrowserSessions.Session s = sessions.open(identity);
    response.getHeaders().add(HttpHeader.SET_COOKIE, sessions.cookie(s));
    record(request, "UserLogin", identity, 200, "ok", "signed in to the browse page");
    return Optional.of(s);
  }

  private void login(Request request, Response response, Callback callback) throws IOException {
    Identity identity = null;
    try {
      String origin = request.getHeaders().get(HttpHeader.ORIGIN);
      if (origin != null && !origin.equalsIgnoreCase(FrontHandler.ownOrigin(request))) {
        throw new Refusal(403, "csrf_origin_mismatch", "Sign in from this server's own page.");
      }
      rateLimiter.acquire("login:" + Request.getRemoteAddr(request));
      if (!tokenLogin) {
        throw new Refusal(
            401,
            "bearer_not_accepted",
            "This server does not accept tokens; use a client certificate.");
      }
      String type = request.getHeaders().get(HttpHeader.CONTENT_TYPE);
      if (type == null
          || !type.toLowerCase(Locale.ROOT).startsWith("application/x-www-form-urlencoded")) {
        throw new Refusal(415, "unsupported_media_type", "Submit the sign-in form.");
      }
      Fields form;
      try {
        form = Request.getParameters(request);
      } catch (Exception e) {
        throw new Refusal(400, "malformed_request", "The sign-in form could not be read.");
      }
      String token = form.getValue("token");
      if (token == null || token.isBlank()) {
        throw new Refusal(
            400, "token_missing", "Paste an access token from your identity provider.");
      }
      identity =
          authenticator.authenticate(Optional.of("Bearer " + token.trim()), java.util.List.of());
      BrowserSessions.Session s = sessions.open(identity);
      response.getHeaders().add(HttpHeader.SET_COOKIE, sessions.cookie(s));
      record(request, "UserLogin", identity, 303, "ok", "signed in to the browse page");
      redirect(response, callback, PREFIX + "/");
    } catch (Refusal r) {
      record(request, "UserLogin", identity, r.status(), r.code(), r.getMessage());
      loginPage(response, callback, r.status(), r.getMessage());
    }
  }

  private void logout(Request request, Response response, Callback callback) {
    Optional<BrowserSessions.Session> session = sessions.find(request);
    if (session.isEmpty()) {
      response.getHeaders().add(HttpHeader.SET_COOKIE, sessions.clearedCookie());
      Exchange.json(response, callback, 200, "{}");
      return;
    }
    String presented = request.getHeaders().get(BrowserSessions.CSRF_HEADER);
    if (!BrowserSessions.csrfMatches(session.get(), presented)) {
      Refusal r =
          new Refusal(
              403, "csrf_token_invalid", "Sign out from the page (the CSRF token is missing).");
      record(request, "UserLogout", session.get().identity(), 403, r.code(), r.getMessage());
      Exchange.refuse(request, response, callback, r);
      return;
    }
    sessions.close(session.get());
    record(request, "UserLogout", session.get().identity(), 200, "ok", "signed out");
    response.getHeaders().add(HttpHeader.SET_COOKIE, sessions.clearedCookie());
    Exchange.json(response, callback, 200, "{}");
  }

  private Map<String, Object> describe(BrowserSessions.Session s) {
    Principal p = claims.map(s.identity());
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("principal", p.getId());
    m.put("accountRole", p.getAccountRole().name().toLowerCase(Locale.ROOT));
    m.put("canView", p.getAccountRole().canViewEndpoints());
    m.put("canManage", p.getAccountRole().canManageEndpoints());
    m.put("adminOnEveryNamespace", p.getAccountRole().isImplicitNamespaceAdmin());
    Map<String, String> ns = new LinkedHashMap<>();
    p.getNamespacePermissions().forEach((k, v) -> ns.put(k, v.name().toLowerCase(Locale.ROOT)));
    m.put("namespacePermissions", ns);
    m.put("csrfToken", s.csrfToken());
    m.put("expiresAt", s.expiresAt().toString());
    return m;
  }

  private void record(
      Request request,
      String operation,
      Identity identity,
      int status,
      String reason,
      String message) {
    EndpointAuditEvent e =
        new EndpointAuditEvent(
            Instant.now(),
            UUID.randomUUID().toString(),
            Exchange.requestId(request),
            operation,
            identity,
            Request.getRemoteAddr(request),
            request.getHeaders().get(HttpHeader.ORIGIN),
            null,
            null,
            null,
            null,
            status,
            reason,
            message,
            Exchange.elapsedMillis(request));
    audit.record(e);
    metrics.record(e);
  }

  private boolean methodNotAllowed(
      Request request, Response response, Callback callback, String allow) {
    Exchange.refuse(
        request,
        response,
        callback,
        new Refusal(405, "method_not_allowed", "Use " + allow + ".", Map.of("Allow", allow)));
    return true;
  }

  private void loginPage(Response response, Callback callback, int status, String error) {
    String page = new String(resources.get("login.html"), StandardCharsets.UTF_8);
    page =
        page.replace(
            "{{error}}", error.isEmpty() ? "" : escapeHtml(UntrustedText.quote(error, 400)));
    page = page.replace("{{tokenLogin}}", tokenLogin ? "" : "hidden");
    html(response, callback, status, page.getBytes(StandardCharsets.UTF_8));
  }

  private static void html(Response response, Callback callback, int status, byte[] body) {
    Exchange.bytes(response, callback, status, "text/html; charset=utf-8", body);
  }

  private static void redirect(Response response, Callback callback, String location) {
    response.setStatus(303);
    response.getHeaders().put(HttpHeader.LOCATION, location);
    response.getHeaders().put(HttpHeader.CACHE_CONTROL, "no-store");
    Content.Sink.write(response, true, "", callback);
  }

  private static void securityHeaders(Response response) {
    response.getHeaders().put("Content-Security-Policy", CSP);
    response.getHeaders().put("X-Frame-Options", "DENY");
    // same-origin, not no-referrer: with no-referrer, browsers send "Origin: null" on the page's
    // own
    // POSTs, which the origin checks (rightly) refuse
    response.getHeaders().put("Referrer-Policy", "same-origin");
    response.getHeaders().put("Cross-Origin-Opener-Policy", "same-origin");
  }

  static String escapeHtml(String s) {
    StringBuilder b = new StringBuilder(s.length());
    for (char c : s.toCharArray()) {
      switch (c) {
        case '<' -> b.append("&lt;");
        case '>' -> b.append("&gt;");
        case '&' -> b.append("&amp;");
        case '"' -> b.append("&quot;");
        case '\'' -> b.append("&#39;");
        default -> b.append(c);
      }
    }
    return b.toString();
  }

  private static byte[] resource(String name) {
    try (InputStream in = PageHandler.class.getResourceAsStream(RESOURCES + name)) {
      if (in == null) {
        throw new IllegalStateException("missing page resource " + RESOURCES + name);
      }
      return in.readAllBytes();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
