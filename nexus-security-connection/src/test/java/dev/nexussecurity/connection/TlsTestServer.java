package dev.nexussecurity.connection;

import io.grpc.Grpc;
import io.grpc.Metadata;
import io.grpc.Server;
import io.grpc.ServerBuilder;
import io.grpc.ServerCall;
import io.grpc.ServerCallHandler;
import io.grpc.ServerInterceptor;
import io.grpc.TlsServerCredentials;
import io.temporal.internal.testservice.GRPCServerHelper;
import io.temporal.internal.testservice.TestServicesStarter;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.math.BigInteger;
import java.security.cert.Certificate;
import java.security.cert.X509Certificate;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import javax.net.ssl.SSLPeerUnverifiedException;
import javax.net.ssl.SSLSession;

/**
 * Temporal's embedded test server served over TLS, or mutual TLS when a client CA is given, on a
 * free loopback port. It records the serial number of every client certificate and every {@code
 * authorization} header it sees.
 *
 * <p>Pinned to temporal-testing 1.38.0: {@code TestServer.createPortBoundServer} only serves
 * plaintext, so this builds the server from the internal classes {@link TestServicesStarter} and
 * {@link GRPCServerHelper}, which have no stability promise and may change with the SDK version.
 */
final class TlsTestServer implements AutoCloseable {
  private static final Metadata.Key<String> AUTHORIZATION =
      Metadata.Key.of("authorization", Metadata.ASCII_STRING_MARSHALLER);

  private final TestServicesStarter services;
  private final Server server;
  private final List<BigInteger> clientSerials = new CopyOnWriteArrayList<>();
  private final List<String> authorizationHeaders = new CopyOnWriteArrayList<>();

  private TlsTestServer(TestServicesStarter services, Server server) {
    this.services = services;
    this.server = server;
  }

  /** Serves TLS only: clients authenticate the server, not the other way round. */
  static TlsTestServer tls(TestPki.Issued serverCert) {
    return start(serverCert, null);
  }

  /** Serves mutual TLS: clients must present a certificate that chains to {@code clientCa}. */
  static TlsTestServer mutualTls(TestPki.Issued serverCert, TestPki.Issued clientCa) {
    return start(serverCert, clientCa);
  }

  private static TlsTestServer start(TestPki.Issued serverCert, TestPki.Issued clientCa) {
    try {
      TlsServerCredentials.Builder credentials =
          TlsServerCredentials.newBuilder()
              .keyManager(
                  new ByteArrayInputStream(serverCert.chainPem()),
                  new ByteArrayInputStream(serverCert.keyPem()));
      if (clientCa != null) {
        credentials
            .trustManager(new ByteArrayInputStream(TestPki.certificatesPem(clientCa.certificate)))
            .clientAuth(TlsServerCredentials.ClientAuth.REQUIRE);
      }
      TestServicesStarter services = new TestServicesStarter(true, 0);
      ServerBuilder<?> builder = Grpc.newServerBuilderForPort(0, credentials.build());
      TlsTestServer[] self = new TlsTestServer[1];
      ServerInterceptor recorder =
          new ServerInterceptor() {
            @Override
            public <ReqT, RespT> ServerCall.Listener<ReqT> interceptCall(
                ServerCall<ReqT, RespT> call,
                Metadata headers,
                ServerCallHandler<ReqT, RespT> next) {
              self[0].record(call, headers);
              return next.startCall(call, headers);
            }
          };
      GRPCServerHelper.registerServicesAndHealthChecks(
          services.getServices(), builder, List.of(recorder));
      Server server = builder.build().start();
      self[0] = new TlsTestServer(services, server);
      return self[0];
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private void record(ServerCall<?, ?> call, Metadata headers) {
    String authorization = headers.get(AUTHORIZATION);
    if (authorization != null) {
      authorizationHeaders.add(authorization);
    }
    SSLSession session = call.getAttributes().get(Grpc.TRANSPORT_ATTR_SSL_SESSION);
    if (session != null) {
      try {
        Certificate[] peer = session.getPeerCertificates();
        if (peer.length > 0) {
          clientSerials.add(((X509Certificate) peer[0]).getSerialNumber());
        }
      } catch (SSLPeerUnverifiedException e) {
        // no client certificate on a TLS-only server
      }
    }
  }

  int getPort() {
    return server.getPort();
  }

  /** {@code localhost:<port>}. */
  String localhostTarget() {
    return "localhost:" + getPort();
  }

  /** The serial of the client certificate of the most recent call, if it had one. */
  Optional<BigInteger> lastClientSerial() {
    return clientSerials.isEmpty()
        ? Optional.empty()
        : Optional.of(clientSerials.get(clientSerials.size() - 1));
  }

  List<String> authorizationHeaders() {
    return List.copyOf(authorizationHeaders);
  }

  @Override
  public void close() {
    server.shutdownNow();
    try {
      server.awaitTermination(5, TimeUnit.SECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    services.close();
  }
}
