package dev.nexussecurity.controlplane.internal;

import java.util.Optional;
import org.eclipse.jetty.http.HttpHeader;
import org.eclipse.jetty.server.Request;

/**
 * Who calls the management API: a bearer token or client certificate (as for the codec API, via
 * {@link Authenticator}), or the browse page's session cookie ({@link BrowserSessions}); for a
 * change made with the cookie, the request must also carry the session's CSRF token and, when it
 * has an {@code Origin}, come from the server's own origin.
 */
final class Callers {
  /** An authenticated caller, and the page session it used, if any. */
  record Caller(Identity identity, Optional<BrowserSessions.Session> session) {}

  private final Authenticator authenticator;
  private final BrowserSessions sessions;

  Callers(Authenticator authenticator, BrowserSessions sessions) {
    this.authenticator = authenticator;
    this.sessions = sessions;
  }

  /**
   * Authenticates {@code request}; {@code change} when it changes something.
   *
   * @throws Refusal 401 without valid credentials, 403 for a cookie change without the CSRF token
   *     or from another origin
   */
  Caller authenticate(Request request, boolean change) {
    Optional<String> authorization = Exchange.singleHeader(request, "Authorization");
    if (authorization.isEmpty()) {
      Optional<BrowserSessions.Session> session = sessions.find(request);
      if (session.isPresent()) {
        if (change) {
          String origin = request.getHeaders().get(HttpHeader.ORIGIN);
          if (origin != null && !origin.equalsIgnoreCase(FrontHandler.ownOrigin(request))) {
            throw new Refusal(
                403,
                "csrf_origin_mismatch",
                "A change with the browse page's session must come from the page itself.");
          }
          if (!BrowserSessions.csrfMatches(
              session.get(),
              Exchange.singleHeader(request, BrowserSessions.CSRF_HEADER).orElse(null))) {
            throw new Refusal(
                403,
                "csrf_token_invalid",
                "A change with the browse page's session needs the session's "
                    + BrowserSessions.CSRF_HEADER
                    + " header; reload the page and try again.");
          }
        }
        return new Caller(session.get().identity(), session);
      }
    }
    return new Caller(
        authenticator.authenticate(authorization, Exchange.clientChain(request)), Optional.empty());
  }
}
