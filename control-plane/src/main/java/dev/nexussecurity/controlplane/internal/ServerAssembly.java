package dev.nexussecurity.controlplane.internal;

import dev.nexussecurity.connection.ConnectionSecurityException;
import dev.nexussecurity.connection.PemFiles;
import dev.nexussecurity.controlplane.ControlPlaneConfigException;
import io.temporal.payload.codec.PayloadCodec;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.security.PrivateKey;
import java.security.SecureRandom;
import java.security.cert.X509Certificate;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.eclipse.jetty.http.HttpHeader;
import org.eclipse.jetty.http.HttpMethod;
import org.eclipse.jetty.server.Handler;
import org.eclipse.jetty.server.HttpConfiguration;
import org.eclipse.jetty.server.HttpConnectionFactory;
import org.eclipse.jetty.server.SecureRequestCustomizer;
import org.eclipse.jetty.server.Server;
import org.eclipse.jetty.server.ServerConnector;
import org.eclipse.jetty.server.SslConnectionFactory;
import org.eclipse.jetty.server.handler.CrossOriginHandler;
import org.eclipse.jetty.server.handler.GracefulHandler;
import org.eclipse.jetty.util.ssl.SslContextFactory;
import org.eclipse.jetty.util.thread.QueuedThreadPool;

/**
 * Builds the Jetty server from the settings: the main listener (TLS and optional client
 * certificates from PEM files; HTTP/1.1) with front handler, CORS and APIs behind a graceful
 * shutdown handler, and the optional management listener.
 */
public final class ServerAssembly {
  /** The name of the management connector. */
  public static final String MANAGEMENT = "management";

  private ServerAssembly() {}

  /** The assembled, not yet started server. */
  public record Assembled(
      Server server, ServerConnector main, Optional<ServerConnector> management) {}

  /**
   * Assembles the server.
   *
   * @throws ControlPlaneConfigException when TLS files cannot be read
   */
  public static Assembled assemble(
      Settings settings,
      Map<String, PayloadCodec> codecs,
      Optional<OidcVerifier> oidc,
      Optional<EndpointStore> registry,
      AuditLog audit,
      ServerMetrics metrics) {
    QueuedThreadPool threads = new QueuedThreadPool(settings.limits().maxThreads(), 4);
    threads.setName("control-plane");
    Server server = new Server(threads);
    server.setStopTimeout(settings.shutdownGracePeriod().toMillis());
    server.setStopAtShutdown(false);

    HttpConfiguration http = new HttpConfiguration();
    http.setSendServerVersion(false);
    http.setSendXPoweredBy(false);
    http.setRequestHeaderSize(16 * 1024);
    ServerConnector main;
    if (settings.tls().isPresent()) {
      SecureRequestCustomizer secure = new SecureRequestCustomizer(false, false, -1, false);
      http.addCustomizer(secure);
      SslContextFactory.Server ssl = sslContext(settings);
      main =
          new ServerConnector(
              server, new SslConnectionFactory(ssl, "http/1.1"), new HttpConnectionFactory(http));
    } else {
      main = new ServerConnector(server, new HttpConnectionFactory(http));
    }
    main.setName("main");
    main.setHost(settings.listen().host());
    main.setPort(settings.listen().port());
    main.setIdleTimeout(30_000);
    server.addConnector(main);

    Optional<ServerConnector> management =
        settings
            .management()
            .map(
                m -> {
                  HttpConfiguration mhttp = new HttpConfiguration();
                  mhttp.setSendServerVersion(false);
                  ServerConnector c = new ServerConnector(server, new HttpConnectionFactory(mhttp));
                  c.setName(MANAGEMENT);
                  c.setHost(m.host());
                  c.setPort(m.port());
                  server.addConnector(c);
                  return c;
                });

    // one authenticator, claim mapping and rate limit for every API of the listener
    Authenticator authenticator = new Authenticator(settings.authentication(), oidc);
    ClaimMapper claims = new ClaimMapper(settings.authorization());
    PrincipalRateLimiter rateLimiter =
        new PrincipalRateLimiter(
            settings.limits().requestsPerSecondPerPrincipal(),
            settings.limits().burstPerPrincipal());
    List<Handler> apis = new ArrayList<>();
    registry.ifPresent(
        store -> {
          BrowserSessions sessions =
              new BrowserSessions(
                  settings.registry().orElseThrow().sessionMaxAge(),
                  settings.tls().isPresent(),
                  java.time.Clock.systemUTC());
          apis.add(
              new PageHandler(
                  sessions, authenticator, oidc.isPresent(), claims, rateLimiter, audit, metrics));
          apis.add(
              new EndpointApiHandler(
                  store,
                  new Callers(authenticator, sessions),
                  claims,
                  rateLimiter,
                  audit,
                  metrics));
        });
    if (!settings.namespaces().isEmpty()) {
      CodecApiHandler codecApi =
          new CodecApiHandler(settings, codecs, authenticator, claims, rateLimiter, audit, metrics);
      apis.add(cors(settings, codecApi));
    }
    FrontHandler front =
        new FrontHandler(
            Set.copyOf(settings.cors().allowedOrigins()),
            audit,
            metrics,
            new Handler.Sequence(apis));
    ManagementHandler manage =
        new ManagementHandler(
            metrics, () -> registry.map(EndpointStore::problems).orElse(List.of()));
    // each handler answers only the requests of its own listener
    Handler byConnector = new Handler.Sequence(manage, front);
    GracefulHandler graceful = new GracefulHandler(byConnector);
    server.setHandler(graceful);
    return new Assembled(server, main, management);
  }

  /** CORS for the configured UI origins, around the codec API only. */
  private static Handler cors(Settings settings, Handler codecApi) {
    CrossOriginHandler cors = new CrossOriginHandler();
    List<String> patterns = new ArrayList<>();
    for (String origin : settings.cors().allowedOrigins()) {
      patterns.add(origin.equals("*") ? "*" : java.util.regex.Pattern.quote(origin));
    }
    cors.setAllowedOriginPatterns(Set.copyOf(patterns));
    cors.setAllowCredentials(true);
    cors.setAllowedMethods(Set.of(HttpMethod.POST.asString(), HttpMethod.GET.asString()));
    cors.setAllowedHeaders(
        Set.of(
            HttpHeader.AUTHORIZATION.asString(),
            HttpHeader.CONTENT_TYPE.asString(),
            "X-Namespace"));
    cors.setExposedHeaders(Set.of("X-Request-Id"));
    cors.setPreflightMaxAge(settings.cors().preflightMaxAge());
    cors.setDeliverPreflightRequests(false);
    cors.setDeliverNonAllowedOriginRequests(false);
    cors.setHandler(codecApi);
    return cors;
  }

  private static SslContextFactory.Server sslContext(Settings settings) {
    Settings.Tls tls = settings.tls().orElseThrow();
    List<String> problems = new ArrayList<>();
    SslContextFactory.Server ssl = new SslContextFactory.Server();
    try {
      List<X509Certificate> chain = PemFiles.readCertificateChain(tls.certificateChainFile());
      PrivateKey key = PemFiles.readPrivateKey(tls.privateKeyFile());
      char[] password = randomPassword();
      KeyStore keys = KeyStore.getInstance("PKCS12");
      keys.load(null, null);
      keys.setKeyEntry("server", key, password, chain.toArray(new X509Certificate[0]));
      ssl.setKeyStore(keys);
      ssl.setKeyStorePassword(new String(password));
      if (tls.clientCaFile().isPresent()) {
        List<X509Certificate> cas = PemFiles.readCaBundle(tls.clientCaFile().get());
        KeyStore trust = KeyStore.getInstance("PKCS12");
        trust.load(null, null);
        for (int i = 0; i < cas.size(); i++) {
          trust.setCertificateEntry("client-ca-" + i, cas.get(i));
        }
        ssl.setTrustStore(trust);
      }
    } catch (ConnectionSecurityException | UncheckedReadException e) {
      problems.add(e.getMessage());
    } catch (GeneralSecurityException | IOException e) {
      problems.add("tls: the certificate and key cannot be used together (" + e.getMessage() + ")");
    }
    if (!problems.isEmpty()) {
      throw new ControlPlaneConfigException(settings.source(), problems);
    }
    switch (tls.clientAuth()) {
      case NEED -> ssl.setNeedClientAuth(true);
      case WANT -> ssl.setWantClientAuth(true);
      case NONE -> {}
    }
    ssl.setIncludeProtocols("TLSv1.3", "TLSv1.2");
    return ssl;
  }

  private static byte[] read(Path file) {
    try {
      return Files.readAllBytes(file);
    } catch (IOException e) {
      throw new UncheckedReadException(
          file + " cannot be read (" + e.getClass().getSimpleName() + "); check the path");
    }
  }

  private static char[] randomPassword() {
    byte[] b = new byte[24];
    new SecureRandom().nextBytes(b);
    return Base64.getEncoder().encodeToString(b).toCharArray();
  }

  private static final class UncheckedReadException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    UncheckedReadException(String message) {
      super(message, null, false, false);
    }
  }
}
