package dev.nexussecurity.connection.internal;

import io.grpc.CallOptions;
import io.grpc.Channel;
import io.grpc.ClientCall;
import io.grpc.ClientInterceptor;
import io.grpc.ForwardingClientCall;
import io.grpc.ForwardingClientCallListener;
import io.grpc.Metadata;
import io.grpc.MethodDescriptor;
import io.grpc.Status;
import java.security.cert.X509Certificate;
import java.util.Objects;
import java.util.Optional;
import java.util.function.Supplier;

/**
 * Rewrites a call that failed on the TLS handshake so that the error names the certificate problem:
 * the status stays {@code UNAVAILABLE} (retry behaviour does not change), its description becomes
 * the diagnosis' message and its cause the {@link
 * dev.nexussecurity.connection.ConnectionSecurityException}. Installed on the channel itself, so it
 * runs before the SDK's interceptors see the status.
 */
public final class TlsFailureInterceptor implements ClientInterceptor {
  private final String target;
  private final Supplier<Optional<X509Certificate>> clientCertificate;

  /**
   * @param target named in messages
   * @param clientCertificate the client certificate new handshakes present, if any
   */
  public TlsFailureInterceptor(
      String target, Supplier<Optional<X509Certificate>> clientCertificate) {
    this.target = Objects.requireNonNull(target, "target");
    this.clientCertificate = Objects.requireNonNull(clientCertificate, "clientCertificate");
  }

  @Override
  public <ReqT, RespT> ClientCall<ReqT, RespT> interceptCall(
      MethodDescriptor<ReqT, RespT> method, CallOptions callOptions, Channel next) {
    return new ForwardingClientCall.SimpleForwardingClientCall<>(
        next.newCall(method, callOptions)) {
      @Override
      public void start(Listener<RespT> listener, Metadata headers) {
        super.start(
            new ForwardingClientCallListener.SimpleForwardingClientCallListener<>(listener) {
              @Override
              public void onClose(Status status, Metadata trailers) {
                super.onClose(rewrite(status), trailers);
              }
            },
            headers);
      }
    };
  }

  /** {@code status}, or its rewrite when it is a TLS handshake failure. */
  Status rewrite(Status status) {
    return TlsFailures.diagnose(status, target, clientCertificate.get())
        .map(e -> Status.UNAVAILABLE.withDescription(e.getMessage()).withCause(e))
        .orElse(status);
  }
}
