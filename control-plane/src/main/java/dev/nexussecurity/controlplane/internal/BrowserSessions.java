package dev.nexussecurity.controlplane.internal;

import com.google.common.cache.Cache;
import com.google.common.cache.CacheBuilder;
import java.security.MessageDigest;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;
import java.util.List;
import java.util.Optional;
import org.eclipse.jetty.http.HttpCookie;
import org.eclipse.jetty.server.Request;

/**
 * The browse page's sessions: after a user signs in with a verified token (or a verified client
 * certificate, or as the development anonymous principal), the server keeps the verified identity
 * under a random 256-bit session id, sent to the browser in an {@code HttpOnly}, {@code
 * SameSite=Strict} cookie ({@code Secure} and {@code __Host-} prefixed over TLS). The token itself
 * is not kept. Each session has its own random CSRF token, which the page's script reads from
 * {@code /ui/api/session} (same origin only) and sends as {@code X-CSRF-Token} with every change; a
 * change authenticated by the cookie without it is refused. A session ends at sign-out, after
 * {@code registry.sessionMaxAgeSeconds}, or when the token it was opened with expires, whichever
 * comes first. Sessions live in this process's memory (at most 10,000): a restart signs everyone
 * out, and behind a load balancer the page needs sticky sessions.
 */
public final class BrowserSessions {
  /** The CSRF header of changes made with a session cookie. */
  public static final String CSRF_HEADER = "X-CSRF-Token";

  /** One signed-in browser. */
  public record Session(String id, Identity identity, String csrfToken, Instant expiresAt) {
    @Override
    public String toString() {
      return "Session{" + identity.id() + ", until " + expiresAt + "}";
    }
  }

  private static final SecureRandom RANDOM = new SecureRandom();

  private final Duration maxAge;
  private final Clock clock;
  private final String cookieName;
  private final boolean secure;
  private final Cache<String, Session> sessions;

  /** Sessions of at most {@code maxAge}; {@code secure} when the listener serves TLS. */
  public BrowserSessions(Duration maxAge, boolean secure, Clock clock) {
    this.maxAge = maxAge;
    this.clock = clock;
    this.secure = secure;
    this.cookieName = secure ? "__Host-nexus-security-session" : "nexus-security-session";
    this.sessions = CacheBuilder.newBuilder().maximumSize(10_000).expireAfterWrite(maxAge).build();
  }

  /** Opens a session for {@code identity}; it ends no later than the identity's {@code exp}. */
  public Session open(Identity identity) {
    Instant now = clock.instant();
    Instant end = now.plus(maxAge);
    Object exp = identity.claims().get("exp");
    if (exp instanceof Number n) {
      Instant tokenEnd = Instant.ofEpochSecond(n.longValue());
      end = tokenEnd.isBefore(end) ? tokenEnd : end;
    }
    Session s = new Session(random(), identity, random(), end);
    sessions.put(s.id(), s);
    return s;
  }

  /** The live session named by the request's cookie, if any. */
  public Optional<Session> find(Request request) {
    List<HttpCookie> cookies = Request.getCookies(request);
    for (HttpCookie c : cookies) {
      if (c.getName().equals(cookieName)) {
        Session s = sessions.getIfPresent(c.getValue());
        if (s != null && clock.instant().isBefore(s.expiresAt())) {
          return Optional.of(s);
        }
        if (s != null) {
          sessions.invalidate(s.id());
        }
      }
    }
    return Optional.empty();
  }

  /** Ends {@code session}. */
  public void close(Session session) {
    sessions.invalidate(session.id());
  }

  /** Whether {@code presented} is the session's CSRF token (compared in constant time). */
  public static boolean csrfMatches(Session session, String presented) {
    return presented != null
        && MessageDigest.isEqual(
            session.csrfToken().getBytes(java.nio.charset.StandardCharsets.US_ASCII),
            presented.getBytes(java.nio.charset.StandardCharsets.US_ASCII));
  }

  /** The {@code Set-Cookie} value that stores {@code session} in the browser. */
  public String cookie(Session session) {
    long seconds = Math.max(0, Duration.between(clock.instant(), session.expiresAt()).getSeconds());
    return cookieName
        + "="
        + session.id()
        + "; Path=/; Max-Age="
        + seconds
        + "; HttpOnly; SameSite=Strict"
        + (secure ? "; Secure" : "");
  }

  /** The {@code Set-Cookie} value that removes the session cookie. */
  public String clearedCookie() {
    return cookieName
        + "=; Path=/; Max-Age=0; HttpOnly; SameSite=Strict"
        + (secure ? "; Secure" : "");
  }

  private static String random() {
    byte[] b = new byte[32];
    RANDOM.nextBytes(b);
    return Base64.getUrlEncoder().withoutPadding().encodeToString(b);
  }
}
